-- 0008: the same as the SQLite migration 0008 (data/migrations): each
-- account's generation (state root) and who created or promoted it. The
-- app role's rights are per table: nothing to grant.
ALTER TABLE users ADD COLUMN generation BIGINT NOT NULL DEFAULT 0;
ALTER TABLE users ADD COLUMN created_by BIGINT NOT NULL DEFAULT 0;
CREATE INDEX users_generation ON users (generation);
