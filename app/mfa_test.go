package app_test

import (
	"bytes"
	"encoding/base32"
	"errors"
	"net/url"
	"os"
	"strings"
	"testing"
	"time"

	"github.com/apetitspas/apetitspas/app"
	"github.com/apetitspas/apetitspas/data"
)

// RFC 6238 Appendix B, SHA1 rows: secret "12345678901234567890".
func TestRFC6238AppendixBVectorsThroughOurCodePath(t *testing.T) {
	secret := "GEZDGNBVGY3TQOJQGEZDGNBVGY3TQOJQ"
	vectors := []struct {
		unix int64
		code string
	}{
		{59, "94287082"}, {1111111109, "07081804"}, {1111111111, "14050471"},
		{1234567890, "89005924"}, {2000000000, "69279037"}, {20000000000, "65353130"},
	}
	for _, v := range vectors {
		at := time.Unix(v.unix, 0).UTC()
		got8, err := app.TOTPCode(secret, at, 8)
		if err != nil || got8 != v.code {
			t.Errorf("T=%d: 8 digits %q (%v), want %q", v.unix, got8, err, v.code)
		}
		// The product's 6 digits are the same value modulo 10^6.
		got6, _ := app.TOTPCode(secret, at, app.CodeDigits)
		if got6 != v.code[2:] {
			t.Errorf("T=%d: 6 digits %q, want %q", v.unix, got6, v.code[2:])
		}
	}
}

func TestSecretsAre160BitBase32WithoutPadding(t *testing.T) {
	a, _ := app.NewTOTPSecret()
	b, _ := app.NewTOTPSecret()
	if len(a) != 32 || strings.Contains(a, "=") || a == b {
		t.Fatalf("secrets %q %q", a, b)
	}
}

func TestCodesAreParsedLeniently(t *testing.T) {
	for in, want := range map[string]string{"123456": "123456", "123 456": "123456", " 123-456 ": "123456", "123\u00a0456": "123456"} {
		if got, err := app.ParseCode(in); err != nil || got != want {
			t.Errorf("ParseCode(%q) = %q, %v", in, got, err)
		}
	}
	for _, in := range []string{"", "12345", "1234567", "12a456", "abcdef", "１２３４５６", strings.Repeat("1", 100000)} {
		_, err := app.ParseCode(in)
		wantReason(t, err, app.ReasonCodeFormat)
	}
}

func TestTheOTPAuthURIIsPercentEncodedWithoutPlusOrColons(t *testing.T) {
	u := app.User{Name: "Élodie D'Amour: directrice", Email: "e@cpe.ca"}
	label := app.AccountLabel(u, "CPE Les Lucioles")
	if label != "Élodie D'Amour directrice (CPE Les Lucioles)" && len([]rune(label)) > app.MaxAccountLabel {
		t.Fatalf("label = %q", label)
	}
	uri := app.OTPAuthURI(label, "JBSWY3DPEHPK3PXPJBSWY3DPEHPK3PXP")
	if strings.Contains(uri, "+") || strings.Contains(uri, " ") {
		t.Fatalf("uri has + or a space: %s", uri)
	}
	if !strings.HasPrefix(uri, "otpauth://totp/%C3%80%20petits%20pas:") {
		t.Fatalf("uri = %s", uri)
	}
	parsed, err := url.Parse(uri)
	if err != nil {
		t.Fatal(err)
	}
	q := parsed.Query()
	if q.Get("issuer") != "À petits pas" || q.Get("secret") != "JBSWY3DPEHPK3PXPJBSWY3DPEHPK3PXP" ||
		q.Get("algorithm") != "SHA1" || q.Get("digits") != "6" || q.Get("period") != "30" {
		t.Fatalf("query = %v", q)
	}
	path, _ := url.PathUnescape(strings.TrimPrefix(parsed.EscapedPath(), "/"))
	issuer, account, ok := strings.Cut(path, ":")
	if !ok || issuer != "À petits pas" || strings.Contains(account, ":") {
		t.Fatalf("label %q", path)
	}
}

func TestTheAccountLabelNamesThePersonAndTheDaycareAndStaysShort(t *testing.T) {
	cases := []struct {
		name, email, daycare, want string
	}{
		{"Élodie D'Amour", "e@cpe.ca", "CPE Les Lucioles", "Élodie D'Amour (CPE Les Lucioles)"},
		{"Élodie D'Amour", "e@cpe.ca", "Centre de la petite enfance Les Lucioles de Saint-Jean", "Élodie D'Amour"},
		{strings.Repeat("Marie-Ève ", 6), "me@cpe.ca", "CPE", "me@cpe.ca"},
		{"Anne", "a@cpe.ca", "", "Anne"},
	}
	for _, c := range cases {
		if got := app.AccountLabel(app.User{Name: c.name, Email: c.email}, c.daycare); got != c.want {
			t.Errorf("AccountLabel(%q, %q) = %q, want %q", c.name, c.daycare, got, c.want)
		}
	}
}

// enroll takes an account through activation and enrollment (the kit's
// Enroll) and returns its secret; the clock is then one step on.
func (e *env) enroll(email string) string {
	e.t.Helper()
	secret, _ := e.kit.Enroll(email)
	return secret
}

// code computes the phone's code, offset steps away from the fake clock.
func (e *env) code(secret string, offset int) string { return e.kit.Code(secret, offset) }

// passwordStep signs in with the password of an MFA account.
func (e *env) passwordStep(email string) *app.Session {
	e.t.Helper()
	sess, err := e.svc.Login(e.ctx, email, goodPassword)
	if err != nil {
		e.t.Fatal(err)
	}
	if sess.Step() != app.StepCode {
		e.t.Fatalf("step = %v, want StepCode", sess.Step())
	}
	return sess
}

func TestActivationEnrollmentAndACodeAtEveryLogin(t *testing.T) {
	e := newEnv(t)
	e.addUser(app.RoleParent, "anne@parents.ca")
	sess, _ := e.svc.Login(e.ctx, "anne@parents.ca", goodPassword)
	if sess.Step() != app.StepSignedIn {
		t.Fatal("a parent without MFA should sign in with the password alone")
	}
	if err := e.svc.RequestMFAActivation(e.ctx, sess); err != nil {
		t.Fatal(err)
	}
	if m := e.user("anne@parents.ca").MFA; m != app.MFAPending {
		t.Fatalf("mfa = %s, want pending", m)
	}
	// Next sign-in: the password leads to the QR code, not into the app.
	sess, _ = e.svc.Login(e.ctx, "anne@parents.ca", goodPassword)
	if sess.Step() != app.StepEnroll {
		t.Fatalf("step = %v", sess.Step())
	}
	wantReason(t, e.svc.ChangePassword(e.ctx, sess, goodPassword, "autre-mot-de-passe", "autre-mot-de-passe"), app.ReasonNotSignedIn)
	en, err := e.svc.BeginEnrollment(e.ctx, sess)
	if err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(en.URI, "secret="+en.Secret) || en.Issuer != "À petits pas" {
		t.Fatalf("enrollment = %+v", en)
	}
	// A wrong code does not turn MFA on.
	wantReason(t, e.svc.ConfirmEnrollment(e.ctx, sess, "000000"), app.ReasonCodeWrong)
	if e.user("anne@parents.ca").MFA != app.MFAPending {
		t.Fatal("a wrong code changed the state")
	}
	if err := e.svc.ConfirmEnrollment(e.ctx, sess, e.code(en.Secret, 0)); err != nil {
		t.Fatal(err)
	}
	if sess.Step() != app.StepSignedIn || e.user("anne@parents.ca").MFA != app.MFAOn {
		t.Fatal("a valid code should turn MFA on and sign in")
	}
	evs := e.events(app.AuditFilter{Person: "anne@parents.ca"})
	for _, want := range []string{app.EventMFAActivationRequested, app.EventMFAEnrolled} {
		if count(evs, want) != 1 {
			t.Fatalf("journal %v lacks %s", evs, want)
		}
	}
	// From now on: a code at every sign-in.
	e.clock.Advance(app.CodePeriod)
	sess = e.passwordStep("anne@parents.ca")
	if err := e.svc.VerifyCode(e.ctx, sess, e.code(en.Secret, 0)[:3]+" "+e.code(en.Secret, 0)[3:]); err != nil {
		t.Fatalf("code with a space: %v", err)
	}
	if sess.Step() != app.StepSignedIn {
		t.Fatal("not signed in after the code")
	}
}

func TestACodeIsAcceptedOnceIncludingTheEnrollmentCode(t *testing.T) {
	e := newEnv(t)
	e.addUser(app.RoleEmployee, "k@cpe.ca")
	sess, _ := e.svc.Login(e.ctx, "k@cpe.ca", goodPassword)
	e.svc.RequestMFAActivation(e.ctx, sess)
	sess, _ = e.svc.Login(e.ctx, "k@cpe.ca", goodPassword)
	en, _ := e.svc.BeginEnrollment(e.ctx, sess)
	first := e.code(en.Secret, 0)
	if err := e.svc.ConfirmEnrollment(e.ctx, sess, first); err != nil {
		t.Fatal(err)
	}
	// Same 30 s: the enrollment code cannot sign in again.
	sess = e.passwordStep("k@cpe.ca")
	wantReason(t, e.svc.VerifyCode(e.ctx, sess, first), app.ReasonCodeReplayed)
	// Nor the previous step's code, which the ±1 window would otherwise allow.
	wantReason(t, e.svc.VerifyCode(e.ctx, sess, e.code(en.Secret, -1)), app.ReasonCodeReplayed)
	if sess.Step() != app.StepCode {
		t.Fatal("a replayed code moved the sign-in on")
	}
	e.clock.Advance(app.CodePeriod)
	next := e.code(en.Secret, 0)
	if err := e.svc.VerifyCode(e.ctx, sess, next); err != nil {
		t.Fatal(err)
	}
	sess = e.passwordStep("k@cpe.ca")
	wantReason(t, e.svc.VerifyCode(e.ctx, sess, next), app.ReasonCodeReplayed)
	if n := count(e.events(app.AuditFilter{}), app.EventMFACodeReplayed); n != 3 {
		t.Fatalf("mfa.code_replayed events = %d, want 3", n)
	}
	if got := e.user("k@cpe.ca").MFAFailures; got != 0 {
		t.Fatalf("replays counted as failures: %d", got)
	}
}

func TestTheWindowAcceptsOneStepEitherSideAndNoMore(t *testing.T) {
	for _, c := range []struct {
		offset int
		ok     bool
	}{{-2, false}, {-1, true}, {0, true}, {1, true}, {2, false}} {
		t.Run(time.Duration(c.offset*30*int(time.Second)).String(), func(t *testing.T) {
			e := newEnv(t)
			e.addUser(app.RoleParent, "p@cpe.ca")
			secret := e.enroll("p@cpe.ca")
			e.clock.Advance(5 * app.CodePeriod) // well past the enrollment code
			sess := e.passwordStep("p@cpe.ca")
			err := e.svc.VerifyCode(e.ctx, sess, e.code(secret, c.offset))
			if c.ok && err != nil {
				t.Fatalf("offset %d refused: %v", c.offset, err)
			}
			if !c.ok {
				wantReason(t, err, app.ReasonCodeWrong)
				// The right one a minute away: a clock is off.
				if ae := new(app.Error); !errors.As(err, &ae) || ae.Skew.Abs() < 45*time.Second || ae.Skew.Abs() > 75*time.Second {
					t.Fatalf("offset %d: skew %v, want about a minute", c.offset, ae.Skew)
				}
			}
		})
	}
}

func TestTenWrongCodesLockTheAccountWithAClockHintFromTheThird(t *testing.T) {
	e := newEnv(t)
	e.addUser(app.RoleEmployee, "k@cpe.ca")
	secret := e.enroll("k@cpe.ca")
	sess := e.passwordStep("k@cpe.ca")
	// Format errors are not attempts: nothing was checked.
	for _, bad := range []string{"1234567", "12345", "abcdef", strings.Repeat("9", 5000)} {
		wantReason(t, e.svc.VerifyCode(e.ctx, sess, bad), app.ReasonCodeFormat)
	}
	if got := e.user("k@cpe.ca").MFAFailures; got != 0 {
		t.Fatalf("format errors counted: %d", got)
	}
	wrong := e.wrongCode(secret)
	for i := 1; i <= 9; i++ {
		want := app.ReasonCodeWrong
		if i >= 3 {
			want = app.ReasonCodeWrongClock
		}
		wantReason(t, e.svc.VerifyCode(e.ctx, sess, wrong), want)
	}
	err := e.svc.VerifyCode(e.ctx, sess, wrong)
	wantReason(t, err, app.ReasonMFALocked)
	// Locked: even the right code and the password are refused, across a restart.
	wantReason(t, e.svc.VerifyCode(e.ctx, sess, e.code(secret, 0)), app.ReasonMFALocked)
	e.reopen()
	_, err = e.svc.Login(e.ctx, "k@cpe.ca", goodPassword)
	wantReason(t, err, app.ReasonAccountLocked)
	if count(e.events(app.AuditFilter{}), app.EventMFALocked) != 1 {
		t.Fatal("mfa.locked not journaled")
	}
	e.clock.Advance(app.LockDuration)
	sess = e.passwordStep("k@cpe.ca")
	if err := e.svc.VerifyCode(e.ctx, sess, e.code(secret, 0)); err != nil {
		t.Fatalf("after the lock: %v", err)
	}
}

func TestThePendingQRCodeIsKeptTenMinutesThenReplaced(t *testing.T) {
	e := newEnv(t)
	e.addUser(app.RoleParent, "p@cpe.ca")
	sess, _ := e.svc.Login(e.ctx, "p@cpe.ca", goodPassword)
	e.svc.RequestMFAActivation(e.ctx, sess)
	// The secret does not exist before the dialog is shown.
	if e.user("p@cpe.ca").MFASecret != nil {
		t.Fatal("a secret exists before the QR code was shown")
	}
	sess, _ = e.svc.Login(e.ctx, "p@cpe.ca", goodPassword)
	first, _ := e.svc.BeginEnrollment(e.ctx, sess)
	e.clock.Advance(9 * time.Minute)
	sess, _ = e.svc.Login(e.ctx, "p@cpe.ca", goodPassword)
	again, _ := e.svc.BeginEnrollment(e.ctx, sess)
	if again.Secret != first.Secret {
		t.Fatal("signing in again within 10 minutes should show the same QR code")
	}
	e.clock.Advance(time.Minute)
	wantReason(t, e.svc.ConfirmEnrollment(e.ctx, sess, e.code(first.Secret, 0)), app.ReasonEnrollExpired)
	renewed, _ := e.svc.BeginEnrollment(e.ctx, sess)
	if renewed.Secret == first.Secret {
		t.Fatal("after 10 minutes a new secret is due")
	}
	if err := e.svc.ConfirmEnrollment(e.ctx, sess, e.code(renewed.Secret, 0)); err != nil {
		t.Fatal(err)
	}
}

func TestNoServiceLetsAUserTurnTheirOwnMFAOff(t *testing.T) {
	e := newEnv(t)
	e.addUser(app.RoleParent, "p@cpe.ca")
	secret := e.enroll("p@cpe.ca")
	sess := e.passwordStep("p@cpe.ca")
	if err := e.svc.VerifyCode(e.ctx, sess, e.code(secret, 0)); err != nil {
		t.Fatal(err)
	}
	// Everything a signed-in user can call leaves MFA on.
	e.svc.RequestMFAActivation(e.ctx, sess)
	e.svc.ChangePassword(e.ctx, sess, goodPassword, "un-autre-mot-de-passe", "un-autre-mot-de-passe")
	e.svc.Logout(e.ctx, sess, "")
	u := e.user("p@cpe.ca")
	if u.MFA != app.MFAOn || u.MFASecret == nil {
		t.Fatalf("mfa = %s", u.MFA)
	}
	// A pending activation cannot be withdrawn either.
	e.addUser(app.RoleParent, "q@cpe.ca")
	s2, _ := e.svc.Login(e.ctx, "q@cpe.ca", goodPassword)
	e.svc.RequestMFAActivation(e.ctx, s2)
	e.svc.RequestMFAActivation(e.ctx, s2)
	if e.user("q@cpe.ca").MFA != app.MFAPending {
		t.Fatal("pending was withdrawn")
	}
}

func TestCodeStepsCannotBeSkippedOrForged(t *testing.T) {
	e := newEnv(t)
	e.addUser(app.RoleParent, "p@cpe.ca")
	secret := e.enroll("p@cpe.ca")
	sess := e.passwordStep("p@cpe.ca")
	wantReason(t, e.svc.RequestMFAActivation(e.ctx, sess), app.ReasonNotSignedIn)
	_, err := e.svc.BeginEnrollment(e.ctx, sess)
	wantReason(t, err, app.ReasonMFAStep)
	forged := &app.Session{}
	wantReason(t, e.svc.VerifyCode(e.ctx, forged, e.code(secret, 0)), app.ReasonMFAStep)
}

func TestSecretsAreEncryptedAtRestAndAMissingKeyIsExplained(t *testing.T) {
	e := newEnv(t)
	e.addUser(app.RoleParent, "p@cpe.ca")
	secret := e.enroll("p@cpe.ca")
	u := e.user("p@cpe.ca")
	if bytes.Contains(u.MFASecret, []byte(secret)) || len(u.MFASecret) < 32 {
		t.Fatal("the secret is stored in clear")
	}
	var keyID string
	e.db.View(e.ctx, func(tx app.Tx) error { keyID, _, _ = tx.Setting(app.SettingMFAKeyID); return nil })
	if len(keyID) != 32 {
		t.Fatalf("the database does not record its key id: %q", keyID)
	}
	// The same database on a computer without the key (another key ring).
	e.kit.Keys = data.NewKeyRing(t.TempDir(), false)
	e.reopen()
	// Without the key nothing in the file can be vouched for: the sign-in
	// says why instead of trusting the file.
	_, err := e.svc.Login(e.ctx, "p@cpe.ca", goodPassword)
	wantReason(t, err, app.ReasonMFAKeyMissing)
	if e.user("p@cpe.ca").MFA != app.MFAOn {
		t.Fatal("a missing key changed the account")
	}
}

func TestParentsChooseFreely(t *testing.T) {
	e := newEnv(t)
	e.addUser(app.RoleParent, "p@cpe.ca")
	e.addUser(app.RoleEmployee, "k@cpe.ca")
	for _, email := range []string{"p@cpe.ca", "k@cpe.ca"} {
		sess, err := e.svc.Login(e.ctx, email, goodPassword)
		if err != nil || sess.Step() != app.StepSignedIn {
			t.Fatalf("%s: %v %v", email, sess.Step(), err)
		}
	}
}

func TestTheDatabaseFileAndItsWALHoldNoSecret(t *testing.T) {
	sqliteOnly(t)
	e := newEnv(t)
	e.addUser(app.RoleParent, "p@cpe.ca")
	e.addUser(app.RoleEmployee, "k@cpe.ca")
	secrets := []string{e.enroll("p@cpe.ca")}
	// And one still pending (its secret made, not yet confirmed).
	sess, _ := e.svc.Login(e.ctx, "k@cpe.ca", goodPassword)
	e.svc.RequestMFAActivation(e.ctx, sess)
	sess, _ = e.svc.Login(e.ctx, "k@cpe.ca", goodPassword)
	en, err := e.svc.BeginEnrollment(e.ctx, sess)
	if err != nil {
		t.Fatal(err)
	}
	secrets = append(secrets, en.Secret)

	var files [][]byte
	for _, p := range []string{e.path, e.path + "-wal"} {
		b, err := os.ReadFile(p)
		if err != nil {
			t.Fatalf("read %s: %v", p, err)
		}
		files = append(files, b)
	}
	if len(files[1]) == 0 {
		t.Fatal("the WAL is empty: the test would prove nothing")
	}
	for _, s := range secrets {
		raw, err := base32.StdEncoding.WithPadding(base32.NoPadding).DecodeString(s)
		if err != nil || len(raw) != 20 {
			t.Fatalf("secret %q: %v", s, err)
		}
		for i, b := range files {
			for _, needle := range [][]byte{[]byte(s), []byte(strings.ToLower(s)), raw} {
				if bytes.Contains(b, needle) {
					t.Fatalf("file %d holds a secret in clear (%x)", i, needle)
				}
			}
		}
	}
}
