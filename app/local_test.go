package app_test

import (
	"context"
	"fmt"
	"sync"
	"testing"
	"time"

	"github.com/apetitspas/apetitspas/app"
)

// The API as the window and the tool hold it: sessions live in the
// service, a client holds a token.

var (
	alice = app.OSUser{Name: "alice"}
	bruno = app.OSUser{Name: "bruno"}
	root  = app.OSUser{Name: "root", Elevated: true}
)

// as is a context carrying the caller's OS account, as a transport sets it.
func (e *env) as(u app.OSUser) context.Context { return app.WithCaller(e.ctx, u) }

// apiSignedIn signs email in through l as caller (with a code when needed).
func (e *env) apiSignedIn(l *app.Local, ctx context.Context, email, secret string) *app.Handle {
	e.t.Helper()
	h, err := l.Login(ctx, email, goodPassword)
	if err != nil {
		e.t.Fatal(err)
	}
	if h.Step() == app.StepCode {
		e.clock.Advance(app.CodePeriod)
		if err := l.VerifyCode(ctx, h, e.code(secret, 0)); err != nil {
			e.t.Fatal(err)
		}
	}
	if h.Step() != app.StepSignedIn {
		e.t.Fatalf("%s: step %v", email, h.Step())
	}
	return h
}

func TestAHandleIsATokenTheServiceLooksUp(t *testing.T) {
	e := newEnv(t)
	l := app.NewLocal(e.svc, false)
	e.addUser(app.RoleAdmin, "a@cpe.ca")
	secret := e.enroll("a@cpe.ca")
	ctx := e.as(alice)
	h, err := l.Login(ctx, "a@cpe.ca", goodPassword)
	if err != nil || h.Step() != app.StepCode || h.Token() == "" {
		t.Fatalf("login: %v %v", h.Step(), err)
	}
	// Before the code, no administration.
	_, err = l.Users(ctx, h, app.UserFilter{})
	wantReason(t, err, app.ReasonNotSignedIn)
	e.clock.Advance(app.CodePeriod)
	if err := l.VerifyCode(ctx, h, e.code(secret, 0)); err != nil {
		t.Fatal(err)
	}
	if h.Step() != app.StepSignedIn || h.User().Email != "a@cpe.ca" || h.User().PasswordHash != "" || h.User().MFASecret != nil || h.User().Recovery != nil {
		t.Fatalf("view = %+v", h.View())
	}
	if codes := h.TakeRecoveryCodes(); codes != nil {
		t.Fatalf("codes shown at a later sign-in: %v", codes)
	}
	if _, err := l.Users(ctx, h, app.UserFilter{}); err != nil {
		t.Fatal(err)
	}

	// What the client says of itself changes nothing: a handle made up
	// with the same view and another token, or the view of an
	// administrator on a token of a parent, act for nobody else.
	forged := app.NewHandle("made-up-token", h.View())
	_, err = l.Users(ctx, forged, app.UserFilter{})
	wantReason(t, err, app.ReasonSessionExpired)
	e.addUser(app.RoleParent, "p@cpe.ca")
	hp, err := l.Login(ctx, "p@cpe.ca", goodPassword)
	if err != nil {
		t.Fatal(err)
	}
	hp.SetView(h.View())
	_, err = l.Users(ctx, hp, app.UserFilter{})
	wantReason(t, err, app.ReasonNotAdmin)

	// Another OS account holding the token gets nothing.
	_, err = l.Users(e.as(bruno), h, app.UserFilter{})
	wantReason(t, err, app.ReasonSessionExpired)
	if _, err := l.Users(ctx, h, app.UserFilter{}); err != nil {
		t.Fatalf("the owner lost her session: %v", err)
	}

	// Nor can it sign the owner out: her session goes on, unjournaled.
	logouts := len(e.events(app.AuditFilter{Event: app.EventLogout}))
	if err := l.Logout(e.as(bruno), h, app.EventLogout); err != nil {
		t.Fatal(err)
	}
	if _, err := l.Users(ctx, h, app.UserFilter{}); err != nil {
		t.Fatalf("another OS account signed the owner out: %v", err)
	}
	if n := len(e.events(app.AuditFilter{Event: app.EventLogout})); n != logouts {
		t.Fatalf("a sign-out journaled for another OS account: %d", n-logouts)
	}

	// Signed out: the token is dead.
	if err := l.Logout(ctx, h, app.EventLogout); err != nil {
		t.Fatal(err)
	}
	_, err = l.Users(ctx, h, app.UserFilter{})
	wantReason(t, err, app.ReasonSessionExpired)
	if err := l.Logout(ctx, h, app.EventLogout); err != nil {
		t.Fatalf("a second sign-out: %v", err)
	}
}

func TestTheServiceLocksAnIdleSessionAndEndsAnOldOne(t *testing.T) {
	e := newEnv(t)
	l := app.NewLocal(e.svc, false)
	e.addUser(app.RoleAdmin, "a@cpe.ca")
	secret := e.enroll("a@cpe.ca")
	ctx := e.as(alice)
	h := e.apiSignedIn(l, ctx, "a@cpe.ca", secret)
	if err := l.SetIdleMinutes(ctx, h, 5); err != nil {
		t.Fatal(err)
	}
	// Activity keeps it: a call every 4 minutes for an hour.
	for i := 0; i < 15; i++ {
		e.clock.Advance(4 * time.Minute)
		if err := l.Refresh(ctx, h); err != nil {
			t.Fatalf("after %d minutes of activity: %v", 4*(i+1), err)
		}
	}
	before := count(e.events(app.AuditFilter{}), app.EventIdleLock)
	e.clock.Advance(5 * time.Minute)
	err := l.Refresh(ctx, h)
	wantReason(t, err, app.ReasonSessionExpired)
	if n := count(e.events(app.AuditFilter{}), app.EventIdleLock); n != before+1 {
		t.Fatalf("idle locks journaled = %d, want %d", n, before+1)
	}

	// Busy all day, a sign-in still ends after MaxSessionAge.
	h = e.apiSignedIn(l, ctx, "a@cpe.ca", secret)
	for age := time.Duration(0); age < app.MaxSessionAge-5*time.Minute; age += 4 * time.Minute {
		e.clock.Advance(4 * time.Minute)
		if err := l.Refresh(ctx, h); err != nil {
			t.Fatalf("at %v: %v", age, err)
		}
	}
	e.clock.Advance(6 * time.Minute)
	wantReason(t, l.Refresh(ctx, h), app.ReasonSessionExpired)
}

func TestADisabledAccountLosesItsSessionAtOnce(t *testing.T) {
	e := newEnv(t)
	l := app.NewLocal(e.svc, false)
	e.addUser(app.RoleAdmin, "a@cpe.ca")
	secret := e.enroll("a@cpe.ca")
	e.addUser(app.RoleEmployee, "k@cpe.ca")
	ctx := e.as(alice)
	ha := e.apiSignedIn(l, ctx, "a@cpe.ca", secret)
	hk := e.apiSignedIn(l, e.as(bruno), "k@cpe.ca", "")
	if err := l.SetDisabled(ctx, ha, "k@cpe.ca", true, ""); err != nil {
		t.Fatal(err)
	}
	wantReason(t, l.Refresh(e.as(bruno), hk), app.ReasonAccountDisabled)
	if err := l.SetDisabled(ctx, ha, "k@cpe.ca", false, ""); err != nil {
		t.Fatal(err)
	}
	// Enabled again, the old token stays dead: she signs in again.
	wantReason(t, l.Refresh(e.as(bruno), hk), app.ReasonSessionExpired)
}

// One sign-in used from many goroutines at once (a window's background
// work): the race detector and the results stay clean.
func TestOneHandleUsedConcurrently(t *testing.T) {
	e := newEnv(t)
	l := app.NewLocal(e.svc, false)
	e.addUser(app.RoleAdmin, "a@cpe.ca")
	secret := e.enroll("a@cpe.ca")
	ctx := e.as(alice)
	h := e.apiSignedIn(l, ctx, "a@cpe.ca", secret)
	var wg sync.WaitGroup
	errs := make(chan error, 40)
	for i := 0; i < 20; i++ {
		wg.Add(2)
		go func() {
			defer wg.Done()
			if _, err := l.Overview(ctx, h); err != nil {
				errs <- err
			}
		}()
		go func(i int) {
			defer wg.Done()
			if _, err := l.CreateAccount(ctx, h, app.NewUser{Role: app.RoleParent, Email: fmt.Sprintf("p%d@cpe.ca", i), Name: "Parent"}, ""); err != nil {
				errs <- err
			}
		}(i)
	}
	wg.Wait()
	close(errs)
	for err := range errs {
		t.Error(err)
	}
	if us, err := l.Users(ctx, h, app.UserFilter{Role: app.RoleParent}); err != nil || len(us) != 20 {
		t.Fatalf("%d parents, %v", len(us), err)
	}
}

func TestTheTechniciansListingsNeedTheComputersAdministratorInAService(t *testing.T) {
	e := newEnv(t)
	e.addUser(app.RoleAdmin, "a@cpe.ca")
	svc := app.NewLocal(e.svc, false).Technician()
	_, err := svc.ListUsers(e.as(alice), app.UserFilter{})
	wantReason(t, err, app.ReasonNotTechnician)
	_, err = svc.ListUsers(e.ctx, app.UserFilter{}) // no transport said who
	wantReason(t, err, app.ReasonNotTechnician)
	_, err = svc.Verify(e.as(alice))
	wantReason(t, err, app.ReasonNotTechnician)
	us, err := svc.ListUsers(e.as(root), app.UserFilter{})
	if err != nil || len(us) != 1 || us[0].PasswordHash != "" || us[0].MAC != nil {
		t.Fatalf("root: %+v %v", us, err)
	}
	// An embedded daycare trusts its own OS account.
	if _, err := app.NewLocal(e.svc, true).Technician().ListUsers(e.as(alice), app.UserFilter{}); err != nil {
		t.Fatal(err)
	}
	// Break-glass takes the account the transport saw, never another.
	err = errOf(app.NewLocal(e.svc, true).Technician().BreakGlassReset(e.as(alice), "a@cpe.ca", "Téléphone perdu, personne d'autre"))
	wantReason(t, err, app.ReasonNotElevated)
}

// An account changed in the file is refused to every action but Reseal:
// writing it would give it a valid MAC again without the review.
func TestNoActionButResealTouchesATamperedAccount(t *testing.T) {
	e := newEnv(t)
	admin, _ := e.mfaAdmin("a@cpe.ca")
	e.addUser(app.RoleEmployee, "k@cpe.ca")
	e.enroll("k@cpe.ca")
	for i := 0; i < 10; i++ {
		e.svc.Login(e.ctx, "k@cpe.ca", "mauvais-mot-de-passe")
	}
	e.exec(e.sqlite(), "UPDATE users SET role = 'admin' WHERE email = 'k@cpe.ca'")
	wantReason(t, e.svc.Unlock(e.ctx, admin, "k@cpe.ca", ""), app.ReasonAccountTampered)
	wantReason(t, e.svc.SetDisabled(e.ctx, admin, "k@cpe.ca", true, ""), app.ReasonAccountTampered)
	wantReason(t, errOf(e.svc.ResetMFA(e.ctx, admin, "k@cpe.ca", "")), app.ReasonAccountTampered)
	wantReason(t, e.svc.SetRole(e.ctx, admin, "k@cpe.ca", app.RoleParent, ""), app.ReasonAccountTampered)
	_, err := e.svc.SetTemporaryPassword(e.ctx, admin, "k@cpe.ca", "")
	wantReason(t, err, app.ReasonAccountTampered)
	_, err = e.svc.Login(e.ctx, "k@cpe.ca", goodPassword)
	wantReason(t, err, app.ReasonAccountTampered) // still: no action re-MACed it
	if _, err := e.svc.Reseal(e.ctx, admin, "k@cpe.ca", ""); err != nil {
		t.Fatal(err)
	}
}

// A demoted administrator's recovery codes (copies of the key) go with
// her role.
func TestADemotedAdministratorKeepsNoRecoveryCodes(t *testing.T) {
	e := newEnv(t)
	l := app.NewLocal(e.svc, true)
	ctx := e.as(alice)
	e.addUser(app.RoleAdmin, "a@cpe.ca")
	as := e.enroll("a@cpe.ca")
	e.addUser(app.RoleAdmin, "b@cpe.ca")
	bs := e.enroll("b@cpe.ca")
	if e.user("b@cpe.ca").RecoveryCodesLeft() == 0 {
		t.Fatal("no codes to begin with")
	}
	ha := e.apiSignedIn(l, ctx, "a@cpe.ca", as)
	if err := l.SetRole(ctx, ha, "b@cpe.ca", app.RoleEmployee, ""); err != nil {
		t.Fatal(err)
	}
	if n := e.user("b@cpe.ca").RecoveryCodesLeft(); n != 0 {
		t.Fatalf("%d recovery codes left after the demotion", n)
	}
	hb := e.apiSignedIn(l, ctx, "b@cpe.ca", bs)
	if hb.RecoveryCodesLeft() != 0 {
		t.Fatalf("the handle says %d codes", hb.RecoveryCodesLeft())
	}
}

// The first run through the API answers the new administrator as every
// other call does: no password hash, no secret, no MAC.
func TestTheFirstRunThroughTheAPITellsNoHash(t *testing.T) {
	e := newEnv(t)
	l := app.NewLocal(e.svc, false)
	admin := app.NewUser{Name: "Élodie D'Amour", Email: "elodie@lucioles.ca", Password: goodPassword}
	u, err := l.Setup(e.as(alice), "CPE Les Lucioles", admin, goodPassword)
	if err != nil {
		t.Fatal(err)
	}
	if u.Email != "elodie@lucioles.ca" || u.Role != app.RoleAdmin {
		t.Fatalf("setup answered %+v", u)
	}
	if u.PasswordHash != "" || u.MFASecret != nil || u.MAC != nil || u.Recovery != nil {
		t.Fatalf("setup answered secrets: %+v", u)
	}
}
