package app

import (
	"context"
	"strings"
	"time"
)

// The administration services: every one starts with requireAdmin, so the
// screens and the command-line tool are two faces over the same rules.

// requireAdmin checks that sess is a completed sign-in of an enabled
// administrator; a refusal is journaled as authz.denied.
func (s *Service) requireAdmin(ctx context.Context, sess *Session, action string) error {
	if err := s.signedIn(ctx, sess); err != nil {
		return err
	}
	if sess.User.Role != RoleAdmin {
		s.deny(ctx, sess.User.Email, "", action+": not an administrator")
		return &Error{Code: EFORBIDDEN, Reason: ReasonNotAdmin}
	}
	return nil
}

// deny journals a refused administrative action.
func (s *Service) deny(ctx context.Context, actor, target, detail string) {
	_ = s.update(ctx, func(tx Tx) error {
		return tx.AppendAudit(s.audit(EventAuthzDenied, actor, target, detail))
	})
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
		if strings.TrimSpace(code) == "" {
			return nil, &Error{Code: EUNAUTHORIZED, Reason: ReasonAdminCodeRequired}
		}
		if err := s.VerifyCode(ctx, sess, code); err != nil {
			return nil, err
		}
	case StepEnroll:
		// Multi-factor is pending: scan the QR code in the application first.
		return nil, &Error{Code: EFORBIDDEN, Reason: ReasonEnrollFirst}
	case StepNewPassword:
		return nil, &Error{Code: EFORBIDDEN, Reason: ReasonNewPasswordFirst}
	}
	if sess.Step() != StepSignedIn {
		return nil, &Error{Code: EFORBIDDEN, Reason: ReasonMFAStep}
	}
	if sess.User.Role != RoleAdmin {
		s.deny(ctx, sess.User.Email, "", "sign-in for an administrative action: not an administrator")
		return nil, &Error{Code: EFORBIDDEN, Reason: ReasonNotAdmin}
	}
	return sess, nil
}

// FreshCodeWindow: a code accepted this recently in the same session
// confirms an administrative action (the command-line tool signs in and
// acts at once).
const FreshCodeWindow = 2 * time.Minute

// ResetMFA is an administrator resetting another person's multi-factor
// sign-in (lost phone). The secret is destroyed, any lock is cleared, and
// the person scans a new QR code at their next sign-in: multi-factor stays
// required. Nobody resets their own (another administrator must), and an
// administrator whose own multi-factor is on confirms with a current code
// (unless this session had one accepted within FreshCodeWindow).
func (s *Service) ResetMFA(ctx context.Context, admin *Session, targetEmail, adminCode string) error {
	if err := s.requireAdmin(ctx, admin, "mfa reset"); err != nil {
		return err
	}
	target := NormalizeEmail(targetEmail)
	if target == admin.User.Email {
		s.deny(ctx, admin.User.Email, target, "mfa reset: an administrator cannot reset their own MFA")
		return &Error{Code: EFORBIDDEN, Reason: ReasonSelfReset}
	}
	var refusal error
	err := s.update(ctx, func(tx Tx) error {
		a, err := tx.UserByID(admin.User.ID)
		if err != nil {
			return err
		}
		u, err := tx.UserByEmail(target)
		if err != nil {
			return err
		}
		if u.ID == a.ID { // same account, whatever the spelling
			return &Error{Code: EFORBIDDEN, Reason: ReasonSelfReset}
		}
		if u.MFA == MFAOff {
			return &Error{Code: EINVALID, Reason: ReasonMFANotSet}
		}
		now := s.now().UTC()
		fresh := !admin.codeAt.IsZero() && now.Sub(admin.codeAt) < FreshCodeWindow
		if a.MFA == MFAOn && (adminCode != "" || !fresh) {
			code, err := ParseCode(adminCode)
			if err != nil {
				return &Error{Code: EUNAUTHORIZED, Reason: ReasonAdminCodeRequired}
			}
			if refusal, err = s.judgeCode(tx, &a, code, now); err != nil {
				return err
			}
			a.UpdatedAt = now
			if err := tx.UpdateUser(a); err != nil {
				return err
			}
			if refusal != nil {
				return nil // the failure is counted and journaled; nothing reset
			}
		}
		s.resetMFA(&u, a.Email, now)
		if err := tx.UpdateUser(u); err != nil {
			return err
		}
		return tx.AppendAudit(s.audit(EventMFAReset, a.Email, u.Email, ""))
	})
	if err != nil {
		if ErrorReason(err) == ReasonSelfReset {
			s.deny(ctx, admin.User.Email, target, "mfa reset: an administrator cannot reset their own MFA")
		}
		return err
	}
	return refusal
}

// RefuseSelfReset journals and refuses a reset asked by someone for their
// own account before any credentials are checked (the command-line tool's
// --email equal to --by).
func (s *Service) RefuseSelfReset(ctx context.Context, email string) error {
	email = NormalizeEmail(email)
	s.deny(ctx, email, email, "mfa reset: an administrator cannot reset their own MFA (refused before sign-in)")
	return &Error{Code: EFORBIDDEN, Reason: ReasonSelfReset}
}

// resetMFA is the effect of a reset on u.
func (s *Service) resetMFA(u *User, by string, now time.Time) {
	u.MFA = MFAPending
	u.MFASecret = nil
	u.MFASecretSince = time.Time{}
	u.MFALastStep = 0
	u.MFAFailures = 0
	u.FailedLogins = 0
	u.LockedUntil = time.Time{}
	u.MFAResetBy = by
	u.MFAResetAt = now
	u.UpdatedAt = now
}

// BreakGlassActor names the break-glass reset in the journal and notices.
const BreakGlassActor = "break-glass"

// ResetMFABreakGlass resets anyone's multi-factor sign-in without
// credentials, for when no other administrator can act (the only
// administrator lost their phone). It runs only on the machine holding the
// database, and it is loud: a journal entry with the reason, and a banner
// shown to every administrator until one acknowledges it.
func (s *Service) ResetMFABreakGlass(ctx context.Context, targetEmail, reason string) error {
	reason = strings.Join(strings.Fields(reason), " ")
	if len([]rune(reason)) < 5 {
		return &Error{Code: EINVALID, Reason: ReasonReasonRequired}
	}
	if len(reason) > 500 {
		reason = reason[:500]
	}
	return s.update(ctx, func(tx Tx) error {
		u, err := tx.UserByEmail(NormalizeEmail(targetEmail))
		if err != nil {
			return err
		}
		if u.MFA == MFAOff {
			return &Error{Code: EINVALID, Reason: ReasonMFANotSet}
		}
		now := s.now().UTC()
		s.resetMFA(&u, BreakGlassActor, now)
		if err := tx.UpdateUser(u); err != nil {
			return err
		}
		pending, _, err := tx.Setting(SettingBreakGlass)
		if err != nil {
			return err
		}
		line := now.Format(time.RFC3339) + " " + u.Email + " — " + reason
		if pending != "" {
			line = pending + "\n" + line
		}
		if err := tx.SetSetting(SettingBreakGlass, line); err != nil {
			return err
		}
		return tx.AppendAudit(s.audit(EventMFAResetBreakGlass, BreakGlassActor, u.Email, reason))
	})
}

// BreakGlassNotice returns the unacknowledged break-glass resets (one per
// line: time, person, reason) for an administrator, "" when none.
func (s *Service) BreakGlassNotice(ctx context.Context, admin *Session) (string, error) {
	if err := s.signedIn(ctx, admin); err != nil || admin.User.Role != RoleAdmin {
		return "", err
	}
	var v string
	err := s.view(ctx, func(tx Tx) error {
		var err error
		v, _, err = tx.Setting(SettingBreakGlass)
		return err
	})
	return v, err
}

// AcknowledgeBreakGlass removes the banner for every administrator.
func (s *Service) AcknowledgeBreakGlass(ctx context.Context, admin *Session) error {
	if err := s.requireAdmin(ctx, admin, "acknowledge break-glass"); err != nil {
		return err
	}
	return s.update(ctx, func(tx Tx) error {
		v, _, err := tx.Setting(SettingBreakGlass)
		if err != nil || v == "" {
			return err
		}
		if err := tx.SetSetting(SettingBreakGlass, ""); err != nil {
			return err
		}
		return tx.AppendAudit(s.audit(EventBreakGlassAcknowledged, admin.User.Email, "", v))
	})
}

// ResetNotice tells a user, once, who reset their multi-factor sign-in and
// when (zero values when there is nothing to tell). Reading it clears it.
func (s *Service) ResetNotice(ctx context.Context, sess *Session) (by string, at time.Time, err error) {
	if sess.Step() == StepNone {
		return "", time.Time{}, &Error{Code: EUNAUTHORIZED, Reason: ReasonNotSignedIn}
	}
	err = s.update(ctx, func(tx Tx) error {
		u, err := tx.UserByID(sess.User.ID)
		if err != nil || u.MFAResetBy == "" {
			return err
		}
		by, at = u.MFAResetBy, u.MFAResetAt
		u.MFAResetBy, u.MFAResetAt = "", time.Time{}
		return tx.UpdateUser(u)
	})
	return by, at, err
}

// AdminUsers lists accounts for the administration screen.
func (s *Service) AdminUsers(ctx context.Context, admin *Session, f UserFilter) ([]User, error) {
	if err := s.requireAdmin(ctx, admin, "list users"); err != nil {
		return nil, err
	}
	return s.Users(ctx, f)
}

// AdminAudit lists the journal for the administration screen.
func (s *Service) AdminAudit(ctx context.Context, admin *Session, f AuditFilter) ([]AuditEvent, error) {
	if err := s.requireAdmin(ctx, admin, "read journal"); err != nil {
		return nil, err
	}
	return s.Audit(ctx, f)
}

// CreateAccount is an administrator adding a person: a temporary password,
// shown once, that must be replaced at first sign-in. Staff created while
// the policy is enforced are born pending.
func (s *Service) CreateAccount(ctx context.Context, admin *Session, role Role, email, name string) (Imported, error) {
	if err := s.requireAdmin(ctx, admin, "create account"); err != nil {
		return Imported{}, err
	}
	pw, err := TempPassword()
	if err != nil {
		return Imported{}, err
	}
	u, err := s.CreateUser(ctx, admin.User.Email, NewUser{Role: role, Email: email, Name: name, Password: pw, MustChangePassword: true})
	return Imported{User: u, TempPassword: pw}, err
}

// SetDisabled disables or enables an account. Nobody disables themself
// (so an enabled administrator always remains).
func (s *Service) SetDisabled(ctx context.Context, admin *Session, email string, disabled bool) error {
	if err := s.requireAdmin(ctx, admin, "disable/enable"); err != nil {
		return err
	}
	return s.update(ctx, func(tx Tx) error {
		u, err := tx.UserByEmail(NormalizeEmail(email))
		if err != nil {
			return err
		}
		if disabled && u.ID == admin.User.ID {
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
		ev := EventUserEnabled
		if disabled {
			ev = EventUserDisabled
		}
		return tx.AppendAudit(s.audit(ev, admin.User.Email, u.Email, ""))
	})
}

// SetTemporaryPassword gives a person a new temporary password (shown once,
// to replace at sign-in). It never touches multi-factor: the code is still
// asked.
func (s *Service) SetTemporaryPassword(ctx context.Context, admin *Session, email string) (string, error) {
	if err := s.requireAdmin(ctx, admin, "temporary password"); err != nil {
		return "", err
	}
	pw, err := TempPassword()
	if err != nil {
		return "", err
	}
	hash, err := HashPassword(pw, s.argon2)
	if err != nil {
		return "", err
	}
	err = s.update(ctx, func(tx Tx) error {
		u, err := tx.UserByEmail(NormalizeEmail(email))
		if err != nil {
			return err
		}
		if u.ID == admin.User.ID {
			return &Error{Code: EFORBIDDEN, Reason: ReasonSelfPassword}
		}
		u.PasswordHash = hash
		u.MustChangePassword = true
		u.UpdatedAt = s.now().UTC()
		if err := tx.UpdateUser(u); err != nil {
			return err
		}
		return tx.AppendAudit(s.audit(EventPasswordResetByAdmin, admin.User.Email, u.Email, ""))
	})
	if err != nil {
		return "", err
	}
	return pw, nil
}

// Unlock ends a lock (password or code failures) before its 15 minutes.
func (s *Service) Unlock(ctx context.Context, admin *Session, email string) error {
	if err := s.requireAdmin(ctx, admin, "unlock"); err != nil {
		return err
	}
	return s.update(ctx, func(tx Tx) error {
		u, err := tx.UserByEmail(NormalizeEmail(email))
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
		return tx.AppendAudit(s.audit(EventUserUnlocked, admin.User.Email, u.Email, ""))
	})
}

// MFAStatus is what "mfa status" tells about one account.
type MFAStatus struct {
	Email       string
	MFA         MFAState
	Locked      bool
	LockedUntil time.Time
	ResetBy     string
	ResetAt     time.Time
}

// Status returns an account's multi-factor status (technician's tool).
func (s *Service) Status(ctx context.Context, email string) (MFAStatus, error) {
	var st MFAStatus
	err := s.view(ctx, func(tx Tx) error {
		u, err := tx.UserByEmail(NormalizeEmail(email))
		if err != nil {
			return err
		}
		now := s.now()
		st = MFAStatus{Email: u.Email, MFA: u.MFA, Locked: u.Locked(now), ResetBy: u.MFAResetBy, ResetAt: u.MFAResetAt}
		if st.Locked {
			st.LockedUntil = u.LockedUntil
		}
		return nil
	})
	return st, err
}
