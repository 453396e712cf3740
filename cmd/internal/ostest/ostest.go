//go:build linux

// Package ostest is what the tests about real operating system accounts
// share (make service-users, make service-e2e, as root): throwaway Unix
// accounts made with useradd and removed afterwards, folders given to
// them, programs run as them with setpriv, and the real service started
// under its own account. Tests only: nothing outside _test.go files
// imports it.
package ostest

import (
	"os"
	"os/exec"
	"os/user"
	"path/filepath"
	"strconv"
	"strings"
	"testing"
	"time"
)

// Need fails the test unless it runs as root with the tools given.
func Need(t testing.TB, tools ...string) {
	t.Helper()
	if os.Geteuid() != 0 {
		t.Fatal("this test runs as root: it adds accounts to this computer (useradd)")
	}
	for _, tool := range append([]string{"useradd", "userdel", "setpriv"}, tools...) {
		if _, err := exec.LookPath(tool); err != nil {
			t.Fatalf("%s is needed: %v", tool, err)
		}
	}
}

// Accounts makes the service's system account and an ordinary person's
// account (home: her home folder, made hers, 0700), both named with the
// suffix of this process, and removes them when the test ends.
func Accounts(t testing.TB, home string) (service, person string) {
	t.Helper()
	suffix := strconv.Itoa(os.Getpid() % 100000)
	service, person = "aps-svc"+suffix, "aps-usr"+suffix
	run0(t, "useradd", "--system", "--user-group", "--no-create-home", "--shell", "/usr/sbin/nologin", service)
	t.Cleanup(func() { exec.Command("userdel", service).Run() })
	run0(t, "useradd", "--user-group", "--no-create-home", "--home-dir", home, "--shell", "/usr/sbin/nologin", person)
	t.Cleanup(func() { exec.Command("userdel", person).Run() })
	Give(t, home, person, 0o700)
	return service, person
}

// Give makes path (a folder, made if missing) name's, with mode.
func Give(t testing.TB, path, name string, mode os.FileMode) {
	t.Helper()
	u, err := user.Lookup(name)
	if err != nil {
		t.Fatal(err)
	}
	uid, _ := strconv.Atoi(u.Uid)
	gid, _ := strconv.Atoi(u.Gid)
	if err := os.MkdirAll(path, mode); err != nil {
		t.Fatal(err)
	}
	if err := os.Chown(path, uid, gid); err != nil {
		t.Fatal(err)
	}
	if err := os.Chmod(path, mode); err != nil {
		t.Fatal(err)
	}
}

// Open makes dir (and the folders above it) 0755: where the binaries go,
// which other accounts run.
func Open(t testing.TB, dir string) {
	t.Helper()
	if err := os.MkdirAll(dir, 0o755); err != nil {
		t.Fatal(err)
	}
	if err := os.Chmod(dir, 0o755); err != nil {
		t.Fatal(err)
	}
}

// As is argv run as the account name with its own groups (setpriv).
func As(name string, argv ...string) []string {
	return append([]string{"setpriv", "--reuid", name, "--regid", name, "--init-groups", "--"}, argv...)
}

// Command is exec.Command of argv as name.
func Command(name string, argv ...string) *exec.Cmd {
	a := As(name, argv...)
	return exec.Command(a[0], a[1:]...)
}

// StartService runs the real service program as account, on a data
// folder and a socket folder under work made its own (0700, 0755), and
// waits for its socket. It is killed when the test ends. out collects
// what it prints.
func StartService(t testing.TB, program, account, work string) (sock, dataDir string, out *strings.Builder) {
	t.Helper()
	dataDir, runDir := filepath.Join(work, "data"), filepath.Join(work, "run")
	Give(t, dataDir, account, 0o700)
	Give(t, runDir, account, 0o755)
	sock = filepath.Join(runDir, "service.sock")
	svc := Command(account, program, "run", "--data", dataDir, "--listen", "unix:"+sock)
	out = new(strings.Builder)
	svc.Stdout, svc.Stderr = out, out
	if err := svc.Start(); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { svc.Process.Kill(); svc.Wait() })
	for deadline := time.Now().Add(60 * time.Second); ; time.Sleep(50 * time.Millisecond) {
		if _, err := os.Stat(sock); err == nil {
			return sock, dataDir, out
		}
		if time.Now().After(deadline) {
			t.Fatalf("no socket after 60 s: %s", out.String())
		}
	}
}

func run0(t testing.TB, name string, args ...string) {
	t.Helper()
	if out, err := exec.Command(name, args...).CombinedOutput(); err != nil {
		t.Fatalf("%s %v: %v\n%s", name, args, err, out)
	}
}
