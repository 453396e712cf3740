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

// withKarimReset: Élodie (AMF on) reset Karim's AMF (his was on); the
// code she was given is kept in h.reactivation.
func withKarimReset(h *harness) {
	withEnrolledDirector(h)
	h.enroll("karim@lucioles.ca")
	rc, err := h.svc.ResetMFA(context.Background(), h.session("elodie@lucioles.ca"), "karim@lucioles.ca", "")
	if err != nil {
		h.t.Fatal(err)
	}
	lastReactivation = rc
}

// lastReactivation is the code of withKarimReset (setups run before the
// harness keeps anything of its own).
var lastReactivation apetitspas.ReactivationCode

// The reset's confirmation shows the code once: big, grouped, with its
// expiry, copy and a printable sheet; Karim then types it, by keyboard,
// before any QR code.
func TestAResetShowsTheReactivationCodeAndThePersonTypesItBeforeTheQRCode(t *testing.T) {
	h := newHarness(t, func(h *harness) {
		withEnrolledDirector(h)
		h.enroll("karim@lucioles.ca")
	})
	p := h.openUsers()
	p.tabs.selectIndex(usersTabStaff)
	h.pick(p, "karim@lucioles.ca")
	if p.newReactivation.Visible() {
		t.Fatal("« Nouveau code de réactivation » shows for an account not waiting for one")
	}
	test.Tap(p.resetMFA)
	if !strings.Contains(p.confirming.message.Text, "code de réactivation") {
		t.Fatalf("the confirmation does not say a code comes: %q", p.confirming.message.Text)
	}
	test.Tap(p.confirming.confirm)
	h.ui.wait()
	d := p.reactivation
	if d == nil {
		t.Fatal("no reactivation code shown after the reset")
	}
	code := d.code.Text
	if len(code) != 11 || code[5] != '-' {
		t.Fatalf("code shown = %q, want XXXXX-XXXXX", code)
	}
	if !strings.Contains(d.expires.Text, formatDateTime(h.clock.Now().Add(apetitspas.ReactivationTTL))) {
		t.Fatalf("expiry = %q", d.expires.Text)
	}
	test.Tap(d.copy)
	if got := fyne.CurrentApp().Clipboard().Content(); got != code {
		t.Fatalf("clipboard = %q", got)
	}
	var pdf bytes.Buffer
	req := d.saveRequest()
	if err := req.write(&pdf); err != nil {
		t.Fatal(err)
	}
	req.done("code.pdf", nil)
	if b := pdf.Bytes(); !bytes.HasPrefix(b, []byte("%PDF-")) || !bytes.Contains(b, []byte("/Count 1")) || !bytes.Contains(b, []byte(code)) {
		t.Fatalf("the sheet is not a one-page PDF with the code (%d bytes)", len(b))
	}
	if !strings.Contains(d.status.message.Text, "PDF") {
		t.Fatalf("status = %q", d.status.message.Text)
	}
	if h.events(apetitspas.EventReactivationCodeCreated) != 1 {
		t.Fatal("the code is not journaled")
	}
	test.Tap(d.close)
	if p.reactivation != nil || d.code.Text != "" {
		t.Fatal("the code stays on screen after the dialog")
	}
	// Karim's account now waits: the action for a new code shows.
	h.pick(p, "karim@lucioles.ca")
	if !p.newReactivation.Visible() || p.newReactivation.Disabled() {
		t.Fatal("« Nouveau code de réactivation » is not offered for Karim")
	}

	h.signOut()
	h.signIn("karim@lucioles.ca", pw)
	r := h.ui.reactivate
	if r == nil || h.ui.enroll != nil {
		t.Fatalf("after the password: reactivation screen %v, QR screen %v", r != nil, h.ui.enroll != nil)
	}
	if h.win.Canvas().Focused() != r.code {
		t.Fatal("the cursor is not in the code field")
	}
	test.Type(r.code, "00000-00000")
	pressKeyOn(h.win.Canvas(), fyne.KeyReturn)
	h.ui.wait()
	if h.ui.reactivate != r || !strings.Contains(r.status.message.Text, "pas le bon") {
		t.Fatalf("a wrong code: %q", r.status.message.Text)
	}
	test.Type(r.code, strings.ToLower(strings.ReplaceAll(code, "-", " ")))
	pressKeyOn(h.win.Canvas(), fyne.KeyReturn)
	h.ui.wait()
	if h.ui.enroll == nil {
		t.Fatalf("the right code did not lead to the QR code: %q", r.status.message.Text)
	}
	if h.events(apetitspas.EventReactivationCodeUsed) != 1 {
		t.Fatal("the use is not journaled")
	}
}

// An expired code says so, and who can help.
func TestAnExpiredReactivationCodeSaysToAskAnAdministrator(t *testing.T) {
	h := newHarness(t, withKarimReset)
	code := lastReactivation.Code
	h.clock.Advance(apetitspas.ReactivationTTL)
	h.signIn("karim@lucioles.ca", pw)
	r := h.ui.reactivate
	if r == nil {
		t.Fatal("no reactivation screen")
	}
	h.typeInto(r.code, code)
	test.Tap(r.submitButton)
	h.ui.wait()
	msg := r.status.message.Text
	if !strings.Contains(msg, "expiré") || !strings.Contains(msg, "administrateur") {
		t.Fatalf("expired code: %q", msg)
	}
}

// « Nouveau code de réactivation » gives a new code; the old one stops.
func TestANewReactivationCodeFromTheUsersPage(t *testing.T) {
	h := newHarness(t, withKarimReset)
	old := lastReactivation.Code
	p := h.openUsers()
	p.tabs.selectIndex(usersTabStaff)
	h.pick(p, "karim@lucioles.ca")
	test.Tap(p.newReactivation)
	if p.confirming == nil {
		t.Fatal("no confirmation")
	}
	if p.confirming.codeAsked() {
		t.Fatal("Élodie's code was accepted just now: no code to ask")
	}
	test.Tap(p.confirming.confirm)
	h.ui.wait()
	if p.reactivation == nil || p.reactivation.code.Text == old {
		t.Fatal("no new code shown")
	}
	next := p.reactivation.code.Text
	test.Tap(p.reactivation.close)
	h.signOut()
	h.signIn("karim@lucioles.ca", pw)
	r := h.ui.reactivate
	h.typeInto(r.code, old)
	test.Tap(r.submitButton)
	h.ui.wait()
	if !strings.Contains(r.status.message.Text, "remplacé") {
		t.Fatalf("old code: %q", r.status.message.Text)
	}
	h.typeInto(r.code, next)
	test.Tap(r.submitButton)
	h.ui.wait()
	if h.ui.enroll == nil {
		t.Fatalf("new code: %q", r.status.message.Text)
	}
}
