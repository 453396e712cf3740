package main

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// The administrator's code is single-use: a file the import refuses is
// refused before she signs in, so the same code still works right after.
func TestARefusedImportFileLeavesTheAdministratorsCodeUnspent(t *testing.T) {
	db, _, secretA := daycare(t)
	dir := t.TempDir()
	for _, c := range []struct{ name, content, want string }{
		{"a bad line", "role,email,name\nparent,x@cpe.ca,X\nchef,y@cpe.ca,Y\n", "Ligne 3"},
		{"an e-mail already used", "parent,x@cpe.ca,X\nparent,p@cpe.ca,P\n", "Ligne 2"},
		{"no account", "role,email,name\n", ""},
	} {
		t.Run(c.name, func(t *testing.T) {
			file := filepath.Join(dir, strings.ReplaceAll(c.name, " ", "_")+".csv")
			if err := os.WriteFile(file, []byte(c.content), 0o600); err != nil {
				t.Fatal(err)
			}
			code := codeFor(t, secretA)
			exit, _, errs := runCLI(t, db, creds(code), "users", "import", "--csv", file, "--by", "a@cpe.ca")
			if exit != 1 || !strings.Contains(errs, c.want) {
				t.Fatalf("import: exit %d, %q", exit, errs)
			}
			// The same code, at once: not a replay, it was never used.
			if exit, _, errs := runCLI(t, db, creds(code), "users", "disable", "--email", "p@cpe.ca", "--by", "a@cpe.ca"); exit != 0 {
				t.Fatalf("the code was spent by a refused file: exit %d, %q", exit, errs)
			}
			must(t, db, creds(codeFor(t, secretA)), "users", "enable", "--email", "p@cpe.ca", "--by", "a@cpe.ca")
		})
	}
	if got := emails(t, db); len(got) != 4 {
		t.Fatalf("accounts = %v", got)
	}
	// A good file still imports.
	good := filepath.Join(dir, "bon.csv")
	os.WriteFile(good, []byte("parent,x@cpe.ca,X\n"), 0o600)
	if out := must(t, db, creds(codeFor(t, secretA)), "users", "import", "--csv", good, "--by", "a@cpe.ca"); !strings.Contains(out, "x@cpe.ca") {
		t.Fatalf("import: %q", out)
	}
}
