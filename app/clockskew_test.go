package app_test

import (
	"context"
	"errors"
	"strconv"
	"testing"
	"time"

	"github.com/apetitspas/apetitspas/app"
	"github.com/apetitspas/apetitspas/data/datatest"
)

// lonelyCode is the phone's code offset steps from the clock, moving the
// clock on a step at a time until no other step within the skew search
// (and a step more) has the same code: six digits collide now and then,
// and a test about which step a code matches must not depend on luck.
func (e *env) lonelyCode(secret string, offset int) string {
	e.t.Helper()
	reach := int(app.ClockSkewSearch/app.CodePeriod) + 1
	for range 20 {
		code, lonely := e.code(secret, offset), true
		for k := -reach; k <= reach && lonely; k++ {
			lonely = k == offset || e.code(secret, k) != code
		}
		if lonely {
			return code
		}
		e.clock.Advance(app.CodePeriod)
	}
	e.t.Fatal("no lonely code in 20 steps")
	return ""
}

// skewEvents are the mfa.clock_skew events of the journal, newest first.
func (e *env) skewEvents() []app.AuditEvent {
	return e.journal(app.AuditFilter{Event: app.EventMFAClockSkew})
}

// wantSkew checks that err refuses a wrong code (reason) with its skew
// about want (within a step: the phone's time is somewhere in the step
// its code names).
func wantSkew(t testing.TB, err error, reason string, want time.Duration) time.Duration {
	t.Helper()
	var ae *app.Error
	if !errors.As(err, &ae) || ae.Reason != reason || ae.Code != app.EUNAUTHORIZED {
		t.Fatalf("error %v, want %s with a skew", err, reason)
	}
	if d := ae.Skew - want; d < -app.CodePeriod || d > app.CodePeriod {
		t.Fatalf("skew %v, want about %v", ae.Skew, want)
	}
	return ae.Skew
}

// A code from a phone 4 minutes behind (this computer ahead) or ahead
// (this computer behind) is refused and counted like any wrong code; the
// refusal and the journal say how far the clocks are apart.
func TestACodeFromAClockFourMinutesOffIsRefusedCountedAndExplained(t *testing.T) {
	for _, c := range []struct {
		name  string
		phone int           // the phone's clock, in steps from the computer's
		skew  time.Duration // this computer's clock minus the phone's
	}{
		{"computer ahead", -8, 4 * time.Minute},
		{"computer behind", 8, -4 * time.Minute},
	} {
		t.Run(c.name, func(t *testing.T) {
			e := newEnv(t)
			e.addUser(app.RoleEmployee, "k@cpe.ca")
			secret := e.enroll("k@cpe.ca")
			e.clock.Advance(5 * app.CodePeriod)
			code := e.lonelyCode(secret, c.phone)
			sess := e.passwordStep("k@cpe.ca")
			skew := wantSkew(t, e.svc.VerifyCode(e.ctx, sess, code), app.ReasonCodeWrong, c.skew)
			if sess.Step() != app.StepCode {
				t.Fatal("a skewed code moved the sign-in on")
			}
			if got := e.user("k@cpe.ca").MFAFailures; got != 1 {
				t.Fatalf("failures = %d, want 1: a skewed code counts", got)
			}
			if n := len(e.journal(app.AuditFilter{Event: app.EventMFACodeFailed})); n != 1 {
				t.Fatalf("mfa.code_failed × %d, want 1", n)
			}
			evs := e.skewEvents()
			if len(evs) != 1 || evs[0].Target != "k@cpe.ca" || evs[0].Field(app.FieldSkew) != strconv.Itoa(int(skew/time.Second)) {
				t.Fatalf("mfa.clock_skew events %+v, want one with %s = %d", evs, app.FieldSkew, int(skew/time.Second))
			}
			// The right code still signs in, and says nothing of clocks.
			if err := e.svc.VerifyCode(e.ctx, sess, e.code(secret, 0)); err != nil {
				t.Fatal(err)
			}
			if n := len(e.skewEvents()); n != 1 {
				t.Fatalf("mfa.clock_skew × %d after the right code", n)
			}
		})
	}
}

// Past the skew search, a code is a plain wrong code: no word of clocks,
// no event.
func TestACodeTwentyMinutesOffIsAPlainWrongCode(t *testing.T) {
	for _, phone := range []int{-40, 40} {
		t.Run(strconv.Itoa(phone/2)+" min", func(t *testing.T) {
			e := newEnv(t)
			e.addUser(app.RoleEmployee, "k@cpe.ca")
			secret := e.enroll("k@cpe.ca")
			code := e.lonelyCode(secret, phone)
			sess := e.passwordStep("k@cpe.ca")
			err := e.svc.VerifyCode(e.ctx, sess, code)
			wantReason(t, err, app.ReasonCodeWrong)
			if ae := new(app.Error); errors.As(err, &ae) && ae.Skew != 0 {
				t.Fatalf("skew %v on a plain wrong code", ae.Skew)
			}
			if n := len(e.skewEvents()); n != 0 {
				t.Fatalf("mfa.clock_skew × %d", n)
			}
			if got := e.user("k@cpe.ca").MFAFailures; got != 1 {
				t.Fatalf("failures = %d", got)
			}
		})
	}
}

// Ten skewed codes lock the account exactly as ten wrong ones do: the
// tenth says « locked », not « clock ».
func TestSkewedCodesLockAfterTheSameNumberOfFailures(t *testing.T) {
	e := newEnv(t)
	e.addUser(app.RoleEmployee, "k@cpe.ca")
	secret := e.enroll("k@cpe.ca")
	code := e.lonelyCode(secret, -8)
	sess := e.passwordStep("k@cpe.ca")
	for i := 1; i < app.MaxFailedCodes; i++ {
		reason := app.ReasonCodeWrong
		if i >= app.ClockHintAfter {
			reason = app.ReasonCodeWrongClock
		}
		wantSkew(t, e.svc.VerifyCode(e.ctx, sess, code), reason, 4*time.Minute)
	}
	wantReason(t, e.svc.VerifyCode(e.ctx, sess, code), app.ReasonMFALocked)
	wantReason(t, e.svc.VerifyCode(e.ctx, sess, e.code(secret, 0)), app.ReasonMFALocked)
	if n := len(e.skewEvents()); n != app.MaxFailedCodes {
		t.Fatalf("mfa.clock_skew × %d, want %d", n, app.MaxFailedCodes)
	}
	if n := len(e.journal(app.AuditFilter{Event: app.EventMFALocked})); n != 1 {
		t.Fatalf("mfa.locked × %d", n)
	}
}

// The first code, at enrollment, is where a wrong clock shows first.
func TestAnEnrollmentCodeFromAClockOffIsRefusedAndExplained(t *testing.T) {
	e := newEnv(t)
	e.addUser(app.RoleParent, "p@cpe.ca")
	sess, _ := e.svc.Login(e.ctx, "p@cpe.ca", goodPassword)
	if err := e.svc.RequestMFAActivation(e.ctx, sess); err != nil {
		t.Fatal(err)
	}
	sess, _ = e.svc.Login(e.ctx, "p@cpe.ca", goodPassword)
	en, err := e.svc.BeginEnrollment(e.ctx, sess)
	if err != nil {
		t.Fatal(err)
	}
	code := e.lonelyCode(en.Secret, 6)
	wantSkew(t, e.svc.ConfirmEnrollment(e.ctx, sess, code), app.ReasonCodeWrong, -3*time.Minute)
	if u := e.user("p@cpe.ca"); u.MFA != app.MFAPending || u.MFAFailures != 1 {
		t.Fatalf("after a skewed first code: MFA %s, failures %d", u.MFA, u.MFAFailures)
	}
	if n := len(e.skewEvents()); n != 1 {
		t.Fatalf("mfa.clock_skew × %d", n)
	}
	if err := e.svc.ConfirmEnrollment(e.ctx, sess, e.code(en.Secret, 0)); err != nil {
		t.Fatal(err)
	}
	if e.user("p@cpe.ca").MFA != app.MFAOn {
		t.Fatal("the right code did not turn MFA on")
	}
}

// An administrator's confirming code goes the same way: refused, counted
// once, journaled once, explained.
func TestAStrongActionsCodeFromAClockOffIsRefusedAndExplained(t *testing.T) {
	e := newEnv(t)
	e.addUser(app.RoleParent, "p@cpe.ca")
	e.enroll("p@cpe.ca")
	admin, secret := e.mfaAdmin("a@cpe.ca")
	e.clock.Advance(app.FreshCodeWindow)
	code := e.lonelyCode(secret, -10)
	wantSkew(t, errOf(e.svc.ResetMFA(e.ctx, admin, "p@cpe.ca", code)), app.ReasonCodeWrong, 5*time.Minute)
	if e.user("p@cpe.ca").MFA != app.MFAOn {
		t.Fatal("reset with a skewed code")
	}
	if got := e.user("a@cpe.ca").MFAFailures; got != 1 {
		t.Fatalf("failures = %d, want 1", got)
	}
	if n := len(e.skewEvents()); n != 1 {
		t.Fatalf("mfa.clock_skew × %d, want 1", n)
	}
}

// wrongCode is a code that no step within the skew search (and a step
// more) has: a plain wrong code, whatever the secret.
func (e *env) wrongCode(secret string) string {
	e.t.Helper()
	reach := int(app.ClockSkewSearch/app.CodePeriod) + 1
	used := map[string]bool{}
	for k := -reach; k <= reach; k++ {
		used[e.code(secret, k)] = true
	}
	for n := 0; ; n += 111111 {
		if c := strconv.Itoa(1000000 + n%1000000)[1:]; !used[c] {
			return c
		}
	}
}

// With PostgreSQL, Accueil tells administrators when this computer's
// clock (the service's) is more than 30 s from the server's; the test
// server runs on this computer, so the service's clock is set off.
func TestTheOverviewTellsAdministratorsWhenTheServersClockDisagrees(t *testing.T) {
	clock := datatest.NewClock()
	kit := datatest.NewDaycare(t, datatest.Options{Argon2: datatest.QuickArgon2, Clock: clock, Postgres: true})
	e := &env{t: t, kit: kit, ctx: context.Background()}
	e.sync()
	admin, _ := e.mfaAdmin("a@cpe.ca")
	e.addUser(app.RoleEmployee, "k@cpe.ca")
	emp := e.signedIn("k@cpe.ca", "")
	for _, c := range []struct {
		off  time.Duration // this computer's clock minus the real time
		want time.Duration // 0: nothing said
	}{
		{2 * time.Minute, 2 * time.Minute},
		{-3 * time.Minute, -3 * time.Minute},
		{10 * time.Second, 0},
		{-10 * time.Second, 0},
	} {
		clock.Advance(time.Now().Add(c.off).Sub(clock.Now()))
		o, err := e.svc.Overview(e.ctx, admin)
		if err != nil {
			t.Fatal(err)
		}
		if d := o.ServerClockSkew - c.want; d < -5*time.Second || d > 5*time.Second || (c.want == 0) != (o.ServerClockSkew == 0) {
			t.Errorf("clock off by %v: skew %v, want %v", c.off, o.ServerClockSkew, c.want)
		}
		if o, _ := e.svc.Overview(e.ctx, emp); o.ServerClockSkew != 0 {
			t.Errorf("clock off by %v: an employee is told %v", c.off, o.ServerClockSkew)
		}
	}
}

// A SQLite file has no clock of its own: nothing to compare.
func TestTheOverviewSaysNothingOfClocksOverASQLiteFile(t *testing.T) {
	sqliteOnly(t)
	e := newEnv(t)
	admin, _ := e.mfaAdmin("a@cpe.ca")
	e.clock.Advance(48 * time.Hour)
	if o, err := e.svc.Overview(e.ctx, admin); err != nil || o.ServerClockSkew != 0 {
		t.Fatalf("overview %+v, %v", o, err)
	}
}

// The new phone of « Changer de téléphone » gets the sign-in's hint: its
// code right 4 minutes away is refused and counted, the refusal says by
// how much (Error.Skew) and mfa.clock_skew is journaled; the change stays
// pending and the right code confirms it.
func TestANewPhoneFourMinutesOffIsRefusedCountedAndExplained(t *testing.T) {
	e := newEnv(t)
	e.addUser(app.RoleEmployee, "k@cpe.ca")
	old := e.enroll("k@cpe.ca")
	sess := e.signedIn("k@cpe.ca", old)
	en := e.beginPhoneChange(sess, old)
	code := e.lonelyCode(en.Secret, -8)
	skew := wantSkew(t, e.svc.ConfirmPhoneChange(e.ctx, sess, code), app.ReasonCodeWrong, 4*time.Minute)
	if got := e.user("k@cpe.ca").MFAFailures; got != 1 {
		t.Fatalf("failures = %d, want 1: a skewed code counts", got)
	}
	evs := e.skewEvents()
	if len(evs) != 1 || evs[0].Target != "k@cpe.ca" || evs[0].Field(app.FieldSkew) != strconv.Itoa(int(skew/time.Second)) {
		t.Fatalf("mfa.clock_skew events %+v", evs)
	}
	if err := e.svc.ConfirmPhoneChange(e.ctx, sess, e.code(en.Secret, 0)); err != nil {
		t.Fatalf("the right code after a skewed one: %v", err)
	}
	if n := len(e.skewEvents()); n != 1 {
		t.Fatalf("mfa.clock_skew × %d after the right code", n)
	}
}
