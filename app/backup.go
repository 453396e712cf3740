package app

import (
	"context"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"time"
	"unicode/utf8"
)

// Backups: one file holding a consistent snapshot of the database and the
// key that seals its TOTP secrets and MACs, encrypted under a passphrase
// (package cmd/apetitspas-admin writes and reads the file; package data
// takes the snapshot and keeps the key).
//
// Whoever holds a backup and its passphrase can compute every enrolled
// person's codes, so making one is a strong action (the administrator's
// own AMF and a code). The event backup.created is journaled only once the
// file is whole and on disk: a backup that failed or was killed half-way
// never claims to exist (the manifest says who made it, and a restore
// journals that).

// Journal events of backups.
const (
	EventBackupCreated  = "backup.created"
	EventBackupRestored = "backup.restored"
)

// MinPassphraseRunes is the shortest passphrase a backup accepts.
const MinPassphraseRunes = 12

// ReasonPassphraseShort: a backup passphrase under MinPassphraseRunes.
const ReasonPassphraseShort = "passphrase_short"

// ValidatePassphrase checks a backup passphrase: at least
// MinPassphraseRunes characters of valid UTF-8, at most MaxPasswordLen
// bytes.
func ValidatePassphrase(p string) error {
	if !utf8.ValidString(p) || len(p) > MaxPasswordLen {
		return &Error{Code: EINVALID, Reason: ReasonInputTooLong}
	}
	if utf8.RuneCountInString(p) < MinPassphraseRunes {
		return &Error{Code: EINVALID, Reason: ReasonPassphraseShort}
	}
	return nil
}

// CheckNewBackupFile refuses a passphrase too short and a file that
// exists already (a backup or key file never replaces a file).
func CheckNewBackupFile(out, passphrase string) error {
	if err := ValidatePassphrase(passphrase); err != nil {
		return err
	}
	if _, err := os.Lstat(out); err == nil {
		return &Error{Code: ECONFLICT, Reason: ReasonBackupExists, Detail: out}
	}
	return nil
}

// BackupKey is the sealing key a backup carries.
type BackupKey struct {
	ID  string
	Key []byte
}

// Snapshotter writes a consistent copy of the whole database to a new
// file while other processes may be using it (data.DB: VACUUM INTO).
type Snapshotter interface {
	Snapshot(ctx context.Context, path string) error
}

// BackupRequest is a backup to write.
type BackupRequest struct {
	// Out is the backup file to create (never replaced).
	Out string
	// Passphrase encrypts it (ValidatePassphrase).
	Passphrase string
	// Code is the administrator's current code ("" when one was accepted
	// less than FreshCodeWindow ago in this session).
	Code string
	// AppVersion is recorded in the manifest.
	AppVersion string
}

// WriteBackup writes a backup of the whole database and its key to
// req.Out for the administrator of sess. A strong action: the
// administrator's AMF on and a code. The event backup.created is journaled
// once the file is written, synced and in place (a crash between the two
// leaves a backup without its event, never an event without its backup).
// The plain snapshot lives in a private
// temporary folder only while it is encrypted (backupsnapshot.go).
func (s *Service) WriteBackup(ctx context.Context, sess *Session, req BackupRequest) (BackupManifest, int64, error) {
	if err := CheckNewBackupFile(req.Out, req.Passphrase); err != nil {
		return BackupManifest{}, 0, err
	}
	snap, ok := s.store.(Snapshotter)
	if !ok {
		return BackupManifest{}, 0, &Error{Code: EUNAVAILABLE, Reason: ReasonStorage, Err: errors.New("this store makes no snapshots")}
	}
	dir, err := newSnapshotDir()
	if err != nil {
		return BackupManifest{}, 0, &Error{Code: EUNAVAILABLE, Reason: ReasonStorage, Err: err}
	}
	defer os.RemoveAll(dir)
	path := filepath.Join(dir, BackupDBName)
	key, by, err := s.backup(ctx, sess, snap, path, req.Code)
	if err != nil {
		return BackupManifest{}, 0, err
	}
	m := BackupManifest{Format: backupFormat, AppVersion: req.AppVersion, Created: s.now().UTC().Format(time.RFC3339),
		CreatedBy: by, KeyID: key.ID}
	if v, ok := s.store.(interface{ SchemaVersion() int }); ok {
		m.SchemaVersion = v.SchemaVersion()
	}
	size, err := WriteBackupFile(req.Out, req.Passphrase, path, key, &m)
	if err != nil {
		return BackupManifest{}, 0, &Error{Code: EUNAVAILABLE, Reason: ReasonBackupWrite, Detail: req.Out, Err: err}
	}
	err = s.update(ctx, func(tx Tx) error {
		return tx.AppendAudit(s.audit(EventBackupCreated, by, "", "key="+key.ID, kv(FieldKey, key.ID)))
	})
	if err != nil {
		return BackupManifest{}, 0, err
	}
	return m, size, nil
}

// backup checks the administrator of sess (a strong action) and makes a
// snapshot of the database at path (a new file); it returns the key a
// restore needs and who made it. It journals nothing: backup.created
// waits for the file.
func (s *Service) backup(ctx context.Context, sess *Session, snap Snapshotter, path, code string) (BackupKey, string, error) {
	var by string
	var bk BackupKey
	err := s.asAdmin(ctx, sess, "backup", strong, code, func(tx Tx, a User, _ func() error) error {
		id, ok, err := tx.Setting(SettingMFAKeyID)
		if err != nil {
			return err
		}
		if !ok || id == "" {
			// No key yet (nobody enrolled, nothing sealed): make it now so
			// that the backup carries the key its MACs will use.
			if _, err := s.secretKey(tx, true); err != nil {
				return err
			}
			if id, _, err = tx.Setting(SettingMFAKeyID); err != nil {
				return err
			}
		}
		key, err := s.secretKey(tx, false)
		if err != nil {
			return err
		}
		bk, by = BackupKey{ID: id, Key: append([]byte(nil), key...)}, a.Email
		return nil
	})
	if err != nil {
		return BackupKey{}, "", err
	}
	if err := snap.Snapshot(ctx, path); err != nil {
		return BackupKey{}, "", &Error{Code: EUNAVAILABLE, Reason: ReasonStorage, Detail: path, Err: err}
	}
	return bk, by, nil
}

// LastBackup is when the newest backup was made (zero when never), for an
// administrator's screens.
func (s *Service) LastBackup(ctx context.Context, sess *Session) (time.Time, error) {
	if err := s.requireAdmin(ctx, sess, "last backup"); err != nil {
		return time.Time{}, err
	}
	var at time.Time
	err := s.view(ctx, func(tx Tx) error {
		var err error
		at, err = lastBackup(tx)
		return err
	})
	return at, err
}

// lastBackup is when the newest backup was made (zero when never).
func lastBackup(tx Tx) (time.Time, error) {
	evs, err := tx.Audit(AuditFilter{Event: EventBackupCreated, Limit: 1})
	if err != nil || len(evs) == 0 {
		return time.Time{}, err
	}
	return evs[0].Time, nil
}

// BackupKeyID is the id of the key the database names (read-only; "" when
// none), for a restore to check the key it carries.
func (t *Trusted) BackupKeyID(ctx context.Context) (string, error) {
	var id string
	err := t.s.view(ctx, func(tx Tx) error {
		var err error
		id, _, err = tx.Setting(SettingMFAKeyID)
		return err
	})
	return id, err
}

// RecordRestore journals a restore into the restored database (before it
// takes the place of the target): from which file, made when, by whom,
// by which version.
func (t *Trusted) RecordRestore(ctx context.Context, file string, m BackupManifest) error {
	detail := fmt.Sprintf("file=%s, made=%s, by=%s, version=%s", file, m.Created, m.CreatedBy, m.AppVersion)
	return t.s.updateOf(ctx, true, func(tx Tx) error {
		return tx.AppendAudit(t.s.audit(EventBackupRestored, "", "", detail,
			kv(FieldFile, file), kv(FieldMade, m.Created), kv(FieldBy, m.CreatedBy), kv(FieldVersion, m.AppVersion)))
	})
}

// CheckRestorable verifies a database about to be restored: its key
// opens it and its journal chain holds (or its findings were acknowledged
// before the backup was made).
func (t *Trusted) CheckRestorable(ctx context.Context) (IntegrityReport, error) {
	r, err := t.s.verifyAll(ctx)
	if err != nil {
		return r, err
	}
	if r.KeyProblem != nil {
		return r, r.KeyProblem
	}
	if r.JournalBroken() && !r.Acknowledged {
		return r, &Error{Code: EINVALID, Reason: ReasonBackupDamaged,
			Err: errors.New("the journal chain of the backup is broken")}
	}
	if len(r.Accounts) > 0 && !r.Acknowledged {
		return r, &Error{Code: EINVALID, Reason: ReasonBackupDamaged,
			Err: fmt.Errorf("accounts changed outside the app in the backup: %v", r.Accounts)}
	}
	return r, nil
}

// Reasons of backups and restores.
const (
	// ReasonBackupDamaged: the file is not a backup of ours, was changed,
	// or its contents do not verify.
	ReasonBackupDamaged = "backup_damaged"
	// ReasonBackupPassphrase: the passphrase does not open the backup.
	ReasonBackupPassphrase = "backup_passphrase"
	// ReasonBackupTooNew: the backup was made by a newer version.
	ReasonBackupTooNew = "backup_too_new"
	// ReasonRestoreTargetExists: the target already holds a daycare.
	ReasonRestoreTargetExists = "restore_target_exists"
	// ReasonBackupExists: the backup file to write already exists.
	ReasonBackupExists = "backup_exists"
	// ReasonBackupWrite: the backup file could not be written.
	ReasonBackupWrite = "backup_write"
	// ReasonKeyConflict: a different key with the same id is already kept
	// on this computer.
	ReasonKeyConflict = "key_conflict"
)

// ErrKeyConflict is wrapped when a key is imported under an id that
// already names a different key on this computer.
var ErrKeyConflict = errors.New("a different key with this id is already kept")

// IsNew reports whether the database holds no daycare yet (no account, no
// first run, no journal): a restore may take its place.
func (t *Trusted) IsNew(ctx context.Context) (bool, error) {
	var fresh bool
	err := t.s.view(ctx, func(tx Tx) error {
		var err error
		fresh, err = isNew(tx)
		return err
	})
	return fresh, err
}
