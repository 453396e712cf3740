-- 0001: accounts, settings and the security journal.
-- Times are UTC unix milliseconds; 0 means "none".

CREATE TABLE users (
    id                   INTEGER PRIMARY KEY,
    email                TEXT    NOT NULL UNIQUE COLLATE NOCASE,
    name                 TEXT    NOT NULL,
    role                 TEXT    NOT NULL CHECK (role IN ('parent', 'employee', 'admin')),
    password_hash        TEXT    NOT NULL,
    must_change_password INTEGER NOT NULL DEFAULT 0,
    disabled             INTEGER NOT NULL DEFAULT 0,
    failed_logins        INTEGER NOT NULL DEFAULT 0,
    locked_until         INTEGER NOT NULL DEFAULT 0, -- unix ms, 0 = not locked
    mfa                  TEXT    NOT NULL DEFAULT 'off' CHECK (mfa IN ('off', 'pending', 'on')),
    created_at           INTEGER NOT NULL,
    updated_at           INTEGER NOT NULL
);

-- Lists are ordered by name then e-mail, optionally for one role.
CREATE INDEX users_role_name ON users (role, name COLLATE NOCASE, email);
CREATE INDEX users_name ON users (name COLLATE NOCASE, email);

CREATE TABLE settings (
    key   TEXT PRIMARY KEY,
    value TEXT NOT NULL
);

CREATE TABLE audit (
    id     INTEGER PRIMARY KEY,
    time   INTEGER NOT NULL, -- unix ms
    event  TEXT    NOT NULL,
    actor  TEXT    NOT NULL DEFAULT '',
    target TEXT    NOT NULL DEFAULT '',
    detail TEXT    NOT NULL DEFAULT ''
);

CREATE INDEX audit_time ON audit (time);
CREATE INDEX audit_event_time ON audit (event, time);
-- Persons are looked up case-insensitively.
CREATE INDEX audit_actor ON audit (actor COLLATE NOCASE);
CREATE INDEX audit_target ON audit (target COLLATE NOCASE);

-- The journal is append-only.
CREATE TRIGGER audit_no_update BEFORE UPDATE ON audit
BEGIN
    SELECT RAISE(ABORT, 'audit rows are append-only');
END;

CREATE TRIGGER audit_no_delete BEFORE DELETE ON audit
BEGIN
    SELECT RAISE(ABORT, 'audit rows are append-only');
END;
