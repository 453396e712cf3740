//go:build unix

package data

import (
	"io/fs"
	"os"
	"syscall"
)

// ShareLikeFolder gives the database file at path (made elsewhere: a
// restore, a move), which is to live in folder dir, what checkWritable
// gives a new database in a folder shared by a group (setgid and group-writable, see "apetitspas-admin
// configure"): the folder's group and mode 0660, so that every member of
// the group can use it. Elsewhere it changes nothing.
func ShareLikeFolder(path, dir string) error {
	fi, err := os.Stat(dir)
	if err != nil {
		return err
	}
	if fi.Mode()&fs.ModeSetgid == 0 || fi.Mode().Perm()&0o070 != 0o070 {
		return nil
	}
	if st, ok := fi.Sys().(*syscall.Stat_t); ok {
		if err := os.Chown(path, -1, int(st.Gid)); err != nil {
			return err
		}
	}
	return os.Chmod(path, 0o660)
}
