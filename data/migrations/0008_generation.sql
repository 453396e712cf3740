-- 0008: partial rollback and sock puppets (app/integrity.go, app/root.go).
-- generation: raised at every change of the account, covered by its MAC
-- and recorded in the database's state root, so an older copy of the row
-- put back is seen. created_by: the ID of the administrator who created
-- or promoted the account (0 when none), covered by its MAC: she can never
-- be reset by it.
ALTER TABLE users ADD COLUMN generation INTEGER NOT NULL DEFAULT 0;
ALTER TABLE users ADD COLUMN created_by INTEGER NOT NULL DEFAULT 0;
CREATE INDEX users_generation ON users (generation);
