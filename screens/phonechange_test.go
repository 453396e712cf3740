package screens

import (
	"bytes"
	"context"
	"strings"
	"testing"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/test"

	apetitspas "github.com/apetitspas/apetitspas/app"
)

// withEnrolledStaff is withEnrolledDirector with Karim's AMF on too.
func withEnrolledStaff(h *harness) {
	withEnrolledDirector(h)
	h.enroll("karim@lucioles.ca")
}

// openPhoneChange signs email in with her code, opens Mon compte and taps
// « Changer de téléphone ».
func (h *harness) openPhoneChange(email string) (*accountPage, *phoneChange) {
	h.t.Helper()
	h.signInWithCode(email)
	h.ui.shell.show(pageAccount)
	a := h.ui.shell.account
	if !a.changePhoneButton.Visible() || a.changePhoneButton.Disabled() {
		h.t.Fatalf("« Changer de téléphone » is not offered: %q", a.phoneNote.Text)
	}
	test.Tap(a.changePhoneButton)
	if a.phoneDialog == nil {
		h.t.Fatal("no dialog")
	}
	return a, a.phoneDialog
}

// press types a key into the focused widget, as a keyboard does.
func (h *harness) press(name fyne.KeyName) { pressKeyOn(h.win.Canvas(), name) }

// typeFocused types text into the focused widget.
func (h *harness) typeFocused(text string) {
	h.t.Helper()
	f := h.win.Canvas().Focused()
	if f == nil {
		h.t.Fatal("nothing has the keyboard")
	}
	for _, r := range text {
		f.TypedRune(r)
	}
}

// Karim moves his AMF to a new phone by keyboard alone: his password and
// the old phone's code, then the new QR code's key read off the dialog
// and the new phone's code. Until then the old phone works; after, only
// the new one.
func TestKarimChangesHisPhoneThroughMonCompteByKeyboard(t *testing.T) {
	h := newHarness(t, withEnrolledStaff)
	const karim = "karim@lucioles.ca"
	old := h.secrets[karim]
	before := h.user(karim).MFASecret
	a, p := h.openPhoneChange(karim)
	if !strings.Contains(a.phoneNote.Text, "une fois le nouveau confirmé") {
		t.Fatalf("note: %q", a.phoneNote.Text)
	}
	if h.win.Canvas().Focused() != p.password || p.newPhone.Visible() {
		t.Fatal("the dialog should start on the password")
	}
	if !strings.Contains(p.noPhone.Text, "administrateur") || strings.Contains(p.codeLabel.Text, "récupération") {
		t.Fatalf("staff without recovery codes: %q / %q", p.codeLabel.Text, p.noPhone.Text)
	}
	h.clock.Advance(apetitspas.CodePeriod)
	h.typeFocused("pas-le-bon")
	h.press(fyne.KeyReturn)
	if h.win.Canvas().Focused() != p.code {
		t.Fatal("Return in the password should move to the code")
	}
	h.typeFocused(h.codeNow(old))
	h.press(fyne.KeyReturn)
	h.ui.wait()
	if !strings.Contains(p.status.message.Text, "mot de passe") || p.password.Text != "" || h.win.Canvas().Focused() != p.password {
		t.Fatalf("a wrong password: %q", p.status.message.Text)
	}
	h.typeFocused(pw)
	h.press(fyne.KeyReturn)
	h.press(fyne.KeyReturn)
	h.ui.wait()
	if !p.newPhone.Visible() || p.proof.Visible() || h.win.Canvas().Focused() != p.newCode {
		t.Fatalf("step 2 not shown: %q", p.status.message.Text)
	}
	if !strings.Contains(p.account.Text, "Karim Benali") || p.key.Text == "" || p.qr.Resource == nil {
		t.Fatalf("QR: %q %q", p.account.Text, p.key.Text)
	}
	// Nothing changed yet: the old phone still signs in.
	if !bytes.Equal(h.user(karim).MFASecret, before) {
		t.Fatal("the secret changed before the new phone was confirmed")
	}
	h.clock.Advance(apetitspas.CodePeriod)
	h.session(karim) // the kit signs in with the old phone's code
	// A wrong code from the new phone is explained; the right one ends it.
	h.clock.Advance(apetitspas.CodePeriod)
	h.typeFocused(h.otherCode(strings.Join(strings.Fields(p.key.Text), "")))
	h.press(fyne.KeyReturn)
	h.ui.wait()
	if a.phoneDialog != p || !p.newPhone.Visible() || p.status.message.Text == "" {
		t.Fatal("a wrong new code should be explained in the dialog")
	}
	newKey := p.key.Text
	h.typeFocused(h.phoneCode(newKey, 0))
	h.press(fyne.KeyReturn)
	h.ui.wait()
	if a.phoneDialog != nil || h.ui.notice == nil {
		t.Fatal("the dialog should close and say the new phone is confirmed")
	}
	if h.events(apetitspas.EventMFADeviceReplaced) != 1 {
		t.Fatal("mfa.device_replaced not journaled")
	}
	if bytes.Equal(h.user(karim).MFASecret, before) || h.user(karim).MFA != apetitspas.MFAOn {
		t.Fatal("the secret was not replaced")
	}
	// The old phone no longer signs in; the new one does.
	h.clock.Advance(apetitspas.CodePeriod)
	s, err := h.svc.Login(context.Background(), karim, pw)
	if err != nil {
		t.Fatal(err)
	}
	if err := h.svc.VerifyCode(context.Background(), s, h.codeNow(old)); err == nil {
		t.Fatal("the old phone still signs in")
	}
	if err := h.svc.VerifyCode(context.Background(), s, h.phoneCode(newKey, 0)); err != nil {
		t.Fatalf("the new phone: %v", err)
	}
}

// Closing the dialog at the QR code (Escape) changes nothing, and the
// service has forgotten the new secret.
func TestEscapeAtTheNewQRCodeChangesNothing(t *testing.T) {
	h := newHarness(t, withEnrolledStaff)
	const karim = "karim@lucioles.ca"
	before := h.user(karim).MFASecret
	_, p := h.openPhoneChange(karim)
	h.clock.Advance(apetitspas.CodePeriod)
	test.Type(p.password, pw)
	test.Type(p.code, h.codeNow(h.secrets[karim]))
	test.Tap(p.next)
	h.ui.wait()
	if !p.newPhone.Visible() {
		t.Fatalf("step 2: %q", p.status.message.Text)
	}
	key := p.key.Text
	h.press(fyne.KeyEscape)
	h.ui.wait()
	if h.win.Canvas().Overlays().Top() != nil {
		t.Fatal("Escape should close the dialog")
	}
	if p.enrollment.Secret != "" {
		t.Fatal("the window keeps the new key after closing")
	}
	err := h.api.ConfirmPhoneChange(context.Background(), h.ui.handle, h.phoneCode(key, 0))
	if apetitspas.ErrorReason(err) != apetitspas.ReasonPhoneChangeNone {
		t.Fatalf("the service still holds the change: %v", err)
	}
	if !bytes.Equal(h.user(karim).MFASecret, before) || h.events(apetitspas.EventMFADeviceReplaced) != 0 {
		t.Fatal("abandoning changed the account")
	}
}

// Karim has no recovery codes: one typed instead of the old phone's code
// tells him to ask an administrator; the director may use hers.
func TestWithoutTheOldPhoneStaffAskAnAdministratorAndTheDirectorUsesARecoveryCode(t *testing.T) {
	var codes []string
	h := newHarness(t, func(h *harness) {
		withEnrolledStaff(h)
		codes = h.recoveryCodes("elodie@lucioles.ca")
	})
	_, p := h.openPhoneChange("karim@lucioles.ca")
	test.Type(p.password, pw)
	test.Type(p.code, codes[0])
	test.Tap(p.next)
	h.ui.wait()
	if p.newPhone.Visible() || !strings.Contains(p.status.message.Text, "demandez à un administrateur") {
		t.Fatalf("staff with a recovery code: %q", p.status.message.Text)
	}
	h.press(fyne.KeyEscape)
	h.signOut()

	_, p = h.openPhoneChange("elodie@lucioles.ca")
	if !strings.Contains(p.codeLabel.Text, "code de récupération") || !strings.Contains(p.noPhone.Text, "codes de récupération") {
		t.Fatalf("the director: %q / %q", p.codeLabel.Text, p.noPhone.Text)
	}
	test.Type(p.password, pw)
	test.Type(p.code, codes[1])
	test.Tap(p.next)
	h.ui.wait()
	if !p.newPhone.Visible() {
		t.Fatalf("the director's recovery code: %q", p.status.message.Text)
	}
	test.Type(p.newCode, h.phoneCode(p.key.Text, 0))
	test.Tap(p.confirmButton)
	h.ui.wait()
	if h.events(apetitspas.EventMFADeviceReplaced) != 1 || h.user("elodie@lucioles.ca").RecoveryCodesLeft() != 9 {
		t.Fatal("the change with a recovery code did not happen")
	}
}

// A parent without AMF has no phone to change.
func TestNoPhoneToChangeWithoutAMF(t *testing.T) {
	h := newHarness(t, withDaycare)
	a := h.openAccount("anne@parents.ca")
	if a.changePhoneButton.Visible() {
		t.Fatal("« Changer de téléphone » shown without AMF")
	}
}

// « Changer de téléphone » in the gallery: Mon compte with the button,
// each step of the dialog, and a refusal.
func init() { gallery = append(gallery, phoneChangeShots()...) }

func phoneChangeShots() []shot {
	proof := func(h *harness) *phoneChange {
		_, p := h.openPhoneChange("karim@lucioles.ca")
		h.clock.Advance(apetitspas.CodePeriod)
		return p
	}
	newPhone := func(h *harness) *phoneChange {
		p := proof(h)
		test.Type(p.password, pw)
		test.Type(p.code, h.codeNow(h.secrets["karim@lucioles.ca"]))
		test.Tap(p.next)
		h.ui.wait()
		return p
	}
	return []shot{
		{"phone-change-account", withEnrolledStaff, func(h *harness) {
			h.signInWithCode("karim@lucioles.ca")
			h.ui.shell.show(pageAccount)
			h.ui.shell.account.scroll.ScrollToBottom()
		}},
		{"phone-change-proof", withEnrolledStaff, func(h *harness) { proof(h) }},
		{"phone-change-proof-admin", func(h *harness) {
			withEnrolledStaff(h)
			h.recoveryCodes("elodie@lucioles.ca")
		}, func(h *harness) {
			_, p := h.openPhoneChange("elodie@lucioles.ca")
			test.Type(p.password, pw)
		}},
		{"phone-change-wrong-password", withEnrolledStaff, func(h *harness) {
			p := proof(h)
			test.Type(p.password, "pas-le-bon")
			test.Type(p.code, h.codeNow(h.secrets["karim@lucioles.ca"]))
			test.Tap(p.next)
		}},
		{"phone-change-qr", withEnrolledStaff, func(h *harness) { newPhone(h) }},
		{"phone-change-qr-wrong", withEnrolledStaff, func(h *harness) {
			p := newPhone(h)
			test.Type(p.newCode, h.otherCode(strings.Join(strings.Fields(p.key.Text), "")))
			test.Tap(p.confirmButton)
		}},
		{"phone-change-done", withEnrolledStaff, func(h *harness) {
			p := newPhone(h)
			test.Type(p.newCode, h.phoneCode(p.key.Text, 0))
			test.Tap(p.confirmButton)
		}},
	}
}
