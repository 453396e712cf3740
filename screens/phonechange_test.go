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
func (h *harness) openPhoneChange(email string) (*AccountPage, *PhoneChange) {
	h.t.Helper()
	h.signInWithCode(email)
	h.ui.Shell.Show(PageAccount)
	a := h.ui.Shell.Account
	if !a.ChangePhone.Visible() || a.ChangePhone.Disabled() {
		h.t.Fatalf("« Changer de téléphone » is not offered: %q", a.PhoneNote.Text)
	}
	test.Tap(a.ChangePhone)
	if a.PhoneDialog == nil {
		h.t.Fatal("no dialog")
	}
	return a, a.PhoneDialog
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
	if !strings.Contains(a.PhoneNote.Text, "une fois le nouveau confirmé") {
		t.Fatalf("note: %q", a.PhoneNote.Text)
	}
	if h.win.Canvas().Focused() != p.Password || p.NewPhone.Visible() {
		t.Fatal("the dialog should start on the password")
	}
	if !strings.Contains(p.NoPhone.Text, "administrateur") || strings.Contains(p.CodeLabel.Text, "récupération") {
		t.Fatalf("staff without recovery codes: %q / %q", p.CodeLabel.Text, p.NoPhone.Text)
	}
	h.clock.Advance(apetitspas.CodePeriod)
	h.typeFocused("pas-le-bon")
	h.press(fyne.KeyReturn)
	if h.win.Canvas().Focused() != p.Code {
		t.Fatal("Return in the password should move to the code")
	}
	h.typeFocused(h.codeNow(old))
	h.press(fyne.KeyReturn)
	h.ui.Wait()
	if !strings.Contains(p.status.Message.Text, "mot de passe") || p.Password.Text != "" || h.win.Canvas().Focused() != p.Password {
		t.Fatalf("a wrong password: %q", p.status.Message.Text)
	}
	h.typeFocused(pw)
	h.press(fyne.KeyReturn)
	h.press(fyne.KeyReturn)
	h.ui.Wait()
	if !p.NewPhone.Visible() || p.Proof.Visible() || h.win.Canvas().Focused() != p.NewCode {
		t.Fatalf("step 2 not shown: %q", p.status.Message.Text)
	}
	if !strings.Contains(p.Account.Text, "Karim Benali") || p.Key.Text == "" || p.QR.Resource == nil {
		t.Fatalf("QR: %q %q", p.Account.Text, p.Key.Text)
	}
	// Nothing changed yet: the old phone still signs in.
	if !bytes.Equal(h.user(karim).MFASecret, before) {
		t.Fatal("the secret changed before the new phone was confirmed")
	}
	h.clock.Advance(apetitspas.CodePeriod)
	h.session(karim) // the kit signs in with the old phone's code
	// A wrong code from the new phone is explained; the right one ends it.
	h.clock.Advance(apetitspas.CodePeriod)
	h.typeFocused(h.otherCode(strings.Join(strings.Fields(p.Key.Text), "")))
	h.press(fyne.KeyReturn)
	h.ui.Wait()
	if a.PhoneDialog != p || !p.NewPhone.Visible() || p.status.Message.Text == "" {
		t.Fatal("a wrong new code should be explained in the dialog")
	}
	newKey := p.Key.Text
	h.typeFocused(h.phoneCode(newKey, 0))
	h.press(fyne.KeyReturn)
	h.ui.Wait()
	if a.PhoneDialog != nil || h.ui.Notice == nil {
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
	test.Type(p.Password, pw)
	test.Type(p.Code, h.codeNow(h.secrets[karim]))
	test.Tap(p.Next)
	h.ui.Wait()
	if !p.NewPhone.Visible() {
		t.Fatalf("step 2: %q", p.status.Message.Text)
	}
	key := p.Key.Text
	h.press(fyne.KeyEscape)
	h.ui.Wait()
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
	test.Type(p.Password, pw)
	test.Type(p.Code, codes[0])
	test.Tap(p.Next)
	h.ui.Wait()
	if p.NewPhone.Visible() || !strings.Contains(p.status.Message.Text, "demandez à un administrateur") {
		t.Fatalf("staff with a recovery code: %q", p.status.Message.Text)
	}
	h.press(fyne.KeyEscape)
	h.signOut()

	_, p = h.openPhoneChange("elodie@lucioles.ca")
	if !strings.Contains(p.CodeLabel.Text, "code de récupération") || !strings.Contains(p.NoPhone.Text, "codes de récupération") {
		t.Fatalf("the director: %q / %q", p.CodeLabel.Text, p.NoPhone.Text)
	}
	test.Type(p.Password, pw)
	test.Type(p.Code, codes[1])
	test.Tap(p.Next)
	h.ui.Wait()
	if !p.NewPhone.Visible() {
		t.Fatalf("the director's recovery code: %q", p.status.Message.Text)
	}
	test.Type(p.NewCode, h.phoneCode(p.Key.Text, 0))
	test.Tap(p.Confirm)
	h.ui.Wait()
	if h.events(apetitspas.EventMFADeviceReplaced) != 1 || h.user("elodie@lucioles.ca").RecoveryCodesLeft() != 9 {
		t.Fatal("the change with a recovery code did not happen")
	}
}

// A parent without AMF has no phone to change.
func TestNoPhoneToChangeWithoutAMF(t *testing.T) {
	h := newHarness(t, withDaycare)
	a := h.openAccount("anne@parents.ca")
	if a.ChangePhone.Visible() {
		t.Fatal("« Changer de téléphone » shown without AMF")
	}
}

// « Changer de téléphone » in the gallery: Mon compte with the button,
// each step of the dialog, and a refusal.
func init() { gallery = append(gallery, phoneChangeShots()...) }

func phoneChangeShots() []shot {
	proof := func(h *harness) *PhoneChange {
		_, p := h.openPhoneChange("karim@lucioles.ca")
		h.clock.Advance(apetitspas.CodePeriod)
		return p
	}
	newPhone := func(h *harness) *PhoneChange {
		p := proof(h)
		test.Type(p.Password, pw)
		test.Type(p.Code, h.codeNow(h.secrets["karim@lucioles.ca"]))
		test.Tap(p.Next)
		h.ui.Wait()
		return p
	}
	return []shot{
		{"phone-change-account", withEnrolledStaff, func(h *harness) {
			h.signInWithCode("karim@lucioles.ca")
			h.ui.Shell.Show(PageAccount)
			h.ui.Shell.Account.Scroll.ScrollToBottom()
		}},
		{"phone-change-proof", withEnrolledStaff, func(h *harness) { proof(h) }},
		{"phone-change-proof-admin", func(h *harness) {
			withEnrolledStaff(h)
			h.recoveryCodes("elodie@lucioles.ca")
		}, func(h *harness) {
			_, p := h.openPhoneChange("elodie@lucioles.ca")
			test.Type(p.Password, pw)
		}},
		{"phone-change-wrong-password", withEnrolledStaff, func(h *harness) {
			p := proof(h)
			test.Type(p.Password, "pas-le-bon")
			test.Type(p.Code, h.codeNow(h.secrets["karim@lucioles.ca"]))
			test.Tap(p.Next)
		}},
		{"phone-change-qr", withEnrolledStaff, func(h *harness) { newPhone(h) }},
		{"phone-change-qr-wrong", withEnrolledStaff, func(h *harness) {
			p := newPhone(h)
			test.Type(p.NewCode, h.otherCode(strings.Join(strings.Fields(p.Key.Text), "")))
			test.Tap(p.Confirm)
		}},
		{"phone-change-done", withEnrolledStaff, func(h *harness) {
			p := newPhone(h)
			test.Type(p.NewCode, h.phoneCode(p.Key.Text, 0))
			test.Tap(p.Confirm)
		}},
	}
}
