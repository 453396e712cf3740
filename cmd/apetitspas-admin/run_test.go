package main

import (
	"bytes"
	"crypto/sha256"
	"database/sql"
	"encoding/json"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
	"time"

	_ "github.com/mattn/go-sqlite3"
)

// setupA is a new database with one administrator, a@cpe.ca (MFA off).
func setupA(t *testing.T) string {
	t.Helper()
	db := newDB(t)
	must(t, db, pw+"\n", "setup", "--daycare", "CPE Test", "--email", "a@cpe.ca", "--name", "Admin A")
	return db
}

func TestAddingAnEmployeeAndAParentListsThemAsJSON(t *testing.T) {
	db := newDB(t)
	out := must(t, db, pw+"\n", "setup", "--daycare", "CPE Test", "--email", "Elodie@CPE.ca", "--name", "Élodie D'Amour")
	if !strings.Contains(out, "Compte créé : elodie@cpe.ca (admin)") {
		t.Fatalf("setup: %q", out)
	}
	for _, u := range [][3]string{
		{"employee", "karim@cpe.ca", "Karim Benali"},
		{"parent", "anne@parents.ca", "Anne Parent"},
	} {
		out := must(t, db, creds("", pw), "users", "add", "--role", u[0], "--email", u[1], "--name", u[2], "--by", "elodie@cpe.ca")
		if !strings.Contains(out, "Compte créé") || strings.Contains(out, "temporaire") {
			t.Fatalf("users add %v: %q", u, out)
		}
	}
	users := list(t, db)
	want := []listed{
		{"anne@parents.ca", "Anne Parent", "parent", "off", false, false, false},
		{"elodie@cpe.ca", "Élodie D'Amour", "admin", "off", false, false, false},
		{"karim@cpe.ca", "Karim Benali", "employee", "off", false, false, false},
	}
	if len(users) != len(want) {
		t.Fatalf("users = %+v", users)
	}
	for i := range want {
		if users[i] != want[i] {
			t.Errorf("user %d = %+v, want %+v", i, users[i], want[i])
		}
	}
	// The keys are a public interface: exactly these.
	var raw []map[string]any
	json.Unmarshal([]byte(must(t, db, "", "users", "list", "--json")), &raw)
	if len(raw[0]) != 7 {
		t.Fatalf("keys = %v", raw[0])
	}
	for _, k := range []string{"email", "name", "role", "mfa", "locked", "disabled", "tampered"} {
		if _, ok := raw[0][k]; !ok {
			t.Errorf("missing key %q", k)
		}
	}
}

func TestAnEmptyDatabaseListsAnEmptyJSONArray(t *testing.T) {
	_, out, _ := runCLI(t, newDB(t), "", "users", "list", "--json")
	if strings.TrimSpace(out) != "[]" {
		t.Fatalf("out = %q", out)
	}
}

func TestSetupWorksOnlyOnADatabaseWithoutAnAdministrator(t *testing.T) {
	db := setupA(t)
	code, _, errs := runCLI(t, db, "un-autre-mot-de-passe\n", "setup", "--daycare", "Pirate", "--email", "pirate@cpe.ca", "--name", "Pirate")
	if code != 1 || !strings.Contains(errs, "Un compte administrateur existe déjà") {
		t.Fatalf("second setup: %d %q", code, errs)
	}
	if got := emails(t, db); len(got) != 1 || got[0] != "a@cpe.ca" {
		t.Fatalf("accounts = %v", got)
	}
}

func TestRefusalsExitWithOneAndAFrenchMessage(t *testing.T) {
	db := setupA(t)
	add := func(more ...string) []string {
		return append([]string{"users", "add", "--role", "parent"}, more...)
	}
	by := []string{"--by", "a@cpe.ca"}
	cases := []struct {
		name  string
		stdin string
		args  []string
		code  int
		msg   string
	}{
		{"e-mail of an existing account in another case", creds("", pw), add(append([]string{"--email", " A@CPE.CA ", "--name", "B"}, by...)...), 1, "Un compte utilise déjà cette adresse courriel."},
		{"short new password", creds("", "court"), add(append([]string{"--email", "b@cpe.ca", "--name", "B"}, by...)...), 1, "au moins 15 caractères"},
		{"a parent's password of 8 characters", creds("", "vélo7lac"), add(append([]string{"--email", "b@cpe.ca", "--name", "B"}, by...)...), 1, "au moins 15 caractères"},
		{"common new password", creds("", "motdepasse123"), add(append([]string{"--email", "b@cpe.ca", "--name", "B"}, by...)...), 1, "trop courant"},
		{"new password built on the person's name", creds("", "Bernadette2026!!"), add(append([]string{"--email", "b@cpe.ca", "--name", "Bernadette Roy"}, by...)...), 1, "le nom de la personne"},
		{"no credentials on stdin", "", add(append([]string{"--email", "b@cpe.ca", "--name", "B"}, by...)...), 1, "Mot de passe de l'administrateur attendu"},
		{"an empty first line", "\n\n" + pw + "\n", add(append([]string{"--email", "b@cpe.ca", "--name", "B"}, by...)...), 1, "Mot de passe de l'administrateur attendu"},
		{"wrong password", "mauvais-mot-de-passe\n", add(append([]string{"--email", "b@cpe.ca", "--name", "B"}, by...)...), 1, "Courriel ou mot de passe incorrect"},
		{"unknown role", creds("", pw), []string{"users", "add", "--role", "chef", "--email", "b@cpe.ca", "--name", "B", "--by", "a@cpe.ca"}, 1, "Rôle inconnu"},
		{"bad e-mail", creds("", pw), add(append([]string{"--email", "pas-un-courriel", "--name", "B"}, by...)...), 1, "n'est pas valide"},
		{"missing flag", "", add(), 2, "requis"},
		{"missing --by", creds("", pw), add("--email", "b@cpe.ca", "--name", "B"), 2, "--by"},
		{"unknown sub-command", "", []string{"users", "remove"}, 2, "sous-commande inconnue : users remove"},
		{"users role without --by", creds(""), []string{"users", "role", "--email", "a@cpe.ca", "--role", "parent"}, 2, "requis"},
		{"users import without --by", creds(""), []string{"users", "import", "--csv", "x.csv"}, 2, "requis"},
		{"users reseal without --by", creds(""), []string{"users", "reseal", "--email", "a@cpe.ca"}, 2, "requis"},
		{"users disable without --by", creds(""), []string{"users", "disable", "--email", "a@cpe.ca"}, 2, "requis"},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			code, _, errs := runCLI(t, db, c.stdin, c.args...)
			if code != c.code || !strings.Contains(errs, c.msg) {
				t.Fatalf("exit %d, stderr %q; want %d and %q", code, errs, c.code, c.msg)
			}
		})
	}
	if got := emails(t, db); len(got) != 1 {
		t.Fatalf("accounts after refusals: %v", got)
	}
}

func TestEnglishMessagesWithLangEn(t *testing.T) {
	db := setupA(t)
	code, _, errs := runCLI(t, db, "mauvais-mot-de-passe\n", "--lang", "en", "users", "add", "--role", "parent",
		"--email", "b@cpe.ca", "--name", "B", "--by", "a@cpe.ca")
	if code != 1 || !strings.Contains(errs, "Wrong e-mail or password.") {
		t.Fatalf("exit %d, %q", code, errs)
	}
}

func TestImportIsAllOrNothingAndPrintsTemporaryPasswordsOnce(t *testing.T) {
	db := setupA(t)
	dir := t.TempDir()
	bad := filepath.Join(dir, "bad.csv")
	os.WriteFile(bad, []byte("role,email,name\nparent,x@cpe.ca,X\nparent,pas-un-courriel,B\n"), 0o600)
	code, _, errs := runCLI(t, db, creds(""), "users", "import", "--csv", bad, "--by", "a@cpe.ca")
	if code != 1 || !strings.Contains(errs, "Ligne 3") {
		t.Fatalf("bad import: %d %q", code, errs)
	}
	if got := emails(t, db); len(got) != 1 {
		t.Fatalf("a refused import created accounts: %v", got)
	}
	good := filepath.Join(dir, "good.csv")
	os.WriteFile(good, []byte("role,email,name\nparent,x@cpe.ca,Anne\nemployee,y@cpe.ca,\"Côté, Bruno\"\n"), 0o600)
	out := must(t, db, creds(""), "users", "import", "--csv", good, "--by", "a@cpe.ca")
	if !strings.Contains(out, "2 comptes créés") || !strings.Contains(out, "Côté, Bruno") {
		t.Fatalf("import: %q", out)
	}
	code, _, errs = runCLI(t, db, creds(""), "users", "import", "--csv", filepath.Join(dir, "absent.csv"), "--by", "a@cpe.ca")
	if code != 1 || !strings.Contains(errs, "Impossible de lire") {
		t.Fatalf("missing file: %d %q", code, errs)
	}
	// Without the administrator's password: nothing.
	again := filepath.Join(dir, "again.csv")
	os.WriteFile(again, []byte("parent,z@cpe.ca,Zoé\n"), 0o600)
	code, _, errs = runCLI(t, db, "mauvais-mot-de-passe\n", "users", "import", "--csv", again, "--by", "a@cpe.ca")
	if code != 1 || len(emails(t, db)) != 3 {
		t.Fatalf("import with a wrong password: %d %q", code, errs)
	}
}

func TestAuditJSONHasTheStableShape(t *testing.T) {
	db := setupA(t)
	var evs []struct {
		Time, Event, Actor, Target, Detail string
		Fields                             map[string]string
	}
	var shapes []map[string]json.RawMessage
	out := must(t, db, "", "audit", "--json")
	if err := json.Unmarshal([]byte(out), &evs); err != nil {
		t.Fatalf("%v\n%s", err, out)
	}
	if err := json.Unmarshal([]byte(out), &shapes); err != nil {
		t.Fatal(err)
	}
	if len(evs) != 2 || evs[0].Event != "user.created" || evs[1].Event != "setup.completed" {
		t.Fatalf("events = %v", evs)
	}
	for i, ev := range evs {
		if len(shapes[i]) != 6 {
			t.Fatalf("keys = %v", shapes[i])
		}
		for _, k := range []string{"time", "event", "actor", "target", "detail", "fields"} {
			if _, ok := shapes[i][k]; !ok {
				t.Fatalf("no %q in %s", k, out)
			}
		}
		if _, err := time.Parse(time.RFC3339, ev.Time); err != nil {
			t.Fatalf("time %q is not RFC 3339", ev.Time)
		}
	}
	if ev := evs[0]; ev.Actor != "a@cpe.ca" || ev.Target != "a@cpe.ca" {
		t.Fatalf("actor/target = %v", ev)
	}
	// The details key by key, next to the technicians' one-line detail.
	if f := evs[0].Fields; f["role"] != "admin" || f["mfa"] != "off" || f["via"] != "first_run" || evs[0].Detail != "role=admin, mfa=off (first run)" {
		t.Fatalf("user.created: %+v", evs[0])
	}
	if f := evs[1].Fields; f["daycare"] == "" {
		t.Fatalf("setup.completed: %+v", evs[1])
	}
}

func TestAuditJSONGivesAnEmptyFieldsObjectToRowsFromBefore(t *testing.T) {
	db := setupA(t)
	sqlExec(t, db, `INSERT INTO audit (time, event, actor, target, detail) VALUES (1, 'logout', 'a@cpe.ca', 'a@cpe.ca', 'old')`)
	out := must(t, db, "", "audit", "--json", "--event", "logout")
	if !strings.Contains(out, `"fields": {}`) && !strings.Contains(out, `"fields":{}`) {
		t.Fatalf("a row from before fields: %s", out)
	}
}

func TestTheAuditJournalRefusesDeleteAndUpdate(t *testing.T) {
	db := setupA(t)
	raw, err := sql.Open("sqlite3", db)
	if err != nil {
		t.Fatal(err)
	}
	defer raw.Close()
	if _, err := raw.Exec("DELETE FROM audit"); err == nil {
		t.Fatal("DELETE FROM audit succeeded")
	}
	if _, err := raw.Exec("UPDATE audit SET event = 'x'"); err == nil {
		t.Fatal("UPDATE audit succeeded")
	}
}

func TestADatabaseFromANewerVersionIsRefusedAndLeftUntouched(t *testing.T) {
	db := setupA(t)
	raw, _ := sql.Open("sqlite3", db)
	raw.Exec("PRAGMA user_version = 999")
	raw.Exec("PRAGMA wal_checkpoint(TRUNCATE)")
	raw.Close()
	before := fileSum(t, db)
	code, out, errs := runCLI(t, db, "", "users", "list", "--json")
	if code != 1 || out != "" || !strings.Contains(errs, "version plus récente") {
		t.Fatalf("exit %d, out %q, err %q", code, out, errs)
	}
	if fileSum(t, db) != before {
		t.Fatal("the newer database was modified")
	}
}

func TestACorruptFileIsRefusedAndLeftUntouched(t *testing.T) {
	db := newDB(t)
	junk := []byte(strings.Repeat("ceci n'est pas une base de données\n", 200))
	os.WriteFile(db, junk, 0o600)
	code, _, errs := runCLI(t, db, pw+"\n", "setup", "--daycare", "CPE", "--email", "a@cpe.ca", "--name", "A")
	if code != 1 || !strings.Contains(errs, "endommagé") {
		t.Fatalf("exit %d, err %q", code, errs)
	}
	if got, _ := os.ReadFile(db); !bytes.Equal(got, junk) {
		t.Fatal("the corrupt file was overwritten")
	}
}

func fileSum(t *testing.T, path string) [32]byte {
	t.Helper()
	b, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	return sha256.Sum256(b)
}

func TestTheToolDoesNotImportFyne(t *testing.T) {
	out, err := exec.Command("go", "list", "-deps", ".").CombinedOutput()
	if err != nil {
		t.Fatalf("go list: %v\n%s", err, out)
	}
	if strings.Contains(string(out), "fyne.io/") {
		t.Fatal("apetitspas-admin depends on Fyne")
	}
	if !strings.Contains(string(out), "github.com/apetitspas/apetitspas/app") {
		t.Fatal("go list output looks wrong")
	}
}

func TestVersionAndHelp(t *testing.T) {
	var out bytes.Buffer
	if code := run([]string{"--version"}, nil, &out, &out); code != 0 || !strings.Contains(out.String(), "apetitspas-admin 0.") {
		t.Fatalf("--version: %d %q", code, out.String())
	}
	out.Reset()
	if code := run([]string{"help"}, nil, &out, &out); code != 0 {
		t.Fatal(code)
	}
	for _, cmd := range []string{"users role", "users reseal", "audit verify", "--break-glass", "--by ADMIN"} {
		if !strings.Contains(out.String(), cmd) {
			t.Errorf("the usage text does not mention %q", cmd)
		}
	}
}
