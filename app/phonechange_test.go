package app_test

import (
	"bytes"
	"strings"
	"sync"
	"testing"

	"github.com/apetitspas/apetitspas/app"
)

// newPhone takes sess through « Changer de téléphone » with the old
// phone's code and returns the new secret (not yet confirmed).
func (e *env) beginPhoneChange(sess *app.Session, oldSecret string) app.Enrollment {
	e.t.Helper()
	e.clock.Advance(app.CodePeriod)
	en, err := e.svc.BeginPhoneChange(e.ctx, sess, goodPassword, e.code(oldSecret, 0))
	if err != nil {
		e.t.Fatal(err)
	}
	return en
}

// canSignIn reports whether email signs in with a code of secret now.
func (e *env) signInWith(email, secret string) error {
	e.t.Helper()
	sess, err := e.svc.Login(e.ctx, email, goodPassword)
	if err != nil {
		e.t.Fatal(err)
	}
	return e.svc.VerifyCode(e.ctx, sess, e.code(secret, 0))
}

func TestAPersonMovesHerAMFToANewPhoneWithoutItEverBeingOff(t *testing.T) {
	e := newEnv(t)
	e.addUser(app.RoleEmployee, "k@cpe.ca")
	old := e.enroll("k@cpe.ca")
	sess := e.signedIn("k@cpe.ca", old)
	acts, err := e.svc.OwnActions(e.ctx, sess)
	if err != nil || !acts.ChangePhone.Allowed || !acts.ChangePhone.NeedsCode || acts.RecoveryInstead {
		t.Fatalf("own actions %+v, %v", acts, err)
	}
	before := e.user("k@cpe.ca")
	en := e.beginPhoneChange(sess, old)
	if en.Secret == "" || en.Secret == old || !strings.Contains(en.URI, "secret="+en.Secret) ||
		!strings.HasPrefix(en.URI, "otpauth://totp/%C3%80%20petits%20pas:") || strings.Contains(en.URI, "+") ||
		!strings.HasSuffix(en.URI, "&algorithm=SHA1&digits=6&period=30") {
		t.Fatalf("enrollment %+v", en)
	}
	// Until the new phone confirms, nothing changed: the old phone still
	// signs in (with a code), the new one does not.
	u := e.user("k@cpe.ca")
	if u.MFA != app.MFAOn || !bytes.Equal(u.MFASecret, before.MFASecret) {
		t.Fatal("the account changed before the new phone was confirmed")
	}
	e.clock.Advance(app.CodePeriod)
	if err := e.signInWith("k@cpe.ca", en.Secret); app.ErrorReason(err) == "" {
		t.Fatal("the new phone signed in before it was confirmed")
	}
	e.clock.Advance(app.CodePeriod)
	if err := e.signInWith("k@cpe.ca", old); err != nil {
		t.Fatalf("the old phone stopped working before the change: %v", err)
	}
	// A wrong code from the new phone is counted and changes nothing.
	e.clock.Advance(app.CodePeriod)
	wantReason(t, e.svc.ConfirmPhoneChange(e.ctx, sess, e.code(old, 0)), app.ReasonCodeWrong)
	if u := e.user("k@cpe.ca"); u.MFAFailures != 1 || !bytes.Equal(u.MFASecret, before.MFASecret) {
		t.Fatalf("failures %d", u.MFAFailures)
	}
	// A typing slip is not counted.
	wantReason(t, e.svc.ConfirmPhoneChange(e.ctx, sess, "12a456"), app.ReasonCodeFormat)
	oldNow := e.code(old, 0)
	if err := e.svc.ConfirmPhoneChange(e.ctx, sess, e.code(en.Secret, 0)); err != nil {
		t.Fatal(err)
	}
	u = e.user("k@cpe.ca")
	if u.MFA != app.MFAOn || bytes.Equal(u.MFASecret, before.MFASecret) || u.MFAFailures != 0 {
		t.Fatalf("after the change: %v, failures %d", u.MFA, u.MFAFailures)
	}
	evs := e.journal(app.AuditFilter{Event: app.EventMFADeviceReplaced})
	if len(evs) != 1 || evs[0].Actor != "k@cpe.ca" || evs[0].Target != "k@cpe.ca" || evs[0].Time.IsZero() ||
		evs[0].Field(app.FieldVia) != app.ViaOldPhoneCode {
		t.Fatalf("journal %+v", evs)
	}
	for _, ev := range e.journal(app.AuditFilter{}) {
		all := ev.Detail
		for _, f := range ev.Fields {
			all += f.Value
		}
		if strings.Contains(all, en.Secret) || strings.Contains(all, old) {
			t.Fatalf("a secret in the journal: %+v", ev)
		}
	}
	// Done once: confirming again finds nothing pending.
	wantReason(t, e.svc.ConfirmPhoneChange(e.ctx, sess, e.code(en.Secret, 1)), app.ReasonPhoneChangeNone)
	// The old phone's code of this very step is refused (its secret is
	// gone), and so is it later; the new phone signs in.
	wantReason(t, e.signInWith("k@cpe.ca", old), app.ReasonCodeWrong)
	_ = oldNow
	e.clock.Advance(app.CodePeriod)
	wantReason(t, e.signInWith("k@cpe.ca", old), app.ReasonCodeWrong)
	e.clock.Advance(app.CodePeriod)
	if err := e.signInWith("k@cpe.ca", en.Secret); err != nil {
		t.Fatalf("the new phone: %v", err)
	}
}

func TestTheOldPhonesCodeIsUsedUpAndItsReplayRefused(t *testing.T) {
	e := newEnv(t)
	e.addUser(app.RoleParent, "p@parents.ca")
	old := e.enroll("p@parents.ca")
	sess := e.signedIn("p@parents.ca", old)
	e.clock.Advance(app.CodePeriod)
	proof := e.code(old, 0)
	en, err := e.svc.BeginPhoneChange(e.ctx, sess, goodPassword, proof)
	if err != nil {
		t.Fatal(err)
	}
	// The code given as proof cannot sign anyone in again.
	s2, err := e.svc.Login(e.ctx, "p@parents.ca", goodPassword)
	if err != nil {
		t.Fatal(err)
	}
	wantReason(t, e.svc.VerifyCode(e.ctx, s2, proof), app.ReasonCodeReplayed)
	// Nor begin another change.
	s3 := e.signedInAt("p@parents.ca", old)
	wantReason(t, errOf(e.svc.BeginPhoneChange(e.ctx, s3, goodPassword, proof)), app.ReasonCodeReplayed)
	if err := e.svc.ConfirmPhoneChange(e.ctx, sess, e.code(en.Secret, 0)); err != nil {
		t.Fatal(err)
	}
	// After the change, a replay of that code is refused, and the new
	// phone's confirming code is used up too.
	s4, err := e.svc.Login(e.ctx, "p@parents.ca", goodPassword)
	if err != nil {
		t.Fatal(err)
	}
	if err := e.svc.VerifyCode(e.ctx, s4, proof); err == nil {
		t.Fatal("the old phone's code was accepted after the change")
	}
	wantReason(t, e.svc.VerifyCode(e.ctx, s4, e.code(en.Secret, 0)), app.ReasonCodeReplayed)
}

// signedInAt signs email in with the code of the next step.
func (e *env) signedInAt(email, secret string) *app.Session { return e.signedIn(email, secret) }

func TestWrongPasswordsAndCodesOfAPhoneChangeCountTowardTheSignInLock(t *testing.T) {
	t.Run("passwords", func(t *testing.T) {
		e := newEnv(t)
		e.addUser(app.RoleEmployee, "k@cpe.ca")
		old := e.enroll("k@cpe.ca")
		sess := e.signedIn("k@cpe.ca", old)
		var err error
		for i := 0; i < app.MaxFailedLogins; i++ {
			_, err = e.svc.BeginPhoneChange(e.ctx, sess, "not-her-password", e.code(old, 0))
			if i < app.MaxFailedLogins-1 {
				wantReason(t, err, app.ReasonWrongPassword)
			}
		}
		wantReason(t, err, app.ReasonAccountLocked)
		if !e.user("k@cpe.ca").Locked(e.clock.Now()) {
			t.Fatal("not locked")
		}
		if sess.Step() != app.StepNone {
			t.Fatal("the session goes on after the lock")
		}
		_, err = e.svc.Login(e.ctx, "k@cpe.ca", goodPassword)
		wantReason(t, err, app.ReasonAccountLocked)
		if n := len(e.events(app.AuditFilter{Event: app.EventPasswordConfirmFailed})); n != app.MaxFailedLogins {
			t.Fatalf("password.confirm_failed = %d", n)
		}
	})
	t.Run("codes", func(t *testing.T) {
		e := newEnv(t)
		e.addUser(app.RoleEmployee, "k@cpe.ca")
		old := e.enroll("k@cpe.ca")
		sess := e.signedIn("k@cpe.ca", old)
		wrong := e.wrongCode(old)
		var err error
		for i := 0; i < app.MaxFailedCodes; i++ {
			_, err = e.svc.BeginPhoneChange(e.ctx, sess, goodPassword, wrong)
		}
		wantReason(t, err, app.ReasonMFALocked)
		// Locked: refused with the lock's sentence, nothing judged.
		_, err = e.svc.BeginPhoneChange(e.ctx, sess, goodPassword, e.code(old, 1))
		wantReason(t, err, app.ReasonAccountLocked)
		var ae *app.Error
		if !asError(err, &ae) || ae.Until.IsZero() {
			t.Fatalf("no end of lock: %v", err)
		}
		acts, err := e.svc.OwnActions(e.ctx, sess)
		if err != nil || acts.ChangePhone.Allowed || acts.ChangePhone.Reason != app.ReasonAccountLocked {
			t.Fatalf("own actions %+v, %v", acts, err)
		}
		if u := e.user("k@cpe.ca"); u.MFA != app.MFAOn || u.MFASecret == nil {
			t.Fatal("the lock changed the AMF")
		}
	})
	t.Run("new phone codes", func(t *testing.T) {
		e := newEnv(t)
		e.addUser(app.RoleEmployee, "k@cpe.ca")
		old := e.enroll("k@cpe.ca")
		sess := e.signedIn("k@cpe.ca", old)
		en := e.beginPhoneChange(sess, old)
		wrong := e.wrongCode(en.Secret)
		var err error
		for i := 0; i < app.MaxFailedCodes; i++ {
			err = e.svc.ConfirmPhoneChange(e.ctx, sess, wrong)
		}
		wantReason(t, err, app.ReasonMFALocked)
		wantReason(t, e.svc.ConfirmPhoneChange(e.ctx, sess, e.code(en.Secret, 0)), app.ReasonAccountLocked)
		if !bytes.Equal(e.user("k@cpe.ca").MFASecret, e.kitSealed(t, "k@cpe.ca")) {
			t.Fatal("changed")
		}
	})
}

// kitSealed is the sealed secret as stored now (a second read, for
// comparisons that mean "unchanged since the first").
func (e *env) kitSealed(t *testing.T, email string) []byte {
	t.Helper()
	return e.user(email).MFASecret
}

func TestAnAdministratorMayProveHerOldPhoneWithARecoveryCode(t *testing.T) {
	e := newEnv(t)
	e.addUser(app.RoleAdmin, "a@cpe.ca")
	old, codes := e.enrollWithCodes("a@cpe.ca")
	sess := e.signedIn("a@cpe.ca", old)
	acts, err := e.svc.OwnActions(e.ctx, sess)
	if err != nil || !acts.ChangePhone.Allowed || !acts.RecoveryInstead {
		t.Fatalf("own actions %+v, %v", acts, err)
	}
	before := e.user("a@cpe.ca")
	// A wrong recovery code counts like a wrong code.
	wrong := "ZZZZ-ZZZZ-ZZZZ-ZZZZ"
	_, err = e.svc.BeginPhoneChange(e.ctx, sess, goodPassword, wrong)
	wantReason(t, err, app.ReasonRecoveryWrong)
	if u := e.user("a@cpe.ca"); u.MFAFailures != 1 {
		t.Fatalf("failures %d", u.MFAFailures)
	}
	en, err := e.svc.BeginPhoneChange(e.ctx, sess, goodPassword, strings.ToLower(codes[2]))
	if err != nil {
		t.Fatal(err)
	}
	u := e.user("a@cpe.ca")
	if u.RecoveryCodesLeft() != app.RecoveryCodeCount-1 || !bytes.Equal(u.MFASecret, before.MFASecret) || u.MFA != app.MFAOn {
		t.Fatalf("left %d, mfa %v", u.RecoveryCodesLeft(), u.MFA)
	}
	// Used up, as everywhere.
	s2 := e.kit.SignIn("a@cpe.ca")
	_, err = e.svc.BeginPhoneChange(e.ctx, s2, goodPassword, codes[2])
	wantReason(t, err, app.ReasonRecoveryWrong)
	if err := e.svc.ConfirmPhoneChange(e.ctx, sess, e.code(en.Secret, 0)); err != nil {
		t.Fatal(err)
	}
	evs := e.journal(app.AuditFilter{Event: app.EventMFADeviceReplaced})
	if len(evs) != 1 || evs[0].Field(app.FieldVia) != app.ViaRecoveryCodeOnly {
		t.Fatalf("journal %+v", evs)
	}
	used := e.journal(app.AuditFilter{Event: app.EventRecoveryCodeUsed})
	if len(used) != 1 || used[0].Field(app.FieldVia) != app.ViaPhoneChange {
		t.Fatalf("recovery code used: %+v", used)
	}
	// Her other recovery codes stay valid.
	if u := e.user("a@cpe.ca"); u.RecoveryCodesLeft() != app.RecoveryCodeCount-1 {
		t.Fatalf("left %d", u.RecoveryCodesLeft())
	}
}

func TestSomeoneWithoutRecoveryCodesIsToldToAskAnAdministrator(t *testing.T) {
	e := newEnv(t)
	e.addUser(app.RoleEmployee, "k@cpe.ca")
	old := e.enroll("k@cpe.ca")
	sess := e.signedIn("k@cpe.ca", old)
	// Without the old phone's code (a recovery-shaped one, or none):
	// refused before anything is judged or counted.
	_, err := e.svc.BeginPhoneChange(e.ctx, sess, goodPassword, "7KQ2-M9XD-4HTR-B6WP")
	wantReason(t, err, app.ReasonRecoveryNotAdmin)
	_, err = e.svc.BeginPhoneChange(e.ctx, sess, goodPassword, "")
	wantReason(t, err, app.ReasonCodeFormat)
	if u := e.user("k@cpe.ca"); u.FailedLogins != 0 || u.MFAFailures != 0 {
		t.Fatalf("counted: %d passwords, %d codes", u.FailedLogins, u.MFAFailures)
	}
	// Nor may an account without AMF change a phone it has not got.
	e.addUser(app.RoleParent, "p@parents.ca")
	ps := e.kit.SignIn("p@parents.ca")
	acts, err := e.svc.OwnActions(e.ctx, ps)
	if err != nil || acts.ChangePhone.Allowed || acts.ChangePhone.Reason != app.ReasonPhoneChangeMFAOff {
		t.Fatalf("own actions %+v, %v", acts, err)
	}
	_, err = e.svc.BeginPhoneChange(e.ctx, ps, goodPassword, "123456")
	wantReason(t, err, app.ReasonPhoneChangeMFAOff)
}

func TestAnAbandonedPhoneChangeChangesNothing(t *testing.T) {
	e := newEnv(t)
	e.addUser(app.RoleEmployee, "k@cpe.ca")
	old := e.enroll("k@cpe.ca")
	before := e.user("k@cpe.ca").MFASecret
	unchanged := func(how string) {
		t.Helper()
		u := e.user("k@cpe.ca")
		if u.MFA != app.MFAOn || !bytes.Equal(u.MFASecret, before) {
			t.Fatalf("%s: the account changed", how)
		}
		e.clock.Advance(app.CodePeriod)
		if err := e.signInWith("k@cpe.ca", old); err != nil {
			t.Fatalf("%s: the old phone: %v", how, err)
		}
	}
	t.Run("cancelled", func(t *testing.T) {
		sess := e.signedIn("k@cpe.ca", old)
		en := e.beginPhoneChange(sess, old)
		if err := e.svc.CancelPhoneChange(e.ctx, sess); err != nil {
			t.Fatal(err)
		}
		wantReason(t, e.svc.ConfirmPhoneChange(e.ctx, sess, e.code(en.Secret, 0)), app.ReasonPhoneChangeNone)
		unchanged("cancelled")
	})
	t.Run("expired", func(t *testing.T) {
		sess := e.signedIn("k@cpe.ca", old)
		en := e.beginPhoneChange(sess, old)
		e.clock.Advance(app.EnrollmentTTL)
		wantReason(t, e.svc.ConfirmPhoneChange(e.ctx, sess, e.code(en.Secret, 0)), app.ReasonPhoneChangeExpired)
		wantReason(t, e.svc.ConfirmPhoneChange(e.ctx, sess, e.code(en.Secret, 0)), app.ReasonPhoneChangeNone)
		unchanged("expired")
	})
	t.Run("begun again", func(t *testing.T) {
		sess := e.signedIn("k@cpe.ca", old)
		first := e.beginPhoneChange(sess, old)
		second := e.beginPhoneChange(sess, old)
		if first.Secret == second.Secret {
			t.Fatal("the same secret twice")
		}
		e.clock.Advance(app.CodePeriod)
		wantReason(t, e.svc.ConfirmPhoneChange(e.ctx, sess, e.code(first.Secret, 0)), app.ReasonCodeWrong)
		if err := e.svc.CancelPhoneChange(e.ctx, sess); err != nil {
			t.Fatal(err)
		}
		unchanged("begun again")
	})
	t.Run("session ended", func(t *testing.T) {
		l := app.NewLocal(e.svc, true)
		ctx := e.as(app.OSUser{Name: "educ"})
		h := e.apiSignedIn(l, ctx, "k@cpe.ca", old)
		e.clock.Advance(app.CodePeriod)
		en, err := l.BeginPhoneChange(ctx, h, goodPassword, e.code(old, 0))
		if err != nil {
			t.Fatal(err)
		}
		if err := l.Logout(ctx, h, app.EventLogout); err != nil {
			t.Fatal(err)
		}
		wantReason(t, l.ConfirmPhoneChange(ctx, h, e.code(en.Secret, 0)), app.ReasonSessionExpired)
		h2 := e.apiSignedIn(l, ctx, "k@cpe.ca", old)
		wantReason(t, l.ConfirmPhoneChange(ctx, h2, e.code(en.Secret, 0)), app.ReasonPhoneChangeNone)
		unchanged("session ended")
	})
}

func TestTwoPhoneChangesRacingEndWithExactlyTheConfirmedSecret(t *testing.T) {
	for round := 0; round < 5; round++ {
		e := newEnv(t)
		e.addUser(app.RoleEmployee, "k@cpe.ca")
		old := e.enroll("k@cpe.ca")
		s1, s2 := e.signedIn("k@cpe.ca", old), e.signedIn("k@cpe.ca", old)
		en1 := e.beginPhoneChange(s1, old)
		en2 := e.beginPhoneChange(s2, old)
		sessions := []*app.Session{s1, s2}
		secrets := []string{en1.Secret, en2.Secret}
		codes := []string{e.code(en1.Secret, 0), e.code(en2.Secret, 0)}
		errs := make([]error, 2)
		var wg sync.WaitGroup
		start := make(chan struct{})
		for i := range sessions {
			wg.Add(1)
			go func() {
				defer wg.Done()
				<-start
				errs[i] = e.svc.ConfirmPhoneChange(e.ctx, sessions[i], codes[i])
			}()
		}
		close(start)
		wg.Wait()
		winner := -1
		for i, err := range errs {
			switch {
			case err == nil && winner < 0:
				winner = i
			case err == nil:
				t.Fatal("both changes won")
			default:
				wantReason(t, err, app.ReasonPhoneChangeStale)
			}
		}
		if winner < 0 {
			t.Fatalf("no change won: %v", errs)
		}
		if n := len(e.events(app.AuditFilter{Event: app.EventMFADeviceReplaced})); n != 1 {
			t.Fatalf("mfa.device_replaced = %d", n)
		}
		// The stored secret is the winner's: it signs in, the loser's and
		// the old one do not.
		e.clock.Advance(app.CodePeriod)
		wantReason(t, e.signInWith("k@cpe.ca", secrets[1-winner]), app.ReasonCodeWrong)
		wantReason(t, e.signInWith("k@cpe.ca", old), app.ReasonCodeWrong)
		if err := e.signInWith("k@cpe.ca", secrets[winner]); err != nil {
			t.Fatalf("round %d: the confirmed phone: %v", round, err)
		}
	}
}

func TestAnAdministratorsResetVoidsAPhoneChangeInProgress(t *testing.T) {
	e := newEnv(t)
	admin, _ := e.mfaAdmin("a@cpe.ca")
	e.addUser(app.RoleEmployee, "k@cpe.ca")
	old := e.enroll("k@cpe.ca")
	sess := e.signedIn("k@cpe.ca", old)
	en := e.beginPhoneChange(sess, old)
	if _, err := e.svc.ResetMFA(e.ctx, admin, "k@cpe.ca", ""); err != nil {
		t.Fatal(err)
	}
	wantReason(t, e.svc.ConfirmPhoneChange(e.ctx, sess, e.code(en.Secret, 0)), app.ReasonPhoneChangeStale)
	if u := e.user("k@cpe.ca"); u.MFA != app.MFAPending || u.MFASecret != nil {
		t.Fatalf("after the reset: %v", u.MFA)
	}
}
