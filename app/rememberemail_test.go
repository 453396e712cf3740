package app_test

import (
	"sync"
	"testing"

	"github.com/apetitspas/apetitspas/app"
)

// « Se souvenir du courriel sur cet ordinateur »: off by default; on,
// only the OS account whose password was last accepted here may have its
// e-mail offered; an administrator alone changes it, and the journal
// says so.
func TestTheKeptEmailIsOfferedOnlyWhenOnAndToTheOSAccountThatSignedInLast(t *testing.T) {
	e := newEnv(t)
	l := app.NewLocal(e.svc, false)
	e.addUser(app.RoleAdmin, "a@cpe.ca")
	e.addUser(app.RoleParent, "p@cpe.ca")
	e.addUser(app.RoleEmployee, "k@cpe.ca")
	remember := func(u app.OSUser) bool {
		t.Helper()
		on, err := l.RememberEmail(e.as(u))
		if err != nil {
			t.Fatal(err)
		}
		return on
	}
	if remember(alice) {
		t.Fatal("before any sign-in and with the setting off, nothing is offered")
	}
	admin := e.apiSignedIn(l, e.as(alice), "a@cpe.ca", "")
	if remember(alice) {
		t.Fatal("off by default")
	}
	if pol, err := l.StaffPolicy(e.as(alice), admin); err != nil || pol.RememberEmail {
		t.Fatalf("policy: %+v %v", pol, err)
	}

	// Staff and parents cannot turn it on.
	for _, email := range []string{"p@cpe.ca", "k@cpe.ca"} {
		h := e.apiSignedIn(l, e.as(bruno), email, "")
		wantReason(t, l.SetRememberEmail(e.as(bruno), h, true), app.ReasonNotAdmin)
	}
	if err := l.SetRememberEmail(e.as(alice), admin, true); err != nil {
		t.Fatal(err)
	}
	if pol, err := l.StaffPolicy(e.as(alice), admin); err != nil || !pol.RememberEmail {
		t.Fatalf("policy: %+v %v", pol, err)
	}
	evs := e.journal(app.AuditFilter{Event: app.EventSettingChanged})
	if len(evs) == 0 || evs[0].Field(app.FieldSetting) != app.SettingRememberEmail || evs[0].Field(app.FieldValue) != "1" || evs[0].Actor != "a@cpe.ca" {
		t.Fatalf("journal: %+v", evs)
	}

	// Bruno signed in last (a parent and an employee above).
	if remember(alice) || !remember(bruno) {
		t.Fatal("only the OS account that signed in last is offered its e-mail")
	}
	e.apiSignedIn(l, e.as(alice), "p@cpe.ca", "")
	if !remember(alice) || remember(bruno) || remember(root) {
		t.Fatal("after Alice's sign-in, Alice alone")
	}
	// A wrong password is not a sign-in.
	if _, err := l.Login(e.as(bruno), "p@cpe.ca", "mauvais mot de passe"); err == nil {
		t.Fatal("a wrong password was accepted")
	}
	if !remember(alice) || remember(bruno) {
		t.Fatal("a refused password changed who signed in last")
	}

	if err := l.SetRememberEmail(e.as(alice), admin, false); err != nil {
		t.Fatal(err)
	}
	if remember(alice) {
		t.Fatal("turned off: nothing is offered")
	}
	evs = e.journal(app.AuditFilter{Event: app.EventSettingChanged})
	if evs[0].Field(app.FieldValue) != "0" {
		t.Fatalf("journal: %+v", evs[0])
	}
}

// Sign-ins at the same time from two OS accounts: afterwards exactly
// one of them is the last, never both.
func TestConcurrentSignInsLeaveOneLastOSAccount(t *testing.T) {
	e := newEnv(t)
	l := app.NewLocal(e.svc, false)
	e.addUser(app.RoleAdmin, "a@cpe.ca")
	e.addUser(app.RoleParent, "p@cpe.ca")
	admin := e.apiSignedIn(l, e.as(alice), "a@cpe.ca", "")
	if err := l.SetRememberEmail(e.as(alice), admin, true); err != nil {
		t.Fatal(err)
	}
	for round := 0; round < 5; round++ {
		var wg sync.WaitGroup
		for _, u := range []app.OSUser{alice, bruno, root} {
			wg.Add(1)
			go func() {
				defer wg.Done()
				if _, err := l.Login(e.as(u), "p@cpe.ca", goodPassword); err != nil {
					t.Error(err)
				}
			}()
		}
		wg.Wait()
		n := 0
		for _, u := range []app.OSUser{alice, bruno, root} {
			if on, _ := l.RememberEmail(e.as(u)); on {
				n++
			}
		}
		if n != 1 {
			t.Fatalf("round %d: %d OS accounts may see the e-mail", round, n)
		}
	}
}
