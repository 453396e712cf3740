package main

import "strings"

// The service's data folder on Windows is closed by its DACL, not by
// owners and modes: a protected DACL (nothing inherited from
// %ProgramData%, where every account may read) that lets in, with full
// control, SYSTEM, the computer's administrators and the service's own
// account (its virtual account NT SERVICE\ApetitsPas, S-1-5-80-…, or the
// account of a technician running "apetitspas-service run" herself), and
// nobody else. Every ACE is inherited by what the service creates inside
// (OI: files, CI: folders): the database, its -wal and -shm, the keys, the
// witness, service.toml, the log.
//
// dataDirSDDL is that DACL with SYSTEM and the administrators; dataDirACE
// adds one account.
const (
	dataDirSDDL = "D:PAI(A;OICI;FA;;;SY)(A;OICI;FA;;;BA)"
	dataDirACE  = "(A;OICI;FA;;;%SID%)"
)

// dataDirSecurity is the SDDL of the data folder's DACL for the accounts
// sids (the service's, and maybe the one running it by hand); a repeated
// or empty SID is left out.
func dataDirSecurity(sids ...string) string {
	s := dataDirSDDL
	seen := map[string]bool{"": true, "S-1-5-18": true, "S-1-5-32-544": true}
	for _, sid := range sids {
		if seen[strings.ToUpper(sid)] {
			continue
		}
		seen[strings.ToUpper(sid)] = true
		s += strings.ReplaceAll(dataDirACE, "%SID%", sid)
	}
	return s
}

// retiredSDDL closes the folders of a machine-wide daycare once the
// service adopted it (data\ and keys\ beside the configuration, which
// every account could write or read): SYSTEM and the administrators only,
// as root alone keeps them on Linux.
const retiredSDDL = "D:PAI(A;OICI;FA;;;SY)(A;OICI;FA;;;BA)"
