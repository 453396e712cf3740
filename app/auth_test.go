package app_test

import (
	"strings"
	"testing"
	"time"

	"github.com/apetitspas/apetitspas/app"
)

func TestLoginWithTheRightPasswordSignsIn(t *testing.T) {
	e := newEnv(t)
	e.addUser(app.RoleEmployee, "sophie@cpe.ca")
	sess, err := e.svc.Login(e.ctx, "  Sophie@CPE.ca ", goodPassword)
	if err != nil {
		t.Fatal(err)
	}
	if sess.User().Email != "sophie@cpe.ca" || sess.Step() != app.StepSignedIn {
		t.Fatalf("session = %+v", sess)
	}
	if got := e.events(app.AuditFilter{Event: app.EventLoginSucceeded}); len(got) != 1 {
		t.Fatalf("login.succeeded events = %v", got)
	}
}

func TestUnknownEmailAndWrongPasswordGiveTheSameError(t *testing.T) {
	e := newEnv(t)
	e.addUser(app.RoleParent, "parent@cpe.ca")
	_, errUnknown := e.svc.Login(e.ctx, "personne@cpe.ca", goodPassword)
	_, errWrong := e.svc.Login(e.ctx, "parent@cpe.ca", "pas-le-bon-mot")
	if errUnknown == nil || errWrong == nil {
		t.Fatal("a bad sign-in succeeded")
	}
	if errUnknown.Error() != errWrong.Error() {
		t.Fatalf("errors differ: %q vs %q", errUnknown, errWrong)
	}
	wantReason(t, errUnknown, app.ReasonBadCredentials)
	if got := e.events(app.AuditFilter{Event: app.EventLoginFailed}); len(got) != 2 {
		t.Fatalf("login.failed events = %v, want 2", got)
	}
}

func TestTheDummyHashCostsTheSameAsARealOne(t *testing.T) {
	// Same parameters means the same work: the unknown-e-mail path verifies
	// against it (timing is measured by BenchmarkLogin*, not here).
	h, err := app.HashPassword("x", app.DefaultArgon2)
	if err != nil {
		t.Fatal(err)
	}
	params := func(s string) string { return strings.Split(s, "$")[3] }
	if params(app.DummyHash) != params(h) {
		t.Fatalf("dummy hash parameters %s, real ones %s", params(app.DummyHash), params(h))
	}
	if app.VerifyPassword("", app.DummyHash) || app.VerifyPassword(goodPassword, app.DummyHash) {
		t.Fatal("the dummy hash matched a password")
	}
}

func TestTenFailuresLockTheAccountForFifteenMinutesAcrossARestart(t *testing.T) {
	e := newEnv(t)
	e.addUser(app.RoleEmployee, "karim@cpe.ca")
	for i := 1; i <= 9; i++ {
		_, err := e.svc.Login(e.ctx, "karim@cpe.ca", "mauvais-mot-de-passe")
		wantReason(t, err, app.ReasonBadCredentials)
	}
	_, err := e.svc.Login(e.ctx, "karim@cpe.ca", "mauvais-mot-de-passe")
	wantReason(t, err, app.ReasonAccountLocked)
	var ae *app.Error
	if !asError(err, &ae) || !ae.Until.Equal(e.clock.Now().Add(15*time.Minute)) {
		t.Fatalf("lock until = %v, want now+15m", ae)
	}

	e.reopen() // the lock is stored, not in memory
	e.clock.Advance(14*time.Minute + 59*time.Second)
	_, err = e.svc.Login(e.ctx, "karim@cpe.ca", goodPassword)
	wantReason(t, err, app.ReasonAccountLocked)

	e.clock.Advance(time.Second)
	if _, err := e.svc.Login(e.ctx, "karim@cpe.ca", goodPassword); err != nil {
		t.Fatalf("after 15 minutes: %v", err)
	}
	evs := e.events(app.AuditFilter{Person: "karim@cpe.ca"})
	if count(evs, app.EventLoginFailed) != 10 || count(evs, app.EventLoginLocked) != 1 || count(evs, app.EventLoginSucceeded) != 1 {
		t.Fatalf("journal = %v", evs)
	}
}

func TestASuccessResetsTheFailureCount(t *testing.T) {
	e := newEnv(t)
	e.addUser(app.RoleParent, "p@cpe.ca")
	for i := 0; i < 9; i++ {
		e.svc.Login(e.ctx, "p@cpe.ca", "mauvais-mot-de-passe")
	}
	if _, err := e.svc.Login(e.ctx, "p@cpe.ca", goodPassword); err != nil {
		t.Fatal(err)
	}
	_, err := e.svc.Login(e.ctx, "p@cpe.ca", "mauvais-mot-de-passe")
	wantReason(t, err, app.ReasonBadCredentials) // 1 of 10 again, not 10 of 10
	if got := e.user("p@cpe.ca").FailedLogins; got != 1 {
		t.Fatalf("failed logins = %d, want 1", got)
	}
}

func TestADisabledAccountCannotSignIn(t *testing.T) {
	e := newEnv(t)
	e.addUser(app.RoleEmployee, "julie@cpe.ca")
	if err := e.svc.UpdateUserForTest(e.ctx, "julie@cpe.ca", func(u *app.User) { u.Disabled = true }); err != nil {
		t.Fatal(err)
	}
	_, err := e.svc.Login(e.ctx, "julie@cpe.ca", goodPassword)
	wantReason(t, err, app.ReasonAccountDisabled)
	// With a wrong password, a disabled account looks like any other failure.
	_, err = e.svc.Login(e.ctx, "julie@cpe.ca", "mauvais-mot-de-passe")
	wantReason(t, err, app.ReasonBadCredentials)
	if got := e.events(app.AuditFilter{Event: app.EventLoginRefused}); len(got) != 1 {
		t.Fatalf("login.refused = %v", got)
	}
}

func TestAHugePasteIsRefusedWithoutSigningIn(t *testing.T) {
	e := newEnv(t)
	e.addUser(app.RoleParent, "p@cpe.ca")
	_, err := e.svc.Login(e.ctx, "p@cpe.ca", strings.Repeat(goodPassword, 100000))
	wantReason(t, err, app.ReasonBadCredentials)
	_, err = e.svc.Login(e.ctx, strings.Repeat("a", 1<<20)+"@cpe.ca", goodPassword)
	wantReason(t, err, app.ReasonBadCredentials)
}

func TestAWeakHashIsUpgradedAtTheNextSignIn(t *testing.T) {
	e := newEnvRealCost(t)
	e.addUser(app.RoleParent, "p@cpe.ca")
	weak, err := app.HashPassword(goodPassword, app.Argon2Params{MemoryKiB: 8 * 1024, Time: 1, Threads: 1, SaltLen: 16, KeyLen: 32})
	if err != nil {
		t.Fatal(err)
	}
	if err := e.svc.UpdateUserForTest(e.ctx, "p@cpe.ca", func(u *app.User) { u.PasswordHash = weak }); err != nil {
		t.Fatal(err)
	}
	if _, err := e.svc.Login(e.ctx, "p@cpe.ca", goodPassword); err != nil {
		t.Fatal(err)
	}
	if got := e.user("p@cpe.ca").PasswordHash; !strings.HasPrefix(got, "$argon2id$v=19$m=19456,t=2,p=1$") {
		t.Fatalf("hash not upgraded: %s", got)
	}
}

func TestPasswordHashesArePHCArgon2idWithAtLeastTheMinimumCost(t *testing.T) {
	h, err := app.HashPassword(goodPassword, app.DefaultArgon2)
	if err != nil {
		t.Fatal(err)
	}
	if !strings.HasPrefix(h, "$argon2id$v=19$m=19456,t=2,p=1$") || len(strings.Split(h, "$")) != 6 {
		t.Fatalf("hash = %s", h)
	}
	if !app.VerifyPassword(goodPassword, h) || app.VerifyPassword(goodPassword+"!", h) {
		t.Fatal("verify gives the wrong answer")
	}
	for _, bad := range []string{"", "$argon2id$", "$argon2i$v=19$m=19456,t=2,p=1$AAAA$AAAA", "$argon2id$v=19$m=999999999,t=2,p=1$AAAA$AAAAAAAAAAAAAAAAAAAAAA"} {
		if app.VerifyPassword(goodPassword, bad) {
			t.Fatalf("malformed hash %q matched", bad)
		}
	}
}

func TestLogoutAndIdleLockAreJournaled(t *testing.T) {
	e := newEnv(t)
	e.addUser(app.RoleParent, "p@cpe.ca")
	sess, _ := e.svc.Login(e.ctx, "p@cpe.ca", goodPassword)
	e.svc.Logout(e.ctx, sess, app.EventIdleLock)
	e.svc.Logout(e.ctx, sess, "")
	evs := e.events(app.AuditFilter{})
	if evs[len(evs)-2] != app.EventIdleLock || evs[len(evs)-1] != app.EventLogout {
		t.Fatalf("journal = %v", evs)
	}
}
