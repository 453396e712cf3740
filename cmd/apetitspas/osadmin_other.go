//go:build !windows

package main

import (
	"os"
	"os/user"
	"runtime"
)

// osAdmin: the window runs as root, or as an account that may become root
// with its own password (the groups sudo and wheel on Linux, admin on
// macOS: an « Administrateur » of the Mac): it can stop the service and
// read its key.
func osAdmin() bool {
	if os.Geteuid() == 0 {
		return true
	}
	admins := map[string]bool{"sudo": true, "wheel": true}
	if runtime.GOOS == "darwin" {
		admins = map[string]bool{"admin": true}
	}
	u, err := user.Current()
	if err != nil {
		return false
	}
	gids, err := u.GroupIds()
	if err != nil {
		return false
	}
	for _, gid := range gids {
		if g, err := user.LookupGroupId(gid); err == nil && admins[g.Name] {
			return true
		}
	}
	return false
}
