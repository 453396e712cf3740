-- 0005: integrity of the accounts and of the journal, and a grace deadline
-- of each account's own.

-- Keyed MAC of the account's security state, NULL when there is none yet
-- (the app computes it; see app/integrity.go).
ALTER TABLE users ADD COLUMN mac BLOB;
-- End of the account's grace period to set up multi-factor sign-in, unix
-- ms (0 = none: enroll now).
ALTER TABLE users ADD COLUMN mfa_due INTEGER NOT NULL DEFAULT 0;
-- MAC chaining each journal row to the previous one, NULL for rows written
-- before MACs existed (until the app gives them one).
ALTER TABLE audit ADD COLUMN mac BLOB;

-- The journal stays append-only. The one change allowed is giving a row
-- without a MAC its MAC (a non-empty BLOB), every other column unchanged.
DROP TRIGGER audit_no_update;
CREATE TRIGGER audit_no_update BEFORE UPDATE ON audit
WHEN NOT (
    OLD.mac IS NULL
    AND typeof(NEW.mac) = 'blob' AND length(NEW.mac) > 0
    AND NEW.id IS OLD.id
    AND NEW.time IS OLD.time
    AND NEW.event IS OLD.event
    AND NEW.actor IS OLD.actor
    AND NEW.target IS OLD.target
    AND NEW.detail IS OLD.detail
)
BEGIN
    SELECT RAISE(ABORT, 'audit rows are append-only');
END;

-- INSERT OR REPLACE would delete a row without firing audit_no_delete
-- (recursive_triggers is off): an existing ID cannot be written again.
CREATE TRIGGER audit_no_replace BEFORE INSERT ON audit
WHEN EXISTS (SELECT 1 FROM audit WHERE id = NEW.id)
BEGIN
    SELECT RAISE(ABORT, 'audit rows are append-only');
END;

-- Staff made pending by an enforced policy with a grace period keep the
-- deadline they had: staff_mfa_enforced_at + staff_mfa_grace_days.
-- An enforced_at that is not an RFC 3339 time SQLite can read (strftime
-- gives NULL) or grace days that are not a plain positive number leave no
-- deadline, as in the app (app/policy.go).
UPDATE users
SET mfa_due = (
    SELECT CAST(strftime('%s', at.value) AS INTEGER) * 1000
           + CAST(days.value AS INTEGER) * 86400000
    FROM settings AS at, settings AS days
    WHERE at.key = 'staff_mfa_enforced_at' AND days.key = 'staff_mfa_grace_days'
)
WHERE mfa = 'pending'
  AND role IN ('employee', 'admin')
  AND EXISTS (SELECT 1 FROM settings WHERE key = 'staff_mfa_enforced' AND value = '1')
  AND EXISTS (
      SELECT 1
      FROM settings AS at, settings AS days
      WHERE at.key = 'staff_mfa_enforced_at' AND days.key = 'staff_mfa_grace_days'
        AND at.value GLOB '[0-9][0-9][0-9][0-9]-[0-9][0-9]-[0-9][0-9]T*'
        AND strftime('%s', at.value) IS NOT NULL
        AND days.value <> '' AND days.value NOT GLOB '*[^0-9]*'
        AND CAST(days.value AS INTEGER) > 0
  );
