-- 0003: accounts are sorted and searched by a key ignoring case and
-- accents, so that "Élodie" comes between "Anne" and "Karim" and "elodie"
-- finds her. The app computes the key (see fold.go); Open fills it in
-- and refreshes it wherever it differs.

ALTER TABLE users ADD COLUMN name_key TEXT NOT NULL DEFAULT '';

DROP INDEX users_role_name;
DROP INDEX users_name;
CREATE INDEX users_role_name_key ON users (role, name_key, email);
CREATE INDEX users_name_key ON users (name_key, email);
