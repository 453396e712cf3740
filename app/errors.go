package app

import (
	"errors"
	"fmt"
	"time"
)

// Error codes, in the spirit of benbjohnson/wtf: a handful of kinds the
// faces can react to.
const (
	EINVALID      = "invalid"      // bad input: nothing was changed
	ECONFLICT     = "conflict"     // e.g. an e-mail already in use
	ENOTFOUND     = "not_found"    // no such record
	EUNAUTHORIZED = "unauthorized" // wrong credentials, locked or disabled account
	EFORBIDDEN    = "forbidden"    // the rule does not allow this action
	EUNAVAILABLE  = "unavailable"  // a feature or resource is not available
	EINTERNAL     = "internal"     // anything else (storage failure…)
)

// Reasons are stable keys naming why an operation failed. Each face has a
// sentence for each of them (assets/translations: "error.<reason>").
const (
	ReasonBadCredentials    = "bad_credentials"
	ReasonAccountLocked     = "account_locked"
	ReasonAccountDisabled   = "account_disabled"
	ReasonEmailInvalid      = "email_invalid"
	ReasonEmailTaken        = "email_taken"
	ReasonNameRequired      = "name_required"
	ReasonNameTooLong       = "name_too_long"
	ReasonPasswordTooShort  = "password_too_short"
	ReasonPasswordTooLong   = "password_too_long"
	ReasonPasswordCommon    = "password_common"  // in the list of common passwords, or one with digits around it
	ReasonPasswordContext   = "password_context" // built on the daycare's name, the person's, the app's…
	ReasonPasswordMismatch  = "password_mismatch"
	ReasonPasswordSame      = "password_same"
	ReasonWrongPassword     = "wrong_password"
	ReasonRoleInvalid       = "role_invalid"
	ReasonDaycareRequired   = "daycare_required"
	ReasonAlreadySetUp      = "already_set_up"
	ReasonUserNotFound      = "user_not_found"
	ReasonCSVInvalid        = "csv_invalid"
	ReasonCSVEmpty          = "csv_empty"
	ReasonSettingInvalid    = "setting_invalid"
	ReasonNotSignedIn       = "not_signed_in"
	ReasonStorage           = "storage"
	ReasonDBTooNew          = "db_too_new"      // made by a newer version of the app
	ReasonDBCorrupt         = "db_corrupt"      // not a database, or damaged
	ReasonDBReadOnly        = "db_read_only"    // file or folder cannot be written
	ReasonDBNetwork         = "db_network"      // on a network share: SQLite would be corrupted
	ReasonDBServer          = "db_server"       // the PostgreSQL server does not answer
	ReasonDBBusy            = "db_busy"         // the server's write lock or a statement took too long: rolled back
	ReasonDBLogin           = "db_login"        // the server refused the URL's user or password
	ReasonDBNotMigrated     = "db_not_migrated" // no schema, or an older one: run db migrate
	ReasonDBRights          = "db_rights"       // the app's role has too many (or too few) rights
	ReasonDBURL             = "db_url"          // a postgres:// URL that cannot be read
	ReasonDBTLS             = "db_tls"          // the server's certificate is not the one expected (verify-full)
	ReasonDBTLSRequired     = "db_tls_required" // a server on the network without sslmode=verify-full (or verify-ca)
	ReasonMoveNotEmpty      = "move_not_empty"  // db move: the server's database already holds a daycare
	ReasonMoveUnsealed      = "move_unsealed"   // db move: journal rows without a MAC (open the file with the app once)
	ReasonDBUnreadable      = "db_unreadable"
	ReasonCodeFormat        = "code_format"         // not 6 digits: nothing was checked
	ReasonCodeWrong         = "code_wrong"          // checked and refused
	ReasonCodeWrongClock    = "code_wrong_clock"    // refused, third time or more: hint at the phone's clock
	ReasonCodeReplayed      = "code_replayed"       // already used: wait for the next one
	ReasonMFALocked         = "mfa_locked"          // too many wrong codes
	ReasonEnrollExpired     = "enroll_expired"      // the QR code is older than 10 minutes
	ReasonMFAKeyMissing     = "mfa_key_missing"     // the encryption key is not on this computer
	ReasonMFAStep           = "mfa_step"            // the call does not fit the sign-in step
	ReasonNotAdmin          = "not_admin"           // only administrators may do this
	ReasonSelfReset         = "self_reset"          // nobody resets their own MFA
	ReasonSelfDisable       = "self_disable"        // nobody disables their own account
	ReasonSelfPassword      = "self_password"       // one's own password changes in Mon compte
	ReasonMFANotSet         = "mfa_not_set"         // nothing to reset: MFA is off
	ReasonAdminCodeRequired = "admin_code_required" // the acting admin's own code is needed
	ReasonReasonRequired    = "reason_required"     // break-glass needs a written reason
	ReasonGraceInvalid      = "grace_invalid"       // grace days out of range
	ReasonCannotSkip        = "cannot_skip"         // enrollment is required now
	ReasonEnrollFirst       = "enroll_first"        // finish MFA enrollment in the app first
	ReasonNewPasswordFirst  = "new_password_first"  // choose a password in the app first
	ReasonDBForeign         = "db_foreign"          // a SQLite file of another program
	ReasonAccountTampered   = "account_tampered"    // changed outside the app: an administrator must look at it
	ReasonAdminMFARequired  = "admin_mfa_required"  // the acting admin's own MFA must be on first
	ReasonOtherAdminExists  = "other_admin_exists"  // break-glass: another admin with MFA can reset instead
	ReasonNotElevated       = "not_elevated"        // break-glass needs the OS administrator's rights
	ReasonSelfAcknowledge   = "self_acknowledge"    // another administrator must acknowledge this break-glass
	ReasonLastAdmin         = "last_admin"          // at least one enabled administrator must remain
	ReasonSelfRole          = "self_role"           // nobody changes their own role
	ReasonSelfErase         = "self_erase"          // nobody erases herself
	ReasonJournalBroken     = "journal_broken"      // the journal's chain must verify first
	ReasonKeyInsecure       = "key_insecure"        // the key file can be read or replaced by others
	ReasonNameInvalid       = "name_invalid"        // control characters, bidirectional overrides, bad UTF-8
	ReasonReasonTooLong     = "reason_too_long"     // break-glass reason over 500 characters
	ReasonCSVTooLarge       = "csv_too_large"       // import file over the size limit
	ReasonCSVHeader         = "csv_header"          // import header line without its three columns, once each
	ReasonCSVEncoding       = "csv_encoding"        // import file neither UTF-8 nor Windows-1252 text
	ReasonInputTooLong      = "input_too_long"      // a line of standard input over its limit
	ReasonNotTampered       = "not_tampered"        // reseal: the account was not changed outside the app
	// The service and its clients (cmd/internal/rpc).
	ReasonServiceVersion     = "service_version"     // the window (or tool) and the service do not go together
	ReasonServiceUnavailable = "service_unavailable" // the service does not answer (not started, stopped, too slow)
	ReasonOSUserUnknown      = "os_user_unknown"     // the OS did not say who runs the client: refused
	// ReasonServiceHoldsData: this computer's service holds the daycare; a
	// command that works on the files themselves (restore, keys import,
	// move, db move, configure) is refused rather than reaching around it
	// (Detail: the machine-wide configuration).
	ReasonServiceHoldsData = "service_holds_data"
)

// Error is the error type returned by the services of this package.
type Error struct {
	Code   string // one of the E* constants
	Reason string // one of the Reason* keys
	// Until is set for time-bound refusals (a locked account).
	Until time.Time
	// Line is set when the error concerns a line of an imported file.
	Line int
	// Skew is set on a refused code (code_wrong, code_wrong_clock) that is
	// the right one a few minutes away: how far this computer's clock (the
	// service's) seems ahead of the phone's, negative when behind. The
	// faces then say so instead of the reason's sentence; one that does
	// not know Skew (an older window) still says « code incorrect ».
	Skew time.Duration
	// Limit is the bound a length refusal names: the fewest characters
	// (password_too_short) or the most (password_too_long).
	Limit int
	// Word says what a password_context refusal found the password built
	// on: one of the PasswordWord* kinds (never the password).
	Word string
	// Detail is extra context for logs and technicians (never secrets).
	Detail string
	// Err is the underlying cause, if any.
	Err error
}

func (e *Error) Error() string {
	s := e.Code + ": " + e.Reason
	if e.Line > 0 {
		s += fmt.Sprintf(" (line %d)", e.Line)
	}
	if e.Detail != "" {
		s += ": " + e.Detail
	}
	if e.Err != nil {
		s += ": " + e.Err.Error()
	}
	return s
}

func (e *Error) Unwrap() error { return e.Err }

// Errorf builds an *Error with a code, a reason and an optional detail.
func Errorf(code, reason, format string, args ...any) *Error {
	return &Error{Code: code, Reason: reason, Detail: fmt.Sprintf(format, args...)}
}

// ErrorCode returns the code of err, EINTERNAL for foreign errors and ""
// for nil.
func ErrorCode(err error) string {
	var e *Error
	if err == nil {
		return ""
	}
	if errors.As(err, &e) {
		return e.Code
	}
	return EINTERNAL
}

// ErrorReason returns the reason key of err (ReasonStorage for foreign
// errors and "" for nil).
func ErrorReason(err error) string {
	var e *Error
	if err == nil {
		return ""
	}
	if errors.As(err, &e) {
		return e.Reason
	}
	return ReasonStorage
}

// ErrNotFound is returned by a Store when a record does not exist.
var ErrNotFound = &Error{Code: ENOTFOUND, Reason: ReasonUserNotFound}

// ErrEmailTaken is returned by a Store when an e-mail is already used.
var ErrEmailTaken = &Error{Code: ECONFLICT, Reason: ReasonEmailTaken}
