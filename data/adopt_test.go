package data_test

import (
	"os"
	"path/filepath"
	"runtime"
	"strings"
	"testing"

	"github.com/apetitspas/apetitspas/app"
	"github.com/apetitspas/apetitspas/data"
	"github.com/apetitspas/apetitspas/data/datatest"
)

// The local service adopts a daycare already on the computer: real files
// in temporary folders, the rules of package app built here as cmd/ builds
// them (data.Adopter).

var adoptClock = datatest.NewClock()

// trustedOf is the Adopter of these tests.
func trustedOf(st app.Store, keys app.KeyRing) *app.Trusted {
	return app.NewTrusted(app.New(app.Params{Store: st, Keys: keys, Now: adoptClock.Now, Argon2: datatest.QuickArgon2}))
}

var technicien = app.OSUser{Name: "root (sudo: technicien)", Elevated: true}

// adoptDaycare makes a daycare in the SQLite file path with its key in
// keys: an administrator and a parent; it is closed when it returns.
func adoptDaycare(t *testing.T, path string, keys app.KeyRing, name string) {
	t.Helper()
	db, err := data.Open(path)
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	svc := app.New(app.Params{Store: db, Keys: keys, Now: adoptClock.Now, Argon2: datatest.QuickArgon2})
	if _, err := app.NewTrusted(svc).Setup(ctx, name, app.NewUser{Name: "Julie Tremblay", Email: "julie@cpe.ca", Password: datatest.Password}, datatest.Password); err != nil {
		t.Fatal(err)
	}
	sess, err := svc.Login(ctx, "julie@cpe.ca", datatest.Password)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := svc.CreateAccount(ctx, sess, app.NewUser{Role: app.RoleParent, Name: "Karim Benali", Email: "karim@cpe.ca", Password: datatest.Password}, ""); err != nil {
		t.Fatal(err)
	}
}

// openTrusted opens path with keys; closed at the end of the test.
func openTrusted(t *testing.T, path string, keys app.KeyRing) (*app.Service, *app.Trusted) {
	t.Helper()
	db := openPath(t, path)
	svc := app.New(app.Params{Store: db, Keys: keys, Now: adoptClock.Now, Argon2: datatest.QuickArgon2})
	return svc, app.NewTrusted(svc)
}

// adopted checks that an event data.adopted names from and to.
func adopted(t *testing.T, tr *app.Trusted, from, to string) {
	t.Helper()
	evs, err := tr.Audit(ctx, app.AuditFilter{Event: app.EventDataAdopted})
	if err != nil || len(evs) != 1 {
		t.Fatalf("data.adopted: %+v, %v; want one", evs, err)
	}
	f := map[string]string{}
	for _, kv := range evs[0].Fields {
		f[kv.Key] = kv.Value
	}
	if f[app.FieldMovedFrom] != from || f[app.FieldMovedTo] != to || f[app.FieldOSUser] != technicien.Name {
		t.Errorf("data.adopted fields: %v; want from %s, to %s, by %s", f, from, to, technicien.Name)
	}
}

// mode checks a file's permission bits (Unix).
func mode(t *testing.T, path string, want os.FileMode) {
	t.Helper()
	if runtime.GOOS == "windows" {
		return
	}
	fi, err := os.Stat(path)
	if err != nil {
		t.Fatal(err)
	}
	if fi.Mode().Perm() != want {
		t.Errorf("%s has mode %04o, want %04o", path, fi.Mode().Perm(), want)
	}
}

// checkService checks the service's folder after an adoption: its
// database verifies under its own key folder, a known account signs in,
// data.adopted is journaled, everything is the service's alone.
func checkService(t *testing.T, dir data.ServiceDir, from string) {
	t.Helper()
	mode(t, string(dir), 0o700)
	mode(t, dir.KeyDir(), 0o700)
	mode(t, dir.DB(), 0o600)
	entries, err := os.ReadDir(dir.KeyDir())
	if err != nil || len(entries) != 1 {
		t.Fatalf("service key folder: %v, %v; want one key", entries, err)
	}
	mode(t, filepath.Join(dir.KeyDir(), entries[0].Name()), 0o600)
	if left, _ := filepath.Glob(filepath.Join(string(dir), ".apetitspas-adopt-*")); len(left) != 0 {
		t.Errorf("the work folder was left: %v", left)
	}
	svc, tr := openTrusted(t, dir.DB(), dir.KeyRing())
	if r, err := tr.Verify(ctx); err != nil || !r.OK() {
		t.Fatalf("Verify of the adopted daycare: %+v, %v", r, err)
	}
	if _, err := svc.Login(ctx, "karim@cpe.ca", datatest.Password); err != nil {
		t.Errorf("a parent signs in to the adopted daycare: %v", err)
	}
	adopted(t, tr, from, dir.DB())
}

// checkOld checks the old database: marked, journaled, refused for a
// second adoption and for a move, as after a move.
func checkOld(t *testing.T, path string, keys app.KeyRing, dir data.ServiceDir) {
	t.Helper()
	_, tr := openTrusted(t, path, keys)
	if to, err := tr.MovedTo(ctx); err != nil || to != dir.DB() {
		t.Errorf("MovedTo of the old database = %q, %v; want %s (the app refuses to open it, db_moved)", to, err, dir.DB())
	}
	adopted(t, tr, path, dir.DB())
	if _, ok, err := tr.MoveOffer(ctx, path, app.MoveTarget{Path: filepath.Join(t.TempDir(), "x.db")}); ok || err != nil {
		t.Errorf("an adopted daycare was offered for a move: %v %v", ok, err)
	}
}

func TestTheServiceAdoptsTheMachineWideDaycare(t *testing.T) {
	root := t.TempDir()
	config := filepath.Join(root, "etc", "apetitspas", "config.toml")
	db := filepath.Join(root, "var", "garderie", "apetitspas.db")
	keys := data.NewSharedKeyRing(data.DefaultSharedKeyDir(config))
	adoptDaycare(t, db, keys, "CPE Les Lucioles")

	src, ok := data.MachineAdoptSource(data.Config{DB: db}, config)
	if !ok || !src.Shared || src.KeyDir != keys.Dir() {
		t.Fatalf("MachineAdoptSource = %+v, %v", src, ok)
	}
	if _, ok := data.MachineAdoptSource(data.Config{DB: "postgres://app@serveur/apetitspas"}, config); ok {
		t.Error("a PostgreSQL server was offered for a copy")
	}
	if _, ok := data.MachineAdoptSource(data.Config{Service: "unix:/run/apetitspas/service.sock"}, config); ok {
		t.Error("a configuration naming the service alone was offered for a copy")
	}
	dir := data.ServiceDir(filepath.Join(root, "service"))
	rep, err := data.Adopt(ctx, dir, src, data.NoOwner, technicien, trustedOf)
	if err != nil {
		t.Fatalf("Adopt: %v", err)
	}
	if rep.From != db || rep.To != dir.DB() || rep.Daycare != "CPE Les Lucioles" || rep.Accounts != 2 || rep.Rows < 2 ||
		rep.KeyID == "" || rep.Nothing || rep.Already || rep.Aside != "" || rep.MarkErr != nil {
		t.Errorf("report = %+v", rep)
	}
	checkService(t, dir, db)
	checkOld(t, db, keys, dir)

	// Run again (an install run twice): nothing more is done.
	if rep, err := data.Adopt(ctx, dir, src, data.NoOwner, technicien, trustedOf); err != nil || !rep.Already {
		t.Errorf("a second adoption into the same folder: %+v, %v; want Already", rep, err)
	}
	// Into another service folder: the daycare went elsewhere already.
	other := data.ServiceDir(filepath.Join(root, "autre"))
	if _, err := data.Adopt(ctx, other, src, data.NoOwner, technicien, trustedOf); app.ErrorReason(err) != app.ReasonDBMoved {
		t.Errorf("adopting an adopted daycare elsewhere: %v, want db_moved", err)
	}
	if _, err := os.Stat(other.DB()); !os.IsNotExist(err) {
		t.Error("a refused adoption wrote a database")
	}
}

func TestTheServiceAdoptsAUsersOwnDaycare(t *testing.T) {
	home := t.TempDir()
	src := data.UserAdoptSource(home)
	if runtime.GOOS == "linux" && (src.DB != filepath.Join(home, ".config", "apetitspas", "apetitspas.db") || src.KeyDir != filepath.Join(home, ".config", "apetitspas", "keys")) {
		t.Errorf("UserAdoptSource = %+v", src)
	}
	keys := data.NewKeyRing(src.KeyDir, false)
	adoptDaycare(t, src.DB, keys, "Garderie de Julie")

	// The service started once before: an empty database, moved aside.
	dir := data.ServiceDir(filepath.Join(t.TempDir(), "service"))
	empty, err := data.Open(dir.DB())
	if err != nil {
		t.Fatal(err)
	}
	empty.Close()
	rep, err := data.Adopt(ctx, dir, src, data.NoOwner, technicien, trustedOf)
	if err != nil {
		t.Fatalf("Adopt: %v", err)
	}
	if rep.Aside == "" || !strings.HasPrefix(rep.Aside, dir.DB()+".vide-") || rep.Daycare != "Garderie de Julie" {
		t.Errorf("report = %+v; want the empty database moved aside", rep)
	}
	if _, err := os.Stat(rep.Aside); err != nil {
		t.Errorf("the empty database was not kept: %v", err)
	}
	checkService(t, dir, src.DB)
	checkOld(t, src.DB, keys, dir)
}

func TestNoAdoptionOverADaycare(t *testing.T) {
	home := t.TempDir()
	src := data.UserAdoptSource(home)
	keys := data.NewKeyRing(src.KeyDir, false)
	adoptDaycare(t, src.DB, keys, "Garderie de Julie")
	dir := data.ServiceDir(filepath.Join(t.TempDir(), "service"))
	adoptDaycare(t, dir.DB(), dir.KeyRing(), "CPE Déjà Là")
	before, _ := os.ReadDir(dir.KeyDir())

	_, err := data.Adopt(ctx, dir, src, data.NoOwner, technicien, trustedOf)
	if ae, ok := err.(*app.Error); !ok || ae.Reason != app.ReasonAdoptTargetTaken || ae.Detail != dir.DB() {
		t.Fatalf("Adopt over a daycare: %v; want adopt_target_taken naming %s", err, dir.DB())
	}
	after, _ := os.ReadDir(dir.KeyDir())
	if len(after) != len(before) {
		t.Errorf("a refused adoption added a key: %v", after)
	}
	if left, _ := filepath.Glob(filepath.Join(string(dir), ".apetitspas-adopt-*")); len(left) != 0 {
		t.Errorf("a refused adoption left %v", left)
	}
	_, tr := openTrusted(t, src.DB, keys)
	if to, err := tr.MovedTo(ctx); to != "" || err != nil {
		t.Errorf("a refused adoption marked the old database: %q %v", to, err)
	}
	_, there := openTrusted(t, dir.DB(), dir.KeyRing())
	if r, err := there.Verify(ctx); err != nil || !r.OK() {
		t.Errorf("the service's daycare after a refusal: %+v %v", r, err)
	}
	if users, err := there.Users(ctx, app.UserFilter{}); err != nil || len(users) != 2 {
		t.Errorf("the service's daycare after a refusal: %+v %v", users, err)
	}
}

func TestAnAdoptionThatDoesNotVerifyCopiesNothing(t *testing.T) {
	home := t.TempDir()
	src := data.UserAdoptSource(home)
	keys := data.NewKeyRing(src.KeyDir, false)
	adoptDaycare(t, src.DB, keys, "Garderie de Julie")
	// Someone promoted the parent with sqlite3.
	execRaw(t, src.DB, "UPDATE users SET role = 'admin' WHERE email = 'karim@cpe.ca'")
	dir := data.ServiceDir(filepath.Join(t.TempDir(), "service"))
	if _, err := data.Adopt(ctx, dir, src, data.NoOwner, technicien, trustedOf); app.ErrorReason(err) != app.ReasonMoveDamaged {
		t.Fatalf("Adopt of a changed daycare: %v; want move_damaged", err)
	}
	if _, err := os.Stat(dir.DB()); !os.IsNotExist(err) {
		t.Error("a copy that does not verify was put in place")
	}
	_, tr := openTrusted(t, src.DB, keys)
	if to, _ := tr.MovedTo(ctx); to != "" {
		t.Errorf("the old database was marked: %q", to)
	}
}

func TestAnAdoptionWithoutTheKeyOrWithoutADaycare(t *testing.T) {
	home := t.TempDir()
	src := data.UserAdoptSource(home)
	adoptDaycare(t, src.DB, data.NewKeyRing(filepath.Join(t.TempDir(), "elsewhere"), false), "Garderie de Julie")
	dir := data.ServiceDir(filepath.Join(t.TempDir(), "service"))
	_, err := data.Adopt(ctx, dir, src, data.NoOwner, technicien, trustedOf)
	if ae, ok := err.(*app.Error); !ok || ae.Reason != app.ReasonAdoptKeyMissing || ae.Detail != src.KeyDir {
		t.Errorf("Adopt without the key: %v; want adopt_key_missing naming %s", err, src.KeyDir)
	}

	fresh := filepath.Join(t.TempDir(), "vide.db")
	db, err := data.Open(fresh)
	if err != nil {
		t.Fatal(err)
	}
	db.Close()
	rep, err := data.Adopt(ctx, dir, data.AdoptSource{DB: fresh, KeyDir: t.TempDir()}, data.NoOwner, technicien, trustedOf)
	if err != nil || !rep.Nothing {
		t.Errorf("Adopt of a database without a daycare: %+v, %v; want Nothing", rep, err)
	}
	if _, err := os.Stat(string(dir)); !os.IsNotExist(err) {
		t.Error("adopting nothing made the service's folder")
	}
	if _, err := data.Adopt(ctx, dir, data.AdoptSource{DB: filepath.Join(t.TempDir(), "absent.db")}, data.NoOwner, technicien, trustedOf); app.ErrorCode(err) != app.ENOTFOUND {
		t.Errorf("Adopt of a missing file: %v", err)
	}
}

// The README's Linux example put the machine-wide database in
// /var/lib/apetitspas, the service's folder: the old folder is set aside
// whole, then adopted from there.
func TestAnOldFolderInsideTheServicesIsSetAside(t *testing.T) {
	root := t.TempDir()
	config := filepath.Join(root, "etc", "apetitspas", "config.toml")
	dir := data.ServiceDir(filepath.Join(root, "var", "lib", "apetitspas"))
	keys := data.NewSharedKeyRing(data.DefaultSharedKeyDir(config))
	adoptDaycare(t, dir.DB(), keys, "CPE Les Lucioles")
	src, _ := data.MachineAdoptSource(data.Config{DB: dir.DB()}, config)

	// Set aside and put back (the adoption failed).
	moved, aside, err := data.SetAside(dir, src)
	if err != nil || aside != string(dir)+".avant-service" || moved.DB != filepath.Join(aside, "apetitspas.db") || moved.KeyDir != src.KeyDir {
		t.Fatalf("SetAside = %+v, %q, %v", moved, aside, err)
	}
	if err := os.MkdirAll(string(dir), 0o700); err != nil {
		t.Fatal(err)
	}
	if err := data.UndoSetAside(dir, aside); err != nil {
		t.Fatal(err)
	}
	if _, err := os.Stat(dir.DB()); err != nil {
		t.Fatalf("UndoSetAside did not bring the database back: %v", err)
	}

	moved, aside, err = data.SetAside(dir, src)
	if err != nil || aside == "" {
		t.Fatal(err)
	}
	if _, err := data.Adopt(ctx, dir, moved, data.NoOwner, technicien, trustedOf); err != nil {
		t.Fatalf("Adopt from the folder set aside: %v", err)
	}
	checkService(t, dir, moved.DB)
	checkOld(t, moved.DB, keys, dir)

	// A daycare elsewhere is not set aside.
	if m, aside, err := data.SetAside(dir, data.AdoptSource{DB: filepath.Join(root, "ailleurs", "a.db")}); err != nil || aside != "" || m.DB != filepath.Join(root, "ailleurs", "a.db") {
		t.Errorf("SetAside of a daycare elsewhere: %+v %q %v", m, aside, err)
	}
}
