package main

import (
	"bytes"
	"context"
	"encoding/json"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	apetitspas "github.com/apetitspas/apetitspas/app"
	"github.com/apetitspas/apetitspas/data"
	"github.com/apetitspas/apetitspas/data/datatest"
)

// The tests' password for every account they make.
const pw = "un-bon-mot-de-passe"

// The clock of the tool and of the tests' services is the kit's fake one
// (datatest.Clock). It moves only when a test asks for a new code, so a
// code is never a replay and never depends on how fast the machine is.

// testClock is the fake clock of the running test (see newDB).
var testClock *datatest.Clock

// newDB returns the path of a new database in a temporary folder, with
// key files in another one (never the OS keyring), French messages and a
// fake clock.
func newDB(t testing.TB) string {
	t.Helper()
	t.Setenv("APETITSPAS_LANG", "")
	t.Setenv("APETITSPAS_DB", "")
	t.Setenv("APETITSPAS_CONFIG", filepath.Join(t.TempDir(), "no-config.toml")) // never this computer's
	t.Setenv("APETITSPAS_KEYRING", "file")
	t.Setenv("APETITSPAS_KEY_DIR", filepath.Join(t.TempDir(), "keys"))
	// This computer's witness (app/witness.go) of this test only.
	t.Setenv("XDG_CONFIG_HOME", filepath.Join(t.TempDir(), "config"))
	testClock = datatest.NewClockAt(time.Now().UTC().Truncate(time.Second))
	clock = testClock.Now
	t.Cleanup(func() { clock = nil })
	return filepath.Join(t.TempDir(), "apetitspas.db")
}

// codeFor moves the clock to the next 30-second step and returns the code
// of that step: a fresh code each call.
func codeFor(t testing.TB, secret string) string {
	t.Helper()
	code, err := apetitspas.TOTPCode(secret, testClock.Advance(30*time.Second), 6)
	if err != nil {
		t.Fatal(err)
	}
	return code
}

// runCLI runs the tool in-process on db with stdin; it returns the exit
// code, stdout and stderr.
func runCLI(t testing.TB, db, stdin string, args ...string) (int, string, string) {
	t.Helper()
	var out, errb bytes.Buffer
	code := run(append([]string{"--db", db}, args...), strings.NewReader(stdin), &out, &errb)
	return code, out.String(), errb.String()
}

// must runs the tool and fails the test unless it exits 0.
func must(t testing.TB, db, stdin string, args ...string) string {
	t.Helper()
	code, out, errs := runCLI(t, db, stdin, args...)
	if code != 0 {
		t.Fatalf("%v: exit %d\n%s%s", args, code, out, errs)
	}
	return out
}

// creds is what an administrator types on standard input: password, code
// (empty when her MFA is off) and, for users add, the new password.
func creds(code string, more ...string) string {
	return strings.Join(append([]string{pw, code}, more...), "\n") + "\n"
}

// service opens a service over the same file, keys and clock as the tool
// (to enroll people as the app would).
func service(t testing.TB, db string) *apetitspas.Service {
	t.Helper()
	store, err := data.Open(db)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { store.Close() })
	return apetitspas.New(apetitspas.Params{Store: store, Keys: data.NewKeyRing(os.Getenv("APETITSPAS_KEY_DIR"), false),
		Now: testClock.Now})
}

// daycare is a database made through the tool: a@cpe.ca, administrator
// with MFA on (her secret is returned); b@cpe.ca, administrator with MFA
// off; k@cpe.ca, employee; p@cpe.ca, parent. Everyone's password is pw.
func daycare(t testing.TB) (db string, svc *apetitspas.Service, secretA string) {
	t.Helper()
	db = newDB(t)
	must(t, db, pw+"\n", "setup", "--daycare", "CPE Test", "--email", "a@cpe.ca", "--name", "Admin A")
	must(t, db, creds("", pw), "users", "add", "--role", "employee", "--email", "k@cpe.ca", "--name", "Karim K", "--by", "a@cpe.ca")
	must(t, db, creds("", pw), "users", "add", "--role", "parent", "--email", "p@cpe.ca", "--name", "Parent P", "--by", "a@cpe.ca")
	svc = service(t, db)
	secretA = enroll(t, svc, "a@cpe.ca")
	must(t, db, creds(codeFor(t, secretA), pw), "users", "add", "--role", "admin", "--email", "b@cpe.ca", "--name", "Admin B", "--by", "a@cpe.ca")
	return db, svc, secretA
}

// enroll turns a person's MFA on through the services and returns the secret.
func enroll(t testing.TB, svc *apetitspas.Service, email string) string {
	t.Helper()
	ctx := context.Background()
	sess, err := svc.Login(ctx, email, pw)
	if err != nil {
		t.Fatal(err)
	}
	if err := svc.RequestMFAActivation(ctx, sess); err != nil {
		t.Fatal(err)
	}
	return enrollPending(t, svc, email)
}

// enrollPending finishes the enrollment of a pending account.
func enrollPending(t testing.TB, svc *apetitspas.Service, email string) string {
	t.Helper()
	ctx := context.Background()
	sess, err := svc.Login(ctx, email, pw)
	if err != nil {
		t.Fatal(err)
	}
	en, err := svc.BeginEnrollment(ctx, sess)
	if err != nil {
		t.Fatal(err)
	}
	if err := svc.ConfirmEnrollment(ctx, sess, codeFor(t, en.Secret)); err != nil {
		t.Fatal(err)
	}
	return en.Secret
}

func status(t testing.TB, db, email string) map[string]any {
	t.Helper()
	var st map[string]any
	if err := json.Unmarshal([]byte(must(t, db, "", "mfa", "status", "--email", email, "--json")), &st); err != nil {
		t.Fatal(err)
	}
	return st
}

// journal returns the events of one kind, newest first: their string
// values, and their fields as "fields.KEY".
func journal(t testing.TB, db, event string) []map[string]string {
	t.Helper()
	var raw []map[string]json.RawMessage
	if err := json.Unmarshal([]byte(must(t, db, "", "audit", "--json", "--event", event)), &raw); err != nil {
		t.Fatal(err)
	}
	evs := make([]map[string]string, len(raw))
	for i, r := range raw {
		evs[i] = map[string]string{}
		for k, v := range r {
			if k == "fields" {
				var fs map[string]string
				if err := json.Unmarshal(v, &fs); err != nil {
					t.Fatalf("fields: %v (%s)", err, v)
				}
				for fk, fv := range fs {
					evs[i]["fields."+fk] = fv
				}
				continue
			}
			var s string
			if err := json.Unmarshal(v, &s); err != nil {
				t.Fatalf("%s: %v (%s)", k, err, v)
			}
			evs[i][k] = s
		}
	}
	return evs
}

func auditHas(t testing.TB, db, event, target string) bool {
	t.Helper()
	for _, e := range journal(t, db, event) {
		if e["target"] == target {
			return true
		}
	}
	return false
}

type listed struct {
	Email    string `json:"email"`
	Name     string `json:"name"`
	Role     string `json:"role"`
	MFA      string `json:"mfa"`
	Locked   bool   `json:"locked"`
	Disabled bool   `json:"disabled"`
	Tampered bool   `json:"tampered"`
}

func list(t testing.TB, db string) []listed {
	t.Helper()
	out := must(t, db, "", "users", "list", "--json")
	var users []listed
	if err := json.Unmarshal([]byte(out), &users); err != nil {
		t.Fatalf("users list --json is not JSON: %v\n%s", err, out)
	}
	return users
}

// emails lists the accounts' e-mails, in the listing's order.
func emails(t testing.TB, db string) []string {
	t.Helper()
	var out []string
	for _, u := range list(t, db) {
		out = append(out, u.Email)
	}
	return out
}

func find(t testing.TB, db, email string) listed {
	t.Helper()
	for _, u := range list(t, db) {
		if u.Email == email {
			return u
		}
	}
	t.Fatalf("%s is not listed", email)
	return listed{}
}

// pIsGone fails the test when the database file or its -wal still holds
// p@cpe.ca's e-mail or name, or when audit verify does not pass.
func pIsGone(t *testing.T, db string) {
	t.Helper()
	a, _ := os.ReadFile(db)
	w, _ := os.ReadFile(db + "-wal")
	if s := string(a) + string(w); strings.Contains(s, "p@cpe.ca") || strings.Contains(s, "Parent P") {
		t.Fatal("p is still in the file")
	}
	if code, v, _ := verify(t, db); code != 0 {
		t.Fatalf("audit verify: %d %+v", code, v)
	}
}
