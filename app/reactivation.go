package app

import (
	"context"
	"crypto/hmac"
	"crypto/rand"
	"crypto/sha256"
	"encoding/binary"
	"encoding/hex"
	"strings"
	"time"
)

// In-person reactivation after a reset (issue 17). A reset of someone's
// multi-factor sign-in (by an administrator, or break-glass by the
// computer's administrator) gives a one-time reactivation code, handed to
// the person in person. At her next sign-in, after the password, the code
// is asked before the QR code is ever shown: knowing her password is no
// longer enough to bind one's own phone to her account.
//
// The code is 10 characters of Crockford's base32 (50 random bits), shown
// as two groups of five (7KQ2M-9XD4H). Only a keyed hash is stored
// (HMAC-SHA256 under a key derived from the database's key, bound to the
// account's ID), inside the account's MAC: a hash written into the file by
// someone else makes the account tampered, and a hash copied from another
// account or another database matches nothing.
//
// A code is valid for ReactivationTTL, used once, and voided by a new one
// (a second reset, or « Nouveau code de réactivation »). Wrong codes count
// toward the same lock as wrong sign-in codes (MFAFailures, MaxFailedCodes).
// A first enrollment (AMF never set up) needs no code; an account reset by
// a version without codes needs one all the same (fail closed): an
// administrator makes one.

// ReactivationTTL is how long a reactivation code stays valid.
const ReactivationTTL = 7 * 24 * time.Hour

// ReactivationCodeLen is the number of characters of a reactivation code.
const ReactivationCodeLen = 10

// Reasons of the reactivation step.
const (
	ReasonReactivationFormat  = "reactivation_format"  // not 10 letters and digits: nothing was checked
	ReasonReactivationWrong   = "reactivation_wrong"   // checked and refused (counted)
	ReasonReactivationExpired = "reactivation_expired" // the code is older than 7 days: ask an administrator
	ReasonReactivationVoided  = "reactivation_voided"  // a newer code replaced it: ask an administrator
	ReasonReactivationMissing = "reactivation_missing" // no code to type (reset before codes, or used already)
	ReasonReactivationNotDue  = "reactivation_not_due" // the account is not waiting for a reactivation code
)

// Events of reactivation codes (public interface).
const (
	EventReactivationCodeCreated = "mfa.reactivation_code_created"
	EventReactivationCodeUsed    = "mfa.reactivation_code_used"
)

// ReactivationCode is a code just made, shown once to whoever reset the
// account: never stored, never retrievable again.
type ReactivationCode struct {
	// Code is grouped for reading (XXXXX-XXXXX).
	Code    string
	Expires time.Time
	// Email is the account it reactivates.
	Email string
}

// reactivation is the stored state (User.Reactivation): version 1, a
// state, the expiry (unix ms), the current code's keyed hash, then the
// hashes of the codes it voided (at most maxVoided).
type reactivation struct {
	used    bool
	expires time.Time
	hash    []byte
	voided  [][]byte
}

const (
	reactivationVersion = 1
	reactivationWaiting = 'w'
	reactivationUsed    = 'u'
	maxVoided           = 4
	reactivationHeader  = 2 + 8
)

func (r reactivation) encode() []byte {
	b := []byte{reactivationVersion, reactivationWaiting}
	if r.used {
		b[1] = reactivationUsed
	}
	b = binary.BigEndian.AppendUint64(b, uint64(r.expires.UnixMilli()))
	b = append(b, r.hash...)
	for _, v := range r.voided {
		b = append(b, v...)
	}
	return b
}

// readReactivation decodes a stored state; ok is false for anything that
// is not one (the caller fails closed).
func readReactivation(b []byte) (r reactivation, ok bool) {
	if len(b) < reactivationHeader+sha256.Size || (len(b)-reactivationHeader)%sha256.Size != 0 ||
		b[0] != reactivationVersion || (b[1] != reactivationWaiting && b[1] != reactivationUsed) {
		return reactivation{}, false
	}
	r.used = b[1] == reactivationUsed
	r.expires = time.UnixMilli(int64(binary.BigEndian.Uint64(b[2:10]))).UTC()
	rest := b[reactivationHeader:]
	r.hash = rest[:sha256.Size]
	for rest = rest[sha256.Size:]; len(rest) > 0 && len(r.voided) < maxVoided; rest = rest[sha256.Size:] {
		r.voided = append(r.voided, rest[:sha256.Size])
	}
	return r, true
}

// AwaitsReactivation reports whether u's next sign-in asks for a
// reactivation code before the QR code: her multi-factor is pending after
// a reset (a code stored, used or not, or a reset made before codes
// existed). A first enrollment does not, nor a replaced key (every
// account at once: keyreplace.go, the technician's own procedure).
func (u User) AwaitsReactivation() bool {
	return u.MFA == MFAPending && (len(u.Reactivation) > 0 ||
		(u.MFAResetBy != "" && u.MFAResetBy != MFAResetByKeyReplaced))
}

// ReactivationExpires is when u's current reactivation code expires (zero
// when there is none waiting to be used).
func (u User) ReactivationExpires() time.Time {
	r, ok := readReactivation(u.Reactivation)
	if !ok || r.used || u.MFA != MFAPending {
		return time.Time{}
	}
	return r.expires
}

// reactivationHash is the keyed hash of a normalized code of account id.
func (k *macKeys) reactivationHash(id int64, code string) []byte {
	m := hmac.New(sha256.New, k.reactivation)
	var n [8]byte
	binary.BigEndian.PutUint64(n[:], uint64(id))
	m.Write([]byte("apetitspas reactivation v1\x00"))
	m.Write(n[:])
	m.Write([]byte(code))
	return m.Sum(nil)
}

// FieldCodeTag is the field of mfa.reactivation_code_created holding a
// keyed tag of the code's stored hash: it tells nothing of the code, and
// lets Reseal keep a pending code only when the account holds the very
// code the journal recorded (vouchedReactivation).
const FieldCodeTag = "code_tag"

// FieldReactivationCode is the field of account.resealed saying "kept"
// when the pending reactivation code stands (vouchedReactivation).
const FieldReactivationCode = "reactivation_code"

// reactivationTag is the journal's tag of a stored code hash of account id.
func (k *macKeys) reactivationTag(id int64, hash []byte) string {
	m := hmac.New(sha256.New, k.reactivation)
	var n [8]byte
	binary.BigEndian.PutUint64(n[:], uint64(id))
	m.Write([]byte("apetitspas reactivation journal tag v1\x00"))
	m.Write(n[:])
	m.Write(hash)
	return hex.EncodeToString(m.Sum(nil)[:16])
}

// vouchedReactivation is u's stored reactivation state kept by Reseal
// (nil when none is kept). u was changed outside the application, so its
// state is kept only when the journal vouches for it: a code waiting and
// unexpired, the one the newest mfa.reactivation_code_created of the
// account recorded (same tag, same expiry) with no
// mfa.reactivation_code_used after it. A code put back from an older
// state, revived after its use or stretched in time is dropped, as are
// the voided codes (only their message depends on them).
func (s *Service) vouchedReactivation(tx Tx, u User, now time.Time) ([]byte, error) {
	r, ok := readReactivation(u.Reactivation)
	if !ok || r.used || !now.Before(r.expires) {
		return nil, nil
	}
	k, err := tx.(*sealTx).macKeys()
	if err != nil {
		return nil, err
	}
	evs, err := tx.Audit(AuditFilter{Person: u.Email})
	if err != nil {
		return nil, err
	}
	for _, ev := range evs { // newest first
		if ev.Target != u.Email {
			continue
		}
		switch ev.Event {
		case EventReactivationCodeUsed:
			return nil, nil
		case EventReactivationCodeCreated:
			tag := k.reactivationTag(u.ID, r.hash)
			if !hmac.Equal([]byte(ev.Field(FieldCodeTag)), []byte(tag)) ||
				ev.Field(FieldUntil) != kvTime(FieldUntil, r.expires).Value {
				return nil, nil
			}
			return reactivation{expires: r.expires, hash: r.hash}.encode(), nil
		}
	}
	return nil, nil
}

// newReactivationCode returns 10 random Crockford characters (50 bits).
func newReactivationCode() (string, error) {
	raw := make([]byte, ReactivationCodeLen)
	if _, err := rand.Read(raw); err != nil {
		return "", err
	}
	var b strings.Builder
	for _, r := range raw {
		b.WriteByte(crockford[r&31]) // 256 is a multiple of 32: no bias
	}
	return b.String(), nil
}

// GroupReactivationCode writes a normalized code as two groups of five.
func GroupReactivationCode(code string) string {
	if len(code) != ReactivationCodeLen {
		return code
	}
	return code[:5] + "-" + code[5:]
}

// ParseReactivationCode normalizes a typed reactivation code (any case,
// spaces and dashes anywhere, O for 0, I and L for 1), or refuses it
// (ReasonReactivationFormat) without checking anything.
func ParseReactivationCode(input string) (string, error) {
	bad := &Error{Code: EINVALID, Reason: ReasonReactivationFormat}
	if len(input) > 256 {
		return "", bad
	}
	var b strings.Builder
	for _, r := range strings.ToUpper(input) {
		switch {
		case r == ' ' || r == '-' || r == '\u00a0' || r == '\t' || r == '\u2010' || r == '\u2011' || r == '\u2013':
			continue
		case r == 'O':
			r = '0'
		case r == 'I' || r == 'L':
			r = '1'
		}
		if r > 0x7f || !strings.ContainsRune(crockford, r) || b.Len() >= ReactivationCodeLen {
			return "", bad
		}
		b.WriteRune(r)
	}
	if b.Len() != ReactivationCodeLen {
		return "", bad
	}
	return b.String(), nil
}

// giveReactivationCode makes a new code for u (the caller writes u),
// voiding any previous one, and journals it (who, for whom, until when;
// never the code).
func (s *Service) giveReactivationCode(tx Tx, u *User, by string, now time.Time) (ReactivationCode, error) {
	k, err := tx.(*sealTx).macKeys()
	if err != nil {
		return ReactivationCode{}, err
	}
	code, err := newReactivationCode()
	if err != nil {
		return ReactivationCode{}, &Error{Code: EINTERNAL, Reason: ReasonStorage, Err: err}
	}
	next := reactivation{expires: now.Add(ReactivationTTL).Truncate(time.Millisecond), hash: k.reactivationHash(u.ID, code)}
	if old, ok := readReactivation(u.Reactivation); ok {
		next.voided = append([][]byte{old.hash}, old.voided...)
		if len(next.voided) > maxVoided {
			next.voided = next.voided[:maxVoided]
		}
	}
	u.Reactivation = next.encode()
	u.UpdatedAt = now
	if err := tx.AppendAudit(s.audit(EventReactivationCodeCreated, by, u.Email,
		"until "+next.expires.Format(time.RFC3339), kv(FieldBy, by), kvTime(FieldUntil, next.expires),
		kv(FieldCodeTag, k.reactivationTag(u.ID, next.hash)))); err != nil {
		return ReactivationCode{}, err
	}
	return ReactivationCode{Code: GroupReactivationCode(code), Expires: next.expires, Email: u.Email}, nil
}

// NewReactivationCode is an administrator making a new reactivation code
// for an account waiting for one (the last one lost, expired, used
// without finishing, or a reset made before codes existed). The old code
// no longer works. A strong action, with the same rules as a reset.
func (s *Service) NewReactivationCode(ctx context.Context, admin *Session, email, adminCode string) (ReactivationCode, error) {
	var out ReactivationCode
	err := s.asAdmin(ctx, admin, "new reactivation code", strong, adminCode, func(tx Tx, a User, _ func() error) error {
		u, err := tx.UserByEmail(NormalizeEmail(email))
		if err != nil {
			return err
		}
		if u.ID == a.ID {
			return &Error{Code: EFORBIDDEN, Reason: ReasonSelfReset}
		}
		if err := notTampered(u, a); err != nil {
			return err
		}
		if err := s.notMadeBy(tx, a, u); err != nil {
			return err
		}
		if !u.AwaitsReactivation() {
			return &Error{Code: EINVALID, Reason: ReasonReactivationNotDue}
		}
		if out, err = s.giveReactivationCode(tx, &u, a.Email, s.now().UTC()); err != nil {
			return err
		}
		return tx.UpdateUser(u)
	})
	if err != nil {
		return ReactivationCode{}, err
	}
	return out, nil
}

// UseReactivationCode is the sign-in step StepReactivate: the code handed
// over in person. A right code is used up (journaled
// mfa.reactivation_code_used) and the sign-in goes on (the QR code). A
// wrong one is counted with the wrong sign-in codes: MaxFailedCodes in a
// row lock the account. An expired or voided code, or none at all, says
// so: only an administrator can help, in person.
func (s *Service) UseReactivationCode(ctx context.Context, sess *Session, input string) error {
	if sess.Step() != StepReactivate {
		return &Error{Code: EFORBIDDEN, Reason: ReasonMFAStep}
	}
	code, err := ParseReactivationCode(input)
	if err != nil {
		return err
	}
	var r reactivation
	err = s.codeAttempt(ctx, sess, func(u User, now time.Time) error {
		var ok bool
		switch r, ok = readReactivation(u.Reactivation); {
		case !u.AwaitsReactivation():
			return &Error{Code: EFORBIDDEN, Reason: ReasonMFAStep}
		case u.Locked(now):
			return &Error{Code: EUNAUTHORIZED, Reason: ReasonMFALocked, Until: u.LockedUntil}
		case !ok || r.used:
			return &Error{Code: EUNAUTHORIZED, Reason: ReasonReactivationMissing}
		case !now.Before(r.expires):
			// Nothing can succeed any more: not a guess, not counted.
			return &Error{Code: EUNAUTHORIZED, Reason: ReasonReactivationExpired, Until: r.expires}
		}
		return nil
	}, func(tx Tx, u *User, now time.Time) (error, error) {
		k, err := tx.(*sealTx).macKeys()
		if err != nil {
			return nil, err
		}
		h := k.reactivationHash(u.ID, code)
		if hmac.Equal(r.hash, h) {
			r.used = true
			u.Reactivation = r.encode()
			u.MFAFailures = 0
			return nil, tx.AppendAudit(s.audit(EventReactivationCodeUsed, u.Email, u.Email, ""))
		}
		refusal, err := s.codeFailure(tx, u, now, EventMFACodeFailed, "wrong reactivation code")
		if err != nil || ErrorReason(refusal) == ReasonMFALocked {
			return refusal, err
		}
		voided := false
		for _, v := range r.voided {
			voided = voided || hmac.Equal(v, h)
		}
		if voided {
			return &Error{Code: EUNAUTHORIZED, Reason: ReasonReactivationVoided}, nil
		}
		return &Error{Code: EUNAUTHORIZED, Reason: ReasonReactivationWrong}, nil
	})
	if err != nil {
		if ErrorReason(err) == ReasonMFALocked {
			sess.step = StepNone
		}
		return err
	}
	sess.reactivated = true
	sess.step = nextStep(sess.user, false, true)
	return nil
}
