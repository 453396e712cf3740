package data

import (
	"context"
	"database/sql"
	"embed"
	"fmt"
	"io/fs"
	"path"
	"sort"
	"strconv"
	"strings"
)

// SchemaVersion is the schema version this build of the app writes: the
// number of the last file in migrations/. It is stored in the database
// header (PRAGMA user_version).
const SchemaVersion = 12

// ApplicationID marks a SQLite file as ours (PRAGMA application_id, "APPA").
const ApplicationID = 0x41505041

//go:embed migrations/*.sql
var migrationFS embed.FS

// migration is one embedded schema change.
type migration struct {
	version int
	name    string
	sql     string
	// after, if set, runs in the migration's transaction after sql.
	after func(context.Context, *sql.Tx) error
}

// migrationSteps are the parts of migrations done in Go, by number: they
// run in the same transaction as the migration's SQL.
var migrationSteps = map[int]func(context.Context, *sql.Tx) error{
	5: normalizeEmails,
}

// migrations returns the embedded migrations in order. Their numbers
// must run 1, 2, … SchemaVersion without gaps.
func migrations() ([]migration, error) {
	return loadMigrations(migrationFS, "migrations")
}

func loadMigrations(fsys fs.FS, dir string) ([]migration, error) {
	entries, err := fs.ReadDir(fsys, dir)
	if err != nil {
		return nil, fmt.Errorf("data: read migrations: %w", err)
	}
	var ms []migration
	for _, e := range entries {
		name := e.Name()
		if e.IsDir() || !strings.HasSuffix(name, ".sql") {
			continue
		}
		num, _, ok := strings.Cut(name, "_")
		if !ok {
			return nil, fmt.Errorf("data: migration %q: name must be NNNN_description.sql", name)
		}
		n, err := strconv.Atoi(num)
		if err != nil || n < 1 {
			return nil, fmt.Errorf("data: migration %q: name must start with a positive number", name)
		}
		b, err := fs.ReadFile(fsys, path.Join(dir, name))
		if err != nil {
			return nil, fmt.Errorf("data: read migration %q: %w", name, err)
		}
		ms = append(ms, migration{version: n, name: name, sql: string(b), after: migrationSteps[n]})
	}
	sort.Slice(ms, func(i, j int) bool { return ms[i].version < ms[j].version })
	for i, m := range ms {
		if m.version != i+1 {
			return nil, fmt.Errorf("data: migration %q: expected number %d", m.name, i+1)
		}
	}
	if len(ms) != SchemaVersion {
		return nil, fmt.Errorf("data: %d migrations embedded but SchemaVersion is %d", len(ms), SchemaVersion)
	}
	return ms, nil
}

// migrate applies the migrations newer than version, each in its own
// transaction together with the new user_version, and returns the new
// version.
func migrate(ctx context.Context, db *sql.DB, version int, ms []migration) (int, error) {
	for _, m := range ms {
		if m.version <= version {
			continue
		}
		if err := applyMigration(ctx, db, m); err != nil {
			return version, err
		}
		version = m.version
	}
	return version, nil
}

func applyMigration(ctx context.Context, db *sql.DB, m migration) error {
	tx, err := db.BeginTx(ctx, nil)
	if err != nil {
		return fmt.Errorf("data: migration %s: %w", m.name, err)
	}
	defer func() { _ = tx.Rollback() }() // no-op after Commit
	if _, err := tx.ExecContext(ctx, m.sql); err != nil {
		return fmt.Errorf("data: migration %s: %w", m.name, err)
	}
	if m.after != nil {
		if err := m.after(ctx, tx); err != nil {
			return fmt.Errorf("data: migration %s: %w", m.name, err)
		}
	}
	// PRAGMA arguments cannot be bound parameters; both are integers.
	if m.version == 1 {
		if _, err := tx.ExecContext(ctx, fmt.Sprintf("PRAGMA application_id = %d", ApplicationID)); err != nil {
			return fmt.Errorf("data: migration %s: set application_id: %w", m.name, err)
		}
	}
	if _, err := tx.ExecContext(ctx, fmt.Sprintf("PRAGMA user_version = %d", m.version)); err != nil {
		return fmt.Errorf("data: migration %s: set user_version: %w", m.name, err)
	}
	if err := tx.Commit(); err != nil {
		return fmt.Errorf("data: migration %s: commit: %w", m.name, err)
	}
	return nil
}
