//go:build linux

package main

import (
	"context"
	"fmt"
	"io"
	"os"
	"os/exec"
	"os/user"
	"path/filepath"
	"strconv"
	"strings"
	"syscall"
	"testing"
	"time"

	apetitspas "github.com/apetitspas/apetitspas/app"
	"github.com/apetitspas/apetitspas/data"
)

// The machine-wide place for real: two Unix accounts of one computer, in
// the group apetitspas, use the same daycare with AMF. Run by
// `make two-users` (part of `make test`), as root: it makes two system
// accounts with useradd (removed at the end), runs the real
// apetitspas-admin: configure as root, then setup, users add, policy and
// audit verify as each account (setpriv, the account's own groups), with
// codes from oathtool. The enrollment itself (the QR code, in the app) is
// done as each account through the app's services by this test binary.
//
// APETITSPAS_TWO_USERS=1 turns it on: it changes the computer's accounts.

const (
	twoUsersEnv   = "APETITSPAS_TWO_USERS"
	twoUsersChild = "APETITSPAS_TWO_USERS_CHILD"
	twoUsersGroup = "apetitspas"
)

func TestTwoUnixUsersShareTheMachineWideDaycare(t *testing.T) {
	if child := os.Getenv(twoUsersChild); child == "hold" {
		holdAsChild(t)
		return
	} else if child != "" {
		enrollAsChild(t, child)
		return
	}
	if os.Getenv(twoUsersEnv) != "1" {
		t.Skip("make two-users runs it (as root: it adds two accounts to this computer)")
	}
	if os.Geteuid() != 0 {
		t.Fatal("make two-users runs as root (useradd, configure)")
	}
	for _, tool := range []string{"useradd", "userdel", "groupadd", "setpriv", "oathtool"} {
		if _, err := exec.LookPath(tool); err != nil {
			t.Fatalf("%s is needed: %v", tool, err)
		}
	}
	work, err := os.MkdirTemp("", "apetitspas-two-users-")
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { os.RemoveAll(work) })
	must0755(t, work)

	// The real tool, and this test binary (for the enrollment), where the
	// accounts can run them.
	bin := filepath.Join(work, "bin")
	must0755(t, bin)
	admin := filepath.Join(bin, "apetitspas-admin")
	if out, err := exec.Command("go", "build", "-o", admin, ".").CombinedOutput(); err != nil {
		t.Fatalf("go build: %v\n%s", err, out)
	}
	self := filepath.Join(bin, "admin.test")
	copyFile(t, self)

	// The group (made if missing: the technician's step) and two accounts.
	if _, err := user.LookupGroup(twoUsersGroup); err != nil {
		run0(t, "groupadd", "--system", twoUsersGroup)
		t.Cleanup(func() { exec.Command("groupdel", twoUsersGroup).Run() })
	}
	suffix := strconv.Itoa(os.Getpid() % 100000)
	accounts := map[string]string{"alice@cpe.ca": "apt-alice" + suffix, "bob@cpe.ca": "apt-bob" + suffix}
	homes := map[string]string{}
	for email, name := range accounts {
		home := filepath.Join(work, "home-"+name)
		run0(t, "useradd", "--no-create-home", "--home-dir", home, "--shell", "/usr/sbin/nologin", "-G", twoUsersGroup, name)
		t.Cleanup(func() { exec.Command("userdel", name).Run() })
		if err := os.Mkdir(home, 0o700); err != nil {
			t.Fatal(err)
		}
		u, err := user.Lookup(name)
		if err != nil {
			t.Fatal(err)
		}
		uid, _ := strconv.Atoi(u.Uid)
		gid, _ := strconv.Atoi(u.Gid)
		if err := os.Chown(home, uid, gid); err != nil {
			t.Fatal(err)
		}
		homes[email] = home
	}

	// configure, as root: the configuration in a temporary folder.
	config := filepath.Join(work, "etc", "config.toml")
	db := filepath.Join(work, "var", "apetitspas.db")
	env := []string{"PATH=" + os.Getenv("PATH"), "LANG=C.UTF-8", "APETITSPAS_LANG=", "APETITSPAS_CONFIG=" + config, "DBUS_SESSION_BUS_ADDRESS=disabled:"}
	out, err := tool(admin, "", env, "", "--db", db, "configure", "--group", twoUsersGroup)
	if err != nil {
		t.Fatalf("configure: %v\n%s", err, out)
	}
	t.Logf("configure:\n%s", out)
	must0755(t, filepath.Dir(config))

	as := func(email, stdin string, args ...string) (string, error) {
		return tool(admin, accounts[email], append(env, "HOME="+homes[email]), stdin, args...)
	}
	mustAs := func(email, stdin string, args ...string) string {
		t.Helper()
		out, err := as(email, stdin, args...)
		if err != nil {
			t.Fatalf("%s as %s: %v\n%s", strings.Join(args, " "), accounts[email], err, out)
		}
		return out
	}
	enroll := func(email string) (string, int64) {
		t.Helper()
		cmd := exec.Command("setpriv", "--reuid", accounts[email], "--regid", twoUsersGroup, "--init-groups", "--",
			self, "-test.run=^TestTwoUnixUsersShareTheMachineWideDaycare$", "-test.count=1", "-test.v")
		cmd.Env = append(env, "HOME="+homes[email], twoUsersChild+"="+email, "TMPDIR="+homes[email])
		out, err := cmd.CombinedOutput()
		if err != nil {
			t.Fatalf("enrollment of %s as %s: %v\n%s", email, accounts[email], err, out)
		}
		for _, line := range strings.Split(string(out), "\n") {
			if i := strings.Index(line, "SECRET="); i >= 0 {
				f := strings.Fields(line[i+len("SECRET="):])
				step, _ := strconv.ParseInt(f[1], 10, 64)
				return f[0], step
			}
		}
		t.Fatalf("no secret from the enrollment of %s:\n%s", email, out)
		return "", 0
	}

	// Alice, in her own Unix account: the first run, then her AMF.
	mustAs("alice@cpe.ca", pw+"\n", "setup", "--daycare", "CPE Deux Comptes", "--email", "alice@cpe.ca", "--name", "Alice Tremblay")
	secretA, stepA := enroll("alice@cpe.ca")
	// Alice (AMF) makes Bob an administrator.
	code, stepA := nextCode(t, secretA, stepA)
	mustAs("alice@cpe.ca", pw+"\n"+code+"\n"+pw+"\n", "users", "add", "--role", "admin", "--email", "bob@cpe.ca", "--name", "Bob Gagnon", "--by", "alice@cpe.ca")

	// Alice keeps the database open (her app is open): the -wal and -shm
	// files she made are the ones Bob writes through.
	hold := exec.Command("setpriv", "--reuid", accounts["alice@cpe.ca"], "--regid", twoUsersGroup, "--init-groups", "--",
		self, "-test.run=^TestTwoUnixUsersShareTheMachineWideDaycare$", "-test.count=1")
	hold.Env = append(env, "HOME="+homes["alice@cpe.ca"], twoUsersChild+"=hold")
	holdIn, err := hold.StdinPipe()
	if err != nil {
		t.Fatal(err)
	}
	holdOut, err := hold.StdoutPipe()
	if err != nil {
		t.Fatal(err)
	}
	if err := hold.Start(); err != nil {
		t.Fatal(err)
	}
	ready := make([]byte, 6)
	if _, err := io.ReadFull(holdOut, ready); err != nil || string(ready) != "READY\n" {
		t.Fatalf("Alice's open database: %q, %v", ready, err)
	}
	for _, f := range []string{db + "-wal", db + "-shm"} {
		fi, err := os.Stat(f)
		if err != nil {
			t.Fatalf("with Alice's database open: %v", err)
		}
		if st := fi.Sys().(*syscall.Stat_t); fi.Mode().Perm() != 0o660 || strconv.Itoa(int(st.Uid)) != uidOf(t, accounts["alice@cpe.ca"]) {
			t.Errorf("%s made by Alice has mode %04o, uid %d; want 0660, hers", filepath.Base(f), fi.Mode().Perm(), st.Uid)
		}
	}

	// Bob, in his own Unix account, on the same database and key.
	secretB, stepB := enroll("bob@cpe.ca")
	code, _ = nextCode(t, secretB, stepB)
	mustAs("bob@cpe.ca", pw+"\n"+code+"\n", "policy", "enforce-staff", "on", "--by", "bob@cpe.ca", "--grace-days", "3")
	code, _ = nextCode(t, secretA, stepA)
	mustAs("alice@cpe.ca", pw+"\n"+code+"\n", "users", "add", "--role", "employee", "--email", "claire@cpe.ca", "--name", "Claire Roy", "--by", "alice@cpe.ca")

	holdIn.Close()
	go io.Copy(io.Discard, holdOut)
	if err := hold.Wait(); err != nil {
		t.Errorf("Alice's open database: %v", err)
	}

	// A wrong code is refused for either of them.
	if out, err := as("bob@cpe.ca", pw+"\n000000\n", "users", "disable", "--email", "claire@cpe.ca", "--by", "bob@cpe.ca"); err == nil {
		t.Errorf("a wrong code was accepted:\n%s", out)
	}

	// Both journals are one: every MAC holds under the shared key.
	verify := mustAs("bob@cpe.ca", "", "audit", "verify", "--json")
	if !strings.Contains(verify, `"ok": true`) {
		t.Errorf("audit verify as Bob:\n%s", verify)
	}
	listing := mustAs("alice@cpe.ca", "", "audit", "--json")
	for _, want := range []string{"mfa.enrolled", "user.created", "policy.staff_mfa_enforced"} {
		if !strings.Contains(listing, want) {
			t.Errorf("the journal read by Alice lacks %s", want)
		}
	}
	// The database is the group's.
	g, _ := user.LookupGroup(twoUsersGroup)
	gid, _ := strconv.Atoi(g.Gid)
	for _, f := range []string{db} {
		fi, err := os.Stat(f)
		if err != nil {
			t.Errorf("%s: %v", f, err)
			continue
		}
		if st := fi.Sys().(*syscall.Stat_t); int(st.Gid) != gid || fi.Mode().Perm() != 0o660 {
			t.Errorf("%s is group %d mode %04o, want %d 0660", f, st.Gid, fi.Mode().Perm(), gid)
		}
	}
	// Neither account has a key of its own: the one key is root's.
	entries, _ := os.ReadDir(filepath.Join(work, "etc", "keys"))
	if len(entries) != 1 {
		t.Errorf("key folder: %v, want root's one key", entries)
	}
	for email, home := range homes {
		// Only this account's witness (app/witness.go) is its own: no
		// database, no key.
		entries, _ := os.ReadDir(filepath.Join(home, ".config", "apetitspas"))
		for _, e := range entries {
			if e.Name() != "witness" {
				t.Errorf("%s has %s in a per-user apetitspas folder: the machine-wide place was not used", email, e.Name())
			}
		}
		if _, err := os.Stat(filepath.Join(home, ".config", "apetitspas", "witness", "witness.json")); err != nil {
			t.Errorf("%s has no witness of her own: %v", email, err)
		}
	}
	t.Logf("two Unix accounts (%s, %s, group %s) signed in with AMF on %s", accounts["alice@cpe.ca"], accounts["bob@cpe.ca"], twoUsersGroup, db)
}

// enrollAsChild turns email's AMF on through the app's services, in the
// Unix account the test runs as, on the machine-wide place, with codes
// from oathtool; it prints the secret and the step of the code used.
func enrollAsChild(t *testing.T, email string) {
	place, err := data.Locate("", false)
	if err != nil || !place.Shared {
		t.Fatalf("Locate = %+v, %v; want the machine-wide place", place, err)
	}
	db, err := data.Open(place.DB)
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	svc := apetitspas.New(apetitspas.Params{Store: db, Keys: place.KeyRing()})
	ctx := context.Background()
	sess, err := svc.Login(ctx, email, pw)
	if err != nil {
		t.Fatal(err)
	}
	if sess.Step() == apetitspas.StepSignedIn {
		if err := svc.RequestMFAActivation(ctx, sess); err != nil {
			t.Fatal(err)
		}
		if sess, err = svc.Login(ctx, email, pw); err != nil {
			t.Fatal(err)
		}
	}
	en, err := svc.BeginEnrollment(ctx, sess)
	if err != nil {
		t.Fatal(err)
	}
	code, step := nextCode(t, en.Secret, 0)
	if err := svc.ConfirmEnrollment(ctx, sess, code); err != nil {
		t.Fatal(err)
	}
	fmt.Printf("SECRET=%s %d\n", en.Secret, step)
}

// holdAsChild keeps the machine-wide database open, as an open app does,
// until its standard input closes.
func holdAsChild(t *testing.T) {
	place, err := data.Locate("", false)
	if err != nil {
		t.Fatal(err)
	}
	db, err := data.Open(place.DB)
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	if _, err := apetitspas.NewTrusted(apetitspas.New(apetitspas.Params{Store: db})).IsNew(context.Background()); err != nil {
		t.Fatal(err)
	}
	os.Stdout.WriteString("READY\n")
	io.Copy(io.Discard, os.Stdin)
}

func uidOf(t *testing.T, name string) string {
	u, err := user.Lookup(name)
	if err != nil {
		t.Fatal(err)
	}
	return u.Uid
}

// nextCode waits for a 30-second step after after, and returns its code
// computed by oathtool.
func nextCode(t *testing.T, secret string, after int64) (string, int64) {
	t.Helper()
	for time.Now().Unix()/30 <= after {
		time.Sleep(time.Second)
	}
	step := time.Now().Unix() / 30
	out, err := exec.Command("oathtool", "--totp", "-b", "-N", "@"+strconv.FormatInt(step*30, 10), secret).Output()
	if err != nil {
		t.Fatalf("oathtool: %v", err)
	}
	return strings.TrimSpace(string(out)), step
}

// tool runs the real apetitspas-admin, as the Unix account name (setpriv,
// with that account's groups) or as root when name is empty.
func tool(admin, name string, env []string, stdin string, args ...string) (string, error) {
	argv := append([]string{admin}, args...)
	if name != "" {
		argv = append([]string{"setpriv", "--reuid", name, "--regid", twoUsersGroup, "--init-groups", "--"}, argv...)
	}
	cmd := exec.Command(argv[0], argv[1:]...)
	cmd.Env = env
	cmd.Stdin = strings.NewReader(stdin)
	out, err := cmd.CombinedOutput()
	return string(out), err
}

func run0(t *testing.T, name string, args ...string) {
	t.Helper()
	if out, err := exec.Command(name, args...).CombinedOutput(); err != nil {
		t.Fatalf("%s %v: %v\n%s", name, args, err, out)
	}
}

func must0755(t *testing.T, dir string) {
	t.Helper()
	if err := os.MkdirAll(dir, 0o755); err != nil {
		t.Fatal(err)
	}
	if err := os.Chmod(dir, 0o755); err != nil {
		t.Fatal(err)
	}
}

// copyFile copies this test binary to dst, executable by all.
func copyFile(t *testing.T, dst string) {
	t.Helper()
	src, err := os.Executable()
	if err != nil {
		t.Fatal(err)
	}
	b, err := os.ReadFile(src)
	if err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(dst, b, 0o755); err != nil {
		t.Fatal(err)
	}
}
