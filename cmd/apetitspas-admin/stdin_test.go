package main

import (
	"bytes"
	"path/filepath"
	"strings"
	"testing"
)

// A line more than a command reads means the technician's script is wrong:
// a usage error (exit 2), and nothing is done.
func TestALineMoreThanTheCommandReadsIsAUsageErrorAndNothingIsDone(t *testing.T) {
	db := setupA(t)
	file := filepath.Join(t.TempDir(), "copie.apetitspas")
	for _, c := range []struct {
		name  string
		stdin string
		args  []string
	}{
		{"users add reads 3 lines", creds("", pw, "en-trop"), []string{"users", "add", "--role", "parent", "--email", "x@cpe.ca", "--name", "X", "--by", "a@cpe.ca"}},
		{"users disable reads 2 lines", creds("", "en-trop"), []string{"users", "disable", "--email", "a@cpe.ca", "--by", "a@cpe.ca"}},
		{"an empty extra line counts too", creds("", ""), []string{"users", "disable", "--email", "a@cpe.ca", "--by", "a@cpe.ca"}},
		{"backup reads 3 lines", creds("", passphrase, "en-trop"), []string{"backup", "--out", file, "--by", "a@cpe.ca"}},
		{"restore reads 1 line", passphrase + "\nen-trop\n", []string{"--db", filepath.Join(t.TempDir(), "r.db"), "restore", "--from", file}},
		{"setup reads 1 line", pw + "\nen-trop\n", []string{"setup", "--daycare", "CPE", "--email", "y@cpe.ca", "--name", "Y"}},
		{"without a last line break", creds("", pw) + "en-trop", []string{"users", "add", "--role", "parent", "--email", "x@cpe.ca", "--name", "X", "--by", "a@cpe.ca"}},
	} {
		t.Run(c.name, func(t *testing.T) {
			code, out, errs := runCLI(t, db, c.stdin, c.args...)
			if code != exitUsage || !strings.Contains(errs, "l'entrée standard a plus de lignes que cette commande n'en lit") {
				t.Fatalf("exit %d, %q %q", code, out, errs)
			}
		})
	}
	if got := emails(t, db); len(got) != 1 {
		t.Fatalf("accounts = %v", got)
	}
	if find(t, db, "a@cpe.ca").Disabled {
		t.Fatal("a@cpe.ca disabled by a refused script")
	}
	if matches, _ := filepath.Glob(file + "*"); len(matches) != 0 {
		t.Fatalf("backup written by a refused script: %v", matches)
	}
	// The same lines, without the extra one, are accepted.
	must(t, db, creds("", pw), "users", "add", "--role", "parent", "--email", "x@cpe.ca", "--name", "X", "--by", "a@cpe.ca")
}

// An endless standard input is refused after at most one line more than
// the command reads: never read to its end.
func TestAnEndlessStandardInputIsRefusedAfterOneLineMore(t *testing.T) {
	db := setupA(t)
	in := &counting{line: []byte(pw + "\n")}
	var out, errb bytes.Buffer
	code := run([]string{"--db", db, "users", "add", "--role", "parent", "--email", "x@cpe.ca", "--name", "X", "--by", "a@cpe.ca"}, in, &out, &errb)
	if code != exitUsage {
		t.Fatalf("exit %d: %s", code, errb.String())
	}
	if in.n > 4*(maxLineBytes+2) {
		t.Fatalf("%d bytes of standard input were read", in.n)
	}
	if got := emails(t, db); len(got) != 1 {
		t.Fatalf("accounts = %v", got)
	}
}
