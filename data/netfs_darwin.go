package data

import "golang.org/x/sys/unix"

// networkFS reports whether dir is on a network file system (by the type
// name macOS gives it), and which.
func networkFS(dir string) (bool, string) {
	var st unix.Statfs_t
	if err := unix.Statfs(dir, &st); err != nil {
		return false, ""
	}
	b := make([]byte, 0, len(st.Fstypename))
	for _, c := range st.Fstypename {
		if c == 0 {
			break
		}
		b = append(b, byte(c))
	}
	switch name := string(b); name {
	case "nfs", "smbfs", "afpfs", "webdav", "cifs":
		return true, name
	}
	return false, ""
}
