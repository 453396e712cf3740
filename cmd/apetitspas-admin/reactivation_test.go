package main

import (
	"context"
	"encoding/json"
	"regexp"
	"strings"
	"testing"
	"time"

	apetitspas "github.com/apetitspas/apetitspas/app"
)

var groupedCode = regexp.MustCompile(`\b[0-9A-HJKMNP-TV-Z]{5}-[0-9A-HJKMNP-TV-Z]{5}\b`)

// reactivate types the code as the person would, then enrolls.
func reactivate(t *testing.T, svc *apetitspas.Service, email, code string) {
	t.Helper()
	ctx := context.Background()
	sess, err := svc.Login(ctx, email, pw)
	if err != nil || sess.Step() != apetitspas.StepReactivate {
		t.Fatalf("%s: step %v (%v), want the reactivation code", email, sess.Step(), err)
	}
	if err := svc.UseReactivationCode(ctx, sess, code); err != nil {
		t.Fatal(err)
	}
	en, err := svc.BeginEnrollment(ctx, sess)
	if err != nil {
		t.Fatal(err)
	}
	c, _ := apetitspas.TOTPCode(en.Secret, testClock.Advance(30*time.Second), 6)
	if err := svc.ConfirmEnrollment(ctx, sess, c); err != nil {
		t.Fatal(err)
	}
}

// mfa reset prints the one-time reactivation code, in French by default,
// in JSON with --json; mfa reactivation-code makes a new one and voids it.
func TestMFAResetPrintsTheReactivationCode(t *testing.T) {
	db, svc, secretA := daycare(t)
	enroll(t, svc, "k@cpe.ca")
	out := must(t, db, creds(codeFor(t, secretA)), "mfa", "reset", "--email", "k@cpe.ca", "--by", "a@cpe.ca")
	first := groupedCode.FindString(out)
	if first == "" || !strings.Contains(out, "Code de réactivation de k@cpe.ca") || !strings.Contains(out, "en personne") ||
		!strings.Contains(out, "une seule fois") {
		t.Fatalf("reset: %q", out)
	}
	var js map[string]string
	raw := must(t, db, creds(codeFor(t, secretA)), "mfa", "reactivation-code", "--email", "k@cpe.ca", "--by", "a@cpe.ca", "--json")
	if err := json.Unmarshal([]byte(raw), &js); err != nil {
		t.Fatalf("%v: %q", err, raw)
	}
	exp, err := time.Parse(time.RFC3339, js["reactivation_expires_at"])
	if err != nil || !groupedCode.MatchString(js["reactivation_code"]) || js["reactivation_code"] == first || js["email"] != "k@cpe.ca" {
		t.Fatalf("json = %v (%v)", js, err)
	}
	if d := exp.Sub(testClock.Now()); d < apetitspas.ReactivationTTL-time.Minute || d > apetitspas.ReactivationTTL {
		t.Fatalf("expires in %v", d)
	}
	// The first code no longer works; the second does.
	ctx := context.Background()
	sess, err := svc.Login(ctx, "k@cpe.ca", pw)
	if err != nil {
		t.Fatal(err)
	}
	if err := svc.UseReactivationCode(ctx, sess, first); apetitspas.ErrorReason(err) != apetitspas.ReasonReactivationVoided {
		t.Fatalf("the voided code: %v", err)
	}
	reactivate(t, svc, "k@cpe.ca", js["reactivation_code"])
	if status(t, db, "k@cpe.ca")["mfa"] != "on" {
		t.Fatal("not enrolled after the reactivation code")
	}
	// An account not waiting for one: refused, in French.
	code, _, errs := runCLI(t, db, creds(codeFor(t, secretA)), "mfa", "reactivation-code", "--email", "k@cpe.ca", "--by", "a@cpe.ca")
	if code != 1 || !strings.Contains(errs, "n'attend pas de code de réactivation") {
		t.Fatalf("not due: %d %q", code, errs)
	}
	// The code is never in the journal.
	for _, ev := range journal(t, db, "mfa.reactivation_code_created") {
		for _, v := range ev {
			if strings.Contains(v, first) || strings.Contains(v, js["reactivation_code"]) {
				t.Fatalf("the code is in the journal: %v", ev)
			}
		}
	}
}

// Break-glass prints the code to the technician.
func TestBreakGlassPrintsTheReactivationCode(t *testing.T) {
	db, svc, _ := daycare(t)
	asOSUser(t, apetitspas.OSUser{Name: "root", Elevated: true})
	code, out, errs := runCLI(t, db, "", "mfa", "reset", "--email", "a@cpe.ca", "--break-glass", "--reason", realReason, "--json")
	var js map[string]string
	if code != 0 || json.Unmarshal([]byte(out), &js) != nil || !groupedCode.MatchString(js["reactivation_code"]) {
		t.Fatalf("break-glass --json: %d %q %q", code, out, errs)
	}
	reactivate(t, svc, "a@cpe.ca", js["reactivation_code"])
}
