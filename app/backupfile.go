package app

import (
	"archive/tar"
	"compress/gzip"
	"crypto/sha256"
	"encoding/base64"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"runtime"
	"strings"
	"time"

	"filippo.io/age"
)

// A backup file is an age-encrypted (a passphrase, scrypt) gzipped tar
// archive, so a technician can open it with the standard tools:
//
//	age -d sauvegarde.apetitspas | tar -xz
//
// It holds, in this order, manifest.json, apetitspas.db (a VACUUM INTO
// snapshot) and keys/ID.key (the key that seals the database's TOTP
// secrets and MACs, in the key-file format).
const (
	backupFormat   = 1
	manifestName   = "manifest.json"
	BackupDBName   = "apetitspas.db"
	backupKeyDir   = "keys/"
	maxManifest    = 64 << 10
	maxBackupEntry = 64 << 30 // no database of ours comes near
)

// BackupManifest describes a backup (the JSON is a public interface).
type BackupManifest struct {
	Format        int    `json:"format"`
	AppVersion    string `json:"app_version"`
	SchemaVersion int    `json:"schema_version"`
	Created       string `json:"created"`
	CreatedBy     string `json:"created_by"`
	KeyID         string `json:"key_id"`
	DBSHA256      string `json:"db_sha256"`
	DBBytes       int64  `json:"db_bytes"`
	// Kind is "key" for a key file (keys export: the key alone, for
	// another computer of the same daycare), "" for a backup.
	Kind string `json:"kind,omitempty"`
}

// KindKey is BackupManifest.Kind of a key file.
const KindKey = "key"

// WriteBackupFile encrypts the manifest m (its database digest filled in
// here), the snapshot snap and the key into out, through a temporary file
// beside it linked into place at the end: out is whole or absent, and an
// existing file is never replaced.
func WriteBackupFile(out, passphrase, snap string, key BackupKey, m *BackupManifest) (int64, error) {
	recipient, err := passphraseRecipient(passphrase)
	if err != nil {
		return 0, err
	}
	return writeBackupTo(out, recipient, snap, key, m)
}

// BackupScryptLogN is the scrypt work factor (log2 N) of every file
// encrypted under a passphrase: backups, key files and the sealed key of
// scheduled backups. 18 is age's own (about a second on an office PC).
// Only tests lower it (TestMain of the packages that make many backups
// under the race detector); reading a file takes its own factor from the
// file, up to age's limit.
var BackupScryptLogN = 18

// passphraseRecipient is age's scrypt recipient at BackupScryptLogN.
func passphraseRecipient(passphrase string) (*age.ScryptRecipient, error) {
	r, err := age.NewScryptRecipient(passphrase)
	if err != nil {
		return nil, err
	}
	r.SetWorkFactor(BackupScryptLogN)
	return r, nil
}

// writeBackupTo is WriteBackupFile for any age recipient.
func writeBackupTo(out string, recipient age.Recipient, snap string, key BackupKey, m *BackupManifest) (int64, error) {
	var f *os.File
	if snap == "" {
		m.Kind = KindKey // the key alone
	} else {
		var err error
		if f, err = os.Open(snap); err != nil {
			return 0, err
		}
		defer f.Close()
		h := sha256.New()
		if m.DBBytes, err = io.Copy(h, f); err != nil {
			return 0, err
		}
		m.DBSHA256 = hex.EncodeToString(h.Sum(nil))
		if _, err := f.Seek(0, io.SeekStart); err != nil {
			return 0, err
		}
	}
	meta, err := json.MarshalIndent(m, "", "  ")
	if err != nil {
		return 0, err
	}
	tmp, err := os.CreateTemp(filepath.Dir(out), "."+filepath.Base(out)+".*.tmp")
	if err != nil {
		return 0, err
	}
	defer os.Remove(tmp.Name())
	enc, err := age.Encrypt(tmp, recipient)
	if err != nil {
		tmp.Close()
		return 0, err
	}
	zw, err := gzip.NewWriterLevel(enc, gzip.BestSpeed)
	if err != nil {
		tmp.Close()
		return 0, err
	}
	tw := tar.NewWriter(zw)
	now := time.Now()
	add := func(name string, size int64, r io.Reader) error {
		if err := tw.WriteHeader(&tar.Header{Name: name, Mode: 0o600, Size: size, ModTime: now, Typeflag: tar.TypeReg}); err != nil {
			return err
		}
		_, err := io.Copy(tw, r)
		return err
	}
	keyLine := base64.StdEncoding.EncodeToString(key.Key) + "\n"
	err = add(manifestName, int64(len(meta)), strings.NewReader(string(meta)))
	if f != nil {
		err = errors.Join(err, add(BackupDBName, m.DBBytes, f))
	}
	err = errors.Join(err,
		add(backupKeyDir+key.ID+".key", int64(len(keyLine)), strings.NewReader(keyLine)),
		tw.Close(), zw.Close(), enc.Close(), tmp.Sync())
	if cerr := tmp.Close(); err == nil {
		err = cerr
	}
	if err != nil {
		return 0, err
	}
	st, err := os.Stat(tmp.Name())
	if err != nil {
		return 0, err
	}
	if err := os.Link(tmp.Name(), out); err != nil { // never replaces a file
		return 0, err
	}
	syncDir(filepath.Dir(out))
	return st.Size(), nil
}

// ReadBackupFile decrypts from into dir (BackupDBName): the manifest,
// the database (its SHA-256 checked) and the key. A backup of a schema
// above maxSchema is refused (ReasonBackupTooNew). Nothing outside dir is
// written.
func ReadBackupFile(from, passphrase, dir string, maxSchema int) (BackupManifest, BackupKey, error) {
	var m BackupManifest
	var key BackupKey
	damaged := func(err error) error {
		return &Error{Code: EINVALID, Reason: ReasonBackupDamaged, Err: err}
	}
	f, err := os.Open(from)
	if err != nil {
		return m, key, &Error{Code: EINVALID, Reason: ReasonBackupDamaged, Detail: from, Err: err}
	}
	defer f.Close()
	id, err := age.NewScryptIdentity(passphrase)
	if err != nil {
		return m, key, damaged(err)
	}
	ids := []age.Identity{id}
	// A scheduled backup: encrypted to the key in the file beside it,
	// which the passphrase opens.
	if auto, err := OpenBackupIdentity(filepath.Join(filepath.Dir(from), backupIdentityFile), passphrase); err == nil {
		ids = append(ids, auto)
	}
	r, err := age.Decrypt(f, ids...)
	if err != nil {
		var nm *age.NoIdentityMatchError
		if errors.As(err, &nm) {
			return m, key, &Error{Code: EINVALID, Reason: ReasonBackupPassphrase, Err: err}
		}
		return m, key, damaged(err)
	}
	zr, err := gzip.NewReader(r)
	if err != nil {
		return m, key, damaged(err)
	}
	tr := tar.NewReader(zr)
	var sum string
	var size int64
	seen := map[string]bool{}
	for {
		h, err := tr.Next()
		if errors.Is(err, io.EOF) {
			break
		}
		if err != nil {
			return m, key, damaged(err)
		}
		if h.Typeflag != tar.TypeReg || seen[h.Name] || h.Size < 0 || h.Size > maxBackupEntry {
			return m, key, damaged(fmt.Errorf("unexpected entry %q", h.Name))
		}
		seen[h.Name] = true
		switch {
		case h.Name == manifestName:
			if h.Size > maxManifest {
				return m, key, damaged(errors.New("BackupManifest too large"))
			}
			b, err := io.ReadAll(tr)
			if err != nil {
				return m, key, damaged(err)
			}
			if err := json.Unmarshal(b, &m); err != nil {
				return m, key, damaged(err)
			}
			if m.Format > backupFormat || m.SchemaVersion > maxSchema {
				return m, key, &Error{Code: EINVALID, Reason: ReasonBackupTooNew,
					Detail: fmt.Sprintf("format %d, schema %d, version %s", m.Format, m.SchemaVersion, m.AppVersion)}
			}
		case h.Name == BackupDBName:
			out, err := os.OpenFile(filepath.Join(dir, BackupDBName), os.O_WRONLY|os.O_CREATE|os.O_EXCL, 0o600)
			if err != nil {
				return m, key, err
			}
			hs := sha256.New()
			size, err = io.Copy(io.MultiWriter(out, hs), tr)
			if err == nil {
				err = out.Sync()
			}
			if cerr := out.Close(); err == nil {
				err = cerr
			}
			if err != nil {
				return m, key, damaged(err)
			}
			sum = hex.EncodeToString(hs.Sum(nil))
		case strings.HasPrefix(h.Name, backupKeyDir) && strings.HasSuffix(h.Name, ".key") && key.ID == "":
			if h.Size > 1024 {
				return m, key, damaged(errors.New("key entry too large"))
			}
			b, err := io.ReadAll(tr)
			if err != nil {
				return m, key, damaged(err)
			}
			raw, err := base64.StdEncoding.DecodeString(strings.TrimSpace(string(b)))
			if err != nil || len(raw) != 32 {
				return m, key, damaged(errors.New("damaged key"))
			}
			key = BackupKey{ID: strings.TrimSuffix(strings.TrimPrefix(h.Name, backupKeyDir), ".key"), Key: raw}
		default:
			return m, key, damaged(fmt.Errorf("unexpected entry %q", h.Name))
		}
	}
	switch {
	case m.Format == 0:
		return m, key, damaged(errors.New("no BackupManifest"))
	case m.Kind == KindKey && sum != "":
		return m, key, damaged(errors.New("a key file with a database"))
	case m.Kind != KindKey && (sum == "" || sum != m.DBSHA256 || size != m.DBBytes):
		return m, key, damaged(errors.New("the database does not match the BackupManifest"))
	case key.ID == "" || key.ID != m.KeyID:
		return m, key, damaged(errors.New("the key does not match the BackupManifest"))
	}
	return m, key, nil
}

// syncDir makes a new name in dir durable where the system allows it
// (fsync of the folder on Unix; Windows has no such call and NTFS
// journals its names).
func syncDir(dir string) {
	if runtime.GOOS == "windows" {
		return
	}
	if d, err := os.Open(dir); err == nil {
		d.Sync()
		d.Close()
	}
}
