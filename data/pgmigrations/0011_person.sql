-- 0011: the same as the SQLite migration 0011 (data/migrations): persons
-- kept apart from the journal, erased by emptying email and salt. The app
-- role may read, add and update persons (grants in pgmigrate.go), and
-- delete accounts (an erasure); it still may not change the journal.
CREATE TABLE person (
    id         BIGINT    PRIMARY KEY,
    ref        TEXT      NOT NULL UNIQUE,
    email      TEXT,
    salt       BYTEA,
    commitment BYTEA     NOT NULL,
    erased_at  BIGINT    NOT NULL DEFAULT 0
);
CREATE UNIQUE INDEX person_email ON person (lower(email));

CREATE FUNCTION person_fixed() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    IF TG_OP = 'UPDATE' AND NEW.id = OLD.id AND NEW.ref = OLD.ref
       AND NEW.commitment = OLD.commitment
       AND NOT (OLD.email IS NULL AND NEW.email IS NOT NULL) THEN
        RETURN NEW;
    END IF;
    RAISE EXCEPTION 'a person''s number and commitment never change';
END;
$$;

CREATE TRIGGER person_fixed BEFORE UPDATE OR DELETE ON person
    FOR EACH ROW EXECUTE FUNCTION person_fixed();
