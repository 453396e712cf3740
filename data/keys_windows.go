package data

import (
	"encoding/base64"
	"errors"
	"fmt"
	"strings"
	"unsafe"

	"golang.org/x/sys/windows"
)

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
