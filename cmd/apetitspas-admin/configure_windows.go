//go:build windows

package main

import (
	"os"
	"os/exec"
)

// lookupGroup: no group on Windows (the computer's Users group is given
// its rights by the folders' ACLs).
func lookupGroup(name string) (int, error) { return -1, nil }

// The folders' ACLs, as the installer sets them (well-known SIDs, so that
// they do not depend on Windows' language): SYSTEM and Administrators
// have full control; the computer's Users modify the data folder; in the
// key folder they read, and may add a key file (the first start, a move)
// but neither change nor delete one (OWNER RIGHTS: the creator of a key
// file gets no more than read on it).
var (
	dataACL = []string{"/grant", "*S-1-5-18:(OI)(CI)F", "/grant", "*S-1-5-32-544:(OI)(CI)F", "/grant", "*S-1-5-32-545:(OI)(CI)M"}
	keysACL = []string{"/inheritance:r", "/grant:r", "*S-1-5-18:(OI)(CI)F", "/grant:r", "*S-1-5-32-544:(OI)(CI)F",
		"/grant:r", "*S-1-5-32-545:(OI)(CI)RX", "/grant:r", "*S-1-3-4:(OI)(CI)RX"}
	// Added on its own (a /grant:r of the same SID in one call would
	// replace it): Users may add a file to the key folder, no more.
	keysAddACL = []string{"/grant", "*S-1-5-32-545:(WD)"}
)

func prepareDataFolder(dir, db string, gid int) error {
	if err := os.MkdirAll(dir, 0o755); err != nil {
		return prepareFolderError(dir, err)
	}
	return icacls(dir, dataACL)
}

func prepareKeyFolder(dir string, gid int) error {
	if err := os.MkdirAll(dir, 0o755); err != nil {
		return prepareFolderError(dir, err)
	}
	if err := icacls(dir, keysACL); err != nil {
		return err
	}
	return icacls(dir, keysAddACL)
}

func shareConfig(path string, gid int) error { return nil }

func icacls(dir string, args []string) error {
	out, err := exec.Command("icacls", append([]string{dir}, args...)...).CombinedOutput()
	if err != nil {
		return prepareFolderError(dir, &icaclsError{err: err, out: string(out)})
	}
	return nil
}

type icaclsError struct {
	err error
	out string
}

func (e *icaclsError) Error() string { return "icacls: " + e.err.Error() + ": " + e.out }
func (e *icaclsError) Unwrap() error { return e.err }
