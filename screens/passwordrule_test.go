package screens

import (
	"strings"
	"testing"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/test"
	"fyne.io/fyne/v2/widget"

	apetitspas "github.com/apetitspas/apetitspas/app"
)

// The password rule (issue 17) through the screens: shown before the
// person types, each refusal named, paste accepted.

const rule15 = "Au moins 15 caractères ; une phrase de passe de plusieurs mots est plus facile à retenir."

// paste puts text on the clipboard and pastes it into e, as Ctrl+V does
// (and as a password manager fills a field).
func (h *harness) paste(e *widget.Entry, text string) {
	clip := fyne.CurrentApp().Clipboard()
	clip.SetContent(text)
	h.win.Canvas().Focus(e)
	e.TypedShortcut(&fyne.ShortcutPaste{Clipboard: clip})
}

func TestTheFirstRunShowsThePasswordRuleAndNamesEachRefusal(t *testing.T) {
	h := newHarness(t, nil)
	s := h.ui.setupScreen
	if s.rule.Text != rule15 || !s.rule.Visible() {
		t.Fatalf("rule = %q", s.rule.Text)
	}
	h.typeInto(s.daycare, "CPE Les Lucioles")
	h.typeInto(s.name, "Élodie D'Amour")
	h.typeInto(s.email, "elodie@lucioles.ca")
	for _, c := range []struct{ password, want string }{
		{"sapin vert", "Le mot de passe doit contenir au moins 15 caractères."},
		{"motdepasse123", "Ce mot de passe est trop courant"},
		{"azerty123456", "Ce mot de passe est trop courant"},
		{"LesLucioles2026!", "Ce mot de passe est construit sur le nom de la garderie"},
		{"Elodie.DAmour.2026", "Ce mot de passe est construit sur le nom de la personne"},
	} {
		s.password.SetText("")
		s.confirm.SetText("")
		h.typeInto(s.password, c.password)
		h.typeInto(s.confirm, c.password)
		test.Tap(s.button)
		h.ui.wait()
		if got := s.status.message.Text; !strings.HasPrefix(got, c.want) {
			t.Fatalf("%q: message = %q, want %q…", c.password, got, c.want)
		}
		if h.ui.login != nil {
			t.Fatalf("%q was accepted", c.password)
		}
	}
	// A passphrase pasted in both fields (a password manager) is taken.
	s.password.SetText("")
	s.confirm.SetText("")
	h.paste(s.password, "cheval orange lune")
	h.paste(s.confirm, "cheval orange lune")
	if s.password.Text != "cheval orange lune" || s.confirm.Text != "cheval orange lune" {
		t.Fatalf("paste refused: %q, %q", s.password.Text, s.confirm.Text)
	}
	test.Tap(s.button)
	h.ui.wait()
	if h.ui.login == nil {
		t.Fatalf("the passphrase was refused: %q", s.status.message.Text)
	}
	h.signIn("elodie@lucioles.ca", "cheval orange lune")
	if h.ui.shell == nil {
		t.Fatal("the new administrator could not sign in")
	}
}

func TestTheNewPasswordScreenShowsTheRuleOfTheAccount(t *testing.T) {
	h, temp := newHarnessWithTempParent(t)
	h.signIn("nouveau@parents.ca", temp)
	np := h.ui.newPassword
	if np == nil || np.rule.Text != rule15 {
		t.Fatalf("new-password screen, rule %q", np.rule.Text)
	}
	h.typeInto(np.password, "Lucioles2026!")
	h.typeInto(np.confirm, "Lucioles2026!")
	test.Tap(np.button)
	h.ui.wait()
	if got := np.status.message.Text; !strings.HasPrefix(got, "Ce mot de passe est construit sur le nom de la garderie") {
		t.Fatalf("message = %q", got)
	}
	np.password.SetText("")
	np.confirm.SetText("")
	h.paste(np.password, "sapin vert et neige")
	h.paste(np.confirm, "sapin vert et neige")
	test.Tap(np.button)
	h.ui.wait()
	if h.ui.shell == nil {
		t.Fatalf("not in the main window: %q", np.status.message.Text)
	}
}

func TestMonCompteShowsEightCharactersOnceTheMFAIsOn(t *testing.T) {
	h := newHarness(t, func(h *harness) {
		withDaycare(h)
		h.enroll("anne@parents.ca")
	})
	// Karim signs in with his password alone: 15.
	a := h.openAccount("karim@lucioles.ca")
	if a.passwordRule.Text != rule15 {
		t.Fatalf("rule = %q", a.passwordRule.Text)
	}
	h.typeInto(a.current, pw)
	h.typeInto(a.newPassword, "vélo7lac")
	h.typeInto(a.confirmPassword, "vélo7lac")
	test.Tap(a.changePasswordButton)
	h.ui.wait()
	if got := a.passwordStatus.message.Text; got != "Le mot de passe doit contenir au moins 15 caractères." {
		t.Fatalf("message = %q", got)
	}
	h.signOut()

	// Anne's AMF is on: 8, and 8 are taken.
	h.signInWithCode("anne@parents.ca")
	h.ui.shell.show(pageAccount)
	a = h.ui.shell.account
	if want := strings.Replace(rule15, "15", "8", 1); a.passwordRule.Text != want {
		t.Fatalf("rule = %q, want %q", a.passwordRule.Text, want)
	}
	h.typeInto(a.current, pw)
	h.typeInto(a.newPassword, "motdepasse123")
	h.typeInto(a.confirmPassword, "motdepasse123")
	test.Tap(a.changePasswordButton)
	h.ui.wait()
	if got := a.passwordStatus.message.Text; !strings.HasPrefix(got, "Ce mot de passe est trop courant") {
		t.Fatalf("message = %q", got)
	}
	a.newPassword.SetText("vélo7lac")
	a.confirmPassword.SetText("vélo7lac")
	test.Tap(a.changePasswordButton)
	h.ui.wait()
	if got := a.passwordStatus.message.Text; got != "Votre mot de passe a été changé." {
		t.Fatalf("message = %q", got)
	}
	if h.user("anne@parents.ca").MFA != apetitspas.MFAOn {
		t.Fatal("the AMF changed")
	}
}
