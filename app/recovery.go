package app

import (
	"context"
	"crypto/hkdf"
	"crypto/hmac"
	"crypto/rand"
	"crypto/sha256"
	"crypto/subtle"
	"encoding/binary"
	"errors"
	"fmt"
	"strconv"
	"strings"
	"time"
)

// Recovery codes let an administrator who lost her phone back in without
// another administrator: 10 single-use codes, shown once when her AMF
// turns on (first enrollment, and after every reset), stored only as
// hashes in her account (covered by its MAC: a code added or revived in
// the file makes the account tampered). Using one signs her in and sends
// her AMF back to pending, so she scans a new QR code at once; the other
// administrators are told at their next sign-in. Wrong codes count toward
// the same lock as wrong TOTP codes. Employees and parents keep the
// seed's path: an administrator resets them.
//
// A code is 16 characters of Crockford's base32 (80 random bits), shown
// in four groups of four: "7KQ2-M9XD-4HTR-B6WP". Typing is forgiving:
// lower case, spaces and dashes, O for 0 and I or L for 1.

// Recovery code constants.
const (
	// RecoveryCodeCount is how many codes a set holds.
	RecoveryCodeCount = 10
	// RecoveryCodeLow is the number of codes left at or under which the
	// screens suggest a new set.
	RecoveryCodeLow = 3

	recoveryLen = 16
	// RecoveryCodeLen is how many letters and digits a recovery code has
	// (its dashes aside), for the sentences that say it.
	RecoveryCodeLen = recoveryLen
	// A record: the code's hash, when it was used (unix ms, 0 = unused),
	// and the database's key sealed under the code (nonce, key, GCM tag).
	recoveryRecord = sha256.Size + 8 + escrowLen
	escrowLen      = 12 + 32 + 16
	crockford      = "0123456789ABCDEFGHJKMNPQRSTVWXYZ"
)

// Journal events of recovery codes.
const (
	EventRecoveryCodeUsed   = "mfa.recovery_code_used"
	EventRecoveryCodeFailed = "mfa.recovery_code_failed"
	EventRecoveryCodesMade  = "mfa.recovery_codes_created"
	// EventPasswordConfirmFailed: a wrong password given to confirm an
	// action (a new set of recovery codes).
	EventPasswordConfirmFailed = "password.confirm_failed"
)

// newRecoveryCodes makes a set for account id: the codes to show once and
// the stored form (recoverywrap.go: hashes, none used, and the database's
// key sealed under each code and a new wrap key W, itself sealed under the
// database's key and, when pw is given, her password).
func newRecoveryCodes(id int64, keyID string, key []byte, pw *pwWrap) ([]string, []byte, error) {
	codes := make([]string, RecoveryCodeCount)
	records := make([]byte, 0, RecoveryCodeCount*recoveryRecord2)
	raw := make([]byte, recoveryLen)
	w := make([]byte, 32)
	if _, err := rand.Read(w); err != nil {
		return nil, nil, err
	}
	for i := range codes {
		if _, err := rand.Read(raw); err != nil {
			return nil, nil, err
		}
		var b strings.Builder
		for j, r := range raw {
			if j > 0 && j%4 == 0 {
				b.WriteByte('-')
			}
			b.WriteByte(crockford[r&31]) // 256 is a multiple of 32: no bias
		}
		codes[i] = b.String()
		plain := strings.ReplaceAll(codes[i], "-", "")
		h := recoveryHash(id, plain)
		records = append(records, h[:]...)
		records = binary.BigEndian.AppendUint64(records, 0)
		inner, err := escrowSeal(id, plain, keyID, key)
		if err != nil {
			return nil, nil, err
		}
		outer, err := seal(outerKey(w, id, keyID), inner, []byte(keyID))
		if err != nil {
			return nil, nil, err
		}
		records = append(records, outer...)
	}
	stored, err := buildRecoverySet(id, keyID, key, w, pw, records)
	return codes, stored, err
}

// escrowKey derives the key that seals the database's key under one
// recovery code of account id (80 random bits: no slow derivation needed).
func escrowKey(id int64, code, keyID string) []byte {
	salt := binary.BigEndian.AppendUint64([]byte("apetitspas escrow v1\x00"), uint64(id))
	k, err := hkdf.Key(sha256.New, []byte(code), salt, keyID, 32)
	if err != nil {
		panic(err) // only for lengths hkdf cannot give
	}
	return k
}

func escrowSeal(id int64, code, keyID string, key []byte) ([]byte, error) {
	return seal(escrowKey(id, code, keyID), key, []byte(keyID))
}

func escrowOpen(id int64, code, keyID string, sealed []byte) ([]byte, bool) {
	if len(sealed) != escrowLen {
		return nil, false
	}
	key, ok := open(escrowKey(id, code, keyID), sealed, []byte(keyID))
	return key, ok && len(key) == 32
}

// recoveryHash binds a normalized code to its account.
func recoveryHash(id int64, code string) [sha256.Size]byte {
	var b []byte
	b = append(b, "apetitspas recovery v1\x00"...)
	b = binary.BigEndian.AppendUint64(b, uint64(id))
	b = append(b, code...)
	return sha256.Sum256(b)
}

// ParseRecoveryCode normalizes a typed recovery code, or refuses it
// (ReasonRecoveryFormat) without checking anything.
func ParseRecoveryCode(input string) (string, error) {
	var b strings.Builder
	for _, r := range strings.ToUpper(input) {
		switch {
		case r == ' ' || r == '-' || r == '\u00a0' || r == '\t':
			continue
		case r == 'O':
			r = '0'
		case r == 'I' || r == 'L':
			r = '1'
		}
		if r > 0x7f || !strings.ContainsRune(crockford, r) || b.Len() >= recoveryLen {
			return "", &Error{Code: EINVALID, Reason: ReasonRecoveryFormat}
		}
		b.WriteRune(r)
	}
	if b.Len() != recoveryLen {
		return "", &Error{Code: EINVALID, Reason: ReasonRecoveryFormat}
	}
	return b.String(), nil
}

// RecoveryCodesLeft is how many unused codes u has.
func (u User) RecoveryCodesLeft() int {
	rs := readRecoverySet(u.Recovery)
	n := 0
	for i := 0; i+rs.size <= len(rs.records); i += rs.size {
		if !rs.used(i) {
			n++
		}
	}
	return n
}

// findRecovery is the offset (in the set's records) of the unused record
// matching code, or -1. Every record is compared, in constant time.
func (u *User) findRecovery(code string) int {
	h := recoveryHash(u.ID, code)
	rs := readRecoverySet(u.Recovery)
	found := -1
	for i := 0; i+rs.size <= len(rs.records); i += rs.size {
		if subtle.ConstantTimeCompare(rs.records[i:i+sha256.Size], h[:]) == 1 && !rs.used(i) && found < 0 {
			found = i
		}
	}
	return found
}

// useRecovery marks the unused code matching code as used at now and
// erases its copy of the key (it "ne servira plus": nothing is left to
// open); false when none matches.
func (u *User) useRecovery(code string, now time.Time) bool {
	found := u.findRecovery(code)
	if found < 0 {
		return false
	}
	rec := append([]byte(nil), u.Recovery...)
	rs := readRecoverySet(rec)
	binary.BigEndian.PutUint64(rs.records[found+sha256.Size:], uint64(max(now.UnixMilli(), 1)))
	clear(rs.escrow(found))
	u.Recovery = rec
	return true
}

// TakeRecoveryCodes returns the recovery codes made for this session's
// account when its AMF just turned on (or a new set was asked for), once:
// later calls return nil. The screens show them at once.
func (s *Session) TakeRecoveryCodes() []string {
	if s == nil {
		return nil
	}
	codes := s.recovery
	s.recovery = nil
	return codes
}

// RecoveryCodesLeft is how many unused recovery codes the session's
// account had when last read.
func (s *Session) RecoveryCodesLeft() int {
	if s == nil {
		return 0
	}
	return s.user.RecoveryCodesLeft()
}

// giveRecoveryCodes makes a new set for an administrator whose AMF just
// turned on and has no unused code left (first enrollment, or after a
// reset, which voids the set); the caller writes u.
func (s *Service) giveRecoveryCodes(tx Tx, u *User, sess *Session) error {
	if u.Role != RoleAdmin || u.RecoveryCodesLeft() > 0 {
		return nil
	}
	keyID, key, err := s.masterKey(tx)
	if err != nil {
		return err
	}
	pw := sess.pwWrap
	if pw != nil {
		pw.tag = passwordTag(u.PasswordHash)
	}
	codes, stored, err := newRecoveryCodes(u.ID, keyID, key, pw)
	if err != nil {
		return &Error{Code: EINTERNAL, Reason: ReasonStorage, Err: err}
	}
	u.Recovery = stored
	sess.recovery = codes
	return tx.AppendAudit(s.audit(EventRecoveryCodesMade, u.Email, u.Email, fmt.Sprintf("count=%d", len(codes)),
		kv(FieldCount, strconv.Itoa(len(codes)))))
}

// UseRecoveryCode is "J'ai perdu mon téléphone" at the code step of an
// administrator's sign-in: a right code signs her in, is used up, and
// sends her AMF back to pending, so the session goes on to a new QR code
// (StepEnroll). A wrong one counts as a wrong code (same lock). Employees
// and parents are refused (ReasonRecoveryNotAdmin): an administrator
// resets them.
func (s *Service) UseRecoveryCode(ctx context.Context, sess *Session, input string) error {
	if sess.Step() != StepCode {
		return &Error{Code: EFORBIDDEN, Reason: ReasonMFAStep}
	}
	if sess.user.Role != RoleAdmin {
		return &Error{Code: EFORBIDDEN, Reason: ReasonRecoveryNotAdmin}
	}
	code, err := ParseRecoveryCode(input)
	if err != nil {
		return err
	}
	err = s.codeAttempt(ctx, sess, func(u User, _ time.Time) error {
		switch {
		case u.Role != RoleAdmin:
			return &Error{Code: EFORBIDDEN, Reason: ReasonRecoveryNotAdmin}
		case u.MFA != MFAOn:
			return &Error{Code: EFORBIDDEN, Reason: ReasonMFAStep}
		}
		return nil
	}, func(tx Tx, u *User, now time.Time) (error, error) {
		if refusal, err := s.judgeRecovery(tx, u, code, now, ""); refusal != nil || err != nil {
			return refusal, err
		}
		// As an administrator's reset does, but by herself: a new QR
		// code right away; the codes left stay valid.
		u.MFA, u.MFASecret, u.MFASecretSince, u.MFALastStep = MFAPending, nil, time.Time{}, 0
		u.FailedLogins, u.MFADue = 0, time.Time{}
		return nil, tx.AppendAudit(s.audit(EventLoginSucceeded, u.Email, u.Email, "password + recovery code",
			kv(FieldVia, ViaRecoveryCode)))
	})
	if err != nil {
		if ErrorReason(err) == ReasonMFALocked {
			sess.step = StepNone
		}
		return err
	}
	sess.reactivated = true                      // her own recovery code: she is who she says
	sess.step = nextStep(sess.user, false, true) // StepEnroll: a new QR code
	return nil
}

// judgeRecovery checks an administrator's recovery code (well-formed)
// against u, updating u: a right one is used up (journaled
// recovery.code_used, with via when given) and the failures are cleared;
// a wrong one counts as a wrong code (same count and lock), and is the
// refusal returned.
func (s *Service) judgeRecovery(tx Tx, u *User, code string, now time.Time, via string) (error, error) {
	if !u.useRecovery(code, now) {
		return s.codeFailure(tx, u, now, EventRecoveryCodeFailed, "wrong recovery code")
	}
	left := u.RecoveryCodesLeft()
	u.MFAFailures = 0
	detail, fields := fmt.Sprintf("left=%d", left), []AuditField{kv(FieldLeft, strconv.Itoa(left))}
	if via == ViaPhoneChange {
		detail += ", phone change"
	}
	if via != "" {
		fields = append(fields, kv(FieldVia, via))
	}
	return nil, tx.AppendAudit(s.audit(EventRecoveryCodeUsed, u.Email, u.Email, detail, fields...))
}

// NewRecoveryCodes makes a new set for the signed-in administrator, which
// voids the old one; the codes are returned once. It asks for her password
// (counted with the sign-in lockout) and a code (or one accepted less than
// FreshCodeWindow ago in this session).
func (s *Service) NewRecoveryCodes(ctx context.Context, sess *Session, password, code string) ([]string, error) {
	if err := s.requireAdmin(ctx, sess, "new recovery codes"); err != nil {
		return nil, err
	}
	if err := s.confirmPassword(ctx, sess, password); err != nil {
		return nil, err
	}
	pw, err := newPWWrap(password, "", s.argon2)
	if err != nil {
		return nil, &Error{Code: EINTERNAL, Reason: ReasonStorage, Err: err}
	}
	var codes []string
	var stored2 []byte
	err = s.asAdmin(ctx, sess, "new recovery codes", strong, code, func(tx Tx, a User, _ func() error) error {
		keyID, key, err := s.masterKey(tx)
		if err != nil {
			return err
		}
		pw.tag = passwordTag(a.PasswordHash)
		c, stored, err := newRecoveryCodes(a.ID, keyID, key, pw)
		if err != nil {
			return &Error{Code: EINTERNAL, Reason: ReasonStorage, Err: err}
		}
		a.Recovery, a.UpdatedAt = stored, s.now().UTC()
		if err := tx.UpdateUser(a); err != nil {
			return err
		}
		codes, stored2 = c, stored
		return tx.AppendAudit(s.audit(EventRecoveryCodesMade, a.Email, a.Email,
			fmt.Sprintf("count=%d, replaced", len(c)), kv(FieldCount, strconv.Itoa(len(c))), kv(FieldVia, ViaReplaced)))
	})
	if err != nil {
		return nil, err
	}
	sess.user.Recovery = stored2 // the count the screens show
	return codes, nil
}

// RecoveryNotices are the recovery codes other administrators used since
// this administrator's previous sign-in, newest first: each is told at
// the next sign-in of every other administrator.
func (s *Service) RecoveryNotices(ctx context.Context, sess *Session) ([]AuditEvent, error) {
	if err := s.requireAdmin(ctx, sess, "recovery notices"); err != nil {
		return nil, err
	}
	var out []AuditEvent
	err := s.view(ctx, func(tx Tx) error {
		me := sess.user.Email
		logins, err := tx.Audit(AuditFilter{Event: EventLoginSucceeded, Person: me, Limit: 2})
		if err != nil {
			return err
		}
		var since time.Time
		if len(logins) == 2 {
			since = logins[1].Time.Add(time.Millisecond)
		}
		used, err := tx.Audit(AuditFilter{Event: EventRecoveryCodeUsed, Since: since})
		if err != nil {
			return err
		}
		for _, e := range used {
			if e.Actor != me {
				out = append(out, e)
			}
		}
		return nil
	})
	return out, err
}

// OnlyEnabledAdmin reports whether the signed-in administrator is the
// only enabled one (the screens then say what a lost phone means).
func (s *Service) OnlyEnabledAdmin(ctx context.Context, sess *Session) (bool, error) {
	if err := s.signedIn(ctx, sess); err != nil {
		return false, err
	}
	var only bool
	err := s.view(ctx, func(tx Tx) error {
		admins, err := tx.Users(UserFilter{Role: RoleAdmin})
		if err != nil {
			return err
		}
		n := 0
		for _, a := range admins {
			if !a.Disabled {
				n++
			}
		}
		only = n == 1 && sess.user.Role == RoleAdmin
		return nil
	})
	return only, err
}

// Reasons of recovery codes.
const (
	// ReasonRecoveryFormat: not 16 characters of a recovery code.
	ReasonRecoveryFormat = "recovery_format"
	// ReasonRecoveryWrong: no unused recovery code of the account matches.
	ReasonRecoveryWrong = "recovery_wrong"
	// ReasonRecoveryNotAdmin: only administrators have recovery codes.
	ReasonRecoveryNotAdmin = "recovery_not_admin"
)

// confirmPassword checks the signed-in person's password again, counted
// with the sign-in lockout (as Mon compte's password change does).
func (s *Service) confirmPassword(ctx context.Context, sess *Session, password string) error {
	id := sess.user.ID
	a, err := s.beginAttempt(ctx, "", func(tx Tx) (User, error) { return tx.UserByID(id) })
	if err != nil {
		return err
	}
	ok := a.judge(password)
	err = s.update(ctx, func(tx Tx) error {
		if !ok {
			return s.attemptFailed(tx, a, EventPasswordConfirmFailed, a.user.Email)
		}
		_, err := s.attemptSucceeded(tx, a, password)
		return err
	})
	if err != nil {
		return err
	}
	if ok && a.refused == nil {
		return nil
	}
	r := a.refusal()
	if ErrorReason(r) == ReasonBadCredentials {
		return &Error{Code: EUNAUTHORIZED, Reason: ReasonWrongPassword}
	}
	sess.step = StepNone // locked or refused: this session is over
	return r
}

// masterKey is the database's key and its id (made if there is none yet).
func (s *Service) masterKey(tx Tx) (string, []byte, error) {
	key, err := s.secretKey(tx, true)
	if err != nil {
		return "", nil, err
	}
	id, _, err := tx.Setting(SettingMFAKeyID)
	return id, key, err
}

// KeyImporter is a key ring that can keep a key brought back from
// elsewhere (data.KeyRing).
type KeyImporter interface {
	ImportKey(id string, key []byte) error
}

// Events of a lost key.
const (
	EventKeyRestored = "mfa.key_restored"
)

// Reasons of a lost key.
const (
	// ReasonKeyNotMissing: RestoreKey while the key is there.
	ReasonKeyNotMissing = "key_not_missing"
	// ReasonKeyRestoreRefused: the e-mail, password or recovery code do
	// not bring the key back (one sentence for all: no oracle).
	ReasonKeyRestoreRefused = "key_restore_refused"
)

// RestoreKey brings back the key the database names when it is missing
// from this computer (a deleted user profile, a new PC without a backup):
// an administrator gives her e-mail, password and one of her recovery
// codes, each of which holds a copy of the key sealed under it and under
// her password (recoverywrap.go). The key found is accepted only if it
// verifies her account's MAC, so a code written into the file by someone
// else brings back nothing. The code is used up in the same write
// transaction that finds and checks it (of many attempts at once with one
// code, exactly one wins); her AMF stays as it was (she lost the key, not
// her phone).
//
// While the key is missing nothing can be written with its MAC, so the
// attempts are counted outside the file, in this computer's witness, with
// the rule of a sign-in: each attempt is counted before it is judged, and
// MaxFailedLogins failures lock it for LockDuration
// (ReasonKeyRestoreLocked). The failures are journaled
// (mfa.key_restore_failed) by the first write once the key is back.
func (s *Service) RestoreKey(ctx context.Context, email, password, recoveryCode string) error {
	code, err := ParseRecoveryCode(recoveryCode)
	if err != nil {
		return err
	}
	imp, ok := s.keys.(KeyImporter)
	if !ok || s.keys == nil {
		return keyMissing(errors.New("this key ring cannot import a key"))
	}
	if s.witness == nil {
		return keyMissing(errors.New("no witness on this computer: attempts could not be counted"))
	}
	// Nothing to bring back: said at once, not counted.
	var keyID string
	if err := s.store.View(ctx, func(tx Tx) error {
		var err error
		keyID, _, err = tx.Setting(SettingMFAKeyID)
		return err
	}); err != nil {
		return wrapStorage(err)
	}
	if keyID == "" {
		return &Error{Code: EINVALID, Reason: ReasonKeyNotMissing}
	}
	if _, err := s.keys.Key(keyID); err == nil || errors.Is(err, ErrKeyInsecure) {
		return &Error{Code: EINVALID, Reason: ReasonKeyNotMissing}
	}
	// Counted before it is judged (a failure until it succeeds).
	now := s.now().UTC()
	var locked time.Time
	lockedNow := false
	err = s.witness.Update(func(w *WitnessRecord) error {
		kr := &w.KeyRestore
		if now.Before(kr.LockedUntil) {
			locked = kr.LockedUntil
			return errWitnessRead
		}
		kr.Failures++
		if kr.Failures >= MaxFailedLogins {
			kr.Failures, kr.LockedUntil, lockedNow = 0, now.Add(LockDuration).Truncate(time.Millisecond), true
		}
		return nil
	})
	if err != nil && !errors.Is(err, errWitnessRead) {
		return &Error{Code: EINTERNAL, Reason: ReasonStorage, Err: err}
	}
	if !locked.IsZero() {
		return &Error{Code: EUNAUTHORIZED, Reason: ReasonKeyRestoreLocked, Until: locked}
	}
	target, err := s.restoreKey(ctx, imp, email, password, code)
	switch reason := ErrorReason(err); {
	case err == nil:
		_ = s.witness.Update(func(w *WitnessRecord) error {
			w.KeyRestore.Failures = 0
			return nil
		})
		return nil
	case reason == ReasonKeyRestoreRefused || reason == ReasonKeyNotMissing:
		_ = s.witness.Update(func(w *WitnessRecord) error {
			kr := &w.KeyRestore
			if len(kr.Pending) < maxPendingRestoreFailures {
				kr.Pending = append(kr.Pending, KeyRestoreFailure{At: now, Email: target, Locked: lockedNow})
			}
			return nil
		})
		if reason == ReasonKeyRestoreRefused && lockedNow {
			return &Error{Code: EUNAUTHORIZED, Reason: ReasonKeyRestoreLocked, Until: now.Add(LockDuration).Truncate(time.Millisecond)}
		}
	}
	return err
}

// restoreKey finds, checks and uses the code in one write transaction;
// target is the account named when it exists (for the journal).
func (s *Service) restoreKey(ctx context.Context, imp KeyImporter, email, password, code string) (target string, err error) {
	refused := &Error{Code: EUNAUTHORIZED, Reason: ReasonKeyRestoreRefused}
	var done *sealTx
	err = s.store.Update(ctx, func(tx Tx) error {
		keyID, _, err := tx.Setting(SettingMFAKeyID)
		if err != nil {
			return err
		}
		if _, err := s.keys.Key(keyID); keyID == "" || err == nil || errors.Is(err, ErrKeyInsecure) {
			return &Error{Code: EINVALID, Reason: ReasonKeyNotMissing} // another attempt won
		}
		u, err := tx.UserByEmail(NormalizeEmail(email))
		found := err == nil
		if err != nil && !errors.Is(err, ErrNotFound) {
			return err
		}
		hash := s.dummy
		if found {
			hash, target = u.PasswordHash, u.Email
		}
		if len(password) > MaxPasswordLen {
			password = password[:MaxPasswordLen]
		}
		if !VerifyPassword(password, hash) || !found || u.Role != RoleAdmin || u.Disabled {
			return refused
		}
		at := u.findRecovery(code)
		if at < 0 {
			return refused
		}
		key, ok := openEscrow(u, readRecoverySet(u.Recovery), at, code, password, keyID)
		if !ok || !hmac.Equal(deriveKeys(key).accountMAC(u), u.MAC) {
			return refused
		}
		if err := imp.ImportKey(keyID, key); err != nil {
			return keyMissing(err)
		}
		// The key is back: from here on everything is MACed and journaled.
		st, err := s.beginWrite(tx, false)
		if err != nil {
			return err
		}
		u, err = st.UserByID(u.ID)
		if err != nil {
			return err
		}
		now := s.now().UTC()
		if !u.useRecovery(code, now) {
			return refused
		}
		u.UpdatedAt = now
		if err := st.UpdateUser(u); err != nil {
			return err
		}
		if err := st.AppendAudit(s.audit(EventRecoveryCodeUsed, u.Email, u.Email,
			fmt.Sprintf("left=%d, key restored", u.RecoveryCodesLeft()),
			kv(FieldLeft, strconv.Itoa(u.RecoveryCodesLeft())), kv(FieldVia, ViaKeyRestored))); err != nil {
			return err
		}
		if err := st.AppendAudit(s.audit(EventKeyRestored, u.Email, "", "key="+keyID, kv(FieldKey, keyID))); err != nil {
			return err
		}
		if err := st.finish(); err != nil {
			return err
		}
		done = st
		return nil
	})
	if err == nil {
		s.committed(done)
	}
	return target, wrapStorage(err)
}
