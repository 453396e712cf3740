//go:build !windows

package app

import "os"

// ownerOnly makes f readable and writable by its owner only.
func ownerOnly(f *os.File) error { return f.Chmod(0o600) }
