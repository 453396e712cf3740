package main

import (
	"os"
	"strings"
	"testing"
)

// A newcomer's mistakes: each says what is wrong in one line, then the
// help's lines of that group or command only (never the whole help), and
// exits 2.
func TestAWrongUsageSaysWhatIsWrongAndShowsOnlyItsLines(t *testing.T) {
	db := newDB(t)
	cases := []struct {
		name  string
		args  []string
		first string // the first line of stderr
		shows string // one of the lines that follow
		max   int    // lines of stderr at most
	}{
		{"a group without its sub-command", []string{"users"},
			"apetitspas-admin: il manque la sous-commande : users add|import|role|reseal|disable|enable|unlock|erase|list|export",
			"  apetitspas-admin [--db CHEMIN] users list [--json] [--role ROLE]", 15},
		{"an unknown sub-command", []string{"users", "frobnicate"},
			"apetitspas-admin: sous-commande inconnue : users frobnicate", "users disable|enable|unlock", 15},
		{"an unknown sub-command before options", []string{"users", "remove", "--email", "a@cpe.ca"},
			"apetitspas-admin: sous-commande inconnue : users remove", "users reseal", 15},
		{"a group, then an option", []string{"mfa", "--email", "a@cpe.ca"},
			"apetitspas-admin: il manque la sous-commande : mfa status|reset|reactivation-code", "mfa reset --email CIBLE --by ADMIN", 15},
		{"an unknown option", []string{"users", "list", "--bogus"},
			"apetitspas-admin: users list: option inconnue : --bogus", "users list [--json]", 3},
		{"an option without its value", []string{"users", "list", "--role"},
			"apetitspas-admin: users list: l'option --role demande une valeur", "users list [--json]", 3},
		{"a bad value", []string{"policy", "enforce-staff", "on", "--grace-days", "abc"},
			"apetitspas-admin: policy enforce-staff: valeur invalide pour --grace-days : \"abc\"", "policy enforce-staff on|off", 3},
		{"an argument too many", []string{"users", "list", "tout"},
			"apetitspas-admin: users list: argument en trop : tout", "users list [--json]", 3},
		{"a missing required option", []string{"users", "reseal", "--by", "a@cpe.ca"},
			"apetitspas-admin: users reseal: --email et --by sont requis / are required", "users reseal --email", 7},
		{"the bare audit, an unknown option", []string{"audit", "--bogus"},
			"apetitspas-admin: audit: option inconnue : --bogus", "audit [--json] [--event CODE]", 3},
		{"an unknown command", []string{"frobnicate"},
			"apetitspas-admin: commande inconnue : frobnicate", "commandes : setup, users, audit, report, mfa, policy, retention, incidents, backup, restore, keys, db, configure, move, service", 3},
		{"a global option without its value", []string{"users", "list", "--db"},
			"apetitspas-admin: l'option --db demande une valeur", "Toute l'aide : apetitspas-admin --help", 2},
		{"escape sequences are shown, not run", []string{"users", "\x1b[31mrouge"},
			`apetitspas-admin: sous-commande inconnue : users \x1b[31mrouge`, "users list", 15},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			code, out, errs := runCLI(t, db, "", c.args...)
			lines := strings.Split(strings.TrimSuffix(errs, "\n"), "\n")
			if code != exitUsage || out != "" || lines[0] != c.first {
				t.Fatalf("exit %d, stdout %q, stderr:\n%s\nwant 2 and first line %q", code, out, errs, c.first)
			}
			if len(lines) > c.max || strings.Contains(errs, "Codes de sortie") || !strings.Contains(errs, c.shows) {
				t.Fatalf("%d lines (at most %d), with %q:\n%s", len(lines), c.max, c.shows, errs)
			}
			if last := lines[len(lines)-1]; last != "Toute l'aide : apetitspas-admin --help" {
				t.Fatalf("the last line says where the help is: %q", last)
			}
		})
	}
	if _, err := os.Stat(db); err == nil {
		t.Fatal("a wrong usage created the database")
	}
}

// Every group: the missing and the unknown sub-command say so, with the
// group's synopsis lines only, each one of the group.
func TestEveryGroupNamesItsSubCommands(t *testing.T) {
	db := newDB(t)
	groups := map[string]string{
		"users":   "add|import|role|reseal|disable|enable|unlock|erase|list|export",
		"mfa":     "status|reset|reactivation-code",
		"policy":  "show|enforce-staff",
		"keys":    "replace|export|import",
		"db":      "migrate|move",
		"service": "install|uninstall|status",
	}
	for group, subs := range groups {
		for _, c := range []struct {
			args  []string
			first string
		}{
			{[]string{group}, "il manque la sous-commande : " + group + " " + subs},
			{[]string{group, "frobnicate"}, "sous-commande inconnue : " + group + " frobnicate"},
		} {
			code, _, errs := runCLI(t, db, "", c.args...)
			lines := strings.Split(strings.TrimSuffix(errs, "\n"), "\n")
			if code != exitUsage || lines[0] != "apetitspas-admin: "+c.first || len(lines) > 15 {
				t.Errorf("%q: exit %d\n%s", c.args, code, errs)
				continue
			}
			for _, l := range lines[1 : len(lines)-1] {
				if !strings.Contains(l, " "+group+" ") {
					t.Errorf("%q: a line of another group: %q", c.args, l)
				}
			}
		}
	}
	// audit alone is a command (the journal); audit with an unknown word
	// is not.
	code, _, errs := runCLI(t, db, "", "audit", "frobnicate")
	if code != exitUsage || !strings.HasPrefix(errs, "apetitspas-admin: sous-commande inconnue : audit frobnicate\n") || !strings.Contains(errs, "audit verify") {
		t.Fatalf("audit frobnicate: %d\n%s", code, errs)
	}
}

// Each command of the help is one the tool runs: with an unknown option,
// each says « option inconnue » and shows its own lines, never
// « commande inconnue » (the help and the dispatch agree).
func TestEveryCommandOfTheHelpIsDispatched(t *testing.T) {
	db := newDB(t)
	n := 0
	for _, e := range entries {
		subs := e.subs
		if len(subs) == 0 {
			subs = []string{""}
		}
		for _, sub := range subs {
			args := []string{e.group}
			command := e.group
			if sub != "" {
				args, command = append(args, sub), e.group+" "+sub
			}
			if command == "policy enforce-staff" {
				args = append(args, "on")
			}
			code, _, errs := runCLI(t, db, "", append(args, "--bogus")...)
			first, _, _ := strings.Cut(errs, "\n")
			if code != exitUsage || first != "apetitspas-admin: "+command+": option inconnue : --bogus" || !strings.Contains(errs, e.lines[0]) {
				t.Errorf("%s --bogus: exit %d\n%s", command, code, errs)
			}
			n++
		}
	}
	if n < 25 {
		t.Fatalf("only %d commands found in the help: its shape changed?", n)
	}
}

func TestHelpIsWholeWithHelpAndScopedAfterACommand(t *testing.T) {
	newDB(t)
	for _, args := range [][]string{{"--help"}, {"-h"}, {"help"}, {"-help"}, {"frobnicate", "--help"}} {
		code, out, errs := runCLI(t, "x.db", "", args...)
		if code != exitOK || out != usage || errs != "" {
			t.Errorf("%q: exit %d, %d bytes, stderr %q", args, code, len(out), errs)
		}
	}
	code, out, _ := runCLI(t, "x.db", "", "users", "--help")
	if code != exitOK || !strings.Contains(out, "users add") || !strings.Contains(out, "users list") || strings.Contains(out, "audit") {
		t.Fatalf("users --help: %d\n%s", code, out)
	}
	code, out, _ = runCLI(t, "x.db", "", "users", "reseal", "-h")
	if code != exitOK || !strings.Contains(out, "account changed outside the app") || strings.Contains(out, "users add") {
		t.Fatalf("users reseal -h: %d\n%s", code, out)
	}
	// Without a command: the whole help, but it is a wrong usage.
	if code, out, errs := runCLI(t, "x.db", ""); code != exitUsage || out != "" || errs != usage {
		t.Fatalf("no command: %d %q", code, out)
	}
}

// « help » is a command, not a word anywhere: a person may be named Help.
func TestHelpIsNotAWordAnywhere(t *testing.T) {
	db := setupA(t)
	out := must(t, db, creds("", pw), "users", "add", "--role", "parent", "--email", "help@cpe.ca", "--name", "help", "--by", "a@cpe.ca")
	if !strings.Contains(out, "Compte créé : help@cpe.ca") {
		t.Fatalf("%q", out)
	}
}

func TestWrongUsageInEnglishWithLangEn(t *testing.T) {
	db := newDB(t)
	code, _, errs := runCLI(t, db, "", "--lang", "en", "users")
	if code != exitUsage || !strings.HasPrefix(errs, "apetitspas-admin: the sub-command is missing: users add|import|") ||
		!strings.HasSuffix(errs, "The whole help: apetitspas-admin --help\n") {
		t.Fatalf("%d\n%s", code, errs)
	}
	code, _, errs = runCLI(t, db, "", "users", "list", "--bogus", "--lang=en")
	if code != exitUsage || !strings.HasPrefix(errs, "apetitspas-admin: users list: unknown option: --bogus\n") {
		t.Fatalf("%d\n%s", code, errs)
	}
}
