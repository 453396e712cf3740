package main

import (
	"context"
	"os"
	"strings"
	"testing"

	apetitspas "github.com/apetitspas/apetitspas/app"
)

func TestAKeyDeletedFromTheComputerComesBackWithARecoveryCode(t *testing.T) {
	db, svc, secretA := daycare(t)
	ctx := context.Background()
	sess, err := svc.SignInAdmin(ctx, "a@cpe.ca", pw, codeFor(t, secretA))
	if err != nil {
		t.Fatal(err)
	}
	codes, err := svc.NewRecoveryCodes(ctx, sess, pw, "")
	if err != nil {
		t.Fatal(err)
	}
	os.RemoveAll(os.Getenv("APETITSPAS_KEY_DIR"))
	code, _, errs := runCLI(t, db, creds(codeFor(t, secretA)), "users", "disable", "--email", "p@cpe.ca", "--by", "a@cpe.ca")
	if code != 1 || !strings.Contains(errs, "clé de sécurité de la garderie est introuvable") {
		t.Fatalf("with the key gone: %d %q", code, errs)
	}
	code, _, errs = runCLI(t, db, pw+"\n"+"AAAA-AAAA-AAAA-AAAA\n", "keys", "replace", "--by", "a@cpe.ca")
	if code != 1 || !strings.Contains(errs, "ne permettent pas de retrouver la clé") {
		t.Fatalf("a wrong code: %d %q", code, errs)
	}
	out := must(t, db, pw+"\n"+strings.ToLower(codes[0])+"\n", "keys", "replace", "--by", "a@cpe.ca")
	if !strings.Contains(out, "clé de sécurité est revenue") {
		t.Fatalf("recover: %q", out)
	}
	must(t, db, creds(codeFor(t, secretA)), "users", "disable", "--email", "p@cpe.ca", "--by", "a@cpe.ca")
	if code, _, _ := verify(t, db); code != 0 {
		t.Fatal("audit verify after the key came back")
	}
	// Replacing it instead is refused while she has codes, and without
	// the computer's administrator rights.
	os.RemoveAll(os.Getenv("APETITSPAS_KEY_DIR"))
	currentOSUser = func() apetitspas.OSUser { return apetitspas.OSUser{Name: "secretaire"} }
	defer func() { currentOSUser = osUser }()
	reason := "le profil a été supprimé et la sauvegarde est perdue"
	if code, _, errs := runCLI(t, db, "", "keys", "replace", "--break-glass", "--reason", reason); code != 1 || !strings.Contains(errs, "droits d'administrateur") {
		t.Fatalf("not elevated: %d %q", code, errs)
	}
	currentOSUser = func() apetitspas.OSUser { return apetitspas.OSUser{Name: "root", Elevated: true} }
	if code, _, errs := runCLI(t, db, "", "keys", "replace", "--break-glass", "--reason", reason); code != 1 || !strings.Contains(errs, "encore des codes de récupération") {
		t.Fatalf("with codes left: %d %q", code, errs)
	}
}
