//go:build windows

package main

import (
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"unsafe"

	"golang.org/x/sys/windows"

	"github.com/apetitspas/apetitspas/cmd/internal/rpc"
)

// serviceName is the Windows service's name: its virtual account is
// NT SERVICE\ApetitsPas, and it listens on the pipe of the same name.
const serviceName = "ApetitsPas"

// serviceSID is the virtual account's SID (S-1-5-80-…).
var serviceSID = rpc.ServiceSID(serviceName)

// defaultDataDir is the Windows service's folder,
// %ProgramData%\ApetitsPas\service: beside config.toml, which every
// account reads to find the service (so the folder above stays readable),
// as on macOS.
// The folder is asked of Windows, not of %ProgramData%: a service's
// environment is not a session's (Wine's services see C:\users\Public).
func defaultDataDir() string {
	dir, err := windows.KnownFolderPath(windows.FOLDERID_ProgramData, 0)
	if err != nil || dir == "" {
		dir = os.Getenv("ProgramData")
	}
	if dir == "" {
		dir = `C:\ProgramData`
	}
	return filepath.Join(dir, serviceName, "service")
}

// mySID is this process's account.
func mySID() (string, error) {
	tu, err := windows.GetCurrentProcessToken().GetTokenUser()
	if err != nil {
		return "", fmt.Errorf("this program's account: %w", err)
	}
	return tu.User.Sid.String(), nil
}

// makeDataDir makes dir, when missing, with the data folder's protected
// DACL (dataDirSecurity) for the service's account and this process's.
// A folder already there is left as it is: ownerOnly judges it.
func makeDataDir(dir string) error {
	if _, err := os.Stat(dir); err == nil {
		return nil
	}
	if err := os.MkdirAll(filepath.Dir(dir), 0o755); err != nil {
		return err
	}
	if err := os.Mkdir(dir, 0o700); err != nil && !errors.Is(err, os.ErrExist) {
		return err
	}
	me, err := mySID()
	if err != nil {
		return err
	}
	return setSecurity(dir, dataDirSecurity(serviceSID, me))
}

// setSecurity gives path the DACL of sddl, protected (nothing inherited
// from above); Windows passes its inheritable entries on to what is
// already inside.
func setSecurity(path, sddl string) error {
	sd, err := windows.SecurityDescriptorFromString(sddl)
	if err != nil {
		return fmt.Errorf("%s: %w", sddl, err)
	}
	dacl, _, err := sd.DACL()
	if err != nil {
		return fmt.Errorf("%s: %w", sddl, err)
	}
	err = windows.SetNamedSecurityInfo(path, windows.SE_FILE_OBJECT,
		windows.DACL_SECURITY_INFORMATION|windows.PROTECTED_DACL_SECURITY_INFORMATION, nil, nil, dacl, nil)
	if err != nil {
		return fmt.Errorf("%s: the folder's permissions: %w", path, err)
	}
	return nil
}

// ownerOnly refuses a folder or file whose DACL lets in anyone but
// SYSTEM, the administrators, the service's virtual account and this
// process's account (the service's, or a technician's running it by
// hand); a missing DACL (everyone) too.
//
// Under Wine it checks nothing: Wine keeps no ACL on files (it makes one
// up from the Unix mode, Everyone reading), so there is nothing true to
// judge; the descriptors this code writes are tested instead
// (datadir_windows_test.go).
func ownerOnly(path string) error {
	if onWine() {
		return nil
	}
	sd, err := windows.GetNamedSecurityInfo(path, windows.SE_FILE_OBJECT, windows.DACL_SECURITY_INFORMATION)
	if err != nil {
		return fmt.Errorf("%s: its permissions: %w", path, err)
	}
	me, err := mySID()
	if err != nil {
		return err
	}
	if who := strangers(sd, sidSystem, sidAdministrators, serviceSID, me); who != nil {
		return fmt.Errorf("%s (open to %s): %w", path, strings.Join(who, ", "), errDataShared)
	}
	return nil
}

const (
	sidSystem         = "S-1-5-18"
	sidAdministrators = "S-1-5-32-544"
)

// strangers lists who else than allowed sd's DACL grants anything to;
// "everyone" for no DACL at all. Denials are fine; an entry of another
// kind (object, callback, conditional) is counted as a stranger.
func strangers(sd *windows.SECURITY_DESCRIPTOR, allowed ...string) []string {
	dacl, _, err := sd.DACL()
	if err != nil || dacl == nil {
		// Absent, or present and NULL: everyone may do anything.
		return []string{"everyone (no DACL)"}
	}
	ok := map[string]bool{}
	for _, a := range allowed {
		ok[strings.ToUpper(a)] = true
	}
	var who []string
	for i := uint32(0); i < uint32(dacl.AceCount); i++ {
		var ace *windows.ACCESS_ALLOWED_ACE
		if err := windows.GetAce(dacl, i, &ace); err != nil {
			return append(who, fmt.Sprintf("entry %d (%v)", i, err))
		}
		switch ace.Header.AceType {
		case windows.ACCESS_DENIED_ACE_TYPE:
			continue
		case windows.ACCESS_ALLOWED_ACE_TYPE:
			sid := (*windows.SID)(unsafe.Pointer(&ace.SidStart)).String()
			if !ok[strings.ToUpper(sid)] && ace.Mask != 0 {
				who = append(who, sid)
			}
		default:
			who = append(who, fmt.Sprintf("entry %d of type %d", i, ace.Header.AceType))
		}
	}
	return who
}

// onWine: this program runs under Wine (its ntdll says so), which keeps no
// ACL on files and has no virtual accounts.
func onWine() bool {
	return windows.NewLazySystemDLL("ntdll.dll").NewProc("wine_get_version").Find() == nil
}
