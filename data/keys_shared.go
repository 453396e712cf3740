package data

import (
	"crypto/rand"
	"encoding/base64"
	"encoding/hex"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"sort"
	"strings"
	"time"

	"github.com/apetitspas/apetitspas/app"
)

// SharedKeyRing keeps the keys of the machine-wide place (see Locate) in
// one folder that every account of the computer allowed to use the app
// can read and only the computer's administrators can change. Never in
// the OS keyring: that belongs to one user, and the others would find no
// key.
//
//   - Unix: the folder belongs to root (or the current user), mode 0750
//     with the daycare's group; a key file belongs to root (or the current
//     user), mode 0640 with that group. A key file others can read, that
//     the group or others can write, or in a folder the group or others
//     can write, is refused (app.ErrKeyInsecure), as for the user's own
//     key files. "apetitspas-admin configure", run as root, makes the key.
//   - Windows: each key file holds the key protected by the computer's
//     data-protection API (DPAPI, machine scope): any account of this
//     computer can open it, a copy of the file on another computer cannot.
//     The folder's permissions are set by the installer.
//
// NewKey uses the key already in the folder (the one configure made), the
// most recent one if there are several, and makes one only when there is
// none: every account of the computer ends up with the same key whoever
// runs the first start.
type SharedKeyRing struct {
	dir string
}

var (
	_ app.KeyRing     = (*SharedKeyRing)(nil)
	_ app.KeyImporter = (*SharedKeyRing)(nil)
)

// NewSharedKeyRing returns the key ring of the machine-wide key folder dir.
func NewSharedKeyRing(dir string) *SharedKeyRing { return &SharedKeyRing{dir: dir} }

// Dir is the key folder.
func (k *SharedKeyRing) Dir() string { return k.dir }

// Key returns the key named id; see KeyRing.Key for ErrKeyMissing and
// ErrKeyInsecure.
func (k *SharedKeyRing) Key(id string) ([]byte, error) {
	if !keyID.MatchString(id) {
		return nil, fmt.Errorf("key id %q: %w", id, app.ErrKeyMissing)
	}
	b, problems, err := readSharedKeyFile(filepath.Join(k.dir, id+".key"))
	if errors.Is(err, os.ErrNotExist) {
		return nil, fmt.Errorf("key %s not in %s: %w", id, k.dir, app.ErrKeyMissing)
	}
	if err != nil {
		return nil, fmt.Errorf("key %s: %v: %w", id, err, app.ErrKeyMissing)
	}
	text, err := openShared(b)
	if err != nil {
		return nil, fmt.Errorf("key %s: %v: %w", id, err, app.ErrKeyMissing)
	}
	key, err := decodeKey(text)
	if err != nil {
		return nil, err
	}
	if len(problems) > 0 {
		return key, insecure(problems)
	}
	return key, nil
}

// NewKey returns the key already in the folder (the most recent one), or
// makes one when there is none.
func (k *SharedKeyRing) NewKey() (string, error) {
	id, err := k.Current()
	if err == nil || !errors.Is(err, app.ErrKeyMissing) {
		return id, err
	}
	raw := make([]byte, 16+32)
	if _, err := rand.Read(raw); err != nil {
		return "", err
	}
	id = hex.EncodeToString(raw[:16])
	if err := k.write(id, raw[16:]); err != nil {
		return "", err
	}
	return id, nil
}

// Current returns the id of the most recent key of the folder, an error
// wrapping app.ErrKeyMissing when there is none, or app.ErrKeyInsecure
// when the most recent one is not safely kept.
func (k *SharedKeyRing) Current() (string, error) {
	entries, err := os.ReadDir(k.dir)
	if err != nil && !errors.Is(err, os.ErrNotExist) {
		return "", fmt.Errorf("key folder %s: %w", k.dir, err)
	}
	type found struct {
		id  string
		mod time.Time
	}
	var keys []found
	for _, e := range entries {
		id, ok := strings.CutSuffix(e.Name(), ".key")
		if !ok || !keyID.MatchString(id) {
			continue
		}
		fi, err := e.Info()
		if err != nil {
			continue
		}
		keys = append(keys, found{id, fi.ModTime()})
	}
	if len(keys) == 0 {
		return "", fmt.Errorf("no key in %s: %w", k.dir, app.ErrKeyMissing)
	}
	sort.Slice(keys, func(i, j int) bool {
		if !keys[i].mod.Equal(keys[j].mod) {
			return keys[i].mod.After(keys[j].mod)
		}
		return keys[i].id < keys[j].id
	})
	if _, err := k.Key(keys[0].id); err != nil {
		return "", err
	}
	return keys[0].id, nil
}

// ImportKey keeps key under id in the folder (a restore, a key file, a
// daycare moved into the machine-wide place). The same key again is a
// no-op; another key under that id is refused (app.ErrKeyConflict).
func (k *SharedKeyRing) ImportKey(id string, key []byte) error {
	if done, err := importCheck(k, id, key); done || err != nil {
		return err
	}
	return k.write(id, key)
}

// write puts a new key file in place (putKeyFile), never over an
// existing file.
func (k *SharedKeyRing) write(id string, key []byte) error {
	if err := os.MkdirAll(k.dir, 0o750); err != nil {
		return fmt.Errorf("key folder %s: %w", k.dir, err)
	}
	problems, err := sharedKeyDirProblems(k.dir)
	if err != nil {
		return fmt.Errorf("key folder %s: %w", k.dir, err)
	}
	if len(problems) > 0 {
		return insecure(problems)
	}
	content, err := sealShared(base64.StdEncoding.EncodeToString(key))
	if err != nil {
		return fmt.Errorf("key file: %w", err)
	}
	if err := putKeyFile(k.dir, id, content); err != nil {
		if errors.Is(err, os.ErrExist) {
			return fmt.Errorf("key %s: %w", id, app.ErrKeyConflict)
		}
		return fmt.Errorf("key file in %s: %w", k.dir, err)
	}
	return nil
}
