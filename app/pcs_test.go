package app_test

import (
	"net/url"
	"os"
	"path/filepath"
	"sync"
	"testing"

	"github.com/apetitspas/apetitspas/app"
	"github.com/apetitspas/apetitspas/data/datatest"
)

// Several computers on one PostgreSQL server: each its own pool of
// connections, its own key folder (the key brought by keys import) and
// its own services, as two app processes on two PCs. These tests need the
// server whatever the pass.

// twoPCs returns the daycare on PC A (the env of the other tests) and the
// same daycare seen from PC B.
func twoPCs(t *testing.T) (a *env, b *env) {
	t.Helper()
	a = &env{t: t, kit: datatest.NewDaycare(t, datatest.Options{Postgres: true}), ctx: t.Context()}
	a.sync()
	bk := datatest.NewDaycare(t, datatest.Options{URL: a.path, Clock: a.clock})
	b = &env{t: t, kit: bk, ctx: t.Context()}
	b.sync()
	return a, b
}

// carryKey copies PC A's key files to PC B (what keys export / keys
// import do, tested with the real tool in cmd/apetitspas-admin).
func carryKey(t *testing.T, a, b *env) {
	t.Helper()
	entries, err := os.ReadDir(a.kit.KeyDir)
	if err != nil {
		t.Fatal(err)
	}
	if err := os.MkdirAll(b.kit.KeyDir, 0o700); err != nil {
		t.Fatal(err)
	}
	for _, e := range entries {
		k, err := os.ReadFile(filepath.Join(a.kit.KeyDir, e.Name()))
		if err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(filepath.Join(b.kit.KeyDir, e.Name()), k, 0o600); err != nil {
			t.Fatal(err)
		}
	}
}

// The seed's reset across PCs: the administrator on PC B resets the
// employee, whose next sign-in on PC A asks for a new QR code; then
// imposing AMF on PC B sends a signed-out employee on PC A to the QR code.
func TestAResetOrAPolicyMadeOnOnePCAppliesAtTheNextSignInOnTheOther(t *testing.T) {
	a, b := twoPCs(t)
	a.addUser(app.RoleAdmin, "directrice@cpe.ca")
	a.addUser(app.RoleEmployee, "karim@cpe.ca")
	a.addUser(app.RoleEmployee, "lea@cpe.ca")
	adminSecret := a.enroll("directrice@cpe.ca")
	a.enroll("karim@cpe.ca")
	carryKey(t, a, b)

	admin := b.signedIn("directrice@cpe.ca", adminSecret)
	b.clock.Advance(app.CodePeriod)
	if err := errOf(b.svc.ResetMFA(b.ctx, admin, "karim@cpe.ca", b.code(adminSecret, 0))); err != nil {
		t.Fatalf("reset on PC B: %v", err)
	}
	sess, err := a.svc.Login(a.ctx, "karim@cpe.ca", goodPassword)
	// After a reset, the reactivation code first (then the QR code).
	if err != nil || sess.Step() != app.StepReactivate || sess.User().MFAResetBy != "directrice@cpe.ca" {
		t.Fatalf("Karim on PC A after the reset on PC B: %v, step %v", err, sess.Step())
	}

	if s, err := a.svc.Login(a.ctx, "lea@cpe.ca", goodPassword); err != nil || s.Step() != app.StepSignedIn {
		t.Fatalf("Léa before the policy: %v", err)
	}
	b.clock.Advance(app.CodePeriod)
	if err := b.svc.SetStaffPolicy(b.ctx, admin, true, 0, b.code(adminSecret, 0)); err != nil {
		t.Fatalf("policy on PC B: %v", err)
	}
	if s, err := a.svc.Login(a.ctx, "lea@cpe.ca", goodPassword); err != nil || s.Step() != app.StepEnroll {
		t.Fatalf("Léa on PC A after the policy on PC B: %v, step %v", err, s.Step())
	}
}

// Two administrators on two PCs disabling each other at the same moment
// leave one enabled administrator, round after round.
func TestTwoAdministratorsOnTwoPCsDisablingEachOtherLeaveOne(t *testing.T) {
	a, b := twoPCs(t)
	sa, _ := a.mfaAdmin("a@cpe.ca")
	a.addUser(app.RoleAdmin, "b@cpe.ca")
	secretB := a.enroll("b@cpe.ca")
	carryKey(t, a, b)
	sb := b.signedIn("b@cpe.ca", secretB)
	for round := range bySize(10, 3) {
		var wg sync.WaitGroup
		wg.Go(func() { a.svc.SetDisabled(a.ctx, sa, "b@cpe.ca", true, "") })
		wg.Go(func() { b.svc.SetDisabled(b.ctx, sb, "a@cpe.ca", true, "") })
		wg.Wait()
		enabled := enabledAdmins(t, a)
		if len(enabled) != 1 {
			t.Fatalf("round %d: enabled administrators = %v, want exactly one", round, enabled)
		}
		if enabled[0] == "a@cpe.ca" {
			if err := a.svc.SetDisabled(a.ctx, sa, "b@cpe.ca", false, ""); err != nil {
				t.Fatal(err)
			}
		} else if err := b.svc.SetDisabled(b.ctx, sb, "a@cpe.ca", false, ""); err != nil {
			t.Fatal(err)
		}
	}
}

// Ten guesses mean ten across all PCs together.
func TestWrongPasswordsSplitBetweenPCsLockAfterTenInTotal(t *testing.T) {
	a, b := twoPCs(t)
	a.addUser(app.RoleParent, "p@cpe.ca")
	carryKey(t, a, b)
	var wg sync.WaitGroup
	for i := range bySize(16, 12) {
		pc := a
		if i%2 == 1 {
			pc = b
		}
		wg.Go(func() { pc.svc.Login(pc.ctx, "p@cpe.ca", "mauvais") })
	}
	wg.Wait()
	failed := 0
	for _, e := range a.events(app.AuditFilter{Event: app.EventLoginFailed}) {
		_ = e
		failed++
	}
	if failed != app.MaxFailedLogins {
		t.Fatalf("%d wrong passwords judged by two PCs, want exactly %d (then locked)", failed, app.MaxFailedLogins)
	}
	if _, err := b.svc.Login(b.ctx, "p@cpe.ca", goodPassword); app.ErrorReason(err) != app.ReasonAccountLocked {
		t.Fatalf("the right password on PC B after ten wrong ones: %v, want locked", err)
	}
}

// Losing the server: the sign-in fails closed with a clear reason, and
// works again when the server is back, without restarting the app.
func TestALostServerFailsTheSignInClosedUntilItIsBack(t *testing.T) {
	a, _ := twoPCs(t)
	a.addUser(app.RoleEmployee, "k@cpe.ca")
	secret := a.enroll("k@cpe.ca")
	u := a.path
	p := datatest.NewProxy(t, hostOf(t, u))
	c := datatest.NewDaycare(t, datatest.Options{URL: p.Via(t, u), Clock: a.clock})
	pc := &env{t: t, kit: c, ctx: t.Context()}
	pc.sync()
	carryKey(t, a, pc)

	sess, err := pc.svc.Login(pc.ctx, "k@cpe.ca", goodPassword)
	if err != nil || sess.Step() != app.StepCode {
		t.Fatalf("before: %v", err)
	}
	p.Down()
	pc.clock.Advance(app.CodePeriod)
	if err := pc.svc.VerifyCode(pc.ctx, sess, pc.code(secret, 0)); app.ErrorReason(err) != app.ReasonDBServer || sess.Step() == app.StepSignedIn {
		t.Fatalf("the code while the server is gone: %v, step %v", err, sess.Step())
	}
	if s, err := pc.svc.Login(pc.ctx, "k@cpe.ca", goodPassword); app.ErrorReason(err) != app.ReasonDBServer || s != nil {
		t.Fatalf("a sign-in while the server is gone: %v", err)
	}
	p.Up()
	var s *app.Session
	for range 3 { // a pooled connection may still be a dead one
		if s, err = pc.svc.Login(pc.ctx, "k@cpe.ca", goodPassword); err == nil {
			break
		}
	}
	if err != nil || s.Step() != app.StepCode {
		t.Fatalf("after the server came back: %v", err)
	}
	pc.clock.Advance(app.CodePeriod)
	if err := pc.svc.VerifyCode(pc.ctx, s, pc.code(secret, 0)); err != nil {
		t.Fatalf("the next code after the server came back: %v", err)
	}
}

func hostOf(t *testing.T, u string) string {
	t.Helper()
	pu, err := url.Parse(u)
	if err != nil {
		t.Fatal(err)
	}
	return pu.Host
}
