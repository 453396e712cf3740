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

// readKeyFile reads the key file at path and lists what makes it unsafe:
// the file is a symbolic link, readable or writable by others, or not
// the current user's; its folder is writable by others or not the current
// user's. The key is read even then, so that the refusal can be journaled.
func readKeyFile(path string) (b []byte, problems []string, err error) {
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
	if perm := fi.Mode().Perm(); perm&0o077 != 0 {
		problems = append(problems, fmt.Sprintf("key file %s has mode %04o", path, perm))
	}
	if uid, ok := owner(fi); ok && uid != os.Geteuid() {
		problems = append(problems, fmt.Sprintf("key file %s belongs to uid %d, not %d", path, uid, os.Geteuid()))
	}
	dirProblems, err := keyDirProblems(filepath.Dir(path))
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

// keyDirProblems lists what makes the key folder dir unsafe: others can
// write into it (and so replace a key), or it is another user's.
func keyDirProblems(dir string) ([]string, error) {
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
	if uid, ok := owner(fi); ok && uid != os.Geteuid() {
		problems = append(problems, fmt.Sprintf("key folder %s belongs to uid %d, not %d", dir, uid, os.Geteuid()))
	}
	return problems, nil
}

// owner returns the uid owning the file fi describes.
func owner(fi fs.FileInfo) (int, bool) {
	st, ok := fi.Sys().(*syscall.Stat_t)
	if !ok {
		return 0, false
	}
	return int(st.Uid), true
}

// readSharedKeyFile reads a key file of the machine-wide key folder and
// lists what makes it unsafe (see SharedKeyRing): a symbolic link, a file
// others can read or the group or others can write, a file of another
// user than root or the current user; and keyDir problems of its folder
// (sharedKeyDirProblems).
func readSharedKeyFile(path string) (b []byte, problems []string, err error) {
	lfi, err := os.Lstat(path)
	if err != nil {
		return nil, nil, err
	}
	if lfi.Mode()&fs.ModeSymlink != 0 {
		problems = append(problems, fmt.Sprintf("key file %s is a symbolic link", path))
	}
	f, err := os.OpenFile(path, os.O_RDONLY|syscall.O_NONBLOCK, 0)
	if err != nil {
		return nil, nil, err
	}
	defer f.Close()
	fi, err := f.Stat()
	if err != nil {
		return nil, nil, err
	}
	if !fi.Mode().IsRegular() {
		return nil, nil, fmt.Errorf("key file %s is not a regular file (%v)", path, fi.Mode().Type())
	}
	if perm := fi.Mode().Perm(); perm&0o037 != 0 {
		problems = append(problems, fmt.Sprintf("key file %s has mode %04o", path, perm))
	}
	if uid, ok := owner(fi); ok && uid != 0 && uid != os.Geteuid() {
		problems = append(problems, fmt.Sprintf("key file %s belongs to uid %d, neither root nor %d", path, uid, os.Geteuid()))
	}
	dirProblems, err := sharedKeyDirProblems(filepath.Dir(path))
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

// sharedKeyDirProblems lists what makes the machine-wide key folder
// unsafe: the group or others can write into it, or it belongs to another
// user than root or the current user.
func sharedKeyDirProblems(dir string) ([]string, error) {
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
	if uid, ok := owner(fi); ok && uid != 0 && uid != os.Geteuid() {
		problems = append(problems, fmt.Sprintf("key folder %s belongs to uid %d, neither root nor %d", dir, uid, os.Geteuid()))
	}
	return problems, nil
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
