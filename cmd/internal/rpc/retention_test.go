//go:build cgo

package rpc

import (
	"testing"
	"time"

	"github.com/apetitspas/apetitspas/app"
	"github.com/apetitspas/apetitspas/data/datatest"
)

// retentionScenario is Sécurité → « Conservation des renseignements » on
// s: the settings read and changed (a refusal too), the accounts disabled
// for longer than the delay, then erased with one confirmation.
func retentionScenario(t *testing.T, s *side, r *transcript) {
	ctx, api, d := s.ctx, s.api, s.d
	step := func(name string, vals ...any) { r.note(name, vals...) }
	must := func(what string, err error) {
		t.Helper()
		if err != nil {
			t.Fatalf("%s: %s: %v", s.name, what, err)
		}
	}
	ret, ok := api.(app.Retainer)
	if !ok {
		t.Fatalf("%s has no retention", s.name)
	}
	_, err := api.Setup(ctx, "CPE Les Petits Pas", app.NewUser{Email: dirEmail, Name: "Diane Directrice", Password: datatest.Password}, datatest.Password)
	must("setup", err)
	secret, codes := d.Enroll(dirEmail)
	r.random(secret)
	r.random(codes...)
	signIn := func() *app.Handle {
		t.Helper()
		d.Clock.Advance(app.CodePeriod)
		h, err := api.SignInAdmin(ctx, dirEmail, datatest.Password, d.Code(secret, 0))
		must("sign-in", err)
		return h
	}
	admin := signIn()
	for _, n := range []app.NewUser{{Role: app.RoleEmployee, Email: educEmail, Name: "Éric Éducateur", Password: pwEduc},
		{Role: app.RoleParent, Email: parEmail, Name: "Paule Parent", Password: pwParent}} {
		_, err := api.CreateAccount(ctx, admin, n, "")
		must("create", err)
	}
	hp, err := api.Login(ctx, parEmail, pwParent)
	must("parent", err)
	rr, err := ret.Retention(ctx, hp)
	step("Retention not admin", rr, err, hp)
	step("SetRetention not admin", ret.SetRetention(ctx, hp, 6, 5, ""), hp)
	rr, err = ret.Retention(ctx, admin)
	step("Retention defaults", rr, err, admin)
	step("SetRetention bad months", ret.SetRetention(ctx, admin, 0, 5, ""), admin)
	step("SetRetention bad years", ret.SetRetention(ctx, admin, 6, 51, ""), admin)
	step("SetRetention", ret.SetRetention(ctx, admin, 6, 3, ""), admin)
	d.Clock.Advance(app.FreshCodeWindow + time.Second)
	step("SetRetention stale code", ret.SetRetention(ctx, admin, 6, 2, ""), admin)
	step("SetRetention same values, stale code", ret.SetRetention(ctx, admin, 6, 3, ""), admin)
	d.Clock.Advance(app.CodePeriod)
	step("SetRetention with the code", ret.SetRetention(ctx, admin, 6, 2, d.Code(secret, 0)), admin)
	rr, err = ret.Retention(ctx, admin)
	step("Retention after the code", rr, err, admin)
	if rr.JournalYears != 2 {
		t.Fatalf("%s: the code did not go through: %+v", s.name, rr)
	}
	for _, email := range []string{educEmail, parEmail} {
		must("disable", api.SetDisabled(ctx, admin, email, true, ""))
	}
	d.Clock.Advance(7 * 31 * 24 * time.Hour)
	admin = signIn()
	rr, err = ret.Retention(ctx, admin)
	step("Retention", rr, err, admin)
	if len(rr.Disabled) != 2 {
		t.Fatalf("%s: listed %+v", s.name, rr.Disabled)
	}
	out, err := ret.EraseDisabled(ctx, admin, []string{parEmail}, "mauvais mot de passe", "")
	step("EraseDisabled wrong password", out, err, admin)
	out, err = ret.EraseDisabled(ctx, admin, nil, datatest.Password, "")
	step("EraseDisabled none", out, err, admin)
	out, err = ret.EraseDisabled(ctx, admin, []string{parEmail, dirEmail, educEmail, "personne@cpe.ca"}, datatest.Password, "")
	step("EraseDisabled", out, err, admin)
	if len(out) != 4 || out[0].Person == 0 || out[1].Reason != app.ReasonSelfErase || out[2].Person == 0 {
		t.Fatalf("%s: erased %+v", s.name, out)
	}
	rr, err = ret.Retention(ctx, admin)
	step("Retention after", rr, err, admin)
	evs, err := api.Audit(ctx, admin, app.AuditFilter{Event: app.EventUserErased})
	step("Audit user.erased", len(evs), err)
	evs, err = api.Audit(ctx, admin, app.AuditFilter{Event: app.EventSettingChanged})
	step("Audit setting.changed", evs, err)
}

// The retention through the service is the retention in-process: the
// same settings, list, refusals and erasures.
func TestRetentionIsTheSameThroughTheService(t *testing.T) {
	local, wire := new(transcript), new(transcript)
	retentionScenario(t, localSide(t, datatest.Options{Argon2: datatest.QuickArgon2}), local)
	retentionScenario(t, wireSide(t, datatest.Options{Argon2: datatest.QuickArgon2}), wire)
	compare(t, local, wire)
}
