package app

import (
	"context"
	"crypto/rand"
	"errors"
	"math/big"
	"strings"
	"time"
)

// NewUser is what it takes to create an account.
type NewUser struct {
	Role     Role
	Email    string
	Name     string
	Password string
	// MustChangePassword makes the user choose their own password at
	// first sign-in (temporary passwords).
	MustChangePassword bool
}

// validate normalizes n and checks every field, hashing nothing yet. The
// password is only bounded here: the caller applies the password rule to
// one a person chose (CheckPassword); one the application made is random.
func (n *NewUser) validate() error {
	if !n.Role.Valid() {
		return Errorf(EINVALID, ReasonRoleInvalid, "role %q", n.Role)
	}
	var err error
	if n.Email, err = ValidateEmail(n.Email); err != nil {
		return err
	}
	if n.Name, err = ValidateName(n.Name); err != nil {
		return err
	}
	if n.Password == "" {
		return &Error{Code: EINVALID, Reason: ReasonPasswordTooShort, Limit: MinPasswordLenMFA}
	}
	if len(n.Password) > MaxPasswordLen {
		return &Error{Code: EINVALID, Reason: ReasonPasswordTooLong, Limit: MaxPasswordLen}
	}
	return nil
}

// checkOwnPassword applies the password rule to next, chosen by the
// person signed in as sess for her own account, as it stands now.
func (s *Service) checkOwnPassword(ctx context.Context, sess *Session, next string) error {
	var pc PasswordContext
	err := s.view(ctx, func(tx Tx) error {
		u, err := tx.UserByID(sess.user.ID)
		if err != nil {
			return err
		}
		daycare, _, err := tx.Setting(SettingDaycareName)
		pc = passwordContextOf(u, daycare)
		return err
	})
	if err != nil {
		return err
	}
	return CheckPassword(next, pc)
}

// NeedsSetup reports whether the database is new (no account, never set
// up), in which case the app opens the first-run screen instead of the
// sign-in. A database whose accounts were deleted outside the app is not
// new: its journal remembers the first run.
func (s *Service) NeedsSetup(ctx context.Context) (bool, error) {
	var need bool
	err := s.view(ctx, func(tx Tx) error {
		var err error
		need, err = isNew(tx)
		return err
	})
	return need, err
}

// isNew: no account at all, and no sign that there ever was (a first-run
// entry in the journal, or a journal head left after its rows were cut).
func isNew(tx Tx) (bool, error) {
	n, err := tx.CountUsers("")
	if err != nil || n > 0 {
		return false, err
	}
	setups, err := tx.Audit(AuditFilter{Event: EventSetupCompleted, Limit: 1})
	if err != nil || len(setups) > 0 {
		return false, err
	}
	_, hasHead, err := tx.Setting(settingAuditHead)
	if err != nil || !hasHead {
		return err == nil, err
	}
	_, rows, err := tx.LastAudit()
	// A head with no rows left: the journal was emptied, not new.
	return rows, err
}

// insertUser stores a new account whose password is already hashed, and
// journals it. Staff made while the staff policy is enforced are born
// pending, with the policy's grace period.
func (s *Service) insertUser(tx Tx, actor string, n NewUser, hash, how string) (User, error) {
	now := s.now().UTC()
	u := User{Email: n.Email, Name: n.Name, Role: n.Role, PasswordHash: hash,
		MustChangePassword: n.MustChangePassword, MFA: MFAOff, CreatedAt: now, UpdatedAt: now}
	if err := bornPending(tx, &u, now); err != nil {
		return User{}, err
	}
	if u.Role == RoleAdmin && actor != "" {
		// Who made this administrator can never be reset by her (admin.go).
		if by, err := tx.UserByEmail(actor); err == nil && by.Role == RoleAdmin {
			u.CreatedBy = by.ID
		} else if err != nil && !errors.Is(err, ErrNotFound) {
			return User{}, err
		}
	}
	if err := tx.InsertUser(&u); err != nil {
		return User{}, err
	}
	detail := "role=" + string(u.Role) + ", mfa=" + string(u.MFA)
	fields := []AuditField{kv(FieldRole, string(u.Role)), kv(FieldMFA, string(u.MFA))}
	if !u.MFADue.IsZero() {
		fields = append(fields, kvTime(FieldDue, u.MFADue))
	}
	if how != "" {
		detail += " (" + how + ")"
		fields = append(fields, kv(FieldVia, strings.ReplaceAll(how, " ", "_")))
	}
	return u, tx.AppendAudit(s.audit(EventUserCreated, actor, u.Email, detail, fields...))
}

// Imported is one account created by ImportCSV with its temporary password,
// to be handed to the person once.
type Imported struct {
	User         User
	TempPassword string
}

// MaxImportBytes bounds an import file. A larger one is refused whole,
// never cut: an import is all-or-nothing.
const MaxImportBytes = 16 << 20

// MaxImportRows bounds the accounts of one import.
const MaxImportRows = 20000

// bornPending makes a staff account without multi-factor pending while
// the staff policy is enforced, with the policy's grace period from now.
func bornPending(tx Tx, u *User, now time.Time) error {
	if !u.Role.IsStaff() || u.MFA != MFAOff {
		return nil
	}
	p, err := readPolicy(tx)
	if err != nil {
		return err
	}
	if p.EnforceStaff {
		u.MFA = MFAPending
		u.MFADue = p.dueFrom(now)
	}
	return nil
}

// lineError copies an *Error and stamps it with a line number.
func lineError(err error, line int) error {
	var e *Error
	if errors.As(err, &e) {
		c := *e
		c.Line = line
		return &c
	}
	return err
}

// tempAlphabet has no look-alike characters (0/O, 1/l/I).
const tempAlphabet = "abcdefghijkmnpqrstuvwxyzABCDEFGHJKLMNPQRSTUVWXYZ23456789"

// TempPasswordLen is the length of a temporary password: 14 characters
// out of 56, about 81 bits. Being random, it is not held to the password
// rule (passwordpolicy.go), which is for passwords people choose.
const TempPasswordLen = 14

// TempPassword returns a random temporary password.
func TempPassword() (string, error) {
	var b strings.Builder
	max := big.NewInt(int64(len(tempAlphabet)))
	for i := 0; i < TempPasswordLen; i++ {
		n, err := rand.Int(rand.Reader, max)
		if err != nil {
			return "", err
		}
		b.WriteByte(tempAlphabet[n.Int64()])
	}
	return b.String(), nil
}

// ChangePassword lets a signed-in user replace their password. The current
// password is checked like at sign-in: counted before it is judged, with
// the same lockout (a wrong one is journaled as password.change_failed;
// the tenth locks the account, and the session ends).
func (s *Service) ChangePassword(ctx context.Context, sess *Session, current, next, confirm string) error {
	if err := s.signedIn(ctx, sess); err != nil {
		return err
	}
	if next != confirm {
		return Errorf(EINVALID, ReasonPasswordMismatch, "")
	}
	// Before the current password is judged: a refused new one costs no
	// attempt.
	if err := s.checkOwnPassword(ctx, sess, next); err != nil {
		return err
	}
	id := sess.user.ID
	a, err := s.beginAttempt(ctx, "", func(tx Tx) (User, error) { return tx.UserByID(id) })
	if err != nil {
		return err
	}
	ok := a.judge(current)
	err = s.update(ctx, func(tx Tx) error {
		if !ok {
			return s.attemptFailed(tx, a, EventPasswordChangeFailed, a.user.Email)
		}
		_, err := s.attemptSucceeded(tx, a, current)
		return err
	})
	if err != nil {
		return err
	}
	if ok && a.refused == nil {
		return s.setOwnPassword(ctx, sess, current, next, confirm, "")
	}
	r := a.refusal()
	if ErrorReason(r) == ReasonBadCredentials {
		return &Error{Code: EUNAUTHORIZED, Reason: ReasonWrongPassword}
	}
	sess.step = StepNone // locked or refused: this session is over
	return r
}

// ChooseNewPassword completes a StepNewPassword sign-in: the user replaces
// the temporary password they just signed in with.
func (s *Service) ChooseNewPassword(ctx context.Context, sess *Session, next, confirm string) error {
	if sess.Step() != StepNewPassword {
		return &Error{Code: EFORBIDDEN, Reason: ReasonNotSignedIn}
	}
	if err := s.Refresh(ctx, sess); err != nil {
		return err
	}
	if !sess.user.MustChangePassword {
		return &Error{Code: EFORBIDDEN, Reason: ReasonNotSignedIn}
	}
	if VerifyPassword(next, sess.user.PasswordHash) {
		return Errorf(EINVALID, ReasonPasswordSame, "")
	}
	if err := s.setOwnPassword(ctx, sess, "", next, confirm, "temporary password replaced"); err != nil {
		return err
	}
	sess.user.MustChangePassword = false
	sess.step = nextStep(sess.user, !sess.codeAt.IsZero(), sess.reactivated) // the QR code next, when AMF is to set up
	return nil
}

func (s *Service) setOwnPassword(ctx context.Context, sess *Session, current, next, confirm, detail string) error {
	if next != confirm {
		return Errorf(EINVALID, ReasonPasswordMismatch, "")
	}
	if err := s.checkOwnPassword(ctx, sess, next); err != nil {
		return err
	}
	if current != "" && next == current {
		return Errorf(EINVALID, ReasonPasswordSame, "")
	}
	hash, err := HashPassword(next, s.argon2)
	if err != nil {
		return &Error{Code: EINTERNAL, Reason: ReasonStorage, Err: err}
	}
	var pw *pwWrap
	if sess.user.Role == RoleAdmin {
		// Her recovery codes follow her new password (recoverywrap.go).
		if pw, err = newPWWrap(next, hash, s.argon2); err != nil {
			return &Error{Code: EINTERNAL, Reason: ReasonStorage, Err: err}
		}
	}
	return s.update(ctx, func(tx Tx) error {
		u, err := tx.UserByID(sess.user.ID)
		if err != nil {
			return err
		}
		u.PasswordHash = hash
		u.MustChangePassword = false
		if err := s.rewrapFor(tx, &u, pw); err != nil {
			return err
		}
		u.UpdatedAt = s.now().UTC()
		if err := tx.UpdateUser(u); err != nil {
			return err
		}
		sess.user = u
		via := ViaMonCompte
		if detail != "" {
			via = ViaTemporary
		}
		return tx.AppendAudit(s.audit(EventPasswordChanged, u.Email, u.Email, detail, kv(FieldVia, via)))
	})
}

// users lists accounts (callers check who asks).
func (s *Service) users(ctx context.Context, f UserFilter) ([]User, error) {
	var out []User
	err := s.view(ctx, func(tx Tx) error {
		var err error
		out, err = tx.Users(f)
		return err
	})
	return out, err
}

// audits lists journal events, newest first (callers check who asks).
func (s *Service) audits(ctx context.Context, f AuditFilter) ([]AuditEvent, error) {
	var out []AuditEvent
	err := s.view(ctx, func(tx Tx) error {
		var err error
		out, err = tx.Audit(f)
		return err
	})
	return out, err
}
