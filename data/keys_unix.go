//go:build unix

package data

import (
	"fmt"
	"io"
	"io/fs"
	"os"
	"path/filepath"
	"syscall"
)

// maxKeyFile bounds what is read of a key file (a key is 45 bytes).
const maxKeyFile = 4096

// keyRules are what a key file and its folder must respect to be trusted.
type keyRules struct {
	// fileMask are the permission bits the key file must not have.
	fileMask fs.FileMode
	// rootToo lets root own the file and the folder besides the current
	// user (the machine-wide folder, made by configure as root).
	rootToo bool
}

var (
	// ownKeys: a user's own key file, 0600 in a folder only she writes.
	ownKeys = keyRules{fileMask: 0o077}
	// sharedKeys: the machine-wide key folder (SharedKeyRing), the key
	// readable by the daycare's group, written by nobody but its owner.
	sharedKeys = keyRules{fileMask: 0o037, rootToo: true}
)

// readKeyFile reads a user's own key file and lists what makes it unsafe
// (see read).
func readKeyFile(path string) ([]byte, []string, error) { return ownKeys.read(path) }

// keyDirProblems lists what makes a user's own key folder unsafe.
func keyDirProblems(dir string) ([]string, error) { return ownKeys.dirProblems(dir) }

// readSharedKeyFile reads a key file of the machine-wide key folder.
func readSharedKeyFile(path string) ([]byte, []string, error) { return sharedKeys.read(path) }

// sharedKeyDirProblems lists what makes the machine-wide key folder unsafe.
func sharedKeyDirProblems(dir string) ([]string, error) { return sharedKeys.dirProblems(dir) }

// read reads the key file at path and lists what makes it unsafe: a
// symbolic link, permission bits of fileMask, an owner other than the
// current user (or root, with rootToo), and its folder's problems. The key
// is read even then, so that the refusal can be journaled.
func (r keyRules) read(path string) (b []byte, problems []string, err error) {
	lfi, err := os.Lstat(path)
	if err != nil {
		return nil, nil, err
	}
	if lfi.Mode()&fs.ModeSymlink != 0 {
		problems = append(problems, fmt.Sprintf("key file %s is a symbolic link", path))
	}
	// O_NONBLOCK: a FIFO put in place of the key does not hang the app.
	f, err := os.OpenFile(path, os.O_RDONLY|syscall.O_NONBLOCK, 0)
	if err != nil {
		return nil, nil, err
	}
	defer f.Close()
	fi, err := f.Stat() // the file opened, wherever a link led
	if err != nil {
		return nil, nil, err
	}
	if !fi.Mode().IsRegular() {
		return nil, nil, fmt.Errorf("key file %s is not a regular file (%v)", path, fi.Mode().Type())
	}
	if perm := fi.Mode().Perm(); perm&r.fileMask != 0 {
		problems = append(problems, fmt.Sprintf("key file %s has mode %04o", path, perm))
	}
	if p := r.ownerProblem("key file "+path, fi); p != "" {
		problems = append(problems, p)
	}
	dirProblems, err := r.dirProblems(filepath.Dir(path))
	if err != nil {
		return nil, nil, err
	}
	problems = append(problems, dirProblems...)
	b, err = io.ReadAll(io.LimitReader(f, maxKeyFile))
	if err != nil {
		return nil, nil, err
	}
	return b, problems, nil
}

// dirProblems lists what makes the key folder dir unsafe: the group or
// others can write into it (and so replace a key), or it belongs to
// someone it should not.
func (r keyRules) dirProblems(dir string) ([]string, error) {
	fi, err := os.Stat(dir)
	if err != nil {
		return nil, err
	}
	if !fi.IsDir() {
		return nil, fmt.Errorf("key folder %s is not a folder", dir)
	}
	var problems []string
	if perm := fi.Mode().Perm(); perm&0o022 != 0 {
		problems = append(problems, fmt.Sprintf("key folder %s has mode %04o (others can write in it)", dir, perm))
	}
	if p := r.ownerProblem("key folder "+dir, fi); p != "" {
		problems = append(problems, p)
	}
	return problems, nil
}

// ownerProblem says what is wrong with the owner of what (fi), "" if
// nothing.
func (r keyRules) ownerProblem(what string, fi fs.FileInfo) string {
	uid, ok := owner(fi)
	switch {
	case !ok || uid == os.Geteuid():
		return ""
	case r.rootToo && uid == 0:
		return ""
	case r.rootToo:
		return fmt.Sprintf("%s belongs to uid %d, neither root nor %d", what, uid, os.Geteuid())
	}
	return fmt.Sprintf("%s belongs to uid %d, not %d", what, uid, os.Geteuid())
}

// owner returns the uid owning the file fi describes.
func owner(fi fs.FileInfo) (int, bool) {
	st, ok := fi.Sys().(*syscall.Stat_t)
	if !ok {
		return 0, false
	}
	return int(st.Uid), true
}

// shareKeyFile gives a new key file of the machine-wide folder its
// permissions: mode 0640, the folder's group (the daycare's group).
func shareKeyFile(f *os.File, dir string) error {
	fi, err := os.Stat(dir)
	if err != nil {
		return err
	}
	if st, ok := fi.Sys().(*syscall.Stat_t); ok {
		if err := f.Chown(-1, int(st.Gid)); err != nil {
			return err
		}
	}
	return f.Chmod(0o640)
}

// putKeyFile writes a key file of the machine-wide folder: beside, with
// its final permissions, then linked under its name (whole or absent,
// never over an existing file: os.ErrExist).
func putKeyFile(dir, id string, content []byte) error {
	tmp, err := os.CreateTemp(dir, ".new-*")
	if err != nil {
		return err
	}
	defer os.Remove(tmp.Name())
	if err := shareKeyFile(tmp, dir); err != nil {
		tmp.Close()
		return err
	}
	if _, err := tmp.Write(content); err != nil {
		tmp.Close()
		return err
	}
	if err := tmp.Sync(); err != nil {
		tmp.Close()
		return err
	}
	if err := tmp.Close(); err != nil {
		return err
	}
	return os.Link(tmp.Name(), filepath.Join(dir, id+".key"))
}

// sealShared and openShared: on Unix the file's permissions protect the
// key; the file holds it as is.
func sealShared(text string) ([]byte, error) { return []byte(text + "\n"), nil }
func openShared(b []byte) (string, error)    { return string(b), nil }
