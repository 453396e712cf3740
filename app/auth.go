package app

import (
	"context"
	"errors"
	"fmt"
	"time"
)

// Step is where a sign-in stands after the password was accepted.
type Step int

// Sign-in steps. The zero value is no step at all: a Session made outside
// this package is never signed in.
const (
	StepNone Step = iota
	// StepCode: multi-factor is on; a 6-digit code is needed.
	StepCode
	// StepEnroll: multi-factor is pending; the user scans the QR code and
	// confirms with a first code.
	StepEnroll
	// StepNewPassword: the password was set by someone else (import or an
	// administrator); the user must choose their own before going on.
	StepNewPassword
	// StepSignedIn: the user is in.
	StepSignedIn
)

// Session is a sign-in in progress or done, as handed to the screens.
// Services take it to know who acts. Its step can only be moved on by this
// package; User is a copy, refreshed with Service.Refresh.
type Session struct {
	User User
	step Step
	// codeAt is when this session last had a code accepted.
	codeAt time.Time
}

// Step returns where the sign-in stands.
func (s *Session) Step() Step {
	if s == nil {
		return StepNone
	}
	return s.step
}

// nextStep is what a user must still do after the steps done so far.
func nextStep(u User, codeDone bool) Step {
	switch {
	case u.MFA == MFAOn && !codeDone:
		return StepCode
	case u.MFA == MFAPending && !codeDone:
		return StepEnroll
	case u.MustChangePassword:
		return StepNewPassword
	}
	return StepSignedIn
}

// Login checks an e-mail and a password. Whatever the reason of a failure
// (unknown e-mail, wrong password), the error is the same and costs the same
// time: one argon2id verification. After MaxFailedLogins consecutive failures
// the account is locked for LockDuration; the lock is stored.
func (s *Service) Login(ctx context.Context, email, password string) (*Session, error) {
	email = NormalizeEmail(email)
	if len(email) > MaxEmailLen {
		email = email[:MaxEmailLen]
	}
	var u User
	err := s.view(ctx, func(tx Tx) error {
		var err error
		u, err = tx.UserByEmail(email)
		return err
	})
	known := err == nil
	if err != nil && !errors.Is(err, ErrNotFound) {
		return nil, err
	}
	now := s.now()
	locked := known && u.Locked(now)

	// Always exactly one verification, against the dummy hash when there is
	// nothing real to check, so timing does not tell accounts apart.
	hash := dummyHash
	if known && !locked {
		hash = u.PasswordHash
	}
	ok := len(password) <= MaxPasswordLen && VerifyPassword(password, hash) && known && !locked

	switch {
	case !known:
		_ = s.update(ctx, func(tx Tx) error {
			return tx.AppendAudit(s.audit(EventLoginFailed, "", email, "unknown e-mail"))
		})
		return nil, &Error{Code: EUNAUTHORIZED, Reason: ReasonBadCredentials}
	case locked:
		_ = s.update(ctx, func(tx Tx) error {
			return tx.AppendAudit(s.audit(EventLoginRefused, u.Email, u.Email, "account locked"))
		})
		return nil, &Error{Code: EUNAUTHORIZED, Reason: ReasonAccountLocked, Until: u.LockedUntil}
	case !ok:
		return nil, s.recordFailure(ctx, u.ID)
	}

	// Right password.
	var sess *Session
	err = s.update(ctx, func(tx Tx) error {
		cur, err := tx.UserByID(u.ID)
		if err != nil {
			return err
		}
		if cur.Disabled {
			// Rolled back: nothing changes; the refusal is journaled below.
			return &Error{Code: EUNAUTHORIZED, Reason: ReasonAccountDisabled}
		}
		cur.FailedLogins = 0
		cur.LockedUntil = time.Time{}
		if hashIsWeaker(cur.PasswordHash, s.argon2) {
			// Upgrade on the fly; the password is known right now.
			if h, err := HashPassword(password, s.argon2); err == nil {
				cur.PasswordHash = h
			}
		}
		cur.UpdatedAt = now
		if err := tx.UpdateUser(cur); err != nil {
			return err
		}
		sess = &Session{User: cur, step: nextStep(cur, false)}
		if sess.step == StepCode || sess.step == StepEnroll {
			return nil // login.succeeded comes with the code
		}
		return tx.AppendAudit(s.audit(EventLoginSucceeded, cur.Email, cur.Email, ""))
	})
	if err != nil {
		var ae *Error
		if errors.As(err, &ae) && ae.Reason == ReasonAccountDisabled {
			_ = s.update(ctx, func(tx Tx) error {
				return tx.AppendAudit(s.audit(EventLoginRefused, u.Email, u.Email, "account disabled"))
			})
		}
		return nil, err
	}
	return sess, nil
}

// recordFailure counts a wrong password and locks the account at the limit.
func (s *Service) recordFailure(ctx context.Context, id int64) error {
	result := &Error{Code: EUNAUTHORIZED, Reason: ReasonBadCredentials}
	err := s.update(ctx, func(tx Tx) error {
		u, err := tx.UserByID(id)
		if err != nil {
			return err
		}
		now := s.now()
		u.FailedLogins++
		if err := tx.AppendAudit(s.audit(EventLoginFailed, "", u.Email,
			fmt.Sprintf("wrong password (%d/%d)", u.FailedLogins, MaxFailedLogins))); err != nil {
			return err
		}
		if u.FailedLogins >= MaxFailedLogins {
			u.FailedLogins = 0
			u.LockedUntil = now.Add(LockDuration).UTC()
			result = &Error{Code: EUNAUTHORIZED, Reason: ReasonAccountLocked, Until: u.LockedUntil}
			if err := tx.AppendAudit(s.audit(EventLoginLocked, "", u.Email,
				fmt.Sprintf("locked until %s", u.LockedUntil.Format(time.RFC3339)))); err != nil {
				return err
			}
		}
		u.UpdatedAt = now
		return tx.UpdateUser(u)
	})
	if err != nil {
		return err
	}
	return result
}

// Logout records the end of a session. reason is EventLogout or
// EventIdleLock.
func (s *Service) Logout(ctx context.Context, sess *Session, reason string) error {
	if sess == nil {
		return nil
	}
	if reason != EventIdleLock {
		reason = EventLogout
	}
	return s.update(ctx, func(tx Tx) error {
		return tx.AppendAudit(s.audit(reason, sess.User.Email, sess.User.Email, ""))
	})
}

// Refresh reloads the session's user from storage (after a change made
// elsewhere, e.g. by an administrator). A disabled account ends the session.
func (s *Service) Refresh(ctx context.Context, sess *Session) error {
	if sess == nil {
		return &Error{Code: EUNAUTHORIZED, Reason: ReasonNotSignedIn}
	}
	return s.view(ctx, func(tx Tx) error {
		u, err := tx.UserByID(sess.User.ID)
		if err != nil {
			return err
		}
		if u.Disabled {
			return &Error{Code: EUNAUTHORIZED, Reason: ReasonAccountDisabled}
		}
		sess.User = u
		return nil
	})
}

// signedIn refreshes sess and checks it is a completed sign-in of an
// enabled account: every service acting for a user starts with it.
func (s *Service) signedIn(ctx context.Context, sess *Session) error {
	if sess.Step() != StepSignedIn {
		return &Error{Code: EUNAUTHORIZED, Reason: ReasonNotSignedIn}
	}
	return s.Refresh(ctx, sess)
}
