-- 0006: the journal's details key by key, so that the screens can write a
-- sentence per event and technicians get them as JSON.

-- JSON array of [key, value] pairs in the order the app wrote them
-- ([["grace_days","7"],["made_pending","3"]]); NULL for rows written
-- before this column, whose detail is all there is.
ALTER TABLE audit ADD COLUMN fields TEXT;

-- The journal stays append-only, fields included: the one change allowed
-- is still giving a row without a MAC its MAC, every other column
-- unchanged.
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
    AND NEW.fields IS OLD.fields
)
BEGIN
    SELECT RAISE(ABORT, 'audit rows are append-only');
END;
