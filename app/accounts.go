package app

import (
	"bytes"
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
	"time"
	"unicode/utf8"
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

// ImportCSV is an administrator creating many accounts at once from CSV
// lines role,email,name (a header line with those names is allowed). It is
// all-or-nothing, whatever the file's size: the first bad line stops
// everything, and its number is in the error; a file over MaxImportBytes
// is refused. Each account gets a temporary password that must be
// changed at first sign-in. A file creating an administrator makes it a
// strong action.
func (s *Service) ImportCSV(ctx context.Context, admin *Session, r io.Reader, adminCode string) ([]Imported, error) {
	rows, lines, err := parseImport(r)
	if err != nil {
		return nil, err
	}
	need := plain
	for _, n := range rows {
		if n.Role == RoleAdmin {
			need = strong
		}
	}
	// Credentials are checked before the slow hashing, and again (in the
	// write transaction) by asAdmin.
	if err := s.requireAdmin(ctx, admin, "import"); err != nil {
		return nil, err
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

	out := make([]Imported, len(rows))
	err = s.asAdmin(ctx, admin, "import", need, adminCode, func(tx Tx, a User, _ func() error) error {
		for i, n := range rows {
			u, err := s.insertUser(tx, a.Email, n, hashes[i], "import")
			if err != nil {
				return lineError(err, lines[i])
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

// parseImport reads and checks a whole import file, creating nothing.
func parseImport(r io.Reader) (rows []NewUser, lines []int, err error) {
	raw, err := io.ReadAll(io.LimitReader(r, MaxImportBytes+1))
	if err != nil {
		return nil, nil, &Error{Code: EINVALID, Reason: ReasonCSVInvalid, Err: err}
	}
	if len(raw) > MaxImportBytes {
		return nil, nil, &Error{Code: EINVALID, Reason: ReasonCSVTooLarge,
			Detail: fmt.Sprintf("more than %d bytes", MaxImportBytes)}
	}
	if !utf8.Valid(raw) {
		return nil, nil, &Error{Code: EINVALID, Reason: ReasonCSVInvalid, Detail: "not UTF-8 text"}
	}
	cr := csv.NewReader(bytes.NewReader(raw))
	cr.FieldsPerRecord = -1
	cr.TrimLeadingSpace = true
	cr.ReuseRecord = false
	seen := map[string]int{}
	header := true
	for {
		rec, err := cr.Read()
		if errors.Is(err, io.EOF) {
			break
		}
		if err != nil {
			line := 0
			var pe *csv.ParseError
			if errors.As(err, &pe) {
				line = pe.Line
			}
			return nil, nil, &Error{Code: EINVALID, Reason: ReasonCSVInvalid, Line: line, Err: err}
		}
		line, _ := cr.FieldPos(0)
		if len(rec) == 1 && strings.TrimSpace(rec[0]) == "" {
			continue // blank line
		}
		first := strings.TrimSpace(strings.TrimPrefix(rec[0], "\ufeff"))
		if header {
			header = false
			if len(rec) >= 1 && strings.EqualFold(first, "role") {
				continue
			}
		}
		if len(rec) != 3 {
			return nil, nil, &Error{Code: EINVALID, Reason: ReasonCSVInvalid, Line: line,
				Detail: fmt.Sprintf("expected 3 columns (role,email,name), got %d", len(rec))}
		}
		if len(rows) >= MaxImportRows {
			return nil, nil, &Error{Code: EINVALID, Reason: ReasonCSVTooLarge, Line: line,
				Detail: fmt.Sprintf("more than %d accounts", MaxImportRows)}
		}
		role, err := ParseRole(first)
		if err != nil {
			return nil, nil, lineError(err, line)
		}
		pw, err := TempPassword()
		if err != nil {
			return nil, nil, &Error{Code: EINTERNAL, Reason: ReasonStorage, Err: err}
		}
		n := NewUser{Role: role, Email: rec[1], Name: rec[2], Password: pw, MustChangePassword: true}
		if err := n.validate(); err != nil {
			return nil, nil, lineError(err, line)
		}
		if prev, dup := seen[n.Email]; dup {
			return nil, nil, &Error{Code: ECONFLICT, Reason: ReasonEmailTaken, Line: line,
				Detail: fmt.Sprintf("%s already on line %d", n.Email, prev)}
		}
		seen[n.Email] = line
		rows = append(rows, n)
		lines = append(lines, line)
	}
	if len(rows) == 0 {
		return nil, nil, &Error{Code: EINVALID, Reason: ReasonCSVEmpty}
	}
	return rows, lines, nil
}

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
	if err := ValidatePassword(next); err != nil {
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
		u, err := tx.UserByID(sess.user.ID)
		if err != nil {
			return err
		}
		u.PasswordHash = hash
		u.MustChangePassword = false
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
