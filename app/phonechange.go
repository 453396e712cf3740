package app

import (
	"context"
	"crypto/sha256"
	"crypto/subtle"
	"time"
)

// « Changer de téléphone » (NIST SP 800-63B-4 §3.1.4.1): a person whose
// AMF is on moves it to a new phone by herself, without an administrator
// and without her AMF ever being off.
//
//  1. BeginPhoneChange: her password (counted with the sign-in lockout)
//     and a current code from the old phone, or, for an administrator, one
//     of her recovery codes (used up, as everywhere). A new secret is made
//     and kept in the session only (server side: the service's memory),
//     never in the account; the QR code (URI) is returned once.
//  2. ConfirmPhoneChange: a code from the new phone. In one write
//     transaction the new secret, sealed, replaces the old one, which is
//     gone; mfa.device_replaced is journaled (who, when, how the old phone
//     was proven; never a secret).
//
// Until step 2 succeeds the old phone keeps working: abandoning at any
// point (CancelPhoneChange, a closed window, the session's end) drops the
// pending secret and changes nothing. Two changes racing for one account
// (two sign-ins) cannot both win: each remembers which sealed secret its
// proof was made against, and the second to confirm finds it replaced
// (ReasonPhoneChangeStale).

// EventMFADeviceReplaced: the AMF moved to a new phone (FieldVia:
// ViaOldPhoneCode or ViaRecoveryCodeOnly: what proved the old phone).
const (
	EventMFADeviceReplaced = "mfa.device_replaced"
)

// Values of FieldVia for EventMFADeviceReplaced (and the recovery code
// used for it).
const (
	ViaOldPhoneCode     = "old_phone_code"
	ViaRecoveryCodeOnly = "recovery_code"
	ViaPhoneChange      = "phone_change"
)

// Reasons of a phone change.
const (
	// ReasonPhoneChangeMFAOff: there is no phone to change (AMF off or
	// still to set up).
	ReasonPhoneChangeMFAOff = "phone_change_mfa_off"
	// ReasonPhoneChangeNone: no change in progress in this sign-in (never
	// begun, abandoned, or expired): start again.
	ReasonPhoneChangeNone = "phone_change_none"
	// ReasonPhoneChangeExpired: the new QR code is older than
	// EnrollmentTTL; nothing was changed.
	ReasonPhoneChangeExpired = "phone_change_expired"
	// ReasonPhoneChangeStale: the phone was changed meanwhile (another
	// sign-in, an administrator's reset): this change is void.
	ReasonPhoneChangeStale = "phone_change_stale"
)

// phoneChange is a change begun in a session: the new secret (server side
// only) and what it replaces.
type phoneChange struct {
	secret string
	// was is the digest of the sealed secret the old phone's proof was
	// made against.
	was   [sha256.Size]byte
	begun time.Time
	via   string
}

func sealedDigest(sealed []byte) [sha256.Size]byte { return sha256.Sum256(sealed) }

// phoneChangeFor is whether u may change her phone now, and why not.
func phoneChangeFor(u User, now time.Time) Permission {
	switch {
	case u.Tampered:
		return refuse(ReasonAccountTampered, true)
	case u.MFA != MFAOn || u.MFASecret == nil:
		return refuse(ReasonPhoneChangeMFAOff, true)
	case u.Locked(now):
		return refuse(ReasonAccountLocked, true)
	}
	return allow(true)
}

// phoneChangeRefusal is the error of a refused permission.
func phoneChangeRefusal(p Permission, u User) error {
	switch p.Reason {
	case ReasonAccountLocked:
		return &Error{Code: EUNAUTHORIZED, Reason: ReasonAccountLocked, Until: u.LockedUntil}
	case ReasonAccountTampered:
		return &Error{Code: EUNAUTHORIZED, Reason: ReasonAccountTampered}
	}
	return &Error{Code: EFORBIDDEN, Reason: p.Reason}
}

// OwnActions is what the signed-in person may do on her own account
// (Mon compte).
func (s *Service) OwnActions(ctx context.Context, sess *Session) (OwnActions, error) {
	if err := s.signedIn(ctx, sess); err != nil {
		return OwnActions{}, err
	}
	return ownActions(sess.user, s.now().UTC()), nil
}

// BeginPhoneChange is step 1: password and the old phone's code (or an
// administrator's recovery code). It returns the new QR code; nothing in
// the account changes but what any code or password attempt changes (the
// counts, the code's step, a recovery code used).
func (s *Service) BeginPhoneChange(ctx context.Context, sess *Session, password, input string) (Enrollment, error) {
	if err := s.signedIn(ctx, sess); err != nil {
		return Enrollment{}, err
	}
	sess.phone = nil // a new attempt voids any earlier one
	now := s.now().UTC()
	if p := phoneChangeFor(sess.user, now); !p.Allowed {
		return Enrollment{}, phoneChangeRefusal(p, sess.user)
	}
	// The code's form first: a typing slip costs no attempt.
	code, err := ParseCode(input)
	recovery := false
	if err != nil {
		rc, rerr := ParseRecoveryCode(input)
		if rerr != nil {
			return Enrollment{}, err
		}
		if sess.user.Role != RoleAdmin {
			return Enrollment{}, &Error{Code: EFORBIDDEN, Reason: ReasonRecoveryNotAdmin}
		}
		code, recovery = rc, true
	}
	if err := s.confirmPassword(ctx, sess, password); err != nil {
		return Enrollment{}, err
	}
	secret, err := NewTOTPSecret()
	if err != nil {
		return Enrollment{}, &Error{Code: EINTERNAL, Reason: ReasonStorage, Err: err}
	}
	var en Enrollment
	var pending *phoneChange
	via := ViaOldPhoneCode
	if recovery {
		via = ViaRecoveryCodeOnly
	}
	err = s.codeAttempt(ctx, sess, func(u User, now time.Time) error {
		if p := phoneChangeFor(u, now); !p.Allowed {
			return phoneChangeRefusal(p, u)
		}
		if recovery && u.Role != RoleAdmin {
			return &Error{Code: EFORBIDDEN, Reason: ReasonRecoveryNotAdmin}
		}
		return nil
	}, func(tx Tx, u *User, now time.Time) (refusal, err error) {
		if recovery {
			refusal, err = s.judgeRecovery(tx, u, code, now, ViaPhoneChange)
		} else {
			refusal, err = s.judgeCode(tx, u, code, now)
		}
		if refusal != nil || err != nil {
			return refusal, err
		}
		daycare, _, err := tx.Setting(SettingDaycareName)
		if err != nil {
			return nil, err
		}
		account := AccountLabel(*u, daycare)
		en = Enrollment{Secret: secret, URI: OTPAuthURI(account, secret), Account: account, Issuer: Issuer,
			Expires: now.Add(EnrollmentTTL)}
		pending = &phoneChange{secret: secret, was: sealedDigest(u.MFASecret), begun: now, via: via}
		return nil, nil
	})
	if err != nil {
		return Enrollment{}, err
	}
	sess.phone = pending
	if !recovery {
		sess.codeAt = s.now()
	}
	return en, nil
}

// ConfirmPhoneChange is step 2: a code from the new phone. A right one
// replaces the old secret by the new one in one write transaction; a
// wrong one is counted like any wrong code (with the sign-in's hint when
// it is right a few minutes away: Error.Skew) and the change stays
// pending (until it expires). A change made void (expired, or the phone changed
// meanwhile) is dropped.
func (s *Service) ConfirmPhoneChange(ctx context.Context, sess *Session, input string) error {
	if err := s.signedIn(ctx, sess); err != nil {
		return err
	}
	pc := sess.phone
	if pc == nil {
		return &Error{Code: EINVALID, Reason: ReasonPhoneChangeNone}
	}
	now := s.now().UTC()
	if now.Sub(pc.begun) >= EnrollmentTTL || now.Before(pc.begun) {
		sess.phone = nil
		return &Error{Code: EINVALID, Reason: ReasonPhoneChangeExpired}
	}
	code, err := ParseCode(input)
	if err != nil {
		return err
	}
	drop := false
	err = s.codeAttempt(ctx, sess, func(u User, now time.Time) error {
		if p := phoneChangeFor(u, now); !p.Allowed {
			drop = p.Reason != ReasonAccountLocked
			if p.Reason == ReasonPhoneChangeMFAOff {
				return &Error{Code: EINVALID, Reason: ReasonPhoneChangeStale}
			}
			return phoneChangeRefusal(p, u)
		}
		if cur := sealedDigest(u.MFASecret); subtle.ConstantTimeCompare(cur[:], pc.was[:]) != 1 {
			drop = true
			return &Error{Code: EINVALID, Reason: ReasonPhoneChangeStale}
		}
		return nil
	}, func(tx Tx, u *User, now time.Time) (error, error) {
		matched, ok := matchCode(pc.secret, code, now)
		if !ok {
			// As at the sign-in: the new phone's clock a few minutes
			// off is said (Error.Skew, mfa.clock_skew), the code still
			// refused and counted.
			refusal, err := s.codeFailure(tx, u, now, EventMFACodeFailed, "wrong code from the new phone")
			if err != nil {
				return nil, err
			}
			return s.clockSkewRefusal(tx, u, pc.secret, code, now, refusal)
		}
		sealed, err := s.sealSecret(tx, u.ID, pc.secret)
		if err != nil {
			return nil, err
		}
		u.MFASecret, u.MFASecretSince = sealed, now
		u.MFALastStep = max(u.MFALastStep, matched)
		u.MFAFailures = 0
		return nil, tx.AppendAudit(s.audit(EventMFADeviceReplaced, u.Email, u.Email, "AMF moved to a new phone",
			kv(FieldVia, pc.via)))
	})
	if drop || ErrorReason(err) == ReasonAccountTampered {
		sess.phone = nil
	}
	if err != nil {
		return err
	}
	sess.phone = nil
	sess.codeAt = s.now()
	return nil
}

// CancelPhoneChange drops a change in progress: nothing was changed.
func (s *Service) CancelPhoneChange(ctx context.Context, sess *Session) error {
	if sess == nil {
		return &Error{Code: EUNAUTHORIZED, Reason: ReasonNotSignedIn}
	}
	sess.phone = nil
	return nil
}
