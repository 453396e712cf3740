package app

import (
	"context"
	"fmt"
	"strconv"
)

// Adoption: the local service (one per computer, under an identity of its
// own) takes over a daycare already on the computer, the machine-wide one
// or one user's own. The files are data.Adopt's business (a snapshot and
// the key copied into the service's folder, never over a daycare); here
// are the three steps that need the daycare's rules:
//
//   - AdoptionKey, on the old database: is there a daycare to adopt (not
//     a new database, not moved already), and its key;
//   - AcceptAdoption, on the copy, before it is put in place: every MAC
//     verifies under that key, the copy becomes a database of its own, and
//     data.adopted is journaled;
//   - MarkAdopted, on the old database once the copy is in place:
//     SettingMovedTo (the app opening it says where the daycare went, as
//     after a move) and data.adopted journaled there too.
//
// No credentials: the computer's administrator runs it (service install,
// as root), and the journal names her OS account.

// The event of an adoption, journaled in both databases.
const (
	// EventDataAdopted: the local service adopted the daycare.
	EventDataAdopted = "data.adopted"
)

// Reasons of an adoption.
const (
	// ReasonAdoptTargetTaken: the service's folder already holds a
	// daycare (Detail: its database); nothing was copied.
	ReasonAdoptTargetTaken = "adopt_target_taken"
	// ReasonAdoptKeyMissing: the key of the daycare to adopt is not in
	// the key folder given (Detail: the folder); it may be in the user's
	// session keyring, out of reach of the computer's administrator.
	ReasonAdoptKeyMissing = "adopt_key_missing"
)

// AdoptionKey is the first step of an adoption, on the old database: ok
// is false, with no error, when it holds no daycare (nothing to adopt); a
// database already moved or adopted is refused with ReasonDBMoved
// (Detail: where it went). Otherwise it returns the daycare's name and
// its key, read with this service's key ring.
func (t *Trusted) AdoptionKey(ctx context.Context) (key BackupKey, daycare string, ok bool, err error) {
	s := t.s
	err = s.view(ctx, func(tx Tx) error {
		fresh, err := isNew(tx)
		if err != nil || fresh {
			return err
		}
		if moved, _, err := tx.Setting(SettingMovedTo); err != nil {
			return err
		} else if moved != "" {
			return &Error{Code: ECONFLICT, Reason: ReasonDBMoved, Detail: moved}
		}
		if daycare, _, err = tx.Setting(SettingDaycareName); err != nil {
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
		key, ok = BackupKey{ID: id, Key: append([]byte(nil), k...)}, true
		return nil
	})
	if err != nil {
		return BackupKey{}, "", false, wrapStorage(err)
	}
	return key, daycare, ok, nil
}

// AcceptAdoption verifies the copy of an adopted daycare before it is put
// in place (the service's key ring holding the daycare's key): every
// account's MAC and the journal's whole chain, as AcceptMove does. Then the
// copy gets a database ID of its own (the old database is still written
// once, by MarkAdopted: this computer's witness tells them apart) and
// journals data.adopted: from which file, to which, by which OS user, how
// many accounts and journal rows.
func (t *Trusted) AcceptAdoption(ctx context.Context, from, to string, by OSUser, accounts, rows int64) error {
	r, err := t.s.verifyAll(ctx)
	if err != nil {
		return err
	}
	if r.KeyProblem != nil {
		return r.KeyProblem
	}
	if !r.OK() && !r.Acknowledged {
		return &Error{Code: EINVALID, Reason: ReasonMoveDamaged, Err: fmt.Errorf("the copy does not verify: %s", r.summary())}
	}
	return t.s.update(ctx, func(tx Tx) error {
		id, err := newDatabaseID()
		if err != nil {
			return err
		}
		if err := tx.SetSetting(SettingDatabaseID, id); err != nil {
			return err
		}
		return tx.AppendAudit(t.s.audit(EventDataAdopted, "", "",
			fmt.Sprintf("from=%s, to=%s, os_user=%s, accounts=%d, journal_rows=%d", from, to, by.Name, accounts, rows),
			kv(FieldMovedFrom, from), kv(FieldMovedTo, to), kv(FieldOSUser, by.Name),
			kv(FieldAccounts, strconv.FormatInt(accounts, 10)), kv(FieldRows, strconv.FormatInt(rows, 10))))
	})
}

// MarkAdopted marks the old database once its daycare's copy is in the
// service's folder at to: SettingMovedTo (never adopted nor offered for a
// move again; the app opening it says where the daycare went) and
// data.adopted journaled. A database marked already is refused
// (ReasonDBMoved).
func (t *Trusted) MarkAdopted(ctx context.Context, from, to string, by OSUser) error {
	return t.s.update(ctx, func(tx Tx) error {
		if moved, _, err := tx.Setting(SettingMovedTo); err != nil {
			return err
		} else if moved != "" {
			return &Error{Code: ECONFLICT, Reason: ReasonDBMoved, Detail: moved}
		}
		if err := tx.SetSetting(SettingMovedTo, to); err != nil {
			return err
		}
		return tx.AppendAudit(t.s.audit(EventDataAdopted, "", "", fmt.Sprintf("from=%s, to=%s, os_user=%s", from, to, by.Name),
			kv(FieldMovedFrom, from), kv(FieldMovedTo, to), kv(FieldOSUser, by.Name)))
	})
}

// RecordServerAdoption journals data.adopted on a PostgreSQL daycare whose
// address and key a computer's service took over (server: the address
// without its password; to: the service's folder). The server stays the
// daycare of every computer: nothing is marked.
func (t *Trusted) RecordServerAdoption(ctx context.Context, server, to string, by OSUser) error {
	return t.s.update(ctx, func(tx Tx) error {
		return tx.AppendAudit(t.s.audit(EventDataAdopted, "", "", fmt.Sprintf("from=%s, to=%s, os_user=%s", server, to, by.Name),
			kv(FieldMovedFrom, server), kv(FieldMovedTo, to), kv(FieldOSUser, by.Name)))
	})
}
