package app

import (
	"net/mail"
	"strings"
	"time"
	"unicode"
	"unicode/utf8"

	"golang.org/x/text/unicode/norm"
)

// Role is what an account is allowed to do.
type Role string

// The three roles.
const (
	RoleParent   Role = "parent"
	RoleEmployee Role = "employee"
	RoleAdmin    Role = "admin"
)

// Valid reports whether r is one of the three roles.
func (r Role) Valid() bool {
	return r == RoleParent || r == RoleEmployee || r == RoleAdmin
}

// IsStaff reports whether r is an employee or an administrator.
func (r Role) IsStaff() bool { return r == RoleEmployee || r == RoleAdmin }

// ParseRole turns user input into a Role: the English words ("admin",
// " Parent ") and the French ones, in any case, with or without accents,
// inclusive or not ("employé·e", "Employée", "administrateur·trice",
// "administratrice").
func ParseRole(s string) (Role, error) {
	if r, ok := roleWords[foldWord(s)]; ok {
		return r, nil
	}
	return "", Errorf(EINVALID, ReasonRoleInvalid, "role %q", s)
}

// roleWords are the words ParseRole takes, as foldWord leaves them.
var roleWords = map[string]Role{
	"parent":              RoleParent,
	"employee":            RoleEmployee, // also employée, employé·e, employé(e), employé-e
	"employe":             RoleEmployee, // employé
	"admin":               RoleAdmin,
	"administrator":       RoleAdmin,
	"administrateur":      RoleAdmin,
	"administratrice":     RoleAdmin,
	"administrateurtrice": RoleAdmin, // administrateur·trice
	"administrateurrice":  RoleAdmin, // administrateur·rice
}

// maxFoldWord bounds what foldWord looks at: no role or column name is
// longer, and a long cell is not worth decomposing.
const maxFoldWord = 64

// foldWord is s trimmed, in lower case, without accents and without the
// marks of inclusive writing ("Employé·e " → "employee"). Longer input
// than maxFoldWord bytes gives "", which is no word.
func foldWord(s string) string {
	s = strings.TrimSpace(s)
	if len(s) > maxFoldWord {
		return ""
	}
	var b strings.Builder
	for _, r := range norm.NFD.String(strings.ToLower(s)) {
		switch {
		case unicode.Is(unicode.Mn, r): // the accent of a decomposed letter
		case strings.ContainsRune("·•‧⋅.-‐‑()/", r): // employé·e, employé(e), employé-e
		default:
			b.WriteRune(r)
		}
	}
	return b.String()
}

// MFAState is the multi-factor state of an account.
type MFAState string

// The three MFA states.
const (
	MFAOff     MFAState = "off"     // password only
	MFAPending MFAState = "pending" // activation requested, enrollment not finished
	MFAOn      MFAState = "on"      // a code is asked at every sign-in
)

// User is an account: a parent, an employee or an administrator.
type User struct {
	ID    int64
	Email string // normalized: trimmed, lower case
	Name  string
	Role  Role

	PasswordHash string // PHC-encoded argon2id
	// MustChangePassword is set when an administrator chose the password.
	MustChangePassword bool
	Disabled           bool

	// FailedLogins counts consecutive failed password attempts.
	FailedLogins int
	// LockedUntil is the end of a lock after too many failures (zero if none).
	LockedUntil time.Time

	MFA MFAState
	// MFASecret is the TOTP secret sealed with AES-256-GCM (see secretbox.go),
	// nil when there is none. It exists while MFA is pending (made when the
	// QR code is first shown) and on.
	MFASecret []byte
	// MFASecretSince is when the secret was made; a pending one expires.
	MFASecretSince time.Time
	// MFALastStep is the last accepted TOTP time step: a code is accepted once.
	MFALastStep int64
	// MFAFailures counts consecutive wrong codes.
	MFAFailures int
	// MFAResetBy and MFAResetAt say who reset the account's multi-factor
	// sign-in and when; shown at the next sign-in, then cleared.
	MFAResetBy string
	MFAResetAt time.Time
	// MFADue is the end of the account's own grace period to set up
	// multi-factor (staff policy); zero when there is none (enroll now).
	// Policy changes never move it later.
	MFADue time.Time
	// Recovery holds an administrator's recovery codes (see recovery.go):
	// their hashes and when each was used; nil when there are none.
	Recovery []byte
	// Reactivation is the state of the account's reactivation code after a
	// reset (reactivation.go): its keyed hash, expiry, whether it was
	// used, and the hashes of codes it voided; nil when none. Covered by
	// the account's MAC.
	Reactivation []byte

	// Generation is raised at every change of the account (by sealTx),
	// covered by its MAC and recorded in the database's state root
	// (root.go): an older copy of the row put back no longer matches it.
	Generation int64
	// CreatedBy is the ID of the administrator who created or promoted
	// the account (0 when none: first run, import by the tool, older
	// accounts); covered by its MAC. She is never reset by it (admin.go).
	CreatedBy int64

	// MAC is the keyed MAC of the account's security state (see
	// integrity.go), computed by this package on every write. A row
	// changed outside the app no longer matches it.
	MAC []byte
	// Tampered is set when the account was read and its MAC does not match
	// (never stored).
	Tampered bool

	CreatedAt time.Time
	UpdatedAt time.Time
}

// Locked reports whether the account is locked at time now.
func (u User) Locked(now time.Time) bool {
	return !u.LockedUntil.IsZero() && now.Before(u.LockedUntil)
}

// Limits on user input; anything longer is refused, not truncated.
const (
	MaxNameLen  = 100
	MaxEmailLen = 254
)

// NormalizeEmail gives an e-mail address the one spelling it is stored and
// looked up by: Unicode NFKC (an "é" typed as "e" plus a combining accent,
// or a full-width "ａ", becomes the usual character, so two addresses that
// read the same are the same account), lower case, no surrounding spaces.
func NormalizeEmail(s string) string {
	return strings.ToLower(strings.TrimSpace(norm.NFKC.String(s)))
}

// invisible reports runes that must never be part of a name or an e-mail:
// control characters (escape sequences), format characters (bidirectional
// overrides, zero-width joiners), and the like.
func invisible(r rune) bool {
	return unicode.IsControl(r) || unicode.Is(unicode.Cf, r) || unicode.Is(unicode.Co, r) ||
		unicode.Is(unicode.Cs, r) || r == utf8.RuneError || unicode.In(r, unicode.Zl, unicode.Zp)
}

// ValidateEmail normalizes s and checks it looks like a plain address
// (name@domain.tld, no display name).
func ValidateEmail(s string) (string, error) {
	bad := func() (string, error) { return "", Errorf(EINVALID, ReasonEmailInvalid, "") }
	if len(s) > 4*MaxEmailLen || !utf8.ValidString(s) {
		return bad()
	}
	e := NormalizeEmail(s)
	if e == "" || len(e) > MaxEmailLen || strings.ContainsAny(e, " \t\r\n<>,;") || strings.ContainsFunc(e, invisible) {
		return bad()
	}
	a, err := mail.ParseAddress(e)
	if err != nil || a.Address != e || a.Name != "" {
		return bad()
	}
	at := strings.LastIndexByte(e, '@')
	if at < 1 || !strings.Contains(e[at+1:], ".") || strings.HasSuffix(e, ".") {
		return bad()
	}
	return e, nil
}

// ValidateName trims s and checks it is a usable person or daycare name:
// valid UTF-8 (NFC), at most MaxNameLen characters, and nothing that is
// not shown as itself (control characters and escape sequences,
// bidirectional overrides, zero-width characters).
func ValidateName(s string) (string, error) {
	if len(s) > 64*MaxNameLen {
		return "", Errorf(EINVALID, ReasonNameTooLong, "")
	}
	if !utf8.ValidString(s) {
		return "", Errorf(EINVALID, ReasonNameInvalid, "")
	}
	for _, r := range s {
		if r != '\t' && r != '\n' && r != '\r' && invisible(r) { // pasted white space is folded below
			return "", Errorf(EINVALID, ReasonNameInvalid, "")
		}
	}
	n := strings.Join(strings.Fields(norm.NFC.String(s)), " ")
	if n == "" {
		return "", Errorf(EINVALID, ReasonNameRequired, "")
	}
	if utf8.RuneCountInString(n) > MaxNameLen {
		return "", Errorf(EINVALID, ReasonNameTooLong, "")
	}
	return n, nil
}

// AuditEvent is one line of the security journal. Rows are append-only.
type AuditEvent struct {
	ID     int64
	Time   time.Time
	Event  string // one of the Event* codes
	Actor  string // e-mail of who did it ("" for the system, "cli" …)
	Target string // e-mail of whom it concerns
	Detail string // free text, never a secret (kept for technicians)
	// Fields are the event's details, key by key, in the order they were
	// written (see the Field* keys); none for rows written before they
	// existed, whose Detail is all there is. Never a secret.
	Fields []AuditField
	// MAC chains the row to the previous one (see integrity.go).
	MAC []byte

	// ActorName and TargetName are the names of the accounts Actor and
	// Target today, when they exist: filled by the journal listing for
	// display, not part of the row (nor of its MAC).
	ActorName, TargetName string
	// ActorErased and TargetErased are the numbers of the persons Actor
	// and Target were when they were erased (Actor, Target are then ""):
	// the screens show « Personne effacée (n° 123) ». 0 otherwise.
	ActorErased, TargetErased int64
	// ErasedPersons are the numbers of every erased person the row names;
	// in Detail and Fields each is left as her reference ("{p:123}", see
	// ReplaceErased).
	ErasedPersons []int64
}

// AuditField is one detail of a journal event: a key (one of the Field*
// constants) and its value, both plain text.
type AuditField struct {
	Key, Value string
}

// Field returns the value of the field key, "" when the event has none.
func (e AuditEvent) Field(key string) string {
	for _, f := range e.Fields {
		if f.Key == key {
			return f.Value
		}
	}
	return ""
}

// HasField tells whether the event has the field key.
func (e AuditEvent) HasField(key string) bool {
	for _, f := range e.Fields {
		if f.Key == key {
			return true
		}
	}
	return false
}

// Keys of the journal's fields (public interface: "audit --json" shows
// them). Values are plain: numbers in decimal, times in RFC 3339 UTC,
// booleans "true"/"false", roles and multi-factor states as their codes.
const (
	FieldRole        = "role"         // the account's role
	FieldMFA         = "mfa"          // the account's multi-factor state
	FieldVia         = "via"          // how it was done (ViaImport, ViaPassword…)
	FieldDue         = "due"          // deadline to set up multi-factor sign-in
	FieldFrom        = "from"         // role before
	FieldTo          = "to"           // role after
	FieldAttempt     = "attempt"      // the failure's number in a row
	FieldMax         = "max"          // failures allowed before a lock
	FieldUntil       = "until"        // end of a lock
	FieldReason      = "reason"       // why (a Reason* code, or free text of the person)
	FieldFingerprint = "fingerprint"  // keyed digest of an unknown e-mail typed
	FieldAction      = "action"       // the refused action
	FieldOSUser      = "os_user"      // the computer's user (break-glass)
	FieldTampered    = "tampered"     // the account had been changed outside the app
	FieldGraceDays   = "grace_days"   // policy grace period in days
	FieldMadePending = "made_pending" // accounts that must now set up their AMF
	FieldSetting     = "setting"      // the setting changed
	FieldValue       = "value"        // its new value
	FieldDaycare     = "daycare"      // the daycare's name
	FieldAccounts    = "accounts"     // a count of accounts
	FieldRows        = "journal_rows" // a count of journal rows
	FieldPerson      = "person"       // an erased person's number
	FieldOldHead     = "old_head"     // the journal's head before a hand-over
	FieldBreaks      = "rows"         // journal rows whose chain is broken
	FieldTailCut     = "tail_cut"     // rows removed at the end of the journal
	FieldUnsealed    = "marker_removed"
	FieldDeleted     = "accounts_deleted" // accounts deleted from the file
	FieldSettings    = "settings_changed" // settings changed outside the app
	FieldChanged     = "accounts_changed" // accounts changed outside the app
	FieldResets      = "resets"           // break-glass resets acknowledged ("at target; …")
	FieldCount       = "count"            // how many
	FieldDisabled    = "disabled"         // the account was disabled
	FieldMFAWas      = "mfa_was"          // multi-factor state before
	FieldError       = "error"            // a technical error message
	FieldWhere       = "where"            // where it was seen (WhereSignIn, WhereCheck)
	FieldKey         = "key"              // the id of the database's key
	FieldOldKey      = "old_key"          // the id of a key replaced
	FieldLeft        = "left"             // recovery codes left
	FieldFolder      = "folder"           // a backup folder
	FieldFile        = "file"             // a backup file
	FieldMade        = "made"             // when a backup was made (RFC 3339)
	FieldBy          = "by"               // who made a backup
	FieldVersion     = "version"          // the app's version that made a backup
)

// Values of FieldVia and FieldWhere.
const (
	ViaImport       = "import"
	ViaFirstRun     = "first_run"
	ViaDemo         = "demo"
	ViaPassword     = "password"
	ViaPasswordCode = "password_code"
	ViaGraceSkip    = "grace_skip"
	ViaTemporary    = "temporary_replaced"
	ViaMonCompte    = "own"
	ViaRecoveryCode = "password_recovery_code"
	ViaScheduled    = "scheduled"
	ViaKeyRestored  = "key_restored"
	ViaReplaced     = "replaced"
	WhereSignIn     = "sign_in"
	WhereCheck      = "check"
	// ValueUnknownAccount is the FieldReason of a sign-in with an e-mail
	// that is no account.
	ValueUnknownAccount = "unknown_account"
)

// AuditEvents are every event code the app journals, for the faces that
// name them in words.
var AuditEvents = []string{
	EventSetupCompleted, EventUserCreated, EventLoginSucceeded, EventLoginFailed,
	EventLoginLocked, EventLoginRefused, EventPasswordChanged, EventPasswordChangeFailed,
	EventRoleChanged, EventSettingChanged, EventMFAActivationRequested, EventMFAEnrolled,
	EventMFACodeAccepted, EventMFACodeFailed, EventMFACodeReplayed, EventMFALocked,
	EventMFASecretCreated, EventMFAReset, EventMFAResetBreakGlass, EventMFAEnrollSkipped,
	EventBreakGlassAcknowledged, EventPolicyEnforced, EventPolicyRelaxed, EventUserDisabled,
	EventUserEnabled, EventUserUnlocked, EventPasswordResetByAdmin, EventAuthzDenied,
	EventLogout, EventIdleLock,
	EventAuditTampered, EventAccountTampered, EventSealed, EventAccountResealed,
	EventKeyInsecure, EventIntegrityAcked,
	EventBackupCreated, EventBackupRestored, EventRecoveryCodesMade, EventRecoveryCodeUsed,
	EventRecoveryCodeFailed, EventPasswordConfirmFailed, EventKeyRestored, EventKeyReplaced,
	EventKeyExported, EventKeyImported, EventDBMoved, EventDataMoved, EventDataAdopted,
	EventAuditRolledBack, EventRootRebuilt, EventKeyRestoreFailed, EventMFAClockSkew,
	EventMFADeviceReplaced,
	EventReactivationCodeCreated, EventReactivationCodeUsed,
	EventMFAReportExported, EventUserExported,
	EventUserErased, EventJournalHandedOver,
	EventIncidentRecorded, EventIncidentDismissed,
	EventJournalPseudonymised,
}

// Stable audit event codes (public interface: technicians script them).
const (
	EventSetupCompleted         = "setup.completed"
	EventUserCreated            = "user.created"
	EventLoginSucceeded         = "login.succeeded"
	EventLoginFailed            = "login.failed"
	EventLoginLocked            = "login.locked"
	EventLoginRefused           = "login.refused" // disabled or locked account
	EventPasswordChanged        = "password.changed"
	EventPasswordChangeFailed   = "password.change_failed" // wrong current password in Mon compte
	EventRoleChanged            = "user.role_changed"
	EventSettingChanged         = "setting.changed"
	EventMFAActivationRequested = "mfa.activation_requested"
	EventMFAEnrolled            = "mfa.enrolled"
	EventMFACodeAccepted        = "mfa.code_accepted"
	EventMFACodeFailed          = "mfa.code_failed"
	EventMFACodeReplayed        = "mfa.code_replayed"
	EventMFALocked              = "mfa.locked"
	EventMFASecretCreated       = "mfa.secret_created"
	EventMFAReset               = "mfa.reset"
	EventMFAResetBreakGlass     = "mfa.reset_break_glass"
	EventMFAEnrollSkipped       = "mfa.enrollment_skipped"
	EventBreakGlassAcknowledged = "break_glass.acknowledged"
	EventPolicyEnforced         = "policy.staff_mfa_enforced"
	EventPolicyRelaxed          = "policy.staff_mfa_relaxed"
	EventUserDisabled           = "user.disabled"
	// EventUserErased: an administrator erased a person (person.go); the
	// row names her by her number only (FieldPerson).
	EventUserErased = "user.erased"
	// EventJournalHandedOver: the rows written before persons were kept
	// apart were rewritten into the personal form, once, after their chain
	// was verified (FieldOldHead, FieldRows).
	EventJournalHandedOver    = "audit.persons_handed_over"
	EventUserEnabled          = "user.enabled"
	EventUserUnlocked         = "user.unlocked"
	EventPasswordResetByAdmin = "password.reset_by_admin"
	EventAuthzDenied          = "authz.denied"
	EventLogout               = "logout"
	EventIdleLock             = "session.idle_locked"
)
