package rpc

import (
	"fmt"
	"io"
	"os"
	"os/exec"
	"os/user"
	"path/filepath"
	"strconv"
	"syscall"
	"testing"
	"time"

	"github.com/apetitspas/apetitspas/app"
)

// childAddr, set in a child's environment, makes TestChildCalls call the
// service there (as whichever account the child runs as).
const childAddr = "APETITSPAS_RPC_CHILD_ADDR"

// TestChildCalls is the client of TestCallerIsTheOSAccount, run as the
// throwaway account; by itself it does nothing.
func TestChildCalls(t *testing.T) {
	addr := os.Getenv(childAddr)
	if addr == "" {
		t.Skip("the child of TestCallerIsTheOSAccount")
	}
	c := client(t, addr)
	if _, err := c.Hello(t.Context(), hello()); err != nil {
		t.Fatal(err)
	}
}

// The service learns a client's account from the kernel: a real second
// account (made here, removed afterwards) is seen by its name and not
// elevated, root as elevated. Root only, and only when asked
// (APETITSPAS_OS_USERS=1, make rpc-os-users): it adds an account to the
// machine for a few seconds.
func TestCallerIsTheOSAccount(t *testing.T) {
	name, uid, gid := throwawayAccount(t)
	dir, bin := sharedDir(t)

	p := &probe{}
	addr := serveAt(t, dir, p, ours, nil)

	if out, err := runAs(dir, bin, uid, gid, "^TestChildCalls$", childAddr+"="+addr); err != nil {
		t.Fatalf("the client as %s: %v\n%s", name, err, out)
	}
	if _, err := client(t, addr).Hello(t.Context(), hello()); err != nil {
		t.Fatal(err)
	}

	calls := p.calls()
	if len(calls) != 2 {
		t.Fatalf("%d calls, want 2", len(calls))
	}
	for i, want := range []app.OSUser{{Name: name, Elevated: false}, {Name: "root", Elevated: true}} {
		if !calls[i].hasCaller || calls[i].caller != want {
			t.Errorf("call %d: caller %+v (%v), want %+v", i, calls[i].caller, calls[i].hasCaller, want)
		}
	}
}

// throwawayAccount adds a system account for the test (removed when it
// ends) and returns its name, uid and gid; it skips the test unless
// APETITSPAS_OS_USERS=1, and fails it unless root.
func throwawayAccount(t *testing.T) (string, int, int) {
	t.Helper()
	if os.Getenv("APETITSPAS_OS_USERS") != "1" {
		t.Skip("APETITSPAS_OS_USERS=1 (and root) to add a throwaway account: make rpc-os-users")
	}
	if os.Geteuid() != 0 {
		t.Fatal("APETITSPAS_OS_USERS=1 needs root (useradd)")
	}
	name := fmt.Sprintf("aprpc%d", time.Now().UnixNano()%1_000_000)
	if out, err := exec.Command("useradd", "--system", "--no-create-home", "--shell", "/usr/sbin/nologin", name).CombinedOutput(); err != nil {
		t.Fatalf("useradd: %v: %s", err, out)
	}
	t.Cleanup(func() {
		if out, err := exec.Command("userdel", name).CombinedOutput(); err != nil {
			t.Errorf("userdel %s: %v: %s", name, err, out)
		}
	})
	acct, err := user.Lookup(name)
	if err != nil {
		t.Fatal(err)
	}
	uid, _ := strconv.Atoi(acct.Uid)
	gid, _ := strconv.Atoi(acct.Gid)
	return name, uid, gid
}

// sharedDir is a folder the throwaway account may enter, holding a copy
// of this test binary (go test's own folder is root's alone); the
// service's socket goes there too.
func sharedDir(t *testing.T) (dir, bin string) {
	t.Helper()
	dir, err := os.MkdirTemp("", "apetitspas-rpc-")
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { os.RemoveAll(dir) })
	if err := os.Chmod(dir, 0o755); err != nil {
		t.Fatal(err)
	}
	bin = filepath.Join(dir, "rpc.test")
	if err := copyFile(os.Args[0], bin, 0o755); err != nil {
		t.Fatal(err)
	}
	return dir, bin
}

// runAs runs the test run of bin as uid:gid with env, and returns its
// output.
func runAs(dir, bin string, uid, gid int, run string, env ...string) ([]byte, error) {
	child := exec.Command(bin, "-test.run="+run, "-test.count=1", "-test.v")
	child.Env = append(env, "PATH="+os.Getenv("PATH"))
	child.Dir = dir
	child.SysProcAttr = &syscall.SysProcAttr{Credential: &syscall.Credential{Uid: uint32(uid), Gid: uint32(gid)}}
	return child.CombinedOutput()
}

// childToken, set in a child's environment, is the token
// TestChildUsesToken tries (as whichever account the child runs as).
const childToken = "APETITSPAS_RPC_CHILD_TOKEN"

// TestChildUsesToken is the client of
// TestSessionOfOneOSAccountRefusedToAnother, run as the throwaway account:
// root's token must give it nothing; by itself it does nothing.
func TestChildUsesToken(t *testing.T) {
	addr, token := os.Getenv(childAddr), os.Getenv(childToken)
	if addr == "" || token == "" {
		t.Skip("the child of TestSessionOfOneOSAccountRefusedToAnother")
	}
	c, err := NewClient(addr)
	if err != nil {
		t.Fatal(err)
	}
	h := app.NewHandle(token, app.HandleView{})
	appError(t, c.Refresh(t.Context(), h), app.EUNAUTHORIZED, app.ReasonSessionExpired)
	_, err = c.Users(t.Context(), h, app.UserFilter{})
	appError(t, err, app.EUNAUTHORIZED, app.ReasonSessionExpired)
	if h.Step() != app.StepNone || h.User().Email != "" {
		t.Errorf("the refusal told the other account of the sign-in: %+v", h.View())
	}
	_, err = c.Technician().ListUsers(t.Context(), app.UserFilter{})
	appError(t, err, app.EFORBIDDEN, app.ReasonNotTechnician)
	// Not tried: Logout with the token. app.Local forgets the session
	// before it checks whose it is, so another account holding a token
	// can end its owner's sign-in (app/local.go, Logout).
}

func copyFile(from, to string, mode os.FileMode) error {
	in, err := os.Open(from)
	if err != nil {
		return err
	}
	defer in.Close()
	out, err := os.OpenFile(to, os.O_WRONLY|os.O_CREATE|os.O_EXCL, mode)
	if err != nil {
		return err
	}
	if _, err := io.Copy(out, in); err != nil {
		out.Close()
		return err
	}
	return out.Close()
}
