package app_test

import (
	"strings"
	"testing"
	"time"

	"github.com/apetitspas/apetitspas/app"
)

// admin signs an administrator in completely (with a code when needed).
func (e *env) signedIn(email, secret string) *app.Session {
	e.t.Helper()
	sess, err := e.svc.Login(e.ctx, email, goodPassword)
	if err != nil {
		e.t.Fatal(err)
	}
	if sess.Step() == app.StepCode {
		e.clock.Advance(app.CodePeriod)
		if err := e.svc.VerifyCode(e.ctx, sess, e.code(secret, 0)); err != nil {
			e.t.Fatal(err)
		}
	}
	if sess.Step() != app.StepSignedIn {
		e.t.Fatalf("%s: step %v", email, sess.Step())
	}
	return sess
}

// mfaAdmin makes an administrator whose MFA is on, signed in with a code
// just now (so strong actions need no other code for FreshCodeWindow).
func (e *env) mfaAdmin(email string) (*app.Session, string) {
	e.t.Helper()
	e.addUser(app.RoleAdmin, email)
	secret := e.enroll(email)
	return e.signedIn(email, secret), secret
}

func TestAnAdministratorNeverResetsTheirOwnMFA(t *testing.T) {
	e := newEnv(t)
	e.addUser(app.RoleAdmin, "a@cpe.ca")
	secret := e.enroll("a@cpe.ca")
	sess := e.signedIn("a@cpe.ca", secret)
	e.clock.Advance(app.CodePeriod)
	for _, spelling := range []string{"a@cpe.ca", " A@CPE.CA "} {
		err := errOf(e.svc.ResetMFA(e.ctx, sess, spelling, e.code(secret, 0)))
		wantReason(t, err, app.ReasonSelfReset)
	}
	if u := e.user("a@cpe.ca"); u.MFA != app.MFAOn || u.MFASecret == nil {
		t.Fatal("a self-reset changed the account")
	}
	if n := count(e.events(app.AuditFilter{Event: app.EventAuthzDenied}), app.EventAuthzDenied); n != 2 {
		t.Fatalf("authz.denied = %d, want 2", n)
	}
	// Nor through the credentials path of the command-line tool.
	e.clock.Advance(app.CodePeriod)
	cli, err := e.svc.SignInAdmin(e.ctx, "a@cpe.ca", goodPassword, e.code(secret, 0))
	if err != nil {
		t.Fatal(err)
	}
	wantReason(t, errOf(e.svc.ResetMFA(e.ctx, cli, "a@cpe.ca", "")), app.ReasonSelfReset)
}

func TestOnlyAdministratorsReset(t *testing.T) {
	e := newEnv(t)
	e.addUser(app.RoleEmployee, "k@cpe.ca")
	e.addUser(app.RoleParent, "p@cpe.ca")
	e.enroll("p@cpe.ca")
	emp := e.signedIn("k@cpe.ca", "")
	wantReason(t, errOf(e.svc.ResetMFA(e.ctx, emp, "p@cpe.ca", "")), app.ReasonNotAdmin)
	_, err := e.svc.SignInAdmin(e.ctx, "k@cpe.ca", goodPassword, "")
	wantReason(t, err, app.ReasonNotAdmin)
	if e.user("p@cpe.ca").MFA != app.MFAOn {
		t.Fatal("a non-administrator reset an account")
	}
	for _, ev := range e.events(app.AuditFilter{Event: app.EventAuthzDenied}) {
		if ev != app.EventAuthzDenied {
			t.Fatal(ev)
		}
	}
	if n := len(e.events(app.AuditFilter{Event: app.EventAuthzDenied})); n != 2 {
		t.Fatalf("authz.denied = %d, want 2", n)
	}
}

func TestAResetDestroysTheSecretClearsTheLockAndAsksForANewQRCode(t *testing.T) {
	e := newEnv(t)
	e.addUser(app.RoleEmployee, "k@cpe.ca")
	old := e.enroll("k@cpe.ca")
	// The employee's phone is lost: ten wrong codes lock the account.
	sess := e.passwordStep("k@cpe.ca")
	for i := 0; i < app.MaxFailedCodes; i++ {
		e.svc.VerifyCode(e.ctx, sess, "000000")
	}
	if !e.user("k@cpe.ca").Locked(e.clock.Now()) {
		t.Fatal("setup: the account should be locked")
	}
	admin, _ := e.mfaAdmin("a@cpe.ca") // signed in with a code just now: no other code needed
	rc, err := e.svc.ResetMFA(e.ctx, admin, "k@cpe.ca", "")
	if err != nil {
		t.Fatal(err)
	}
	u := e.user("k@cpe.ca")
	if u.MFA != app.MFAPending || u.MFASecret != nil || u.Locked(e.clock.Now()) || u.MFAFailures != 0 {
		t.Fatalf("after reset: mfa=%s secret=%v locked=%v failures=%d", u.MFA, u.MFASecret != nil, u.Locked(e.clock.Now()), u.MFAFailures)
	}
	sess, err = e.svc.Login(e.ctx, "k@cpe.ca", goodPassword)
	if err != nil || sess.Step() != app.StepReactivate {
		t.Fatalf("next sign-in: %v %v", sess.Step(), err)
	}
	if err := e.svc.UseReactivationCode(e.ctx, sess, rc.Code); err != nil || sess.Step() != app.StepEnroll {
		t.Fatalf("reactivation code: %v %v", sess.Step(), err)
	}
	by, at, err := e.svc.ResetNotice(e.ctx, sess)
	if err != nil || by != "a@cpe.ca" || !at.Equal(e.clock.Now().UTC()) {
		t.Fatalf("notice = %q %v %v", by, at, err)
	}
	if by, _, _ := e.svc.ResetNotice(e.ctx, sess); by != "" {
		t.Fatal("the notice is shown once")
	}
	en, _ := e.svc.BeginEnrollment(e.ctx, sess)
	if en.Secret == old {
		t.Fatal("the old secret survived the reset")
	}
	if err := e.svc.ConfirmEnrollment(e.ctx, sess, e.code(en.Secret, 0)); err != nil {
		t.Fatal(err)
	}
	if count(e.events(app.AuditFilter{Event: app.EventMFAReset}), app.EventMFAReset) != 1 {
		t.Fatal("mfa.reset not journaled")
	}
}

func TestAnAdministratorWithMFAConfirmsAResetWithACurrentCode(t *testing.T) {
	e := newEnv(t)
	e.addUser(app.RoleAdmin, "a@cpe.ca")
	e.addUser(app.RoleParent, "p@cpe.ca")
	secret := e.enroll("a@cpe.ca")
	e.enroll("p@cpe.ca")
	admin := e.signedIn("a@cpe.ca", secret)
	e.clock.Advance(app.FreshCodeWindow) // signed in a while ago
	wantReason(t, errOf(e.svc.ResetMFA(e.ctx, admin, "p@cpe.ca", "")), app.ReasonAdminCodeRequired)
	wantReason(t, errOf(e.svc.ResetMFA(e.ctx, admin, "p@cpe.ca", "000000")), app.ReasonCodeWrong)
	if e.user("p@cpe.ca").MFA != app.MFAOn {
		t.Fatal("reset without a valid code")
	}
	e.clock.Advance(app.CodePeriod)
	if err := errOf(e.svc.ResetMFA(e.ctx, admin, "p@cpe.ca", e.code(secret, 0))); err != nil {
		t.Fatal(err)
	}
	if e.user("p@cpe.ca").MFA != app.MFAPending {
		t.Fatal("not reset")
	}
}

func TestEnforcementMakesStaffPendingNeverParentsAndTurningItOffChangesNobody(t *testing.T) {
	e := newEnv(t)
	admin, _ := e.mfaAdmin("a@cpe.ca")
	e.addUser(app.RoleAdmin, "b@cpe.ca")
	e.addUser(app.RoleEmployee, "k@cpe.ca")
	e.addUser(app.RoleParent, "p@cpe.ca")
	if err := e.svc.SetStaffPolicy(e.ctx, admin, true, 0, ""); err != nil {
		t.Fatal(err)
	}
	want := map[string]app.MFAState{"a@cpe.ca": app.MFAOn, "b@cpe.ca": app.MFAPending, "k@cpe.ca": app.MFAPending, "p@cpe.ca": app.MFAOff}
	for email, m := range want {
		if got := e.user(email).MFA; got != m {
			t.Errorf("%s: %s, want %s", email, got, m)
		}
	}
	// New staff are born pending; new parents are not.
	e.addUser(app.RoleEmployee, "new@cpe.ca")
	e.addUser(app.RoleParent, "newp@cpe.ca")
	if e.user("new@cpe.ca").MFA != app.MFAPending || e.user("newp@cpe.ca").MFA != app.MFAOff {
		t.Fatal("accounts created under enforcement")
	}
	// No way to skip without a grace period.
	sess, _ := e.svc.Login(e.ctx, "k@cpe.ca", goodPassword)
	wantReason(t, e.svc.SkipEnrollment(e.ctx, sess), app.ReasonCannotSkip)
	// A parent signs in as before.
	if s, _ := e.svc.Login(e.ctx, "p@cpe.ca", goodPassword); s.Step() != app.StepSignedIn {
		t.Fatal("enforcement touched a parent")
	}
	// Off: nobody's MFA changes.
	if err := e.svc.SetStaffPolicy(e.ctx, admin, false, 0, ""); err != nil {
		t.Fatal(err)
	}
	for email, m := range want {
		if got := e.user(email).MFA; got != m {
			t.Errorf("after relaxing, %s: %s, want %s", email, got, m)
		}
	}
	evs := e.events(app.AuditFilter{})
	if count(evs, app.EventPolicyEnforced) != 1 || count(evs, app.EventPolicyRelaxed) != 1 {
		t.Fatalf("journal = %v", evs)
	}
	emp := e.signedIn("p@cpe.ca", "")
	wantReason(t, e.svc.SetStaffPolicy(e.ctx, emp, true, 0, ""), app.ReasonNotAdmin)
}

func TestTheGracePeriodLetsStaffSkipUntilItEnds(t *testing.T) {
	e := newEnv(t)
	admin, _ := e.mfaAdmin("a@cpe.ca")
	e.addUser(app.RoleEmployee, "k@cpe.ca")
	if err := e.svc.SetStaffPolicy(e.ctx, admin, true, 7, ""); err != nil {
		t.Fatal(err)
	}
	wantReason(t, e.svc.SetStaffPolicy(e.ctx, admin, true, -1, ""), app.ReasonGraceInvalid)
	e.clock.Advance(6 * 24 * time.Hour)
	sess, _ := e.svc.Login(e.ctx, "k@cpe.ca", goodPassword)
	ok, until, err := e.svc.EnrollmentGrace(e.ctx, sess)
	if err != nil || !ok || until.Sub(e.clock.Now()) != 24*time.Hour {
		t.Fatalf("grace = %v until %v (%v)", ok, until, err)
	}
	if err := e.svc.SkipEnrollment(e.ctx, sess); err != nil || sess.Step() != app.StepSignedIn {
		t.Fatalf("skip: %v, step %v", err, sess.Step())
	}
	if e.user("k@cpe.ca").MFA != app.MFAPending {
		t.Fatal("skipping should keep the account pending")
	}
	e.clock.Advance(24 * time.Hour)
	sess, _ = e.svc.Login(e.ctx, "k@cpe.ca", goodPassword)
	wantReason(t, e.svc.SkipEnrollment(e.ctx, sess), app.ReasonCannotSkip)
}

func TestBreakGlassIsJournaledAndShownUntilAnotherAdministratorAcknowledges(t *testing.T) {
	e := newEnv(t)
	e.addUser(app.RoleAdmin, "a@cpe.ca")
	e.addUser(app.RoleAdmin, "b@cpe.ca")
	e.enroll("a@cpe.ca")
	root := app.OSUser{Name: "technicien", Elevated: true}
	wantReason(t, errOf(e.tr.BreakGlassReset(e.ctx, root, "a@cpe.ca", "  ")), app.ReasonReasonRequired)
	if err := errOf(e.tr.BreakGlassReset(e.ctx, root, "a@cpe.ca", "Seule administratrice, téléphone perdu")); err != nil {
		t.Fatal(err)
	}
	u := e.user("a@cpe.ca")
	if u.MFA != app.MFAPending || u.MFASecret != nil || u.MFAResetBy != app.BreakGlassActor {
		t.Fatalf("after break-glass: %+v", u.MFA)
	}
	evs, _ := e.tr.Audit(e.ctx, app.AuditFilter{Event: app.EventMFAResetBreakGlass})
	if len(evs) != 1 || evs[0].Detail != "os_user=technicien; reason=Seule administratrice, téléphone perdu" || evs[0].Target != "a@cpe.ca" {
		t.Fatalf("journal = %+v", evs)
	}
	b := e.signedIn("b@cpe.ca", "")
	notes, _ := e.svc.BreakGlassNotes(e.ctx, b)
	if len(notes) != 1 || notes[0].Target != "a@cpe.ca" || notes[0].OSUser != "technicien" || !strings.Contains(notes[0].Reason, "téléphone perdu") {
		t.Fatalf("banner = %+v", notes)
	}
	if err := e.svc.AcknowledgeBreakGlass(e.ctx, b); err != nil {
		t.Fatal(err)
	}
	if notes, _ := e.svc.BreakGlassNotes(e.ctx, b); len(notes) != 0 {
		t.Fatal("the banner survived the acknowledgement")
	}
}

func TestAccountManagementByAnAdministrator(t *testing.T) {
	e := newEnv(t)
	e.addUser(app.RoleAdmin, "a@cpe.ca")
	e.addUser(app.RoleParent, "p@cpe.ca")
	secret := e.enroll("p@cpe.ca")
	admin := e.signedIn("a@cpe.ca", "") // plain actions need no MFA of her own

	created, err := e.svc.CreateAccount(e.ctx, admin, app.NewUser{Role: app.RoleEmployee, Email: "new@cpe.ca", Name: "Nouvelle Employée"}, "")
	if err != nil || len(created.TempPassword) < 12 || !created.User.MustChangePassword {
		t.Fatalf("create: %+v %v", created, err)
	}
	if s, err := e.svc.Login(e.ctx, "new@cpe.ca", created.TempPassword); err != nil || s.Step() != app.StepNewPassword {
		t.Fatalf("first sign-in: %v %v", s.Step(), err)
	}

	wantReason(t, e.svc.SetDisabled(e.ctx, admin, "a@cpe.ca", true, ""), app.ReasonSelfDisable)
	if err := e.svc.SetDisabled(e.ctx, admin, "p@cpe.ca", true, ""); err != nil {
		t.Fatal(err)
	}
	_, err = e.svc.Login(e.ctx, "p@cpe.ca", goodPassword)
	wantReason(t, err, app.ReasonAccountDisabled)
	if err := e.svc.SetDisabled(e.ctx, admin, "p@cpe.ca", false, ""); err != nil {
		t.Fatal(err)
	}

	// A temporary password never bypasses MFA.
	temp, err := e.svc.SetTemporaryPassword(e.ctx, admin, "p@cpe.ca", "")
	if err != nil {
		t.Fatal(err)
	}
	s, err := e.svc.Login(e.ctx, "p@cpe.ca", temp)
	if err != nil || s.Step() != app.StepCode {
		t.Fatalf("after a temporary password: step %v, %v (want the code first)", s.Step(), err)
	}
	e.clock.Advance(app.CodePeriod)
	if err := e.svc.VerifyCode(e.ctx, s, e.code(secret, 0)); err != nil || s.Step() != app.StepNewPassword {
		t.Fatalf("then a new password: %v %v", s.Step(), err)
	}

	// Unlock before the 15 minutes.
	for i := 0; i < app.MaxFailedLogins; i++ {
		e.svc.Login(e.ctx, "new@cpe.ca", "mauvais-mot-de-passe")
	}
	if !e.user("new@cpe.ca").Locked(e.clock.Now()) {
		t.Fatal("setup: not locked")
	}
	if err := e.svc.Unlock(e.ctx, admin, "new@cpe.ca", ""); err != nil {
		t.Fatal(err)
	}
	if e.user("new@cpe.ca").Locked(e.clock.Now()) {
		t.Fatal("still locked")
	}
	evs := e.events(app.AuditFilter{})
	for _, want := range []string{app.EventUserCreated, app.EventUserDisabled, app.EventUserEnabled, app.EventPasswordResetByAdmin, app.EventUserUnlocked} {
		if count(evs, want) == 0 {
			t.Errorf("journal lacks %s", want)
		}
	}
	all, _ := e.svc.Audit(e.ctx, admin, app.AuditFilter{Event: app.EventUserDisabled})
	if all[0].Actor != "a@cpe.ca" || all[0].Target != "p@cpe.ca" {
		t.Fatalf("who did what to whom: %+v", all[0])
	}
}

func TestASignInWithACodeJustNowConfirmsTheReset(t *testing.T) {
	// The command-line tool: password and code on stdin, then the reset.
	e := newEnv(t)
	e.addUser(app.RoleAdmin, "a@cpe.ca")
	e.addUser(app.RoleParent, "p@cpe.ca")
	secret := e.enroll("a@cpe.ca")
	e.enroll("p@cpe.ca")
	_, err := e.svc.SignInAdmin(e.ctx, "a@cpe.ca", goodPassword, "")
	wantReason(t, err, app.ReasonAdminCodeRequired)
	e.clock.Advance(app.CodePeriod)
	sess, err := e.svc.SignInAdmin(e.ctx, "a@cpe.ca", goodPassword, e.code(secret, 0))
	if err != nil {
		t.Fatal(err)
	}
	if err := errOf(e.svc.ResetMFA(e.ctx, sess, "p@cpe.ca", "")); err != nil {
		t.Fatal(err)
	}
	if e.user("p@cpe.ca").MFA != app.MFAPending {
		t.Fatal("not reset")
	}
}
