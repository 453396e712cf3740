package main

import (
	"bytes"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/apetitspas/apetitspas/data"
)

func TestMoveTakesTheOwnDaycareIntoTheMachineWidePlaceOnce(t *testing.T) {
	db, _, secretA := daycare(t)
	root := t.TempDir()
	config := filepath.Join(root, "etc", "config.toml")
	t.Setenv("APETITSPAS_CONFIG", config)
	shared := filepath.Join(root, "data", "apetitspas.db")

	// No machine-wide configuration: nothing to move into.
	code, _, errs := runTool([]string{"move", "--by", "a@cpe.ca", "--from", db}, creds(codeFor(t, secretA)))
	if code != exitRefused || !strings.Contains(errs, "apetitspas-admin configure") {
		t.Fatalf("move without configuration: exit %d, %s", code, errs)
	}
	if err := data.WriteConfig(config, data.Config{DB: shared, KeyDir: filepath.Join(root, "keys")}, 0o644); err != nil {
		t.Fatal(err)
	}
	// A wrong code: nothing written.
	code, _, errs = runTool([]string{"move", "--by", "a@cpe.ca", "--from", db}, creds("000000"))
	if code != exitRefused {
		t.Fatalf("move with a wrong code: exit %d, %s", code, errs)
	}
	if _, err := os.Stat(shared); !os.IsNotExist(err) {
		t.Fatal("a refused move wrote the machine-wide database")
	}
	code, out, errs := runTool([]string{"move", "--by", "a@cpe.ca", "--from", db}, creds(codeFor(t, secretA)))
	if code != exitOK || !strings.Contains(out, shared) {
		t.Fatalf("move: exit %d\n%s%s", code, out, errs)
	}
	// With no --db, the tool now works on the machine-wide place, its key
	// in the machine-wide folder: every MAC holds, data.moved is there.
	code, out, errs = runTool([]string{"audit", "verify", "--json"}, "")
	if code != exitOK || !strings.Contains(out, `"ok": true`) {
		t.Fatalf("audit verify of the moved daycare: exit %d\n%s%s", code, out, errs)
	}
	if _, out, _ := runTool([]string{"audit", "--json", "--event", "data.moved"}, ""); !strings.Contains(out, db) {
		t.Errorf("data.moved in the machine-wide place:\n%s", out)
	}
	must(t, shared, creds(codeFor(t, secretA)), "policy", "enforce-staff", "on", "--by", "a@cpe.ca")
	// Never twice.
	code, _, errs = runTool([]string{"move", "--by", "a@cpe.ca", "--from", db}, creds(codeFor(t, secretA)))
	if code != exitRefused || !strings.Contains(errs, "déplacée") {
		t.Errorf("a second move: exit %d, %s", code, errs)
	}
}

// runTool runs the tool in-process without --db.
func runTool(args []string, stdin string) (int, string, string) {
	var out, errb bytes.Buffer
	code := run(args, strings.NewReader(stdin), &out, &errb)
	return code, out.String(), errb.String()
}
