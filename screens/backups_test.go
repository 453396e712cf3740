package screens

import (
	"os"
	"path/filepath"
	"strings"
	"testing"

	"fyne.io/fyne/v2/test"

	apetitspas "github.com/apetitspas/apetitspas/app"
	"github.com/apetitspas/apetitspas/data"
)

func TestADirectorBacksUpFromSecurityWithAPassphraseAndHerCode(t *testing.T) {
	h := newHarness(t, withEnrolledDirector)
	h.signInWithCode("elodie@lucioles.ca")
	s, _ := h.openAdmin(pageSecurity).(*securityPage)
	b := s.backups
	if !strings.Contains(b.last.Text, "Aucune sauvegarde") || b.stopAuto.Visible() {
		t.Fatalf("before: %q", b.last.Text)
	}
	path := filepath.Join(t.TempDir(), "garderie.apetitspas")
	h.staleCode()
	b.backupTo(path)
	d := b.passphrase
	if d.code == nil || !d.code.Visible() {
		t.Fatal("the code is not asked")
	}
	test.Type(d.first, "trois petits chats gris")
	if !strings.Contains(d.hint.Text, "Bonne") {
		t.Fatalf("hint %q", d.hint.Text)
	}
	test.Type(d.second, "trois petits chats gras")
	test.Tap(d.confirm)
	if !strings.Contains(d.status.message.Text, "pas identiques") {
		t.Fatalf("mismatch: %q", d.status.message.Text)
	}
	d.first.SetText("court")
	d.second.SetText("court")
	test.Tap(d.confirm)
	if !strings.Contains(d.status.message.Text, "12 caractères") {
		t.Fatalf("short: %q", d.status.message.Text)
	}
	d.first.SetText("trois petits chats gris")
	d.second.SetText("trois petits chats gris")
	test.Tap(d.confirm)
	h.ui.wait()
	if !strings.Contains(d.status.message.Text, "code") {
		t.Fatalf("without the code: %q", d.status.message.Text)
	}
	if _, err := os.Stat(path); err == nil {
		t.Fatal("a backup without the code")
	}
	test.Type(d.code, h.codeNow(h.secrets["elodie@lucioles.ca"]))
	test.Tap(d.confirm)
	h.ui.wait()
	if _, err := os.Stat(path); err != nil {
		t.Fatalf("no backup: %v (%q)", err, d.status.message.Text)
	}
	if !strings.Contains(b.last.Text, "Dernière sauvegarde") || !strings.Contains(b.status.message.Text, "Sauvegarde écrite") {
		t.Fatalf("after: %q / %q", b.last.Text, b.status.message.Text)
	}
	if _, _, err := apetitspas.ReadBackupFile(path, "trois petits chats gris", t.TempDir(), data.SchemaVersion); err != nil {
		t.Fatalf("the backup does not open with its passphrase: %v", err)
	}
	if h.events(apetitspas.EventBackupCreated) != 1 {
		t.Fatal("backup.created not journaled once")
	}

	// The daily backup into a folder, then stopped.
	folder := filepath.Join(t.TempDir(), "cle-usb")
	b.autoInto(folder)
	d = b.passphrase
	d.first.SetText("une autre phrase de passe")
	d.second.SetText("une autre phrase de passe")
	test.Tap(d.confirm)
	h.ui.wait()
	if !strings.Contains(b.auto.Text, folder) || !b.stopAuto.Visible() {
		t.Fatalf("daily: %q (%q)", b.auto.Text, d.status.message.Text)
	}
	if _, err := os.Stat(filepath.Join(folder, apetitspas.BackupIdentityFile)); err != nil {
		t.Fatal("no key file in the folder")
	}
	test.Tap(b.stopAuto)
	test.Tap(b.confirming.confirm)
	h.ui.wait()
	if !strings.Contains(b.auto.Text, "désactivée") || b.stopAuto.Visible() {
		t.Fatalf("stopped: %q", b.auto.Text)
	}
}

func TestThePassphraseHintSpeaksPlainly(t *testing.T) {
	test.NewTempApp(t)
	for p, want := range map[string]string{"": "Au moins 12", "court": "Trop courte", "motdepasse12": "Acceptée", "trois petits chats gris": "Bonne"} {
		if got := passphraseHint(p); !strings.Contains(got, want) {
			t.Errorf("%q: %q, want %q", p, got, want)
		}
	}
}
