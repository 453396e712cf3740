//go:build windows

package app

import (
	"io"
	"os"
	"path/filepath"
	"testing"
	"unsafe"

	"golang.org/x/sys/windows"
)

// A file written by WritePrivateFile (the saved recovery codes) has a
// protected DACL (nothing inherited from its folder) with one entry: full
// access for the current user, nobody else. A file that was there before,
// readable by everyone, is replaced.
func TestAPrivateFileHasAnOwnerOnlyProtectedDACL(t *testing.T) {
	me, err := windows.GetCurrentProcessToken().GetTokenUser()
	if err != nil {
		t.Fatal(err)
	}
	path := filepath.Join(t.TempDir(), "codes.txt")
	if err := os.WriteFile(path, []byte("ancien contenu"), 0o666); err != nil {
		t.Fatal(err)
	}
	if err := WritePrivateFile(path, func(w io.Writer) error { _, err := w.Write([]byte("CODES")); return err }); err != nil {
		t.Fatal(err)
	}
	sd, err := windows.GetNamedSecurityInfo(path, windows.SE_FILE_OBJECT, windows.DACL_SECURITY_INFORMATION)
	if err != nil {
		t.Fatal(err)
	}
	control, _, err := sd.Control()
	if err != nil {
		t.Fatal(err)
	}
	if control&windows.SE_DACL_PROTECTED == 0 {
		t.Fatal("the DACL inherits from the folder")
	}
	dacl, _, err := sd.DACL()
	if err != nil || dacl == nil {
		t.Fatalf("no DACL (%v): everyone could read the file", err)
	}
	if dacl.AceCount != 1 {
		t.Fatalf("%d entries, want the owner's alone", dacl.AceCount)
	}
	var ace *windows.ACCESS_ALLOWED_ACE
	if err := windows.GetAce(dacl, 0, &ace); err != nil {
		t.Fatal(err)
	}
	sid := (*windows.SID)(unsafe.Pointer(&ace.SidStart))
	if ace.Header.AceType != windows.ACCESS_ALLOWED_ACE_TYPE || !sid.Equals(me.User.Sid) {
		t.Fatalf("the entry is type %d for %s, want access for %s", ace.Header.AceType, sid, me.User.Sid)
	}
	if b, _ := os.ReadFile(path); string(b) != "CODES" {
		t.Fatalf("content %q", b)
	}
}
