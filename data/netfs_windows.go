package data

import (
	"path/filepath"

	"golang.org/x/sys/windows"
)

// networkFS reports whether dir is on a mapped network drive.
func networkFS(dir string) (bool, string) {
	root := filepath.VolumeName(dir) + `\`
	p, err := windows.UTF16PtrFromString(root)
	if err != nil {
		return false, ""
	}
	if windows.GetDriveType(p) == windows.DRIVE_REMOTE {
		return true, "mapped network drive " + root
	}
	return false, ""
}
