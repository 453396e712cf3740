package app_test

import (
	"testing"
	"time"

	"github.com/apetitspas/apetitspas/app"
)

// journal returns the journal's events, newest first.
func (e *env) journal(f app.AuditFilter) []app.AuditEvent {
	e.t.Helper()
	evs, err := e.tr.Audit(e.ctx, f)
	if err != nil {
		e.t.Fatal(err)
	}
	return evs
}

func TestEveryEventWithADetailAlsoHasItsFields(t *testing.T) {
	e := newEnv(t)
	admin, _ := e.mfaAdmin("a@cpe.ca")
	e.addUser(app.RoleEmployee, "k@cpe.ca")
	e.addUser(app.RoleParent, "p@cpe.ca")
	e.svc.Login(e.ctx, "p@cpe.ca", "mauvais-mot-de-passe")
	e.svc.Login(e.ctx, "inconnu@cpe.ca", "mauvais-mot-de-passe")
	if err := e.svc.SetStaffPolicy(e.ctx, admin, true, 7, ""); err != nil {
		t.Fatal(err)
	}
	if err := e.svc.SetIdleMinutes(e.ctx, admin, 12); err != nil {
		t.Fatal(err)
	}
	if err := e.svc.SetRole(e.ctx, admin, "p@cpe.ca", app.RoleEmployee, ""); err != nil {
		t.Fatal(err)
	}
	if err := e.svc.SetDisabled(e.ctx, admin, "p@cpe.ca", true, ""); err != nil {
		t.Fatal(err)
	}
	e.svc.Login(e.ctx, "p@cpe.ca", goodPassword)
	for _, ev := range e.journal(app.AuditFilter{}) {
		if ev.Detail != "" && len(ev.Fields) == 0 {
			t.Errorf("%s (%q) has no fields", ev.Event, ev.Detail)
		}
		for _, f := range ev.Fields {
			if f.Key == "" {
				t.Errorf("%s has a field without a key", ev.Event)
			}
		}
	}
	check := func(event string, want map[string]string) {
		t.Helper()
		evs := e.journal(app.AuditFilter{Event: event, Limit: 1})
		if len(evs) == 0 {
			t.Fatalf("no %s", event)
		}
		for k, v := range want {
			if got := evs[0].Field(k); got != v || !evs[0].HasField(k) {
				t.Errorf("%s: %s = %q, want %q (fields %v)", event, k, got, v, evs[0].Fields)
			}
		}
	}
	check(app.EventPolicyEnforced, map[string]string{app.FieldGraceDays: "7", app.FieldMadePending: "1",
		app.FieldDue: e.clock.Now().UTC().Add(7 * 24 * time.Hour).Format(time.RFC3339)})
	check(app.EventSettingChanged, map[string]string{app.FieldSetting: app.SettingIdleMinutes, app.FieldValue: "12"})
	check(app.EventRoleChanged, map[string]string{app.FieldFrom: "parent", app.FieldTo: "employee"})
	check(app.EventLoginRefused, map[string]string{app.FieldReason: app.ReasonAccountDisabled})
	check(app.EventLoginSucceeded, map[string]string{app.FieldVia: app.ViaPasswordCode})
	check(app.EventUserCreated, map[string]string{app.FieldRole: "parent", app.FieldMFA: "off"})
	evs := e.journal(app.AuditFilter{Event: app.EventLoginFailed})
	if len(evs) != 2 || evs[0].Field(app.FieldReason) != app.ValueUnknownAccount || evs[0].Field(app.FieldFingerprint) == "" ||
		evs[1].Field(app.FieldAttempt) != "1" || evs[1].Field(app.FieldMax) != "10" {
		t.Errorf("login.failed: %+v", evs)
	}
	if evs := e.journal(app.AuditFilter{Who: "personne p@"}); len(evs) == 0 {
		t.Error("Who finds nobody by part of the name")
	}
}
