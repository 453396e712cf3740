//go:build unix

package main

import (
	"bytes"
	"compress/zlib"
	"encoding/json"
	"io"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
	"unicode/utf16"

	apetitspas "github.com/apetitspas/apetitspas/app"
	"github.com/apetitspas/apetitspas/assets/report"
)

// firstPageText is the text fpdf drew on a PDF's first page (its first
// content stream that draws text): (…)Tj strings in UTF-16BE.
func firstPageText(t *testing.T, b []byte) string {
	t.Helper()
	stream := regexp.MustCompile(`(?s)stream\n(.*?)\nendstream`)
	tj := regexp.MustCompile(`(?s)\(((?:\\.|[^\\)])*)\)\s*Tj`)
	for _, m := range stream.FindAllSubmatch(b, -1) {
		zr, err := zlib.NewReader(bytes.NewReader(m[1]))
		if err != nil {
			continue
		}
		content, err := io.ReadAll(zr)
		if err != nil || !tj.Match(content) {
			continue
		}
		var out strings.Builder
		for _, s := range tj.FindAllSubmatch(content, -1) {
			var raw []byte
			for i := 0; i < len(s[1]); i++ {
				if s[1][i] == '\\' && i+1 < len(s[1]) {
					i++
					switch s[1][i] {
					case 'n':
						raw = append(raw, '\n')
					case 'r':
						raw = append(raw, '\r')
					default:
						raw = append(raw, s[1][i])
					}
					continue
				}
				raw = append(raw, s[1][i])
			}
			u := make([]uint16, len(raw)/2)
			for i := range u {
				u[i] = uint16(raw[2*i])<<8 | uint16(raw[2*i+1])
			}
			out.WriteString(string(utf16.Decode(u)) + "\n")
		}
		return out.String()
	}
	t.Fatal("no page draws text")
	return ""
}

func TestUsersExportWritesHerDataAsJSONAndPDFForAnAdministratorOnly(t *testing.T) {
	db, svc, secretA := daycare(t)
	secretK := enroll(t, svc, "k@cpe.ca")
	dir := t.TempDir()

	// Usage: no --out, an extension that is neither .json nor .pdf.
	if code, _, errs := runCLI(t, db, creds(""), "users", "export", "--email", "k@cpe.ca", "--by", "b@cpe.ca"); code != 2 || !strings.Contains(errs, "--out") {
		t.Fatalf("without --out: %d %q", code, errs)
	}
	if code, _, errs := runCLI(t, db, creds(""), "users", "export", "--email", "k@cpe.ca", "--out", filepath.Join(dir, "k.docx"), "--by", "b@cpe.ca"); code != 2 || !strings.Contains(errs, ".json") {
		t.Fatalf(".docx: %d %q", code, errs)
	}
	if code, _, errs := runCLI(t, db, creds(""), "users", "export", "--email", "pas un courriel", "--out", filepath.Join(dir, "x"), "--by", "b@cpe.ca"); code != 1 || !strings.Contains(errs, "courriel") {
		t.Fatalf("a bad e-mail: %d %q", code, errs)
	}
	// An employee or a parent is refused, and nothing is written nor journaled as an export.
	for _, who := range []string{"p@cpe.ca", "k@cpe.ca"} {
		code := 0
		if who == "k@cpe.ca" {
			code, _, _ = runCLI(t, db, creds(codeFor(t, secretK)), "users", "export", "--email", "p@cpe.ca", "--out", filepath.Join(dir, "refused"), "--by", who)
		} else {
			code, _, _ = runCLI(t, db, creds(""), "users", "export", "--email", "k@cpe.ca", "--out", filepath.Join(dir, "refused"), "--by", who)
		}
		if code != 1 {
			t.Fatalf("%s exported: exit %d", who, code)
		}
	}
	if entries, _ := os.ReadDir(dir); len(entries) != 0 {
		t.Fatalf("a refused export left %v", entries)
	}
	if evs := journal(t, db, apetitspas.EventUserExported); len(evs) != 0 {
		t.Fatalf("refusals journaled as exports: %v", evs)
	}

	// An administrator (MFA off) exports Karim: both files, owner-only.
	base := filepath.Join(dir, "karim")
	var summary struct {
		Email string `json:"email"`
		Files []struct {
			Format string `json:"format"`
			Path   string `json:"path"`
		} `json:"files"`
		JournalRows int    `json:"journal_rows"`
		MadeAt      string `json:"made_at"`
		MadeBy      string `json:"made_by"`
	}
	out := must(t, db, creds(""), "users", "export", "--email", "K@cpe.ca", "--out", base, "--by", "b@cpe.ca", "--json")
	if err := json.Unmarshal([]byte(out), &summary); err != nil {
		t.Fatalf("%v: %s", err, out)
	}
	if summary.Email != "k@cpe.ca" || len(summary.Files) != 2 || summary.Files[0].Path != base+".json" ||
		summary.Files[1].Path != base+".pdf" || summary.JournalRows < 3 || summary.MadeBy != "b@cpe.ca" || summary.MadeAt == "" {
		t.Fatalf("summary %+v", summary)
	}
	for _, f := range summary.Files {
		fi, err := os.Stat(f.Path)
		if err != nil {
			t.Fatal(err)
		}
		if fi.Mode().Perm() != 0o600 {
			t.Fatalf("%s: mode %o, want 600", f.Path, fi.Mode().Perm())
		}
	}
	raw, err := os.ReadFile(base + ".json")
	if err != nil {
		t.Fatal(err)
	}
	var j report.PersonJSON
	if err := json.Unmarshal(raw, &j); err != nil {
		t.Fatal(err)
	}
	if j.SchemaVersion != 1 || j.Account.Email != "k@cpe.ca" || j.Account.Name != "Karim K" || j.MFA.State != "on" ||
		j.Daycare != "CPE Test" || j.JournalRows != summary.JournalRows || len(j.Journal) != j.JournalRows {
		t.Fatalf("JSON %+v", j)
	}
	if e := j.Journal[0]; e.Event != apetitspas.EventUserExported || e.Actor != "b@cpe.ca" || e.Target != "k@cpe.ca" ||
		e.Fields[apetitspas.FieldFormat] != "json,pdf" || e.Label != "Données d'une personne exportées" {
		t.Fatalf("the export's own row: %+v", e)
	}
	if bytes.Contains(raw, []byte(secretK)) || bytes.Contains(raw, []byte("$argon2id$")) {
		t.Fatal("the JSON holds a secret")
	}
	pdf, err := os.ReadFile(base + ".pdf")
	if err != nil {
		t.Fatal(err)
	}
	if !bytes.HasPrefix(pdf, []byte("%PDF-")) {
		t.Fatalf("the PDF starts with %q", pdf[:min(len(pdf), 8)])
	}
	if text := firstPageText(t, pdf); !strings.Contains(text, "Renseignements personnels de Karim K") || !strings.Contains(text, "CPE Test") {
		t.Fatalf("page 1:\n%s", text)
	}

	// One format by the extension; an administrator exports her own data;
	// the sentence without --json.
	own := filepath.Join(dir, "a.pdf")
	out = must(t, db, creds(codeFor(t, secretA)), "users", "export", "--email", "a@cpe.ca", "--out", own, "--by", "a@cpe.ca")
	if !strings.Contains(out, "Données de a@cpe.ca écrites dans "+own) {
		t.Fatalf("out = %q", out)
	}
	if _, err := os.Stat(filepath.Join(dir, "a.json")); err == nil {
		t.Fatal("a .pdf export wrote the JSON too")
	}
	evs := journal(t, db, apetitspas.EventUserExported)
	if len(evs) != 2 || evs[0]["actor"] != "a@cpe.ca" || evs[0]["target"] != "a@cpe.ca" || evs[0]["fields.format"] != "pdf" ||
		evs[1]["fields.format"] != "json,pdf" {
		t.Fatalf("exports journaled: %v", evs)
	}
}
