// Package datatest provides throw-away databases for tests.
package datatest

import (
	"flag"
	"path/filepath"
	"testing"

	"github.com/apetitspas/apetitspas/app"
	"github.com/apetitspas/apetitspas/data"
)

// NewDB opens a new, migrated database in a temporary folder of t (on
// the test server with APETITSPAS_TEST_STORE=postgres) and closes it when
// the test ends.
func NewDB(t testing.TB) *data.DB {
	t.Helper()
	path := filepath.Join(t.TempDir(), "apetitspas.db")
	if Postgres() {
		path = NewPGDaycareDB(t).AppURL
	}
	db, err := data.Open(path)
	if err != nil {
		t.Fatalf("datatest: open database: %v", err)
	}
	t.Cleanup(func() {
		if err := db.Close(); err != nil {
			t.Errorf("datatest: close database: %v", err)
		}
	})
	return db
}

// CheapPassphrases lowers app.BackupScryptLogN to 10 for a package's
// tests: scrypt at age's 2^18 takes about ten seconds under the race
// detector, for every backup, key file and scheduled-backup key. Not when
// benchmarks run (their figures are the real program's). Called from
// TestMain; what a real binary writes is checked at 18 by the end-to-end
// run through the service (cmd/apetitspas).
func CheapPassphrases() {
	if !flag.Parsed() {
		flag.Parse()
	}
	if f := flag.Lookup("test.bench"); f != nil && f.Value.String() != "" {
		return
	}
	app.BackupScryptLogN = 10
}
