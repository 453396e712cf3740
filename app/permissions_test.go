package app_test

import (
	"testing"

	"github.com/apetitspas/apetitspas/app"
)

// The permission table the screens draw and the rules the services
// enforce agree, for every pair of actor and target: an action the table
// allows succeeds, one it refuses fails with the reason it gives.
func TestThePermissionTableIsWhatTheServicesEnforce(t *testing.T) {
	targets := []struct {
		name  string
		setup func(e *env) string // returns the target's e-mail
	}{
		{"own account", func(e *env) string { return "a@cpe.ca" }},
		{"employee without AMF", func(e *env) string { e.addUser(app.RoleEmployee, "k@cpe.ca"); return "k@cpe.ca" }},
		{"employee with AMF", func(e *env) string { e.addUser(app.RoleEmployee, "k@cpe.ca"); e.enroll("k@cpe.ca"); return "k@cpe.ca" }},
		{"locked parent", func(e *env) string {
			e.addUser(app.RoleParent, "p@cpe.ca")
			for i := 0; i < app.MaxFailedLogins; i++ {
				e.svc.Login(e.ctx, "p@cpe.ca", "mauvais-mot-de-passe")
			}
			return "p@cpe.ca"
		}},
		{"disabled employee", func(e *env) string {
			e.addUser(app.RoleEmployee, "k@cpe.ca")
			return "k@cpe.ca" // disabled once the administrator is signed in
		}},
		{"another administrator", func(e *env) string { e.mfaAdmin("b@cpe.ca"); return "b@cpe.ca" }},
		{"employee waiting for a reactivation code", func(e *env) string {
			e.addUser(app.RoleEmployee, "k@cpe.ca")
			e.enroll("k@cpe.ca")
			b, _ := e.mfaAdmin("b@cpe.ca")
			if _, err := e.svc.ResetMFA(e.ctx, b, "k@cpe.ca", ""); err != nil {
				e.t.Fatal(err)
			}
			return "k@cpe.ca"
		}},
		{"tampered employee", func(e *env) string {
			e.addUser(app.RoleEmployee, "k@cpe.ca")
			e.exec(e.sqlite(), "UPDATE users SET role = 'admin' WHERE email = 'k@cpe.ca'")
			return "k@cpe.ca"
		}},
	}
	type action struct {
		name string
		perm func(app.AccountActions) app.Permission
		do   func(e *env, l *app.Local, h *app.Handle, email string) error
	}
	actions := []action{
		{"reset", func(a app.AccountActions) app.Permission { return a.ResetMFA }, func(e *env, l *app.Local, h *app.Handle, email string) error {
			return errOf(l.ResetMFA(e.as(alice), h, email, ""))
		}},
		{"disable", func(a app.AccountActions) app.Permission { return a.Disable }, func(e *env, l *app.Local, h *app.Handle, email string) error {
			return l.SetDisabled(e.as(alice), h, email, true, "")
		}},
		{"temporary password", func(a app.AccountActions) app.Permission { return a.TempPassword }, func(e *env, l *app.Local, h *app.Handle, email string) error {
			_, err := l.SetTemporaryPassword(e.as(alice), h, email, "")
			return err
		}},
		{"role", func(a app.AccountActions) app.Permission { return a.Role }, func(e *env, l *app.Local, h *app.Handle, email string) error {
			return l.SetRole(e.as(alice), h, email, app.RoleParent, "")
		}},
		{"unlock", func(a app.AccountActions) app.Permission { return a.Unlock }, func(e *env, l *app.Local, h *app.Handle, email string) error {
			return l.Unlock(e.as(alice), h, email, "")
		}},
		{"reseal", func(a app.AccountActions) app.Permission { return a.Reseal }, func(e *env, l *app.Local, h *app.Handle, email string) error {
			_, err := l.Reseal(e.as(alice), h, email, "")
			return err
		}},
		{"new reactivation code", func(a app.AccountActions) app.Permission { return a.NewReactivationCode }, func(e *env, l *app.Local, h *app.Handle, email string) error {
			return errOf(l.NewReactivationCode(e.as(alice), h, email, ""))
		}},
		{"erase", func(a app.AccountActions) app.Permission { return a.Erase }, func(e *env, l *app.Local, h *app.Handle, email string) error {
			return errOf(l.EraseUser(e.as(alice), h, email, goodPassword, ""))
		}},
		{"export", func(a app.AccountActions) app.Permission { return a.Export }, func(e *env, l *app.Local, h *app.Handle, email string) error {
			return errOf(l.ExportPerson(e.as(alice), h, email, []string{app.ExportJSON}, nil))
		}},
	}
	// Refusals the services make no error of (nothing to do).
	noop := map[string]bool{app.ReasonNotLocked: true, app.ReasonSettingInvalid: true}
	for _, mfa := range []bool{true, false} {
		for _, tg := range targets {
			for _, ac := range actions {
				name := tg.name + "/" + ac.name
				if !mfa {
					name = "admin without AMF/" + name
				}
				t.Run(name, func(t *testing.T) {
					e := newEnv(t)
					e.addUser(app.RoleAdmin, "a@cpe.ca")
					secret := ""
					if mfa {
						secret = e.enroll("a@cpe.ca")
					}
					email := tg.setup(e)
					l := app.NewLocal(e.svc, true)
					h := e.apiSignedIn(l, e.as(alice), "a@cpe.ca", secret)
					if tg.name == "disabled employee" {
						if err := l.SetDisabled(e.as(alice), h, email, true, ""); err != nil {
							t.Fatal(err)
						}
					}
					table, err := l.Actions(e.as(alice), h, email)
					if err != nil {
						t.Fatal(err)
					}
					p := ac.perm(table)
					if p.NeedsCode && mfa {
						// The sign-in's code is fresh: no other is asked.
						if app.CodeRequired(h.View().CodeAt, e.clock.Now()) {
							t.Fatal("a fresh code is reported stale")
						}
					}
					err = ac.do(e, l, h, email)
					switch {
					case p.Allowed && err != nil:
						t.Fatalf("the table allows it, the service says %v", err)
					case !p.Allowed && noop[p.Reason]:
						if err != nil {
							t.Fatalf("nothing to do, yet %v", err)
						}
					case !p.Allowed && app.ErrorReason(err) != p.Reason:
						t.Fatalf("the table says %q, the service %v", p.Reason, err)
					}
				})
			}
		}
	}
}

func TestThePermissionTableOfTheSockPuppet(t *testing.T) {
	e := newEnv(t)
	l := app.NewLocal(e.svc, true)
	ctx := e.as(alice)
	e.addUser(app.RoleAdmin, "t@cpe.ca")
	ts := e.enroll("t@cpe.ca")
	ht := e.apiSignedIn(l, ctx, "t@cpe.ca", ts)
	if _, err := l.CreateAccount(ctx, ht, app.NewUser{Role: app.RoleAdmin, Email: "a@cpe.ca", Name: "Marionnette", Password: goodPassword}, ""); err != nil {
		t.Fatal(err)
	}
	as := e.enroll("a@cpe.ca")
	ha := e.apiSignedIn(l, ctx, "a@cpe.ca", as)
	table, err := l.Actions(ctx, ha, "t@cpe.ca")
	if err != nil {
		t.Fatal(err)
	}
	for _, p := range []app.Permission{table.ResetMFA, table.TempPassword, table.Erase} {
		if p.Allowed || p.Reason != app.ReasonResetByOwnAdmin || !p.NeedsCode {
			t.Fatalf("table = %+v", table)
		}
	}
	wantReason(t, errOf(l.ResetMFA(ctx, ha, "t@cpe.ca", "")), app.ReasonResetByOwnAdmin)
	wantReason(t, errOf(l.EraseUser(ctx, ha, "t@cpe.ca", goodPassword, "")), app.ReasonResetByOwnAdmin)
	// Nobody but administrators reads the table.
	e.addUser(app.RoleParent, "p@cpe.ca")
	hp := e.apiSignedIn(l, ctx, "p@cpe.ca", "")
	_, err = l.Actions(ctx, hp, "t@cpe.ca")
	wantReason(t, err, app.ReasonNotAdmin)
}
