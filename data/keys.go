package data

import (
	"bytes"
	"crypto/rand"
	"encoding/base64"
	"encoding/hex"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"regexp"
	"strings"

	"github.com/zalando/go-keyring"

	"github.com/apetitspas/apetitspas/app"
)

// KeyRing keeps the keys that seal the TOTP secrets, never in the database
// file nor beside it: in the OS keyring (Windows Credential Manager, macOS
// Keychain, Secret Service) when one answers, else in a key file of mode
// 0600 in a folder of mode 0700.
//
// On Unix, a key file others could read or replace is refused: Key returns
// the key with an error wrapping app.ErrKeyInsecure when the file is a
// symbolic link, has any group or other permission bit, or belongs to
// another user, or when its folder is writable by group or others or
// belongs to another user; NewKey does not write into such a folder.
type KeyRing struct {
	dir   string
	useOS bool
}

var _ app.KeyRing = (*KeyRing)(nil)

// keyringService is the name the keys go by in the OS keyring.
const keyringService = "À petits pas"

// DefaultKeyDir is the key-file folder: $APETITSPAS_KEY_DIR, else
// apetitspas/keys in the user's configuration folder.
func DefaultKeyDir() (string, error) {
	if d := os.Getenv("APETITSPAS_KEY_DIR"); d != "" {
		return d, nil
	}
	dir, err := os.UserConfigDir()
	if err != nil {
		return "", err
	}
	return filepath.Join(dir, "apetitspas", "keys"), nil
}

// DefaultKeyRing is the applications' key ring: the OS keyring first
// (unless APETITSPAS_KEYRING=file), key files in DefaultKeyDir, or in a
// "keys" folder beside dbPath when there is no configuration folder.
func DefaultKeyRing(dbPath string) *KeyRing {
	dir, err := DefaultKeyDir()
	if err != nil {
		dir = filepath.Join(filepath.Dir(dbPath), "keys")
	}
	return NewKeyRing(dir, os.Getenv("APETITSPAS_KEYRING") != "file")
}

// NewKeyRing returns a key ring using the OS keyring when useOS is set
// (the applications) and the key files in dir otherwise or as a fallback.
func NewKeyRing(dir string, useOS bool) *KeyRing {
	return &KeyRing{dir: dir, useOS: useOS}
}

var keyID = regexp.MustCompile(`^[0-9a-f]{32}$`)

// NewKey makes a random 256-bit key, keeps it and returns its id.
func (k *KeyRing) NewKey() (string, error) {
	raw := make([]byte, 16+32)
	if _, err := rand.Read(raw); err != nil {
		return "", err
	}
	id, key := hex.EncodeToString(raw[:16]), raw[16:]
	if k.useOS {
		if err := keyring.Set(keyringService, "mfa-key-"+id, base64.StdEncoding.EncodeToString(key)); err == nil {
			return id, nil
		}
	}
	if err := os.MkdirAll(k.dir, 0o700); err != nil {
		return "", fmt.Errorf("key folder %s: %w", k.dir, err)
	}
	problems, err := keyDirProblems(k.dir)
	if err != nil {
		return "", fmt.Errorf("key folder %s: %w", k.dir, err)
	}
	if len(problems) > 0 {
		return "", insecure(problems)
	}
	path := filepath.Join(k.dir, id+".key")
	f, err := os.OpenFile(path, os.O_WRONLY|os.O_CREATE|os.O_EXCL, 0o600)
	if err != nil {
		return "", fmt.Errorf("key file: %w", err)
	}
	if _, err := f.Write([]byte(base64.StdEncoding.EncodeToString(key) + "\n")); err != nil {
		f.Close()
		os.Remove(path)
		return "", fmt.Errorf("key file: %w", err)
	}
	if err := f.Close(); err != nil {
		os.Remove(path)
		return "", fmt.Errorf("key file: %w", err)
	}
	return id, nil
}

// Key returns the key named id from the OS keyring or the key file. A key
// file others could read or replace (see KeyRing) gives the key together
// with an error wrapping app.ErrKeyInsecure and naming the file and the
// problem; the app must use such a key for nothing but journaling the
// refusal.
func (k *KeyRing) Key(id string) ([]byte, error) {
	if !keyID.MatchString(id) {
		return nil, fmt.Errorf("key id %q: %w", id, app.ErrKeyMissing)
	}
	if k.useOS {
		if v, err := keyring.Get(keyringService, "mfa-key-"+id); err == nil {
			return decodeKey(v)
		}
	}
	b, problems, err := readKeyFile(filepath.Join(k.dir, id+".key"))
	if errors.Is(err, os.ErrNotExist) {
		return nil, fmt.Errorf("key %s not in the keyring nor in %s: %w", id, k.dir, app.ErrKeyMissing)
	}
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

// importCheck is the first step of importing key under id into ring:
// done when ring already keeps this very key (importing it again changes
// nothing); an error wrapping app.ErrKeyConflict when it keeps another
// key under id, or one it does not trust; neither when it keeps none.
func importCheck(ring app.KeyRing, id string, key []byte) (done bool, err error) {
	if !keyID.MatchString(id) || len(key) != 32 {
		return false, fmt.Errorf("key %q: not a key of ours", id)
	}
	have, err := ring.Key(id)
	switch {
	case err == nil && bytes.Equal(have, key):
		return true, nil
	case err == nil || errors.Is(err, app.ErrKeyInsecure):
		return false, fmt.Errorf("key %s: %w", id, app.ErrKeyConflict)
	}
	return false, nil
}

// insecure is the error of a key kept where others can read or replace it.
func insecure(problems []string) error {
	return fmt.Errorf("%s: %w", strings.Join(problems, "; "), app.ErrKeyInsecure)
}

func decodeKey(s string) ([]byte, error) {
	key, err := base64.StdEncoding.DecodeString(strings.TrimSpace(s))
	if err != nil || len(key) != 32 {
		return nil, fmt.Errorf("key is damaged: %w", app.ErrKeyMissing)
	}
	return key, nil
}
