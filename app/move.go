package app

import (
	"context"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"time"
)

// Moving a daycare from a user's own place (the database of one Windows
// account, before the machine-wide place existed) into the machine-wide
// place, so that every account of the computer uses it:
//
//   - offered at start-up only when the user's own database holds a
//     daycare not moved yet and the machine-wide place holds none;
//   - a strong action checked against the OLD database: an administrator's
//     e-mail, password and current code (her AMF on);
//   - the copy is a snapshot of the old database (its journal, MACs and
//     key id as they are), journaled data.moved in the copy, put in place
//     in one step and only where no daycare is; its key is kept in the
//     machine-wide key folder; an empty database found there (the app was
//     opened there once) is moved aside, never deleted;
//   - then the old database is marked (SettingMovedTo) and journals
//     data.moved too: it is never offered again, and the app opening it
//     says where the daycare went (ReasonDBMoved).

// Reasons of the machine-wide place and of moving a daycare into it.
const (
	// ReasonConfigInvalid: the machine-wide configuration file exists but
	// cannot be read or is badly written (Detail: the file; Line: the
	// line). Nothing is opened instead.
	ReasonConfigInvalid = "config_invalid"
	// ReasonConfigInsecure: the machine-wide configuration file, or a
	// folder above it, may be changed or replaced by an account other than
	// root (or the current user) (Detail: the file). Nothing is opened
	// instead.
	ReasonConfigInsecure = "config_insecure"
	// ReasonConfigureNotElevated: "apetitspas-admin configure" writes for
	// every account of the computer: it needs the administrator's rights.
	ReasonConfigureNotElevated = "configure_not_elevated"
	// ReasonGroupMissing: the Unix group named by configure --group does
	// not exist (Detail: its name); the technician creates it first.
	ReasonGroupMissing = "group_missing"
	// ReasonDBMoved: this database's daycare was moved into the
	// machine-wide place (Detail: where).
	ReasonDBMoved = "db_moved"
	// ReasonMoveTargetTaken: the machine-wide place already holds a
	// daycare (Detail: its file); nothing was copied.
	ReasonMoveTargetTaken = "move_target_taken"
	// ReasonMoveNoMachinePlace: there is no machine-wide configuration to
	// move into (Detail: the file looked for).
	ReasonMoveNoMachinePlace = "move_no_machine_place"
	// ReasonMoveKeyFolder: this account may not add the key to the
	// machine-wide key folder (on Linux only root writes there).
	ReasonMoveKeyFolder = "move_key_folder"
)

// The event of a move, journaled in both databases.
const (
	EventDataMoved = "data.moved"
)

// Journal fields of a move.
const (
	FieldMovedFrom = "moved_from" // the database the daycare left
	FieldMovedTo   = "moved_to"   // the database the daycare went to
)

// SettingMovedTo, in a database whose daycare was moved, is where it went.
const SettingMovedTo = "moved_to"

// KeyKeeper is a key ring a key can be imported into: the machine-wide
// one.
type KeyKeeper interface {
	KeyRing
	KeyImporter
}

// MoveTarget is the machine-wide place a daycare moves into.
type MoveTarget struct {
	// Path is the machine-wide database file.
	Path string
	// Keys is the machine-wide key ring.
	Keys KeyKeeper
	// Open opens a database file (data.Open); close closes it.
	Open func(path string) (store Store, close func() error, err error)
	// Share gives a file made elsewhere the permissions of the folder it
	// goes to (data.ShareLikeFolder); nil for nothing.
	Share func(path, dir string) error
}

// MoveOffer describes a daycare that may be moved, for the screen that
// offers it.
type MoveOffer struct {
	From, To string // the two database files
	Daycare  string // the daycare's name
	Accounts int
}

// MoveOffer says whether this database (the user's own) may be moved
// into to: it holds a daycare, was not moved, and to holds none. ok is
// false otherwise, with no error.
func (t *Trusted) MoveOffer(ctx context.Context, from string, to MoveTarget) (MoveOffer, bool, error) {
	s := t.s
	offer := MoveOffer{From: from, To: to.Path}
	var fresh bool
	var moved string
	err := s.view(ctx, func(tx Tx) error {
		var err error
		if fresh, err = isNew(tx); err != nil || fresh {
			return err
		}
		if moved, _, err = tx.Setting(SettingMovedTo); err != nil {
			return err
		}
		if offer.Daycare, _, err = tx.Setting(SettingDaycareName); err != nil {
			return err
		}
		offer.Accounts, err = tx.CountUsers("")
		return err
	})
	if err != nil || fresh || moved != "" {
		return MoveOffer{}, false, wrapStorage(err)
	}
	taken, err := targetTaken(ctx, to)
	if err != nil || taken {
		return MoveOffer{}, false, err
	}
	return offer, true, nil
}

// MovedTo returns where this database's daycare was moved, "" if it was
// not.
func (t *Trusted) MovedTo(ctx context.Context) (string, error) {
	var to string
	err := t.s.view(ctx, func(tx Tx) error {
		var err error
		to, _, err = tx.Setting(SettingMovedTo)
		return err
	})
	return to, wrapStorage(err)
}

// targetTaken reports whether the machine-wide database holds a daycare.
// A missing file holds none; it is not created.
func targetTaken(ctx context.Context, to MoveTarget) (bool, error) {
	if _, err := os.Stat(to.Path); errors.Is(err, os.ErrNotExist) {
		return false, nil
	}
	st, closeDB, err := to.Open(to.Path)
	if err != nil {
		return false, err
	}
	defer closeDB()
	fresh, err := NewTrusted(New(Params{Store: st})).IsNew(ctx)
	return !fresh, err
}

// MoveDaycare moves this database's daycare into to, for the
// administrator email (password, and her current code: a strong action
// on this database). See the top of this file. It returns the file an
// empty database found at to.Path was moved to ("" when none).
func (s *Service) MoveDaycare(ctx context.Context, email, password, code string, from string, to MoveTarget) (aside string, err error) {
	if to.Path == "" || to.Keys == nil || to.Open == nil {
		return "", &Error{Code: EUNAVAILABLE, Reason: ReasonStorage, Err: errors.New("no machine-wide place")}
	}
	snap, ok := s.store.(Snapshotter)
	if !ok {
		return "", &Error{Code: EUNAVAILABLE, Reason: ReasonStorage, Err: errors.New("this store makes no snapshots")}
	}
	sess, err := s.SignInAdmin(ctx, email, password, code)
	if err != nil {
		return "", err
	}
	// The strong action, and the key, before anything is written.
	var key BackupKey
	err = s.asAdmin(ctx, sess, "move", strong, "", func(tx Tx, a User, _ func() error) error {
		if moved, _, err := tx.Setting(SettingMovedTo); err != nil {
			return err
		} else if moved != "" {
			return &Error{Code: ECONFLICT, Reason: ReasonDBMoved, Detail: moved}
		}
		if _, err := s.secretKey(tx, true); err != nil {
			return err
		}
		id, _, err := tx.Setting(SettingMFAKeyID)
		if err != nil {
			return err
		}
		k, err := s.secretKey(tx, false)
		if err != nil {
			return err
		}
		key = BackupKey{ID: id, Key: append([]byte(nil), k...)}
		return nil
	})
	if err != nil {
		return "", err
	}
	if taken, err := targetTaken(ctx, to); err != nil {
		return "", err
	} else if taken {
		return "", &Error{Code: ECONFLICT, Reason: ReasonMoveTargetTaken, Detail: to.Path}
	}

	// The key in the machine-wide folder first (the same key already there
	// is fine; another key under its name is refused): a folder this
	// account may not write stops the move before anything else is made.
	if err := to.Keys.ImportKey(key.ID, key.Key); err != nil {
		if errors.Is(err, ErrKeyConflict) {
			return "", &Error{Code: ECONFLICT, Reason: ReasonKeyConflict, Err: err}
		}
		if errors.Is(err, fs.ErrPermission) {
			return "", &Error{Code: EFORBIDDEN, Reason: ReasonMoveKeyFolder, Err: err}
		}
		return "", keyMissing(err)
	}

	// The copy, beside the target (same disk: the last step is a link).
	dir := filepath.Dir(to.Path)
	if err := os.MkdirAll(dir, 0o700); err != nil {
		return "", &Error{Code: EUNAVAILABLE, Reason: ReasonDBReadOnly, Detail: dir, Err: err}
	}
	work, err := os.MkdirTemp(dir, ".apetitspas-move-")
	if err != nil {
		return "", &Error{Code: EUNAVAILABLE, Reason: ReasonDBReadOnly, Detail: dir, Err: err}
	}
	defer os.RemoveAll(work)
	copyPath := filepath.Join(work, filepath.Base(to.Path))
	if err := snap.Snapshot(ctx, copyPath); err != nil {
		return "", &Error{Code: EUNAVAILABLE, Reason: ReasonStorage, Detail: copyPath, Err: err}
	}
	if err := journalCopy(ctx, copyPath, from, to, key, email, s.now); err != nil {
		return "", err
	}
	if to.Share != nil {
		if err := to.Share(copyPath, dir); err != nil {
			return "", &Error{Code: EUNAVAILABLE, Reason: ReasonStorage, Detail: copyPath, Err: err}
		}
	}
	// An empty database at the target (the app was opened there) is moved
	// aside, then the copy is linked in: never over a file.
	if _, err := os.Stat(to.Path); err == nil {
		aside = to.Path + ".vide-" + s.now().Format("20060102-150405")
		for _, suffix := range []string{"", "-wal", "-shm"} {
			if err := os.Rename(to.Path+suffix, aside+suffix); err != nil && !errors.Is(err, os.ErrNotExist) {
				return "", &Error{Code: EUNAVAILABLE, Reason: ReasonStorage, Detail: to.Path, Err: err}
			}
		}
	}
	if err := os.Link(copyPath, to.Path); err != nil {
		if errors.Is(err, os.ErrExist) {
			return aside, &Error{Code: ECONFLICT, Reason: ReasonMoveTargetTaken, Detail: to.Path}
		}
		return aside, &Error{Code: EUNAVAILABLE, Reason: ReasonStorage, Detail: to.Path, Err: err}
	}
	// The old database: marked, journaled. Should this fail, the daycare
	// is in both places but the machine-wide one holds it: never offered
	// again.
	err = s.update(ctx, func(tx Tx) error {
		if err := tx.SetSetting(SettingMovedTo, to.Path); err != nil {
			return err
		}
		return tx.AppendAudit(s.audit(EventDataMoved, email, "", fmt.Sprintf("from=%s, to=%s", from, to.Path),
			kv(FieldMovedFrom, from), kv(FieldMovedTo, to.Path), kv(FieldKey, key.ID)))
	})
	return aside, err
}

// journalCopy journals data.moved in the copy, opened with the key alone.
func journalCopy(ctx context.Context, path, from string, to MoveTarget, key BackupKey, email string, now func() time.Time) error {
	st, closeDB, err := to.Open(path)
	if err != nil {
		return err
	}
	cs := New(Params{Store: st, Keys: oneKey{key}, Now: now})
	err = cs.update(ctx, func(tx Tx) error {
		// The copy is a database of its own from now on (the old one is
		// still written once, below): this computer's witness tells them
		// apart (root.go).
		id, err := newDatabaseID()
		if err != nil {
			return err
		}
		if err := tx.SetSetting(SettingDatabaseID, id); err != nil {
			return err
		}
		return tx.AppendAudit(cs.audit(EventDataMoved, email, "", fmt.Sprintf("from=%s, to=%s", from, to.Path),
			kv(FieldMovedFrom, from), kv(FieldMovedTo, to.Path), kv(FieldKey, key.ID)))
	})
	if cerr := closeDB(); err == nil && cerr != nil {
		err = &Error{Code: EUNAVAILABLE, Reason: ReasonStorage, Err: cerr}
	}
	return err
}

// oneKey is a key ring holding one key (the copy of a moving database).
type oneKey struct{ k BackupKey }

func (o oneKey) Key(id string) ([]byte, error) {
	if id != o.k.ID {
		return nil, fmt.Errorf("key %s: %w", id, ErrKeyMissing)
	}
	return o.k.Key, nil
}

func (o oneKey) NewKey() (string, error) { return "", errors.New("a moving database makes no key") }
