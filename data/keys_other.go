//go:build !unix && !windows

package data

import (
	"io"
	"os"
)

// maxKeyFile bounds what is read of a key file (a key is 45 bytes).
const maxKeyFile = 4096

// readKeyFile reads the key file at path; no permissions are checked on
// these systems.
func readKeyFile(path string) (b []byte, problems []string, err error) {
	f, err := os.Open(path)
	if err != nil {
		return nil, nil, err
	}
	defer f.Close()
	b, err = io.ReadAll(io.LimitReader(f, maxKeyFile))
	return b, nil, err
}

// keyDirProblems: nothing checked on these systems.
func keyDirProblems(dir string) ([]string, error) { return nil, nil }

// The machine-wide key folder: nothing checked, the key kept as is.
func readSharedKeyFile(path string) ([]byte, []string, error) { return readKeyFile(path) }
func sharedKeyDirProblems(dir string) ([]string, error)       { return nil, nil }
func shareKeyFile(f *os.File, dir string) error               { return nil }
func sealShared(text string) ([]byte, error)                  { return []byte(text + "\n"), nil }
func openShared(b []byte) (string, error)                     { return string(b), nil }
