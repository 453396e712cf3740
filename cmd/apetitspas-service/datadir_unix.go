//go:build !windows

package main

import (
	"fmt"
	"os"
	"syscall"
)

// makeDataDir makes dir when missing, its account's alone (0700).
func makeDataDir(dir string) error { return os.MkdirAll(dir, 0o700) }

// ownerOnly checks that path belongs to this process's account and that
// no other account may read, write or enter it.
func ownerOnly(path string) error {
	fi, err := os.Stat(path)
	if err != nil {
		return err
	}
	st, ok := fi.Sys().(*syscall.Stat_t)
	if !ok {
		return fmt.Errorf("%s: %w", path, errDataShared)
	}
	if int(st.Uid) != os.Geteuid() || fi.Mode().Perm()&0o077 != 0 {
		return fmt.Errorf("%s (owner uid %d, mode %v; want uid %d, no access for others): %w",
			path, st.Uid, fi.Mode().Perm(), os.Geteuid(), errDataShared)
	}
	return nil
}
