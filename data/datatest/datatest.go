// Package datatest provides throw-away databases for tests.
package datatest

import (
	"path/filepath"
	"testing"

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
