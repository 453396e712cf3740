//go:build windows

package main

import "golang.org/x/sys/windows"

// osAdmin: the Windows account running the window is an administrator of
// the computer (elevated now, or a member of Administrators that UAC only
// filters): it can stop the service and read its key.
func osAdmin() bool {
	tok := windows.GetCurrentProcessToken()
	if tok.IsElevated() {
		return true
	}
	sid, err := windows.CreateWellKnownSid(windows.WinBuiltinAdministratorsSid)
	if err != nil {
		return false
	}
	// A filtered (UAC) token holds Administrators for deny only; its
	// linked token says what the account really is.
	if linked, err := tok.GetLinkedToken(); err == nil {
		defer linked.Close()
		if ok, err := linked.IsMember(sid); err == nil && ok {
			return true
		}
	}
	ok, err := tok.IsMember(sid)
	return err == nil && ok
}
