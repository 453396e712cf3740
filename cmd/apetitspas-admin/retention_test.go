package main

import (
	"encoding/json"
	"strings"
	"testing"
	"time"

	apetitspas "github.com/apetitspas/apetitspas/app"
)

// retentionOf is "retention show --json" as a's.
func retentionOf(t *testing.T, db, secretA string) retentionJSON {
	t.Helper()
	out := must(t, db, creds(codeFor(t, secretA)), "retention", "show", "--json", "--by", "a@cpe.ca")
	var r retentionJSON
	if err := json.Unmarshal([]byte(out), &r); err != nil {
		t.Fatalf("%v: %q", err, out)
	}
	return r
}

// Conservation des renseignements from the tool: the delays shown and
// changed (a strong action: refused to an administrator without MFA, bad
// values change nothing), a family disabled for longer than the delay
// listed and erased, an account not past it refused.
func TestRetentionFromTheTool(t *testing.T) {
	db, _, secretA := daycare(t)
	if r := retentionOf(t, db, secretA); r.DisabledMonths != apetitspas.DefaultRetentionDisabledMonths ||
		r.JournalYears != apetitspas.DefaultRetentionJournalYears || len(r.Disabled) != 0 {
		t.Fatalf("defaults: %+v", r)
	}
	must(t, db, creds(codeFor(t, secretA)), "users", "disable", "--email", "p@cpe.ca", "--by", "a@cpe.ca")
	testClock.Advance(25 * 31 * 24 * time.Hour)
	r := retentionOf(t, db, secretA)
	if len(r.Disabled) != 1 || r.Disabled[0].Email != "p@cpe.ca" || r.Disabled[0].Name != "Parent P" || r.Disabled[0].Role != "parent" {
		t.Fatalf("p is not listed: %+v", r)
	}
	if out := must(t, db, creds(codeFor(t, secretA)), "retention", "show", "--by", "a@cpe.ca"); !strings.Contains(out, "p@cpe.ca") || !strings.Contains(out, "Parent") {
		t.Fatalf("show: %q", out)
	}

	// Bad values, no value, an administrator without MFA: nothing changes.
	if code, _, errs := runCLI(t, db, creds(codeFor(t, secretA)), "retention", "set", "--disabled-months", "0", "--by", "a@cpe.ca"); code != exitRefused || !strings.Contains(errs, "mois") {
		t.Fatalf("0 months: %d %q", code, errs)
	}
	if code, _, _ := runCLI(t, db, creds(codeFor(t, secretA)), "retention", "set", "--by", "a@cpe.ca"); code != exitUsage {
		t.Fatalf("no value: exit %d", code)
	}
	if code, _, errs := runCLI(t, db, creds(""), "retention", "set", "--journal-years", "1", "--by", "b@cpe.ca"); code != exitRefused || errs == "" {
		t.Fatalf("b without MFA: %d %q", code, errs)
	}
	if r := retentionOf(t, db, secretA); r.DisabledMonths != 24 || r.JournalYears != 5 {
		t.Fatalf("a refusal changed the delays: %+v", r)
	}

	// A longer delay: p is not past it any more; the journal keeps its
	// value, and the change is journaled.
	must(t, db, creds(codeFor(t, secretA)), "retention", "set", "--disabled-months", "36", "--by", "a@cpe.ca")
	if r := retentionOf(t, db, secretA); r.DisabledMonths != 36 || r.JournalYears != 5 || len(r.Disabled) != 0 {
		t.Fatalf("36 months: %+v", r)
	}
	if !auditHas(t, db, apetitspas.EventSettingChanged, "") {
		t.Fatal("the change is not journaled")
	}
	if code, _, _ := runCLI(t, db, creds(codeFor(t, secretA)), "retention", "erase", "--email", "p@cpe.ca", "--by", "a@cpe.ca"); code != exitRefused {
		t.Fatalf("p erased before the delay: exit %d", code)
	}
	must(t, db, creds(codeFor(t, secretA)), "retention", "set", "--disabled-months", "24", "--by", "a@cpe.ca")

	// k is not disabled: refused; p is erased; each says so.
	code, out, errs := runCLI(t, db, creds(codeFor(t, secretA)), "retention", "erase", "--email", "k@cpe.ca", "--email", "p@cpe.ca", "--by", "a@cpe.ca")
	if code != exitRefused || !strings.Contains(errs, "k@cpe.ca") || !strings.Contains(out, "p@cpe.ca") {
		t.Fatalf("erase: %d %q %q", code, out, errs)
	}
	if find(t, db, "k@cpe.ca").Email == "" {
		t.Fatal("k was erased")
	}
	if r := retentionOf(t, db, secretA); len(r.Disabled) != 0 {
		t.Fatalf("still listed: %+v", r)
	}
	pIsGone(t, db)
	if out := must(t, db, creds(codeFor(t, secretA)), "retention", "erase", "--all", "--by", "a@cpe.ca"); !strings.Contains(out, "Aucun compte") {
		t.Fatalf("--all with none: %q", out)
	}
	if code, _, _ := runCLI(t, db, creds(codeFor(t, secretA)), "retention", "erase", "--all", "--email", "k@cpe.ca", "--by", "a@cpe.ca"); code != exitUsage {
		t.Fatalf("--all and --email: exit %d", code)
	}
}

// --all erases everyone listed, as JSON.
func TestRetentionEraseAll(t *testing.T) {
	db, _, secretA := daycare(t)
	must(t, db, creds(codeFor(t, secretA)), "users", "disable", "--email", "p@cpe.ca", "--by", "a@cpe.ca")
	must(t, db, creds(codeFor(t, secretA)), "users", "disable", "--email", "k@cpe.ca", "--by", "a@cpe.ca")
	testClock.Advance(25 * 31 * 24 * time.Hour)
	out := must(t, db, creds(codeFor(t, secretA)), "retention", "erase", "--all", "--json", "--by", "a@cpe.ca")
	var got []erasedJSON
	if err := json.Unmarshal([]byte(out), &got); err != nil || len(got) != 2 || got[0].Person == 0 || got[1].Person == 0 || got[0].Reason != "" {
		t.Fatalf("%q %v", out, err)
	}
	if n := len(journal(t, db, apetitspas.EventUserErased)); n != 2 {
		t.Fatalf("%d user.erased rows", n)
	}
}
