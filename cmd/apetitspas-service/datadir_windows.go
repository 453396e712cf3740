//go:build windows

package main

// ownerOnly: on Windows the installer gives %ProgramData%\ApetitsPas an
// ACL for the service's virtual account and Administrators only.
// TODO(issue 16, step 4): read the folder's security descriptor and
// refuse one that lets others in.
func ownerOnly(path string) error { return nil }
