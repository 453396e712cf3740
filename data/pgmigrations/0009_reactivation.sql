-- 0009: the same as the SQLite migration 0009 (data/migrations): the
-- state of each account's reactivation code. The app role's rights are per
-- table: nothing to grant.
ALTER TABLE users ADD COLUMN reactivation BYTEA;
