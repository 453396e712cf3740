package app

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"sort"
	"strings"
	"time"

	"filippo.io/age"
	"filippo.io/age/armor"
)

// Daily backups, made while the app is open without anyone typing a
// passphrase: an administrator chooses a folder (a USB key, a synced
// folder) and a passphrase once. A backup key pair is made then: the
// backups are encrypted to its public half (kept in the settings), and
// its private half is kept only encrypted under the passphrase, in the
// settings and as a file in the folder (backupIdentityFile). So no secret
// is stored in clear, and a restore needs the passphrase, as for a backup
// made by hand:
//
//	age -d backup-identity.age > id.txt   # the passphrase
//	age -d -i id.txt apetitspas-2026-11-27.apetitspas | tar -xz
//
// The settings are covered by the settings' MAC: a folder or key written
// into the file by someone else stops the backups (RunScheduledBackup
// refuses), it does not redirect them.

// Scheduled backup settings and constants.
const (
	settingAutoFolder    = "backup_auto_folder"
	settingAutoRecipient = "backup_auto_recipient"
	settingAutoIdentity  = "backup_auto_identity" // armored, passphrase-encrypted
	// AutoBackupKeep is how many scheduled backups a folder keeps.
	AutoBackupKeep = 14
	// AutoBackupEvery is how often a scheduled backup is made.
	AutoBackupEvery = 24 * time.Hour
	// BackupReminder is the age of the newest backup past which Accueil
	// reminds administrators.
	BackupReminder = 30 * 24 * time.Hour
	// backupIdentityFile is the passphrase-encrypted private key of the
	// scheduled backups, written in their folder.
	backupIdentityFile = "cle-des-sauvegardes.age"
	autoPrefix         = "apetitspas-"
	autoSuffix         = ".apetitspas"
)

// Reasons of scheduled backups.
const (
	// ReasonBackupFolder: the folder cannot be written.
	ReasonBackupFolder = "backup_folder"
)

// AutoBackup is the scheduled backup's setting, for the screens.
type AutoBackup struct {
	Folder string // "" when off
	Last   time.Time
}

// SetAutoBackup turns daily backups into folder on (passphrase chosen now,
// a strong action) or off (folder ""). The folder is checked by writing
// the key file into it.
func (s *Service) SetAutoBackup(ctx context.Context, sess *Session, folder, passphrase, code string) error {
	folder = strings.TrimSpace(folder)
	var recipient, identity string
	if folder != "" {
		if err := ValidatePassphrase(passphrase); err != nil {
			return err
		}
		abs, err := filepath.Abs(folder)
		if err != nil {
			return &Error{Code: EINVALID, Reason: ReasonBackupFolder, Detail: folder, Err: err}
		}
		folder = abs
		id, err := age.GenerateX25519Identity()
		if err != nil {
			return &Error{Code: EINTERNAL, Reason: ReasonStorage, Err: err}
		}
		sealed, err := sealIdentity(id, passphrase)
		if err != nil {
			return &Error{Code: EINTERNAL, Reason: ReasonStorage, Err: err}
		}
		recipient, identity = id.Recipient().String(), sealed
	}
	return s.asAdmin(ctx, sess, "scheduled backups", strong, code, func(tx Tx, a User, _ func() error) error {
		if folder != "" {
			if err := writeAtomically(filepath.Join(folder, backupIdentityFile), []byte(identity)); err != nil {
				return &Error{Code: EINVALID, Reason: ReasonBackupFolder, Detail: folder, Err: err}
			}
		}
		for k, v := range map[string]string{settingAutoFolder: folder, settingAutoRecipient: recipient, settingAutoIdentity: identity} {
			if err := tx.SetSetting(k, v); err != nil {
				return err
			}
		}
		detail, value := "off", "off"
		if folder != "" {
			detail, value = "folder="+folder, folder
		}
		return tx.AppendAudit(s.audit(EventSettingChanged, a.Email, "", "scheduled backups: "+detail,
			kv(FieldSetting, settingAutoFolder), kv(FieldValue, value)))
	})
}

// sealIdentity is the private key, armored and encrypted under the
// passphrase.
func sealIdentity(id *age.X25519Identity, passphrase string) (string, error) {
	r, err := passphraseRecipient(passphrase)
	if err != nil {
		return "", err
	}
	var b bytes.Buffer
	aw := armor.NewWriter(&b)
	w, err := age.Encrypt(aw, r)
	if err != nil {
		return "", err
	}
	if _, err := io.WriteString(w, id.String()+"\n"); err != nil {
		return "", err
	}
	if err := w.Close(); err != nil {
		return "", err
	}
	if err := aw.Close(); err != nil {
		return "", err
	}
	return b.String(), nil
}

// writeAtomically writes data to path through a temporary file renamed
// into place (replacing an older key file of ours).
func writeAtomically(path string, data []byte) error {
	if err := os.MkdirAll(filepath.Dir(path), 0o700); err != nil {
		return err
	}
	tmp, err := os.CreateTemp(filepath.Dir(path), ".tmp-*")
	if err != nil {
		return err
	}
	defer os.Remove(tmp.Name())
	if _, err := tmp.Write(data); err != nil {
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
	return os.Rename(tmp.Name(), path)
}

// AutoBackupSetting is the scheduled backup's folder and the newest backup
// (made by hand or scheduled), for an administrator's screens.
func (s *Service) AutoBackupSetting(ctx context.Context, sess *Session) (AutoBackup, error) {
	last, err := s.LastBackup(ctx, sess)
	if err != nil {
		return AutoBackup{}, err
	}
	var folder string
	err = s.view(ctx, func(tx Tx) error {
		folder, _, err = tx.Setting(settingAutoFolder)
		return err
	})
	return AutoBackup{Folder: folder, Last: last}, err
}

// RunScheduledBackup makes the scheduled backup when one is due (none in
// the last AutoBackupEvery), into the chosen folder, and keeps the newest
// AutoBackupKeep there. It writes nothing when the settings were changed
// outside the app. The app calls it at start and then every hour.
func (t *Trusted) RunScheduledBackup(ctx context.Context, appVersion string) (string, error) {
	s := t.s
	var folder, recipient, keyID string
	var key []byte
	var due bool
	// Most days and most daycares: nothing to do, and no write.
	err := s.view(ctx, func(tx Tx) error {
		var err error
		folder, _, err = tx.Setting(settingAutoFolder)
		return err
	})
	if err != nil || folder == "" {
		return "", err
	}
	err = s.update(ctx, func(tx Tx) error {
		st := tx.(*sealTx)
		k, err := st.macKeys()
		if err != nil {
			return err
		}
		all, err := tx.Settings()
		if err != nil {
			return err
		}
		folder, recipient = all[settingAutoFolder], all[settingAutoRecipient]
		if folder == "" || recipient == "" {
			return nil
		}
		if all[settingSettingsMAC] != k.settingsMAC(all) {
			return &Error{Code: EFORBIDDEN, Reason: ReasonSettingInvalid, Detail: "settings changed outside the application"}
		}
		last, err := tx.Audit(AuditFilter{Event: EventBackupCreated, Limit: 1})
		if err != nil {
			return err
		}
		if len(last) > 0 && s.now().Sub(last[0].Time) < AutoBackupEvery {
			return nil
		}
		due = true
		keyID, key, err = s.masterKey(tx)
		return err
	})
	if err != nil || !due {
		return "", err
	}
	snap, ok := s.store.(Snapshotter)
	if !ok {
		return "", &Error{Code: EUNAVAILABLE, Reason: ReasonStorage, Err: errors.New("this store makes no snapshots")}
	}
	r, err := age.ParseX25519Recipient(recipient)
	if err != nil {
		return "", &Error{Code: EINVALID, Reason: ReasonSettingInvalid, Err: err}
	}
	dir, err := newSnapshotDir()
	if err != nil {
		return "", &Error{Code: EUNAVAILABLE, Reason: ReasonStorage, Err: err}
	}
	defer os.RemoveAll(dir)
	path := filepath.Join(dir, BackupDBName)
	if err := snap.Snapshot(ctx, path); err != nil {
		return "", &Error{Code: EUNAVAILABLE, Reason: ReasonStorage, Err: err}
	}
	now := s.now()
	m := BackupManifest{Format: backupFormat, AppVersion: appVersion, Created: now.UTC().Format(time.RFC3339),
		CreatedBy: "scheduled", KeyID: keyID}
	if v, ok := s.store.(interface{ SchemaVersion() int }); ok {
		m.SchemaVersion = v.SchemaVersion()
	}
	out := filepath.Join(folder, autoPrefix+now.Local().Format("2006-01-02-150405")+autoSuffix)
	if _, err := writeBackupTo(out, r, path, BackupKey{ID: keyID, Key: key}, &m); err != nil {
		return "", &Error{Code: EUNAVAILABLE, Reason: ReasonBackupWrite, Detail: out, Err: err}
	}
	// Journaled once the file is whole and in place, never before: a
	// backup that failed never claims to exist.
	err = s.update(ctx, func(tx Tx) error {
		return tx.AppendAudit(s.audit(EventBackupCreated, ViaScheduled, "", "key="+keyID+", folder="+folder,
			kv(FieldKey, keyID), kv(FieldFolder, folder), kv(FieldVia, ViaScheduled)))
	})
	if err != nil {
		return "", err
	}
	pruneBackups(folder)
	return out, nil
}

// pruneBackups keeps the newest AutoBackupKeep scheduled backups of folder
// (their names sort by date); it touches no other file.
func pruneBackups(folder string) {
	matches, _ := filepath.Glob(filepath.Join(folder, autoPrefix+"*"+autoSuffix))
	sort.Strings(matches)
	for len(matches) > AutoBackupKeep {
		os.Remove(matches[0])
		matches = matches[1:]
	}
}

// OpenBackupIdentity decrypts a scheduled backups' key file with the
// passphrase chosen for them (a restore tries it when the passphrase does
// not open the backup itself).
func OpenBackupIdentity(path, passphrase string) (age.Identity, error) {
	f, err := os.Open(path)
	if err != nil {
		return nil, err
	}
	defer f.Close()
	id, err := age.NewScryptIdentity(passphrase)
	if err != nil {
		return nil, err
	}
	r, err := age.Decrypt(armor.NewReader(f), id)
	if err != nil {
		return nil, &Error{Code: EINVALID, Reason: ReasonBackupPassphrase, Err: err}
	}
	b, err := io.ReadAll(io.LimitReader(r, 4096))
	if err != nil {
		return nil, err
	}
	ids, err := age.ParseIdentities(bytes.NewReader(b))
	if err != nil || len(ids) != 1 {
		return nil, &Error{Code: EINVALID, Reason: ReasonBackupDamaged, Err: fmt.Errorf("backup key file: %v", err)}
	}
	return ids[0], nil
}

// BackupIdentityFile is the name of the scheduled backups' key file, in
// their folder.
const BackupIdentityFile = backupIdentityFile
