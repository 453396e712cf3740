package app_test

import (
	"context"
	"os"
	"strings"
	"testing"

	"github.com/apetitspas/apetitspas/app"
	"github.com/apetitspas/apetitspas/data/datatest"
)

// loneDirector is a daycare whose only administrator has her AMF on and
// ten unused recovery codes, and whose key is gone from the computer.
func loneDirector(t *testing.T) *datatest.Daycare {
	t.Helper()
	k := datatest.NewDaycare(t, datatest.Options{Argon2: datatest.QuickArgon2})
	if _, err := k.Trusted.Setup(context.Background(), "CPE Les Lucioles",
		app.NewUser{Email: "directrice@cpe.ca", Name: "Directrice", Password: datatest.Password}, datatest.Password); err != nil {
		t.Fatal(err)
	}
	if _, codes := k.Enroll("directrice@cpe.ca"); len(codes) == 0 {
		t.Fatal("no recovery codes")
	}
	if err := os.RemoveAll(k.KeyDir); err != nil {
		t.Fatal(err)
	}
	k.Reopen()
	return k
}

// The lone director lost the key and her paper codes: with the statement
// that nobody has a recovery code any more, the break-glass replaces the
// key although her codes are unused; it is journaled with whose codes.
func TestAKeyIsReplacedWhenNobodyHasTheRecoveryCodesAnyMore(t *testing.T) {
	k := loneDirector(t)
	ctx := context.Background()
	root := app.OSUser{Name: "root (sudo: technicien)", Elevated: true}
	const reason = "la directrice a perdu la clé et ses codes de récupération dans l'incendie"
	// Without the statement: refused, as before.
	if _, err := k.Trusted.ReplaceKey(ctx, root, reason); app.ErrorReason(err) != app.ReasonAdminCanRestoreKey {
		t.Fatalf("without the statement: %v", err)
	}
	if _, err := k.Trusted.ReplaceKeyWith(ctx, app.KeyReplaceRequest{By: root, Reason: reason}); app.ErrorReason(err) != app.ReasonAdminCanRestoreKey {
		t.Fatalf("without the statement (ReplaceKeyWith): %v", err)
	}
	// The statement does not lift the other checks.
	if _, err := k.Trusted.ReplaceKeyWith(ctx, app.KeyReplaceRequest{By: app.OSUser{Name: "secretaire"}, Reason: reason, RecoveryCodesLost: true}); app.ErrorReason(err) != app.ReasonNotElevated {
		t.Fatalf("not elevated: %v", err)
	}
	if _, err := k.Trusted.ReplaceKeyWith(ctx, app.KeyReplaceRequest{By: root, Reason: "urgence", RecoveryCodesLost: true}); app.ErrorReason(err) != app.ReasonReasonRequired {
		t.Fatalf("no real reason: %v", err)
	}
	if evs, _ := k.Trusted.Audit(ctx, app.AuditFilter{Event: app.EventKeyReplaced}); len(evs) != 0 {
		t.Fatalf("a refused replacement was made: %v", evs)
	}
	rep, err := k.Trusted.ReplaceKeyWith(ctx, app.KeyReplaceRequest{By: root, Reason: reason, RecoveryCodesLost: true})
	if err != nil || rep.Pending != 1 || rep.NewKeyID == rep.OldKeyID {
		t.Fatalf("replace: %+v %v", rep, err)
	}
	evs, err := k.Trusted.Audit(ctx, app.AuditFilter{Event: app.EventKeyReplaced})
	if err != nil || len(evs) != 1 {
		t.Fatalf("journal: %v %v", evs, err)
	}
	ev := evs[0]
	if ev.Field(app.FieldRecoveryCodesLost) != "true" || ev.Field(app.FieldRecoveryCodesOf) != "directrice@cpe.ca" ||
		ev.Field(app.FieldOSUser) != root.Name || ev.Field(app.FieldReason) != reason || !strings.Contains(ev.Detail, "recovery_codes_lost=true") {
		t.Fatalf("journal: %+v", ev)
	}
	if r, err := k.Trusted.Verify(ctx); err != nil || !r.OK() {
		t.Fatalf("integrity after the replacement: %+v %v", r, err)
	}
	// She signs in with her password and the reactivation code the
	// technician read out, then scans a new QR code.
	s, err := k.Svc.Login(ctx, "directrice@cpe.ca", datatest.Password)
	if err != nil || s.Step() != app.StepReactivate || s.User().MFAResetBy != app.MFAResetByKeyReplaced {
		t.Fatalf("after the replacement: %v", err)
	}
	if len(rep.Codes) != 1 || rep.Codes[0].Email != "directrice@cpe.ca" {
		t.Fatalf("codes %+v", rep.Codes)
	}
	if err := k.Svc.UseReactivationCode(ctx, s, rep.Codes[0].Code); err != nil || s.Step() != app.StepEnroll {
		t.Fatalf("reactivation code: %v, step %v", err, s.Step())
	}
}
