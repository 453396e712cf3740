package screens

import (
	"context"
	"strings"
	"testing"
	"time"

	"fyne.io/fyne/v2/test"

	apetitspas "github.com/apetitspas/apetitspas/app"
)

func TestAfterAResetThePersonSeesWhoResetItAndANewQRCode(t *testing.T) {
	h := newHarness(t, func(h *harness) {
		withEnrolledDirector(h)
		h.enroll("karim@lucioles.ca")
		if _, err := h.svc.ResetMFA(context.Background(), h.session("elodie@lucioles.ca"), "karim@lucioles.ca", ""); err != nil {
			t.Fatal(err)
		}
	})
	// The code Élodie handed over first (TestAResetShowsTheReactivationCode…
	// walks that step); then the QR code, saying who reset it.
	rc, err := h.svc.NewReactivationCode(context.Background(), h.session("elodie@lucioles.ca"), "karim@lucioles.ca", "")
	if err != nil {
		t.Fatal(err)
	}
	h.signIn("karim@lucioles.ca", pw)
	h.typeInto(h.ui.reactivate.code, rc.Code)
	test.Tap(h.ui.reactivate.submitButton)
	h.ui.wait()
	en := h.ui.enroll
	if en == nil || !en.notice.Visible() || !strings.Contains(en.notice.Text, "elodie@lucioles.ca") {
		t.Fatalf("no reset notice: %+v", en)
	}
	if en.later.Visible() {
		t.Fatal("nothing allows skipping here")
	}
}

// withBreakGlass: Élodie, the only administrator with AMF, lost her phone;
// the technician reset it with the tool. Martin, an administrator without
// AMF, could not.
func withBreakGlass(h *harness) {
	withEnrolledDirector(h)
	h.create("elodie@lucioles.ca", apetitspas.RoleAdmin, "Martin Gagnon", "martin@lucioles.ca")
	h.clock.Advance(time.Hour)
	rc, err := h.tr.BreakGlassReset(context.Background(), apetitspas.OSUser{Name: "technicien", Elevated: true},
		"elodie@lucioles.ca", "téléphone tombé dans le lac")
	if err != nil {
		h.t.Fatal(err)
	}
	lastReactivation = rc // the technician hands it over
}

func TestEveryAdministratorSeesTheBreakGlassBannerUntilAnotherOneAcknowledges(t *testing.T) {
	h := newHarness(t, withBreakGlass)
	h.signIn("anne@parents.ca", pw)
	if h.ui.banner != nil || h.ui.breakGlass != nil {
		t.Fatal("a parent sees the break-glass banner")
	}
	h.signOut()

	// Élodie types the code the technician gave her, sets up her AMF
	// again, and sees the banner about herself.
	h.signIn("elodie@lucioles.ca", pw)
	if h.ui.reactivate == nil {
		t.Fatal("Élodie's AMF was reset: the reactivation code comes first")
	}
	h.typeInto(h.ui.reactivate.code, lastReactivation.Code)
	test.Tap(h.ui.reactivate.submitButton)
	h.ui.wait()
	en := h.ui.enroll
	if en == nil {
		t.Fatal("Élodie's AMF was reset: the QR code comes first")
	}
	if !strings.Contains(en.notice.Text, "réinitialisation d'urgence") {
		t.Fatalf("notice = %q", en.notice.Text)
	}
	test.Type(en.code, h.phoneCode(en.key.Text, 0))
	test.Tap(en.submitButton)
	h.ui.wait()
	b := h.ui.breakGlass
	if h.ui.shell == nil || b == nil || !b.visible() {
		t.Fatal("the administrator does not see the banner")
	}
	at := formatDateTime(h.clock.Now()) // the clock has not moved since the reset
	for _, want := range []string{at, "elodie@lucioles.ca", "«\u00a0technicien\u00a0»", "téléphone tombé dans le lac"} {
		if !strings.Contains(h.ui.banner.Text, want) {
			t.Errorf("the banner lacks %q: %q", want, h.ui.banner.Text)
		}
	}
	test.Tap(h.ui.bannerAck)
	want := ErrorText(&apetitspas.Error{Reason: apetitspas.ReasonSelfAcknowledge})
	if !b.status.Visible() || b.status.Text != want || !b.visible() {
		t.Fatalf("her own reset: %q, want %q", b.status.Text, want)
	}
	if h.events(apetitspas.EventBreakGlassAcknowledged) != 0 {
		t.Fatal("she acknowledged her own reset")
	}
	h.signOut()

	// Martin acknowledges it.
	h.signIn("martin@lucioles.ca", pw)
	if h.ui.breakGlass == nil || !h.ui.breakGlass.visible() {
		t.Fatal("Martin does not see the banner")
	}
	test.Tap(h.ui.bannerAck)
	if h.ui.breakGlass.visible() || h.ui.breakGlass.status.Visible() {
		t.Fatalf("the banner stayed: %q", h.ui.breakGlass.status.Text)
	}
	if h.events(apetitspas.EventBreakGlassAcknowledged) != 1 {
		t.Fatal("acknowledgement not journaled")
	}
	h.signOut()
	h.signIn("martin@lucioles.ca", pw)
	if h.ui.breakGlass != nil {
		t.Fatal("the banner survived the acknowledgement")
	}
}

func TestDuringTheGracePeriodStaffMaySkipEnrollment(t *testing.T) {
	h := newHarness(t, func(h *harness) {
		withEnrolledDirector(h)
		if err := h.svc.SetStaffPolicy(context.Background(), h.session("elodie@lucioles.ca"), true, 5, ""); err != nil {
			t.Fatal(err)
		}
	})
	h.signIn("karim@lucioles.ca", pw)
	en := h.ui.enroll
	if en == nil || !en.later.Visible() || !strings.Contains(en.grace.Text, "5\u00a0jours") {
		t.Fatalf("grace not offered: %q", en.grace.Text)
	}
	test.Tap(en.later)
	if h.ui.shell == nil {
		t.Fatal("« Plus tard » did not let the employee in")
	}
	// After the grace period: no way around it.
	h.clock.Advance(5 * 24 * time.Hour)
	h.signOut()
	h.signIn("karim@lucioles.ca", pw)
	if h.ui.enroll == nil || h.ui.enroll.later.Visible() {
		t.Fatal("skipping is still offered after the grace period")
	}
	// A parent signs in as before.
	h.ui.enroll.cancel.OnTapped()
	h.signIn("anne@parents.ca", pw)
	if h.ui.shell == nil {
		t.Fatal("the policy touched a parent")
	}
}
