package screens

import (
	"testing"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/test"
)

// besideOf fails unless msg is drawn to the right of button, on its row.
func besideOf(t *testing.T, msg, button fyne.CanvasObject) {
	t.Helper()
	d := fyne.CurrentApp().Driver()
	m, b := d.AbsolutePositionForObject(msg), d.AbsolutePositionForObject(button)
	if !msg.Visible() || m.X < b.X+button.Size().Width || m.Y > b.Y+button.Size().Height || m.Y+msg.Size().Height < b.Y {
		t.Fatalf("the message at %v (%v) is not beside its button at %v (%v)", m, msg.Size(), b, button.Size())
	}
}

// A success (or a refusal) is said beside the button that produced it,
// not at the bottom of the card.
func TestSuccessMessagesAppearBesideTheirButton(t *testing.T) {
	h := newHarness(t, withDaycare)
	h.signIn("anne@parents.ca", pw)
	h.ui.shell.show(pageAccount)
	a := h.ui.shell.account
	h.typeInto(a.current, pw)
	h.typeInto(a.newPassword, "un-nouveau-mot-de-passe")
	h.typeInto(a.confirmPassword, "un-nouveau-mot-de-passe")
	test.Tap(a.changePasswordButton)
	h.ui.wait()
	if a.passwordStatus.message.Text != "Votre mot de passe a été changé." {
		t.Fatalf("message = %q", a.passwordStatus.message.Text)
	}
	besideOf(t, a.passwordStatus.message, a.changePasswordButton)
	h.signOut()

	h2 := newHarness(t, withEnrolledDirector)
	p := h2.openSecurity()
	h2.typeInto(p.idleMinutes, "12")
	test.Tap(p.saveIdleBtn)
	h2.ui.wait()
	if p.idleStatus.message.Text == "" {
		t.Fatal("no message after saving")
	}
	besideOf(t, p.idleStatus.message, p.saveIdleBtn)
	test.Tap(p.remember)
	// Under the switch's label, beside the switch, on a line kept for it.
	d := fyne.CurrentApp().Driver()
	m, sw := d.AbsolutePositionForObject(p.rememberStatus), d.AbsolutePositionForObject(p.remember)
	if m.X < sw.X+p.remember.Size().Width || m.Y > sw.Y+2*p.remember.Size().Height {
		t.Fatalf("the message at %v is not beside the switch at %v", m, sw)
	}
}
