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

// runCLI runs the tool in-process on db with stdin; it returns the exit
// code, stdout and stderr.
func runCLI(t *testing.T, db, stdin string, args ...string) (int, string, string) {
	t.Helper()
	var out, errb bytes.Buffer
	code := run(append([]string{"--db", db}, args...), strings.NewReader(stdin), &out, &errb)
	return code, out.String(), errb.String()
}

func newDB(t *testing.T) string {
	t.Helper()
	t.Setenv("APETITSPAS_LANG", "")
	return filepath.Join(t.TempDir(), "apetitspas.db")
}

type listed struct {
	Email    string `json:"email"`
	Name     string `json:"name"`
	Role     string `json:"role"`
	MFA      string `json:"mfa"`
	Locked   bool   `json:"locked"`
	Disabled bool   `json:"disabled"`
}

func list(t *testing.T, db string) []listed {
	t.Helper()
	code, out, errs := runCLI(t, db, "", "users", "list", "--json")
	if code != 0 {
		t.Fatalf("users list: %d %s", code, errs)
	}
	var users []listed
	if err := json.Unmarshal([]byte(out), &users); err != nil {
		t.Fatalf("users list --json is not JSON: %v\n%s", err, out)
	}
	return users
}

func TestAddingAnAdminAnEmployeeAndAParentListsThemAsJSON(t *testing.T) {
	db := newDB(t)
	for _, u := range [][3]string{
		{"admin", "Elodie@CPE.ca", "Élodie D'Amour"},
		{"employee", "karim@cpe.ca", "Karim Benali"},
		{"parent", "anne@parents.ca", "Anne Parent"},
	} {
		code, out, errs := runCLI(t, db, "un-bon-mot-de-passe\n", "users", "add", "--role", u[0], "--email", u[1], "--name", u[2])
		if code != 0 || !strings.Contains(out, "Compte créé") {
			t.Fatalf("users add %v: %d %q %q", u, code, out, errs)
		}
	}
	users := list(t, db)
	want := []listed{
		{"anne@parents.ca", "Anne Parent", "parent", "off", false, false},
		{"elodie@cpe.ca", "Élodie D'Amour", "admin", "off", false, false},
		{"karim@cpe.ca", "Karim Benali", "employee", "off", false, false},
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
	_, out, _ := runCLI(t, db, "", "users", "list", "--json")
	var raw []map[string]any
	json.Unmarshal([]byte(out), &raw)
	if len(raw[0]) != 6 {
		t.Fatalf("keys = %v", raw[0])
	}
	for _, k := range []string{"email", "name", "role", "mfa", "locked", "disabled"} {
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

func TestRefusalsExitWithOneAndAFrenchMessage(t *testing.T) {
	db := newDB(t)
	runCLI(t, db, "un-bon-mot-de-passe\n", "users", "add", "--role", "parent", "--email", "a@cpe.ca", "--name", "A")
	cases := []struct {
		name  string
		stdin string
		args  []string
		code  int
		msg   string
	}{
		{"duplicate e-mail in another case", "un-bon-mot-de-passe\n", []string{"users", "add", "--role", "parent", "--email", " A@CPE.CA ", "--name", "B"}, 1, "Un compte utilise déjà cette adresse courriel."},
		{"short password", "court\n", []string{"users", "add", "--role", "parent", "--email", "b@cpe.ca", "--name", "B"}, 1, "au moins 10 caractères"},
		{"no password on stdin", "", []string{"users", "add", "--role", "parent", "--email", "b@cpe.ca", "--name", "B"}, 1, "Aucun mot de passe"},
		{"unknown role", "un-bon-mot-de-passe\n", []string{"users", "add", "--role", "chef", "--email", "b@cpe.ca", "--name", "B"}, 1, "Rôle inconnu"},
		{"missing flag", "", []string{"users", "add", "--role", "parent"}, 2, "requis"},
		{"unknown command", "", []string{"users", "remove"}, 2, "commande inconnue"},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			code, _, errs := runCLI(t, db, c.stdin, c.args...)
			if code != c.code || !strings.Contains(errs, c.msg) {
				t.Fatalf("exit %d, stderr %q; want %d and %q", code, errs, c.code, c.msg)
			}
		})
	}
	if n := len(list(t, db)); n != 1 {
		t.Fatalf("%d accounts after refusals", n)
	}
}

func TestImportIsAllOrNothingAndPrintsTemporaryPasswordsOnce(t *testing.T) {
	db := newDB(t)
	dir := t.TempDir()
	bad := filepath.Join(dir, "bad.csv")
	os.WriteFile(bad, []byte("role,email,name\nparent,a@cpe.ca,A\nparent,pas-un-courriel,B\n"), 0o600)
	code, _, errs := runCLI(t, db, "", "users", "import", "--csv", bad)
	if code != 1 || !strings.Contains(errs, "Ligne 3") {
		t.Fatalf("bad import: %d %q", code, errs)
	}
	if n := len(list(t, db)); n != 0 {
		t.Fatalf("a refused import created %d accounts", n)
	}
	good := filepath.Join(dir, "good.csv")
	os.WriteFile(good, []byte("role,email,name\nparent,a@cpe.ca,Anne\nemployee,b@cpe.ca,\"Côté, Bruno\"\n"), 0o600)
	code, out, errs := runCLI(t, db, "", "users", "import", "--csv", good)
	if code != 0 || !strings.Contains(out, "2 comptes créés") || !strings.Contains(out, "Côté, Bruno") {
		t.Fatalf("import: %d %q %q", code, out, errs)
	}
	code, _, errs = runCLI(t, db, "", "users", "import", "--csv", filepath.Join(dir, "absent.csv"))
	if code != 1 || !strings.Contains(errs, "Impossible de lire") {
		t.Fatalf("missing file: %d %q", code, errs)
	}
}

func TestAuditJSONHasTheStableShape(t *testing.T) {
	db := newDB(t)
	runCLI(t, db, "un-bon-mot-de-passe\n", "setup", "--daycare", "CPE Test", "--email", "a@cpe.ca", "--name", "A")
	code, out, _ := runCLI(t, db, "", "audit", "--json")
	if code != 0 {
		t.Fatal(code)
	}
	var evs []map[string]string
	if err := json.Unmarshal([]byte(out), &evs); err != nil {
		t.Fatalf("%v\n%s", err, out)
	}
	if len(evs) != 2 || evs[0]["event"] != "user.created" || evs[1]["event"] != "setup.completed" {
		t.Fatalf("events = %v", evs)
	}
	for _, ev := range evs {
		if len(ev) != 5 {
			t.Fatalf("keys = %v", ev)
		}
		if _, err := time.Parse(time.RFC3339, ev["time"]); err != nil {
			t.Fatalf("time %q is not RFC 3339", ev["time"])
		}
	}
	if ev := evs[0]; ev["actor"] != "a@cpe.ca" || ev["target"] != "a@cpe.ca" {
		t.Fatalf("actor/target = %v", ev)
	}
}

func TestTheAuditJournalRefusesDeleteAndUpdate(t *testing.T) {
	db := newDB(t)
	runCLI(t, db, "un-bon-mot-de-passe\n", "users", "add", "--role", "parent", "--email", "a@cpe.ca", "--name", "A")
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
	db := newDB(t)
	runCLI(t, db, "un-bon-mot-de-passe\n", "users", "add", "--role", "parent", "--email", "a@cpe.ca", "--name", "A")
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
	code, _, errs := runCLI(t, db, "un-bon-mot-de-passe\n", "users", "add", "--role", "parent", "--email", "a@cpe.ca", "--name", "A")
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
}
