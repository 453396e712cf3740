package app_test

import (
	"os"
	"path/filepath"
	"sort"
	"testing"
	"time"

	"github.com/apetitspas/apetitspas/app"
	"github.com/apetitspas/apetitspas/data"
)

func TestScheduledBackupsGoToTheChosenFolderDailyAndKeepFourteen(t *testing.T) {
	e := newEnv(t)
	admin, secret := e.mfaAdmin("a@cpe.ca")
	e.addUser(app.RoleAdmin, "b@cpe.ca")
	pending := e.signedIn("b@cpe.ca", "")
	folder := filepath.Join(t.TempDir(), "cle-usb")
	wantReason(t, e.svc.SetAutoBackup(e.ctx, pending, folder, passphrase, ""), app.ReasonAdminMFARequired)
	wantReason(t, e.svc.SetAutoBackup(e.ctx, admin, folder, "court", ""), app.ReasonPassphraseShort)
	if out, err := e.tr.RunScheduledBackup(e.ctx, "test"); err != nil || out != "" {
		t.Fatalf("off: %q %v", out, err)
	}
	if err := e.svc.SetAutoBackup(e.ctx, admin, folder, passphrase, ""); err != nil {
		t.Fatal(err)
	}
	if _, err := os.Stat(filepath.Join(folder, app.BackupIdentityFile)); err != nil {
		t.Fatal("no key file in the folder")
	}
	os.WriteFile(filepath.Join(folder, "photo.jpg"), []byte("x"), 0o600)
	first, err := e.tr.RunScheduledBackup(e.ctx, "test")
	if err != nil || first == "" {
		t.Fatalf("first: %q %v", first, err)
	}
	if again, _ := e.tr.RunScheduledBackup(e.ctx, "test"); again != "" {
		t.Fatal("two backups the same day")
	}
	for i := 0; i < 16; i++ {
		e.clock.Advance(app.AutoBackupEvery + time.Minute)
		if out, err := e.tr.RunScheduledBackup(e.ctx, "test"); err != nil || out == "" {
			t.Fatalf("day %d: %q %v", i, out, err)
		}
	}
	kept, _ := filepath.Glob(filepath.Join(folder, "apetitspas-*.apetitspas"))
	sort.Strings(kept)
	if len(kept) != app.AutoBackupKeep {
		t.Fatalf("%d backups kept", len(kept))
	}
	if _, err := os.Stat(filepath.Join(folder, "photo.jpg")); err != nil {
		t.Fatal("another file was removed")
	}
	// The passphrase chosen opens the newest one (through the key file).
	m, key, err := app.ReadBackupFile(kept[len(kept)-1], passphrase, t.TempDir(), data.SchemaVersion)
	if err != nil || m.CreatedBy != "scheduled" || key.ID == "" {
		t.Fatalf("restore a scheduled backup: %+v %v", m, err)
	}
	_, _, err = app.ReadBackupFile(kept[0], "une tout autre phrase", t.TempDir(), data.SchemaVersion)
	wantReason(t, err, app.ReasonBackupPassphrase)
	if at, _ := e.svc.LastBackup(e.ctx, admin); !at.Equal(e.clock.Now()) {
		t.Fatalf("last backup %v", at)
	}
	_ = secret
}

// A folder written into the file by someone else stops the backups; it
// never receives one.
func TestScheduledBackupsStopWhenTheirSettingsWereChangedInTheFile(t *testing.T) {
	e := newEnv(t)
	admin, _ := e.mfaAdmin("a@cpe.ca")
	if err := e.svc.SetAutoBackup(e.ctx, admin, filepath.Join(t.TempDir(), "ok"), passphrase, ""); err != nil {
		t.Fatal(err)
	}
	theirs := filepath.Join(t.TempDir(), "ailleurs")
	e.exec(e.sqlite(), "UPDATE settings SET value = ? WHERE key = 'backup_auto_folder'", theirs)
	if _, err := e.tr.RunScheduledBackup(e.ctx, "test"); err == nil {
		t.Fatal("a backup with changed settings")
	}
	if _, err := os.Stat(theirs); err == nil {
		t.Fatal("the other folder got something")
	}
}
