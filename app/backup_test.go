package app_test

import (
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/apetitspas/apetitspas/app"
	"github.com/apetitspas/apetitspas/data"
)

const passphrase = "trois petits chats gris"

// Whoever holds a backup and its passphrase has everyone's codes: making
// one needs an administrator with AMF on and a code, as any strong action.
func TestOnlyAnAdministratorWithAMFAndACodeMakesABackup(t *testing.T) {
	e := newEnv(t)
	admin, secret := e.mfaAdmin("a@cpe.ca")
	e.addUser(app.RoleAdmin, "b@cpe.ca")
	pending := e.signedIn("b@cpe.ca", "")
	e.addUser(app.RoleEmployee, "k@cpe.ca")
	employee := e.signedIn("k@cpe.ca", "")
	out := func() string { return filepath.Join(t.TempDir(), "b.apetitspas") }
	req := func(code string) app.BackupRequest {
		return app.BackupRequest{Out: out(), Passphrase: passphrase, Code: code, AppVersion: "test"}
	}
	_, _, err := e.svc.WriteBackup(e.ctx, employee, req(""))
	wantReason(t, err, app.ReasonNotAdmin)
	_, _, err = e.svc.WriteBackup(e.ctx, pending, req(""))
	wantReason(t, err, app.ReasonAdminMFARequired)
	e.clock.Advance(app.FreshCodeWindow + app.CodePeriod)
	_, _, err = e.svc.WriteBackup(e.ctx, admin, req(""))
	wantReason(t, err, app.ReasonAdminCodeRequired)
	_, _, err = e.svc.WriteBackup(e.ctx, admin, app.BackupRequest{Out: out(), Passphrase: "court", Code: e.code(secret, 0)})
	wantReason(t, err, app.ReasonPassphraseShort)
	if at, _ := e.svc.LastBackup(e.ctx, admin); !at.IsZero() {
		t.Fatal("a refused backup counted")
	}
	r := req(e.code(secret, 0))
	m, size, err := e.svc.WriteBackup(e.ctx, admin, r)
	if err != nil || size == 0 || m.CreatedBy != "a@cpe.ca" || m.SchemaVersion != data.SchemaVersion || m.KeyID == "" {
		t.Fatalf("backup: %+v %d %v", m, size, err)
	}
	if at, _ := e.svc.LastBackup(e.ctx, admin); !at.Equal(e.clock.Now()) {
		t.Fatalf("last backup %v", at)
	}
	// Never over a file, even its own.
	_, _, err = e.svc.WriteBackup(e.ctx, admin, app.BackupRequest{Out: r.Out, Passphrase: passphrase})
	wantReason(t, err, app.ReasonBackupExists)
	// What it holds: the snapshot (taken before backup.created, which
	// waits for the file) and the key.
	dir := t.TempDir()
	got, key, err := app.ReadBackupFile(r.Out, passphrase, dir, data.SchemaVersion)
	if err != nil || got.DBSHA256 != m.DBSHA256 || key.ID != m.KeyID {
		t.Fatalf("read back: %+v %v", got, err)
	}
	if want, _ := e.keys.Key(key.ID); string(want) != string(key.Key) {
		t.Fatal("the backup's key is not the database's")
	}
	b, _ := os.ReadFile(filepath.Join(dir, app.BackupDBName))
	if !strings.HasPrefix(string(b), "SQLite format 3") {
		t.Fatal("the snapshot is no SQLite database")
	}
	_, _, err = app.ReadBackupFile(r.Out, "une autre phrase de passe", t.TempDir(), data.SchemaVersion)
	wantReason(t, err, app.ReasonBackupPassphrase)
	_, _, err = app.ReadBackupFile(r.Out, passphrase, t.TempDir(), data.SchemaVersion-1)
	wantReason(t, err, app.ReasonBackupTooNew)
}

// A backup whose file could not be written never claims to exist: no
// backup.created, and the last backup stays "never" (backup.created used
// to be journaled before the snapshot and the file).
func TestABackupThatFailsToWriteIsNotJournaled(t *testing.T) {
	e := newEnv(t)
	admin, _ := e.mfaAdmin("a@cpe.ca")
	out := filepath.Join(t.TempDir(), "absent", "b.apetitspas") // its folder does not exist
	_, _, err := e.svc.WriteBackup(e.ctx, admin, app.BackupRequest{Out: out, Passphrase: passphrase, AppVersion: "test"})
	wantReason(t, err, app.ReasonBackupWrite)
	if n := count(e.events(app.AuditFilter{}), app.EventBackupCreated); n != 0 {
		t.Fatalf("%d backup.created for a backup never written", n)
	}
	if at, _ := e.svc.LastBackup(e.ctx, admin); !at.IsZero() {
		t.Fatalf("last backup %v for a backup never written", at)
	}
	// The scheduled one too: its folder gone (a USB key pulled out).
	folder := filepath.Join(t.TempDir(), "cle-usb")
	if err := e.svc.SetAutoBackup(e.ctx, admin, folder, passphrase, ""); err != nil {
		t.Fatal(err)
	}
	if err := os.RemoveAll(folder); err != nil {
		t.Fatal(err)
	}
	_, err = e.tr.RunScheduledBackup(e.ctx, "test")
	wantReason(t, err, app.ReasonBackupWrite)
	if n := count(e.events(app.AuditFilter{}), app.EventBackupCreated); n != 0 {
		t.Fatalf("%d backup.created for a scheduled backup never written", n)
	}
	// Once the folder is back, the scheduled backup is still due.
	if err := os.MkdirAll(folder, 0o700); err != nil {
		t.Fatal(err)
	}
	if got, err := e.tr.RunScheduledBackup(e.ctx, "test"); err != nil || got == "" {
		t.Fatalf("scheduled backup after the folder came back: %q %v", got, err)
	}
	if n := count(e.events(app.AuditFilter{}), app.EventBackupCreated); n != 1 {
		t.Fatalf("%d backup.created after one backup", n)
	}
}
