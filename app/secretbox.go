package app

import (
	"crypto/aes"
	"crypto/cipher"
	"crypto/rand"
	"errors"
	"fmt"
)

// KeyRing keeps the 32-byte keys that seal TOTP secrets, outside the
// database file (package data: the OS keyring, else a 0600 key file in the
// user's configuration folder). The database only records the key's id.
type KeyRing interface {
	// Key returns the key named id, or an error wrapping ErrKeyMissing;
	// or the key together with an error wrapping ErrKeyInsecure.
	Key(id string) ([]byte, error)
	// NewKey makes and keeps a new random key and returns its id.
	NewKey() (id string, err error)
}

// ErrKeyMissing is wrapped by KeyRing.Key when the key is not there.
var ErrKeyMissing = errors.New("encryption key missing")

// ErrKeyInsecure is wrapped by KeyRing.Key when the key is kept where
// other accounts of the computer can read or replace it (a key file of mode
// 0644, a folder others can write). The key is then returned with the error
// so that the refusal itself can be journaled, and nothing else uses it.
var ErrKeyInsecure = errors.New("encryption key readable or writable by others")

const sealVersion = 1

// insecureKey carries a key refused for its permissions, only so that the
// refusal can be journaled (see Service.update).
type insecureKey struct {
	id  string
	key []byte
	err error
}

func (e *insecureKey) Error() string { return e.err.Error() }
func (e *insecureKey) Unwrap() error { return e.err }

func keyMissing(err error) *Error {
	return &Error{Code: EUNAVAILABLE, Reason: ReasonMFAKeyMissing, Err: err}
}

// secretKey returns this database's sealing key, creating it (and
// recording its id) when create is set and there is none yet.
func (s *Service) secretKey(tx Tx, create bool) ([]byte, error) {
	if s.keys == nil {
		return nil, keyMissing(errors.New("no key ring"))
	}
	id, ok, err := tx.Setting(SettingMFAKeyID)
	if err != nil {
		return nil, err
	}
	if !ok || id == "" {
		if !create {
			return nil, keyMissing(errors.New("no key id recorded"))
		}
		if id, err = s.keys.NewKey(); err != nil {
			return nil, keyMissing(err)
		}
		if err := tx.SetSetting(SettingMFAKeyID, id); err != nil {
			return nil, err
		}
	}
	key, err := s.keys.Key(id)
	if errors.Is(err, ErrKeyInsecure) {
		return nil, &Error{Code: EUNAVAILABLE, Reason: ReasonKeyInsecure, Detail: err.Error(),
			Err: &insecureKey{id: id, key: key, err: err}}
	}
	if err != nil {
		return nil, keyMissing(err)
	}
	if len(key) != 32 {
		return nil, keyMissing(fmt.Errorf("key %s has %d bytes", id, len(key)))
	}
	return key, nil
}

// aad binds a sealed secret to its account: a secret copied onto another
// row does not open.
func aad(userID int64) []byte { return []byte(fmt.Sprintf("apetitspas/mfa/v1/user/%d", userID)) }

// sealSecret encrypts a TOTP secret with AES-256-GCM:
// version (1 byte) || nonce (12) || ciphertext+tag.
func (s *Service) sealSecret(tx Tx, userID int64, secret string) ([]byte, error) {
	key, err := s.secretKey(tx, true)
	if err != nil {
		return nil, err
	}
	gcm, err := newGCM(key)
	if err != nil {
		return nil, err
	}
	nonce := make([]byte, gcm.NonceSize())
	if _, err := rand.Read(nonce); err != nil {
		return nil, err
	}
	out := append([]byte{sealVersion}, nonce...)
	return gcm.Seal(out, nonce, []byte(secret), aad(userID)), nil
}

// openSecret decrypts what sealSecret made.
func (s *Service) openSecret(tx Tx, userID int64, sealed []byte) (string, error) {
	key, err := s.secretKey(tx, false)
	if err != nil {
		return "", err
	}
	gcm, err := newGCM(key)
	if err != nil {
		return "", err
	}
	if len(sealed) < 1+gcm.NonceSize()+gcm.Overhead() || sealed[0] != sealVersion {
		return "", keyMissing(errors.New("sealed secret malformed"))
	}
	nonce, box := sealed[1:1+gcm.NonceSize()], sealed[1+gcm.NonceSize():]
	plain, err := gcm.Open(nil, nonce, box, aad(userID))
	if err != nil {
		// The wrong key (another computer's, or a replaced one).
		return "", keyMissing(errors.New("secret does not open with this key"))
	}
	return string(plain), nil
}

func newGCM(key []byte) (cipher.AEAD, error) {
	block, err := aes.NewCipher(key)
	if err != nil {
		return nil, err
	}
	return cipher.NewGCM(block)
}
