package app

import (
	"context"
	"fmt"
	"strconv"
	"time"
)

// EventMFAClockSkew: a refused code was the right one a few minutes away
// (FieldSkew: how many seconds this computer's clock seems ahead of the
// phone's, negative when behind).
const (
	EventMFAClockSkew = "mfa.clock_skew"
	FieldSkew         = "skew_seconds"
)

// RequestMFAActivation is a user sliding the multi-factor switch on in
// "Mon compte". It is a one-way door: the account becomes pending, the QR
// code is shown at the next sign-in, and nothing in this package lets a
// user turn their own multi-factor off (only an administrator reset, later).
// Asking again when already pending or on changes nothing.
func (s *Service) RequestMFAActivation(ctx context.Context, sess *Session) error {
	if err := s.signedIn(ctx, sess); err != nil {
		return err
	}
	return s.update(ctx, func(tx Tx) error {
		u, err := tx.UserByID(sess.user.ID)
		if err != nil {
			return err
		}
		if u.MFA != MFAOff {
			sess.user = u
			return nil
		}
		u.MFA = MFAPending
		u.UpdatedAt = s.now().UTC()
		if err := tx.UpdateUser(u); err != nil {
			return err
		}
		sess.user = u
		return tx.AppendAudit(s.audit(EventMFAActivationRequested, u.Email, u.Email, ""))
	})
}

// Enrollment is what the QR dialog shows.
type Enrollment struct {
	Secret  string    // base32, no padding: the key for manual entry
	URI     string    // otpauth://totp/… carried by the QR code
	Account string    // the account part of the authenticator entry
	Issuer  string    // "À petits pas"
	Expires time.Time // after this, a new secret is made
}

// BeginEnrollment returns the QR code's content for a StepEnroll session.
// The secret is made when the dialog is first shown and kept (sealed)
// for EnrollmentTTL: signing in again within that time shows the same QR.
func (s *Service) BeginEnrollment(ctx context.Context, sess *Session) (Enrollment, error) {
	if sess.Step() != StepEnroll {
		return Enrollment{}, &Error{Code: EFORBIDDEN, Reason: ReasonMFAStep}
	}
	var en Enrollment
	err := s.update(ctx, func(tx Tx) error {
		u, err := tx.UserByID(sess.user.ID)
		if err != nil {
			return err
		}
		if u.MFA != MFAPending {
			return &Error{Code: EFORBIDDEN, Reason: ReasonMFAStep}
		}
		daycare, _, err := tx.Setting(SettingDaycareName)
		if err != nil {
			return err
		}
		now := s.now().UTC()
		var secret string
		if u.MFASecret != nil && now.Sub(u.MFASecretSince) < EnrollmentTTL {
			if secret, err = s.openSecret(tx, u.ID, u.MFASecret); err != nil {
				return err
			}
		} else {
			if secret, err = NewTOTPSecret(); err != nil {
				return err
			}
			if u.MFASecret, err = s.sealSecret(tx, u.ID, secret); err != nil {
				return err
			}
			u.MFASecretSince = now
			u.UpdatedAt = now
			if err := tx.UpdateUser(u); err != nil {
				return err
			}
			if err := tx.AppendAudit(s.audit(EventMFASecretCreated, u.Email, u.Email, "QR code shown", kvTime(FieldUntil, now.Add(EnrollmentTTL)))); err != nil {
				return err
			}
		}
		account := AccountLabel(u, daycare)
		en = Enrollment{Secret: secret, URI: OTPAuthURI(account, secret), Account: account, Issuer: Issuer,
			Expires: u.MFASecretSince.Add(EnrollmentTTL)}
		sess.user = u
		return nil
	})
	return en, err
}

// ConfirmEnrollment checks the first code from the phone. Only a valid code
// turns multi-factor on; that code is then used up like any other.
func (s *Service) ConfirmEnrollment(ctx context.Context, sess *Session, input string) error {
	return s.checkCode(ctx, sess, StepEnroll, input)
}

// VerifyCode checks the code asked at every sign-in of a multi-factor
// account.
func (s *Service) VerifyCode(ctx context.Context, sess *Session, input string) error {
	return s.checkCode(ctx, sess, StepCode, input)
}

// checkCode is the one place where a code is judged. A code in the wrong
// format is refused before anything is checked or counted. A code is
// accepted once: its time step must be after the last accepted one.
// MaxFailedCodes wrong codes in a row lock the account.
func (s *Service) checkCode(ctx context.Context, sess *Session, step Step, input string) error {
	if sess.Step() != step {
		return &Error{Code: EFORBIDDEN, Reason: ReasonMFAStep}
	}
	code, err := ParseCode(input)
	if err != nil {
		return err
	}
	err = s.codeAttempt(ctx, sess, func(u User, now time.Time) error {
		wantState := MFAOn
		if step == StepEnroll {
			wantState = MFAPending
		}
		if u.MFA != wantState || u.MFASecret == nil {
			return &Error{Code: EFORBIDDEN, Reason: ReasonMFAStep}
		}
		if step == StepEnroll && now.Sub(u.MFASecretSince) >= EnrollmentTTL {
			return &Error{Code: EINVALID, Reason: ReasonEnrollExpired}
		}
		return nil
	}, func(tx Tx, u *User, now time.Time) (error, error) {
		if refusal, err := s.judgeCode(tx, u, code, now); refusal != nil || err != nil {
			return refusal, err
		}
		u.FailedLogins = 0
		event := EventMFACodeAccepted
		if step == StepEnroll {
			u.MFA = MFAOn
			u.Reactivation = nil // used, and done with
			event = EventMFAEnrolled
		}
		if err := tx.AppendAudit(s.audit(event, u.Email, u.Email, "")); err != nil {
			return nil, err
		}
		if err := tx.AppendAudit(s.audit(EventLoginSucceeded, u.Email, u.Email, "password + code", kv(FieldVia, ViaPasswordCode))); err != nil {
			return nil, err
		}
		if step == StepEnroll {
			return nil, s.giveRecoveryCodes(tx, u, sess)
		}
		return nil, nil
	})
	if err != nil {
		return err
	}
	sess.step = nextStep(sess.user, true, sess.reactivated)
	sess.codeAt = s.now()
	return nil
}

// codeAttempt is the frame of every check of a code the signed-in person
// types (the sign-in code, a recovery or reactivation code, the old and
// the new phone's codes). In one write transaction it reads her account
// and refuses it when disabled or tampered, then when admit says so
// (admit may be nil), then when locked; these refusals change nothing.
// Only then does judge look at the code: it updates the account (a
// failure counted toward the lock with codeFailure, the step used, the
// events) and returns the refusal, if any; the account is written back
// and into sess either way. The error returned is the refusal or a
// storage error.
func (s *Service) codeAttempt(ctx context.Context, sess *Session, admit func(u User, now time.Time) error,
	judge func(tx Tx, u *User, now time.Time) (refusal, err error)) error {
	var result error
	err := s.update(ctx, func(tx Tx) error {
		u, err := tx.UserByID(sess.user.ID)
		if err != nil {
			return err
		}
		now := s.now().UTC()
		switch {
		case u.Disabled:
			return &Error{Code: EUNAUTHORIZED, Reason: ReasonAccountDisabled}
		case u.Tampered:
			return &Error{Code: EUNAUTHORIZED, Reason: ReasonAccountTampered}
		}
		if admit != nil {
			if result = admit(u, now); result != nil {
				return nil
			}
		}
		if u.Locked(now) {
			result = &Error{Code: EUNAUTHORIZED, Reason: ReasonMFALocked, Until: u.LockedUntil}
			return nil
		}
		if result, err = judge(tx, &u, now); err != nil {
			return err
		}
		u.UpdatedAt = now
		if err := tx.UpdateUser(u); err != nil {
			return err
		}
		sess.user = u
		return nil
	})
	if err != nil {
		return err
	}
	return result
}

// judgeCode checks a well-formed code against u's secret at now. It
// updates u (the caller writes it): the last accepted step on success, the
// failure count and lock otherwise. A refusal is returned as the first
// value (journaled already); the second is a storage or key error.
func (s *Service) judgeCode(tx Tx, u *User, code string, now time.Time) (error, error) {
	if u.Locked(now) {
		return &Error{Code: EUNAUTHORIZED, Reason: ReasonMFALocked, Until: u.LockedUntil}, nil
	}
	secret, err := s.openSecret(tx, u.ID, u.MFASecret)
	if err != nil {
		return nil, err
	}
	matched, ok := matchCode(secret, code, now)
	switch {
	case !ok:
		refusal, err := s.codeFailure(tx, u, now, EventMFACodeFailed, "wrong code")
		if err != nil {
			return nil, err
		}
		return s.clockSkewRefusal(tx, u, secret, code, now, refusal)
	case matched <= u.MFALastStep:
		if err := tx.AppendAudit(s.audit(EventMFACodeReplayed, u.Email, u.Email, "")); err != nil {
			return nil, err
		}
		return &Error{Code: EUNAUTHORIZED, Reason: ReasonCodeReplayed}, nil
	}
	u.MFALastStep = matched
	u.MFAFailures = 0
	return nil, nil
}

// clockSkewRefusal looks whether a wrong code, already counted, is the
// right one a few minutes away (clockSkewOf): then a clock is off, most
// likely this computer's. The event mfa.clock_skew is journaled with the
// skew in seconds, and, unless this failure locked the account, the
// refusal carries it (Error.Skew): the faces say by how much instead of
// « code incorrect ». The code stays refused and counted all the same.
func (s *Service) clockSkewRefusal(tx Tx, u *User, secret, code string, now time.Time, refusal error) (error, error) {
	skew, found := clockSkewOf(secret, code, now)
	if !found {
		return refusal, nil
	}
	secs := int64(skew / time.Second)
	if err := tx.AppendAudit(s.audit(EventMFAClockSkew, u.Email, u.Email,
		fmt.Sprintf("code refused: this computer's clock seems %+d s off the phone's", secs),
		kv(FieldSkew, strconv.FormatInt(secs, 10)))); err != nil {
		return nil, err
	}
	if e, ok := refusal.(*Error); ok && (e.Reason == ReasonCodeWrong || e.Reason == ReasonCodeWrongClock) {
		e.Skew = skew
	}
	return refusal, nil
}

// codeFailure counts a wrong code, TOTP or recovery (the caller writes u),
// journaled as event, and returns the refusal to show: a lock at the
// tenth; for TOTP codes a hint about the phone's clock from the third.
func (s *Service) codeFailure(tx Tx, u *User, now time.Time, event, what string) (error, error) {
	u.MFAFailures++
	detail := fmt.Sprintf("%s (%d/%d)", what, u.MFAFailures, MaxFailedCodes)
	if err := tx.AppendAudit(s.audit(event, u.Email, u.Email, detail,
		kv(FieldAttempt, strconv.Itoa(u.MFAFailures)), kv(FieldMax, strconv.Itoa(MaxFailedCodes)))); err != nil {
		return nil, err
	}
	if u.MFAFailures >= MaxFailedCodes {
		u.MFAFailures = 0
		u.LockedUntil = now.Add(LockDuration)
		if err := tx.AppendAudit(s.audit(EventMFALocked, u.Email, u.Email,
			"locked until "+u.LockedUntil.Format(time.RFC3339), kvTime(FieldUntil, u.LockedUntil))); err != nil {
			return nil, err
		}
		return &Error{Code: EUNAUTHORIZED, Reason: ReasonMFALocked, Until: u.LockedUntil}, nil
	}
	switch {
	case event == EventRecoveryCodeFailed:
		return &Error{Code: EUNAUTHORIZED, Reason: ReasonRecoveryWrong}, nil
	case u.MFAFailures >= ClockHintAfter:
		return &Error{Code: EUNAUTHORIZED, Reason: ReasonCodeWrongClock}, nil
	}
	return &Error{Code: EUNAUTHORIZED, Reason: ReasonCodeWrong}, nil
}
