-- 0004: who reset an account's multi-factor sign-in and when, shown to the
-- user at their next sign-in (then cleared).
ALTER TABLE users ADD COLUMN mfa_reset_by TEXT NOT NULL DEFAULT '';
ALTER TABLE users ADD COLUMN mfa_reset_at INTEGER NOT NULL DEFAULT 0;
