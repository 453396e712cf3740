package app

import (
	"context"
	"strconv"
	"strings"
	"time"
	"unicode"
	"unicode/utf8"
)

// Trusted holds the operations that trust their caller: they take no
// session and check no credentials. Only the programs in cmd/ build one,
// for the first run, the technician's break-glass, the demo data and the
// tool's read-only listings. Screens never get one: everything a screen
// calls is a Service method that checks a session.
type Trusted struct{ s *Service }

// NewTrusted returns the credential-less operations over s. Only cmd/
// calls it (a test keeps screens/ from doing so).
func NewTrusted(s *Service) *Trusted { return &Trusted{s: s} }

// Setup is the first run: it names the daycare and creates the first
// administrator, in one transaction. It is refused unless the database is
// new (checked in that transaction): once any account exists, or ever
// existed (deleted outside the app), it cannot be used to take over an
// installed database.
func (t *Trusted) Setup(ctx context.Context, daycare string, admin NewUser, confirm string) (User, error) {
	s := t.s
	daycare, err := ValidateName(daycare)
	if err != nil {
		return User{}, &Error{Code: EINVALID, Reason: ReasonDaycareRequired}
	}
	admin.Role = RoleAdmin
	if err := admin.validate(); err != nil {
		return User{}, err
	}
	// The first administrator signs in with her password alone until she
	// turns her multi-factor sign-in on.
	if err := CheckPassword(admin.Password, PasswordContext{Daycare: daycare, Name: admin.Name, Email: admin.Email}); err != nil {
		return User{}, err
	}
	if admin.Password != confirm {
		return User{}, Errorf(EINVALID, ReasonPasswordMismatch, "")
	}
	hash, err := HashPassword(admin.Password, s.argon2)
	if err != nil {
		return User{}, &Error{Code: EINTERNAL, Reason: ReasonStorage, Err: err}
	}
	var u User
	err = s.update(ctx, func(tx Tx) error {
		fresh, err := isNew(tx)
		if err != nil {
			return err
		}
		if !fresh {
			return &Error{Code: EFORBIDDEN, Reason: ReasonAlreadySetUp}
		}
		if err := tx.SetSetting(SettingDaycareName, daycare); err != nil {
			return err
		}
		if err := tx.AppendAudit(s.audit(EventSetupCompleted, admin.Email, "", "daycare: "+daycare, kv(FieldDaycare, daycare))); err != nil {
			return err
		}
		u, err = s.insertUser(tx, admin.Email, admin, hash, "first run")
		return err
	})
	return u, err
}

// Users lists accounts for the technician's tool.
func (t *Trusted) Users(ctx context.Context, f UserFilter) ([]User, error) { return t.s.users(ctx, f) }

// Audit lists journal events, newest first, for the technician's tool.
func (t *Trusted) Audit(ctx context.Context, f AuditFilter) ([]AuditEvent, error) {
	return t.s.audits(ctx, f)
}

// StaffPolicy returns the staff multi-factor policy for the tool.
func (t *Trusted) StaffPolicy(ctx context.Context) (Policy, error) { return t.s.staffPolicy(ctx) }

// Verify checks every MAC: accounts, the whole journal, the settings. A
// new finding is journaled once (audit.tampered, account.tampered).
func (t *Trusted) Verify(ctx context.Context) (IntegrityReport, error) { return t.s.verifyAll(ctx) }

// Status returns an account's multi-factor status (technician's tool).
func (t *Trusted) Status(ctx context.Context, email string) (MFAStatus, error) {
	s := t.s
	var st MFAStatus
	err := s.view(ctx, func(tx Tx) error {
		u, err := tx.UserByEmail(NormalizeEmail(email))
		if err != nil {
			return err
		}
		now := s.now()
		st = MFAStatus{Email: u.Email, MFA: u.MFA, Locked: u.Locked(now), ResetBy: u.MFAResetBy, ResetAt: u.MFAResetAt,
			Tampered: u.Tampered}
		if st.Locked {
			st.LockedUntil = u.LockedUntil
		}
		return nil
	})
	return st, err
}

// OSUser is who runs a program, as the operating system says.
type OSUser struct {
	// Name is the operating system's user name (journaled).
	Name string
	// Elevated: root on Linux and macOS, an elevated administrator on
	// Windows.
	Elevated bool
}

// BreakGlassActor names the break-glass reset in the journal and notices.
const BreakGlassActor = "break-glass"

// Break-glass reasons: a sentence a person wrote, not a placeholder.
const (
	MinReasonLetters = 10
	MaxReasonLen     = 500
)

// checkReason folds white space and checks a break-glass reason: at least
// MinReasonLetters letters in two words or more, at most MaxReasonLen
// characters, nothing invisible. It is refused, never cut.
func checkReason(reason string) (string, error) {
	if !utf8.ValidString(reason) {
		return "", &Error{Code: EINVALID, Reason: ReasonReasonRequired}
	}
	for _, r := range reason {
		if r != '\t' && r != '\n' && r != '\r' && invisible(r) {
			return "", &Error{Code: EINVALID, Reason: ReasonReasonRequired}
		}
	}
	words := strings.Fields(reason)
	reason = strings.Join(words, " ")
	if utf8.RuneCountInString(reason) > MaxReasonLen {
		return "", &Error{Code: EINVALID, Reason: ReasonReasonTooLong}
	}
	letters, wordy := 0, 0
	for _, w := range words {
		n := 0
		for _, r := range w {
			if unicode.IsLetter(r) {
				n++
			}
		}
		letters += n
		if n >= 2 {
			wordy++
		}
	}
	if letters < MinReasonLetters || wordy < 2 {
		return "", &Error{Code: EINVALID, Reason: ReasonReasonRequired}
	}
	return reason, nil
}

// BreakGlassReset resets an account's multi-factor sign-in without
// credentials, for a daycare whose last administrator lost her phone. It
// needs the operating system's administrator rights, a real reason, and no
// other enabled administrator with multi-factor on (that one resets
// instead, with the two-person rule); all checked in the write
// transaction. It is loud: journaled with the OS user's name and the
// reason, and a banner that only an administrator other than the target
// can acknowledge.
//
// It returns the reactivation code the person types before her new QR
// code (reactivation.go), for the technician to hand over.
func (t *Trusted) BreakGlassReset(ctx context.Context, by OSUser, targetEmail, reason string) (ReactivationCode, error) {
	var out ReactivationCode
	s := t.s
	osName := cleanOSName(by.Name)
	if !by.Elevated {
		s.deny(ctx, BreakGlassActor, NormalizeEmail(targetEmail), "break-glass: not elevated (os_user="+osName+")",
			kv(FieldAction, "break-glass"), kv(FieldReason, ReasonNotElevated), kv(FieldOSUser, osName))
		return out, &Error{Code: EFORBIDDEN, Reason: ReasonNotElevated}
	}
	reason, err := checkReason(reason)
	if err != nil {
		return out, err
	}
	err = s.update(ctx, func(tx Tx) error {
		u, err := tx.UserByEmail(NormalizeEmail(targetEmail))
		if err != nil {
			return err
		}
		if u.MFA == MFAOff {
			return &Error{Code: EINVALID, Reason: ReasonMFANotSet}
		}
		admins, err := tx.Users(UserFilter{Role: RoleAdmin})
		if err != nil {
			return err
		}
		for _, a := range admins {
			if a.ID != u.ID && !a.Disabled && !a.Tampered && a.MFA == MFAOn {
				return &Error{Code: EFORBIDDEN, Reason: ReasonOtherAdminExists}
			}
		}
		now := s.now().UTC()
		tampered := u.Tampered
		u.Tampered = false // break-glass rewrites the state it vouches for, and says so below
		resetMFA(&u, BreakGlassActor, now)
		if tampered {
			u.Reactivation = nil // not vouched for: voids nothing
		}
		notes, err := readBreakGlass(tx)
		if err != nil {
			return err
		}
		notes = append(notes, BreakGlassNote{At: now, Target: u.Email, OSUser: osName, Reason: reason})
		if err := writeBreakGlass(tx, notes); err != nil {
			return err
		}
		detail := "os_user=" + osName + "; reason=" + reason
		if tampered {
			detail = "account was changed outside the application; " + detail
		}
		if err := tx.AppendAudit(s.audit(EventMFAResetBreakGlass, BreakGlassActor, u.Email, detail,
			kv(FieldOSUser, osName), kv(FieldReason, reason), kv(FieldTampered, boolWord(tampered)))); err != nil {
			return err
		}
		if out, err = s.giveReactivationCode(tx, &u, BreakGlassActor, now); err != nil {
			return err
		}
		return tx.UpdateUser(u)
	})
	if r := ErrorReason(err); r == ReasonOtherAdminExists {
		s.deny(ctx, BreakGlassActor, NormalizeEmail(targetEmail), "break-glass: "+r+" (os_user="+osName+")",
			kv(FieldAction, "break-glass"), kv(FieldReason, r), kv(FieldOSUser, osName))
	}
	if err != nil {
		return ReactivationCode{}, err
	}
	return out, nil
}

// BreakGlassNote is one unacknowledged break-glass reset.
type BreakGlassNote struct {
	At     time.Time
	Target string
	OSUser string
	Reason string
}

// The pending notes are stored one per line: time, target, OS user and
// reason separated by tabs (none of them holds a tab or a line break).
func readBreakGlass(tx Tx) ([]BreakGlassNote, error) {
	v, _, err := tx.Setting(SettingBreakGlass)
	if err != nil || v == "" {
		return nil, err
	}
	var out []BreakGlassNote
	for _, line := range strings.Split(v, "\n") {
		f := strings.SplitN(line, "\t", 4)
		if len(f) != 4 {
			// A line of an older version: "TIME EMAIL — REASON".
			parts := strings.SplitN(line, " ", 3)
			n := BreakGlassNote{Reason: line}
			if len(parts) == 3 {
				n.At, _ = time.Parse(time.RFC3339, parts[0])
				n.Target = parts[1]
				n.Reason = strings.TrimPrefix(parts[2], "— ")
			}
			out = append(out, n)
			continue
		}
		at, _ := time.Parse(time.RFC3339, f[0])
		out = append(out, BreakGlassNote{At: at, Target: f[1], OSUser: f[2], Reason: f[3]})
	}
	return out, nil
}

func writeBreakGlass(tx Tx, notes []BreakGlassNote) error {
	lines := make([]string, 0, len(notes))
	for _, n := range notes {
		lines = append(lines, n.At.UTC().Format(time.RFC3339)+"\t"+n.Target+"\t"+n.OSUser+"\t"+n.Reason)
	}
	return tx.SetSetting(SettingBreakGlass, strings.Join(lines, "\n"))
}

// BreakGlassNotes returns the unacknowledged break-glass resets, for an
// administrator's banner (none for anyone else).
func (s *Service) BreakGlassNotes(ctx context.Context, admin *Session) ([]BreakGlassNote, error) {
	if err := s.signedIn(ctx, admin); err != nil || admin.user.Role != RoleAdmin {
		return nil, err
	}
	var notes []BreakGlassNote
	err := s.view(ctx, func(tx Tx) error {
		var err error
		notes, err = readBreakGlass(tx)
		return err
	})
	return notes, err
}

// AcknowledgeBreakGlass removes from the banner the break-glass resets
// that concern other people. One about the administrator herself stays
// until another administrator acknowledges it (ReasonSelfAcknowledge when
// nothing else was left to acknowledge).
func (s *Service) AcknowledgeBreakGlass(ctx context.Context, admin *Session) error {
	return s.asAdmin(ctx, admin, "acknowledge break-glass", plain, "", func(tx Tx, a User, _ func() error) error {
		notes, err := readBreakGlass(tx)
		if err != nil || len(notes) == 0 {
			return err
		}
		var keep []BreakGlassNote
		var acked []string
		for _, n := range notes {
			if NormalizeEmail(n.Target) == a.Email {
				keep = append(keep, n)
				continue
			}
			acked = append(acked, n.At.UTC().Format(time.RFC3339)+" "+n.Target)
		}
		if len(acked) == 0 {
			return &Error{Code: EFORBIDDEN, Reason: ReasonSelfAcknowledge}
		}
		if err := writeBreakGlass(tx, keep); err != nil {
			return err
		}
		return tx.AppendAudit(s.audit(EventBreakGlassAcknowledged, a.Email, "", strings.Join(acked, "; "),
			kv(FieldCount, strconv.Itoa(len(acked))), kv(FieldResets, strings.Join(acked, "; "))))
	})
}

// SeedDemo fills an empty database with a sample daycare (see demo.go).
func (t *Trusted) SeedDemo(ctx context.Context) error { return t.s.seedDemo(ctx) }

// RefuseSelfReset journals and refuses a reset asked by someone for their
// own account before any credentials are checked (the tool's --email
// equal to --by). Service.ResetMFA refuses it too, whatever calls it.
func (t *Trusted) RefuseSelfReset(ctx context.Context, email string) error {
	email = NormalizeEmail(email)
	t.s.deny(ctx, email, email, "mfa reset: self_reset (refused before sign-in)",
		kv(FieldAction, "mfa reset"), kv(FieldReason, ReasonSelfReset))
	return &Error{Code: EFORBIDDEN, Reason: ReasonSelfReset}
}
