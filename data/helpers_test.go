package data_test

import (
	"context"
	"crypto/sha256"
	"database/sql"
	"errors"
	"os"
	"path/filepath"
	"testing"
	"time"

	_ "github.com/mattn/go-sqlite3"

	"github.com/apetitspas/apetitspas/app"
	"github.com/apetitspas/apetitspas/data"
	"github.com/apetitspas/apetitspas/data/datatest"
)

// ctx is the context of every transaction in these tests.
var ctx = context.Background()

// t0 is a fixed instant, not in UTC and with sub-millisecond digits, to
// check the conversions.
var t0 = time.Date(2025, 3, 14, 9, 26, 53, 589_793_238, time.FixedZone("EST", -5*3600))

// ms truncates t to what the database keeps: milliseconds, in UTC.
func ms(t time.Time) time.Time {
	if t.IsZero() {
		return t
	}
	return t.Truncate(time.Millisecond).UTC()
}

// openPath opens the database at path and closes it at the end of the test.
func openPath(t testing.TB, path string) *data.DB {
	t.Helper()
	db, err := data.Open(path)
	if err != nil {
		t.Fatalf("Open(%q): %v", path, err)
	}
	t.Cleanup(func() { _ = db.Close() })
	return db
}

// rawSQL opens path with the plain go-sqlite3 driver: another program.
func rawSQL(t testing.TB, path string) *sql.DB {
	t.Helper()
	db, err := sql.Open("sqlite3", path)
	if err != nil {
		t.Fatal(err)
	}
	db.SetMaxOpenConns(1)
	t.Cleanup(func() { _ = db.Close() })
	return db
}

// execRaw runs statements on path through its own connection, closed
// (and so checkpointed) before returning.
func execRaw(t testing.TB, path string, stmts ...string) {
	t.Helper()
	db := rawSQL(t, path)
	for _, s := range stmts {
		if _, err := db.Exec(s); err != nil {
			t.Fatalf("%s: %v", s, err)
		}
	}
	if err := db.Close(); err != nil {
		t.Fatal(err)
	}
}

// queryInt runs a query returning one integer through db's own connection.
func queryInt(t testing.TB, db *data.DB, q string) int64 {
	t.Helper()
	// A transaction left open would hold the only connection forever.
	c, cancel := context.WithTimeout(ctx, 10*time.Second)
	defer cancel()
	var v any
	if err := data.RawDB(db).QueryRowContext(c, q).Scan(&v); err != nil {
		t.Fatalf("%s: %v", q, err)
	}
	switch v := v.(type) {
	case int64:
		return v
	case bool: // PostgreSQL's booleans, SQLite's 0 and 1
		if v {
			return 1
		}
		return 0
	}
	t.Fatalf("%s: %v (%T), want an integer", q, v, v)
	return 0
}

// sqliteOnly marks a test about SQLite's files or about journals from
// before the MACs, which PostgreSQL never holds (db move refuses them):
// it runs in the SQLite pass of `make test`, not in the PostgreSQL one.
func sqliteOnly(t testing.TB) {
	t.Helper()
	if datatest.Postgres() {
		t.Skip("SQLite only: run in the SQLite pass")
	}
}

func sum(t testing.TB, path string) [32]byte {
	t.Helper()
	b, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	return sha256.Sum256(b)
}

// sidecars lists the -wal, -shm and -journal files next to path.
func sidecars(path string) []string {
	var found []string
	for _, s := range []string{"-wal", "-shm", "-journal"} {
		if _, err := os.Stat(path + s); err == nil {
			found = append(found, filepath.Base(path+s))
		}
	}
	return found
}

// wantReason checks that err is an *app.Error with code EUNAVAILABLE and
// the given reason.
func wantReason(t testing.TB, err error, reason string) *app.Error {
	t.Helper()
	var ae *app.Error
	if !errors.As(err, &ae) {
		t.Fatalf("error = %v (%T), want *app.Error with reason %q", err, err, reason)
	}
	if ae.Code != app.EUNAVAILABLE || ae.Reason != reason {
		t.Fatalf("error = %v, want code %q reason %q", err, app.EUNAVAILABLE, reason)
	}
	return ae
}

// newUser returns a valid account not yet stored.
func newUser(email, name string, role app.Role) app.User {
	return app.User{
		Email:        email,
		Name:         name,
		Role:         role,
		PasswordHash: "$argon2id$v=19$m=65536,t=3,p=4$c2FsdA$aGFzaA",
		MFA:          app.MFAOff,
		CreatedAt:    t0,
		UpdatedAt:    t0,
	}
}

// insertUsers stores users in one transaction and returns them with IDs.
func insertUsers(t testing.TB, db *data.DB, us ...app.User) []app.User {
	t.Helper()
	err := db.Update(ctx, func(tx app.Tx) error {
		for i := range us {
			if err := tx.InsertUser(&us[i]); err != nil {
				return err
			}
		}
		return nil
	})
	if err != nil {
		t.Fatalf("insert users: %v", err)
	}
	return us
}
