//go:build !unix

package data

import (
	"io"
	"os"
	"path/filepath"
)

// maxKeyFile bounds what is read of a key file (a DPAPI-protected key is
// a few hundred bytes).
const maxKeyFile = 4096

// readKeyFile reads the key file at path. Outside Unix, file modes say
// little of who may read a file (Windows keeps a user's keys in the
// Credential Manager, and ACLs are not checked here): no problems are
// listed.
func readKeyFile(path string) (b []byte, problems []string, err error) {
	f, err := os.Open(path)
	if err != nil {
		return nil, nil, err
	}
	defer f.Close()
	b, err = io.ReadAll(io.LimitReader(f, maxKeyFile))
	return b, nil, err
}

// keyDirProblems: nothing checked outside Unix.
func keyDirProblems(dir string) ([]string, error) { return nil, nil }

// The machine-wide key folder: on Windows its ACLs are set by the
// installer (administrators and SYSTEM change it, the computer's users
// read it and add a key, nobody else) and the key is protected by DPAPI's
// machine scope (keys_windows.go); nothing is checked here.
func readSharedKeyFile(path string) ([]byte, []string, error) { return readKeyFile(path) }
func sharedKeyDirProblems(dir string) ([]string, error)       { return nil, nil }

// putKeyFile writes a key file of the machine-wide folder, created under
// its name (never over an existing file: os.ErrExist). On Windows the
// computer's users may add a file to the key folder but neither change
// nor delete one: no file beside, no rename.
func putKeyFile(dir, id string, content []byte) error {
	f, err := os.OpenFile(filepath.Join(dir, id+".key"), os.O_WRONLY|os.O_CREATE|os.O_EXCL, 0o640)
	if err != nil {
		return err
	}
	if _, err := f.Write(content); err != nil {
		f.Close()
		return err
	}
	if err := f.Sync(); err != nil {
		f.Close()
		return err
	}
	return f.Close()
}
