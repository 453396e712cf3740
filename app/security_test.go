package app_test

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"reflect"
	"strings"
	"sync"
	"testing"
	"time"

	_ "github.com/jackc/pgx/v5/stdlib"
	_ "github.com/mattn/go-sqlite3"

	"github.com/apetitspas/apetitspas/app"
	"github.com/apetitspas/apetitspas/data/datatest"
)

// The tests of this file follow the security issue item by item: each
// one is what a person at the shared office PC tried.

// sqlite opens the database file the way an attacker would: any SQLite
// tool, no app, no key.
//
// On PostgreSQL (APETITSPAS_TEST_STORE=postgres) it is a connection with
// the app's role, whose password sits in the PC's configuration: what the
// same person can do there.
func (e *env) sqlite() *sql.DB {
	e.t.Helper()
	driver, dsn := "sqlite3", "file:"+e.path+"?_busy_timeout=5000"
	if datatest.Postgres() {
		driver, dsn = "pgx", e.path+"&search_path=apetitspas"
	}
	db, err := sql.Open(driver, dsn)
	if err != nil {
		e.t.Fatal(err)
	}
	e.t.Cleanup(func() { db.Close() })
	return db
}

func (e *env) exec(db *sql.DB, query string, args ...any) {
	e.t.Helper()
	if datatest.Postgres() {
		for i := 1; strings.Contains(query, "?"); i++ {
			query = strings.Replace(query, "?", fmt.Sprintf("$%d", i), 1)
		}
	}
	if _, err := db.Exec(query, args...); err != nil {
		if datatest.Postgres() {
			// Triggers, SQLite's functions: what the app's role cannot
			// do or PostgreSQL cannot say. The SQLite pass runs it.
			e.t.Skipf("PostgreSQL: %s: %v (run in the SQLite pass)", query, err)
		}
		e.t.Fatalf("%s: %v", query, err)
	}
}

// 1. A second administrator cannot be made without credentials, and an
// e-mail written with combining accents is the same account.
func TestMakingAnAdministratorNeedsAnAdministratorWithMFAAndACode(t *testing.T) {
	e := newEnv(t)
	e.addUser(app.RoleAdmin, "plain@cpe.ca") // an administrator without MFA
	plain := e.signedIn("plain@cpe.ca", "")
	newAdmin := app.NewUser{Role: app.RoleAdmin, Email: "intrus@cpe.ca", Name: "Intrus"}
	_, err := e.svc.CreateAccount(e.ctx, plain, newAdmin, "")
	wantReason(t, err, app.ReasonAdminMFARequired)
	_, err = e.svc.ImportCSV(e.ctx, plain, strings.NewReader("admin,intrus@cpe.ca,Intrus\n"), "")
	wantReason(t, err, app.ReasonAdminMFARequired)

	admin, secret := e.mfaAdmin("a@cpe.ca")
	e.clock.Advance(app.FreshCodeWindow)
	_, err = e.svc.CreateAccount(e.ctx, admin, newAdmin, "")
	wantReason(t, err, app.ReasonAdminCodeRequired)
	_, err = e.svc.CreateAccount(e.ctx, admin, newAdmin, "000000")
	wantReason(t, err, app.ReasonCodeWrong)
	if u := e.user("a@cpe.ca"); u.MFAFailures != 1 {
		t.Fatalf("the wrong confirming code was not counted: %d", u.MFAFailures)
	}
	if users, _ := e.tr.Users(e.ctx, app.UserFilter{Role: app.RoleAdmin}); len(users) != 2 {
		t.Fatalf("an administrator was made without a code: %d admins", len(users))
	}
	e.clock.Advance(app.CodePeriod)
	if _, err := e.svc.CreateAccount(e.ctx, admin, newAdmin, e.code(secret, 0)); err != nil {
		t.Fatal(err)
	}
	// An employee or a parent needs no code.
	if _, err := e.svc.CreateAccount(e.ctx, plain, app.NewUser{Role: app.RoleEmployee, Email: "k@cpe.ca", Name: "K"}, ""); err != nil {
		t.Fatal(err)
	}
}

func TestALookAlikeEmailIsTheSameAccount(t *testing.T) {
	e := newEnv(t)
	e.addUser(app.RoleAdmin, "élodie@cpe.ca")
	for _, spelling := range []string{
		"e\u0301lodie@cpe.ca",         // e + combining acute accent
		"E\u0301LODIE@CPE.CA",         // the same in capitals
		"\uff45\u0301lodie@cpe.ca",    // full-width e
		"élodie@cpe.ca\u200b",         // a zero-width space at the end
		"\u202eélodie@cpe.ca",         // a right-to-left override
		"élodie@c\u00adpe.ca",         // a soft hyphen
		"e\u0301lodie@cpe.ca" + " \t", // trailing blanks
	} {
		_, err := e.svc.CreateUserForTest(e.ctx, app.NewUser{Role: app.RoleParent, Email: spelling, Name: "Sosie", Password: goodPassword})
		if r := app.ErrorReason(err); r != app.ReasonEmailTaken && r != app.ReasonEmailInvalid {
			t.Errorf("%q: %v (a second account that reads the same)", spelling, err)
		}
	}
	// The look-alike spelling signs in to the one account.
	if _, err := e.svc.Login(e.ctx, "e\u0301lodie@cpe.ca", goodPassword); err != nil {
		t.Fatal(err)
	}
}

// 2. The session's identity is read-only outside package app.
func TestTheSessionsIdentityIsReadOnlyOutsideApp(t *testing.T) {
	typ := reflect.TypeOf(app.Session{})
	for i := 0; i < typ.NumField(); i++ {
		if f := typ.Field(i); f.IsExported() {
			t.Errorf("Session.%s is exported: a caller could act as another account", f.Name)
		}
	}
	e := newEnv(t)
	e.addUser(app.RoleParent, "p@cpe.ca")
	sess, _ := e.svc.Login(e.ctx, "p@cpe.ca", goodPassword)
	u := sess.User()
	u.ID, u.Role, u.Email = 999, app.RoleAdmin, "a@cpe.ca"
	if got := sess.User(); got.Role != app.RoleParent || got.Email != "p@cpe.ca" {
		t.Fatal("changing the copy changed the session")
	}
	if u := sess.User(); u.PasswordHash != "" || u.MFASecret != nil || u.MAC != nil {
		t.Fatal("the session hands out the password hash, the sealed secret or the MAC")
	}
}

// 3. Ten means ten, whatever the concurrency.
func TestConcurrentWrongPasswordsGetAtMostTenGuessesJudged(t *testing.T) {
	e := newEnv(t)
	e.addUser(app.RoleParent, "p@cpe.ca")
	var wg sync.WaitGroup
	attempts := bySize(40, app.MaxFailedLogins+4) // -short: still more than ten
	for g := 0; g < attempts; g++ {
		wg.Add(1)
		go func() {
			defer wg.Done()
			e.svc.Login(e.ctx, "p@cpe.ca", "mauvais-mot-de-passe")
		}()
	}
	wg.Wait()
	if n := judgedWrong(t, e); n > app.MaxFailedLogins {
		t.Fatalf("%d wrong passwords judged in one lock window, want at most %d", n, app.MaxFailedLogins)
	}
	if !e.user("p@cpe.ca").Locked(e.clock.Now()) {
		t.Fatalf("not locked after %d attempts", attempts)
	}
	// The right password does not open the lock either.
	_, err := e.svc.Login(e.ctx, "p@cpe.ca", goodPassword)
	wantReason(t, err, app.ReasonAccountLocked)
}

// judgedWrong counts the wrong passwords actually checked (each journaled
// as "wrong password (n/10)").
func judgedWrong(t testing.TB, e *env) int {
	evs, err := e.tr.Audit(e.ctx, app.AuditFilter{Event: app.EventLoginFailed})
	if err != nil {
		t.Fatal(err)
	}
	n := 0
	for _, ev := range evs {
		if strings.HasPrefix(ev.Detail, "wrong password") {
			n++
		}
	}
	return n
}

// gateStore holds the second write transaction of the sign-in that
// carries gateKey in its context until release is closed.
type gateStore struct {
	app.Store
	mu      sync.Mutex
	calls   int
	reached chan struct{}
	release chan struct{}
}

type gateKey struct{}

func (g *gateStore) Update(ctx context.Context, fn func(app.Tx) error) error {
	if ctx.Value(gateKey{}) != nil {
		g.mu.Lock()
		g.calls++
		n := g.calls
		g.mu.Unlock()
		if n == 2 {
			close(g.reached)
			<-g.release
		}
	}
	return g.Store.Update(ctx, fn)
}

func TestARightPasswordDoesNotClearALockAParallelFailureJustSet(t *testing.T) {
	e := newEnv(t)
	e.addUser(app.RoleParent, "p@cpe.ca")
	g := &gateStore{Store: e.db, reached: make(chan struct{}), release: make(chan struct{})}
	svc := app.New(app.Params{Store: g, Now: e.clock.Now, Keys: e.keys})
	done := make(chan error)
	go func() {
		_, err := svc.Login(context.WithValue(e.ctx, gateKey{}, true), "p@cpe.ca", goodPassword)
		done <- err
	}()
	<-g.reached // the right password was counted and judged; its outcome waits
	for i := 0; i < app.MaxFailedLogins; i++ {
		e.svc.Login(e.ctx, "p@cpe.ca", "mauvais-mot-de-passe")
	}
	close(g.release)
	wantReason(t, <-done, app.ReasonAccountLocked)
	if !e.user("p@cpe.ca").Locked(e.clock.Now()) {
		t.Fatal("a right password cleared the lock set meanwhile by the failures")
	}
	if n := judgedWrong(t, e); n > app.MaxFailedLogins-1 {
		t.Fatalf("%d wrong passwords judged; the right one took a slot, so at most 9", n)
	}
}

func TestTheTenthAttemptMayStillBeTheRightOne(t *testing.T) {
	e := newEnv(t)
	e.addUser(app.RoleParent, "p@cpe.ca")
	for i := 0; i < app.MaxFailedLogins-1; i++ {
		e.svc.Login(e.ctx, "p@cpe.ca", "mauvais-mot-de-passe")
	}
	if _, err := e.svc.Login(e.ctx, "p@cpe.ca", goodPassword); err != nil {
		t.Fatal(err)
	}
	if u := e.user("p@cpe.ca"); u.Locked(e.clock.Now()) || u.FailedLogins != 0 {
		t.Fatalf("after the right tenth: locked=%v failures=%d", u.Locked(e.clock.Now()), u.FailedLogins)
	}
}

// 4. Two administrators disabling (or demoting) each other at once leave
// an enabled administrator.
func TestTwoAdministratorsDisablingEachOtherAtOnceLeaveOne(t *testing.T) {
	e := newEnv(t)
	a, _ := e.mfaAdmin("a@cpe.ca")
	b, _ := e.mfaAdmin("b@cpe.ca")
	for round := 0; round < bySize(10, 3); round++ {
		var wg sync.WaitGroup
		for _, c := range []struct {
			sess   *app.Session
			target string
		}{{a, "b@cpe.ca"}, {b, "a@cpe.ca"}} {
			wg.Add(1)
			go func() {
				defer wg.Done()
				e.svc.SetDisabled(e.ctx, c.sess, c.target, true, "")
			}()
		}
		wg.Wait()
		enabled := enabledAdmins(t, e)
		if len(enabled) != 1 {
			t.Fatalf("round %d: enabled administrators = %v, want exactly one", round, enabled)
		}
		// The one left enables the other again.
		survivor, other := a, "b@cpe.ca"
		if enabled[0] == "b@cpe.ca" {
			survivor, other = b, "a@cpe.ca"
		}
		if err := e.svc.SetDisabled(e.ctx, survivor, other, false, ""); err != nil {
			t.Fatal(err)
		}
	}
}

func TestTwoAdministratorsDemotingEachOtherAtOnceLeaveOne(t *testing.T) {
	e := newEnv(t)
	a, _ := e.mfaAdmin("a@cpe.ca")
	b, _ := e.mfaAdmin("b@cpe.ca")
	var wg sync.WaitGroup
	errs := make([]error, 2)
	for i, c := range []struct {
		sess   *app.Session
		target string
	}{{a, "b@cpe.ca"}, {b, "a@cpe.ca"}} {
		wg.Add(1)
		go func() {
			defer wg.Done()
			errs[i] = e.svc.SetRole(e.ctx, c.sess, c.target, app.RoleEmployee, "")
		}()
	}
	wg.Wait()
	if got := enabledAdmins(t, e); len(got) != 1 {
		t.Fatalf("administrators left = %v (errors %v)", got, errs)
	}
	if errs[0] == nil && errs[1] == nil {
		t.Fatal("both demotions succeeded")
	}
	// And the last one cannot be removed by anyone.
	e.addUser(app.RoleAdmin, "c@cpe.ca")
	if err := e.svc.UpdateUserForTest(e.ctx, "c@cpe.ca", func(u *app.User) { u.Disabled = true }); err != nil {
		t.Fatal(err)
	}
	left := enabledAdmins(t, e)[0]
	sess := a
	if left == "b@cpe.ca" {
		sess = b
	}
	wantReason(t, e.svc.SetRole(e.ctx, sess, left, app.RoleParent, ""), app.ReasonSelfRole)
}

func enabledAdmins(t testing.TB, e *env) []string {
	users, err := e.tr.Users(e.ctx, app.UserFilter{Role: app.RoleAdmin})
	if err != nil {
		t.Fatal(err)
	}
	var out []string
	for _, u := range users {
		if !u.Disabled {
			out = append(out, u.Email)
		}
	}
	return out
}

// 5. What was typed in the e-mail field never reaches the journal.
func TestAnUnknownEmailIsJournaledAsAFingerprintNotAsTyped(t *testing.T) {
	e := newEnv(t)
	e.addUser(app.RoleParent, "p@cpe.ca")
	typed := "MonMotDePasseSecret2026"
	e.svc.Login(e.ctx, typed, "x")
	e.svc.Login(e.ctx, "  "+strings.ToUpper(typed)+" ", "y")
	e.svc.Login(e.ctx, "autre-chose", "z")
	evs, _ := e.tr.Audit(e.ctx, app.AuditFilter{Event: app.EventLoginFailed})
	if len(evs) != 3 {
		t.Fatalf("login.failed = %d", len(evs))
	}
	for _, ev := range evs {
		all := ev.Actor + ev.Target + ev.Detail
		if strings.Contains(strings.ToLower(all), strings.ToLower(typed)) || strings.Contains(all, "autre-chose") {
			t.Fatalf("the typed text is in the journal: %+v", ev)
		}
		if !strings.HasPrefix(ev.Detail, "unknown account #") {
			t.Fatalf("detail = %q", ev.Detail)
		}
	}
	// Newest first: the two spellings of the same text group together.
	if evs[1].Detail != evs[2].Detail || evs[0].Detail == evs[1].Detail {
		t.Fatalf("fingerprints = %q %q %q", evs[0].Detail, evs[1].Detail, evs[2].Detail)
	}
	// Nor is it anywhere in the file.
	e.reopen()
	for _, f := range []string{e.path, e.path + "-wal"} {
		b, _ := os.ReadFile(f)
		if strings.Contains(strings.ToLower(string(b)), strings.ToLower(typed)) {
			t.Fatalf("%s holds the typed text", filepath.Base(f))
		}
	}
}

// 6. Changing one's password counts wrong current passwords with the
// same lockout, and journals them.
func TestGuessingTheCurrentPasswordInMonCompteIsCountedAndLocks(t *testing.T) {
	e := newEnv(t)
	e.addUser(app.RoleParent, "p@cpe.ca")
	sess, _ := e.svc.Login(e.ctx, "p@cpe.ca", goodPassword)
	var err error
	for i := 0; i < app.MaxFailedLogins; i++ {
		err = e.svc.ChangePassword(e.ctx, sess, "devinette-"+string(rune('a'+i)), "nouveau-mot-de-passe", "nouveau-mot-de-passe")
	}
	wantReason(t, err, app.ReasonAccountLocked)
	if sess.Step() != app.StepNone {
		t.Fatal("the session goes on after the lock")
	}
	if n := len(e.events(app.AuditFilter{Event: app.EventPasswordChangeFailed})); n != app.MaxFailedLogins {
		t.Fatalf("password.change_failed = %d", n)
	}
	_, err = e.svc.Login(e.ctx, "p@cpe.ca", goodPassword)
	wantReason(t, err, app.ReasonAccountLocked)
	// The right one before the limit clears the count, like at sign-in.
	e.clock.Advance(app.LockDuration)
	sess, _ = e.svc.Login(e.ctx, "p@cpe.ca", goodPassword)
	wantReason(t, e.svc.ChangePassword(e.ctx, sess, "pas-le-bon-1", "nouveau-mot-de-passe", "nouveau-mot-de-passe"), app.ReasonWrongPassword)
	if err := e.svc.ChangePassword(e.ctx, sess, goodPassword, "nouveau-mot-de-passe", "nouveau-mot-de-passe"); err != nil {
		t.Fatal(err)
	}
	if u := e.user("p@cpe.ca"); u.FailedLogins != 0 {
		t.Fatalf("failures = %d", u.FailedLogins)
	}
}

// 7. Break-glass.
func TestBreakGlassRules(t *testing.T) {
	root := app.OSUser{Name: "technicien", Elevated: true}
	t.Run("needs the OS administrator's rights", func(t *testing.T) {
		e := newEnv(t)
		e.addUser(app.RoleAdmin, "a@cpe.ca")
		e.enroll("a@cpe.ca")
		err := errOf(e.tr.BreakGlassReset(e.ctx, app.OSUser{Name: "bureau"}, "a@cpe.ca", "Téléphone perdu par la directrice"))
		wantReason(t, err, app.ReasonNotElevated)
		if e.user("a@cpe.ca").MFA != app.MFAOn {
			t.Fatal("reset without OS rights")
		}
	})
	t.Run("refused while another administrator with MFA can reset", func(t *testing.T) {
		e := newEnv(t)
		e.mfaAdmin("a@cpe.ca")
		e.mfaAdmin("b@cpe.ca")
		err := errOf(e.tr.BreakGlassReset(e.ctx, root, "a@cpe.ca", "Téléphone perdu par la directrice"))
		wantReason(t, err, app.ReasonOtherAdminExists)
		e.addUser(app.RoleEmployee, "k@cpe.ca")
		e.enroll("k@cpe.ca")
		wantReason(t, errOf(e.tr.BreakGlassReset(e.ctx, root, "k@cpe.ca", "Téléphone perdu par l'employée")), app.ReasonOtherAdminExists)
		if e.user("a@cpe.ca").MFA != app.MFAOn {
			t.Fatal("reset")
		}
	})
	t.Run("needs a real reason, refused whole when too long", func(t *testing.T) {
		e := newEnv(t)
		e.addUser(app.RoleAdmin, "a@cpe.ca")
		e.enroll("a@cpe.ca")
		for _, r := range []string{".....", "aaaaaaaaaaaaaaa", "perdu", "x y z w v u", "\x1b[2J effacer l'écran", "Téléphone\u202e perdu par elle"} {
			wantReason(t, errOf(e.tr.BreakGlassReset(e.ctx, root, "a@cpe.ca", r)), app.ReasonReasonRequired)
		}
		long := strings.Repeat("é", 499) + " téléphone perdu"
		wantReason(t, errOf(e.tr.BreakGlassReset(e.ctx, root, "a@cpe.ca", long)), app.ReasonReasonTooLong)
		if e.user("a@cpe.ca").MFA != app.MFAOn {
			t.Fatal("reset with a bad reason")
		}
		reason := strings.Repeat("é", 480) + " perdu"
		if err := errOf(e.tr.BreakGlassReset(e.ctx, root, "a@cpe.ca", reason)); err != nil {
			t.Fatal(err)
		}
		evs, _ := e.tr.Audit(e.ctx, app.AuditFilter{Event: app.EventMFAResetBreakGlass})
		if len(evs) != 1 || !strings.HasSuffix(evs[0].Detail, reason) || !strings.Contains(evs[0].Detail, "os_user=technicien") {
			t.Fatalf("journal = %q", evs[0].Detail)
		}
	})
	t.Run("acknowledged only by another administrator", func(t *testing.T) {
		e := newEnv(t)
		e.addUser(app.RoleAdmin, "a@cpe.ca")
		e.enroll("a@cpe.ca")
		rc, err := e.tr.BreakGlassReset(e.ctx, root, "a@cpe.ca", "Seule administratrice, téléphone perdu")
		if err != nil {
			t.Fatal(err)
		}
		// She types the technician's reactivation code, enrolls again and
		// signs in: the banner is about her.
		sess, _ := e.svc.Login(e.ctx, "a@cpe.ca", goodPassword)
		if err := e.svc.UseReactivationCode(e.ctx, sess, rc.Code); err != nil {
			t.Fatal(err)
		}
		en, _ := e.svc.BeginEnrollment(e.ctx, sess)
		if err := e.svc.ConfirmEnrollment(e.ctx, sess, e.code(en.Secret, 0)); err != nil {
			t.Fatal(err)
		}
		wantReason(t, e.svc.AcknowledgeBreakGlass(e.ctx, sess), app.ReasonSelfAcknowledge)
		if notes, _ := e.svc.BreakGlassNotes(e.ctx, sess); len(notes) != 1 {
			t.Fatal("the banner went away")
		}
		// It stays until another administrator exists and acknowledges.
		e.addUser(app.RoleAdmin, "b@cpe.ca")
		b := e.signedIn("b@cpe.ca", "")
		if err := e.svc.AcknowledgeBreakGlass(e.ctx, b); err != nil {
			t.Fatal(err)
		}
		if notes, _ := e.svc.BreakGlassNotes(e.ctx, sess); len(notes) != 0 {
			t.Fatal("still shown")
		}
	})
}

// 8. A pending administrator (grace period running) cannot do strong
// actions with a password alone.
func TestAPendingAdministratorCannotResetChangeThePolicyOrMakeAdmins(t *testing.T) {
	e := newEnv(t)
	director, _ := e.mfaAdmin("a@cpe.ca")
	e.addUser(app.RoleAdmin, "b@cpe.ca")
	e.addUser(app.RoleParent, "p@cpe.ca")
	e.enroll("p@cpe.ca")
	if err := e.svc.SetStaffPolicy(e.ctx, director, true, 7, ""); err != nil {
		t.Fatal(err)
	}
	sess, _ := e.svc.Login(e.ctx, "b@cpe.ca", goodPassword)
	if sess.Step() != app.StepEnroll {
		t.Fatalf("step = %v", sess.Step())
	}
	if err := e.svc.SkipEnrollment(e.ctx, sess); err != nil {
		t.Fatal(err)
	}
	wantReason(t, errOf(e.svc.ResetMFA(e.ctx, sess, "p@cpe.ca", "")), app.ReasonAdminMFARequired)
	wantReason(t, errOf(e.svc.ResetMFA(e.ctx, sess, "p@cpe.ca", "123456")), app.ReasonAdminMFARequired)
	wantReason(t, e.svc.SetStaffPolicy(e.ctx, sess, false, 0, ""), app.ReasonAdminMFARequired)
	_, err := e.svc.CreateAccount(e.ctx, sess, app.NewUser{Role: app.RoleAdmin, Email: "c@cpe.ca", Name: "C"}, "")
	wantReason(t, err, app.ReasonAdminMFARequired)
	wantReason(t, e.svc.SetRole(e.ctx, sess, "p@cpe.ca", app.RoleAdmin, ""), app.ReasonAdminMFARequired)
	_, err = e.svc.SetTemporaryPassword(e.ctx, sess, "a@cpe.ca", "")
	wantReason(t, err, app.ReasonAdminMFARequired)
	if e.user("p@cpe.ca").MFA != app.MFAOn || e.user("p@cpe.ca").Role != app.RoleParent {
		t.Fatal("a pending administrator changed an account")
	}
	if p, _ := e.tr.StaffPolicy(e.ctx); !p.EnforceStaff {
		t.Fatal("a pending administrator relaxed the policy")
	}
}

// 9. Turning the policy off and on again does not renew the grace.
func TestTheGracePeriodCannotBeRenewedByTurningThePolicyOffAndOn(t *testing.T) {
	e := newEnv(t)
	admin, secret := e.mfaAdmin("a@cpe.ca")
	e.addUser(app.RoleEmployee, "k@cpe.ca")
	if err := e.svc.SetStaffPolicy(e.ctx, admin, true, 7, ""); err != nil {
		t.Fatal(err)
	}
	deadline := e.clock.Now().Add(7 * 24 * time.Hour)
	e.clock.Advance(5 * 24 * time.Hour)
	for _, on := range []bool{false, true} {
		e.clock.Advance(app.CodePeriod)
		if err := e.svc.SetStaffPolicy(e.ctx, admin, on, 7, e.code(secret, 0)); err != nil {
			t.Fatal(err)
		}
	}
	sess, _ := e.svc.Login(e.ctx, "k@cpe.ca", goodPassword)
	ok, until, err := e.svc.EnrollmentGrace(e.ctx, sess)
	if err != nil || !ok || until.After(deadline) {
		t.Fatalf("grace until %v, want %v at the latest (%v)", until, deadline, err)
	}
	e.clock.Advance(2 * 24 * time.Hour)
	sess, _ = e.svc.Login(e.ctx, "k@cpe.ca", goodPassword)
	wantReason(t, e.svc.SkipEnrollment(e.ctx, sess), app.ReasonCannotSkip)
}

// 10. Every failed sign-in does the same work: one argon2id verification.
func TestEveryFailedSignInRunsExactlyOneVerification(t *testing.T) {
	e := newEnv(t)
	e.addUser(app.RoleParent, "p@cpe.ca")
	long := strings.Repeat("x", app.MaxPasswordLen+1)
	for _, c := range []struct{ email, password string }{
		{"p@cpe.ca", long},
		{"personne@cpe.ca", long},
		{"p@cpe.ca", "mauvais-mot-de-passe"},
		{"personne@cpe.ca", "mauvais-mot-de-passe"},
	} {
		before := app.Verifications()
		_, err := e.svc.Login(e.ctx, c.email, c.password)
		wantReason(t, err, app.ReasonBadCredentials)
		if n := app.Verifications() - before; n != 1 {
			t.Errorf("%s with a %d-byte password: %d verifications, want 1", c.email, len(c.password), n)
		}
	}
}

// 11. A key file others can read or replace is refused and journaled.
func TestAKeyFileOthersCanReadIsRefusedAndJournaled(t *testing.T) {
	e := newEnv(t)
	e.addUser(app.RoleParent, "p@cpe.ca")
	keyDir := e.kit.KeyDir
	files, _ := filepath.Glob(filepath.Join(keyDir, "*.key"))
	if len(files) != 1 {
		t.Fatalf("key files = %v", files)
	}
	if err := os.Chmod(files[0], 0o644); err != nil {
		t.Fatal(err)
	}
	e.reopen()
	_, err := e.svc.Login(e.ctx, "p@cpe.ca", goodPassword)
	wantReason(t, err, app.ReasonKeyInsecure)
	if err := os.Chmod(files[0], 0o600); err != nil {
		t.Fatal(err)
	}
	e.reopen()
	if _, err := e.svc.Login(e.ctx, "p@cpe.ca", goodPassword); err != nil {
		t.Fatal(err)
	}
	if n := len(e.events(app.AuditFilter{Event: app.EventKeyInsecure})); n != 1 {
		t.Fatalf("key.insecure = %d", n)
	}
}

// 12. Bad input.
func TestNamesRefuseInvisibleCharactersAndBadUTF8WithTheirOwnMessage(t *testing.T) {
	for _, name := range []string{"Julie\x1b[31m Rouge", "\u202eeiluJ", "Ju\u200dlie", "Julie\x00", "Julie\x07", "Ju\xfflie", "Julie\u2028Côté"} {
		_, err := app.ValidateName(name)
		wantReason(t, err, app.ReasonNameInvalid)
	}
	if n, err := app.ValidateName("  Marie-Ève\tD'Amour  "); err != nil || n != "Marie-Ève D'Amour" {
		t.Fatalf("a pasted name: %q %v", n, err)
	}
	if _, err := app.ValidateName(strings.Repeat("é", 101)); app.ErrorReason(err) != app.ReasonNameTooLong {
		t.Fatal(err)
	}
}

func TestAnImportIsRefusedWholeWhenTooLargeOrMalformed(t *testing.T) {
	e := newEnv(t)
	admin, _ := e.mfaAdmin("a@cpe.ca")
	var big strings.Builder
	for i := 0; big.Len() <= app.MaxImportBytes; i++ {
		big.WriteString("parent,personne" + strings.Repeat("0", 40) + string(rune('a'+i%26)) + "@cpe.ca,Personne\n")
	}
	for _, c := range []struct{ name, csv, reason string }{
		{"larger than the limit", big.String(), app.ReasonCSVTooLarge},
		{"a quote in the header", "ro\"le,email,name\nparent,a@cpe.ca,A\n", app.ReasonCSVInvalid},
		{"a quote in a row", "parent,a@cpe.ca,A \"B\n", app.ReasonCSVInvalid},
		{"not text (UTF-16)", "\xff\xfep\x00a\x00r\x00e\x00n\x00t\x00", app.ReasonCSVEncoding},
		{"neither UTF-8 nor Windows-1252", "parent,b@cpe.ca,\x81\x8d\n", app.ReasonCSVEncoding},
	} {
		t.Run(c.name, func(t *testing.T) {
			_, err := e.svc.ImportCSV(e.ctx, admin, strings.NewReader(c.csv), "")
			wantReason(t, err, c.reason)
		})
	}
	if users, _ := e.tr.Users(e.ctx, app.UserFilter{}); len(users) != 1 {
		t.Fatalf("%d accounts after refused imports", len(users))
	}
}

// Tamper evidence: what anyone with the file and a SQLite tool can do is
// detected.
func TestAnAccountChangedInTheFileCannotSignInAndIsReported(t *testing.T) {
	for _, c := range []struct{ name, sql string }{
		{"mfa turned off", "UPDATE users SET mfa = 'off', mfa_secret = NULL WHERE email = 'k@cpe.ca'"},
		{"made an administrator", "UPDATE users SET role = 'admin' WHERE email = 'k@cpe.ca'"},
		{"lock cleared", "UPDATE users SET failed_logins = 0, locked_until = 0 WHERE email = 'k@cpe.ca'"},
		{"password replaced", "UPDATE users SET password_hash = (SELECT password_hash FROM users WHERE email = 'p@cpe.ca') WHERE email = 'k@cpe.ca'"},
		{"MAC copied from another row", "UPDATE users SET mac = (SELECT mac FROM users WHERE email = 'p@cpe.ca') WHERE email = 'k@cpe.ca'"},
	} {
		t.Run(c.name, func(t *testing.T) {
			e := newEnv(t)
			admin, _ := e.mfaAdmin("a@cpe.ca")
			e.addUser(app.RoleEmployee, "k@cpe.ca")
			e.addUser(app.RoleParent, "p@cpe.ca")
			e.enroll("k@cpe.ca")
			for i := 0; i < 3; i++ {
				e.svc.Login(e.ctx, "k@cpe.ca", "mauvais-mot-de-passe")
			}
			e.exec(e.sqlite(), c.sql)
			_, err := e.svc.Login(e.ctx, "k@cpe.ca", goodPassword)
			wantReason(t, err, app.ReasonAccountTampered)
			r, err := e.svc.CheckIntegrity(e.ctx, admin)
			if err != nil || len(r.Accounts) != 1 || r.Accounts[0] != "k@cpe.ca" || r.OK() {
				t.Fatalf("report = %+v, %v", r, err)
			}
			if n := len(e.events(app.AuditFilter{Event: app.EventAccountTampered})); n < 1 {
				t.Fatal("account.tampered not journaled")
			}
			// An administrator looks at it and accepts it: AMF reset,
			// temporary password.
			temp, err := e.svc.Reseal(e.ctx, admin, "k@cpe.ca", "")
			if err != nil {
				t.Fatal(err)
			}
			s, err := e.svc.Login(e.ctx, "k@cpe.ca", temp)
			if err != nil {
				t.Fatal(err)
			}
			if u := s.User(); u.MFA == app.MFAOn || !u.MustChangePassword {
				t.Fatalf("after reseal: mfa=%s must_change=%v", u.MFA, u.MustChangePassword)
			}
		})
	}
}

func TestJournalEditsAreDetected(t *testing.T) {
	setup := func(t *testing.T) (*env, *app.Session) {
		e := newEnv(t)
		admin, _ := e.mfaAdmin("a@cpe.ca")
		e.addUser(app.RoleParent, "p@cpe.ca")
		for i := 0; i < 3; i++ {
			e.svc.Login(e.ctx, "p@cpe.ca", "mauvais-mot-de-passe")
		}
		if r, err := e.tr.Verify(e.ctx); err != nil || !r.OK() {
			t.Fatalf("a clean database: %+v %v", r, err)
		}
		return e, admin
	}
	for _, c := range []struct {
		name  string
		edits []string
		check func(app.IntegrityReport) bool
	}{
		{"a row deleted", []string{"DROP TRIGGER audit_no_delete", "DELETE FROM audit WHERE id = 3"},
			func(r app.IntegrityReport) bool { return len(r.JournalBreaks) > 0 }},
		{"a row rewritten", []string{"DROP TRIGGER audit_no_update", "UPDATE audit SET detail = 'rien' WHERE id = 4"},
			func(r app.IntegrityReport) bool { return len(r.JournalBreaks) == 1 && r.JournalBreaks[0] == 4 }},
		{"a row replaced", []string{"DROP TRIGGER IF EXISTS audit_no_replace", "INSERT OR REPLACE INTO audit (id, time, event, actor, target, detail, mac) SELECT id, time, 'logout', actor, target, detail, mac FROM audit WHERE id = 5"},
			func(r app.IntegrityReport) bool { return len(r.JournalBreaks) > 0 }},
		{"rows swapped", []string{"DROP TRIGGER audit_no_update",
			"UPDATE audit SET id = -1 WHERE id = 2", "UPDATE audit SET id = 2 WHERE id = 3", "UPDATE audit SET id = 3 WHERE id = -1"},
			func(r app.IntegrityReport) bool { return len(r.JournalBreaks) > 0 }},
		{"the newest rows cut off", []string{"DROP TRIGGER audit_no_delete", "DELETE FROM audit WHERE id > (SELECT max(id) - 2 FROM audit)"},
			func(r app.IntegrityReport) bool { return r.TailCut }},
		{"a row's fields rewritten", []string{"DROP TRIGGER audit_no_update",
			`UPDATE audit SET fields = '[["reason","bad_credentials"],["attempt","1"],["max","99"]]' WHERE id = (SELECT min(id) FROM audit WHERE event = 'login.failed')`},
			func(r app.IntegrityReport) bool { return len(r.JournalBreaks) == 1 }},
		{"a row's fields removed", []string{"DROP TRIGGER audit_no_update",
			"UPDATE audit SET fields = NULL WHERE id = (SELECT max(id) FROM audit WHERE event = 'login.failed')"},
			func(r app.IntegrityReport) bool { return len(r.JournalBreaks) == 1 }},
		{"a row's fields made unreadable", []string{"DROP TRIGGER audit_no_update",
			"UPDATE audit SET fields = 'n''importe quoi' WHERE id = (SELECT max(id) FROM audit WHERE event = 'login.failed')"},
			func(r app.IntegrityReport) bool { return len(r.JournalBreaks) == 1 }},
		{"a row's fields emptied", []string{"DROP TRIGGER audit_no_update",
			"UPDATE audit SET fields = '[]' WHERE id = (SELECT max(id) FROM audit WHERE event = 'login.failed')"},
			func(r app.IntegrityReport) bool { return len(r.JournalBreaks) == 1 }},
		{"fields given to a row without any", []string{"DROP TRIGGER audit_no_update",
			`UPDATE audit SET fields = '[["via","import"]]' WHERE id = (SELECT min(id) FROM audit WHERE fields IS NULL)`},
			func(r app.IntegrityReport) bool { return len(r.JournalBreaks) == 1 }},
		{"a row added", []string{"INSERT INTO audit (id, time, event, actor, target, detail) VALUES ((SELECT max(id) + 1 FROM audit), 1, 'login.succeeded', 'a@cpe.ca', 'a@cpe.ca', '')"},
			func(r app.IntegrityReport) bool { return len(r.JournalBreaks) > 0 }},
		{"the staff policy changed", []string{"INSERT INTO settings (key, value) VALUES ('staff_mfa_enforced', '0') ON CONFLICT (key) DO UPDATE SET value = excluded.value"},
			func(r app.IntegrityReport) bool { return r.SettingsChanged }},
		{"every MAC and the marker removed", []string{"DROP TRIGGER audit_no_update", "UPDATE audit SET mac = NULL WHERE id = 2",
			"DELETE FROM settings WHERE key = 'integrity_sealed_at'"},
			func(r app.IntegrityReport) bool { return r.Unsealed && len(r.JournalBreaks) > 0 }},
	} {
		t.Run(c.name, func(t *testing.T) {
			e, admin := setup(t)
			db := e.sqlite()
			for _, q := range c.edits {
				e.exec(db, q)
			}
			r, err := e.tr.Verify(e.ctx)
			if err != nil || r.OK() || !c.check(r) {
				t.Fatalf("report = %+v, %v", r, err)
			}
			// The finding is journaled once, and stays visible after more
			// activity (a new MAC never blesses the edit).
			n := len(e.events(app.AuditFilter{Event: app.EventAuditTampered}))
			if n != 1 {
				t.Fatalf("audit.tampered = %d, want 1", n)
			}
			e.tr.Verify(e.ctx)
			e.svc.Login(e.ctx, "p@cpe.ca", goodPassword)
			e.tr.Verify(e.ctx)
			if m := len(e.events(app.AuditFilter{Event: app.EventAuditTampered})); m != n {
				t.Fatalf("audit.tampered = %d after more checks, want %d", m, n)
			}
			r, _ = e.svc.CheckIntegrity(e.ctx, admin)
			if r.OK() {
				t.Fatal("the edit is no longer seen after more activity")
			}
			// An administrator acknowledges (a strong action): the warning
			// goes until something new happens.
			if err := e.svc.AcknowledgeIntegrity(e.ctx, admin, ""); err != nil {
				t.Fatal(err)
			}
			if r, _ := e.svc.CheckIntegrity(e.ctx, admin); !r.OK() {
				t.Fatalf("after the acknowledgement: %+v", r)
			}
		})
	}
}

func TestADatabaseFromBeforeMACsIsSealedOnceAndJournaled(t *testing.T) {
	e := newEnv(t)
	e.addUser(app.RoleParent, "p@cpe.ca")
	e.svc.Login(e.ctx, "p@cpe.ca", "mauvais-mot-de-passe")
	// What an older version left: no MAC anywhere, no marker.
	db := e.sqlite()
	for _, q := range []string{"DROP TRIGGER audit_no_update", "UPDATE audit SET mac = NULL", "UPDATE users SET mac = NULL",
		"DELETE FROM settings WHERE key IN ('integrity_sealed_at', 'audit_head', 'settings_mac')",
		"CREATE TRIGGER audit_no_update BEFORE UPDATE ON audit WHEN NOT (OLD.mac IS NULL AND NEW.mac IS NOT NULL) BEGIN SELECT RAISE(ABORT, 'x'); END"} {
		e.exec(db, q)
	}
	e.reopen()
	if _, err := e.svc.Login(e.ctx, "p@cpe.ca", goodPassword); err != nil {
		t.Fatal(err)
	}
	if n := len(e.events(app.AuditFilter{Event: app.EventSealed})); n != 1 {
		t.Fatalf("integrity.sealed = %d", n)
	}
	// Normal once after the update, but also what stripping every MAC
	// looks like: it waits for an administrator's acknowledgement.
	if r, err := e.tr.Verify(e.ctx); err != nil || r.OK() || r.SealedAt.IsZero() || r.JournalRows < 3 ||
		len(r.Accounts)+len(r.JournalBreaks) > 0 || r.TailCut || r.SettingsChanged {
		t.Fatalf("after sealing: %+v %v", r, err)
	}
	e.reopen()
	e.svc.Login(e.ctx, "p@cpe.ca", goodPassword)
	if n := len(e.events(app.AuditFilter{Event: app.EventSealed})); n != 1 {
		t.Fatal("sealed twice")
	}
}

// Stripping every MAC and the marker from the file (so that it looks like
// a database from before the MACs) and turning the director's AMF off:
// the state root still names every account's MAC, so the app seals the
// file again, but the changed account no longer matches it and cannot
// sign in. The sealing stays shown to every administrator until another
// one with AMF acknowledges it, and she reseals the changed account.
func TestStrippingEveryMACIsShownUntilAnotherAdministratorAcknowledges(t *testing.T) {
	e := newEnv(t)
	e.mfaAdmin("a@cpe.ca")
	_, secondSecret := e.mfaAdmin("b@cpe.ca")
	if r, err := e.tr.Verify(e.ctx); err != nil || !r.OK() {
		t.Fatalf("a clean database: %+v %v", r, err)
	}
	db := e.sqlite()
	for _, q := range []string{"DROP TRIGGER audit_no_update", "UPDATE audit SET mac = NULL", "UPDATE users SET mac = NULL",
		"UPDATE users SET mfa = 'off', mfa_secret = NULL WHERE email = 'a@cpe.ca'",
		"DELETE FROM settings WHERE key IN ('integrity_sealed_at', 'audit_head', 'settings_mac', 'integrity_acknowledged')"} {
		e.exec(db, q)
	}
	e.reopen()
	_, err := e.svc.Login(e.ctx, "a@cpe.ca", goodPassword)
	wantReason(t, err, app.ReasonAccountTampered)
	for i := 0; i < 2; i++ { // stays after more activity and checks
		r, err := e.tr.Verify(e.ctx)
		if err != nil || r.OK() || r.SealedAt.IsZero() || strings.Join(r.RolledBack, " ") != "a@cpe.ca" {
			t.Fatalf("the new sealing or the changed account is not reported: %+v %v", r, err)
		}
	}
	e.clock.Advance(app.CodePeriod)
	second := e.signedIn("b@cpe.ca", secondSecret)
	if _, err := e.svc.Reseal(e.ctx, second, "a@cpe.ca", ""); err != nil {
		t.Fatal(err)
	}
	if err := e.svc.AcknowledgeIntegrity(e.ctx, second, ""); err != nil {
		t.Fatal(err)
	}
	if r, err := e.tr.Verify(e.ctx); err != nil || !r.OK() {
		t.Fatalf("after the acknowledgement: %+v %v", r, err)
	}
}

func TestTheKeyAloneNeverLeavesTheKeyStore(t *testing.T) {
	e := newEnv(t)
	e.addUser(app.RoleParent, "p@cpe.ca")
	var id string
	e.db.View(e.ctx, func(tx app.Tx) error { id, _, _ = tx.Setting(app.SettingMFAKeyID); return nil })
	key, err := e.keys.Key(id)
	if err != nil {
		t.Fatal(err)
	}
	for _, f := range []string{e.path, e.path + "-wal"} {
		b, _ := os.ReadFile(f)
		if strings.Contains(string(b), string(key)) {
			t.Fatalf("%s holds the key", f)
		}
	}
	var ae *app.Error
	if errors.As(app.ErrNotFound, &ae) && ae.Reason == "" {
		t.Fatal("unreachable")
	}
}

// Deleting every administrator from the file does not reopen the first
// run, and deleted accounts are reported.
func TestDeletingTheAdministratorsDoesNotReopenTheFirstRun(t *testing.T) {
	e := newEnv(t)
	admin := app.NewUser{Name: "Élodie", Email: "e@cpe.ca", Password: goodPassword}
	if _, err := e.tr.Setup(e.ctx, "CPE", admin, goodPassword); err != nil {
		t.Fatal(err)
	}
	e.addUser(app.RoleParent, "p@cpe.ca")
	e.exec(e.sqlite(), "DELETE FROM users")
	if need, _ := e.svc.NeedsSetup(e.ctx); need {
		t.Fatal("the first-run screen is back")
	}
	_, err := e.tr.Setup(e.ctx, "Intrus", app.NewUser{Name: "Intrus", Email: "i@x.ca", Password: goodPassword}, goodPassword)
	wantReason(t, err, app.ReasonAlreadySetUp)
	r, err := e.tr.Verify(e.ctx)
	if err != nil || r.OK() || strings.Join(r.Missing, " ") != "e@cpe.ca p@cpe.ca" {
		t.Fatalf("report = %+v, %v", r, err)
	}
}
