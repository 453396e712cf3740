package app_test

import (
	"testing"

	"github.com/apetitspas/apetitspas/app"
)

// A first sign-in with a temporary password goes: her own password, then
// the QR code, then in (never the QR code before « Choisissez votre mot
// de passe »). An AMF already on asks its code first, before anything.
func TestAFirstSignInChoosesThePasswordBeforeTheQRCode(t *testing.T) {
	const own = "trois chats sur le toit du garage"
	e := newEnv(t)
	admin, _ := e.mfaAdmin("a@cpe.ca")
	if err := e.svc.SetStaffPolicy(e.ctx, admin, true, 0, ""); err != nil {
		t.Fatal(err)
	}
	created, err := e.svc.CreateAccount(e.ctx, admin, app.NewUser{Role: app.RoleEmployee, Email: "new@cpe.ca", Name: "Nouvelle Employée"}, "")
	if err != nil || created.User.MFA != app.MFAPending || !created.User.MustChangePassword {
		t.Fatalf("create: %+v %v", created.User, err)
	}
	s, err := e.svc.Login(e.ctx, "new@cpe.ca", created.TempPassword)
	if err != nil || s.Step() != app.StepNewPassword {
		t.Fatalf("first step %v (%v), want her own password", s.Step(), err)
	}
	if _, err := e.svc.BeginEnrollment(e.ctx, s); err == nil {
		t.Fatal("the QR code was given before her own password")
	}
	if err := e.svc.ChooseNewPassword(e.ctx, s, own, own); err != nil {
		t.Fatal(err)
	}
	if s.Step() != app.StepEnroll {
		t.Fatalf("after her password: step %v, want the QR code", s.Step())
	}
	secret, _ := e.finishEnrollment(s)
	if s.Step() != app.StepSignedIn {
		t.Fatalf("after the QR code: step %v, want in", s.Step())
	}

	// Her AMF on, a temporary password from an administrator: the code
	// first (the second factor before anything), then her own password,
	// then in.
	temp, err := e.svc.SetTemporaryPassword(e.ctx, admin, "new@cpe.ca", e.code(e.kit.Secrets["a@cpe.ca"], 0))
	if err != nil {
		t.Fatal(err)
	}
	e.clock.Advance(app.CodePeriod)
	if s, err = e.svc.Login(e.ctx, "new@cpe.ca", temp); err != nil || s.Step() != app.StepCode {
		t.Fatalf("with AMF on: first step %v (%v), want the code", s.Step(), err)
	}
	if err := e.svc.VerifyCode(e.ctx, s, e.code(secret, 0)); err != nil {
		t.Fatal(err)
	}
	if s.Step() != app.StepNewPassword {
		t.Fatalf("after the code: step %v, want her own password", s.Step())
	}
	if err := e.svc.ChooseNewPassword(e.ctx, s, own+" encore", own+" encore"); err != nil {
		t.Fatal(err)
	}
	if s.Step() != app.StepSignedIn {
		t.Fatalf("after her password: step %v, want in", s.Step())
	}
}
