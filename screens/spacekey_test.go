package screens

import (
	"testing"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/test"

	apetitspas "github.com/apetitspas/apetitspas/app"
)

// A desktop driver delivers one Space press as a key, then a rune, to
// whatever has the focus at each moment. These tests press Space that
// way on buttons whose action moves the focus.

func TestSigningOutBySpaceLeavesThePasswordEmptyAndTheNextSignInWorks(t *testing.T) {
	h := newHarness(t, withDaycare)
	h.signIn("anne@parents.ca", pw)
	c := h.win.Canvas()
	pressSpaceOn(c) // nothing focused yet: nothing happens
	h.ui.shell.toggleMenu()
	c.Focus(h.ui.shell.logout)
	pressSpaceOn(c)
	l := h.ui.login
	if l == nil {
		t.Fatal("Space on « Se déconnecter » did not sign out")
	}
	if c.Focused() != l.email || l.email.Text != "" {
		t.Fatalf("e-mail field focused=%v text=%q: the Space leaked into it", c.Focused() == l.email, l.email.Text)
	}
	for _, r := range "anne@parents.ca" {
		c.Focused().TypedRune(r)
	}
	pressKeyOn(c, fyne.KeyReturn) // on to the password
	for _, r := range pw {
		c.Focused().TypedRune(r)
	}
	pressKeyOn(c, fyne.KeyReturn)
	h.ui.wait()
	if h.ui.shell == nil || h.events(apetitspas.EventLoginFailed) != 0 {
		t.Fatalf("the right password after a sign-out by Space should work the first time (failures: %d)", h.events(apetitspas.EventLoginFailed))
	}
}

func TestSpaceOnADialogsButtonDoesNotTypeIntoTheFieldBehind(t *testing.T) {
	h := newHarness(t, withDaycare)
	a := h.openAccount("anne@parents.ca")
	c := h.win.Canvas()
	c.Focus(a.newPassword)
	h.ui.notify("Titre", "Un message.")
	if c.Focused() != h.ui.noticeButton {
		t.Fatal("the notice's button should have the focus")
	}
	pressSpaceOn(c)
	if h.win.Canvas().Overlays().Top() != nil {
		t.Fatal("Space did not close the notice")
	}
	if a.newPassword.Text != "" {
		t.Fatalf("new password = %q: the Space leaked into it", a.newPassword.Text)
	}
}

func TestReturnAndEscapeCloseTheNotice(t *testing.T) {
	for _, key := range []fyne.KeyName{fyne.KeyReturn, fyne.KeyEnter, fyne.KeyEscape} {
		t.Run(string(key), func(t *testing.T) {
			h := newHarness(t, withDaycare)
			h.signIn("anne@parents.ca", pw)
			h.ui.notify("Félicitations !", "Un message.")
			pressKeyOn(h.win.Canvas(), key)
			if h.win.Canvas().Overlays().Top() != nil {
				t.Fatalf("%s did not close the notice", key)
			}
		})
	}
}

func TestSpaceOnAnnulerClosesTheAMFConfirmationForGood(t *testing.T) {
	h := newHarness(t, withDaycare)
	a := h.openAccount("anne@parents.ca")
	c := h.win.Canvas()
	c.Focus(a.mfaSwitch)
	pressSpaceOn(c)
	if a.confirm == nil || c.Focused() != a.confirm.cancel {
		t.Fatal("Space on the switch should open the confirmation with « Annuler » focused")
	}
	pressSpaceOn(c)
	if a.confirm != nil || c.Overlays().Top() != nil {
		t.Fatal("Space on « Annuler » left the confirmation open (or opened it again)")
	}
	if a.mfaSwitch.checked || h.mfaState("anne@parents.ca") != apetitspas.MFAOff {
		t.Fatal("after « Annuler » the switch is off and the account unchanged")
	}
	if c.Focused() != a.mfaSwitch {
		t.Fatal("the focus should be back on the switch")
	}
	// Escape cancels too.
	pressSpaceOn(c)
	pressKeyOn(c, fyne.KeyEscape)
	if a.confirm != nil || a.mfaSwitch.checked {
		t.Fatal("Escape did not cancel the confirmation")
	}
}

func TestALoneSpaceRuneDoesNotPressAButton(t *testing.T) {
	h := newHarness(t, withDaycare)
	h.signIn("anne@parents.ca", pw)
	c := h.win.Canvas()
	h.ui.shell.toggleMenu()
	c.Focus(h.ui.shell.logout)
	c.Focused().TypedRune(' ') // left over from a press on another widget
	if h.ui.shell == nil {
		t.Fatal("a rune without its key signed out")
	}
}

// The administrators' dialogs (new account, confirmations) close by Space
// on « Annuler » without typing into the search box behind, and Escape
// cancels them.
func TestSpaceAndEscapeOnTheAdministratorsDialogs(t *testing.T) {
	h := newHarness(t, withEnrolledDirector)
	p := h.openUsers()
	c := h.win.Canvas()
	c.Focus(p.search)
	p.openCreate()
	c.Focus(p.creating.cancel)
	pressSpaceOn(c)
	if c.Overlays().Top() != nil {
		t.Fatal("Space on « Annuler » did not close the new-account dialog")
	}
	if p.search.Text != "" {
		t.Fatalf("search = %q: the Space leaked into it", p.search.Text)
	}
	h.pick(p, "anne@parents.ca")
	test.Tap(p.disable)
	if c.Overlays().Top() == nil {
		t.Fatal("Désactiver should ask first")
	}
	c.Focus(p.confirming.confirm)
	pressKeyOn(c, fyne.KeyEscape)
	if c.Overlays().Top() != nil {
		t.Fatal("Escape did not cancel the confirmation")
	}
	if u := h.user("anne@parents.ca"); u.Disabled {
		t.Fatal("Escape disabled the account")
	}
}
