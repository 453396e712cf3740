package main

import (
	"context"
	"encoding/json"
	"path/filepath"
	"strings"
	"testing"
	"time"

	apetitspas "github.com/apetitspas/apetitspas/app"
	"github.com/apetitspas/apetitspas/data"
)

// daycare seeds a database through the tool and returns a service over the
// same file and key folder (to enroll people as the app would).
func daycare(t *testing.T) (string, *apetitspas.Service) {
	t.Helper()
	db := newDB(t)
	t.Setenv("APETITSPAS_KEYRING", "file")
	keys := filepath.Join(t.TempDir(), "keys")
	t.Setenv("APETITSPAS_KEY_DIR", keys)
	runCLI(t, db, "un-bon-mot-de-passe\n", "setup", "--daycare", "CPE Test", "--email", "a@cpe.ca", "--name", "Admin A")
	for _, u := range [][2]string{{"admin", "b@cpe.ca"}, {"employee", "k@cpe.ca"}, {"parent", "p@cpe.ca"}} {
		if code, _, errs := runCLI(t, db, "un-bon-mot-de-passe\n", "users", "add", "--role", u[0], "--email", u[1], "--name", u[1]); code != 0 {
			t.Fatal(errs)
		}
	}
	store, err := data.Open(db)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { store.Close() })
	return db, apetitspas.New(apetitspas.Params{Store: store, Keys: data.NewKeyRing(keys, false)})
}

// enroll turns a person's MFA on through the services and returns the secret.
func enroll(t *testing.T, svc *apetitspas.Service, email string) string {
	t.Helper()
	ctx := context.Background()
	sess, err := svc.Login(ctx, email, "un-bon-mot-de-passe")
	if err != nil {
		t.Fatal(err)
	}
	svc.RequestMFAActivation(ctx, sess)
	sess, _ = svc.Login(ctx, email, "un-bon-mot-de-passe")
	en, err := svc.BeginEnrollment(ctx, sess)
	if err != nil {
		t.Fatal(err)
	}
	code, _ := apetitspas.TOTPCode(en.Secret, time.Now().Add(-30*time.Second), 6)
	if err := svc.ConfirmEnrollment(ctx, sess, code); err != nil {
		t.Fatal(err)
	}
	return en.Secret
}

// enrollPending finishes the enrollment of a pending account.
func enrollPending(t *testing.T, svc *apetitspas.Service, email string) string {
	t.Helper()
	ctx := context.Background()
	sess, err := svc.Login(ctx, email, "un-bon-mot-de-passe")
	if err != nil {
		t.Fatal(err)
	}
	en, err := svc.BeginEnrollment(ctx, sess)
	if err != nil {
		t.Fatal(err)
	}
	code, _ := apetitspas.TOTPCode(en.Secret, time.Now(), 6)
	if err := svc.ConfirmEnrollment(ctx, sess, code); err != nil {
		t.Fatal(err)
	}
	return en.Secret
}

func status(t *testing.T, db, email string) map[string]any {
	t.Helper()
	code, out, errs := runCLI(t, db, "", "mfa", "status", "--email", email, "--json")
	if code != 0 {
		t.Fatalf("mfa status: %s", errs)
	}
	var st map[string]any
	if err := json.Unmarshal([]byte(out), &st); err != nil {
		t.Fatal(err)
	}
	return st
}

func auditHas(t *testing.T, db, event, target string) bool {
	t.Helper()
	_, out, _ := runCLI(t, db, "", "audit", "--json", "--event", event)
	var evs []map[string]string
	json.Unmarshal([]byte(out), &evs)
	for _, e := range evs {
		if e["target"] == target {
			return true
		}
	}
	return false
}

func TestMFAResetFollowsTheTwoPersonRule(t *testing.T) {
	db, svc := daycare(t)
	enroll(t, svc, "k@cpe.ca")
	secretA := enroll(t, svc, "a@cpe.ca")

	// Oneself: refused, exit 1, whatever the credentials.
	code, _, errs := runCLI(t, db, "un-bon-mot-de-passe\n", "mfa", "reset", "--email", "A@cpe.ca", "--by", "a@cpe.ca")
	if code != 1 || !strings.Contains(errs, "Un autre administrateur doit réinitialiser votre AMF") {
		t.Fatalf("self reset: %d %q", code, errs)
	}
	if !auditHas(t, db, "authz.denied", "a@cpe.ca") {
		t.Fatal("the refused self-reset is not in the journal")
	}
	// A non-administrator: refused.
	code, _, errs = runCLI(t, db, "un-bon-mot-de-passe\n", "mfa", "reset", "--email", "p@cpe.ca", "--by", "k@cpe.ca")
	if code != 1 {
		t.Fatalf("employee reset: %d %q", code, errs)
	}
	// An administrator with MFA on without the code: refused.
	code, _, errs = runCLI(t, db, "un-bon-mot-de-passe\n", "mfa", "reset", "--email", "k@cpe.ca", "--by", "a@cpe.ca")
	if code != 1 || !strings.Contains(errs, "code à 6 chiffres") {
		t.Fatalf("without code: %d %q", code, errs)
	}
	// A wrong password: refused.
	code, _, _ = runCLI(t, db, "mauvais-mot-de-passe\n", "mfa", "reset", "--email", "k@cpe.ca", "--by", "b@cpe.ca")
	if code != 1 || status(t, db, "k@cpe.ca")["mfa"] != "on" {
		t.Fatal("a wrong password reset someone")
	}
	// Another administrator (no MFA): done.
	code, out, errs := runCLI(t, db, "un-bon-mot-de-passe\n", "mfa", "reset", "--email", "k@cpe.ca", "--by", "b@cpe.ca")
	if code != 0 || !strings.Contains(out, "AMF réinitialisée") {
		t.Fatalf("reset: %d %q %q", code, out, errs)
	}
	st := status(t, db, "k@cpe.ca")
	if st["mfa"] != "pending" || st["reset_by"] != "b@cpe.ca" || st["locked"] != false {
		t.Fatalf("status = %v", st)
	}
	if !auditHas(t, db, "mfa.reset", "k@cpe.ca") {
		t.Fatal("mfa.reset not journaled")
	}
	// With MFA on, the administrator's current code on the second line works.
	enroll(t, svc, "p@cpe.ca")
	codeA, _ := apetitspas.TOTPCode(secretA, time.Now(), 6)
	code, _, errs = runCLI(t, db, "un-bon-mot-de-passe\n"+codeA+"\n", "mfa", "reset", "--email", "p@cpe.ca", "--by", "a@cpe.ca")
	if code != 0 {
		t.Fatalf("reset with code: %q", errs)
	}
}

func TestBreakGlassIsLoud(t *testing.T) {
	db, svc := daycare(t)
	enroll(t, svc, "a@cpe.ca")
	code, _, errs := runCLI(t, db, "", "mfa", "reset", "--email", "a@cpe.ca", "--break-glass")
	if code != 1 || !strings.Contains(errs, "raison") {
		t.Fatalf("without reason: %d %q", code, errs)
	}
	code, out, errs := runCLI(t, db, "", "mfa", "reset", "--email", "a@cpe.ca", "--break-glass", "--reason", "Seule admin, téléphone perdu")
	if code != 0 || !strings.Contains(out, "urgence") {
		t.Fatalf("break-glass: %d %q %q", code, out, errs)
	}
	_, out, _ = runCLI(t, db, "", "audit", "--json", "--event", "mfa.reset_break_glass")
	if !strings.Contains(out, "Seule admin, téléphone perdu") || !strings.Contains(out, `"actor": "break-glass"`) {
		t.Fatalf("journal: %s", out)
	}
	if status(t, db, "a@cpe.ca")["mfa"] != "pending" {
		t.Fatal("not reset")
	}
}

func TestPolicyEnforceStaffAndShow(t *testing.T) {
	db, svc := daycare(t)
	code, _, errs := runCLI(t, db, "un-bon-mot-de-passe\n", "policy", "enforce-staff", "on", "--by", "k@cpe.ca")
	if code != 1 {
		t.Fatalf("an employee enforced the policy: %q", errs)
	}
	code, out, errs := runCLI(t, db, "un-bon-mot-de-passe\n", "policy", "enforce-staff", "on", "--by", "a@cpe.ca", "--grace-days", "3")
	if code != 0 || !strings.Contains(out, "imposée") {
		t.Fatalf("enforce: %d %q %q", code, out, errs)
	}
	for email, want := range map[string]string{"a@cpe.ca": "pending", "b@cpe.ca": "pending", "k@cpe.ca": "pending", "p@cpe.ca": "off"} {
		if got := status(t, db, email)["mfa"]; got != want {
			t.Errorf("%s: %v, want %s", email, got, want)
		}
	}
	_, out, _ = runCLI(t, db, "", "policy", "show", "--json")
	var p map[string]any
	json.Unmarshal([]byte(out), &p)
	if p["enforce_staff"] != true || p["grace_days"] != float64(3) || p["since"] == "" || p["grace_ends"] == "" {
		t.Fatalf("policy = %s", out)
	}
	// A pending administrator is told to finish enrollment in the app first.
	code, _, errs = runCLI(t, db, "un-bon-mot-de-passe\n", "policy", "enforce-staff", "off", "--by", "a@cpe.ca")
	if code != 1 || !strings.Contains(errs, "code QR") {
		t.Fatalf("off by a pending admin: %d %q", code, errs)
	}
	// Once enrolled, with the code: off, and nobody changes.
	secret := enrollPending(t, svc, "b@cpe.ca")
	codeB, _ := apetitspas.TOTPCode(secret, time.Now().Add(30*time.Second), 6)
	code, _, errs = runCLI(t, db, "un-bon-mot-de-passe\n"+codeB+"\n", "policy", "enforce-staff", "off", "--by", "b@cpe.ca")
	if code != 0 {
		t.Fatalf("off: %q", errs)
	}
	for email, want := range map[string]string{"a@cpe.ca": "pending", "b@cpe.ca": "on", "k@cpe.ca": "pending", "p@cpe.ca": "off"} {
		if got := status(t, db, email)["mfa"]; got != want {
			t.Errorf("after off, %s: %v, want %s", email, got, want)
		}
	}
	if !auditHas(t, db, "policy.staff_mfa_enforced", "") {
		t.Fatal("policy.staff_mfa_enforced not journaled")
	}
}
