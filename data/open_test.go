package data_test

import (
	"fmt"
	"os"
	"path/filepath"
	"runtime"
	"slices"
	"strings"
	"testing"

	"github.com/apetitspas/apetitspas/app"
	"github.com/apetitspas/apetitspas/data"
)

func TestOpenCreatesAMigratedDatabaseInWALModeWithForeignKeys(t *testing.T) {
	dir := filepath.Join(t.TempDir(), "new", "folder")
	path := filepath.Join(dir, "apetitspas.db")
	db := openPath(t, path)

	if got := db.SchemaVersion(); got != data.SchemaVersion {
		t.Errorf("SchemaVersion() = %d, want %d", got, data.SchemaVersion)
	}
	if got := db.Path(); got != path {
		t.Errorf("Path() = %q, want %q", got, path)
	}
	for _, c := range []struct {
		pragma string
		want   int64
	}{
		{"PRAGMA user_version", data.SchemaVersion},
		{"PRAGMA application_id", data.ApplicationID},
		{"PRAGMA foreign_keys", 1},
		{"SELECT count(*) FROM sqlite_master WHERE name IN ('users', 'settings', 'audit')", 3},
	} {
		if got := queryInt(t, db, c.pragma); got != c.want {
			t.Errorf("%s = %d, want %d", c.pragma, got, c.want)
		}
	}
	var mode string
	if err := data.RawDB(db).QueryRow("PRAGMA journal_mode").Scan(&mode); err != nil || mode != "wal" {
		t.Errorf("journal_mode = %q (%v), want wal", mode, err)
	}

	if runtime.GOOS != "windows" {
		for p, want := range map[string]os.FileMode{dir: 0o700 | os.ModeDir, path: 0o600} {
			if fi, err := os.Stat(p); err != nil || fi.Mode() != want {
				t.Errorf("mode of %s = %v (%v), want %v", p, fi.Mode(), err, want)
			}
		}
	}
}

func TestCloseLeavesNoSidecarFilesAndAHeaderMarkingTheFileAsOurs(t *testing.T) {
	path := filepath.Join(t.TempDir(), "a.db")
	db, err := data.Open(path)
	if err != nil {
		t.Fatal(err)
	}
	if err := db.Close(); err != nil {
		t.Fatal(err)
	}
	if s := sidecars(path); len(s) != 0 {
		t.Errorf("Close left %v behind", s)
	}
	raw := rawSQL(t, path)
	var id, version int64
	if err := raw.QueryRow("PRAGMA application_id").Scan(&id); err != nil || id != data.ApplicationID {
		t.Errorf("application_id = %#x (%v), want %#x", id, err, data.ApplicationID)
	}
	if err := raw.QueryRow("PRAGMA user_version").Scan(&version); err != nil || version != data.SchemaVersion {
		t.Errorf("user_version = %d (%v), want %d", version, err, data.SchemaVersion)
	}
}

func TestAnEmptyFileIsOpenedAsANewDatabase(t *testing.T) {
	path := filepath.Join(t.TempDir(), "empty.db")
	if err := os.WriteFile(path, nil, 0o600); err != nil {
		t.Fatal(err)
	}
	db := openPath(t, path)
	if got := queryInt(t, db, "PRAGMA application_id"); got != data.ApplicationID {
		t.Errorf("application_id = %#x, want %#x", got, data.ApplicationID)
	}
}

func TestReopeningKeepsTheData(t *testing.T) {
	path := filepath.Join(t.TempDir(), "apetitspas.db")
	db, err := data.Open(path)
	if err != nil {
		t.Fatal(err)
	}
	u := newUser("ana@example.ca", "Ana", app.RoleAdmin)
	e := app.AuditEvent{Time: t0, Event: app.EventSetupCompleted, Actor: "ana@example.ca"}
	err = db.Update(ctx, func(tx app.Tx) error {
		if err := tx.InsertUser(&u); err != nil {
			return err
		}
		if err := tx.SetSetting(app.SettingDaycareName, "Les Petits Pas"); err != nil {
			return err
		}
		return tx.AppendAudit(&e)
	})
	if err != nil {
		t.Fatal(err)
	}
	if err := db.Close(); err != nil {
		t.Fatal(err)
	}

	db = openPath(t, path)
	if got := db.SchemaVersion(); got != data.SchemaVersion {
		t.Errorf("SchemaVersion() after reopen = %d, want %d", got, data.SchemaVersion)
	}
	err = db.View(ctx, func(tx app.Tx) error {
		got, err := tx.UserByID(u.ID)
		if err != nil || got.Email != u.Email {
			t.Errorf("UserByID after reopen = %+v, %v", got, err)
		}
		v, ok, err := tx.Setting(app.SettingDaycareName)
		if err != nil || !ok || v != "Les Petits Pas" {
			t.Errorf("Setting after reopen = %q, %v, %v", v, ok, err)
		}
		es, err := tx.Audit(app.AuditFilter{})
		if err != nil || len(es) != 1 || es[0].ID != e.ID {
			t.Errorf("Audit after reopen = %+v, %v", es, err)
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
}

func TestAPathWithURICharactersOpensTheFileOfThatName(t *testing.T) {
	dir := t.TempDir()
	name := "a%20b?c=d#e.db"
	if runtime.GOOS == "windows" {
		name = "a%20b#e.db" // '?' is not allowed in Windows file names
	}
	path := filepath.Join(dir, name)
	db := openPath(t, path)
	insertUsers(t, db, newUser("ana@example.ca", "Ana", app.RoleAdmin))
	if err := db.Close(); err != nil {
		t.Fatal(err)
	}
	entries, err := os.ReadDir(dir)
	if err != nil {
		t.Fatal(err)
	}
	var names []string
	for _, e := range entries {
		names = append(names, e.Name())
	}
	if !slices.Equal(names, []string{name}) {
		t.Errorf("folder holds %q, want only %q", names, name)
	}
}

// The refusals below must leave the file exactly as it was.
func TestOpenRefusesFilesItMustNotTouchAndLeavesThemUnchanged(t *testing.T) {
	tooNew := data.SchemaVersion + 1
	cases := []struct {
		name   string
		make   func(t *testing.T, path string)
		reason string
		detail []string // substrings of the error's Detail
	}{
		{
			name: "a text file renamed .db is corrupt",
			make: func(t *testing.T, path string) {
				text := strings.Repeat("Liste des enfants inscrits pour septembre.\n", 40)
				writeFile(t, path, []byte(text))
			},
			reason: app.ReasonDBCorrupt,
		},
		{
			name:   "a file cut inside the header is corrupt",
			make:   func(t *testing.T, path string) { writeFile(t, path, []byte("SQLite format 3\x00\x10\x00")) },
			reason: app.ReasonDBCorrupt,
		},
		{
			name: "a header with an impossible page size is corrupt",
			make: func(t *testing.T, path string) {
				b := make([]byte, 4096)
				copy(b, "SQLite format 3\x00\x03\x00")
				writeFile(t, path, b)
			},
			reason: app.ReasonDBCorrupt,
		},
		{
			name: "a database of another program is foreign",
			make: func(t *testing.T, path string) {
				execRaw(t, path, "PRAGMA application_id = 0x12345678", "CREATE TABLE notes (x TEXT)",
					"INSERT INTO notes VALUES ('hello')")
			},
			reason: app.ReasonDBForeign,
		},
		{
			name:   "a database without application id but with tables is foreign",
			make:   func(t *testing.T, path string) { execRaw(t, path, "CREATE TABLE users (id INTEGER PRIMARY KEY)") },
			reason: app.ReasonDBForeign,
		},
		{
			name: "an empty database of another program is foreign",
			make: func(t *testing.T, path string) {
				execRaw(t, path, "PRAGMA application_id = 42")
			},
			reason: app.ReasonDBForeign,
		},
		{
			name:   "a database without tables but with a schema version is foreign",
			make:   func(t *testing.T, path string) { execRaw(t, path, "PRAGMA user_version = 1") },
			reason: app.ReasonDBForeign,
		},
		{
			name: "a database of a newer version of the app is too new",
			make: func(t *testing.T, path string) {
				db, err := data.Open(path)
				if err != nil {
					t.Fatal(err)
				}
				insertUsers(t, db, newUser("ana@example.ca", "Ana", app.RoleAdmin))
				if err := db.Close(); err != nil {
					t.Fatal(err)
				}
				execRaw(t, path, fmt.Sprintf("PRAGMA user_version = %d", tooNew))
			},
			reason: app.ReasonDBTooNew,
			detail: []string{fmt.Sprintf("schema version %d", tooNew), fmt.Sprintf("up to %d", data.SchemaVersion)},
		},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			path := filepath.Join(t.TempDir(), "apetitspas.db")
			c.make(t, path)
			if s := sidecars(path); len(s) != 0 {
				t.Fatalf("setup left %v behind", s)
			}
			before := sum(t, path)

			db, err := data.Open(path)
			if err == nil {
				db.Close()
				t.Fatalf("Open succeeded, want reason %q", c.reason)
			}
			ae := wantReason(t, err, c.reason)
			if !strings.Contains(ae.Detail, path) {
				t.Errorf("Detail %q does not name the file", ae.Detail)
			}
			for _, d := range c.detail {
				if !strings.Contains(ae.Detail, d) {
					t.Errorf("Detail %q does not say %q", ae.Detail, d)
				}
			}
			if sum(t, path) != before {
				t.Error("the file was modified")
			}
			if s := sidecars(path); len(s) != 0 {
				t.Errorf("Open left %v behind", s)
			}
		})
	}
}

func TestANewerSchemaVersionStillInTheWALIsRefusedWithoutTouchingTheFile(t *testing.T) {
	// A newer app crashed after migrating: the new user_version is only
	// in the -wal file, the header of the main file is out of date.
	src := filepath.Join(t.TempDir(), "src.db")
	db, err := data.Open(src)
	if err != nil {
		t.Fatal(err)
	}
	if err := db.Close(); err != nil {
		t.Fatal(err)
	}
	raw := rawSQL(t, src+"?_journal_mode=WAL")
	for _, s := range []string{"PRAGMA wal_autocheckpoint = 0",
		fmt.Sprintf("PRAGMA user_version = %d", data.SchemaVersion+1)} {
		if _, err := raw.Exec(s); err != nil {
			t.Fatal(err)
		}
	}
	path := filepath.Join(t.TempDir(), "apetitspas.db")
	for _, s := range []string{"", "-wal"} { // copy while src is open: a crash
		b, err := os.ReadFile(src + s)
		if err != nil {
			t.Fatal(err)
		}
		writeFile(t, path+s, b)
	}
	raw.Close()
	before, beforeWAL := sum(t, path), sum(t, path+"-wal")

	db, err = data.Open(path)
	if err == nil {
		db.Close()
		t.Fatal("Open succeeded, want a refusal")
	}
	wantReason(t, err, app.ReasonDBTooNew)
	if sum(t, path) != before || sum(t, path+"-wal") != beforeWAL {
		t.Error("the database or its WAL was modified")
	}
}

func TestOpenRefusesAFolderAndAnEmptyPath(t *testing.T) {
	_, err := data.Open(t.TempDir())
	wantReason(t, err, app.ReasonDBUnreadable)
	_, err = data.Open("")
	wantReason(t, err, app.ReasonStorage)
}

func writeFile(t testing.TB, path string, b []byte) {
	t.Helper()
	if err := os.WriteFile(path, b, 0o600); err != nil {
		t.Fatal(err)
	}
}

func TestADatabaseDamagedPastItsHeaderIsReportedCorruptWhenRead(t *testing.T) {
	path := filepath.Join(t.TempDir(), "apetitspas.db")
	db := openPath(t, path)
	insertUsers(t, db, newUser("ana@example.ca", "Ana", app.RoleAdmin))
	if err := db.Close(); err != nil {
		t.Fatal(err)
	}
	// Keep page 1 (header and schema), scramble every other page.
	b, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	pageSize := int(b[16])<<8 | int(b[17])
	for i := pageSize; i < len(b); i++ {
		b[i] = byte(i*7 + 3)
	}
	writeFile(t, path, b)

	db, err = data.Open(path)
	if err == nil {
		t.Cleanup(func() { _ = db.Close() })
		err = db.View(ctx, func(tx app.Tx) error {
			_, err := tx.Users(app.UserFilter{})
			return err
		})
	}
	wantReason(t, err, app.ReasonDBCorrupt)
}

func TestADatabaseOfAnOlderVersionIsMigratedKeepingItsData(t *testing.T) {
	for v := 1; v < data.SchemaVersion; v++ {
		t.Run(fmt.Sprintf("from version %d", v), func(t *testing.T) {
			path := filepath.Join(t.TempDir(), "apetitspas.db")
			if err := data.CreateAtVersion(path, v); err != nil {
				t.Fatal(err)
			}
			execRaw(t, path, `INSERT INTO users (email, name, role, password_hash, created_at, updated_at)
				VALUES ('ana@example.ca', 'Ána', 'admin', 'h', 1, 2)`)

			db := openPath(t, path)
			if got := db.SchemaVersion(); got != data.SchemaVersion {
				t.Errorf("SchemaVersion() = %d, want %d", got, data.SchemaVersion)
			}
			if got := queryInt(t, db, "PRAGMA user_version"); got != data.SchemaVersion {
				t.Errorf("user_version = %d, want %d", got, data.SchemaVersion)
			}
			err := db.View(ctx, func(tx app.Tx) error {
				found, err := tx.Users(app.UserFilter{Query: "ana"})
				if err != nil {
					return err
				}
				if len(found) != 1 {
					t.Fatalf("search by name after migration found %d users, want 1", len(found))
				}
				u := found[0]
				if u.Name != "Ána" || u.MFA != app.MFAOff || u.MFASecret != nil || u.UpdatedAt.UnixMilli() != 2 {
					t.Errorf("migrated user = %+v", u)
				}
				return nil
			})
			if err != nil {
				t.Fatal(err)
			}
		})
	}
}

func TestStaleNameKeysAreRefreshedAtOpen(t *testing.T) {
	path := filepath.Join(t.TempDir(), "apetitspas.db")
	db, err := data.Open(path)
	if err != nil {
		t.Fatal(err)
	}
	insertUsers(t, db, newUser("zoe@example.ca", "Zoé", app.RoleParent), newUser("eve@example.ca", "Ève", app.RoleParent))
	// As if an older app had folded names differently.
	if _, err := data.RawDB(db).Exec(`UPDATE users SET name_key = 'x' || name_key`); err != nil {
		t.Fatal(err)
	}
	if err := db.Close(); err != nil {
		t.Fatal(err)
	}
	db = openPath(t, path)
	err = db.View(ctx, func(tx app.Tx) error {
		us, err := tx.Users(app.UserFilter{Query: "zoe"})
		if err != nil {
			return err
		}
		all, err := tx.Users(app.UserFilter{})
		if err != nil {
			return err
		}
		if len(us) != 1 || len(all) != 2 || all[0].Name != "Ève" {
			t.Errorf("after reopen: search %+v, all %+v", us, all)
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
}
