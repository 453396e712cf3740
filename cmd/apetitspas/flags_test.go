package main

import (
	"bytes"
	"fmt"
	"os"
	"os/exec"
	"strings"
	"testing"

	"fyne.io/fyne/v2/lang"

	"github.com/apetitspas/apetitspas/screens"
)

func TestHelpPrintsTheUsageInFrenchThenEnglishAndExitsZero(t *testing.T) {
	for _, arg := range []string{"--help", "-h", "-help"} {
		var out, errs bytes.Buffer
		_, exit, done := parseFlags([]string{arg}, "", &out, &errs)
		if !done || exit != 0 || errs.Len() != 0 {
			t.Fatalf("%s: done %v, exit %d, stderr %q", arg, done, exit, errs.String())
		}
		fr, en := strings.Index(out.String(), "Utilisation : apetitspas"), strings.Index(out.String(), "Usage: apetitspas")
		if fr < 0 || en < fr {
			t.Fatalf("%s: French then English expected:\n%s", arg, out.String())
		}
		for _, opt := range []string{"--db", "--service", "--demo", "--lang", "--version"} {
			if strings.Count(out.String(), "  "+opt+" ") != 2 {
				t.Errorf("%s: %s is not described in both languages", arg, opt)
			}
		}
	}
}

func TestAWrongOptionExitsTwoWithAShortMessageNamingIt(t *testing.T) {
	for _, c := range []struct {
		args []string
		fr   string
	}{
		{[]string{"--bogus"}, "option inconnue : --bogus"},
		{[]string{"--db"}, "l'option --db demande une valeur"},
		{[]string{"--demo=peut-être"}, "valeur invalide pour --demo : \"peut-être\""},
		{[]string{"--db", "x.db", "-x\x1b[31m"}, "option inconnue : --x?[31m"},
	} {
		var out, errs bytes.Buffer
		_, exit, done := parseFlags(c.args, "", &out, &errs)
		if !done || exit != 2 || out.Len() != 0 {
			t.Fatalf("%q: done %v, exit %d, stdout %q", c.args, done, exit, out.String())
		}
		lines := strings.Split(strings.TrimSpace(errs.String()), "\n")
		if len(lines) != 2 || !strings.HasPrefix(lines[0], "apetitspas : "+c.fr+" ; ") ||
			!strings.Contains(lines[0], "apetitspas --help") || !strings.Contains(lines[1], "help: apetitspas --help") {
			t.Errorf("%q: stderr %q", c.args, errs.String())
		}
	}
}

func TestTheOptionsAreRead(t *testing.T) {
	var out, errs bytes.Buffer
	o, _, done := parseFlags([]string{"--db", "x.db", "--demo", "--lang=en", "--service", "unix:/run/s.sock", "--version"}, "fr", &out, &errs)
	want := options{dbPath: "x.db", demo: true, language: "en", version: true, service: "unix:/run/s.sock"}
	if done || o != want || out.Len()+errs.Len() != 0 {
		t.Fatalf("%+v (done %v), want %+v", o, done, want)
	}
	if o, _, _ := parseFlags(nil, "en", &out, &errs); o.language != "en" {
		t.Fatalf("$APETITSPAS_LANG: %q", o.language)
	}
}

// The window's package, started afresh under each locale (this test
// binary, with the same imports and init order as the window's), prints
// no « Fyne error » while loading its translations as the window does, nor
// for --help; an environment without a usable locale reads as Québec
// French.
func TestNoFyneErrorWhateverTheLocale(t *testing.T) {
	if os.Getenv("APETITSPAS_LOCALE_CHILD") != "" {
		return
	}
	for _, c := range []struct {
		env    []string
		locale string
	}{
		{[]string{"LANG=C"}, "fr-CA"},
		{[]string{"LANG=C.UTF-8"}, "fr-CA"},
		{[]string{"LANG=POSIX"}, "fr-CA"},
		{[]string{"LC_ALL=C", "LANG=en_US.UTF-8"}, "fr-CA"},
		{[]string{"LC_ALL=C.UTF-8"}, "fr-CA"},
		{[]string{"LANG="}, "fr-CA"},
		{nil, "fr-CA"},
		{[]string{"LANG=n'importe quoi"}, "fr-CA"},
		{[]string{"LANG=fr_CA.UTF-8"}, "fr-CA"},
		{[]string{"LANG=en_US.UTF-8"}, "en-US"},
	} {
		out := localeChild(t, "fixed", c.env)
		if strings.Contains(out, "Fyne error") || !strings.Contains(out, "locale="+c.locale+"\n") ||
			!strings.Contains(out, "help exit=0\n") || !strings.Contains(out, "Courriel") {
			t.Errorf("%v:\n%s", c.env, out)
		}
	}
	// Without the package's work, the same child does log (the test can
	// see the defect).
	if out := localeChild(t, "raw", []string{"LANG=C.UTF-8"}); !strings.Contains(out, "Fyne error:  Error parsing user locale C") {
		t.Errorf("LANG=C.UTF-8 set after start-up should have been logged:\n%s", out)
	}
}

// localeChild runs TestLocaleChild in a new process with env (and no
// other locale variable); it returns everything the child printed.
func localeChild(t *testing.T, mode string, env []string) string {
	t.Helper()
	cmd := exec.Command(os.Args[0], "-test.run=^TestLocaleChild$", "-test.count=1")
	for _, kv := range os.Environ() {
		k, _, _ := strings.Cut(kv, "=")
		switch k {
		case "LANG", "LANGUAGE", "LC_ALL", "LC_MESSAGES", "APETITSPAS_LANG":
		default:
			cmd.Env = append(cmd.Env, kv)
		}
	}
	cmd.Env = append(cmd.Env, "APETITSPAS_LOCALE_CHILD="+mode)
	cmd.Env = append(cmd.Env, env...)
	out, err := cmd.CombinedOutput()
	if err != nil {
		t.Fatalf("%v: %v\n%s", env, err, out)
	}
	return string(out)
}

// TestLocaleChild is the child of TestNoFyneErrorWhateverTheLocale.
func TestLocaleChild(t *testing.T) {
	mode := os.Getenv("APETITSPAS_LOCALE_CHILD")
	if mode == "" {
		return // only as the child of TestNoFyneErrorWhateverTheLocale
	}
	if mode == "raw" {
		// As if nothing had run before Fyne: the locale only now.
		os.Unsetenv("LANGUAGE")
		os.Unsetenv("LC_MESSAGES")
	}
	if err := screens.UseLanguage(""); err != nil {
		t.Fatal(err)
	}
	var out, errs bytes.Buffer
	_, exit, _ := parseFlags([]string{"--help"}, "", &out, &errs)
	fmt.Printf("locale=%s\nhelp exit=%d\n%s\n", lang.SystemLocale(), exit, lang.X("login.email", "?"))
}
