//go:build windows

package main

import (
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"unsafe"

	"golang.org/x/sys/windows"
)

// entries reads back sd's DACL: "TYPE FLAGS MASK SID" per entry.
func entries(t *testing.T, sd *windows.SECURITY_DESCRIPTOR) []string {
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
		out = append(out, fmt.Sprintf("%d %#x %#x %s", ace.Header.AceType, ace.Header.AceFlags, ace.Mask,
			(*windows.SID)(unsafe.Pointer(&ace.SidStart)).String()))
	}
	return out
}

const inherit = windows.OBJECT_INHERIT_ACE | windows.CONTAINER_INHERIT_ACE

// The data folder's security descriptor as install builds it, parsed
// back: protected, full control (FILE_ALL_ACCESS, passed on to files and
// folders) for SYSTEM, the administrators and NT SERVICE\ApetitsPas, and
// nothing for anyone else.
func TestDataFolderSecurityDescriptor(t *testing.T) {
	if !strings.HasPrefix(serviceSID, "S-1-5-80-") || strings.Count(serviceSID, "-") != 8 {
		t.Fatalf("service SID %s", serviceSID)
	}
	// Windows' own reading of the name.
	sid, err := windows.StringToSid(serviceSID)
	if err != nil {
		t.Fatal(err)
	}
	if sid.IdentifierAuthority() != windows.SECURITY_NT_AUTHORITY || sid.SubAuthority(0) != 80 {
		t.Errorf("%s: not an NT SERVICE SID", serviceSID)
	}
	sd, err := windows.SecurityDescriptorFromString(dataDirSecurity(serviceSID))
	if err != nil {
		t.Fatal(err)
	}
	control, _, err := sd.Control()
	if err != nil {
		t.Fatal(err)
	}
	if control&windows.SE_DACL_PROTECTED == 0 || control&windows.SE_DACL_PRESENT == 0 {
		t.Errorf("control %#x: want a protected DACL", control)
	}
	want := []string{
		fmt.Sprintf("0 %#x 0x1f01ff S-1-5-18", inherit),
		fmt.Sprintf("0 %#x 0x1f01ff S-1-5-32-544", inherit),
		fmt.Sprintf("0 %#x 0x1f01ff %s", inherit, serviceSID),
	}
	if got := entries(t, sd); strings.Join(got, "\n") != strings.Join(want, "\n") {
		t.Errorf("DACL:\n%s\nwant:\n%s", strings.Join(got, "\n"), strings.Join(want, "\n"))
	}
	if who := strangers(sd, sidSystem, sidAdministrators, serviceSID); who != nil {
		t.Errorf("strangers %v", who)
	}
	// Retired: the administrators and SYSTEM only.
	sd, err = windows.SecurityDescriptorFromString(retiredSDDL)
	if err != nil {
		t.Fatal(err)
	}
	if who := strangers(sd, sidSystem, sidAdministrators); who != nil {
		t.Errorf("retired: strangers %v", who)
	}
}

// ownerOnly's judge: anyone else allowed anything is refused; a denial,
// or no DACL at all (everyone), are told apart.
func TestStrangers(t *testing.T) {
	for sddl, want := range map[string]string{
		dataDirSecurity(serviceSID):                       "",
		dataDirSecurity(serviceSID) + "(A;OICI;FR;;;BU)":  "S-1-5-32-545",
		dataDirSecurity(serviceSID) + "(A;;0x1;;;WD)":     "S-1-1-0",
		dataDirSecurity(serviceSID) + "(D;OICI;FA;;;BU)":  "",
		"D:P(A;;FA;;;SY)(A;;FA;;;AU)(A;;FA;;;S-1-3-4)":    "S-1-5-11 S-1-3-4",
		"D:P(A;OICI;FA;;;S-1-5-80-1-2-3-4-5)(A;;FA;;;SY)": "S-1-5-80-1-2-3-4-5",
	} {
		sd, err := windows.SecurityDescriptorFromString(sddl)
		if err != nil {
			t.Fatalf("%s: %v", sddl, err)
		}
		if got := strings.Join(strangers(sd, sidSystem, sidAdministrators, serviceSID), " "); got != want {
			t.Errorf("%s: strangers %q, want %q", sddl, got, want)
		}
	}
	// A NULL DACL: everyone.
	sd, err := windows.NewSecurityDescriptor()
	if err != nil {
		t.Fatal(err)
	}
	if err := sd.SetDACL(nil, true, false); err != nil {
		t.Fatal(err)
	}
	if got := strings.Join(strangers(sd, sidSystem), " "); got != "everyone (no DACL)" {
		t.Errorf("NULL DACL: strangers %q", got)
	}
}

// The folder made by "run" and by install, read back from the file
// system. Wine keeps what is set (in an extended attribute) but enforces
// none of it: what is checked here is what the code writes.
func TestMakeDataDirGivesItsDACL(t *testing.T) {
	if onWine() {
		t.Skip("Wine keeps no ACL on files (it makes one up from the Unix mode): TestDataFolderSecurityDescriptor reads back what the code writes")
	}
	dir := filepath.Join(t.TempDir(), "ApetitsPas", "service")
	if err := makeDataDir(dir); err != nil {
		t.Fatal(err)
	}
	sd, err := windows.GetNamedSecurityInfo(dir, windows.SE_FILE_OBJECT, windows.DACL_SECURITY_INFORMATION)
	if err != nil {
		t.Fatal(err)
	}
	me, err := mySID()
	if err != nil {
		t.Fatal(err)
	}
	t.Logf("the folder made by run: %s", sd)
	control, _, _ := sd.Control()
	if control&windows.SE_DACL_PROTECTED == 0 {
		t.Errorf("%s: not protected", sd)
	}
	if who := strangers(sd, sidSystem, sidAdministrators, serviceSID, me); who != nil {
		t.Errorf("%s: open to %v", sd, who)
	}
	if err := ownerOnly(dir); err != nil {
		t.Errorf("ownerOnly on the folder it made: %v", err)
	}
	// install's: the service's account, not the one installing.
	if err := prepareServiceDir(dir); err != nil {
		t.Fatal(err)
	}
	sd, err = windows.GetNamedSecurityInfo(dir, windows.SE_FILE_OBJECT, windows.DACL_SECURITY_INFORMATION)
	if err != nil {
		t.Fatal(err)
	}
	t.Logf("the folder made by install: %s", sd)
	if who := strangers(sd, sidSystem, sidAdministrators, serviceSID); who != nil {
		t.Errorf("%s: open to %v", sd, who)
	}
	// A file made inside inherits it.
	f := filepath.Join(dir, "service.toml")
	if err := os.WriteFile(f, []byte("db = 'C:\\x.db'\n"), 0o600); err != nil {
		t.Fatal(err)
	}
	sd, err = windows.GetNamedSecurityInfo(f, windows.SE_FILE_OBJECT, windows.DACL_SECURITY_INFORMATION)
	if err != nil {
		t.Fatal(err)
	}
	t.Logf("a file inside: %s", sd)
	if who := strangers(sd, sidSystem, sidAdministrators, serviceSID); who != nil {
		t.Errorf("%s: open to %v", sd, who)
	}
	// A folder open to Users is refused.
	open := filepath.Join(t.TempDir(), "open")
	if err := os.Mkdir(open, 0o700); err != nil {
		t.Fatal(err)
	}
	if err := setSecurity(open, dataDirSecurity(serviceSID, me)+"(A;OICI;FR;;;BU)"); err != nil {
		t.Fatal(err)
	}
	if err := ownerOnly(open); err == nil {
		t.Error("ownerOnly accepted a folder Users may read")
	}
}
