//go:build !windows

package main

import (
	"errors"
	"os"
	"os/user"
	"path/filepath"
	"strconv"

	apetitspas "github.com/apetitspas/apetitspas/app"
)

// lookupGroup returns the gid of the group every account using the app
// belongs to; the technician creates it first (groupadd).
func lookupGroup(name string) (int, error) {
	g, err := user.LookupGroup(name)
	if err != nil {
		return -1, &apetitspas.Error{Code: apetitspas.EINVALID, Reason: apetitspas.ReasonGroupMissing, Detail: name, Err: err}
	}
	gid, err := strconv.Atoi(g.Gid)
	if err != nil {
		return -1, &apetitspas.Error{Code: apetitspas.EINVALID, Reason: apetitspas.ReasonGroupMissing, Detail: name, Err: err}
	}
	return gid, nil
}

// prepareDataFolder makes dir root's, the group's, mode 2770 (setgid: what
// is made inside is the group's), and gives an existing database and its
// -wal and -shm files to the group, mode 0660.
func prepareDataFolder(dir, db string, gid int) error {
	if err := os.MkdirAll(dir, 0o755); err != nil {
		return prepareFolderError(dir, err)
	}
	if err := os.Chown(dir, 0, gid); err != nil {
		return prepareFolderError(dir, err)
	}
	if err := os.Chmod(dir, 0o770|os.ModeSetgid); err != nil {
		return prepareFolderError(dir, err)
	}
	for _, f := range []string{db, db + "-wal", db + "-shm"} {
		if _, err := os.Lstat(f); errors.Is(err, os.ErrNotExist) {
			continue
		}
		if err := os.Lchown(f, -1, gid); err != nil {
			return prepareFolderError(f, err)
		}
		if err := os.Chmod(f, 0o660); err != nil {
			return prepareFolderError(f, err)
		}
	}
	return nil
}

// prepareKeyFolder makes dir root's, the group's, mode 0750: members read
// the key, only root writes there. Its parents are made readable (0755).
func prepareKeyFolder(dir string, gid int) error {
	if err := os.MkdirAll(filepath.Dir(dir), 0o755); err != nil {
		return prepareFolderError(dir, err)
	}
	if err := os.Mkdir(dir, 0o750); err != nil && !errors.Is(err, os.ErrExist) {
		return prepareFolderError(dir, err)
	}
	if err := os.Chown(dir, 0, gid); err != nil {
		return prepareFolderError(dir, err)
	}
	if err := os.Chmod(dir, 0o750); err != nil {
		return prepareFolderError(dir, err)
	}
	return nil
}

// shareConfig gives a configuration file holding a password to the group.
func shareConfig(path string, gid int) error {
	return os.Chown(path, 0, gid)
}
