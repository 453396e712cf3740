-- PostgreSQL schema of the app, at schema version 7: the state the SQLite
-- migrations 0001-0007 reach (data/migrations). PostgreSQL support starts
-- here; a later version adds NNNN_*.sql files in both folders.
--
-- Everything lives in the schema "apetitspas", owned by the role that runs
-- `apetitspas-admin db migrate`. The app connects with another role that
-- gets exactly what it needs (see pgmigrate.go grants): it can read and
-- write accounts and settings, read and add journal rows, and nothing
-- else: no DDL, no UPDATE, DELETE or TRUNCATE on the journal.
-- Times are UTC unix milliseconds; 0 means "none". Text compared or
-- sorted by the app uses the "C" collation, so that the order is the same
-- as SQLite's (bytes), whatever the server's locale.

CREATE TABLE apetitspas_schema (
    one            BOOLEAN PRIMARY KEY DEFAULT TRUE CHECK (one),
    application_id BIGINT  NOT NULL,
    version        INTEGER NOT NULL
);

CREATE TABLE users (
    id                   BIGINT  PRIMARY KEY, -- the app writes max(id) + 1
    email                TEXT COLLATE "C" NOT NULL,
    name                 TEXT    NOT NULL,
    role                 TEXT    NOT NULL CHECK (role IN ('parent', 'employee', 'admin')),
    password_hash        TEXT    NOT NULL,
    must_change_password BOOLEAN NOT NULL DEFAULT FALSE,
    disabled             BOOLEAN NOT NULL DEFAULT FALSE,
    failed_logins        INTEGER NOT NULL DEFAULT 0,
    locked_until         BIGINT  NOT NULL DEFAULT 0,
    mfa                  TEXT    NOT NULL DEFAULT 'off' CHECK (mfa IN ('off', 'pending', 'on')),
    created_at           BIGINT  NOT NULL,
    updated_at           BIGINT  NOT NULL,
    mfa_secret           BYTEA,
    mfa_secret_since     BIGINT  NOT NULL DEFAULT 0,
    mfa_last_step        BIGINT  NOT NULL DEFAULT 0,
    mfa_failures         INTEGER NOT NULL DEFAULT 0,
    name_key             TEXT COLLATE "C" NOT NULL DEFAULT '',
    mfa_reset_by         TEXT    NOT NULL DEFAULT '',
    mfa_reset_at         BIGINT  NOT NULL DEFAULT 0,
    mac                  BYTEA,
    mfa_due              BIGINT  NOT NULL DEFAULT 0,
    recovery             BYTEA
);

-- One account per e-mail, whatever its case (SQLite: COLLATE NOCASE).
CREATE UNIQUE INDEX users_email ON users (lower(email));
CREATE INDEX users_role_name_key ON users (role, name_key, email);
CREATE INDEX users_name_key ON users (name_key, email);
-- The search of the administrators' lists (a part of a name or e-mail,
-- LIKE '%…%'): trigram indexes, so that a rare text or one that matches
-- nothing does not read every account (pg_trgm, a trusted extension of
-- PostgreSQL's contrib, which the database's owner may create).
CREATE EXTENSION IF NOT EXISTS pg_trgm SCHEMA apetitspas;
CREATE INDEX users_name_key_trgm ON users USING gin (name_key gin_trgm_ops);
CREATE INDEX users_email_trgm ON users USING gin (email gin_trgm_ops);

CREATE TABLE settings (
    key   TEXT PRIMARY KEY,
    value TEXT NOT NULL
);

CREATE TABLE audit (
    id     BIGINT  PRIMARY KEY,
    time   BIGINT  NOT NULL,
    event  TEXT    NOT NULL,
    actor  TEXT    NOT NULL DEFAULT '',
    target TEXT    NOT NULL DEFAULT '',
    detail TEXT    NOT NULL DEFAULT '',
    mac    BYTEA,
    fields TEXT
);

CREATE INDEX audit_time ON audit (time);
CREATE INDEX audit_event_time ON audit (event, time);
CREATE INDEX audit_actor ON audit (lower(actor));
CREATE INDEX audit_target ON audit (lower(target));

-- The journal is append-only. The app's role has no UPDATE, DELETE nor
-- TRUNCATE privilege on it; these triggers also hold for the owner. The
-- one change allowed is giving a row without a MAC its MAC.
CREATE FUNCTION audit_append_only() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    IF TG_OP = 'UPDATE'
       AND OLD.mac IS NULL AND NEW.mac IS NOT NULL AND length(NEW.mac) > 0
       AND NEW.id = OLD.id AND NEW.time = OLD.time AND NEW.event = OLD.event
       AND NEW.actor = OLD.actor AND NEW.target = OLD.target
       AND NEW.detail = OLD.detail AND NEW.fields IS NOT DISTINCT FROM OLD.fields THEN
        RETURN NEW;
    END IF;
    RAISE EXCEPTION 'audit rows are append-only';
END;
$$;

CREATE TRIGGER audit_no_update BEFORE UPDATE ON audit
    FOR EACH ROW EXECUTE FUNCTION audit_append_only();
CREATE TRIGGER audit_no_delete BEFORE DELETE ON audit
    FOR EACH ROW EXECUTE FUNCTION audit_append_only();
CREATE TRIGGER audit_no_truncate BEFORE TRUNCATE ON audit
    FOR EACH STATEMENT EXECUTE FUNCTION audit_append_only();
