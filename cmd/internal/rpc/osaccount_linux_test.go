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

	// A folder the account may enter, holding the socket and a copy of
	// this test binary (go test's own folder is root's alone).
	dir, err := os.MkdirTemp("", "apetitspas-rpc-")
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { os.RemoveAll(dir) })
	if err := os.Chmod(dir, 0o755); err != nil {
		t.Fatal(err)
	}
	bin := filepath.Join(dir, "rpc.test")
	if err := copyFile(os.Args[0], bin, 0o755); err != nil {
		t.Fatal(err)
	}

	p := &probe{}
	addr := serveAt(t, dir, p, ours, nil)

	child := exec.Command(bin, "-test.run=^TestChildCalls$", "-test.count=1", "-test.v")
	child.Env = []string{childAddr + "=" + addr, "PATH=" + os.Getenv("PATH")}
	child.Dir = dir
	child.SysProcAttr = &syscall.SysProcAttr{Credential: &syscall.Credential{Uid: uint32(uid), Gid: uint32(gid)}}
	if out, err := child.CombinedOutput(); err != nil {
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
