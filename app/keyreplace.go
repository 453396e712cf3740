package app

import (
	"context"
	"errors"
	"fmt"
	"strconv"
	"strings"
)

// Replacing a lost key: the last resort, when the key the database names
// is gone from this computer, no backup holds it, and no administrator has
// a recovery code left to bring it back (Service.RestoreKey). It is a
// break-glass: the operating system's administrator rights and a real
// reason, journaled with the OS user's name.
//
// A new key is made. Every TOTP secret sealed by the old key is lost, so
// every account with AMF goes back to pending (a new QR code at its next
// sign-in, with a notice, after the reactivation code made for it in the
// same transaction and shown once to the technician: same rules as a
// reset), and recovery codes are void. Every account and
// the settings get MACs under the new key: whatever was changed in the
// file before can no longer be told apart (said in the journal). The
// journal's chain goes on from its last row; rows up to that one were
// sealed by the lost key and cannot be checked any more: the hand-over is
// recorded (a setting under the new key's MAC) and the report says how
// many rows lie before it.

// Journal event and settings of a replaced key.
const (
	EventKeyReplaced = "mfa.key_replaced"
	// settingHandover is the ID of the last journal row sealed by a key
	// that was replaced ("" when none).
	settingHandover = "audit_handover"
	// KeyReplacedActor is the journal's actor of a key replacement.
	KeyReplacedActor = "break-glass"
	// MFAResetByKeyReplaced is MFAResetBy of the accounts a replaced key
	// sent back to pending (the notice at their next sign-in).
	MFAResetByKeyReplaced = "key_replaced"
)

// ReasonAdminCanRestoreKey: an administrator still has recovery codes and
// can bring the key back; a replacement would lose every secret. The
// message says that, when nobody has those codes any more, the
// replacement is made with the statement RecoveryCodesLost.
const ReasonAdminCanRestoreKey = "admin_can_restore_key"

// FieldRecoveryCodesLost is the journal field of a key replaced on the
// statement that nobody has a recovery code any more ("true"; absent
// without the statement); FieldRecoveryCodesOf lists the administrators
// who still had unused codes, said lost.
const (
	FieldRecoveryCodesLost = "recovery_codes_lost"
	FieldRecoveryCodesOf   = "recovery_codes_of"
)

// KeyReplaceRequest is what a key replacement needs (ReplaceKeyWith).
type KeyReplaceRequest struct {
	// By is the operating system's user: administrator rights needed.
	By OSUser
	// Reason is a real sentence, journaled.
	Reason string
	// RecoveryCodesLost is the explicit statement that nobody has the
	// unused recovery codes of the administrators any more (the paper is
	// lost): the replacement is then made although codes are left, and
	// the journal says so, with whose codes.
	RecoveryCodesLost bool
}

// KeyReplacement says what ReplaceKey did.
type KeyReplacement struct {
	OldKeyID, NewKeyID string
	// Pending is how many accounts went back to pending.
	Pending int
	// Codes are the reactivation codes of those accounts (one each, in
	// the order of the accounts), shown once: never stored in clear.
	Codes []ReactivationCode
}

// ReplaceKey starts a new key when the one the database names is missing
// (see above). Refused without the OS's administrator rights
// (ReasonNotElevated), without a real reason, while the key is present
// (ReasonKeyNotMissing), and while an enabled administrator has unused
// recovery codes (ReasonAdminCanRestoreKey; see ReplaceKeyWith for when
// nobody has them any more).
func (t *Trusted) ReplaceKey(ctx context.Context, by OSUser, reason string) (KeyReplacement, error) {
	return t.ReplaceKeyWith(ctx, KeyReplaceRequest{By: by, Reason: reason})
}

// ReplaceKeyWith is ReplaceKey with every choice: with
// req.RecoveryCodesLost, the administrators' unused recovery codes do not
// stop it (the lone director who lost the key and her paper codes); the
// other checks hold all the same.
func (t *Trusted) ReplaceKeyWith(ctx context.Context, req KeyReplaceRequest) (KeyReplacement, error) {
	s := t.s
	by, reason := req.By, req.Reason
	var out KeyReplacement
	osName := cleanOSName(by.Name)
	if !by.Elevated {
		return out, &Error{Code: EFORBIDDEN, Reason: ReasonNotElevated}
	}
	reason, err := checkReason(reason)
	if err != nil {
		return out, err
	}
	if s.keys == nil {
		return out, keyMissing(errors.New("no key ring"))
	}
	err = s.store.Update(ctx, func(tx Tx) error {
		old, _, err := tx.Setting(SettingMFAKeyID)
		if err != nil {
			return err
		}
		if old == "" {
			return &Error{Code: EINVALID, Reason: ReasonKeyNotMissing}
		}
		if _, err := s.keys.Key(old); err == nil || errors.Is(err, ErrKeyInsecure) {
			return &Error{Code: EINVALID, Reason: ReasonKeyNotMissing}
		}
		users, err := tx.Users(UserFilter{})
		if err != nil {
			return err
		}
		var codesOf []string // administrators whose unused codes are said lost
		for _, u := range users {
			if u.Role == RoleAdmin && !u.Disabled && u.RecoveryCodesLeft() > 0 {
				if !req.RecoveryCodesLost {
					return &Error{Code: EFORBIDDEN, Reason: ReasonAdminCanRestoreKey}
				}
				codesOf = append(codesOf, u.Email)
			}
		}
		id, err := s.keys.NewKey()
		if err != nil {
			return keyMissing(err)
		}
		if err := tx.SetSetting(SettingMFAKeyID, id); err != nil {
			return err
		}
		out.OldKeyID, out.NewKeyID = old, id
		// From here on everything is sealed with the new key. The old
		// head and settings MAC cannot be checked: no tail-cut or
		// settings finding is made of them.
		st := &sealTx{Tx: tx, s: s, write: true, sealed: true, headChecked: true, settingsDirty: true, rebuildRoot: true}
		now := s.now().UTC()
		// The last row sealed by the old key, before the new key's first
		// (the reactivation codes' events just below).
		last, ok, err := tx.LastAudit()
		if err != nil {
			return err
		}
		for _, u := range users {
			if u.MFA != MFAOff || u.MFASecret != nil {
				resetMFA(&u, MFAResetByKeyReplaced, now)
				// A code made under the old key matches nothing now:
				// dropped, and a new one given, as a reset does.
				u.Reactivation = nil
				code, err := s.giveReactivationCode(st, &u, KeyReplacedActor, now)
				if err != nil {
					return err
				}
				out.Codes = append(out.Codes, code)
				out.Pending++
			}
			u.Recovery = nil
			u.Tampered = false
			if err := st.UpdateUser(u); err != nil {
				return err
			}
		}
		if ok {
			if err := st.SetSetting(settingHandover, strconv.FormatInt(last.ID, 10)); err != nil {
				return err
			}
		}
		detail := fmt.Sprintf("old_key=%s; new_key=%s; accounts_pending=%d; journal_rows_before=%d; os_user=%s; reason=%s",
			old, id, out.Pending, last.ID, osName, reason)
		fields := []AuditField{kv(FieldOldKey, old), kv(FieldKey, id), kv(FieldMadePending, strconv.Itoa(out.Pending)),
			kv(FieldRows, strconv.FormatInt(last.ID, 10)), kv(FieldOSUser, osName), kv(FieldReason, reason)}
		if req.RecoveryCodesLost {
			detail += "; recovery_codes_lost=true"
			fields = append(fields, kv(FieldRecoveryCodesLost, "true"))
		}
		if len(codesOf) > 0 {
			detail += "; recovery_codes_of=" + strings.Join(codesOf, ",")
			fields = append(fields, kv(FieldRecoveryCodesOf, strings.Join(codesOf, ",")))
		}
		if err := st.AppendAudit(s.audit(EventKeyReplaced, KeyReplacedActor, "", detail, fields...)); err != nil {
			return err
		}
		return st.finish()
	})
	if err != nil {
		return KeyReplacement{}, wrapStorage(err)
	}
	return out, nil
}
