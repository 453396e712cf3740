package main

import (
	"archive/tar"
	"compress/gzip"
	"context"
	"crypto/sha256"
	"encoding/base64"
	"encoding/hex"
	"encoding/json"
	"errors"
	"flag"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"strings"
	"time"

	"filippo.io/age"

	apetitspas "github.com/apetitspas/apetitspas/app"
	"github.com/apetitspas/apetitspas/assets"
	"github.com/apetitspas/apetitspas/data"
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
	backupDBName   = "apetitspas.db"
	backupKeyDir   = "keys/"
	maxManifest    = 64 << 10
	maxBackupEntry = 64 << 30 // no database of ours comes near
)

// manifest describes a backup (the JSON is a public interface).
type manifest struct {
	Format        int    `json:"format"`
	AppVersion    string `json:"app_version"`
	SchemaVersion int    `json:"schema_version"`
	Created       string `json:"created"`
	CreatedBy     string `json:"created_by"`
	KeyID         string `json:"key_id"`
	DBSHA256      string `json:"db_sha256"`
	DBBytes       int64  `json:"db_bytes"`
}

// path is the database the command works on: --db, $APETITSPAS_DB, or
// apetitspas.db in the user's configuration folder.
func (c *cli) path() (string, error) {
	path := c.dbPath
	if path == "" {
		path = os.Getenv("APETITSPAS_DB")
	}
	if path == "" {
		dir, err := os.UserConfigDir()
		if err != nil {
			return "", err
		}
		path = filepath.Join(dir, "apetitspas", "apetitspas.db")
	}
	return path, nil
}

// backup: backup --out FILE --by ADMIN; stdin: password, code, passphrase.
func (c *cli) backup(args []string) int {
	var out, by string
	if !c.flags("backup", args, func(fs *flag.FlagSet) {
		fs.StringVar(&out, "out", "", "")
		fs.StringVar(&by, "by", "", "")
	}) {
		return exitUsage
	}
	if out == "" || by == "" {
		return c.usageError("backup: --out FICHIER et --by ADMIN sont requis / are required")
	}
	cr, exit, ok := c.readCredentials(true)
	if !ok {
		return exit
	}
	if cr.third == "" {
		fmt.Fprintln(c.stderr, "apetitspas-admin:", c.text("cli.no_passphrase", nil))
		return exitRefused
	}
	if err := apetitspas.ValidatePassphrase(cr.third); err != nil {
		return c.fail(err)
	}
	if _, err := os.Lstat(out); err == nil {
		fmt.Fprintln(c.stderr, "apetitspas-admin:", c.text("cli.backup_exists", map[string]any{"File": out}))
		return exitRefused
	}
	path, err := c.path()
	if err != nil {
		return c.fail(err)
	}
	db, err := data.Open(path)
	if err != nil {
		return c.fail(err)
	}
	defer db.Close()
	svc := apetitspas.New(apetitspas.Params{Store: db, Keys: data.DefaultKeyRing(path), Now: clock})
	ctx := context.Background()
	sess, err := svc.SignInAdmin(ctx, by, cr.password, cr.code)
	if err != nil {
		return c.fail(err)
	}
	// The plain snapshot lives in a private folder only while it is
	// encrypted into the backup.
	tmpDir, err := os.MkdirTemp("", "apetitspas-backup-")
	if err != nil {
		return c.fail(err)
	}
	defer os.RemoveAll(tmpDir)
	snap := filepath.Join(tmpDir, backupDBName)
	key, err := svc.Backup(ctx, sess, db, snap, "")
	if err != nil {
		return c.fail(err)
	}
	m := manifest{Format: backupFormat, AppVersion: assets.Version, SchemaVersion: db.SchemaVersion(),
		Created: svc.Now().UTC().Format(time.RFC3339), CreatedBy: sess.User().Email, KeyID: key.ID}
	size, err := writeBackup(out, cr.third, snap, key, &m)
	if err != nil {
		fmt.Fprintln(c.stderr, "apetitspas-admin:", c.text("cli.backup_failed", map[string]any{"File": out, "Error": err.Error()}))
		return exitRefused
	}
	c.say("cli.backup_done", map[string]any{"File": out, "Size": fmt.Sprintf("%.1f", float64(size)/1048576)})
	return exitOK
}

// writeBackup encrypts the manifest, the snapshot and the key into out,
// through a temporary file beside it renamed at the end: out is whole or
// absent.
func writeBackup(out, passphrase, snap string, key apetitspas.BackupKey, m *manifest) (int64, error) {
	f, err := os.Open(snap)
	if err != nil {
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
	meta, err := json.MarshalIndent(m, "", "  ")
	if err != nil {
		return 0, err
	}
	recipient, err := age.NewScryptRecipient(passphrase)
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
	err = errors.Join(
		add(manifestName, int64(len(meta)), strings.NewReader(string(meta))),
		add(backupDBName, m.DBBytes, f),
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
	return st.Size(), nil
}

// memKeys is the key ring of a database being restored: the backup's key
// only, until everything is verified.
type memKeys struct{ k apetitspas.BackupKey }

func (m memKeys) Key(id string) ([]byte, error) {
	if id != m.k.ID {
		return nil, fmt.Errorf("key %s not in the backup: %w", id, apetitspas.ErrKeyMissing)
	}
	return m.k.Key, nil
}

func (k memKeys) NewKey() (string, error) {
	return "", errors.New("a restore makes no key")
}

// restore: restore --from FILE [--db PATH]; stdin: the passphrase.
func (c *cli) restore(args []string) int {
	var from string
	if !c.flags("restore", args, func(fs *flag.FlagSet) { fs.StringVar(&from, "from", "", "") }) {
		return exitUsage
	}
	if from == "" {
		return c.usageError("restore: --from FICHIER est requis / is required")
	}
	passphrase, got, err := c.in.line()
	if err != nil {
		return c.fail(err)
	}
	if !got || passphrase == "" {
		fmt.Fprintln(c.stderr, "apetitspas-admin:", c.text("cli.no_passphrase", nil))
		return exitRefused
	}
	target, err := c.path()
	if err != nil {
		return c.fail(err)
	}
	if target, err = filepath.Abs(target); err != nil {
		return c.fail(err)
	}
	for _, p := range []string{target, target + "-wal"} {
		if st, err := os.Stat(p); err == nil && st.Size() > 0 {
			return c.fail(&apetitspas.Error{Code: apetitspas.ECONFLICT, Reason: apetitspas.ReasonRestoreTargetExists, Detail: target})
		}
	}
	if err := os.MkdirAll(filepath.Dir(target), 0o700); err != nil {
		return c.fail(err)
	}
	// Everything is unpacked and checked in a private folder beside the
	// target (same disk: the last step is one rename).
	work, err := os.MkdirTemp(filepath.Dir(target), ".apetitspas-restore-")
	if err != nil {
		return c.fail(err)
	}
	defer os.RemoveAll(work)
	m, key, err := unpackBackup(from, passphrase, work)
	if err != nil {
		return c.fail(err)
	}
	restored := filepath.Join(work, backupDBName)
	if err := c.checkRestored(restored, from, m, key); err != nil {
		return c.fail(err)
	}
	// The key first (a no-op when this computer has it already), then the
	// database in one step: an interrupted restore leaves the target
	// absent, never half-written.
	if err := data.DefaultKeyRing(target).ImportKey(key.ID, key.Key); err != nil {
		if errors.Is(err, apetitspas.ErrKeyConflict) {
			return c.fail(&apetitspas.Error{Code: apetitspas.ECONFLICT, Reason: apetitspas.ReasonKeyConflict, Err: err})
		}
		return c.fail(err)
	}
	for _, p := range []string{target + "-wal", target + "-shm", target} {
		if st, err := os.Stat(p); err == nil && st.Size() == 0 {
			os.Remove(p) // an empty leftover (e.g. a crashed first start)
		}
	}
	if err := os.Link(restored, target); err != nil {
		if errors.Is(err, os.ErrExist) {
			return c.fail(&apetitspas.Error{Code: apetitspas.ECONFLICT, Reason: apetitspas.ReasonRestoreTargetExists, Detail: target})
		}
		return c.fail(err)
	}
	c.say("cli.restore_done", map[string]any{"File": target, "Created": m.Created, "By": m.CreatedBy})
	return exitOK
}

// unpackBackup decrypts from into dir: the manifest, the database (its
// SHA-256 checked) and the key. Nothing outside dir is written.
func unpackBackup(from, passphrase, dir string) (manifest, apetitspas.BackupKey, error) {
	var m manifest
	var key apetitspas.BackupKey
	damaged := func(err error) error {
		return &apetitspas.Error{Code: apetitspas.EINVALID, Reason: apetitspas.ReasonBackupDamaged, Err: err}
	}
	f, err := os.Open(from)
	if err != nil {
		return m, key, &apetitspas.Error{Code: apetitspas.EINVALID, Reason: apetitspas.ReasonBackupDamaged, Detail: from, Err: err}
	}
	defer f.Close()
	id, err := age.NewScryptIdentity(passphrase)
	if err != nil {
		return m, key, damaged(err)
	}
	r, err := age.Decrypt(f, id)
	if err != nil {
		var nm *age.NoIdentityMatchError
		if errors.As(err, &nm) {
			return m, key, &apetitspas.Error{Code: apetitspas.EINVALID, Reason: apetitspas.ReasonBackupPassphrase, Err: err}
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
				return m, key, damaged(errors.New("manifest too large"))
			}
			b, err := io.ReadAll(tr)
			if err != nil {
				return m, key, damaged(err)
			}
			if err := json.Unmarshal(b, &m); err != nil {
				return m, key, damaged(err)
			}
			if m.Format > backupFormat || m.SchemaVersion > data.SchemaVersion {
				return m, key, &apetitspas.Error{Code: apetitspas.EINVALID, Reason: apetitspas.ReasonBackupTooNew,
					Detail: fmt.Sprintf("format %d, schema %d, version %s", m.Format, m.SchemaVersion, m.AppVersion)}
			}
		case h.Name == backupDBName:
			out, err := os.OpenFile(filepath.Join(dir, backupDBName), os.O_WRONLY|os.O_CREATE|os.O_EXCL, 0o600)
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
			key = apetitspas.BackupKey{ID: strings.TrimSuffix(strings.TrimPrefix(h.Name, backupKeyDir), ".key"), Key: raw}
		default:
			return m, key, damaged(fmt.Errorf("unexpected entry %q", h.Name))
		}
	}
	switch {
	case m.Format == 0:
		return m, key, damaged(errors.New("no manifest"))
	case sum == "" || sum != m.DBSHA256 || size != m.DBBytes:
		return m, key, damaged(errors.New("the database does not match the manifest"))
	case key.ID == "" || key.ID != m.KeyID:
		return m, key, damaged(errors.New("the key does not match the manifest"))
	}
	return m, key, nil
}

// checkRestored opens the unpacked database with the backup's key alone:
// it migrates it if it is older, checks that it names that key and that
// its journal chain holds, and journals backup.restored in it.
func (c *cli) checkRestored(path, from string, m manifest, key apetitspas.BackupKey) error {
	db, err := data.Open(path)
	if err != nil {
		return err
	}
	closed := false
	defer func() {
		if !closed {
			db.Close()
		}
	}()
	svc := apetitspas.New(apetitspas.Params{Store: db, Keys: memKeys{key}, Now: clock})
	trusted := apetitspas.NewTrusted(svc)
	ctx := context.Background()
	id, err := trusted.BackupKeyID(ctx)
	if err != nil {
		return err
	}
	if id != key.ID {
		return &apetitspas.Error{Code: apetitspas.EINVALID, Reason: apetitspas.ReasonBackupDamaged,
			Err: fmt.Errorf("the database names key %q, the backup carries %q", id, key.ID)}
	}
	if _, err := trusted.CheckRestorable(ctx); err != nil {
		return err
	}
	detail := fmt.Sprintf("file=%s, made=%s, by=%s, version=%s", filepath.Base(from), m.Created, m.CreatedBy, m.AppVersion)
	if err := trusted.RecordRestore(ctx, detail); err != nil {
		return err
	}
	closed = true
	return db.Close()
}
