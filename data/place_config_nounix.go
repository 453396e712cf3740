//go:build !unix

package data

import "io/fs"

// configProblems: on Windows the installer gives %ProgramData%\ApetitsPas
// its ACL (inheritance removed; SYSTEM and Administrators full control,
// Users read), and config.toml inherits it.
//
// TODO(windows): check it here too, as on Unix: the file's and the
// folder's owner and DACL (golang.org/x/sys/windows GetNamedSecurityInfo)
// must give write, delete or a change of rights to nobody but SYSTEM,
// Administrators (and TrustedInstaller, CREATOR OWNER), and refuse
// anything else with app.ReasonConfigInsecure. Not done yet: it could
// only be tried under Wine here, whose ACLs are not Windows'. Until then a
// config.toml made writable by Users on Windows is trusted.
func configProblems(path string, fi fs.FileInfo) ([]string, error) { return nil, nil }
