package screens

import (
	"os"
	"path/filepath"
	"runtime"
	"strings"
	"testing"

	"fyne.io/fyne/v2/test"

	apetitspas "github.com/apetitspas/apetitspas/app"
)

// « Se souvenir du courriel sur cet ordinateur »: off, the sign-in screen
// comes back empty and nothing is kept; on (Sécurité, saved at once and
// said beside the switch), the e-mail is kept owner-only and offered to
// the OS account that signed in last; off again, it is deleted.
func TestTheSignInScreenOffersTheKeptEmailOnlyWhenTheSettingIsOn(t *testing.T) {
	h := newHarness(t, withEnrolledDirector)
	file := filepath.Join(t.TempDir(), "config", "apetitspas", "last-email")
	h.ui.EmailFile = file

	h.signIn("anne@parents.ca", pw)
	h.signOut()
	if h.ui.login.email.Text != "" {
		t.Fatalf("setting off: the sign-in screen offers %q", h.ui.login.email.Text)
	}
	if _, err := os.Stat(file); !os.IsNotExist(err) {
		t.Fatal("setting off: an e-mail was kept")
	}

	p := h.openSecurity()
	if p.remember.checked {
		t.Fatal("off by default")
	}
	rowY := p.rememberStatus.Position().Y
	test.Tap(p.remember)
	if !p.remember.checked || !h.policy().RememberEmail || !strings.HasPrefix(p.rememberStatus.Text, "Enregistré") {
		t.Fatalf("turning it on: %q", p.rememberStatus.Text)
	}
	if p.rememberStatus.Position().Y != rowY {
		t.Fatal("the saved line moved the page")
	}
	if h.events(apetitspas.EventSettingChanged) == 0 {
		t.Fatal("the change is not journaled")
	}
	h.signOut()
	// Élodie signed in last, with the setting on: her e-mail is offered.
	if got := h.ui.login.email.Text; got != "elodie@lucioles.ca" {
		t.Fatalf("the sign-in screen offers %q", got)
	}
	if h.win.Canvas().Focused() != h.ui.login.password {
		t.Fatal("with the e-mail offered, the password has the focus")
	}
	fi, err := os.Stat(file)
	if err != nil {
		t.Fatal(err)
	}
	if runtime.GOOS != "windows" && fi.Mode().Perm() != 0o600 {
		t.Fatalf("the kept e-mail is mode %o, want 600", fi.Mode().Perm())
	}

	p = h.openSecurity()
	test.Tap(p.remember)
	if p.remember.checked || h.policy().RememberEmail || !strings.Contains(p.rememberStatus.Text, "ne sera plus proposé") {
		t.Fatalf("turning it off: %q", p.rememberStatus.Text)
	}
	if _, err := os.Stat(file); !os.IsNotExist(err) {
		t.Fatal("turned off: the kept e-mail stays")
	}
	h.signOut()
	if h.ui.login.email.Text != "" {
		t.Fatalf("turned off: the sign-in screen offers %q", h.ui.login.email.Text)
	}
}

// A kept file that does not hold an e-mail is not offered.
func TestAKeptEmailFileThatIsNotAnEmailIsNotOffered(t *testing.T) {
	h := newHarness(t, withEnrolledDirector)
	file := filepath.Join(t.TempDir(), "last-email")
	h.ui.EmailFile = file
	p := h.openSecurity()
	test.Tap(p.remember)
	h.signOut()
	if err := os.WriteFile(file, []byte("pas un courriel\x00"), 0o600); err != nil {
		t.Fatal(err)
	}
	h.ui.logout(apetitspas.EventLogout)
	h.ui.showLogin("", "")
	if h.ui.login.email.Text != "" {
		t.Fatalf("offered %q", h.ui.login.email.Text)
	}
}
