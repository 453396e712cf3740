//go:build windows

package rpc

import (
	"fmt"
	"os/user"
	"strings"
	"testing"
	"time"
	"unsafe"

	"golang.org/x/sys/windows"
)

// aces reads back sd's DACL: one "TYPE FLAGS MASK SID" per entry.
func aces(t *testing.T, sd *windows.SECURITY_DESCRIPTOR) []string {
	t.Helper()
	dacl, _, err := sd.DACL()
	if err != nil || dacl == nil {
		t.Fatalf("no DACL (%v)", err)
	}
	var out []string
	for i := uint32(0); i < uint32(dacl.AceCount); i++ {
		var ace *windows.ACCESS_ALLOWED_ACE
		if err := windows.GetAce(dacl, i, &ace); err != nil {
			t.Fatal(err)
		}
		sid := (*windows.SID)(unsafe.Pointer(&ace.SidStart)).String()
		out = append(out, strings.Join([]string{
			map[byte]string{windows.ACCESS_ALLOWED_ACE_TYPE: "allow", windows.ACCESS_DENIED_ACE_TYPE: "deny"}[ace.Header.AceType],
			hex(uint32(ace.Header.AceFlags)), hex(uint32(ace.Mask)), sid}, " "))
	}
	return out
}

func hex(v uint32) string { return fmt.Sprintf("%#x", v) }

// The pipe's security descriptor as the service builds it: protected;
// the network refused; SYSTEM, the administrators and the pipe's owner
// everything; any signed-in account read and write data but never
// FILE_CREATE_PIPE_INSTANCE (it could serve the next client itself).
func TestPipeSecurityDescriptor(t *testing.T) {
	sd, err := windows.SecurityDescriptorFromString(pipeSDDL)
	if err != nil {
		t.Fatal(err)
	}
	control, _, err := sd.Control()
	if err != nil {
		t.Fatal(err)
	}
	if control&windows.SE_DACL_PROTECTED == 0 {
		t.Error("the pipe's DACL is not protected")
	}
	got := aces(t, sd)
	want := []string{
		"deny 0x0 0x10000000 S-1-5-2", // NETWORK: generic all
		"allow 0x0 0x10000000 S-1-5-18",
		"allow 0x0 0x10000000 S-1-5-32-544",
		"allow 0x0 0x10000000 S-1-3-4", // OWNER RIGHTS
		"allow 0x0 0x12008b S-1-5-11",  // Authenticated Users
	}
	if strings.Join(got, "\n") != strings.Join(want, "\n") {
		t.Errorf("the pipe's DACL:\n%s\nwant:\n%s", strings.Join(got, "\n"), strings.Join(want, "\n"))
	}
	const users = 0x12008b
	if users&fileCreatePipeInstance != 0 || users&windows.GENERIC_WRITE != 0 || users&windows.WRITE_DAC != 0 || users&windows.WRITE_OWNER != 0 {
		t.Errorf("Authenticated Users get %#x: more than read and write data", users)
	}
	if pipeAccess&^users != 0 {
		t.Errorf("the client asks %#x, more than the pipe gives everyone (%#x)", pipeAccess, users)
	}
}

// A second service cannot take a pipe that is served (FIRST_PIPE_INSTANCE).
func TestPipeFirstInstance(t *testing.T) {
	addr := testAddr("")
	l, err := Listen(addr)
	if err != nil {
		t.Fatal(err)
	}
	defer l.Close()
	if l2, err := Listen(addr); err == nil {
		l2.Close()
		if onWine() {
			// Wine 8 ignores FILE_FLAG_FIRST_PIPE_INSTANCE.
			t.Skip("Wine lets a second program serve the name: the client's owner check is what holds there")
		}
		t.Fatal("a second Listen on a served pipe succeeded")
	}
	l.Close()
	l3, err := Listen(addr)
	if err != nil {
		t.Fatalf("the name is not free after Close: %v", err)
	}
	l3.Close()
}

// The client reads the pipe's owner before it sends anything: a pipe this
// account made is its own.
func TestPipeOwnerIsChecked(t *testing.T) {
	addr := testAddr("")
	l, err := Listen(addr)
	if err != nil {
		t.Fatal(err)
	}
	defer l.Close()
	go func() {
		if c, err := l.Accept(); err == nil {
			c.Close()
		}
	}()
	c, err := dialPipe(t.Context(), strings.TrimPrefix(addr, "pipe:"))
	if err != nil {
		t.Fatalf("dial: %v", err)
	}
	c.Close()
	h, err := windows.CreateFile(windows.StringToUTF16Ptr(pipePath("nothing-here-"+fmt.Sprint(windows.GetCurrentProcessId()))),
		pipeAccess, 0, nil, windows.OPEN_EXISTING, 0, 0)
	if err == nil {
		windows.CloseHandle(h)
		t.Error("a pipe nobody serves opened")
	}
}

// The service learns who calls from the pipe client's token: this
// process's account, as os/user names it, and whether it is elevated.
func TestPipeClientIsTheTokensAccount(t *testing.T) {
	p := &probe{}
	// Not serve(): its t.TempDir cannot be removed under Wine 8 (Go's
	// os.RemoveAll meets "Invalid function"), and a pipe needs no folder.
	addr := testAddr("")
	l, err := Listen(addr)
	if err != nil {
		t.Fatal(err)
	}
	path, h := newHandler(p, ours, time.Now)
	srv := newServer(path, h, nil)
	go srv.Serve(l)
	defer srv.Close()
	c := client(t, addr)
	if _, err := c.Hello(t.Context(), hello()); err != nil {
		t.Fatal(err)
	}
	calls := p.calls()
	if len(calls) != 1 || !calls[0].hasCaller {
		t.Fatalf("calls %+v: want one, with its caller", calls)
	}
	me, err := user.Current()
	if err != nil {
		t.Fatal(err)
	}
	tok := windows.GetCurrentProcessToken()
	if got := calls[0].caller; !strings.EqualFold(got.Name, me.Username) || got.Elevated != tok.IsElevated() {
		t.Errorf("the service saw %+v, want %s (elevated %v)", got, me.Username, tok.IsElevated())
	}
	t.Logf("caller seen through the pipe: %+v", calls[0].caller)
}

// The pipe's owner, as the client reads it, is the account that serves it.
func TestPipeOwnerIsTheServer(t *testing.T) {
	addr := testAddr("")
	l, err := Listen(addr)
	if err != nil {
		t.Fatal(err)
	}
	defer l.Close()
	sd, err := pipeSecurity()
	if err != nil {
		t.Fatal(err)
	}
	owner, _, err := sd.Owner()
	if err != nil {
		t.Fatal(err)
	}
	me, err := windows.GetCurrentProcessToken().GetTokenUser()
	if err != nil {
		t.Fatal(err)
	}
	if !owner.Equals(me.User.Sid) {
		t.Errorf("the pipe's descriptor is owned by %s, want %s", owner, me.User.Sid)
	}
	go func() {
		if c, err := l.Accept(); err == nil {
			c.Close()
		}
	}()
	h, err := windows.CreateFile(windows.StringToUTF16Ptr(pipePath(strings.TrimPrefix(addr, "pipe:"))), pipeAccess, 0, nil, windows.OPEN_EXISTING, 0, 0)
	if err != nil {
		t.Fatal(err)
	}
	defer windows.CloseHandle(h)
	got, err := windows.GetSecurityInfo(h, windows.SE_KERNEL_OBJECT, windows.OWNER_SECURITY_INFORMATION)
	if err != nil {
		t.Fatal(err)
	}
	o, _, err := got.Owner()
	if err != nil || !o.Equals(me.User.Sid) {
		t.Errorf("the client reads the owner %v (%v), want %s", o, err, me.User.Sid)
	}
}

// onWine: the tests run under Wine.
func onWine() bool {
	return windows.NewLazySystemDLL("ntdll.dll").NewProc("wine_get_version").Find() == nil
}

// fileCreatePipeInstance is FILE_CREATE_PIPE_INSTANCE (FILE_APPEND_DATA's
// value on a pipe).
const fileCreatePipeInstance = 0x4
