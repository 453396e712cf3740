package main

import (
	"os"
	"strings"
	"testing"

	apetitspas "github.com/apetitspas/apetitspas/app"
)

// asOSUser makes the tool see u as the operating system's user.
func asOSUser(t *testing.T, u apetitspas.OSUser) {
	t.Helper()
	prev := currentOSUser
	currentOSUser = func() apetitspas.OSUser { return u }
	t.Cleanup(func() { currentOSUser = prev })
}

func breakGlass(t *testing.T, db, email, reason string) (int, string, string) {
	t.Helper()
	return runCLI(t, db, "", "mfa", "reset", "--email", email, "--break-glass", "--reason", reason)
}

const realReason = "Seule administratrice, téléphone perdu hier"

func TestBreakGlassNeedsTheComputersAdministratorRights(t *testing.T) {
	db, _, _ := daycare(t)
	asOSUser(t, apetitspas.OSUser{Name: "marie", Elevated: false})
	code, _, errs := breakGlass(t, db, "a@cpe.ca", realReason)
	if code != 1 || !strings.Contains(errs, "droits d'administrateur de l'ordinateur") {
		t.Fatalf("not elevated: %d %q", code, errs)
	}
	if status(t, db, "a@cpe.ca")["mfa"] != "on" {
		t.Fatal("reset without the OS rights")
	}
	denied := journal(t, db, "authz.denied")
	if len(denied) == 0 || !strings.Contains(denied[0]["detail"], "os_user=marie") {
		t.Fatalf("the refusal is not journaled with the OS user: %v", denied)
	}
}

func TestBreakGlassIsRefusedWhileAnotherAdministratorCanReset(t *testing.T) {
	db, svc, _ := daycare(t)
	enroll(t, svc, "b@cpe.ca")
	asOSUser(t, apetitspas.OSUser{Name: "root", Elevated: true})
	code, _, errs := breakGlass(t, db, "a@cpe.ca", realReason)
	if code != 1 || !strings.Contains(errs, "Un autre administrateur actif utilise l'AMF") {
		t.Fatalf("with b's MFA on: %d %q", code, errs)
	}
	if status(t, db, "a@cpe.ca")["mfa"] != "on" {
		t.Fatal("break-glass reset a while b could")
	}
}

func TestBreakGlassNeedsARealReason(t *testing.T) {
	db, _, _ := daycare(t)
	asOSUser(t, apetitspas.OSUser{Name: "root", Elevated: true})
	for reason, msg := range map[string]string{
		"":                        "une vraie phrase",
		".....":                   "une vraie phrase",
		"urgence":                 "une vraie phrase",
		"raison\u202e inversée":   "une vraie phrase",
		strings.Repeat("a ", 300): "trop longue (500 caractères au plus)",
	} {
		code, _, errs := breakGlass(t, db, "a@cpe.ca", reason)
		if code != 1 || !strings.Contains(errs, msg) {
			t.Fatalf("reason %q: %d %q", reason, code, errs)
		}
	}
	if code, _, errs := breakGlass(t, db, "a@cpe.ca", strings.Repeat("é", 600)); code != 1 || !strings.Contains(errs, "500 caractères") {
		t.Fatalf("600 characters: %d %q", code, errs)
	}
	if status(t, db, "a@cpe.ca")["mfa"] != "on" {
		t.Fatal("reset without a real reason")
	}
}

func TestBreakGlassResetsTheLastAdministratorAndJournalsTheOSUser(t *testing.T) {
	db, _, _ := daycare(t) // b is an administrator, but without MFA
	asOSUser(t, apetitspas.OSUser{Name: "root (sudo: marie)", Elevated: true})
	code, out, errs := breakGlass(t, db, "a@cpe.ca", realReason)
	if code != 0 || !strings.Contains(out, "urgence") {
		t.Fatalf("break-glass: %d %q %q", code, out, errs)
	}
	if st := status(t, db, "a@cpe.ca"); st["mfa"] != "pending" || st["reset_by"] != "break-glass" {
		t.Fatalf("status = %v", st)
	}
	evs := journal(t, db, "mfa.reset_break_glass")
	if len(evs) != 1 || evs[0]["actor"] != "break-glass" || evs[0]["target"] != "a@cpe.ca" ||
		!strings.Contains(evs[0]["detail"], "os_user=root (sudo: marie)") || !strings.Contains(evs[0]["detail"], realReason) {
		t.Fatalf("journal: %v", evs)
	}
}

func TestBreakGlassUsageNeedsEitherByOrBreakGlass(t *testing.T) {
	db, _, _ := daycare(t)
	for _, args := range [][]string{
		{"mfa", "reset", "--email", "a@cpe.ca"},
		{"mfa", "reset", "--email", "a@cpe.ca", "--break-glass", "--by", "b@cpe.ca", "--reason", realReason},
	} {
		if code, _, _ := runCLI(t, db, "", args...); code != 2 {
			t.Fatalf("%v: exit %d", args, code)
		}
	}
}

func TestTheOSUserComesFromTheSystem(t *testing.T) {
	u := osUser()
	if u.Name == "" {
		t.Fatal("no OS user name")
	}
	if os.Getenv("SUDO_USER") != "" && !strings.Contains(u.Name, "(sudo: ") {
		t.Fatalf("name %q does not say who ran sudo", u.Name)
	}
	if u.Elevated != (os.Geteuid() == 0) {
		t.Fatalf("elevated = %v for euid %d", u.Elevated, os.Geteuid())
	}
	t.Setenv("SUDO_USER", "marie")
	if u := osUser(); !strings.HasSuffix(u.Name, " (sudo: marie)") {
		t.Fatalf("name = %q", u.Name)
	}
}
