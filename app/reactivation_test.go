package app_test

import (
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/apetitspas/apetitspas/app"
)

// errOf keeps the error of a reset (its reactivation code aside).
// errOf is the error of a call that returns a value and an error.
func errOf[T any](_ T, err error) error { return err }

// resetEmployee makes k@cpe.ca an employee whose AMF was on, reset by the
// administrator a@cpe.ca (signed in, returned) with the code returned.
func (e *env) resetEmployee() (*app.Session, app.ReactivationCode) {
	e.t.Helper()
	admin, _ := e.mfaAdmin("a@cpe.ca")
	e.addUser(app.RoleEmployee, "k@cpe.ca")
	e.enroll("k@cpe.ca")
	rc, err := e.svc.ResetMFA(e.ctx, admin, "k@cpe.ca", "")
	if err != nil {
		e.t.Fatal(err)
	}
	return admin, rc
}

// reactivationStep signs k@cpe.ca in with her password: the step must be
// the reactivation code.
func (e *env) reactivationStep(email string) *app.Session {
	e.t.Helper()
	sess, err := e.svc.Login(e.ctx, email, goodPassword)
	if err != nil {
		e.t.Fatal(err)
	}
	if sess.Step() != app.StepReactivate {
		e.t.Fatalf("step %v, want the reactivation code", sess.Step())
	}
	return sess
}

// Issue 17: after a reset, whoever knows her password no longer binds
// their own phone. The code handed over in person comes first; the QR
// code never shows without it.
func TestAfterAResetTheReactivationCodeComesBeforeTheQRCode(t *testing.T) {
	e := newEnv(t)
	_, rc := e.resetEmployee()
	if len(strings.ReplaceAll(rc.Code, "-", "")) != 10 || rc.Code[5] != '-' || rc.Email != "k@cpe.ca" {
		t.Fatalf("code = %+v", rc)
	}
	if want := e.clock.Now().UTC().Add(app.ReactivationTTL); !rc.Expires.Equal(want.Truncate(time.Millisecond)) {
		t.Fatalf("expires %v, want %v", rc.Expires, want)
	}
	sess := e.reactivationStep("k@cpe.ca")
	if _, err := e.svc.BeginEnrollment(e.ctx, sess); app.ErrorReason(err) != app.ReasonMFAStep {
		t.Fatalf("the QR code was given before the reactivation code: %v", err)
	}
	wantReason(t, e.svc.ConfirmEnrollment(e.ctx, sess, "123456"), app.ReasonMFAStep)
	if err := e.svc.SkipEnrollment(e.ctx, sess); err == nil {
		t.Fatal("the reactivation step was skipped")
	}
	if _, _, err := e.svc.ResetNotice(e.ctx, sess); err != nil {
		t.Fatal(err) // reading the notice does not make the step go away
	}
	// Nothing but the code gets past this step.
	if sess, err := e.svc.Login(e.ctx, "k@cpe.ca", goodPassword); err != nil || sess.Step() != app.StepReactivate {
		t.Fatalf("after the notice: %v %v", sess.Step(), err)
	}
	// A code in the wrong shape is refused before anything is counted.
	wantReason(t, e.svc.UseReactivationCode(e.ctx, sess, "12345"), app.ReasonReactivationFormat)
	if e.user("k@cpe.ca").MFAFailures != 0 {
		t.Fatal("a malformed code was counted")
	}
	wantReason(t, e.svc.UseReactivationCode(e.ctx, sess, "00000-00000"), app.ReasonReactivationWrong)
	if e.user("k@cpe.ca").MFAFailures != 1 {
		t.Fatal("a wrong code was not counted")
	}
	// Typed loosely: lower case, spaces instead of the dash.
	loose := strings.ToLower(strings.ReplaceAll(rc.Code, "-", " "))
	if err := e.svc.UseReactivationCode(e.ctx, sess, loose); err != nil {
		t.Fatal(err)
	}
	if sess.Step() != app.StepEnroll || e.user("k@cpe.ca").MFAFailures != 0 {
		t.Fatalf("after the code: step %v", sess.Step())
	}
	e.finishEnrollment(sess)
	if u := e.user("k@cpe.ca"); u.MFA != app.MFAOn || u.Reactivation != nil || u.AwaitsReactivation() {
		t.Fatalf("after enrollment: %s %x", u.MFA, u.Reactivation)
	}
	// The journal says who made it, for whom, until when; never the code.
	evs := e.journal(app.AuditFilter{Event: app.EventReactivationCodeCreated})
	if len(evs) != 1 || evs[0].Actor != "a@cpe.ca" || evs[0].Target != "k@cpe.ca" || evs[0].Field(app.FieldBy) != "a@cpe.ca" ||
		evs[0].Field(app.FieldUntil) != rc.Expires.Format(time.RFC3339) {
		t.Fatalf("created = %+v", evs)
	}
	all := e.journal(app.AuditFilter{})
	raw := strings.ReplaceAll(rc.Code, "-", "")
	for _, ev := range all {
		for _, f := range append(ev.Fields, app.AuditField{Value: ev.Detail}) {
			if strings.Contains(f.Value, raw) || strings.Contains(f.Value, rc.Code) {
				t.Fatalf("the code is in the journal: %+v", ev)
			}
		}
	}
	if got := e.journal(app.AuditFilter{Event: app.EventReactivationCodeUsed}); len(got) != 1 || got[0].Target != "k@cpe.ca" {
		t.Fatalf("used = %+v", got)
	}
	// The next sign-in asks the new phone's code, not another reactivation.
	e.passwordStep("k@cpe.ca")
}

// A first enrollment (AMF never set up, imposed on a new employee or
// asked in Mon compte) needs no code.
func TestAFirstEnrollmentNeedsNoReactivationCode(t *testing.T) {
	e := newEnv(t)
	admin, _ := e.mfaAdmin("a@cpe.ca")
	if err := e.svc.SetStaffPolicy(e.ctx, admin, true, 0, ""); err != nil {
		t.Fatal(err)
	}
	e.addUser(app.RoleEmployee, "k@cpe.ca")
	s, err := e.svc.Login(e.ctx, "k@cpe.ca", goodPassword)
	if err != nil || s.Step() != app.StepEnroll {
		t.Fatalf("first enrollment: %v %v", s.Step(), err)
	}
	_, err = e.svc.NewReactivationCode(e.ctx, admin, "k@cpe.ca", "")
	wantReason(t, err, app.ReasonReactivationNotDue)
}

// Wrong reactivation codes count toward the same lock as wrong sign-in
// codes: the tenth locks the account, even the right code then waits.
func TestWrongReactivationCodesLockTheAccount(t *testing.T) {
	e := newEnv(t)
	_, rc := e.resetEmployee()
	sess := e.reactivationStep("k@cpe.ca")
	for i := 1; i < app.MaxFailedCodes; i++ {
		wantReason(t, e.svc.UseReactivationCode(e.ctx, sess, "00000-0000"+string(rune('0'+i%10))), app.ReasonReactivationWrong)
	}
	wantReason(t, e.svc.UseReactivationCode(e.ctx, sess, "ZZZZZ-ZZZZZ"), app.ReasonMFALocked)
	if !e.user("k@cpe.ca").Locked(e.clock.Now()) {
		t.Fatal("not locked after MaxFailedCodes wrong codes")
	}
	if n := count(e.events(app.AuditFilter{Event: app.EventMFALocked}), app.EventMFALocked); n != 1 {
		t.Fatalf("%d mfa.locked", n)
	}
	// The session ended with the lock; the password gets nowhere now.
	wantReason(t, e.svc.UseReactivationCode(e.ctx, sess, rc.Code), app.ReasonMFAStep)
	_, err := e.svc.Login(e.ctx, "k@cpe.ca", goodPassword)
	wantReason(t, err, app.ReasonAccountLocked)
	// After the lock, the right code works (still valid).
	e.clock.Advance(app.LockDuration)
	if err := e.svc.UseReactivationCode(e.ctx, e.reactivationStep("k@cpe.ca"), rc.Code); err != nil {
		t.Fatal(err)
	}
}

// The same counter as the sign-in codes, under concurrency: 3 × MaxFailedCodes
// wrong codes at once judge at most MaxFailedCodes before the lock.
func TestWrongReactivationCodesAreCountedUnderConcurrency(t *testing.T) {
	e := newEnv(t)
	e.resetEmployee()
	sessions := make([]*app.Session, 3*app.MaxFailedCodes)
	for i := range sessions {
		sessions[i] = e.reactivationStep("k@cpe.ca")
	}
	var wg sync.WaitGroup
	reasons := make([]string, len(sessions))
	for i, s := range sessions {
		wg.Add(1)
		go func() {
			defer wg.Done()
			reasons[i] = app.ErrorReason(e.svc.UseReactivationCode(e.ctx, s, "00000-00000"))
		}()
	}
	wg.Wait()
	if n := count(reasons, app.ReasonReactivationWrong); n != app.MaxFailedCodes-1 {
		t.Fatalf("%d judged wrong before the lock, want %d: %v", n, app.MaxFailedCodes-1, reasons)
	}
	if n := count(reasons, app.ReasonMFALocked); n != len(sessions)-app.MaxFailedCodes+1 {
		t.Fatalf("%d locked: %v", n, reasons)
	}
}

// A code is valid 7 days; then it says so, and an administrator makes a
// new one.
func TestAReactivationCodeExpiresAfterSevenDays(t *testing.T) {
	e := newEnv(t)
	_, rc := e.resetEmployee()
	e.clock.Advance(app.ReactivationTTL)
	sess := e.reactivationStep("k@cpe.ca")
	err := e.svc.UseReactivationCode(e.ctx, sess, rc.Code)
	wantReason(t, err, app.ReasonReactivationExpired)
	var ae *app.Error
	if !asError(err, &ae) || !ae.Until.Equal(rc.Expires) {
		t.Fatalf("expired: %v", err)
	}
	if e.user("k@cpe.ca").MFAFailures != 0 {
		t.Fatal("an expired code was counted as a guess")
	}
	admin, _ := e.mfaAdmin("b@cpe.ca") // a fresh sign-in: the first administrator's code is old
	next, err := e.svc.NewReactivationCode(e.ctx, admin, "k@cpe.ca", "")
	if err != nil {
		t.Fatal(err)
	}
	if next.Code == rc.Code || !next.Expires.After(rc.Expires) {
		t.Fatalf("new code %+v", next)
	}
	// One millisecond before the end it works.
	e.clock.Advance(app.ReactivationTTL - time.Millisecond)
	if err := e.svc.UseReactivationCode(e.ctx, e.reactivationStep("k@cpe.ca"), next.Code); err != nil {
		t.Fatal(err)
	}
}

// A new code (a second reset or « Nouveau code de réactivation ») voids
// the old one, which says so.
func TestANewReactivationCodeVoidsTheOld(t *testing.T) {
	e := newEnv(t)
	admin, first := e.resetEmployee()
	second, err := e.svc.NewReactivationCode(e.ctx, admin, "k@cpe.ca", "")
	if err != nil {
		t.Fatal(err)
	}
	third, err := e.svc.ResetMFA(e.ctx, admin, "k@cpe.ca", "")
	if err != nil {
		t.Fatal(err)
	}
	sess := e.reactivationStep("k@cpe.ca")
	wantReason(t, e.svc.UseReactivationCode(e.ctx, sess, first.Code), app.ReasonReactivationVoided)
	wantReason(t, e.svc.UseReactivationCode(e.ctx, sess, second.Code), app.ReasonReactivationVoided)
	if e.user("k@cpe.ca").MFAFailures != 2 {
		t.Fatal("voided codes are counted like wrong ones")
	}
	if err := e.svc.UseReactivationCode(e.ctx, sess, third.Code); err != nil {
		t.Fatal(err)
	}
	if n := len(e.journal(app.AuditFilter{Event: app.EventReactivationCodeCreated})); n != 3 {
		t.Fatalf("%d codes journaled", n)
	}
}

// A code is used once: a sign-in that stops after it (before the QR code
// is confirmed) leaves the account waiting for a new one.
func TestAReactivationCodeIsUsedOnce(t *testing.T) {
	e := newEnv(t)
	admin, rc := e.resetEmployee()
	sess := e.reactivationStep("k@cpe.ca")
	if err := e.svc.UseReactivationCode(e.ctx, sess, rc.Code); err != nil {
		t.Fatal(err)
	}
	if err := e.svc.Logout(e.ctx, sess, app.EventLogout); err != nil {
		t.Fatal(err)
	}
	again := e.reactivationStep("k@cpe.ca")
	wantReason(t, e.svc.UseReactivationCode(e.ctx, again, rc.Code), app.ReasonReactivationMissing)
	table, err := e.svc.Actions(e.ctx, admin, "k@cpe.ca")
	if err != nil || !table.NewReactivationCode.Allowed {
		t.Fatalf("new code: %+v %v", table.NewReactivationCode, err)
	}
	next, err := e.svc.NewReactivationCode(e.ctx, admin, "k@cpe.ca", "")
	if err != nil {
		t.Fatal(err)
	}
	if err := e.svc.UseReactivationCode(e.ctx, again, next.Code); err != nil {
		t.Fatal(err)
	}
}

// Two sessions typing the same code at once: exactly one goes on.
func TestAReactivationCodeUsedByTwoSessionsAtOnceWorksOnce(t *testing.T) {
	e := newEnv(t)
	_, rc := e.resetEmployee()
	const n = 8
	sessions := make([]*app.Session, n)
	for i := range sessions {
		sessions[i] = e.reactivationStep("k@cpe.ca")
	}
	errs := make([]error, n)
	var wg sync.WaitGroup
	start := make(chan struct{})
	for i := range sessions {
		wg.Add(1)
		go func() {
			defer wg.Done()
			<-start
			errs[i] = e.svc.UseReactivationCode(e.ctx, sessions[i], rc.Code)
		}()
	}
	close(start)
	wg.Wait()
	ok := 0
	for i, err := range errs {
		switch {
		case err == nil:
			ok++
			if sessions[i].Step() != app.StepEnroll {
				t.Fatalf("winner at step %v", sessions[i].Step())
			}
		case app.ErrorReason(err) != app.ReasonReactivationMissing:
			t.Fatalf("loser: %v", err)
		}
	}
	if ok != 1 {
		t.Fatalf("%d sessions used the code, want 1", ok)
	}
	if got := e.journal(app.AuditFilter{Event: app.EventReactivationCodeUsed}); len(got) != 1 {
		t.Fatalf("%d mfa.reactivation_code_used", len(got))
	}
}

// An account reset before codes existed has none: fail closed, the
// person is told to see an administrator, who makes one.
func TestAnAccountResetBeforeCodesExistedNeedsAnAdministrator(t *testing.T) {
	e := newEnv(t)
	admin, _ := e.resetEmployee()
	if err := e.svc.UpdateUserForTest(e.ctx, "k@cpe.ca", func(u *app.User) { u.Reactivation = nil }); err != nil {
		t.Fatal(err)
	}
	sess := e.reactivationStep("k@cpe.ca")
	wantReason(t, e.svc.UseReactivationCode(e.ctx, sess, "ABCDE-12345"), app.ReasonReactivationMissing)
	if _, err := e.svc.BeginEnrollment(e.ctx, sess); err == nil {
		t.Fatal("the QR code without a code")
	}
	next, err := e.svc.NewReactivationCode(e.ctx, admin, "k@cpe.ca", "")
	if err != nil {
		t.Fatal(err)
	}
	if err := e.svc.UseReactivationCode(e.ctx, sess, next.Code); err != nil || sess.Step() != app.StepEnroll {
		t.Fatalf("%v %v", sess.Step(), err)
	}
}

// The stored hash is inside the account's MAC: one copied into the file
// (from another account, or a hash of a code the attacker chose) makes
// the account tampered, and lets nobody in.
func TestAReactivationHashWrittenIntoTheFileLetsNobodyIn(t *testing.T) {
	sqliteOnly(t)
	e := newEnv(t)
	admin, _ := e.resetEmployee()
	e.addUser(app.RoleEmployee, "m@cpe.ca")
	e.enroll("m@cpe.ca")
	mine, err := e.svc.ResetMFA(e.ctx, admin, "m@cpe.ca", "")
	if err != nil {
		t.Fatal(err)
	}
	e.exec(e.sqlite(), "UPDATE users SET reactivation = (SELECT reactivation FROM users WHERE email = 'm@cpe.ca') WHERE email = 'k@cpe.ca'")
	_, err = e.svc.Login(e.ctx, "k@cpe.ca", goodPassword)
	wantReason(t, err, app.ReasonAccountTampered)
	_ = mine
}

// Break-glass (the computer's administrator, no other administrator)
// gives the technician the code.
func TestABreakGlassResetGivesTheTechnicianTheCode(t *testing.T) {
	e := newEnv(t)
	e.addUser(app.RoleAdmin, "a@cpe.ca")
	e.enroll("a@cpe.ca")
	rc, err := e.tr.BreakGlassReset(e.ctx, app.OSUser{Name: "root", Elevated: true}, "a@cpe.ca", "Seule administratrice, téléphone perdu")
	if err != nil || rc.Code == "" {
		t.Fatalf("%+v %v", rc, err)
	}
	evs := e.journal(app.AuditFilter{Event: app.EventReactivationCodeCreated})
	if len(evs) != 1 || evs[0].Actor != app.BreakGlassActor || evs[0].Target != "a@cpe.ca" {
		t.Fatalf("%+v", evs)
	}
	sess := e.reactivationStep("a@cpe.ca")
	if err := e.svc.UseReactivationCode(e.ctx, sess, rc.Code); err != nil {
		t.Fatal(err)
	}
	if _, codes := e.finishEnrollment(sess); len(codes) != 10 {
		t.Fatalf("her recovery codes: %v", codes)
	}
}

func TestParseReactivationCode(t *testing.T) {
	for in, want := range map[string]string{
		"7KQ2M-9XD4H":         "7KQ2M9XD4H",
		" 7kq2m 9xd4h ":       "7KQ2M9XD4H",
		"7-K-Q-2-M-9-X-D-4-H": "7KQ2M9XD4H",
		"OOOOO-IIIII":         "0000011111",
		"lllll\u00a0ooooo":    "1111100000",
	} {
		if got, err := app.ParseReactivationCode(in); err != nil || got != want {
			t.Errorf("%q → %q %v, want %q", in, got, err, want)
		}
	}
	for _, in := range []string{"", "7KQ2M-9XD4", "7KQ2M-9XD4HH", "7KQ2M-9XD4U", "ÉKQ2M-9XD4H", "123456"} {
		if _, err := app.ParseReactivationCode(in); app.ErrorReason(err) != app.ReasonReactivationFormat {
			t.Errorf("%q: %v", in, err)
		}
	}
}

// A reset and a temporary password together: the reactivation code first
// (before anything the password alone would open), then her own
// password, then the QR code.
func TestAfterAResetAndATemporaryPasswordTheCodeComesFirst(t *testing.T) {
	const own = "trois chats sur le toit du garage"
	e := newEnv(t)
	admin, rc := e.resetEmployee()
	temp, err := e.svc.SetTemporaryPassword(e.ctx, admin, "k@cpe.ca", "")
	if err != nil {
		t.Fatal(err)
	}
	s, err := e.svc.Login(e.ctx, "k@cpe.ca", temp)
	if err != nil || s.Step() != app.StepReactivate {
		t.Fatalf("first step %v (%v), want the reactivation code", s.Step(), err)
	}
	if err := e.svc.ChooseNewPassword(e.ctx, s, own, own); err == nil {
		t.Fatal("her own password before the reactivation code")
	}
	if err := e.svc.UseReactivationCode(e.ctx, s, rc.Code); err != nil || s.Step() != app.StepNewPassword {
		t.Fatalf("after the code: %v %v", s.Step(), err)
	}
	if err := e.svc.ChooseNewPassword(e.ctx, s, own, own); err != nil || s.Step() != app.StepEnroll {
		t.Fatalf("after her password: %v %v", s.Step(), err)
	}
	e.finishEnrollment(s)
	if s.Step() != app.StepSignedIn {
		t.Fatalf("step %v", s.Step())
	}
}

// « Vérifier et rétablir » (Reseal) of an account changed outside the
// application keeps the reactivation code already handed over when the
// journal vouches for it: the person types it as planned (it used to be
// cleared, and an administrator had to make and hand over another).
func TestResealKeepsThePendingReactivationCode(t *testing.T) {
	e := newEnv(t)
	admin, rc := e.resetEmployee()
	e.exec(e.sqlite(), "UPDATE users SET failed_logins = failed_logins + 1 WHERE email = 'k@cpe.ca'")
	if _, err := e.svc.Login(e.ctx, "k@cpe.ca", goodPassword); app.ErrorReason(err) != app.ReasonAccountTampered {
		t.Fatalf("tampered account: %v", err)
	}
	temp, err := e.svc.Reseal(e.ctx, admin, "k@cpe.ca", "")
	if err != nil {
		t.Fatal(err)
	}
	if u := e.user("k@cpe.ca"); !u.AwaitsReactivation() || !u.ReactivationExpires().Equal(rc.Expires) {
		t.Fatalf("after reseal: awaits %v, expires %v, want %v", u.AwaitsReactivation(), u.ReactivationExpires(), rc.Expires)
	}
	evs := e.journal(app.AuditFilter{Event: app.EventAccountResealed})
	if len(evs) != 1 || evs[0].Field(app.FieldReactivationCode) != "kept" {
		t.Fatalf("account.resealed %+v", evs)
	}
	sess, err := e.svc.Login(e.ctx, "k@cpe.ca", temp)
	if err != nil {
		t.Fatal(err)
	}
	if sess.Step() != app.StepReactivate {
		t.Fatalf("step %v, want the reactivation code", sess.Step())
	}
	if err := e.svc.UseReactivationCode(e.ctx, sess, rc.Code); err != nil {
		t.Fatalf("the code handed over before the reseal: %v", err)
	}
}

// What the journal does not vouch for is dropped: a used code made
// waiting again in the file, or an expiry stretched.
func TestResealDropsAReactivationCodeTheJournalDoesNotVouchFor(t *testing.T) {
	for _, c := range []struct{ name, sql string }{
		// byte 2 of the state: 'u' (used) or 'w' (waiting); bytes 3-10: expiry.
		{"expiry stretched", "UPDATE users SET reactivation = substr(reactivation, 1, 2) || x'00000FFFFFFFFFFF' || substr(reactivation, 11) WHERE email = 'k@cpe.ca'"},
		{"used made waiting", "UPDATE users SET reactivation = substr(reactivation, 1, 1) || x'77' || substr(reactivation, 3) WHERE email = 'k@cpe.ca'"},
	} {
		t.Run(c.name, func(t *testing.T) {
			e := newEnv(t)
			admin, rc := e.resetEmployee()
			if c.name == "used made waiting" {
				sess := e.reactivationStep("k@cpe.ca")
				if err := e.svc.UseReactivationCode(e.ctx, sess, rc.Code); err != nil {
					t.Fatal(err)
				}
			}
			e.exec(e.sqlite(), c.sql)
			if _, err := e.svc.Reseal(e.ctx, admin, "k@cpe.ca", ""); err != nil {
				t.Fatal(err)
			}
			if u := e.user("k@cpe.ca"); u.Reactivation != nil {
				t.Fatalf("a code not vouched for was kept: %x", u.Reactivation)
			}
		})
	}
}
