//go:build unix

package data_test

import (
	"os"
	"path/filepath"
	"testing"

	"github.com/apetitspas/apetitspas/data"
)

func TestADatabaseInAGroupsFolderIsTheGroups(t *testing.T) {
	dir := filepath.Join(t.TempDir(), "data")
	if err := os.Mkdir(dir, 0o700); err != nil {
		t.Fatal(err)
	}
	chmod(t, dir, 0o770|os.ModeSetgid)
	path := filepath.Join(dir, "apetitspas.db")
	openPath(t, path) // migrations: writes through the WAL
	for _, f := range []string{path, path + "-wal", path + "-shm"} {
		fi, err := os.Stat(f)
		if err != nil {
			t.Fatalf("%s: %v", f, err)
		}
		if fi.Mode().Perm() != 0o660 {
			t.Errorf("%s has mode %04o, want 0660 (every member of the group uses it)", filepath.Base(f), fi.Mode().Perm())
		}
	}
	// A file made elsewhere (a restore, a move) gets the same.
	other := filepath.Join(t.TempDir(), "made-elsewhere.db")
	if err := os.WriteFile(other, nil, 0o600); err != nil {
		t.Fatal(err)
	}
	if err := data.ShareLikeFolder(other, dir); err != nil {
		t.Fatal(err)
	}
	if fi, _ := os.Stat(other); fi.Mode().Perm() != 0o660 {
		t.Errorf("ShareLikeFolder gave mode %04o, want 0660", fi.Mode().Perm())
	}

	// Anywhere else, as before: 0600.
	private := filepath.Join(t.TempDir(), "a.db")
	openPath(t, private)
	if fi, _ := os.Stat(private); fi.Mode().Perm() != 0o600 {
		t.Errorf("a database in a private folder has mode %04o, want 0600", fi.Mode().Perm())
	}
	other = filepath.Join(t.TempDir(), "made-elsewhere.db")
	if err := os.WriteFile(other, nil, 0o600); err != nil {
		t.Fatal(err)
	}
	if err := data.ShareLikeFolder(other, t.TempDir()); err != nil {
		t.Fatal(err)
	}
	if fi, _ := os.Stat(other); fi.Mode().Perm() != 0o600 {
		t.Errorf("ShareLikeFolder outside a group's folder changed the mode to %04o", fi.Mode().Perm())
	}
}
