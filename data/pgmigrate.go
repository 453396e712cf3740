package data

import (
	"context"
	"database/sql"
	"embed"
	"errors"
	"fmt"
	"io/fs"
	"regexp"
	"sort"
	"strconv"
	"strings"

	"github.com/apetitspas/apetitspas/app"
)

//go:embed pgmigrations/*.sql
var pgMigrationFS embed.FS

// pgFirstVersion is the schema version PostgreSQL support starts at: its
// first file creates the whole schema of that version.
const pgFirstVersion = 7

// pgMigrations returns the embedded PostgreSQL migrations, numbered
// pgFirstVersion … SchemaVersion without gaps.
func pgMigrations() ([]migration, error) {
	entries, err := fs.ReadDir(pgMigrationFS, "pgmigrations")
	if err != nil {
		return nil, fmt.Errorf("data: read PostgreSQL migrations: %w", err)
	}
	var ms []migration
	for _, e := range entries {
		num, _, ok := strings.Cut(e.Name(), "_")
		n, err := strconv.Atoi(num)
		if !ok || err != nil {
			return nil, fmt.Errorf("data: PostgreSQL migration %q: name must be NNNN_description.sql", e.Name())
		}
		b, err := fs.ReadFile(pgMigrationFS, "pgmigrations/"+e.Name())
		if err != nil {
			return nil, err
		}
		ms = append(ms, migration{version: n, name: e.Name(), sql: string(b)})
	}
	sort.Slice(ms, func(i, j int) bool { return ms[i].version < ms[j].version })
	for i, m := range ms {
		if m.version != pgFirstVersion+i {
			return nil, fmt.Errorf("data: PostgreSQL migration %q: expected number %d", m.name, pgFirstVersion+i)
		}
	}
	if len(ms) == 0 || ms[len(ms)-1].version != SchemaVersion {
		return nil, fmt.Errorf("data: PostgreSQL migrations do not end at SchemaVersion %d", SchemaVersion)
	}
	return ms, nil
}

// roleName is what `db migrate --app-role` accepts: a plain PostgreSQL
// identifier, so that it can be written into GRANT statements as is.
var roleName = regexp.MustCompile(`^[a-z_][a-z0-9_]{0,62}$`)

// MigrateReport says what Migrate did.
type MigrateReport struct {
	From, To int    // schema versions before and after (From 0: created)
	Owner    string // the role owning the schema
	AppRole  string // the role granted the app's privileges
}

// Migrate creates or brings up to date the app's schema on the PostgreSQL
// server at ownerURL, connected as the role that owns it, and grants
// appRole exactly what the app needs: read the schema version; read,
// add and change accounts and settings; read and add journal rows. Nothing
// else: no DDL, no DELETE anywhere, no UPDATE, DELETE or TRUNCATE on the
// journal. Everything is one transaction: on any failure nothing changed.
// appRole must exist, must not be the owner, a member of it, nor a
// superuser (ReasonDBRights).
func Migrate(ctx context.Context, ownerURL, appRole string) (MigrateReport, error) {
	r := MigrateReport{AppRole: appRole}
	if !IsPostgresURL(ownerURL) {
		return r, unavailable(app.ReasonDBURL, "", errors.New("data: db migrate needs a postgres:// URL"))
	}
	if !roleName.MatchString(appRole) {
		return r, &app.Error{Code: app.EINVALID, Reason: app.ReasonDBRights,
			Err: fmt.Errorf("data: %q is not a plain role name (lower-case letters, digits, _)", appRole)}
	}
	ms, err := pgMigrations()
	if err != nil {
		return r, err
	}
	cfg, err := pgConfig(ownerURL)
	if err != nil {
		return r, err
	}
	sdb := openPGPool(cfg)
	defer sdb.Close()
	d := &DB{db: sdb, path: RedactURL(ownerURL), pg: true, rawURL: ownerURL}
	err = func() error {
		stx, err := sdb.BeginTx(ctx, nil)
		if err != nil {
			return err
		}
		defer func() { _ = stx.Rollback() }()
		if _, err := stx.ExecContext(ctx, `SELECT pg_advisory_xact_lock($1)`, pgWriteLock); err != nil {
			return err
		}
		if err := stx.QueryRowContext(ctx, `SELECT current_user`).Scan(&r.Owner); err != nil {
			return err
		}
		if err := checkAppRole(ctx, stx, appRole, r.Owner); err != nil {
			return err
		}
		if _, err := stx.ExecContext(ctx, `CREATE SCHEMA IF NOT EXISTS `+pgSchema); err != nil {
			return err
		}
		from, err := pgVersion(ctx, stx)
		if err != nil {
			return err
		}
		r.From, r.To = from, from
		if from > SchemaVersion {
			return unavailable(app.ReasonDBTooNew, d.path, fmt.Errorf("data: schema version %d, this build knows %d", from, SchemaVersion))
		}
		for _, m := range ms {
			if m.version <= from {
				continue
			}
			if _, err := stx.ExecContext(ctx, m.sql); err != nil {
				return fmt.Errorf("data: PostgreSQL migration %s: %w", m.name, err)
			}
			r.To = m.version
		}
		if _, err := stx.ExecContext(ctx, `INSERT INTO apetitspas_schema (application_id, version) VALUES ($1, $2)
			ON CONFLICT (one) DO UPDATE SET application_id = excluded.application_id, version = excluded.version`,
			ApplicationID, r.To); err != nil {
			return err
		}
		for _, g := range grants(appRole) {
			if _, err := stx.ExecContext(ctx, g); err != nil {
				return fmt.Errorf("data: %s: %w", g, err)
			}
		}
		// Fresh statistics for the planner (the app's role may not run
		// ANALYZE): run db migrate again after db move, or wait for
		// autovacuum, so the search keeps to its indexes.
		if _, err := stx.ExecContext(ctx, `ANALYZE users, settings, audit, person`); err != nil {
			return err
		}
		return stx.Commit()
	}()
	if err != nil {
		return r, d.mapErr(err)
	}
	return r, nil
}

// pgHandOverFunc is the signature of migration 0012's function.
const pgHandOverFunc = `audit_hand_over(BIGINT, BIGINT, TEXT, TEXT, TEXT, TEXT, TEXT, BYTEA)`

// grants are the statements giving role the app's privileges, after
// taking away every other one it had on the schema.
func grants(role string) []string {
	return []string{
		`REVOKE ALL ON SCHEMA ` + pgSchema + ` FROM PUBLIC`,
		`REVOKE ALL ON ALL TABLES IN SCHEMA ` + pgSchema + ` FROM PUBLIC`,
		`REVOKE ALL ON ALL TABLES IN SCHEMA ` + pgSchema + ` FROM ` + role,
		`REVOKE ALL ON ALL SEQUENCES IN SCHEMA ` + pgSchema + ` FROM ` + role,
		`REVOKE ALL ON ALL FUNCTIONS IN SCHEMA ` + pgSchema + ` FROM PUBLIC`,
		`REVOKE ALL ON ALL FUNCTIONS IN SCHEMA ` + pgSchema + ` FROM ` + role,
		`REVOKE CREATE ON SCHEMA ` + pgSchema + ` FROM ` + role,
		`GRANT USAGE ON SCHEMA ` + pgSchema + ` TO ` + role,
		`GRANT SELECT ON apetitspas_schema TO ` + role,
		`GRANT SELECT, INSERT, UPDATE ON users, settings TO ` + role,
		`GRANT SELECT, INSERT ON audit TO ` + role,
		// Erasing a person (app/person.go): her account goes, her person
		// row is emptied (its trigger keeps its number and commitment).
		`GRANT DELETE ON users TO ` + role,
		`GRANT SELECT, INSERT, UPDATE ON person TO ` + role,
		// The one-time hand-over of the journal to the personal form
		// (migration 0012): the function, never UPDATE on the journal.
		`GRANT EXECUTE ON FUNCTION ` + pgHandOverFunc + ` TO ` + role,
	}
}

// checkAppRole refuses an app role that does not exist or that could
// change the schema: the owner, a member of it, or a superuser.
func checkAppRole(ctx context.Context, stx *sql.Tx, role, owner string) error {
	var super, member bool
	err := stx.QueryRowContext(ctx, `SELECT rolsuper, pg_has_role($1, $2, 'USAGE') FROM pg_roles WHERE rolname = $1`,
		role, owner).Scan(&super, &member)
	if errors.Is(err, sql.ErrNoRows) {
		return &app.Error{Code: app.EINVALID, Reason: app.ReasonDBRights,
			Err: fmt.Errorf("data: role %q does not exist (CREATE ROLE %s LOGIN PASSWORD '…' first)", role, role)}
	}
	if err != nil {
		return err
	}
	if super || member || role == owner {
		return &app.Error{Code: app.EINVALID, Reason: app.ReasonDBRights,
			Err: fmt.Errorf("data: role %q is a superuser or the owner %q: the app needs a role of its own", role, owner)}
	}
	return nil
}

// pgVersion reads the schema version, 0 when there is no schema yet.
func pgVersion(ctx context.Context, stx *sql.Tx) (int, error) {
	var exists bool
	if err := stx.QueryRowContext(ctx, `SELECT to_regclass($1) IS NOT NULL`, pgSchema+`.apetitspas_schema`).Scan(&exists); err != nil || !exists {
		return 0, err
	}
	var v int
	err := stx.QueryRowContext(ctx, `SELECT version FROM `+pgSchema+`.apetitspas_schema`).Scan(&v)
	if errors.Is(err, sql.ErrNoRows) {
		return 0, nil
	}
	return v, err
}
