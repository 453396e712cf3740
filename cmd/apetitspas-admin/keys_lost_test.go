package main

import (
	"context"
	"os"
	"strings"
	"testing"

	apetitspas "github.com/apetitspas/apetitspas/app"
)

// The lone director lost the key and her paper codes: the technician
// replaces the key with --recovery-codes-lost, the computer's
// administrator rights and a real reason; the refusal without it names
// the option; the statement is journaled.
func TestKeysReplaceBreakGlassWithRecoveryCodesLost(t *testing.T) {
	db, svc, secretA := daycare(t)
	ctx := context.Background()
	sess, err := svc.SignInAdmin(ctx, "a@cpe.ca", pw, codeFor(t, secretA))
	if err != nil {
		t.Fatal(err)
	}
	if _, err := svc.NewRecoveryCodes(ctx, sess, pw, ""); err != nil {
		t.Fatal(err)
	}
	os.RemoveAll(os.Getenv("APETITSPAS_KEY_DIR"))
	const reason = "la directrice a perdu la clé et ses codes de récupération"
	replace := func(extra ...string) (int, string, string) {
		return runCLI(t, db, "", append([]string{"keys", "replace", "--break-glass", "--reason", reason}, extra...)...)
	}
	asOSUser(t, apetitspas.OSUser{Name: "root (sudo: technicien)", Elevated: true})
	code, _, errs := replace()
	if code != 1 || !strings.Contains(errs, "encore des codes de récupération") || !strings.Contains(errs, "--recovery-codes-lost") {
		t.Fatalf("without the statement: %d %q", code, errs)
	}
	if code, _, _ := runCLI(t, db, "", "keys", "replace", "--by", "a@cpe.ca", "--recovery-codes-lost"); code != exitUsage {
		t.Fatalf("--recovery-codes-lost with --by: exit %d", code)
	}
	asOSUser(t, apetitspas.OSUser{Name: "secretaire"})
	if code, _, errs := replace("--recovery-codes-lost"); code != 1 || !strings.Contains(errs, "droits d'administrateur") {
		t.Fatalf("not elevated: %d %q", code, errs)
	}
	asOSUser(t, apetitspas.OSUser{Name: "root (sudo: technicien)", Elevated: true})
	if code, _, errs := runCLI(t, db, "", "keys", "replace", "--break-glass", "--reason", "urgence", "--recovery-codes-lost"); code != 1 || !strings.Contains(errs, "une vraie phrase") {
		t.Fatalf("no real reason: %d %q", code, errs)
	}
	if evs := journal(t, db, "mfa.key_replaced"); len(evs) != 0 {
		t.Fatalf("replaced by a refused command: %v", evs)
	}
	code, out, errs := replace("--recovery-codes-lost")
	if code != 0 || !strings.Contains(out, "Nouvelle clé de sécurité en place") {
		t.Fatalf("with the statement: %d %q %q", code, out, errs)
	}
	evs := journal(t, db, "mfa.key_replaced")
	if len(evs) != 1 || evs[0]["fields.recovery_codes_lost"] != "true" || evs[0]["fields.recovery_codes_of"] != "a@cpe.ca" ||
		evs[0]["fields.os_user"] != "root (sudo: technicien)" || evs[0]["fields.reason"] != reason {
		t.Fatalf("journal: %v", evs)
	}
	if code, _, _ := verify(t, db); code != 0 {
		t.Fatal("audit verify after the replacement")
	}
	if st := status(t, db, "a@cpe.ca"); st["mfa"] != "pending" {
		t.Fatalf("a@cpe.ca: %v", st)
	}
}
