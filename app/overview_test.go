package app_test

import (
	"testing"
	"time"

	"github.com/apetitspas/apetitspas/app"
)

func TestTheOverviewSaysSinceWhenAMFIsOnAndWhatWaitsForAnAdministrator(t *testing.T) {
	e := newEnv(t)
	enrolledAt := e.clock.Now()
	admin, _ := e.mfaAdmin("a@cpe.ca")
	e.addUser(app.RoleEmployee, "k@cpe.ca")
	e.addUser(app.RoleEmployee, "off@cpe.ca")
	e.addUser(app.RoleParent, "p@cpe.ca")

	o, err := e.svc.Overview(e.ctx, admin)
	if err != nil {
		t.Fatal(err)
	}
	if d := o.MFASince.Sub(enrolledAt); o.MFA != app.MFAOn || o.MFASince.IsZero() || d < 0 || d > time.Minute {
		t.Fatalf("MFA %s since %v, want on since about %v", o.MFA, o.MFASince, enrolledAt)
	}
	if o.StaffPolicy || o.StaffToSetUp != 0 || o.BreakGlass != 0 {
		t.Fatalf("before the policy: %+v", o)
	}

	if err := e.svc.SetStaffPolicy(e.ctx, admin, true, 7, ""); err != nil {
		t.Fatal(err)
	}
	o, _ = e.svc.Overview(e.ctx, admin)
	if !o.StaffPolicy || o.StaffToSetUp != 2 {
		t.Fatalf("under the policy: %+v, want 2 staff to set up", o)
	}

	emp := e.signedInSkipping("k@cpe.ca")
	o, err = e.svc.Overview(e.ctx, emp)
	if err != nil {
		t.Fatal(err)
	}
	if o.MFA != app.MFAPending || o.MFADue.Sub(e.clock.Now()) <= 6*24*time.Hour || !o.MFASince.IsZero() {
		t.Fatalf("employee: %+v, want pending with a deadline 7 days away", o)
	}
	if o.StaffToSetUp != 0 || o.StaffPolicy {
		t.Fatal("only administrators see the staff figures")
	}

	p := e.signedIn("p@cpe.ca", "")
	if o, _ := e.svc.Overview(e.ctx, p); o.MFA != app.MFAOff || !o.MFADue.IsZero() {
		t.Fatalf("parent: %+v", o)
	}
	var none *app.Session
	if _, err := e.svc.Overview(e.ctx, none); err == nil {
		t.Fatal("an overview without a session")
	}
}

// signedInSkipping signs a pending staff account in through its grace period.
func (e *env) signedInSkipping(email string) *app.Session {
	e.t.Helper()
	sess, err := e.svc.Login(e.ctx, email, goodPassword)
	if err != nil {
		e.t.Fatal(err)
	}
	if err := e.svc.SkipEnrollment(e.ctx, sess); err != nil {
		e.t.Fatal(err)
	}
	return sess
}
