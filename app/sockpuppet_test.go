package app_test

import (
	"testing"

	"github.com/apetitspas/apetitspas/app"
)

// Issue 15, item 5: administrator A (with her code) creates administrator
// P, enrolls P on a second phone, and P resets A's AMF: refused, as it
// would be for A herself. The same through a promotion and through a
// chain of administrators; one A did not make may reset her.
func TestAnAdministratorIsNeverResetByOneSheMade(t *testing.T) {
	e := newEnv(t)
	a, aSecret := e.mfaAdmin("a@cpe.ca")
	other, otherSecret := e.mfaAdmin("other@cpe.ca")
	e.clock.Advance(app.CodePeriod)
	if _, err := e.svc.CreateAccount(e.ctx, a, app.NewUser{Role: app.RoleAdmin, Email: "p@cpe.ca", Name: "Pantin",
		Password: goodPassword}, e.code(aSecret, 0)); err != nil {
		t.Fatal(err)
	}
	if _, err := e.svc.CreateAccount(e.ctx, a, app.NewUser{Role: app.RoleEmployee, Email: "e@cpe.ca", Name: "Promue",
		Password: goodPassword}, ""); err != nil {
		t.Fatal(err)
	}
	if err := e.svc.SetRole(e.ctx, a, "e@cpe.ca", app.RoleAdmin, ""); err != nil {
		t.Fatal(err)
	}
	if u := e.user("p@cpe.ca"); u.CreatedBy != e.user("a@cpe.ca").ID {
		t.Fatalf("created_by = %d", u.CreatedBy)
	}
	pSecret := e.enroll("p@cpe.ca")
	eSecret := e.enroll("e@cpe.ca")
	p := e.signedIn("p@cpe.ca", pSecret)
	// P makes Q: Q is A's too, through P.
	e.clock.Advance(app.CodePeriod)
	if _, err := e.svc.CreateAccount(e.ctx, p, app.NewUser{Role: app.RoleAdmin, Email: "q@cpe.ca", Name: "Second pantin",
		Password: goodPassword}, e.code(pSecret, 0)); err != nil {
		t.Fatal(err)
	}
	qSecret := e.enroll("q@cpe.ca")
	for email, secret := range map[string]string{"p@cpe.ca": pSecret, "e@cpe.ca": eSecret, "q@cpe.ca": qSecret} {
		e.clock.Advance(app.CodePeriod)
		s := e.signedIn(email, secret)
		e.clock.Advance(app.CodePeriod)
		err := errOf(e.svc.ResetMFA(e.ctx, s, "a@cpe.ca", e.code(secret, 0)))
		wantReason(t, err, app.ReasonResetByOwnAdmin)
		e.clock.Advance(app.CodePeriod)
		_, err = e.svc.SetTemporaryPassword(e.ctx, s, "a@cpe.ca", e.code(secret, 0))
		wantReason(t, err, app.ReasonResetByOwnAdmin)
	}
	if u := e.user("a@cpe.ca"); u.MFA != app.MFAOn || u.MFASecret == nil {
		t.Fatal("a sock puppet changed her account")
	}
	denied := e.journal(app.AuditFilter{Event: app.EventAuthzDenied})
	n := 0
	for _, ev := range denied {
		if ev.Field(app.FieldReason) == app.ReasonResetByOwnAdmin {
			n++
		}
	}
	if n != 6 {
		t.Fatalf("%d refusals journaled", n)
	}
	// She may reset those she made (the other way round), and another
	// administrator may reset her.
	e.clock.Advance(app.CodePeriod)
	if err := errOf(e.svc.ResetMFA(e.ctx, a, "p@cpe.ca", e.code(aSecret, 0))); err != nil {
		t.Fatal(err)
	}
	e.clock.Advance(app.CodePeriod)
	if err := errOf(e.svc.ResetMFA(e.ctx, other, "a@cpe.ca", e.code(otherSecret, 0))); err != nil {
		t.Fatal(err)
	}
	// Who made an account is inside its MAC: clearing it in the file is
	// seen.
	e.exec(e.sqlite(), "UPDATE users SET created_by = 0 WHERE email = 'q@cpe.ca'")
	_, err := e.svc.Login(e.ctx, "q@cpe.ca", goodPassword)
	wantReason(t, err, app.ReasonAccountTampered)
}
