package app

import (
	"bufio"
	"io"
	"os"
	"path/filepath"
)

// A file that holds secrets (recovery codes, a reactivation sheet, the
// MFA report, the kept e-mail) is written readable by its owner only:
// 0600 on Unix, a protected ACL granting only the current user on Windows
// (privatefile_windows.go). It is written beside its place and renamed
// over it, so the secret never sits in a file that was readable by
// others, not even for a moment: a file that was there (a save dialog
// makes one with the usual 0644) is replaced, never filled. The window
// (package screens) and the tool (apetitspas-admin) both write through
// WritePrivateFile.

// WritePrivateFile writes path through write, readable by its owner only,
// whole or not at all.
func WritePrivateFile(path string, write func(io.Writer) error) error {
	tmp, err := os.CreateTemp(filepath.Dir(path), "."+filepath.Base(path)+".*.tmp")
	if err != nil {
		return err
	}
	name := tmp.Name()
	defer os.Remove(name) // after the rename, nothing is there
	if err := ownerOnly(tmp); err != nil {
		tmp.Close()
		return err
	}
	bw := bufio.NewWriter(tmp)
	if err := write(bw); err != nil {
		tmp.Close()
		return err
	}
	if err := bw.Flush(); err != nil {
		tmp.Close()
		return err
	}
	if err := tmp.Sync(); err != nil {
		tmp.Close()
		return err
	}
	if err := tmp.Close(); err != nil {
		return err
	}
	return os.Rename(name, path)
}
