//go:build unix

// Unix modes; on Windows the file gets an owner-only ACL
// (privatefile_windows.go).

package screens

import (
	"os"
	"path/filepath"
	"strings"
	"syscall"
	"testing"

	"fyne.io/fyne/v2/storage"
	"fyne.io/fyne/v2/test"
)

// A saved recovery-codes file is its owner's alone (0600), whatever the
// umask and whatever the file was before (the save dialog makes it 0644,
// and may be told to replace a file others could read), through Fyne's
// dialog or the system's.
func TestASavedRecoveryCodesFileIsReadableByItsOwnerOnly(t *testing.T) {
	old := syscall.Umask(0o022)
	defer syscall.Umask(old)
	h := newHarness(t, withEnrolledDirector)
	codes := h.recoveryCodes("elodie@lucioles.ca")
	r := showRecoveryCodes(h.ui, codes, false, func() {})
	dir := t.TempDir()
	for _, name := range []string{"nouveau.txt", "existant.txt", "systeme-nouveau.txt", "systeme-existant.txt"} {
		path := filepath.Join(dir, name)
		system := strings.HasPrefix(name, "systeme")
		if strings.HasSuffix(name, "existant.txt") {
			if err := os.WriteFile(path, []byte("ancien contenu\n"), 0o666); err != nil {
				t.Fatal(err)
			}
			os.Chmod(path, 0o666)
		}
		if system { // the system's dialog (a fake) answers path
			useFakeFiles(t, path)
			test.Tap(r.saveButton)
		} else { // Fyne's dialog made the file (0644) and hands it over
			w, err := storage.Writer(storage.NewFileURI(path))
			if err != nil {
				t.Fatal(err)
			}
			r.saveRequest(".txt", kindText, r.write).savedTo(h.ui, w, nil)
		}
		h.ui.wait()
		fi, err := os.Stat(path)
		if err != nil {
			t.Fatal(err)
		}
		if fi.Mode().Perm() != 0o600 {
			t.Fatalf("%s: mode %o, want 600", name, fi.Mode().Perm())
		}
		b, _ := os.ReadFile(path)
		for _, c := range codes {
			if !strings.Contains(string(b), c) {
				t.Fatalf("%s lacks the code %s:\n%s", name, c, b)
			}
		}
		if strings.Contains(string(b), "ancien contenu") {
			t.Fatalf("%s keeps what was there before", name)
		}
		if !strings.Contains(r.message.Text, name) {
			t.Fatalf("after saving: %q", r.message.Text)
		}
	}
	if left, _ := filepath.Glob(filepath.Join(dir, ".*")); len(left) != 0 {
		t.Fatalf("temporary files left: %v", left)
	}
}
