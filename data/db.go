// Package data stores the app's records in one SQLite file.
//
// Open refuses, without changing a byte, files it must not touch: a file
// that is not a SQLite database, a database of another program, or one
// written by a newer version of the app. Otherwise it brings the schema up
// to date with the embedded migrations (migrations/NNNN_*.sql).
//
// The database runs in WAL mode over a single connection: this is a
// single-user desktop app, and one connection serializes every
// transaction. A View or Update must therefore not start another View or
// Update from inside fn: it would wait for itself forever.
package data

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"strings"
	"syscall"
	"time"

	"github.com/mattn/go-sqlite3"

	"github.com/apetitspas/apetitspas/app"
)

// driverName is the go-sqlite3 driver.
const driverName = "sqlite3"

// DB is the app's database. It implements app.Store and is safe for
// concurrent use.
type DB struct {
	db      *sql.DB
	path    string // the file, or the server's URL without its password
	version int
	// pg is set for a PostgreSQL server (pg.go); rawURL is its URL, with
	// the password: never printed.
	pg     bool
	rawURL string
}

var _ app.Store = (*DB)(nil)

// Open opens the database at path, creating it (and its folder) if
// needed, and migrates it to SchemaVersion. Failures are *app.Error with
// code app.EUNAVAILABLE and one of the reasons app.ReasonDBCorrupt,
// ReasonDBForeign, ReasonDBTooNew, ReasonDBUnreadable, ReasonDBReadOnly or
// ReasonStorage. A file refused on inspection (not a SQLite database, a
// database of another program, a newer schema version) is left
// byte-for-byte untouched, and so is a file Open lacks permissions for.
func Open(path string) (*DB, error) {
	if path == "" {
		return nil, unavailable(app.ReasonStorage, "", errors.New("data: empty database path"))
	}
	if IsPostgresURL(path) {
		return openPostgres(path)
	}
	if isUNC(path) { // before Abs, which would read it as a local name
		return nil, errNetworkPath(path, "UNC path")
	}
	if abs, err := filepath.Abs(path); err == nil {
		path = abs
	}
	ms, err := migrations()
	if err != nil {
		return nil, &app.Error{Code: app.EINTERNAL, Reason: app.ReasonStorage, Detail: path, Err: err}
	}
	if err := checkLocal(path); err != nil {
		return nil, err
	}
	exists, err := inspect(path)
	if err != nil {
		return nil, err
	}
	if err := checkWritable(path, exists); err != nil {
		return nil, err
	}

	sdb, err := sql.Open(driverName, fileURI(path)+
		"?_foreign_keys=on&_journal_mode=WAL&_busy_timeout=30000&_txlock=immediate&_synchronous=NORMAL&_secure_delete=on")
	if err != nil {
		return nil, openError(path, err)
	}
	sdb.SetMaxOpenConns(1)
	sdb.SetMaxIdleConns(1)
	sdb.SetConnMaxLifetime(0)
	sdb.SetConnMaxIdleTime(0)

	d := &DB{db: sdb, path: path}
	if err := d.setUp(ms); err != nil {
		_ = sdb.Close()
		return nil, openError(path, err)
	}
	return d, nil
}

// setUp checks the opened database once more (its WAL, if any, is now
// applied), checks the connection settings, runs the migrations and
// brings the name keys up to date.
func (d *DB) setUp(ms []migration) error {
	ctx := context.Background()
	id, version, objects, err := readIdentity(ctx, d.db)
	if err != nil {
		return err
	}
	v, err := judge(d.path, id, version, objects)
	if err != nil {
		return err
	}
	var mode string
	if err := d.db.QueryRowContext(ctx, "PRAGMA journal_mode").Scan(&mode); err != nil {
		return err
	}
	if !strings.EqualFold(mode, "wal") {
		return unavailable(app.ReasonDBReadOnly, d.path,
			fmt.Errorf("data: journal mode is %q, WAL could not be enabled", mode))
	}
	var fk int
	if err := d.db.QueryRowContext(ctx, "PRAGMA foreign_keys").Scan(&fk); err != nil {
		return err
	}
	if fk != 1 {
		return errors.New("data: foreign keys could not be enabled")
	}
	if d.version, err = migrate(ctx, d.db, v, ms); err != nil {
		return err
	}
	if d.version == v {
		// Nothing migrated: every name_key was written with its name.
		// No scan of all accounts before the first frame.
		return nil
	}
	return refreshNameKeys(ctx, d.db)
}

// readIdentity reads application_id, user_version and the number of
// schema objects through SQLite.
func readIdentity(ctx context.Context, db *sql.DB) (id, version uint32, objects int, err error) {
	var sid, sversion int64
	if err = db.QueryRowContext(ctx, "PRAGMA application_id").Scan(&sid); err != nil {
		return
	}
	if err = db.QueryRowContext(ctx, "PRAGMA user_version").Scan(&sversion); err != nil {
		return
	}
	if err = db.QueryRowContext(ctx, "SELECT count(*) FROM sqlite_master").Scan(&objects); err != nil {
		return
	}
	return uint32(sid), uint32(sversion), objects, nil
}

// Close checkpoints and closes the database.
func (d *DB) Close() error {
	// Keep the query planner's statistics fresh; failures do not matter,
	// nor waiting for a transaction still running.
	if !d.pg {
		ctx, cancel := context.WithTimeout(context.Background(), time.Second)
		_, _ = d.db.ExecContext(ctx, "PRAGMA optimize")
		cancel()
	}
	if err := d.db.Close(); err != nil {
		return openError(d.path, err)
	}
	return nil
}

// Path returns the absolute path of the database file, or the server's
// URL without its password.
func (d *DB) Path() string { return d.path }

// SchemaVersion returns the schema version of the open database (the
// package constant SchemaVersion once Open succeeded).
func (d *DB) SchemaVersion() int { return d.version }

// View runs fn in a transaction that is always rolled back; the Tx
// refuses writes.
func (d *DB) View(ctx context.Context, fn func(app.Tx) error) error {
	return d.run(ctx, true, fn)
}

// Update runs fn in a transaction, committed if fn returns nil and rolled
// back otherwise (also when fn panics; the panic goes on).
func (d *DB) Update(ctx context.Context, fn func(app.Tx) error) error {
	return d.run(ctx, false, fn)
}

func (d *DB) run(ctx context.Context, readOnly bool, fn func(app.Tx) error) error {
	if ctx == nil {
		ctx = context.Background()
	}
	var opts *sql.TxOptions
	if d.pg {
		if _, has := ctx.Deadline(); !has {
			var cancel context.CancelFunc
			ctx, cancel = context.WithTimeout(ctx, pgTimeout)
			defer cancel()
		}
		if readOnly { // one consistent snapshot, no lock
			opts = &sql.TxOptions{Isolation: sql.LevelRepeatableRead, ReadOnly: true}
		}
	}
	stx, err := d.db.BeginTx(ctx, opts)
	if err != nil {
		return d.mapErr(fmt.Errorf("data: begin: %w", err))
	}
	done := false
	defer func() {
		if !done { // fn failed or panicked, or View
			_ = stx.Rollback()
		}
	}()
	if d.pg && !readOnly { // one writer at a time across computers (pg.go)
		if _, err := stx.ExecContext(ctx, `SELECT pg_advisory_xact_lock($1)`, pgWriteLock); err != nil {
			return d.mapErr(fmt.Errorf("data: write lock: %w", err))
		}
	}
	if err := fn(&tx{ctx: ctx, tx: stx, readOnly: readOnly, pg: d.pg}); err != nil {
		return d.mapErr(err)
	}
	if readOnly {
		return nil
	}
	done = true
	if err := stx.Commit(); err != nil {
		return d.mapErr(fmt.Errorf("data: commit: %w", err))
	}
	return nil
}

// mapErr turns SQLite errors meaning the file is damaged or cannot be
// written into *app.Error; other errors are returned unchanged.
func (d *DB) mapErr(err error) error {
	var ae *app.Error
	if errors.As(err, &ae) {
		return err
	}
	if d.pg {
		err = scrub(err, d.rawURL)
		if reason := pgReason(err); reason != "" {
			return unavailable(reason, d.path, err)
		}
		return err
	}
	if reason := sqliteReason(err); reason != "" {
		return unavailable(reason, d.path, err)
	}
	return err
}

func unavailable(reason, detail string, err error) *app.Error {
	return &app.Error{Code: app.EUNAVAILABLE, Reason: reason, Detail: detail, Err: err}
}

// sqliteReason names what a SQLite error says about the file, "" if
// nothing in particular.
func sqliteReason(err error) string {
	var se sqlite3.Error
	if !errors.As(err, &se) {
		return ""
	}
	switch se.Code {
	case sqlite3.ErrCorrupt, sqlite3.ErrNotADB:
		return app.ReasonDBCorrupt
	case sqlite3.ErrReadonly:
		return app.ReasonDBReadOnly
	case sqlite3.ErrCantOpen, sqlite3.ErrPerm:
		if isReadOnlyErr(se.SystemErrno) {
			return app.ReasonDBReadOnly
		}
	}
	return ""
}

// openError turns an error met while opening into an *app.Error.
func openError(path string, err error) error {
	var ae *app.Error
	if errors.As(err, &ae) {
		return err
	}
	reason := sqliteReason(err)
	if reason == "" {
		reason = app.ReasonStorage
	}
	return unavailable(reason, path, err)
}

func isReadOnlyErr(err error) bool {
	return errors.Is(err, fs.ErrPermission) || errors.Is(err, syscall.EROFS)
}

// checkWritable makes sure the folder exists and the file and folder can
// be written (SQLite needs the folder for its -wal and -shm files), so
// that a read-only place is reported as such rather than as a vague
// SQLite error.
func checkWritable(path string, exists bool) error {
	dir := filepath.Dir(path)
	readOnly := func(err error) error {
		if isReadOnlyErr(err) {
			return unavailable(app.ReasonDBReadOnly, path, err)
		}
		return unavailable(app.ReasonStorage, path, err)
	}
	if !exists {
		if err := os.MkdirAll(dir, 0o700); err != nil {
			return readOnly(err)
		}
		f, err := os.OpenFile(path, os.O_RDWR|os.O_CREATE|os.O_EXCL, 0o600)
		if err != nil {
			if errors.Is(err, fs.ErrExist) {
				return unavailable(app.ReasonStorage, path, errors.New("data: database file appeared while opening"))
			}
			return readOnly(err)
		}
		// In a folder shared by a group (setgid and group-writable, as
		// "apetitspas-admin configure" makes the machine-wide one), the
		// database is the group's: mode 0660, and SQLite gives its -wal
		// and -shm files the database file's mode.
		if fi, err := os.Stat(dir); err == nil && fi.Mode()&fs.ModeSetgid != 0 && fi.Mode().Perm()&0o070 == 0o070 {
			if err := f.Chmod(0o660); err != nil {
				f.Close()
				return readOnly(err)
			}
		}
		return f.Close()
	}
	f, err := os.OpenFile(path, os.O_RDWR, 0)
	if err != nil {
		return readOnly(err)
	}
	_ = f.Close()
	probe, err := os.CreateTemp(dir, ".apetitspas-probe-*")
	if err != nil {
		return readOnly(err)
	}
	name := probe.Name()
	_ = probe.Close()
	_ = os.Remove(name)
	return nil
}

// fileURI turns an absolute path into a SQLite URI filename (without
// query): file:///tmp/a.db, file:///C:/x/a.db, file:////server/share/a.db.
func fileURI(path string) string {
	p := filepath.ToSlash(path)
	if !strings.HasPrefix(p, "/") {
		p = "/" + p
	}
	p = strings.NewReplacer("%", "%25", "?", "%3f", "#", "%23").Replace(p)
	return "file://" + p
}
