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
	// What it holds: the snapshot (with backup.created in it) and the key.
	dir := t.TempDir()
	got, key, err := app.ReadBackupFile(r.Out, passphrase, dir, data.SchemaVersion)
	if err != nil || got.DBSHA256 != m.DBSHA256 || key.ID != m.KeyID {
		t.Fatalf("read back: %+v %v", got, err)
	}
	if want, _ := e.keys.Key(key.ID); string(want) != string(key.Key) {
		t.Fatal("the backup's key is not the database's")
	}
	b, _ := os.ReadFile(filepath.Join(dir, app.BackupDBName))
	if !strings.HasPrefix(string(b), "SQLite format 3") || !strings.Contains(string(b), app.EventBackupCreated) {
		t.Fatal("the snapshot does not hold backup.created")
	}
	_, _, err = app.ReadBackupFile(r.Out, "une autre phrase de passe", t.TempDir(), data.SchemaVersion)
	wantReason(t, err, app.ReasonBackupPassphrase)
	_, _, err = app.ReadBackupFile(r.Out, passphrase, t.TempDir(), data.SchemaVersion-1)
	wantReason(t, err, app.ReasonBackupTooNew)
}
