package app

import (
	"context"
	"errors"
	"fmt"
	"strconv"
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
	// StepReactivate: multi-factor is pending after a reset; the
	// reactivation code handed over in person comes before the QR code
	// (reactivation.go).
	StepReactivate
)

// Session is a sign-in in progress or done, as handed to the screens.
// Services take it to know who acts. Nothing outside this package can
// change whom it speaks for or how far the sign-in went: its fields are
// unexported, User returns a copy, and every service reloads the account
// from storage by the session's own ID.
type Session struct {
	user User
	step Step
	// codeAt is when this session last had a code accepted.
	codeAt time.Time
	// reactivated: a reactivation code was accepted in this sign-in.
	reactivated bool
	// recovery holds recovery codes just made, until TakeRecoveryCodes.
	recovery []string
	// pwWrap seals the recovery codes made in this session under the
	// administrator's password (derived at sign-in, recoverywrap.go).
	pwWrap *pwWrap
	// phone is a change of phone begun in this sign-in (phonechange.go):
	// its new secret lives here only, never in the account, until it is
	// confirmed; the session's end drops it.
	phone *phoneChange
}

// User returns a copy of the signed-in account as last read, without its
// password hash, sealed secret or MAC.
func (s *Session) User() User {
	if s == nil {
		return User{}
	}
	u := s.user
	u.PasswordHash, u.MFASecret, u.MAC, u.Reactivation = "", nil, nil, nil
	return u
}

// Step returns where the sign-in stands.
func (s *Session) Step() Step {
	if s == nil {
		return StepNone
	}
	return s.step
}

// nextStep is what a user must still do after the steps done so far, in
// the order a person expects: the code of an AMF already on (the second
// factor before anything else), or the reactivation code of an AMF reset
// (before anything else too: the QR code never shows without it), then
// her own password in place of a temporary one, then the QR code of an
// AMF to set up, then in.
func nextStep(u User, codeDone, reactivated bool) Step {
	switch {
	case u.MFA == MFAOn && !codeDone:
		return StepCode
	case u.AwaitsReactivation() && !codeDone && !reactivated:
		return StepReactivate
	case u.MustChangePassword:
		return StepNewPassword
	case u.MFA == MFAPending && !codeDone:
		return StepEnroll
	}
	return StepSignedIn
}

// Login checks an e-mail and a password. Whatever the reason of a failure
// (unknown e-mail, wrong password, locked account, a password too long to
// be one), the error is the same and costs the same work: two write
// transactions and one argon2id verification.
//
// The lockout holds under any concurrency (goroutines or processes): an
// attempt is counted before it is judged, in the same write transaction
// that checks the lock, so at most MaxFailedLogins guesses are judged per
// LockDuration; and a right password clears only a lock its own attempt
// set, never one a parallel failure had just set.
func (s *Service) Login(ctx context.Context, email, password string) (*Session, error) {
	email = NormalizeEmail(email)
	if len(email) > MaxEmailLen {
		email = email[:MaxEmailLen]
	}
	a, err := s.beginAttempt(ctx, email, func(tx Tx) (User, error) { return tx.UserByEmail(email) })
	if err != nil {
		return nil, err
	}
	ok := a.judge(password)
	var sess *Session
	err = s.update(ctx, func(tx Tx) error {
		if !ok {
			return s.attemptFailed(tx, a, EventLoginFailed, "")
		}
		cur, err := s.attemptSucceeded(tx, a, password)
		if err != nil || a.refused != nil {
			return err
		}
		sess = &Session{user: cur, step: nextStep(cur, false, false)}
		if sess.step == StepCode || sess.step == StepEnroll || sess.step == StepReactivate {
			return nil // login.succeeded comes with the code
		}
		return tx.AppendAudit(s.audit(EventLoginSucceeded, cur.Email, cur.Email, "", kv(FieldVia, ViaPassword)))
	})
	if err != nil {
		return nil, err
	}
	if !ok || a.refused != nil {
		return nil, a.refusal()
	}
	if sess.user.Role == RoleAdmin && (sess.step == StepEnroll || sess.step == StepReactivate) {
		// Her recovery codes, made when this enrollment ends, are sealed
		// under her password too (recoverywrap.go).
		if sess.pwWrap, err = newPWWrap(password, "", s.argon2); err != nil {
			return nil, &Error{Code: EINTERNAL, Reason: ReasonStorage, Err: err}
		}
	}
	return sess, nil
}

// attempt is one password check, counted before it is judged.
type attempt struct {
	// dummy is the hash judged when there is nothing real to check.
	dummy string
	kind  attemptKind
	user  User
	// slot is this attempt's number among consecutive failures (1…10).
	slot int
	// lockedUntil is set when this attempt, the last one allowed, set
	// the lock.
	lockedUntil time.Time
	// fingerprint names an unknown account in the journal.
	fingerprint string
	// refused is the refusal decided before any judging.
	refused *Error
}

type attemptKind int

const (
	attemptJudged  attemptKind = iota // a real account, counted: judge it
	attemptUnknown                    // no such account
	attemptRefused                    // locked, tampered: refused unjudged
)

// beginAttempt finds the account, checks its lock and counts the attempt,
// all in one write transaction.
// typed is what names the account (for the fingerprint of an unknown one).
func (s *Service) beginAttempt(ctx context.Context, typed string, find func(Tx) (User, error)) (*attempt, error) {
	a := &attempt{dummy: s.dummy}
	err := s.update(ctx, func(tx Tx) error {
		u, err := find(tx)
		if errors.Is(err, ErrNotFound) {
			k, err := tx.(*sealTx).macKeys()
			if err != nil {
				return err
			}
			a.kind = attemptUnknown
			a.fingerprint = k.Fingerprint(typed)
			return nil
		}
		if err != nil {
			return err
		}
		a.user = u
		now := s.now().UTC()
		switch {
		case u.Tampered:
			if _, err := tx.(*sealTx).macKeys(); err != nil {
				return err // no key: nothing can be vouched for
			}
			a.kind, a.refused = attemptRefused, &Error{Code: EUNAUTHORIZED, Reason: ReasonAccountTampered}
			if tx.(*sealTx).rootProblem != RootOK {
				// Not this account: the state root vouches for none.
				a.refused.Detail = ReasonStateRoot
			}
			return nil
		case u.Locked(now):
			a.kind, a.refused = attemptRefused, &Error{Code: EUNAUTHORIZED, Reason: ReasonAccountLocked, Until: u.LockedUntil}
			return nil
		}
		u.FailedLogins++
		a.slot = u.FailedLogins
		if u.FailedLogins >= MaxFailedLogins {
			u.FailedLogins = 0
			u.LockedUntil = now.Add(LockDuration).Truncate(time.Millisecond)
			a.lockedUntil = u.LockedUntil
		}
		u.UpdatedAt = now
		return tx.UpdateUser(u)
	})
	return a, err
}

// judge runs the one argon2id verification of every attempt, against the
// dummy hash when there is nothing real to check.
func (a *attempt) judge(password string) bool {
	tooLong := len(password) > MaxPasswordLen
	if tooLong {
		password = password[:MaxPasswordLen]
	}
	hash := a.dummy
	if a.kind == attemptJudged {
		hash = a.user.PasswordHash
	}
	ok := VerifyPassword(password, hash)
	return ok && a.kind == attemptJudged && !tooLong
}

// refusal is the error a failed attempt returns.
func (a *attempt) refusal() error {
	switch {
	case a.refused != nil:
		return a.refused
	case !a.lockedUntil.IsZero():
		return &Error{Code: EUNAUTHORIZED, Reason: ReasonAccountLocked, Until: a.lockedUntil}
	}
	return &Error{Code: EUNAUTHORIZED, Reason: ReasonBadCredentials}
}

// attemptFailed journals a failed attempt. event is login.failed or
// password.change_failed.
func (s *Service) attemptFailed(tx Tx, a *attempt, event, actor string) error {
	u := a.user
	switch a.kind {
	case attemptUnknown:
		// Never what was typed: people type passwords in this field.
		return tx.AppendAudit(s.audit(event, "", "", "unknown account #"+a.fingerprint,
			kv(FieldReason, ValueUnknownAccount), kv(FieldFingerprint, a.fingerprint)))
	case attemptRefused:
		detail, reason := "account locked", ReasonAccountLocked
		if a.refused.Reason == ReasonAccountTampered {
			if err := tx.AppendAudit(s.audit(EventAccountTampered, "", u.Email, "sign-in refused: changed outside the application",
				kv(FieldWhere, WhereSignIn))); err != nil {
				return err
			}
			detail, reason = "account changed outside the application", ReasonAccountTampered
		}
		return tx.AppendAudit(s.audit(EventLoginRefused, actor, u.Email, detail, kv(FieldReason, reason)))
	}
	if err := tx.AppendAudit(s.audit(event, actor, u.Email,
		fmt.Sprintf("wrong password (%d/%d)", a.slot, MaxFailedLogins),
		kv(FieldReason, ReasonBadCredentials), kv(FieldAttempt, strconv.Itoa(a.slot)), kv(FieldMax, strconv.Itoa(MaxFailedLogins)))); err != nil {
		return err
	}
	if a.lockedUntil.IsZero() {
		return nil
	}
	return tx.AppendAudit(s.audit(EventLoginLocked, "", u.Email,
		"locked until "+a.lockedUntil.Format(time.RFC3339), kvTime(FieldUntil, a.lockedUntil)))
}

// attemptSucceeded ends a right-password attempt: the failure count is
// cleared and so is a lock this very attempt set; a lock set meanwhile by
// a parallel failure stands.
func (s *Service) attemptSucceeded(tx Tx, a *attempt, password string) (User, error) {
	cur, err := tx.UserByID(a.user.ID)
	if err != nil {
		return User{}, err
	}
	now := s.now().UTC()
	switch {
	case cur.Tampered:
		a.refused = &Error{Code: EUNAUTHORIZED, Reason: ReasonAccountTampered}
	case cur.Locked(now) && !cur.LockedUntil.Equal(a.lockedUntil):
		a.refused = &Error{Code: EUNAUTHORIZED, Reason: ReasonAccountLocked, Until: cur.LockedUntil}
	case cur.Disabled:
		a.refused = &Error{Code: EUNAUTHORIZED, Reason: ReasonAccountDisabled}
	}
	if a.refused != nil {
		a.kind = attemptRefused
		detail, reason := "account disabled", ReasonAccountDisabled
		if a.refused.Reason != ReasonAccountDisabled {
			detail, reason = "account locked", ReasonAccountLocked
		}
		if a.refused.Reason == ReasonAccountTampered {
			detail, reason = "account changed outside the application", ReasonAccountTampered
		}
		if err := tx.AppendAudit(s.audit(EventLoginRefused, cur.Email, cur.Email, detail, kv(FieldReason, reason))); err != nil {
			return User{}, err
		}
		return User{}, nil // committed: the caller returns a.refusal()
	}
	cur.FailedLogins = 0
	cur.LockedUntil = time.Time{}
	if hashIsWeaker(cur.PasswordHash, s.argon2) {
		// Upgrade on the fly; the password is known right now.
		if h, err := HashPassword(password, s.argon2); err == nil {
			cur.PasswordHash = h
		}
	}
	if cur.Role == RoleAdmin && needsPasswordWrap(cur) {
		// Her recovery codes' wrap key is sealed under her password now
		// that it is known (a set made at enrollment, or brought from an
		// older version, or her password changed by another).
		if err := s.rewrapWith(tx, &cur, password); err != nil {
			return User{}, err
		}
	}
	cur.UpdatedAt = now
	if err := tx.UpdateUser(cur); err != nil {
		return User{}, err
	}
	return cur, nil
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
		return tx.AppendAudit(s.audit(reason, sess.user.Email, sess.user.Email, ""))
	})
}

// Refresh reloads the session's user from storage (after a change made
// elsewhere, e.g. by an administrator). A disabled account ends the session.
func (s *Service) Refresh(ctx context.Context, sess *Session) error {
	if sess == nil {
		return &Error{Code: EUNAUTHORIZED, Reason: ReasonNotSignedIn}
	}
	return s.view(ctx, func(tx Tx) error {
		u, err := tx.UserByID(sess.user.ID)
		if err != nil {
			return err
		}
		if u.Disabled {
			return &Error{Code: EUNAUTHORIZED, Reason: ReasonAccountDisabled}
		}
		if u.Tampered {
			return &Error{Code: EUNAUTHORIZED, Reason: ReasonAccountTampered}
		}
		sess.user = u
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
