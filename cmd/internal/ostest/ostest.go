// Package ostest is what the tests about real operating system accounts
// share (make service-users, make service-e2e, as root): throwaway Unix
// accounts made with useradd and removed afterwards, folders given to
// them, programs run as them with setpriv, and the real service started
// under its own account. Tests only: nothing outside _test.go files
// imports it.
package ostest

import (
	"net"
	"os"
	"os/exec"
	"os/user"
	"path/filepath"
	"strconv"
	"strings"
	"sync"
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

// Service is the real service started by StartService.
type Service struct {
	// Sock is its socket, DataDir its data folder.
	Sock, DataDir string
	// Out collects what it prints.
	Out *Output
	cmd *exec.Cmd
}

// StartService runs the real service program as account, on a data
// folder and a socket folder under work made its own (0700, 0755), and
// waits until its socket answers. It is killed when the test ends.
func StartService(t testing.TB, program, account, work string) *Service {
	t.Helper()
	s := &Service{DataDir: filepath.Join(work, "data"), Out: new(Output)}
	runDir := filepath.Join(work, "run")
	Give(t, s.DataDir, account, 0o700)
	Give(t, runDir, account, 0o755)
	s.Sock = filepath.Join(runDir, "service.sock")
	s.cmd = Command(account, program, "run", "--data", s.DataDir, "--listen", "unix:"+s.Sock)
	s.cmd.Stdout, s.cmd.Stderr = s.Out, s.Out
	if err := s.cmd.Start(); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(s.Kill)
	for deadline := time.Now().Add(60 * time.Second); ; time.Sleep(50 * time.Millisecond) {
		// A socket left by a killed service is there before the new one
		// listens: wait for an answer, not for the file.
		if c, err := net.Dial("unix", s.Sock); err == nil {
			c.Close()
			return s
		}
		if time.Now().After(deadline) {
			t.Fatalf("no socket after 60 s: %s", s.Out)
		}
	}
}

// Kill stops the service with SIGKILL (nothing of it runs afterwards).
func (s *Service) Kill() {
	if s.cmd.ProcessState == nil {
		s.cmd.Process.Kill()
		s.cmd.Wait()
	}
}

// Output is what a process prints, safe to read while it writes.
type Output struct {
	mu sync.Mutex
	b  strings.Builder
}

func (o *Output) Write(p []byte) (int, error) {
	o.mu.Lock()
	defer o.mu.Unlock()
	return o.b.Write(p)
}

func (o *Output) String() string {
	o.mu.Lock()
	defer o.mu.Unlock()
	return o.b.String()
}

func run0(t testing.TB, name string, args ...string) {
	t.Helper()
	if out, err := exec.Command(name, args...).CombinedOutput(); err != nil {
		t.Fatalf("%s %v: %v\n%s", name, args, err, out)
	}
}
