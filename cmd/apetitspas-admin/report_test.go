//go:build unix

package main

import (
	"bytes"
	"os"
	"path/filepath"
	"strings"
	"testing"

	apetitspas "github.com/apetitspas/apetitspas/app"
)

func TestReportMFAWritesThePDFAndTheCSVForAnAdministratorOnly(t *testing.T) {
	db := setupA(t)
	svc := service(t, db)
	secret := enroll(t, svc, "a@cpe.ca")
	must(t, db, creds(codeFor(t, secret)), "users", "add", "--role", "employee", "--email", "k@cpe.ca", "--name", "Karim Côté", "--by", "a@cpe.ca")
	must(t, db, creds(codeFor(t, secret)), "users", "add", "--role", "parent", "--email", "p@cpe.ca", "--name", "Anne Parent", "--by", "a@cpe.ca")
	dir := t.TempDir()

	// Usage: no --out, or an extension that is neither .pdf nor .csv.
	if code, _, errs := runCLI(t, db, creds(codeFor(t, secret)), "report", "mfa", "--by", "a@cpe.ca"); code != 2 || !strings.Contains(errs, "--out") {
		t.Fatalf("without --out: %d %q", code, errs)
	}
	if code, _, errs := runCLI(t, db, creds(codeFor(t, secret)), "report", "mfa", "--out", filepath.Join(dir, "r.docx"), "--by", "a@cpe.ca"); code != 2 || !strings.Contains(errs, ".pdf") {
		t.Fatalf(".docx: %d %q", code, errs)
	}
	// A parent is refused, and nothing is written.
	if code, _, _ := runCLI(t, db, creds(""), "report", "mfa", "--out", filepath.Join(dir, "p.csv"), "--by", "p@cpe.ca"); code != 1 {
		t.Fatalf("a parent got the report: exit %d", code)
	}
	if _, err := os.Stat(filepath.Join(dir, "p.csv")); err == nil {
		t.Fatal("a refused report left a file")
	}

	for _, c := range []struct{ name, head string }{{"rapport.pdf", "%PDF-"}, {"rapport.csv", "\uFEFFNom;Courriel;"}} {
		path := filepath.Join(dir, c.name)
		out := must(t, db, creds(codeFor(t, secret)), "report", "mfa", "--out", path, "--by", "a@cpe.ca")
		if !strings.Contains(out, "Rapport AMF écrit dans "+path+" (2 membres du personnel)") {
			t.Fatalf("out = %q", out)
		}
		fi, err := os.Stat(path)
		if err != nil {
			t.Fatal(err)
		}
		if fi.Mode().Perm() != 0o600 {
			t.Fatalf("%s: mode %o, want 600", c.name, fi.Mode().Perm())
		}
		b, _ := os.ReadFile(path)
		if !bytes.HasPrefix(b, []byte(c.head)) {
			t.Fatalf("%s starts with %q", c.name, b[:min(len(b), 12)])
		}
		if strings.HasSuffix(c.name, ".csv") {
			if !strings.Contains(string(b), "Karim Côté;k@cpe.ca;Employé;Désactivée") || strings.Contains(string(b), "p@cpe.ca") {
				t.Fatalf("CSV:\n%s", b)
			}
		}
	}
	evs, err := apetitspas.NewTrusted(svc).Audit(t.Context(), apetitspas.AuditFilter{Event: apetitspas.EventMFAReportExported})
	if err != nil {
		t.Fatal(err)
	}
	if len(evs) != 2 {
		t.Fatalf("%d report.mfa_exported, want 2", len(evs))
	}
}
