//go:build !windows

package main

import (
	"os"
	"os/user"
	"strconv"

	apetitspas "github.com/apetitspas/apetitspas/app"
)

// osUser: root is elevated. The name is the account the process runs as,
// and the person who ran sudo when there is one ($SUDO_USER, journaled as
// given: it only adds a name, never rights).
func osUser() apetitspas.OSUser {
	u := apetitspas.OSUser{Elevated: os.Geteuid() == 0}
	if cur, err := user.Current(); err == nil && cur.Username != "" {
		u.Name = cur.Username
	} else {
		u.Name = "uid=" + strconv.Itoa(os.Geteuid())
	}
	if sudo := os.Getenv("SUDO_USER"); sudo != "" {
		u.Name += " (sudo: " + sudo + ")"
	}
	return u
}
