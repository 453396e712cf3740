package main

import (
	"context"
	"os"
	"path/filepath"
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

// The key alone goes to another computer of the daycare (the same
// database, another key folder): exported by an administrator with her
// code, imported with the passphrase; a backup is not a key file, nor the
// other way round.
func TestTheKeyGoesToAnotherComputerInAKeyFile(t *testing.T) {
	db, _, secretA := daycare(t)
	file := filepath.Join(t.TempDir(), "cle.apetitspas")
	if code, _, errs := runCLI(t, db, creds("", passphrase), "keys", "export", "--out", file, "--by", "b@cpe.ca"); code != 1 || !strings.Contains(errs, "votre propre connexion multi-facteurs") {
		t.Fatalf("by an administrator without AMF: %d %q", code, errs)
	}
	out := must(t, db, creds(codeFor(t, secretA), passphrase), "keys", "export", "--out", file, "--by", "a@cpe.ca")
	if !strings.Contains(out, "Clé écrite") || !auditHas(t, db, "key.exported", "") {
		t.Fatalf("export: %q", out)
	}
	// The other computer: the same database file, an empty key folder.
	other := filepath.Join(t.TempDir(), "autre-pc")
	t.Setenv("APETITSPAS_KEY_DIR", other)
	if code, _, errs := runCLI(t, db, "mauvaise phrase de passe\n", "keys", "import", "--from", file); code != 1 || !strings.Contains(errs, "n'ouvre pas") {
		t.Fatalf("wrong passphrase: %d %q", code, errs)
	}
	must(t, db, passphrase+"\n", "keys", "import", "--from", file)
	if keys, _ := os.ReadDir(other); len(keys) != 1 {
		t.Fatalf("key folder: %v", keys)
	}
	if !auditHas(t, db, "key.imported", "") {
		t.Fatal("key.imported not journaled")
	}
	must(t, db, creds(codeFor(t, secretA)), "users", "disable", "--email", "p@cpe.ca", "--by", "a@cpe.ca")
	// A key file is not a backup; another daycare's key is refused.
	target := filepath.Join(t.TempDir(), "r.db")
	if code, _, errs := runCLI(t, target, passphrase+"\n", "restore", "--from", file); code != 1 || !strings.Contains(errs, "abîmé ou modifié") {
		t.Fatalf("restore of a key file: %d %q", code, errs)
	}
	db2, _, secret2 := daycare(t)
	file2 := filepath.Join(t.TempDir(), "cle2.apetitspas")
	must(t, db2, creds(codeFor(t, secret2), passphrase), "keys", "export", "--out", file2, "--by", "a@cpe.ca")
	if code, _, errs := runCLI(t, db, passphrase+"\n", "keys", "import", "--from", file2); code != 1 || !strings.Contains(errs, "une autre clé que celle de cette garderie") {
		t.Fatalf("another daycare's key: %d %q", code, errs)
	}
}
