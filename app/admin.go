package app

import (
	"context"
	"errors"
	"time"
)

// The administration services. Every one runs through asAdmin, which
// checks the acting administrator inside the same write transaction as
// the change: two administrators acting at once (in two processes) each
// see the other's committed work, so "at least one enabled administrator"
// and the like hold under any concurrency.

// Strength says what an administrative action asks of the administrator.
type strength int

const (
	// plain: a signed-in, enabled administrator.
	plain strength = iota
	// strong: also the administrator's own multi-factor on, confirmed by a
	// current code or one accepted in this session less than
	// FreshCodeWindow ago. Resetting someone's MFA, changing the staff
	// policy, creating or promoting an administrator, and any action on
	// another administrator's account are strong.
	strong
)

// FreshCodeWindow: a code accepted this recently in the same session
// confirms an administrative action (the command-line tool signs in and
// acts at once).
const FreshCodeWindow = 2 * time.Minute

// asAdmin runs fn in one write transaction after checking, in that
// transaction, that sess is a completed sign-in of an enabled, untampered
// administrator (and for strong actions, the code). fn may raise the
// strength it needs (an action on another administrator) by calling
// confirm. A wrong code is counted and journaled, and nothing else is
// done. Refusals are journaled as authz.denied.
func (s *Service) asAdmin(ctx context.Context, sess *Session, action string, need strength, code string,
	fn func(tx Tx, admin User, confirm func() error) error) error {
	if sess.Step() != StepSignedIn {
		return &Error{Code: EUNAUTHORIZED, Reason: ReasonNotSignedIn}
	}
	var refusal error
	err := s.update(ctx, func(tx Tx) error {
		a, err := tx.UserByID(sess.user.ID)
		if err != nil {
			return err
		}
		switch {
		case a.Disabled:
			return &Error{Code: EUNAUTHORIZED, Reason: ReasonAccountDisabled}
		case a.Tampered:
			return &Error{Code: EUNAUTHORIZED, Reason: ReasonAccountTampered}
		case a.Role != RoleAdmin:
			return &Error{Code: EFORBIDDEN, Reason: ReasonNotAdmin}
		}
		confirmed := false
		confirm := func() error {
			if confirmed {
				return nil
			}
			if a.MFA != MFAOn {
				return &Error{Code: EFORBIDDEN, Reason: ReasonAdminMFARequired}
			}
			now := s.now().UTC()
			fresh := !sess.codeAt.IsZero() && now.Sub(sess.codeAt) >= 0 && now.Sub(sess.codeAt) < FreshCodeWindow
			if code == "" && fresh {
				confirmed = true
				return nil
			}
			c, err := ParseCode(code)
			if err != nil {
				return &Error{Code: EUNAUTHORIZED, Reason: ReasonAdminCodeRequired}
			}
			r, err := s.judgeCode(tx, &a, c, now)
			if err != nil {
				return err
			}
			a.UpdatedAt = now
			if err := tx.UpdateUser(a); err != nil {
				return err
			}
			if r != nil {
				refusal = r
				return errCodeRefused
			}
			sess.codeAt = now
			confirmed = true
			return nil
		}
		if need == strong {
			if err := confirm(); err != nil {
				return err
			}
		}
		sess.user = a
		return fn(tx, a, confirm)
	})
	if err == errCodeRefused {
		// The wrong code must be counted: do it again, alone, and commit.
		return s.countAdminCode(ctx, sess, code, refusal)
	}
	if err != nil {
		switch ErrorReason(err) {
		case ReasonNotAdmin, ReasonAdminMFARequired, ReasonSelfReset, ReasonSelfDisable, ReasonSelfPassword,
			ReasonSelfRole, ReasonLastAdmin, ReasonAdminCodeRequired, ReasonResetByOwnAdmin, ReasonSelfErase:
			s.deny(ctx, sess.user.Email, "", action+": "+ErrorReason(err), kv(FieldAction, action), kv(FieldReason, ErrorReason(err)))
		}
	}
	return err
}

// errCodeRefused rolls back an action whose confirming code was wrong.
var errCodeRefused = &Error{Code: EUNAUTHORIZED, Reason: ReasonCodeWrong}

// countAdminCode judges a refused confirming code once more in a
// transaction of its own that is committed, so that the failure counts
// toward the lock like any wrong code (the action itself was rolled back).
func (s *Service) countAdminCode(ctx context.Context, sess *Session, code string, refusal error) error {
	c, _ := ParseCode(code)
	err := s.update(ctx, func(tx Tx) error {
		a, err := tx.UserByID(sess.user.ID)
		if err != nil {
			return err
		}
		now := s.now().UTC()
		r, err := s.judgeCode(tx, &a, c, now)
		if err != nil {
			return err
		}
		if r != nil {
			refusal = r
		}
		a.UpdatedAt = now
		return tx.UpdateUser(a)
	})
	if err != nil {
		return err
	}
	return refusal
}

// deny journals a refused administrative action (fields: its action and
// reason).
func (s *Service) deny(ctx context.Context, actor, target, detail string, fields ...AuditField) {
	_ = s.update(ctx, func(tx Tx) error {
		return tx.AppendAudit(s.audit(EventAuthzDenied, actor, target, detail, fields...))
	})
}

// requireAdmin checks, for a read, that sess is a signed-in administrator.
func (s *Service) requireAdmin(ctx context.Context, sess *Session, action string) error {
	if err := s.signedIn(ctx, sess); err != nil {
		return err
	}
	if sess.user.Role != RoleAdmin {
		s.deny(ctx, sess.user.Email, "", action+": not_admin", kv(FieldAction, action), kv(FieldReason, ReasonNotAdmin))
		return &Error{Code: EFORBIDDEN, Reason: ReasonNotAdmin}
	}
	return nil
}

// CodeRequired reports whether a strong administrative action by sess
// needs a code typed now (no code was accepted in the last
// FreshCodeWindow). Screens use it to show the code field.
func (s *Service) CodeRequired(sess *Session) bool {
	if sess == nil {
		return true
	}
	now := s.now()
	return sess.codeAt.IsZero() || now.Sub(sess.codeAt) >= FreshCodeWindow || now.Before(sess.codeAt)
}

// SignInAdmin checks an administrator's credentials for the command-line
// tool: the password, then the current code when their multi-factor is on.
// It counts failures and locks exactly like the sign-in screen.
func (s *Service) SignInAdmin(ctx context.Context, email, password, code string) (*Session, error) {
	sess, err := s.Login(ctx, email, password)
	if err != nil {
		return nil, err
	}
	switch sess.Step() {
	case StepCode:
		if code == "" {
			return nil, &Error{Code: EUNAUTHORIZED, Reason: ReasonAdminCodeRequired}
		}
		if err := s.VerifyCode(ctx, sess, code); err != nil {
			return nil, err
		}
	case StepEnroll, StepReactivate:
		// Multi-factor is pending: scan the QR code in the application first
		// (after the reactivation code of a reset).
		return nil, &Error{Code: EFORBIDDEN, Reason: ReasonEnrollFirst}
	case StepNewPassword:
		return nil, &Error{Code: EFORBIDDEN, Reason: ReasonNewPasswordFirst}
	}
	if sess.Step() != StepSignedIn {
		return nil, &Error{Code: EFORBIDDEN, Reason: ReasonMFAStep}
	}
	if sess.user.Role != RoleAdmin {
		s.deny(ctx, sess.user.Email, "", "sign-in for an administrative action: not_admin",
			kv(FieldAction, "admin sign-in"), kv(FieldReason, ReasonNotAdmin))
		return nil, &Error{Code: EFORBIDDEN, Reason: ReasonNotAdmin}
	}
	return sess, nil
}

// target finds the account an action is about; an action on another
// administrator's account is strong.
func target(tx Tx, email string, admin User, confirm func() error) (User, error) {
	u, err := tx.UserByEmail(NormalizeEmail(email))
	if err != nil {
		return User{}, err
	}
	if err := notTampered(u, admin); err != nil {
		return User{}, err
	}
	if u.Role == RoleAdmin && u.ID != admin.ID {
		if err := confirm(); err != nil {
			return User{}, err
		}
	}
	return u, nil
}

// notTampered refuses an action on an account changed outside the
// application: writing it would give it a valid MAC again, as is, without
// the review Reseal asks for (its AMF back to pending, a new password).
func notTampered(u, admin User) error {
	if u.Tampered && u.ID != admin.ID {
		return &Error{Code: EFORBIDDEN, Reason: ReasonAccountTampered}
	}
	return nil
}

// ResetMFA is an administrator resetting another person's multi-factor
// sign-in (lost phone). The secret is destroyed, any lock is cleared, and
// the person scans a new QR code at their next sign-in: multi-factor stays
// required. Nobody resets their own (another administrator must). It is a
// strong action: the administrator's own multi-factor must be on, and
// adminCode a current code (or "" within FreshCodeWindow of one). The
// reset returns the one-time reactivation code the person types before
// her new QR code (reactivation.go): shown once, never stored in clear.
func (s *Service) ResetMFA(ctx context.Context, admin *Session, targetEmail, adminCode string) (ReactivationCode, error) {
	var out ReactivationCode
	err := s.asAdmin(ctx, admin, "mfa reset", strong, adminCode, func(tx Tx, a User, _ func() error) error {
		u, err := tx.UserByEmail(NormalizeEmail(targetEmail))
		if err != nil {
			return err
		}
		if u.ID == a.ID { // same account, whatever the spelling
			return &Error{Code: EFORBIDDEN, Reason: ReasonSelfReset}
		}
		if err := notTampered(u, a); err != nil {
			return err
		}
		if err := s.notMadeBy(tx, a, u); err != nil {
			return err
		}
		if u.MFA == MFAOff {
			return &Error{Code: EINVALID, Reason: ReasonMFANotSet}
		}
		now := s.now().UTC()
		was := u.MFA
		resetMFA(&u, a.Email, now)
		if err := tx.AppendAudit(s.audit(EventMFAReset, a.Email, u.Email, "", kv(FieldMFAWas, string(was)))); err != nil {
			return err
		}
		if out, err = s.giveReactivationCode(tx, &u, a.Email, now); err != nil {
			return err
		}
		return tx.UpdateUser(u)
	})
	if err != nil {
		return ReactivationCode{}, err
	}
	return out, nil
}

// resetMFA is the effect of a reset on u: pending, with no grace period;
// an administrator's recovery codes are void (a new set comes with her new
// enrollment).
func resetMFA(u *User, by string, now time.Time) {
	u.MFA = MFAPending
	u.MFASecret = nil
	u.Recovery = nil
	u.MFASecretSince = time.Time{}
	u.MFALastStep = 0
	u.MFAFailures = 0
	u.MFADue = time.Time{}
	u.FailedLogins = 0
	u.LockedUntil = time.Time{}
	u.MFAResetBy = by
	u.MFAResetAt = now
	u.UpdatedAt = now
}

// ResetNotice tells a user, once, who reset their multi-factor sign-in and
// when (zero values when there is nothing to tell). Reading it clears it.
func (s *Service) ResetNotice(ctx context.Context, sess *Session) (by string, at time.Time, err error) {
	if sess.Step() == StepNone {
		return "", time.Time{}, &Error{Code: EUNAUTHORIZED, Reason: ReasonNotSignedIn}
	}
	err = s.update(ctx, func(tx Tx) error {
		u, err := tx.UserByID(sess.user.ID)
		if err != nil || u.MFAResetBy == "" {
			return err
		}
		by, at = u.MFAResetBy, u.MFAResetAt
		u.MFAResetBy, u.MFAResetAt = "", time.Time{}
		return tx.UpdateUser(u)
	})
	return by, at, err
}

// Users lists accounts for the administration screen.
func (s *Service) Users(ctx context.Context, admin *Session, f UserFilter) ([]User, error) {
	if err := s.requireAdmin(ctx, admin, "list users"); err != nil {
		return nil, err
	}
	return s.users(ctx, f)
}

// Audit lists the journal for the administration screen.
func (s *Service) Audit(ctx context.Context, admin *Session, f AuditFilter) ([]AuditEvent, error) {
	if err := s.requireAdmin(ctx, admin, "read journal"); err != nil {
		return nil, err
	}
	return s.audits(ctx, f)
}

// CreateAccount is an administrator adding a person. Without a password
// in n, a temporary one is made, returned once, and must be replaced at
// first sign-in. Staff created while the policy is enforced are born
// pending. Creating an administrator is a strong action.
func (s *Service) CreateAccount(ctx context.Context, admin *Session, n NewUser, adminCode string) (Imported, error) {
	var out Imported
	chosen := n.Password != ""
	if !chosen {
		pw, err := TempPassword()
		if err != nil {
			return out, err
		}
		n.Password, n.MustChangePassword, out.TempPassword = pw, true, pw
	}
	if err := n.validate(); err != nil {
		return Imported{}, err
	}
	if chosen {
		if err := s.checkNewAccountPassword(ctx, n); err != nil {
			return Imported{}, err
		}
	}
	hash, err := HashPassword(n.Password, s.argon2)
	if err != nil {
		return Imported{}, &Error{Code: EINTERNAL, Reason: ReasonStorage, Err: err}
	}
	need := plain
	if n.Role == RoleAdmin {
		need = strong
	}
	err = s.asAdmin(ctx, admin, "create account", need, adminCode, func(tx Tx, a User, _ func() error) error {
		u, err := s.insertUser(tx, a.Email, n, hash, "")
		out.User = u
		return err
	})
	if err != nil {
		return Imported{}, err
	}
	return out, nil
}

// checkNewAccountPassword applies the password rule to the password an
// administrator chose for the new account n: the shorter minimum when the
// staff policy will make it pending (bornPending).
func (s *Service) checkNewAccountPassword(ctx context.Context, n NewUser) error {
	pc := PasswordContext{Name: n.Name, Email: n.Email}
	err := s.view(ctx, func(tx Tx) error {
		p, err := readPolicy(tx)
		if err != nil {
			return err
		}
		pc.MFA = n.Role.IsStaff() && p.EnforceStaff
		pc.Daycare, _, err = tx.Setting(SettingDaycareName)
		return err
	})
	if err != nil {
		return err
	}
	return CheckPassword(n.Password, pc)
}

// SetDisabled disables or enables an account. Nobody disables themself,
// and at least one enabled administrator always remains.
func (s *Service) SetDisabled(ctx context.Context, admin *Session, email string, disabled bool, adminCode string) error {
	return s.asAdmin(ctx, admin, "disable/enable", plain, adminCode, func(tx Tx, a User, confirm func() error) error {
		u, err := target(tx, email, a, confirm)
		if err != nil {
			return err
		}
		if disabled && u.ID == a.ID {
			return &Error{Code: EFORBIDDEN, Reason: ReasonSelfDisable}
		}
		if u.Disabled == disabled {
			return nil
		}
		u.Disabled = disabled
		u.UpdatedAt = s.now().UTC()
		if err := tx.UpdateUser(u); err != nil {
			return err
		}
		if err := atLeastOneAdmin(tx); err != nil {
			return err
		}
		ev := EventUserEnabled
		if disabled {
			ev = EventUserDisabled
		}
		return tx.AppendAudit(s.audit(ev, a.Email, u.Email, ""))
	})
}

// SetRole changes an account's role. Nobody changes their own; it is a
// strong action; at least one enabled administrator always remains.
// Staff made while the policy is enforced become pending.
func (s *Service) SetRole(ctx context.Context, admin *Session, email string, role Role, adminCode string) error {
	if !role.Valid() {
		return Errorf(EINVALID, ReasonRoleInvalid, "role %q", role)
	}
	return s.asAdmin(ctx, admin, "change role", strong, adminCode, func(tx Tx, a User, _ func() error) error {
		u, err := tx.UserByEmail(NormalizeEmail(email))
		if err != nil {
			return err
		}
		if u.ID == a.ID {
			return &Error{Code: EFORBIDDEN, Reason: ReasonSelfRole}
		}
		if err := notTampered(u, a); err != nil {
			return err
		}
		if u.Role == role {
			return nil
		}
		from := u.Role
		u.Role = role
		if from == RoleAdmin {
			// Her recovery codes hold copies of the key: they go with the
			// role (a new administrator gets a set at her next enrollment).
			u.Recovery = nil
		}
		if role == RoleAdmin {
			u.CreatedBy = a.ID // promoted by a: never resets a (createdBy)
		}
		now := s.now().UTC()
		if u.MFA == MFAOff {
			if err := bornPending(tx, &u, now); err != nil {
				return err
			}
		}
		u.UpdatedAt = now
		if err := tx.UpdateUser(u); err != nil {
			return err
		}
		if err := atLeastOneAdmin(tx); err != nil {
			return err
		}
		return tx.AppendAudit(s.audit(EventRoleChanged, a.Email, u.Email,
			"from="+string(from)+", to="+string(role)+", mfa="+string(u.MFA),
			kv(FieldFrom, string(from)), kv(FieldTo, string(role)), kv(FieldMFA, string(u.MFA))))
	})
}

// atLeastOneAdmin is checked inside the write transaction after a change
// that may remove an administrator.
func atLeastOneAdmin(tx Tx) error {
	admins, err := tx.Users(UserFilter{Role: RoleAdmin})
	if err != nil {
		return err
	}
	for _, u := range admins {
		if !u.Disabled && !u.Tampered {
			return nil
		}
	}
	return &Error{Code: EFORBIDDEN, Reason: ReasonLastAdmin}
}

// SetTemporaryPassword gives a person a new temporary password (shown once,
// to replace at sign-in). It never touches multi-factor: the code is still
// asked.
func (s *Service) SetTemporaryPassword(ctx context.Context, admin *Session, email, adminCode string) (string, error) {
	pw, err := TempPassword()
	if err != nil {
		return "", err
	}
	hash, err := HashPassword(pw, s.argon2)
	if err != nil {
		return "", err
	}
	pw2, err := newPWWrap(pw, hash, s.argon2)
	if err != nil {
		return "", err
	}
	err = s.asAdmin(ctx, admin, "temporary password", plain, adminCode, func(tx Tx, a User, confirm func() error) error {
		u, err := target(tx, email, a, confirm)
		if err != nil {
			return err
		}
		if u.ID == a.ID {
			return &Error{Code: EFORBIDDEN, Reason: ReasonSelfPassword}
		}
		if err := s.notMadeBy(tx, a, u); err != nil {
			return err
		}
		u.PasswordHash = hash
		u.MustChangePassword = true
		u.UpdatedAt = s.now().UTC()
		if u.Role == RoleAdmin {
			// Her recovery codes follow the password she now has.
			if err := s.rewrapFor(tx, &u, pw2); err != nil {
				return err
			}
		}
		if err := tx.UpdateUser(u); err != nil {
			return err
		}
		return tx.AppendAudit(s.audit(EventPasswordResetByAdmin, a.Email, u.Email, ""))
	})
	if err != nil {
		return "", err
	}
	return pw, nil
}

// Unlock ends a lock (password or code failures) before its 15 minutes.
func (s *Service) Unlock(ctx context.Context, admin *Session, email, adminCode string) error {
	return s.asAdmin(ctx, admin, "unlock", plain, adminCode, func(tx Tx, a User, confirm func() error) error {
		u, err := target(tx, email, a, confirm)
		if err != nil {
			return err
		}
		u.LockedUntil = time.Time{}
		u.FailedLogins = 0
		u.MFAFailures = 0
		u.UpdatedAt = s.now().UTC()
		if err := tx.UpdateUser(u); err != nil {
			return err
		}
		return tx.AppendAudit(s.audit(EventUserUnlocked, a.Email, u.Email, ""))
	})
}

// Reseal is an administrator accepting, after looking at it, the current
// state of an account that was changed outside the application. To be
// safe whatever was changed, its multi-factor goes back to pending (when
// it was not off), it gets a temporary password (returned once) and any
// lock is cleared. A strong action; nobody reseals their own account.
func (s *Service) Reseal(ctx context.Context, admin *Session, email, adminCode string) (string, error) {
	pw, err := TempPassword()
	if err != nil {
		return "", err
	}
	hash, err := HashPassword(pw, s.argon2)
	if err != nil {
		return "", err
	}
	err = s.asAdmin(ctx, admin, "reseal account", strong, adminCode, func(tx Tx, a User, _ func() error) error {
		u, err := tx.UserByEmail(NormalizeEmail(email))
		if err != nil {
			return err
		}
		if u.ID == a.ID {
			return &Error{Code: EFORBIDDEN, Reason: ReasonSelfReset}
		}
		if !u.Tampered {
			return &Error{Code: EINVALID, Reason: ReasonNotTampered}
		}
		now := s.now().UTC()
		u.Tampered = false
		detail := "role=" + string(u.Role) + ", disabled=" + boolWord(u.Disabled) + ", mfa_was=" + string(u.MFA)
		fields := []AuditField{kv(FieldRole, string(u.Role)), kv(FieldDisabled, boolWord(u.Disabled)), kv(FieldMFAWas, string(u.MFA))}
		if u.MFA != MFAOff {
			resetMFA(&u, a.Email, now)
		}
		// Whatever was written in the file is not vouched for: a code
		// stands only when the journal vouches for it (the pending code
		// handed over before); otherwise an administrator makes one
		// (« Nouveau code de réactivation ») when the person is there.
		if u.Reactivation, err = s.vouchedReactivation(tx, u, now); err != nil {
			return err
		}
		if u.Reactivation != nil {
			detail += ", reactivation_code=kept"
			fields = append(fields, kv(FieldReactivationCode, "kept"))
		}
		u.PasswordHash, u.MustChangePassword = hash, true
		u.FailedLogins, u.LockedUntil, u.UpdatedAt = 0, time.Time{}, now
		if err := tx.UpdateUser(u); err != nil {
			return err
		}
		return tx.AppendAudit(s.audit(EventAccountResealed, a.Email, u.Email, detail, fields...))
	})
	if err != nil {
		return "", err
	}
	return pw, nil
}

func boolWord(b bool) string {
	if b {
		return "yes"
	}
	return "no"
}

// MFAStatus is what "mfa status" tells about one account.
type MFAStatus struct {
	Email       string
	MFA         MFAState
	Locked      bool
	LockedUntil time.Time
	ResetBy     string
	ResetAt     time.Time
	Tampered    bool
}

// ReasonResetByOwnAdmin: an administrator created or promoted (directly
// or through others) by the one she would reset: "never your own AMF"
// holds through a second account too.
const ReasonResetByOwnAdmin = "reset_by_own_admin"

// notMadeBy refuses an action of a on target when target created or
// promoted a, or one of the administrators who made a (the chain of
// CreatedBy, inside the MACs); asAdmin journals the refusal
// (authz.denied).
func (s *Service) notMadeBy(tx Tx, a, target User) error {
	seen := map[int64]bool{}
	for cur := a; cur.CreatedBy != 0 && !seen[cur.ID]; {
		seen[cur.ID] = true
		if cur.CreatedBy == target.ID {
			return &Error{Code: EFORBIDDEN, Reason: ReasonResetByOwnAdmin}
		}
		next, err := tx.UserByID(cur.CreatedBy)
		if errors.Is(err, ErrNotFound) {
			break
		}
		if err != nil {
			return err
		}
		cur = next
	}
	return nil
}
