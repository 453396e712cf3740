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
	h.typeInto(h.ui.Reactivate.Code, rc.Code)
	test.Tap(h.ui.Reactivate.Submit)
	h.ui.Wait()
	en := h.ui.Enroll
	if en == nil || !en.Notice.Visible() || !strings.Contains(en.Notice.Text, "elodie@lucioles.ca") {
		t.Fatalf("no reset notice: %+v", en)
	}
	if en.Later.Visible() {
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
	if h.ui.Banner != nil || h.ui.BreakGlass != nil {
		t.Fatal("a parent sees the break-glass banner")
	}
	h.signOut()

	// Élodie types the code the technician gave her, sets up her AMF
	// again, and sees the banner about herself.
	h.signIn("elodie@lucioles.ca", pw)
	if h.ui.Reactivate == nil {
		t.Fatal("Élodie's AMF was reset: the reactivation code comes first")
	}
	h.typeInto(h.ui.Reactivate.Code, lastReactivation.Code)
	test.Tap(h.ui.Reactivate.Submit)
	h.ui.Wait()
	en := h.ui.Enroll
	if en == nil {
		t.Fatal("Élodie's AMF was reset: the QR code comes first")
	}
	if !strings.Contains(en.Notice.Text, "réinitialisation d'urgence") {
		t.Fatalf("notice = %q", en.Notice.Text)
	}
	test.Type(en.Code, h.phoneCode(en.Key.Text, 0))
	test.Tap(en.Submit)
	h.ui.Wait()
	b := h.ui.BreakGlass
	if h.ui.Shell == nil || b == nil || !b.Visible() {
		t.Fatal("the administrator does not see the banner")
	}
	at := formatDateTime(h.clock.Now()) // the clock has not moved since the reset
	for _, want := range []string{at, "elodie@lucioles.ca", "«\u00a0technicien\u00a0»", "téléphone tombé dans le lac"} {
		if !strings.Contains(h.ui.Banner.Text, want) {
			t.Errorf("the banner lacks %q: %q", want, h.ui.Banner.Text)
		}
	}
	test.Tap(h.ui.BannerAck)
	want := ErrorText(&apetitspas.Error{Reason: apetitspas.ReasonSelfAcknowledge})
	if !b.Status.Visible() || b.Status.Text != want || !b.Visible() {
		t.Fatalf("her own reset: %q, want %q", b.Status.Text, want)
	}
	if h.events(apetitspas.EventBreakGlassAcknowledged) != 0 {
		t.Fatal("she acknowledged her own reset")
	}
	h.signOut()

	// Martin acknowledges it.
	h.signIn("martin@lucioles.ca", pw)
	if h.ui.BreakGlass == nil || !h.ui.BreakGlass.Visible() {
		t.Fatal("Martin does not see the banner")
	}
	test.Tap(h.ui.BannerAck)
	if h.ui.BreakGlass.Visible() || h.ui.BreakGlass.Status.Visible() {
		t.Fatalf("the banner stayed: %q", h.ui.BreakGlass.Status.Text)
	}
	if h.events(apetitspas.EventBreakGlassAcknowledged) != 1 {
		t.Fatal("acknowledgement not journaled")
	}
	h.signOut()
	h.signIn("martin@lucioles.ca", pw)
	if h.ui.BreakGlass != nil {
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
	en := h.ui.Enroll
	if en == nil || !en.Later.Visible() || !strings.Contains(en.Grace.Text, "5\u00a0jours") {
		t.Fatalf("grace not offered: %q", en.Grace.Text)
	}
	test.Tap(en.Later)
	if h.ui.Shell == nil {
		t.Fatal("« Plus tard » did not let the employee in")
	}
	// After the grace period: no way around it.
	h.clock.Advance(5 * 24 * time.Hour)
	h.signOut()
	h.signIn("karim@lucioles.ca", pw)
	if h.ui.Enroll == nil || h.ui.Enroll.Later.Visible() {
		t.Fatal("skipping is still offered after the grace period")
	}
	// A parent signs in as before.
	h.ui.Enroll.Cancel.OnTapped()
	h.signIn("anne@parents.ca", pw)
	if h.ui.Shell == nil {
		t.Fatal("the policy touched a parent")
	}
}
