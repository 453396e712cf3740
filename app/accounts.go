package app

import (
	"context"
	"crypto/rand"
	"encoding/csv"
	"errors"
	"fmt"
	"io"
	"math/big"
	"runtime"
	"strings"
	"sync"
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

// validate normalizes n and checks every field, hashing nothing yet.
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
	return ValidatePassword(n.Password)
}

// NeedsSetup reports whether the database has no administrator yet, in
// which case the app opens the first-run screen instead of the sign-in.
func (s *Service) NeedsSetup(ctx context.Context) (bool, error) {
	var n int
	err := s.view(ctx, func(tx Tx) error {
		var err error
		n, err = tx.CountUsers(RoleAdmin)
		return err
	})
	return n == 0, err
}

// Setup is the first run: it names the daycare and creates the first
// administrator, in one transaction. It is refused once an administrator
// exists, so it cannot be used to take over an installed database.
func (s *Service) Setup(ctx context.Context, daycare string, admin NewUser, confirm string) (User, error) {
	daycare, err := ValidateName(daycare)
	if err != nil {
		return User{}, &Error{Code: EINVALID, Reason: ReasonDaycareRequired}
	}
	admin.Role = RoleAdmin
	if err := admin.validate(); err != nil {
		return User{}, err
	}
	if admin.Password != confirm {
		return User{}, Errorf(EINVALID, ReasonPasswordMismatch, "")
	}
	hash, err := HashPassword(admin.Password, s.argon2)
	if err != nil {
		return User{}, &Error{Code: EINTERNAL, Reason: ReasonStorage, Err: err}
	}
	now := s.now().UTC()
	u := User{Email: admin.Email, Name: admin.Name, Role: RoleAdmin, PasswordHash: hash, MFA: MFAOff, CreatedAt: now, UpdatedAt: now}
	err = s.update(ctx, func(tx Tx) error {
		n, err := tx.CountUsers(RoleAdmin)
		if err != nil {
			return err
		}
		if n > 0 {
			return &Error{Code: EFORBIDDEN, Reason: ReasonAlreadySetUp}
		}
		if err := tx.SetSetting(SettingDaycareName, daycare); err != nil {
			return err
		}
		if err := tx.InsertUser(&u); err != nil {
			return err
		}
		if err := tx.AppendAudit(s.audit(EventSetupCompleted, u.Email, "", "daycare: "+daycare)); err != nil {
			return err
		}
		return tx.AppendAudit(s.audit(EventUserCreated, u.Email, u.Email, "role=admin (first run)"))
	})
	return u, err
}

// CreateUser adds one account. actor names who did it in the journal
// ("cli" for the command-line tool).
func (s *Service) CreateUser(ctx context.Context, actor string, n NewUser) (User, error) {
	if err := n.validate(); err != nil {
		return User{}, err
	}
	hash, err := HashPassword(n.Password, s.argon2)
	if err != nil {
		return User{}, &Error{Code: EINTERNAL, Reason: ReasonStorage, Err: err}
	}
	now := s.now().UTC()
	u := User{Email: n.Email, Name: n.Name, Role: n.Role, PasswordHash: hash,
		MustChangePassword: n.MustChangePassword, MFA: MFAOff, CreatedAt: now, UpdatedAt: now}
	err = s.update(ctx, func(tx Tx) error {
		if err := bornPending(tx, &u); err != nil {
			return err
		}
		if err := tx.InsertUser(&u); err != nil {
			return err
		}
		return tx.AppendAudit(s.audit(EventUserCreated, actor, u.Email, "role="+string(u.Role)+", mfa="+string(u.MFA)))
	})
	return u, err
}

// Imported is one account created by ImportCSV with its temporary password,
// to be handed to the person once.
type Imported struct {
	User         User
	TempPassword string
}

// ImportCSV creates many accounts at once from CSV lines role,email,name
// (a header line with those names is allowed). It is all-or-nothing: the
// first bad line stops everything, and its number is in the error. Each
// account gets a temporary password that must be changed at first sign-in.
func (s *Service) ImportCSV(ctx context.Context, actor string, r io.Reader) ([]Imported, error) {
	cr := csv.NewReader(r)
	cr.FieldsPerRecord = -1
	cr.TrimLeadingSpace = true
	var rows []NewUser
	var lines []int
	seen := map[string]int{}
	for {
		rec, err := cr.Read()
		if errors.Is(err, io.EOF) {
			break
		}
		line, _ := cr.FieldPos(0)
		if err != nil {
			var pe *csv.ParseError
			if errors.As(err, &pe) {
				line = pe.Line
			}
			return nil, &Error{Code: EINVALID, Reason: ReasonCSVInvalid, Line: line, Err: err}
		}
		if len(rec) == 1 && strings.TrimSpace(rec[0]) == "" {
			continue // blank line
		}
		if len(rows) == 0 && len(lines) == 0 && len(rec) >= 3 &&
			strings.EqualFold(strings.TrimSpace(strings.TrimPrefix(rec[0], "\ufeff")), "role") {
			lines = append(lines, 0) // header
			continue
		}
		if len(rec) != 3 {
			return nil, &Error{Code: EINVALID, Reason: ReasonCSVInvalid, Line: line,
				Detail: fmt.Sprintf("expected 3 columns (role,email,name), got %d", len(rec))}
		}
		role, err := ParseRole(strings.TrimPrefix(rec[0], "\ufeff"))
		if err != nil {
			return nil, lineError(err, line)
		}
		pw, err := TempPassword()
		if err != nil {
			return nil, &Error{Code: EINTERNAL, Reason: ReasonStorage, Err: err}
		}
		n := NewUser{Role: role, Email: rec[1], Name: rec[2], Password: pw, MustChangePassword: true}
		if err := n.validate(); err != nil {
			return nil, lineError(err, line)
		}
		if first, dup := seen[n.Email]; dup {
			return nil, &Error{Code: ECONFLICT, Reason: ReasonEmailTaken, Line: line,
				Detail: fmt.Sprintf("%s already on line %d", n.Email, first)}
		}
		seen[n.Email] = line
		rows = append(rows, n)
		lines = append(lines, line)
	}
	if len(rows) == 0 {
		return nil, &Error{Code: EINVALID, Reason: ReasonCSVEmpty}
	}
	if lines[0] == 0 {
		lines = lines[1:]
	}

	// Hash on every core: argon2id is deliberately slow.
	hashes := make([]string, len(rows))
	errs := make([]error, len(rows))
	var wg sync.WaitGroup
	next := make(chan int)
	for w := 0; w < runtime.NumCPU(); w++ {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for i := range next {
				hashes[i], errs[i] = HashPassword(rows[i].Password, s.argon2)
			}
		}()
	}
	for i := range rows {
		next <- i
	}
	close(next)
	wg.Wait()
	if err := errors.Join(errs...); err != nil {
		return nil, &Error{Code: EINTERNAL, Reason: ReasonStorage, Err: err}
	}

	now := s.now().UTC()
	out := make([]Imported, len(rows))
	err := s.update(ctx, func(tx Tx) error {
		for i, n := range rows {
			u := User{Email: n.Email, Name: n.Name, Role: n.Role, PasswordHash: hashes[i],
				MustChangePassword: true, MFA: MFAOff, CreatedAt: now, UpdatedAt: now}
			if err := bornPending(tx, &u); err != nil {
				return err
			}
			if err := tx.InsertUser(&u); err != nil {
				return lineError(err, lines[i])
			}
			if err := tx.AppendAudit(s.audit(EventUserCreated, actor, u.Email, "role="+string(u.Role)+" (import)")); err != nil {
				return err
			}
			out[i] = Imported{User: u, TempPassword: n.Password}
		}
		return nil
	})
	if err != nil {
		return nil, err
	}
	return out, nil
}

// bornPending makes a new staff account pending while the staff policy is
// enforced.
func bornPending(tx Tx, u *User) error {
	if !u.Role.IsStaff() {
		return nil
	}
	p, err := readPolicy(tx)
	if err != nil {
		return err
	}
	if p.EnforceStaff {
		u.MFA = MFAPending
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

// TempPassword returns a random 14-character temporary password.
func TempPassword() (string, error) {
	var b strings.Builder
	max := big.NewInt(int64(len(tempAlphabet)))
	for i := 0; i < 14; i++ {
		n, err := rand.Int(rand.Reader, max)
		if err != nil {
			return "", err
		}
		b.WriteByte(tempAlphabet[n.Int64()])
	}
	return b.String(), nil
}

// ChangePassword lets a signed-in user replace their password. The current
// password is checked (it costs one argon2id verification).
func (s *Service) ChangePassword(ctx context.Context, sess *Session, current, next, confirm string) error {
	if err := s.signedIn(ctx, sess); err != nil {
		return err
	}
	if len(current) > MaxPasswordLen || !VerifyPassword(current, sess.User.PasswordHash) {
		return &Error{Code: EUNAUTHORIZED, Reason: ReasonWrongPassword}
	}
	return s.setOwnPassword(ctx, sess, current, next, confirm, "")
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
	if !sess.User.MustChangePassword {
		return &Error{Code: EFORBIDDEN, Reason: ReasonNotSignedIn}
	}
	if VerifyPassword(next, sess.User.PasswordHash) {
		return Errorf(EINVALID, ReasonPasswordSame, "")
	}
	if err := s.setOwnPassword(ctx, sess, "", next, confirm, "temporary password replaced"); err != nil {
		return err
	}
	sess.step = StepSignedIn
	return nil
}

func (s *Service) setOwnPassword(ctx context.Context, sess *Session, current, next, confirm, detail string) error {
	if next != confirm {
		return Errorf(EINVALID, ReasonPasswordMismatch, "")
	}
	if err := ValidatePassword(next); err != nil {
		return err
	}
	if current != "" && next == current {
		return Errorf(EINVALID, ReasonPasswordSame, "")
	}
	hash, err := HashPassword(next, s.argon2)
	if err != nil {
		return &Error{Code: EINTERNAL, Reason: ReasonStorage, Err: err}
	}
	return s.update(ctx, func(tx Tx) error {
		u, err := tx.UserByID(sess.User.ID)
		if err != nil {
			return err
		}
		u.PasswordHash = hash
		u.MustChangePassword = false
		u.UpdatedAt = s.now().UTC()
		if err := tx.UpdateUser(u); err != nil {
			return err
		}
		sess.User = u
		return tx.AppendAudit(s.audit(EventPasswordChanged, u.Email, u.Email, detail))
	})
}

// Users lists accounts for the command-line tool and, later, the
// administration screens.
func (s *Service) Users(ctx context.Context, f UserFilter) ([]User, error) {
	var out []User
	err := s.view(ctx, func(tx Tx) error {
		var err error
		out, err = tx.Users(f)
		return err
	})
	return out, err
}

// Audit lists journal events, newest first.
func (s *Service) Audit(ctx context.Context, f AuditFilter) ([]AuditEvent, error) {
	var out []AuditEvent
	err := s.view(ctx, func(tx Tx) error {
		var err error
		out, err = tx.Audit(f)
		return err
	})
	return out, err
}
