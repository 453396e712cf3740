package data

import (
	"encoding/base64"
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"strings"
	"unsafe"

	"golang.org/x/sys/windows"
)

// maxKeyFile bounds what is read of a key file (a DPAPI-protected key is
// a few hundred bytes).
const maxKeyFile = 4096

// readKeyFile reads the key file at path. On Windows the user's keys are
// in the Credential Manager; file modes say little of who may read a file
// and its ACLs are not checked here: no problems are listed.
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
// on Windows.
func keyDirProblems(dir string) ([]string, error) { return nil, nil }

// The machine-wide key folder (%ProgramData%\ApetitsPas\keys): its ACLs
// are set by the installer (administrators and SYSTEM change it, the
// computer's users read it and add a key, nobody else); the key itself is
// protected by DPAPI's machine scope.
func readSharedKeyFile(path string) ([]byte, []string, error) { return readKeyFile(path) }
func sharedKeyDirProblems(dir string) ([]string, error)       { return nil, nil }
func shareKeyFile(f *os.File, dir string) error               { return nil }

// dpapiPrefix starts a DPAPI-protected key file.
const dpapiPrefix = "dpapi-machine:"

// dpapiEntropy binds the protected blob to this use.
var dpapiEntropy = []byte("À petits pas / machine-wide key / v1")

// sealShared protects the key text with CryptProtectData, machine scope:
// every account of this computer can unprotect it, no other computer.
func sealShared(text string) ([]byte, error) {
	in := []byte(text)
	var out windows.DataBlob
	err := windows.CryptProtectData(dataBlob(in), windows.StringToUTF16Ptr("À petits pas"), dataBlob(dpapiEntropy), 0, nil,
		windows.CRYPTPROTECT_LOCAL_MACHINE|windows.CRYPTPROTECT_UI_FORBIDDEN, &out)
	if err != nil {
		return nil, fmt.Errorf("CryptProtectData: %w", err)
	}
	defer windows.LocalFree(windows.Handle(unsafe.Pointer(out.Data)))
	sealed := unsafe.Slice(out.Data, out.Size)
	return []byte(dpapiPrefix + base64.StdEncoding.EncodeToString(sealed) + "\n"), nil
}

// openShared unprotects what sealShared wrote.
func openShared(b []byte) (string, error) {
	s, ok := strings.CutPrefix(strings.TrimSpace(string(b)), dpapiPrefix)
	if !ok {
		return "", errors.New("not a DPAPI-protected key file")
	}
	sealed, err := base64.StdEncoding.DecodeString(s)
	if err != nil || len(sealed) == 0 {
		return "", errors.New("DPAPI-protected key file is damaged")
	}
	var out windows.DataBlob
	if err := windows.CryptUnprotectData(dataBlob(sealed), nil, dataBlob(dpapiEntropy), 0, nil,
		windows.CRYPTPROTECT_UI_FORBIDDEN, &out); err != nil {
		return "", fmt.Errorf("CryptUnprotectData (a key file of another computer?): %w", err)
	}
	defer windows.LocalFree(windows.Handle(unsafe.Pointer(out.Data)))
	return string(unsafe.Slice(out.Data, out.Size)), nil
}

func dataBlob(b []byte) *windows.DataBlob {
	if len(b) == 0 {
		return &windows.DataBlob{}
	}
	return &windows.DataBlob{Size: uint32(len(b)), Data: &b[0]}
}

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
