package main

import (
	"encoding/json"
	"os"
	"path/filepath"
	"runtime"
	"strconv"
	"strings"
	"testing"

	apetitspas "github.com/apetitspas/apetitspas/app"
)

// incidents is "incidents list --json" as a's.
func incidents(t *testing.T, db, secretA string) []incidentJSON {
	t.Helper()
	out := must(t, db, creds(codeFor(t, secretA)), "incidents", "list", "--json", "--by", "a@cpe.ca")
	var reg []incidentJSON
	if err := json.Unmarshal([]byte(out), &reg); err != nil {
		t.Fatalf("%v: %q", err, out)
	}
	return reg
}

// The register from the tool: a burst of wrong passwords opens a draft,
// which is completed into an entry, changed field by field, exported
// owner-only; bad input and an employee change nothing.
func TestTheIncidentRegisterFromTheTool(t *testing.T) {
	db, _, secretA := daycare(t)
	if out := must(t, db, creds(codeFor(t, secretA)), "incidents", "list", "--by", "a@cpe.ca"); !strings.Contains(out, "vide") {
		t.Fatalf("empty register: %q", out)
	}
	for i := 0; i < apetitspas.MaxFailedLogins; i++ {
		runCLI(t, db, "mauvais-mot-de-passe\n", "incidents", "list", "--by", "k@cpe.ca")
	}
	reg := incidents(t, db, secretA)
	if len(reg) != 1 || reg[0].Status != "draft" || reg[0].SourceEvent != apetitspas.EventLoginLocked || reg[0].Source == 0 || reg[0].SourceTarget != "k@cpe.ca" {
		t.Fatalf("the lock opened no draft: %+v", reg)
	}
	source := reg[0].Source
	text := must(t, db, creds(codeFor(t, secretA)), "incidents", "list", "--by", "a@cpe.ca")
	t.Log(text)
	if !strings.Contains(text, "Brouillon") || !strings.Contains(text, "État") {
		t.Fatalf("list: %q", text)
	}

	// An employee reads nothing; a one-word reason dismisses nothing; a
	// date in the future records nothing.
	if code, _, _ := runCLI(t, db, creds(""), "incidents", "list", "--by", "k@cpe.ca"); code != exitRefused {
		t.Fatalf("employee: exit %d", code)
	}
	if code, _, errs := runCLI(t, db, creds(codeFor(t, secretA)), "incidents", "dismiss", "--source", strconv.FormatInt(source, 10), "--reason", "rien", "--by", "a@cpe.ca"); code != exitRefused || errs == "" {
		t.Fatalf("one-word reason: %d %q", code, errs)
	}
	if code, _, errs := runCLI(t, db, creds(codeFor(t, secretA)), "incidents", "record", "--source", strconv.FormatInt(source, 10), "--information", "Aucun",
		"--circumstances", "Essais de mots de passe", "--known-on", "2999-01-01", "--by", "a@cpe.ca"); code != exitRefused || !strings.Contains(errs, "date") {
		t.Fatalf("future date: %d %q", code, errs)
	}
	if code, _, _ := runCLI(t, db, creds(codeFor(t, secretA)), "incidents", "record", "--source", "1", "--number", "2", "--by", "a@cpe.ca"); code != exitUsage {
		t.Fatalf("--source and --number: exit %d", code)
	}
	if reg := incidents(t, db, secretA); len(reg) != 1 || reg[0].Status != "draft" {
		t.Fatalf("a refusal changed the register: %+v", reg)
	}

	// Completed, then changed: the fields not given keep their value.
	today := testClock.Now().UTC().Format("2006-01-02")
	out := must(t, db, creds(codeFor(t, secretA)), "incidents", "record", "--json", "--source", strconv.FormatInt(source, 10),
		"--information", "Aucun renseignement consulté", "--circumstances", "Dix mots de passe essayés sur le compte de Karim",
		"--known-on", today, "--people", "1", "--risk", "not_serious", "--by", "a@cpe.ca")
	var entry incidentJSON
	if err := json.Unmarshal([]byte(out), &entry); err != nil || entry.Number == 0 || entry.Status != "recorded" || entry.Source != source {
		t.Fatalf("record: %q %v", out, err)
	}
	must(t, db, creds(codeFor(t, secretA)), "incidents", "record", "--number", strconv.FormatInt(entry.Number, 10), "--measures", "Mot de passe changé", "--by", "a@cpe.ca")
	reg = incidents(t, db, secretA)
	if len(reg) != 1 || reg[0].Number != entry.Number || reg[0].Measures != "Mot de passe changé" ||
		reg[0].Information != "Aucun renseignement consulté" || reg[0].People != 1 || reg[0].Risk != "not_serious" || reg[0].Changes != 2 {
		t.Fatalf("change: %+v", reg)
	}
	if code, _, _ := runCLI(t, db, creds(codeFor(t, secretA)), "incidents", "dismiss", "--source", strconv.FormatInt(source, 10), "--reason", "Ce n'était rien", "--by", "a@cpe.ca"); code != exitRefused {
		t.Fatalf("a recorded draft was dismissed: exit %d", code)
	}
	if n := len(journal(t, db, apetitspas.EventIncidentRecorded)); n != 2 {
		t.Fatalf("%d incident.recorded rows, want 2", n)
	}

	// Exported, owner only.
	dir := t.TempDir()
	for _, name := range []string{"registre.pdf", "registre.csv"} {
		file := filepath.Join(dir, name)
		must(t, db, creds(codeFor(t, secretA)), "incidents", "export", "--out", file, "--by", "a@cpe.ca")
		b, err := os.ReadFile(file)
		if err != nil {
			t.Fatal(err)
		}
		if st, _ := os.Stat(file); runtime.GOOS != "windows" && st.Mode().Perm() != 0o600 {
			t.Fatalf("%s: mode %v", name, st.Mode())
		}
		if strings.HasSuffix(name, ".pdf") && !strings.HasPrefix(string(b), "%PDF") {
			t.Fatalf("%s is no PDF", name)
		}
		if strings.HasSuffix(name, ".csv") && !strings.Contains(string(b), "Mot de passe changé") {
			t.Fatalf("%s: %q", name, b)
		}
	}
	if code, _, _ := runCLI(t, db, creds(codeFor(t, secretA)), "incidents", "export", "--out", filepath.Join(dir, "registre.txt"), "--by", "a@cpe.ca"); code != exitUsage {
		t.Fatalf(".txt: exit %d", code)
	}
}

// A draft the tool dismisses stays in the register with its reason.
func TestTheToolDismissesADraft(t *testing.T) {
	db, _, secretA := daycare(t)
	for i := 0; i < apetitspas.MaxFailedLogins; i++ {
		runCLI(t, db, "mauvais-mot-de-passe\n", "incidents", "list", "--by", "p@cpe.ca")
	}
	reg := incidents(t, db, secretA)
	if len(reg) != 1 {
		t.Fatalf("%+v", reg)
	}
	out := must(t, db, creds(codeFor(t, secretA)), "incidents", "dismiss", "--source", strconv.FormatInt(reg[0].Source, 10),
		"--reason", "Le parent avait oublié son mot de passe", "--by", "a@cpe.ca")
	if !strings.Contains(out, "écarté") {
		t.Fatalf("%q", out)
	}
	reg = incidents(t, db, secretA)
	if len(reg) != 1 || reg[0].Status != "dismissed" || reg[0].Reason != "Le parent avait oublié son mot de passe" || reg[0].By != "a@cpe.ca" {
		t.Fatalf("%+v", reg)
	}
}
