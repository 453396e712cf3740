//go:build windows

package main

import (
	"os/user"

	"golang.org/x/sys/windows"

	apetitspas "github.com/apetitspas/apetitspas/app"
)

// osUser: elevated when the process token is (« Exécuter en tant
// qu'administrateur »). The name is DOMAIN\user.
func osUser() apetitspas.OSUser {
	u := apetitspas.OSUser{Elevated: windows.GetCurrentProcessToken().IsElevated(), Name: "?"}
	if cur, err := user.Current(); err == nil && cur.Username != "" {
		u.Name = cur.Username
	}
	return u
}
