package rpc

import (
	"crypto/sha1"
	"encoding/binary"
	"strconv"
	"strings"
	"unicode/utf16"
)

// Who may own the service's named pipe, as the client sees it (Windows).
// A program started before the service could take the pipe's name and
// read every password typed in the window; the client checks the pipe's
// owner before it sends anything. The owner is the account that made the
// pipe's first instance (Windows sets it from the creator's token, and
// only the holder of a SID in its token, or of the restore privilege, can
// set another), and every client may read it (READ_CONTROL is in what
// pipeSDDL gives everyone), whereas a standard account may not open a
// service's process to read its token (GetNamedPipeServerProcessId, then
// OpenProcess, would be refused).
//
// The owner may be:
//   - the virtual account of the Windows service named like the pipe
//     (pipe:ApetitsPas is served by the service ApetitsPas, whose account is
//     NT SERVICE\ApetitsPas);
//   - SYSTEM, or BUILTIN\Administrators (what an administrator's or
//     SYSTEM's objects are owned by): the computer's administrators can
//     replace the service anyway;
//   - the client's own account: a program of one's own account can do
//     anything that account can (a technician's `apetitspas-service run`
//     in a session, the tests).
const (
	sidSystem         = "S-1-5-18"
	sidAdministrators = "S-1-5-32-544"
)

func pipeOwnerAllowed(owner, client, pipeName string) bool {
	if owner == "" {
		return false
	}
	switch strings.ToUpper(owner) {
	case sidSystem, sidAdministrators, strings.ToUpper(client), ServiceSID(pipeName):
		return true
	}
	return false
}

// ServiceSID is the SID of the virtual account NT SERVICE\name, which
// Windows derives from the service's name alone: S-1-5-80- then the SHA-1
// of the name in capitals (UTF-16LE), as five little-endian numbers.
func ServiceSID(name string) string {
	u := utf16.Encode([]rune(strings.ToUpper(name)))
	b := make([]byte, 2*len(u))
	for i, c := range u {
		binary.LittleEndian.PutUint16(b[2*i:], c)
	}
	sum := sha1.Sum(b)
	sid := "S-1-5-80"
	for i := 0; i < len(sum); i += 4 {
		sid += "-" + strconv.FormatUint(uint64(binary.LittleEndian.Uint32(sum[i:])), 10)
	}
	return sid
}
