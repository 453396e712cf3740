package main

import (
	"context"
	"database/sql"
	"fmt"
	"strings"
	"testing"

	_ "github.com/mattn/go-sqlite3"

	apetitspas "github.com/apetitspas/apetitspas/app"
	"github.com/apetitspas/apetitspas/data"
	"github.com/apetitspas/apetitspas/data/datatest"
)

// The seed's daycare moves from its SQLite file to a PostgreSQL server: the
// schema made by its owner, the app's role with its rights only, every
// account signing in afterwards with its next code, the journal's chain
// verified, the file untouched.
func TestADaycareMovesFromItsFileToPostgreSQL(t *testing.T) {
	db, svc, secretA := daycare(t)
	secretK := enroll(t, svc, "k@cpe.ca")
	pg := datatest.NewPGDatabase(t)
	before := fileSum(t, db)

	// Not migrated yet: refused, in French, nothing written.
	if code, _, errs := runCLI(t, db, "", "db", "move", "--to", pg.AppURL); code != 1 || !strings.Contains(errs, "db migrate") {
		t.Fatalf("move before migrate: %d %q", code, errs)
	}
	// The app's role must not be the owner.
	if code, _, errs := runCLI(t, pg.OwnerURL, "", "db", "migrate", "--app-role", datatest.OwnerRole); code != 1 || !strings.Contains(errs, "droits") {
		t.Fatalf("migrate with the owner as the app's role: %d %q", code, errs)
	}
	if code, _, errs := runCLI(t, pg.OwnerURL, "", "db", "migrate", "--app-role", "x; DROP TABLE users"); code != 1 {
		t.Fatalf("a role that is not a name: %d %q", code, errs)
	}
	out := must(t, pg.OwnerURL, "", "db", "migrate", "--app-role", datatest.AppRole)
	if !strings.Contains(out, fmt.Sprintf("version %d (avant : 0)", data.SchemaVersion)) || strings.Contains(out, "apetitspas-test-pw") {
		t.Fatalf("migrate: %q", out)
	}
	if out := must(t, pg.OwnerURL, "", "db", "migrate", "--app-role", datatest.AppRole); !strings.Contains(out, fmt.Sprintf("(avant : %d)", data.SchemaVersion)) {
		t.Fatalf("migrate again: %q", out)
	}
	// The app refuses to run as the owner.
	if code, _, errs := runCLI(t, pg.OwnerURL, "", "users", "list"); code != 1 || !strings.Contains(errs, "droits") {
		t.Fatalf("the app as the owner: %d %q", code, errs)
	}

	out = must(t, db, "", "db", "move", "--to", pg.AppURL)
	if !strings.Contains(out, "4 comptes") || strings.Contains(out, "apetitspas-test-pw") {
		t.Fatalf("move: %q", out)
	}
	if after := fileSum(t, db); after != before {
		t.Fatal("the SQLite file changed")
	}
	if code, _, errs := runCLI(t, db, "", "db", "move", "--to", pg.AppURL); code != 1 || !strings.Contains(errs, "déjà des données") {
		t.Fatalf("a second move: %d %q", code, errs)
	}

	// On the server: the journal verifies, the move is in it, everyone
	// signs in with the next code.
	if code, out, errs := runCLI(t, pg.AppURL, "", "audit", "verify"); code != 0 {
		t.Fatalf("audit verify on the server: %d %q %q", code, out, errs)
	}
	if !auditHas(t, pg.AppURL, apetitspas.EventDBMoved, "") {
		t.Fatal("db.moved not journaled")
	}
	onServer := service(t, pg.AppURL)
	ctx := context.Background()
	for email, secret := range map[string]string{"a@cpe.ca": secretA, "k@cpe.ca": secretK} {
		sess, err := onServer.Login(ctx, email, pw)
		if err != nil || sess.Step() != apetitspas.StepCode {
			t.Fatalf("%s on the server: %v", email, err)
		}
		if err := onServer.VerifyCode(ctx, sess, codeFor(t, secret)); err != nil {
			t.Fatalf("%s's next code on the server: %v", email, err)
		}
	}
	if sess, err := onServer.Login(ctx, "p@cpe.ca", pw); err != nil || sess.Step() != apetitspas.StepSignedIn {
		t.Fatalf("the parent on the server: %v", err)
	}
	// A backup is never restored straight onto the server.
	if code, _, errs := runCLI(t, pg.AppURL, "une phrase de passe\n", "restore", "--from", "x.apetitspas"); code != 1 || !strings.Contains(errs, "jamais directement") {
		t.Fatalf("restore onto the server: %d %q", code, errs)
	}
	// A change made on the server is done through the tool as on a file.
	must(t, pg.AppURL, creds(codeFor(t, secretA)), "mfa", "reset", "--email", "k@cpe.ca", "--by", "a@cpe.ca")
	if st := status(t, pg.AppURL, "k@cpe.ca"); st["mfa"] != "pending" || st["reset_by"] != "a@cpe.ca" {
		t.Fatalf("k after the reset on the server: %v", st)
	}
}

// A file changed outside the app is not moved: the copy is verified
// before it is committed, and the server's database stays empty.
func TestATamperedFileIsNotMoved(t *testing.T) {
	db, _, _ := daycare(t)
	raw, err := sql.Open("sqlite3", db)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := raw.Exec(`UPDATE users SET role = 'admin' WHERE email = 'p@cpe.ca'`); err != nil {
		t.Fatal(err)
	}
	raw.Close()
	pg := datatest.NewPGDatabase(t)
	must(t, pg.OwnerURL, "", "db", "migrate", "--app-role", datatest.AppRole)
	if code, _, errs := runCLI(t, db, "", "db", "move", "--to", pg.AppURL); code != 1 || !strings.Contains(errs, "ne se vérifie pas") {
		t.Fatalf("move of a tampered file: %d %q", code, errs)
	}
	if l := list(t, pg.AppURL); len(l) != 0 {
		t.Fatalf("the server holds %d accounts after a refused move", len(l))
	}
}
