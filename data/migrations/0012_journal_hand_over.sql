-- 0012: nothing changes on SQLite. On PostgreSQL (data/pgmigrations) the
-- app's role is given a narrow way to hand the journal over to the
-- personal form (app/erase.go); here the service owns the file, and the
-- hand-over lifts the append-only trigger inside its own transaction
-- (data/person.go, RewriteAudit).
SELECT 1;
