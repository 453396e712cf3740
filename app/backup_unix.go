//go:build unix

package app

import (
	"errors"
	"syscall"
)

// processAlive reports whether process pid (> 0) exists: signal 0 checks
// without sending anything; another user's process answers EPERM.
func processAlive(pid int) bool {
	err := syscall.Kill(pid, 0)
	return err == nil || errors.Is(err, syscall.EPERM)
}
