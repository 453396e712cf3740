package app

import (
	"context"
	"errors"
	"fmt"
	"unicode/utf8"
)

// Backups: one file holding a consistent snapshot of the database and the
// key that seals its TOTP secrets and MACs, encrypted under a passphrase
// (package cmd/apetitspas-admin writes and reads the file; package data
// takes the snapshot and keeps the key).
//
// Whoever holds a backup and its passphrase can compute every enrolled
// person's codes, so making one is a strong action (the administrator's
// own AMF and a code), journaled before the snapshot is taken, so that the
// backup itself records who made it.

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

// Backup makes a snapshot of the database at path (a new file) for the
// administrator of sess and returns the key a restore needs. A strong
// action: the administrator's AMF on and a code (or one accepted less than
// FreshCodeWindow ago in this session). The event backup.created is
// journaled first, so the snapshot holds it.
func (s *Service) Backup(ctx context.Context, sess *Session, snap Snapshotter, path, code string) (BackupKey, error) {
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
		bk = BackupKey{ID: id, Key: append([]byte(nil), key...)}
		return tx.AppendAudit(s.audit(EventBackupCreated, a.Email, "", "key="+id))
	})
	if err != nil {
		return BackupKey{}, err
	}
	if err := snap.Snapshot(ctx, path); err != nil {
		return BackupKey{}, &Error{Code: EUNAVAILABLE, Reason: ReasonStorage, Detail: path, Err: err}
	}
	return bk, nil
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
// takes the place of the target): detail says from which backup.
func (t *Trusted) RecordRestore(ctx context.Context, detail string) error {
	return t.s.update(ctx, func(tx Tx) error {
		return tx.AppendAudit(t.s.audit(EventBackupRestored, "", "", detail))
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
	// ReasonKeyConflict: a different key with the same id is already kept
	// on this computer.
	ReasonKeyConflict = "key_conflict"
)

// ErrKeyConflict is wrapped when a key is imported under an id that
// already names a different key on this computer.
var ErrKeyConflict = errors.New("a different key with this id is already kept")
