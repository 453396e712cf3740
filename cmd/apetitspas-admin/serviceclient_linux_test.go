//go:build linux

package main

import (
	"context"
	"encoding/json"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"testing"
	"time"

	apetitspas "github.com/apetitspas/apetitspas/app"
	"github.com/apetitspas/apetitspas/cmd/internal/ostest"
	"github.com/apetitspas/apetitspas/cmd/internal/rpc"
)

// The local service for real: apetitspas-service runs as a system account
// of its own, on a folder only that account may open; an ordinary Unix
// account runs the real tool (and, for the QR step, this test binary)
// as the service's client over its socket. She sets the daycare up,
// enrolls with oathtool's codes, adds an employee, imposes AMF, resets an
// AMF and writes a backup: all through the service. As her, reading or
// writing the database, its -wal, the key or the service's configuration
// fails, sqlite3 cannot open the file, --db naming it fails with a French
// sentence, the technician's listings and break-glass are refused; as
// root, break-glass through the service is accepted and journaled with
// root's name (the service read it from the socket).
//
// Run by `make service-users` (part of make test), as root:
// APETITSPAS_OS_USERS=1 turns it on (it adds two accounts, removed at the
// end).

const serviceChild = "APETITSPAS_SERVICE_CHILD"

func TestTheServiceHoldsTheDataAgainstAnOrdinaryAccount(t *testing.T) {
	if email := os.Getenv(serviceChild); email != "" {
		enrollThroughService(t, email)
		return
	}
	if os.Getenv("APETITSPAS_OS_USERS") != "1" {
		t.Skip("make service-users runs it (as root: it adds two accounts to this computer)")
	}
	ostest.Need(t, "oathtool", "sqlite3")
	work, err := os.MkdirTemp("", "apetitspas-service-users-")
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { os.RemoveAll(work) })
	ostest.Open(t, work)
	bin := filepath.Join(work, "bin")
	ostest.Open(t, bin)
	admin := filepath.Join(bin, "apetitspas-admin")
	service := filepath.Join(bin, "apetitspas-service")
	for dst, pkg := range map[string]string{admin: ".", service: "../apetitspas-service"} {
		if out, err := exec.Command("go", "build", "-o", dst, pkg).CombinedOutput(); err != nil {
			t.Fatalf("go build %s: %v\n%s", pkg, err, out)
		}
	}
	self := filepath.Join(bin, "admin.test")
	copyFile(t, self)

	home := filepath.Join(work, "home")
	svcUser, person := ostest.Accounts(t, home)
	// The service, as its own account.
	svc := ostest.StartService(t, service, svcUser, work)
	sock, dataDir, svcOut := svc.Sock, svc.DataDir, svc.Out

	env := []string{"PATH=" + os.Getenv("PATH"), "LANG=C.UTF-8", "APETITSPAS_LANG=", "HOME=" + home, "TMPDIR=" + home,
		"APETITSPAS_CONFIG=" + filepath.Join(work, "no-config.toml"), "APETITSPAS_SERVICE=unix:" + sock,
		"DBUS_SESSION_BUS_ADDRESS=disabled:", "XDG_CONFIG_HOME=" + filepath.Join(home, ".config")}
	as := func(stdin string, args ...string) (string, error) {
		cmd := ostest.Command(person, append([]string{admin}, args...)...)
		cmd.Env, cmd.Stdin = env, strings.NewReader(stdin)
		out, err := cmd.CombinedOutput()
		return string(out), err
	}
	asRoot := func(stdin string, args ...string) (string, error) {
		cmd := exec.Command(admin, args...)
		cmd.Env, cmd.Stdin = env, strings.NewReader(stdin)
		out, err := cmd.CombinedOutput()
		return string(out), err
	}
	must := func(out string, err error) string {
		t.Helper()
		if err != nil {
			t.Fatalf("%v\n%s\nservice: %s", err, out, svcOut.String())
		}
		return out
	}
	enroll := func(email string, after int64) (string, int64) {
		t.Helper()
		cmd := ostest.Command(person, self, "-test.run=^TestTheServiceHoldsTheDataAgainstAnOrdinaryAccount$", "-test.count=1", "-test.v")
		cmd.Env = append(env, serviceChild+"="+email, "APETITSPAS_AFTER="+strconv.FormatInt(after, 10))
		out, err := cmd.CombinedOutput()
		if err != nil {
			t.Fatalf("enroll %s: %v\n%s", email, err, out)
		}
		for _, line := range strings.Split(string(out), "\n") {
			if rest, ok := strings.CutPrefix(line, "SECRET="); ok {
				secret, step, _ := strings.Cut(rest, " ")
				n, _ := strconv.ParseInt(step, 10, 64)
				return secret, n
			}
		}
		t.Fatalf("no secret: %s", out)
		return "", 0
	}

	// First run, enrollment, an employee, the staff policy, a reset and a
	// backup: the ordinary account, through the service.
	must(as(pw+"\n", "setup", "--daycare", "CPE Les Service", "--email", "dir@cpe.ca", "--name", "Directrice"))
	secret, step := enroll("dir@cpe.ca", 0)
	code := func() string {
		var c string
		c, step = nextCode(t, secret, step)
		return c
	}
	must(as(pw+"\n"+code()+"\n"+pw+"\n", "users", "add", "--role", "employee", "--email", "k@cpe.ca", "--name", "Karim", "--by", "dir@cpe.ca"))
	must(as(pw+"\n"+code()+"\n", "policy", "enforce-staff", "on", "--by", "dir@cpe.ca"))
	_, kstep := enroll("k@cpe.ca", step)
	if kstep > step {
		step = kstep
	}
	must(as(pw+"\n"+code()+"\n", "mfa", "reset", "--email", "k@cpe.ca", "--by", "dir@cpe.ca"))
	backup := filepath.Join(home, "sauvegarde.apetitspas")
	must(as(pw+"\n"+code()+"\n"+"une phrase de passe assez longue\n", "backup", "--out", backup, "--by", "dir@cpe.ca"))
	fi, err := os.Stat(backup)
	if err != nil || fi.Mode().Perm() != 0o600 || fi.Size() == 0 {
		t.Fatalf("the backup the client wrote: %v %v", fi, err)
	}

	// The attacks, as her: no file of the service opens.
	db := filepath.Join(dataDir, "apetitspas.db")
	for _, p := range []string{db, db + "-wal", filepath.Join(dataDir, "keys"), filepath.Join(dataDir, "service.toml"), dataDir} {
		cmd := ostest.Command(person, "sh", "-c", `cat "$1" >/dev/null 2>&1 || ls "$1" >/dev/null 2>&1`, "sh", p)
		if err := cmd.Run(); err == nil {
			t.Errorf("%s can be read by %s", p, person)
		}
		cmd = ostest.Command(person, "sh", "-c", `echo x >> "$1"`, "sh", p)
		if err := cmd.Run(); err == nil {
			t.Errorf("%s can be written by %s", p, person)
		}
	}
	cmd := ostest.Command(person, "sqlite3", db, "UPDATE users SET role='admin'")
	if out, err := cmd.CombinedOutput(); err == nil {
		t.Errorf("sqlite3 opened the service's database: %s", out)
	}
	out, err := as("", "--db", db, "users", "list")
	if err == nil || !strings.Contains(out, "base de données") || strings.Contains(out, "panic") {
		t.Errorf("--db naming the service's file: %v %q", err, out)
	}
	out, err = as("", "users", "list")
	if err == nil || !strings.Contains(out, "droits d'administrateur de l'ordinateur") {
		t.Errorf("the listing for an ordinary account: %v %q", err, out)
	}
	reason := "la directrice a perdu son téléphone et personne d'autre n'a l'AMF"
	out, err = as("", "mfa", "reset", "--email", "dir@cpe.ca", "--break-glass", "--reason", reason)
	if err == nil || !strings.Contains(out, "droits d'administrateur") {
		t.Errorf("break-glass by an ordinary account: %v %q", err, out)
	}

	// Root, through the same service: accepted, with root's name.
	must(asRoot("", "mfa", "reset", "--email", "dir@cpe.ca", "--break-glass", "--reason", reason))
	out = must(asRoot("", "audit", "--json", "--event", apetitspas.EventMFAResetBreakGlass))
	var events []struct {
		Fields map[string]string `json:"fields"`
	}
	if err := json.Unmarshal([]byte(out), &events); err != nil || len(events) != 1 || !strings.HasPrefix(events[0].Fields[apetitspas.FieldOSUser], "root") {
		t.Fatalf("break-glass journal: %v %s", err, out)
	}
	out = must(asRoot("", "audit", "verify", "--json"))
	if !strings.Contains(out, `"ok": true`) {
		t.Fatalf("audit verify: %s", out)
	}
	// Every file the service made is its account's alone.
	filepath.Walk(dataDir, func(p string, fi os.FileInfo, err error) error {
		if err == nil && fi.Mode().Perm()&0o077 != 0 {
			t.Errorf("%s: mode %v", p, fi.Mode().Perm())
		}
		return nil
	})
}

// enrollThroughService turns email's AMF on through the service (the QR
// step of the window), as the ordinary account, with oathtool's codes; it
// prints the secret and the step of the code used.
func enrollThroughService(t *testing.T, email string) {
	cl, err := rpc.NewClient(os.Getenv("APETITSPAS_SERVICE"))
	if err != nil {
		t.Fatal(err)
	}
	ctx, cancel := context.WithTimeout(context.Background(), 2*time.Minute)
	defer cancel()
	h, err := cl.Login(ctx, email, pw)
	if err != nil {
		t.Fatal(err)
	}
	if h.Step() == apetitspas.StepNewPassword {
		if err := cl.ChooseNewPassword(ctx, h, pw+"-2", pw+"-2"); err != nil {
			t.Fatal(err)
		}
	}
	if h.Step() == apetitspas.StepSignedIn {
		if err := cl.RequestMFAActivation(ctx, h); err != nil {
			t.Fatal(err)
		}
		if h, err = cl.Login(ctx, email, pw); err != nil {
			t.Fatal(err)
		}
	}
	en, err := cl.BeginEnrollment(ctx, h)
	if err != nil {
		t.Fatal(err)
	}
	after, _ := strconv.ParseInt(os.Getenv("APETITSPAS_AFTER"), 10, 64)
	code, step := nextCode(t, en.Secret, after)
	if err := cl.ConfirmEnrollment(ctx, h, code); err != nil {
		t.Fatal(err)
	}
	fmt.Printf("SECRET=%s %d\n", en.Secret, step)
}
