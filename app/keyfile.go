package app

import (
	"context"
	"errors"
	"time"
)

// Key files: the database's key alone, for another computer of the same
// daycare, in the backups' format (an age passphrase file; manifest kind
// "key"). Whoever holds one and its passphrase can compute every enrolled
// person's codes: exporting is a strong action, journaled.

// Journal events of key files.
const (
	EventKeyExported = "key.exported"
	EventKeyImported = "key.imported"
)

// ReasonKeyNotThisDaycare: a key file whose key is not the one the
// database names.
const ReasonKeyNotThisDaycare = "key_not_this_daycare"

// ExportKey writes the database's key to out (a new file), encrypted with
// passphrase, for the administrator of sess: her AMF on and a code.
func (s *Service) ExportKey(ctx context.Context, sess *Session, out, passphrase, code, appVersion string) (BackupManifest, error) {
	if err := CheckNewBackupFile(out, passphrase); err != nil {
		return BackupManifest{}, err
	}
	var key BackupKey
	var by string
	err := s.asAdmin(ctx, sess, "export key", strong, code, func(tx Tx, a User, _ func() error) error {
		id, k, err := s.masterKey(tx)
		if err != nil {
			return err
		}
		key, by = BackupKey{ID: id, Key: append([]byte(nil), k...)}, a.Email
		return tx.AppendAudit(s.audit(EventKeyExported, a.Email, "", "key="+id, kv(FieldKey, id)))
	})
	if err != nil {
		return BackupManifest{}, err
	}
	m := BackupManifest{Format: backupFormat, AppVersion: appVersion, Created: s.now().UTC().Format(time.RFC3339),
		CreatedBy: by, KeyID: key.ID}
	if v, ok := s.store.(interface{ SchemaVersion() int }); ok {
		m.SchemaVersion = v.SchemaVersion()
	}
	if _, err := WriteBackupFile(out, passphrase, "", key, &m); err != nil {
		return BackupManifest{}, &Error{Code: EUNAVAILABLE, Reason: ReasonBackupWrite, Detail: out, Err: err}
	}
	return m, nil
}

// ImportKey keeps the key of a key file on this computer, when it is the
// key the database names, and journals it. A different key already kept under that name is refused
// (ReasonKeyConflict), nothing changed.
func (t *Trusted) ImportKey(ctx context.Context, key BackupKey, from string) error {
	s := t.s
	imp, ok := s.keys.(KeyImporter)
	if !ok {
		return keyMissing(errors.New("this key ring cannot import a key"))
	}
	var named string
	if err := s.store.View(ctx, func(tx Tx) error {
		var err error
		named, _, err = tx.Setting(SettingMFAKeyID)
		return err
	}); err != nil {
		return wrapStorage(err)
	}
	if named != key.ID {
		return &Error{Code: EINVALID, Reason: ReasonKeyNotThisDaycare, Detail: key.ID}
	}
	if err := imp.ImportKey(key.ID, key.Key); err != nil {
		if errors.Is(err, ErrKeyConflict) {
			return &Error{Code: ECONFLICT, Reason: ReasonKeyConflict, Err: err}
		}
		return keyMissing(err)
	}
	return s.update(ctx, func(tx Tx) error {
		return tx.AppendAudit(s.audit(EventKeyImported, "", "", "key="+key.ID+", file="+from,
			kv(FieldKey, key.ID), kv(FieldFile, from)))
	})
}
