package app_test

import (
	"os"
	"regexp"
	"sync"
	"testing"

	"github.com/apetitspas/apetitspas/app"
)

// enrollWithCodes enrolls email and returns its secret and the recovery
// codes the session got (none for employees and parents).
func (e *env) enrollWithCodes(email string) (string, []string) { return e.kit.Enroll(email) }

// finishEnrollment scans the QR code of a session at StepEnroll.
func (e *env) finishEnrollment(sess *app.Session) (string, []string) {
	e.t.Helper()
	if sess.Step() != app.StepEnroll {
		e.t.Fatalf("step %v, want the QR code", sess.Step())
	}
	en, err := e.svc.BeginEnrollment(e.ctx, sess)
	if err != nil {
		e.t.Fatal(err)
	}
	if err := e.svc.ConfirmEnrollment(e.ctx, sess, e.code(en.Secret, 0)); err != nil {
		e.t.Fatal(err)
	}
	e.clock.Advance(app.CodePeriod)
	return en.Secret, sess.TakeRecoveryCodes()
}

var codeShape = regexp.MustCompile(`^[0-9A-HJKMNP-TV-Z]{4}(-[0-9A-HJKMNP-TV-Z]{4}){3}$`)

func TestAnAdministratorGetsTenRecoveryCodesOnceWhenHerAMFTurnsOn(t *testing.T) {
	e := newEnv(t)
	e.addUser(app.RoleAdmin, "a@cpe.ca")
	e.addUser(app.RoleEmployee, "k@cpe.ca")
	_, codes := e.enrollWithCodes("a@cpe.ca")
	if len(codes) != app.RecoveryCodeCount {
		t.Fatalf("%d codes", len(codes))
	}
	seen := map[string]bool{}
	for _, c := range codes {
		if !codeShape.MatchString(c) || seen[c] {
			t.Fatalf("code %q (codes %v)", c, codes)
		}
		seen[c] = true
	}
	if u := e.user("a@cpe.ca"); u.RecoveryCodesLeft() != 10 || len(u.Recovery) == 0 {
		t.Fatalf("stored: %d left", u.RecoveryCodesLeft())
	}
	for _, c := range codes {
		if stored := string(e.user("a@cpe.ca").Recovery); regexp.MustCompile(regexp.QuoteMeta(c)).MatchString(stored) {
			t.Fatal("a code is stored in clear")
		}
	}
	if _, codes := e.enrollWithCodes("k@cpe.ca"); codes != nil {
		t.Fatal("an employee got recovery codes")
	}
	if n := len(e.events(app.AuditFilter{Event: app.EventRecoveryCodesMade})); n != 1 {
		t.Fatalf("mfa.recovery_codes_created = %d", n)
	}
}

func TestALostPhoneAndARecoveryCodeLeadToANewQRCode(t *testing.T) {
	e := newEnv(t)
	e.addUser(app.RoleAdmin, "a@cpe.ca")
	_, secretB := e.mfaAdmin("b@cpe.ca")
	_, codes := e.enrollWithCodes("a@cpe.ca")
	sess := e.passwordStep("a@cpe.ca")
	// Typed loosely: lower case, spaces, O for 0, I for 1.
	typed := []rune(codes[3])
	for i, r := range typed {
		switch r {
		case '0':
			typed[i] = 'o'
		case '1':
			typed[i] = 'i'
		case '-':
			typed[i] = ' '
		}
	}
	if err := e.svc.UseRecoveryCode(e.ctx, sess, string(typed)); err != nil {
		t.Fatal(err)
	}
	if sess.Step() != app.StepEnroll || sess.RecoveryCodesLeft() != 9 {
		t.Fatalf("after a recovery code: step %v, %d left", sess.Step(), sess.RecoveryCodesLeft())
	}
	if u := e.user("a@cpe.ca"); u.MFA != app.MFAPending || u.MFASecret != nil {
		t.Fatalf("AMF %s after a recovery code", u.MFA)
	}
	if n := len(e.events(app.AuditFilter{Event: app.EventRecoveryCodeUsed})); n != 1 {
		t.Fatalf("mfa.recovery_code_used = %d", n)
	}
	_, again := e.finishEnrollment(sess)
	if again != nil || sess.Step() != app.StepSignedIn {
		t.Fatalf("re-enrollment: new set %v, step %v", again, sess.Step())
	}
	// The code is used up; the nine others still work.
	s2 := e.passwordStep("a@cpe.ca")
	wantReason(t, e.svc.UseRecoveryCode(e.ctx, s2, codes[3]), app.ReasonRecoveryWrong)
	if err := e.svc.UseRecoveryCode(e.ctx, s2, codes[4]); err != nil {
		t.Fatal(err)
	}
	// The other administrator is told at her next sign-in, once.
	e.clock.Advance(app.CodePeriod)
	b := e.signedIn("b@cpe.ca", secretB)
	notes, err := e.svc.RecoveryNotices(e.ctx, b)
	if err != nil || len(notes) != 2 || notes[0].Actor != "a@cpe.ca" {
		t.Fatalf("notices: %+v %v", notes, err)
	}
	e.clock.Advance(app.CodePeriod)
	b = e.signedIn("b@cpe.ca", secretB)
	if notes, _ := e.svc.RecoveryNotices(e.ctx, b); len(notes) != 0 {
		t.Fatalf("told twice: %+v", notes)
	}
}

func TestWrongRecoveryCodesCountTowardTheCodeLock(t *testing.T) {
	e := newEnv(t)
	e.addUser(app.RoleAdmin, "a@cpe.ca")
	secret, codes := e.enrollWithCodes("a@cpe.ca")
	sess := e.passwordStep("a@cpe.ca")
	for i := 0; i < app.MaxFailedCodes-1; i++ {
		e.svc.VerifyCode(e.ctx, sess, "000000")
	}
	wantReason(t, e.svc.UseRecoveryCode(e.ctx, sess, "AAAA-AAAA-AAAA-AAAA"), app.ReasonMFALocked)
	// Locked: not even the password step, nor a right code, for LockDuration.
	_, err := e.svc.Login(e.ctx, "a@cpe.ca", goodPassword)
	wantReason(t, err, app.ReasonAccountLocked)
	wantReason(t, e.svc.UseRecoveryCode(e.ctx, sess, codes[0]), app.ReasonMFAStep)
	_ = secret
	// Malformed input is refused before anything is counted.
	e.clock.Advance(app.LockDuration)
	s3 := e.passwordStep("a@cpe.ca")
	for _, bad := range []string{"", "123456", "AAAA-AAAA-AAAA-AAA", "AAAA-AAAA-AAAA-AAAAA", "ÀAAA-AAAA-AAAA-AAAA", "UUUU-AAAA-AAAA-AAAA"} {
		wantReason(t, e.svc.UseRecoveryCode(e.ctx, s3, bad), app.ReasonRecoveryFormat)
	}
	if u := e.user("a@cpe.ca"); u.MFAFailures != 0 {
		t.Fatalf("malformed codes counted: %d", u.MFAFailures)
	}
}

func TestEmployeesAndParentsHaveNoRecoveryCodes(t *testing.T) {
	e := newEnv(t)
	e.addUser(app.RoleEmployee, "k@cpe.ca")
	e.enrollWithCodes("k@cpe.ca")
	sess := e.passwordStep("k@cpe.ca")
	wantReason(t, e.svc.UseRecoveryCode(e.ctx, sess, "AAAA-AAAA-AAAA-AAAA"), app.ReasonRecoveryNotAdmin)
}

// Two sign-ins racing with the same code: one wins.
func TestARecoveryCodeWorksOnceUnderConcurrency(t *testing.T) {
	e := newEnv(t)
	e.addUser(app.RoleAdmin, "a@cpe.ca")
	_, codes := e.enrollWithCodes("a@cpe.ca")
	const n = 8
	sessions := make([]*app.Session, n)
	for i := range sessions {
		sessions[i] = e.passwordStep("a@cpe.ca")
	}
	var wg sync.WaitGroup
	var mu sync.Mutex
	ok := 0
	for _, s := range sessions {
		wg.Add(1)
		go func(s *app.Session) {
			defer wg.Done()
			if e.svc.UseRecoveryCode(e.ctx, s, codes[0]) == nil {
				mu.Lock()
				ok++
				mu.Unlock()
			}
		}(s)
	}
	wg.Wait()
	if ok != 1 {
		t.Fatalf("the same code worked %d times", ok)
	}
}

// A code written into the file (its hash replaced, or a used one revived)
// makes the account tampered: it cannot sign in at all.
func TestARecoveryCodeChangedInTheFileIsRefused(t *testing.T) {
	for _, c := range []struct{ name, sql string }{
		{"codes replaced", "UPDATE users SET recovery = zeroblob(400) WHERE email = 'a@cpe.ca'"},
		{"codes added to an account without", "UPDATE users SET recovery = zeroblob(400) WHERE email = 'b@cpe.ca'"},
	} {
		t.Run(c.name, func(t *testing.T) {
			e := newEnv(t)
			e.addUser(app.RoleAdmin, "a@cpe.ca")
			e.addUser(app.RoleAdmin, "b@cpe.ca")
			e.enrollWithCodes("a@cpe.ca")
			e.exec(e.sqlite(), c.sql)
			for _, email := range []string{"a@cpe.ca", "b@cpe.ca"} {
				_, err := e.svc.Login(e.ctx, email, goodPassword)
				if (email == "a@cpe.ca") == (c.name == "codes replaced") {
					wantReason(t, err, app.ReasonAccountTampered)
				}
			}
		})
	}
	// A used code revived.
	e := newEnv(t)
	e.addUser(app.RoleAdmin, "a@cpe.ca")
	_, codes := e.enrollWithCodes("a@cpe.ca")
	db := e.sqlite()
	var before []byte
	db.QueryRow("SELECT recovery FROM users WHERE email = 'a@cpe.ca'").Scan(&before)
	sess := e.passwordStep("a@cpe.ca")
	if err := e.svc.UseRecoveryCode(e.ctx, sess, codes[0]); err != nil {
		t.Fatal(err)
	}
	e.exec(db, "UPDATE users SET recovery = ? WHERE email = 'a@cpe.ca'", before)
	_, err := e.svc.Login(e.ctx, "a@cpe.ca", goodPassword)
	wantReason(t, err, app.ReasonAccountTampered)
}

func TestAResetVoidsTheCodesAndANewSetVoidsTheOld(t *testing.T) {
	e := newEnv(t)
	admin, secretA := e.mfaAdmin("a@cpe.ca")
	e.addUser(app.RoleAdmin, "b@cpe.ca")
	_, old := e.enrollWithCodes("b@cpe.ca")
	rc, err := e.svc.ResetMFA(e.ctx, admin, "b@cpe.ca", "")
	if err != nil {
		t.Fatal(err)
	}
	sess, _ := e.svc.Login(e.ctx, "b@cpe.ca", goodPassword)
	if err := e.svc.UseReactivationCode(e.ctx, sess, rc.Code); err != nil {
		t.Fatal(err)
	}
	secretB, fresh := e.finishEnrollment(sess)
	if len(fresh) != 10 || fresh[0] == old[0] {
		t.Fatalf("after a reset: %v", fresh)
	}
	s := e.passwordStep("b@cpe.ca")
	wantReason(t, e.svc.UseRecoveryCode(e.ctx, s, old[0]), app.ReasonRecoveryWrong)
	// A new set from Mon compte: password and code; the old set is void.
	signed := e.signedIn("b@cpe.ca", secretB)
	e.clock.Advance(app.FreshCodeWindow + app.CodePeriod)
	_, err = e.svc.NewRecoveryCodes(e.ctx, signed, "mauvais-mot-de-passe", e.code(secretB, 0))
	wantReason(t, err, app.ReasonWrongPassword)
	_, err = e.svc.NewRecoveryCodes(e.ctx, signed, goodPassword, "")
	wantReason(t, err, app.ReasonAdminCodeRequired)
	newer, err := e.svc.NewRecoveryCodes(e.ctx, signed, goodPassword, e.code(secretB, 0))
	if err != nil || len(newer) != 10 {
		t.Fatalf("new set: %v %v", newer, err)
	}
	e.clock.Advance(app.CodePeriod)
	s = e.passwordStep("b@cpe.ca")
	wantReason(t, e.svc.UseRecoveryCode(e.ctx, s, fresh[1]), app.ReasonRecoveryWrong)
	if err := e.svc.UseRecoveryCode(e.ctx, s, newer[1]); err != nil {
		t.Fatal(err)
	}
	_ = secretA
}

func TestOnlyEnabledAdmin(t *testing.T) {
	e := newEnv(t)
	e.addUser(app.RoleAdmin, "a@cpe.ca")
	a := e.signedIn("a@cpe.ca", "")
	if only, err := e.svc.OnlyEnabledAdmin(e.ctx, a); err != nil || !only {
		t.Fatalf("one administrator: %v %v", only, err)
	}
	e.addUser(app.RoleAdmin, "b@cpe.ca")
	if only, _ := e.svc.OnlyEnabledAdmin(e.ctx, a); only {
		t.Fatal("two administrators")
	}
}

// The key is deleted from the computer (a user profile removed): the
// director brings it back with her password and a recovery code, and
// everyone signs in as before. Someone who writes a code of their own
// into the file brings back nothing.
func TestALostKeyComesBackWithARecoveryCode(t *testing.T) {
	e := newEnv(t)
	e.addUser(app.RoleAdmin, "a@cpe.ca")
	e.addUser(app.RoleAdmin, "evil@cpe.ca")
	e.addUser(app.RoleParent, "p@cpe.ca")
	_, codes := e.enrollWithCodes("a@cpe.ca")
	e.enrollWithCodes("p@cpe.ca")
	// The attacker's own codes, made while the key was there, then the
	// key removed (what someone at the PC can do).
	_, evilCodes := e.enrollWithCodes("evil@cpe.ca")
	os.RemoveAll(e.kit.KeyDir)
	e.reopen()
	_, err := e.svc.Login(e.ctx, "a@cpe.ca", goodPassword)
	wantReason(t, err, app.ReasonMFAKeyMissing)

	// Copy the attacker's codes onto the director's account: codes are
	// bound to the account they were made for, and covered by its MAC.
	db := e.sqlite()
	e.exec(db, "UPDATE users SET recovery = (SELECT recovery FROM users WHERE email = 'evil@cpe.ca') WHERE email = 'a@cpe.ca'")
	wantReason(t, e.svc.RestoreKey(e.ctx, "a@cpe.ca", goodPassword, evilCodes[0]), app.ReasonKeyRestoreRefused)
	e.exec(db, "UPDATE users SET recovery = NULL WHERE email = 'a@cpe.ca'")
	wantReason(t, e.svc.RestoreKey(e.ctx, "a@cpe.ca", goodPassword, codes[0]), app.ReasonKeyRestoreRefused)
	if _, err := e.keys.Key(e.keyID()); err == nil {
		t.Fatal("a key was imported")
	}
	t.Log("the attacker's own account does bring the key back (it is a real administrator); that is not a way around anything")

	// Her real codes.
	e2 := newEnv(t)
	e2.addUser(app.RoleAdmin, "a@cpe.ca")
	e2.addUser(app.RoleParent, "p@cpe.ca")
	secret, codes := e2.enrollWithCodes("a@cpe.ca")
	secretP, _ := e2.enrollWithCodes("p@cpe.ca")
	os.RemoveAll(e2.kit.KeyDir)
	e2.reopen()
	for _, c := range []struct{ email, password, code string }{
		{"a@cpe.ca", "mauvais-mot-de-passe", codes[0]},
		{"personne@cpe.ca", goodPassword, codes[0]},
		{"p@cpe.ca", goodPassword, codes[0]},
		{"a@cpe.ca", goodPassword, "AAAA-AAAA-AAAA-AAAA"},
	} {
		wantReason(t, e2.svc.RestoreKey(e2.ctx, c.email, c.password, c.code), app.ReasonKeyRestoreRefused)
	}
	if err := e2.svc.RestoreKey(e2.ctx, "A@cpe.ca ", goodPassword, codes[2]); err != nil {
		t.Fatal(err)
	}
	wantReason(t, e2.svc.RestoreKey(e2.ctx, "a@cpe.ca", goodPassword, codes[3]), app.ReasonKeyNotMissing)
	for email, sec := range map[string]string{"a@cpe.ca": secret, "p@cpe.ca": secretP} {
		s := e2.passwordStep(email)
		if err := e2.svc.VerifyCode(e2.ctx, s, e2.code(sec, 0)); err != nil {
			t.Fatalf("%s after the key came back: %v", email, err)
		}
	}
	if u := e2.user("a@cpe.ca"); u.RecoveryCodesLeft() != 9 || u.MFA != app.MFAOn {
		t.Fatalf("after: %d codes left, AMF %s", u.RecoveryCodesLeft(), u.MFA)
	}
	if r, err := e2.tr.Verify(e2.ctx); err != nil || !r.OK() {
		t.Fatalf("integrity after the key came back: %+v %v", r, err)
	}
	if n := len(e2.events(app.AuditFilter{Event: app.EventKeyRestored})); n != 1 {
		t.Fatalf("mfa.key_restored = %d", n)
	}
}

func (e *env) keyID() string {
	var id string
	e.db.View(e.ctx, func(tx app.Tx) error { id, _, _ = tx.Setting(app.SettingMFAKeyID); return nil })
	return id
}

func TestANewSetOfRecoveryCodesIsCountedInTheSession(t *testing.T) {
	e := newEnv(t)
	e.addUser(app.RoleAdmin, "a@cpe.ca")
	_, codes := e.enrollWithCodes("a@cpe.ca")
	s := e.passwordStep("a@cpe.ca")
	if err := e.svc.UseRecoveryCode(e.ctx, s, codes[0]); err != nil {
		t.Fatal(err)
	}
	e.finishEnrollment(s)
	if s.RecoveryCodesLeft() != 9 {
		t.Fatalf("%d left", s.RecoveryCodesLeft())
	}
	if _, err := e.svc.NewRecoveryCodes(e.ctx, s, goodPassword, ""); err != nil {
		t.Fatal(err)
	}
	if s.RecoveryCodesLeft() != 10 {
		t.Fatalf("after a new set the session counts %d", s.RecoveryCodesLeft())
	}
}
