package main

import (
	"bytes"
	"database/sql"
	"encoding/json"
	"io"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"unicode/utf8"

	apetitspas "github.com/apetitspas/apetitspas/app"
)

// counting is an endless standard input that counts what is read.
type counting struct {
	line []byte // repeated forever
	n    int
	pos  int
}

func (c *counting) Read(p []byte) (int, error) {
	for i := range p {
		p[i] = c.line[c.pos]
		c.pos = (c.pos + 1) % len(c.line)
	}
	c.n += len(p)
	return len(p), nil
}

func TestAHugeStandardInputLineIsRefusedWithoutReadingItAll(t *testing.T) {
	db := setupA(t)
	for _, args := range [][]string{
		{"users", "add", "--role", "parent", "--email", "x@cpe.ca", "--name", "X", "--by", "a@cpe.ca"},
		{"mfa", "reset", "--email", "x@cpe.ca", "--by", "a@cpe.ca"},
		{"setup", "--daycare", "CPE", "--email", "x@cpe.ca", "--name", "X"},
	} {
		// 10 MB without a line break (the reader would go on forever).
		in := &counting{line: bytes.Repeat([]byte("x"), 10<<20)}
		var out, errb bytes.Buffer
		code := run(append([]string{"--db", db}, args...), in, &out, &errb)
		if code != 1 || !strings.Contains(errb.String(), "Une ligne de l'entrée standard est trop longue") {
			t.Fatalf("%v: exit %d, %q", args, code, errb.String())
		}
		if in.n > 64<<10 {
			t.Fatalf("%v: %d bytes of standard input were read", args, in.n)
		}
	}
	if got := emails(t, db); len(got) != 1 {
		t.Fatalf("accounts = %v", got)
	}
}

func TestTheLineLimitIsFourKiB(t *testing.T) {
	db := newDB(t)
	setup := []string{"setup", "--daycare", "CPE", "--email", "a@cpe.ca", "--name", "A"}
	// 4096 bytes: read, and refused as a password (too long).
	code, _, errs := runCLI(t, db, strings.Repeat("x", maxLineBytes)+"\r\n", setup...)
	if code != 1 || !strings.Contains(errs, "Le mot de passe est trop long") {
		t.Fatalf("4096 bytes: %d %q", code, errs)
	}
	// 4097 bytes: refused as input.
	code, _, errs = runCLI(t, db, strings.Repeat("x", maxLineBytes+1)+"\n", setup...)
	if code != 1 || !strings.Contains(errs, "trop longue") {
		t.Fatalf("4097 bytes: %d %q", code, errs)
	}
	// An ordinary last line without its line break is read.
	must(t, db, pw, setup...)
}

func TestNamesWithEscapeSequencesOrBidiOverridesAreRefused(t *testing.T) {
	db := newDB(t)
	for _, name := range []string{"Admin\x1b[31m", "Admin \u202eA", "A\u200bB", "A\x00B"} {
		code, _, errs := runCLI(t, db, pw+"\n", "setup", "--daycare", "CPE", "--email", "a@cpe.ca", "--name", name)
		if code != 1 || !strings.Contains(errs, "caractères invisibles ou de contrôle") {
			t.Fatalf("setup with %q: %d %q", name, code, errs)
		}
		code, _, errs = runCLI(t, db, pw+"\n", "setup", "--daycare", name, "--email", "a@cpe.ca", "--name", "A")
		if code != 1 {
			t.Fatalf("daycare %q: %d %q", name, code, errs)
		}
	}
	must(t, db, pw+"\n", "setup", "--daycare", "CPE", "--email", "a@cpe.ca", "--name", "A")
	for _, name := range []string{"Karim\x1b[31m", "\u202eKarim", "Karim\u2028"} {
		code, _, errs := runCLI(t, db, creds("", pw), "users", "add", "--role", "parent", "--email", "k@cpe.ca", "--name", name, "--by", "a@cpe.ca")
		if code != 1 || !strings.Contains(errs, "caractères invisibles ou de contrôle") {
			t.Fatalf("users add with %q: %d %q", name, code, errs)
		}
	}
	csv := filepath.Join(t.TempDir(), "p.csv")
	os.WriteFile(csv, []byte("parent,k@cpe.ca,Karim\x1b[2J\n"), 0o600)
	if code, _, errs := runCLI(t, db, creds(""), "users", "import", "--csv", csv, "--by", "a@cpe.ca"); code != 1 || !strings.Contains(errs, "Ligne 1") {
		t.Fatalf("import: %d %q", code, errs)
	}
	if got := emails(t, db); len(got) != 1 {
		t.Fatalf("accounts = %v", got)
	}
}

func TestAnImportOverSixteenMiBIsRefusedWhole(t *testing.T) {
	db := setupA(t)
	var b bytes.Buffer
	b.WriteString("role,email,name\nparent,x@cpe.ca,X\nemployee,y@cpe.ca,Y\n")
	for b.Len() <= apetitspas.MaxImportBytes {
		b.WriteString(strings.Repeat(" ", 1023) + "\n")
	}
	big := filepath.Join(t.TempDir(), "big.csv")
	os.WriteFile(big, b.Bytes(), 0o600)
	code, _, errs := runCLI(t, db, creds(""), "users", "import", "--csv", big, "--by", "a@cpe.ca")
	if code != 1 || !strings.Contains(errs, "trop gros") || !strings.Contains(errs, "Rien n'a été importé") {
		t.Fatalf("exit %d, %q", code, errs)
	}
	if got := emails(t, db); len(got) != 1 {
		t.Fatalf("accounts = %v", got)
	}
}

func TestACSVHeaderWithAStrayQuoteGivesAClearError(t *testing.T) {
	db := setupA(t)
	for _, content := range []string{
		"ro\"le,email,name\nparent,x@cpe.ca,X\n",
		"role,email,name\nparent,x@cpe.ca,\"X\n",
		"\"\n",
	} {
		csv := filepath.Join(t.TempDir(), "q.csv")
		os.WriteFile(csv, []byte(content), 0o600)
		code, out, errs := runCLI(t, db, creds(""), "users", "import", "--csv", csv, "--by", "a@cpe.ca")
		if code != 1 || !strings.Contains(errs, "Le fichier CSV est mal formé") || !strings.Contains(errs, "Ligne") {
			t.Fatalf("%q: exit %d, out %q, err %q", content, code, out, errs)
		}
	}
	csv := filepath.Join(t.TempDir(), "q.csv")
	os.WriteFile(csv, []byte("ro\"le,email,name\n"), 0o600)
	_, _, errs := runCLI(t, db, creds(""), "users", "import", "--csv", csv, "--by", "a@cpe.ca")
	if !strings.Contains(errs, "Ligne 1") || !strings.Contains(errs, "guillemet") {
		t.Fatalf("stray quote: %q", errs)
	}
	if got := emails(t, db); len(got) != 1 {
		t.Fatalf("accounts = %v", got)
	}
}

func TestTextOutputNeverWritesControlOrBidiCharacters(t *testing.T) {
	db, _, _ := daycare(t)
	// An older version let such names in; a file editor too.
	evil := "Evil\x1b[31m\u202eName\u2028\x07"
	raw, err := sql.Open("sqlite3", db)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := raw.Exec(`UPDATE users SET name = ? WHERE email = 'p@cpe.ca'`, evil); err != nil {
		t.Fatal(err)
	}
	if _, err := raw.Exec(`INSERT INTO audit (time, event, actor, target, detail) VALUES (0, 'x.forged', ?, ?, ?)`,
		"a\x1b]0;title\x07", "p@cpe.ca\u202e", "detail\x1b[2J\u2066"); err != nil {
		t.Fatal(err)
	}
	raw.Close()

	clean := func(what, s string) {
		t.Helper()
		for _, r := range s {
			if r != '\n' && hidden(r) {
				t.Fatalf("%s writes %U:\n%q", what, r, s)
			}
		}
	}
	for _, args := range [][]string{
		{"users", "list"},
		{"audit"},
		{"audit", "verify"},
		{"users", "list", "--json"},
		{"audit", "--json"},
		{"audit", "verify", "--json"},
	} {
		_, out, errs := runCLI(t, db, "", args...)
		clean(strings.Join(args, " "), out)
		clean(strings.Join(args, " ")+" (stderr)", errs)
	}
	_, out, _ := runCLI(t, db, "", "users", "list")
	if !strings.Contains(out, `Evil\x1b[31m\u202eName\u2028\x07`) {
		t.Fatalf("the name is not shown escaped:\n%s", out)
	}
	// JSON still carries the exact name.
	for _, u := range list(t, db) {
		if u.Email == "p@cpe.ca" && u.Name != evil {
			t.Fatalf("JSON name = %q", u.Name)
		}
	}
	_, out, _ = runCLI(t, db, "", "audit")
	if !strings.Contains(out, `detail\x1b[2J\u2066`) {
		t.Fatalf("the detail is not shown escaped:\n%s", out)
	}
}

func TestSafeAndJSONSafe(t *testing.T) {
	for in, want := range map[string]string{
		"Élodie D'Amour":      "Élodie D'Amour",
		"a\x1b[31mb":          `a\x1b[31mb`,
		"a\u202eb":            `a\u202eb`,
		"a\tb\nc\rd":          `a\x09b\x0ac\x0dd`,
		"a\u0085b":            `a\u0085b`,
		"a\x85b":              `a\x85b`,
		"bad\xffbyte":         `bad\xffbyte`,
		"tag\U000E0041":       `tag\U000e0041`,
		"sep\u2028\u2029":     `sep\u2028\u2029`,
		"zero\u200bwidth":     `zero\u200bwidth`,
		"private\ue000use":    `private\ue000use`,
		"emoji 👶 ok, « oui »": "emoji 👶 ok, « oui »",
	} {
		if got := safe(in); got != want {
			t.Errorf("safe(%q) = %q, want %q", in, got, want)
		}
	}
	for _, s := range []string{"a\u202eb", "\u2066x\u2069", "tag\U000E0041", "\ue000", "é\u200d", "ok"} {
		b, _ := json.Marshal(s)
		got := jsonSafe(b)
		for _, r := range string(got) {
			if r >= utf8.RuneSelf && hidden(r) {
				t.Fatalf("jsonSafe(%s) = %s keeps %U", b, got, r)
			}
		}
		var back string
		if err := json.Unmarshal(got, &back); err != nil || back != s {
			t.Fatalf("jsonSafe(%s) = %s, which reads back as %q (%v)", b, got, back, err)
		}
	}
}

func TestJSONEscapesLineSeparatorsAndBidiOverrides(t *testing.T) {
	var out bytes.Buffer
	c := &cli{stdout: &out, stderr: io.Discard}
	c.writeJSON(map[string]string{"name": "a\u2028b\u202ec"})
	if strings.ContainsAny(out.String(), "\u2028\u202e") || !strings.Contains(out.String(), `\u2028`) || !strings.Contains(out.String(), `\u202e`) {
		t.Fatalf("out = %q", out.String())
	}
}
