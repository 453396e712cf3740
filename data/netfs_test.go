package data_test

import (
	"errors"
	"os"
	"path/filepath"
	"testing"

	"github.com/apetitspas/apetitspas/app"
	"github.com/apetitspas/apetitspas/data"
)

// A SQLite file on a network share is refused with its own sentence, and
// nothing is created.
func TestADatabaseOnANetworkShareIsRefused(t *testing.T) {
	for _, p := range []string{`\\serveur\garderie\apetitspas.db`, `//serveur/garderie/apetitspas.db`, `\\?\UNC\serveur\garderie\apetitspas.db`} {
		_, err := data.Open(p)
		var e *app.Error
		if !errors.As(err, &e) || e.Reason != app.ReasonDBNetwork {
			t.Errorf("%s: %v, want %s", p, err, app.ReasonDBNetwork)
		}
	}
	// Local paths, even odd ones, are not taken for shares.
	for _, p := range []string{filepath.Join(t.TempDir(), "a.db"), filepath.Join(t.TempDir(), "sous", "dossier", "b.db")} {
		db, err := data.Open(p)
		if err != nil {
			t.Fatalf("%s: %v", p, err)
		}
		db.Close()
	}
	if _, err := os.Stat(`\\serveur`); err == nil {
		t.Fatal("something was created")
	}
}
