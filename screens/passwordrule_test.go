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
	s := h.ui.Setup
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
		h.ui.Wait()
		if got := s.status.Message.Text; !strings.HasPrefix(got, c.want) {
			t.Fatalf("%q: message = %q, want %q…", c.password, got, c.want)
		}
		if h.ui.Login != nil {
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
	h.ui.Wait()
	if h.ui.Login == nil {
		t.Fatalf("the passphrase was refused: %q", s.status.Message.Text)
	}
	h.signIn("elodie@lucioles.ca", "cheval orange lune")
	if h.ui.Shell == nil {
		t.Fatal("the new administrator could not sign in")
	}
}

func TestTheNewPasswordScreenShowsTheRuleOfTheAccount(t *testing.T) {
	h, temp := newHarnessWithTempParent(t)
	h.signIn("nouveau@parents.ca", temp)
	np := h.ui.NewPassword
	if np == nil || np.rule.Text != rule15 {
		t.Fatalf("new-password screen, rule %q", np.rule.Text)
	}
	h.typeInto(np.password, "Lucioles2026!")
	h.typeInto(np.confirm, "Lucioles2026!")
	test.Tap(np.button)
	h.ui.Wait()
	if got := np.status.Message.Text; !strings.HasPrefix(got, "Ce mot de passe est construit sur le nom de la garderie") {
		t.Fatalf("message = %q", got)
	}
	np.password.SetText("")
	np.confirm.SetText("")
	h.paste(np.password, "sapin vert et neige")
	h.paste(np.confirm, "sapin vert et neige")
	test.Tap(np.button)
	h.ui.Wait()
	if h.ui.Shell == nil {
		t.Fatalf("not in the main window: %q", np.status.Message.Text)
	}
}

func TestMonCompteShowsEightCharactersOnceTheMFAIsOn(t *testing.T) {
	h := newHarness(t, func(h *harness) {
		withDaycare(h)
		h.enroll("anne@parents.ca")
	})
	// Karim signs in with his password alone: 15.
	a := h.openAccount("karim@lucioles.ca")
	if a.PasswordRule.Text != rule15 {
		t.Fatalf("rule = %q", a.PasswordRule.Text)
	}
	h.typeInto(a.Current, pw)
	h.typeInto(a.NewPassword, "vélo7lac")
	h.typeInto(a.ConfirmPassword, "vélo7lac")
	test.Tap(a.ChangePassword)
	h.ui.Wait()
	if got := a.passwordStatus.Message.Text; got != "Le mot de passe doit contenir au moins 15 caractères." {
		t.Fatalf("message = %q", got)
	}
	h.signOut()

	// Anne's AMF is on: 8, and 8 are taken.
	h.signInWithCode("anne@parents.ca")
	h.ui.Shell.Show(PageAccount)
	a = h.ui.Shell.Account
	if want := strings.Replace(rule15, "15", "8", 1); a.PasswordRule.Text != want {
		t.Fatalf("rule = %q, want %q", a.PasswordRule.Text, want)
	}
	h.typeInto(a.Current, pw)
	h.typeInto(a.NewPassword, "motdepasse123")
	h.typeInto(a.ConfirmPassword, "motdepasse123")
	test.Tap(a.ChangePassword)
	h.ui.Wait()
	if got := a.passwordStatus.Message.Text; !strings.HasPrefix(got, "Ce mot de passe est trop courant") {
		t.Fatalf("message = %q", got)
	}
	a.NewPassword.SetText("vélo7lac")
	a.ConfirmPassword.SetText("vélo7lac")
	test.Tap(a.ChangePassword)
	h.ui.Wait()
	if got := a.passwordStatus.Message.Text; got != "Votre mot de passe a été changé." {
		t.Fatalf("message = %q", got)
	}
	if h.user("anne@parents.ca").MFA != apetitspas.MFAOn {
		t.Fatal("the AMF changed")
	}
}
