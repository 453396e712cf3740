//go:build !unix

package data

import (
	"io"
	"os"
)

// maxKeyFile bounds what is read of a key file (a key is 45 bytes).
const maxKeyFile = 4096

// readKeyFile reads the key file at path. Outside Unix, file modes say
// little of who may read a file (Windows keeps keys in the Credential
// Manager, and its ACLs are not checked here): no problems are listed.
func readKeyFile(path string) (b []byte, problems []string, err error) {
	f, err := os.Open(path)
	if err != nil {
		return nil, nil, err
	}
	defer f.Close()
	b, err = io.ReadAll(io.LimitReader(f, maxKeyFile))
	return b, nil, err
}

// keyDirProblems lists what makes the key folder unsafe: nothing checked
// outside Unix.
func keyDirProblems(dir string) ([]string, error) { return nil, nil }
