package screens

import (
	"context"
	"strings"
	"testing"
	"time"

	"fyne.io/fyne/v2/test"

	apetitspas "github.com/apetitspas/apetitspas/app"
)

// adminSession signs an administrator in through the services.
func adminSession(t *testing.T, svc *apetitspas.Service, email string) *apetitspas.Session {
	t.Helper()
	s, err := svc.Login(context.Background(), email, pw)
	if err != nil || s.Step() != apetitspas.StepSignedIn {
		t.Fatalf("%s: %v %v", email, s.Step(), err)
	}
	return s
}

func TestAfterAResetThePersonSeesWhoResetItAndANewQRCode(t *testing.T) {
	h := newHarness(t, func(svc *apetitspas.Service) {
		withDaycare(svc)
		ctx := context.Background()
		sess, _ := svc.Login(ctx, "karim@lucioles.ca", pw)
		svc.RequestMFAActivation(ctx, sess)
		if err := svc.ResetMFA(ctx, adminSession(t, svc, "elodie@lucioles.ca"), "karim@lucioles.ca", ""); err != nil {
			t.Fatal(err)
		}
	})
	h.signIn("karim@lucioles.ca", pw)
	en := h.ui.Enroll
	if en == nil || !en.Notice.Visible() || !strings.Contains(en.Notice.Text, "elodie@lucioles.ca") {
		t.Fatalf("no reset notice: %+v", en)
	}
	if en.Later.Visible() {
		t.Fatal("nothing allows skipping here")
	}
}

func TestEveryAdministratorSeesTheBreakGlassBannerUntilOneAcknowledges(t *testing.T) {
	h := newHarness(t, func(svc *apetitspas.Service) {
		withDaycare(svc)
		ctx := context.Background()
		svc.CreateUser(ctx, "test", apetitspas.NewUser{Role: apetitspas.RoleAdmin, Name: "Martin", Email: "martin@lucioles.ca", Password: pw})
		sess, _ := svc.Login(ctx, "martin@lucioles.ca", pw)
		svc.RequestMFAActivation(ctx, sess)
		if err := svc.ResetMFABreakGlass(ctx, "martin@lucioles.ca", "téléphone tombé dans le lac"); err != nil {
			t.Fatal(err)
		}
	})
	h.signIn("anne@parents.ca", pw)
	if h.ui.Banner != nil {
		t.Fatal("a parent sees the break-glass banner")
	}
	test.Tap(h.ui.Shell.Hamburger)
	test.Tap(h.ui.Shell.Logout)
	h.signIn("elodie@lucioles.ca", pw)
	if h.ui.Banner == nil || !strings.Contains(h.ui.Banner.Text, "téléphone tombé dans le lac") {
		t.Fatal("the administrator does not see the banner")
	}
	test.Tap(h.ui.BannerAck)
	test.Tap(h.ui.Shell.Hamburger)
	test.Tap(h.ui.Shell.Logout)
	h.signIn("elodie@lucioles.ca", pw)
	if h.ui.Banner != nil {
		t.Fatal("the banner survived the acknowledgement")
	}
	if h.events(apetitspas.EventBreakGlassAcknowledged) != 1 {
		t.Fatal("acknowledgement not journaled")
	}
}

func TestDuringTheGracePeriodStaffMaySkipEnrollment(t *testing.T) {
	h := newHarness(t, func(svc *apetitspas.Service) {
		withDaycare(svc)
		if err := svc.SetStaffPolicy(context.Background(), adminSession(t, svc, "elodie@lucioles.ca"), true, 5); err != nil {
			t.Fatal(err)
		}
	})
	h.signIn("karim@lucioles.ca", pw)
	en := h.ui.Enroll
	if en == nil || !en.Later.Visible() || !strings.Contains(en.Grace.Text, "5 jour") {
		t.Fatalf("grace not offered: %q", en.Grace.Text)
	}
	test.Tap(en.Later)
	if h.ui.Shell == nil {
		t.Fatal("« Plus tard » did not let the employee in")
	}
	// After the grace period: no way around it.
	h.clock.Advance(5 * 24 * time.Hour)
	test.Tap(h.ui.Shell.Hamburger)
	test.Tap(h.ui.Shell.Logout)
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
