//go:build unix

package data

import (
	"fmt"
	"io"
	"io/fs"
	"os"
	"path/filepath"
	"syscall"

	"github.com/apetitspas/apetitspas/app"
)

// userKeys reads the key files of a user's own place as the computer's
// administrator does for an adoption: by the rules of the user's own key
// ring (KeyRing: a regular file, 0600, in a folder nobody else may write),
// with her, the owner of the database, as the owner they must have, where
// KeyRing requires the account running the program.
type userKeys struct {
	dir string
	uid int
}

// userKeyFiles is the key ring of the user's own key folder dir, the user
// being the owner of the database db.
func userKeyFiles(dir, db string) (app.KeyRing, error) {
	fi, err := os.Stat(db)
	if err != nil {
		return nil, &app.Error{Code: app.ENOTFOUND, Reason: app.ReasonStorage, Detail: db, Err: err}
	}
	uid, ok := owner(fi)
	if !ok {
		return nil, fmt.Errorf("data: owner of %s unknown", db)
	}
	return userKeys{dir: dir, uid: uid}, nil
}

func (k userKeys) Key(id string) ([]byte, error) {
	if !keyID.MatchString(id) {
		return nil, fmt.Errorf("key id %q: %w", id, app.ErrKeyMissing)
	}
	path := filepath.Join(k.dir, id+".key")
	lfi, err := os.Lstat(path)
	if err != nil {
		return nil, fmt.Errorf("key %s not in %s: %v: %w", id, k.dir, err, app.ErrKeyMissing)
	}
	var problems []string
	if lfi.Mode()&fs.ModeSymlink != 0 {
		problems = append(problems, fmt.Sprintf("key file %s is a symbolic link", path))
	}
	// O_NONBLOCK: a FIFO put in place of the key does not hang the tool.
	f, err := os.OpenFile(path, os.O_RDONLY|syscall.O_NONBLOCK, 0)
	if err != nil {
		return nil, fmt.Errorf("key %s: %v: %w", id, err, app.ErrKeyMissing)
	}
	defer f.Close()
	fi, err := f.Stat()
	if err != nil || !fi.Mode().IsRegular() {
		return nil, fmt.Errorf("key file %s is not a regular file: %w", path, app.ErrKeyMissing)
	}
	if perm := fi.Mode().Perm(); perm&0o077 != 0 {
		problems = append(problems, fmt.Sprintf("key file %s has mode %04o", path, perm))
	}
	if uid, ok := owner(fi); !ok || uid != k.uid {
		problems = append(problems, fmt.Sprintf("key file %s belongs to uid %d, not %d (the database's owner)", path, uid, k.uid))
	}
	dfi, err := os.Stat(k.dir)
	if err != nil {
		return nil, fmt.Errorf("key folder %s: %v: %w", k.dir, err, app.ErrKeyMissing)
	}
	if perm := dfi.Mode().Perm(); perm&0o022 != 0 {
		problems = append(problems, fmt.Sprintf("key folder %s has mode %04o (others can write in it)", k.dir, perm))
	}
	if uid, ok := owner(dfi); !ok || uid != k.uid {
		problems = append(problems, fmt.Sprintf("key folder %s belongs to uid %d, not %d (the database's owner)", k.dir, uid, k.uid))
	}
	b, err := io.ReadAll(io.LimitReader(f, maxKeyFile))
	if err != nil {
		return nil, fmt.Errorf("key %s: %v: %w", id, err, app.ErrKeyMissing)
	}
	key, err := decodeKey(string(b))
	if err != nil {
		return nil, err
	}
	if len(problems) > 0 {
		return key, insecure(problems)
	}
	return key, nil
}

func (k userKeys) NewKey() (string, error) {
	return "", fmt.Errorf("an adopted daycare makes no key: %w", app.ErrKeyMissing)
}
