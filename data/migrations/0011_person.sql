-- 0011: the journal keeps persons apart (app/person.go, Loi 25). A journal
-- row names a person by her reference ("{p:ID}") in actor, target, detail
-- and fields; her e-mail is here, with a random salt, and the row's MAC
-- covers the reference and the commitment SHA-256(salt || e-mail). Erasing
-- her empties email and salt: the commitment stays, so every journal row
-- about her still verifies, and nothing of her is left.
CREATE TABLE person (
    id         INTEGER PRIMARY KEY,
    ref        TEXT    NOT NULL UNIQUE,
    email      TEXT    UNIQUE COLLATE NOCASE, -- NULL once erased
    salt       BLOB,                          -- NULL once erased
    commitment BLOB    NOT NULL,
    erased_at  INTEGER NOT NULL DEFAULT 0     -- unix ms, 0 = not erased
);

-- A person's number, reference and commitment never change; she is erased,
-- never deleted (her journal rows need the commitment).
CREATE TRIGGER person_fixed BEFORE UPDATE ON person
WHEN NEW.id IS NOT OLD.id OR NEW.ref IS NOT OLD.ref OR NEW.commitment IS NOT OLD.commitment
    OR (OLD.email IS NULL AND NEW.email IS NOT NULL)
BEGIN
    SELECT RAISE(ABORT, 'a person''s number and commitment never change');
END;

CREATE TRIGGER person_no_delete BEFORE DELETE ON person
BEGIN
    SELECT RAISE(ABORT, 'persons are erased, never deleted');
END;
