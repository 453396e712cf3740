package app

import (
	"context"
	"time"
)

// Store is what the services need from storage (implemented by package
// data over SQLite). Every multi-step change runs inside one Update call,
// which is one transaction: either all of it is written or none of it.
type Store interface {
	// View runs fn in a read-only transaction.
	View(ctx context.Context, fn func(Tx) error) error
	// Update runs fn in a read-write transaction, committed if fn returns
	// nil and rolled back otherwise.
	Update(ctx context.Context, fn func(Tx) error) error
}

// ServerClock is a store on a server with a clock of its own (data.DB on
// PostgreSQL). ServerNow reads that clock; ok is false when there is
// none (a SQLite file).
type ServerClock interface {
	ServerNow(ctx context.Context) (t time.Time, ok bool, err error)
}

// Tx is one transaction on the store.
type Tx interface {
	// UserByEmail finds an account by normalized e-mail (ErrNotFound).
	UserByEmail(email string) (User, error)
	// UserByID finds an account by ID (ErrNotFound).
	UserByID(id int64) (User, error)
	// Users lists accounts matching f, ordered by name then e-mail.
	Users(f UserFilter) ([]User, error)
	// CountUsers counts the accounts having role (all accounts if role is "").
	CountUsers(role Role) (int, error)
	// InsertUser stores a new account and sets u.ID (ErrEmailTaken).
	InsertUser(u *User) error
	// UpdateUser writes every mutable field of u (ErrNotFound, ErrEmailTaken).
	UpdateUser(u User) error

	// Setting returns a setting's value and whether it is set.
	Setting(key string) (string, bool, error)
	// SetSetting writes a setting.
	SetSetting(key, value string) error

	// AppendAudit adds an event to the journal with e.ID and e.MAC as
	// given (the app chooses the next ID, see integrity.go).
	AppendAudit(e *AuditEvent) error
	// LastAudit returns the journal row with the highest ID (ok false
	// when the journal is empty).
	LastAudit() (e AuditEvent, ok bool, err error)
	// EachAudit calls fn for every journal row with an ID above afterID,
	// in increasing ID order, streaming (a million rows fit).
	EachAudit(afterID int64, fn func(AuditEvent) error) error
	// SetAuditMAC gives a row written before MACs existed its MAC. Only a
	// row without a MAC can get one; the journal stays append-only.
	SetAuditMAC(id int64, mac []byte) error
	// HasMACs reports whether any account or journal row carries a MAC.
	HasMACs() (bool, error)
	// MaxGeneration is the highest User.Generation (0 when none).
	MaxGeneration() (int64, error)
	// Settings returns every setting.
	Settings() (map[string]string, error)
	// Audit lists events matching f, newest first.
	Audit(f AuditFilter) ([]AuditEvent, error)
	// PersonByEmail finds the person of an e-mail, whatever its case (ok
	// false when none): see person.go.
	PersonByEmail(email string) (p Person, ok bool, err error)
	// NextPersonID is the number the next person gets.
	NextPersonID() (int64, error)
	// InsertPerson stores a new person as given.
	InsertPerson(p Person) error
	// Persons returns every person, erased ones included, by number.
	Persons() (map[int64]Person, error)
	// ErasePerson empties person id's e-mail and salt (ErrNotFound).
	ErasePerson(id int64, at time.Time) error
	// RewriteAudit writes rows over the journal rows of the same IDs: the
	// one-time hand-over to the personal form (erase.go), never otherwise.
	RewriteAudit(rows []AuditEvent) error
	// DeleteUser removes an account (ErrNotFound): an erasure.
	DeleteUser(id int64) error
	// LatestByTarget returns, for each person named as the target of an
	// event with code event, the time of the newest one, keyed by e-mail
	// in lower case (an indexed scan, not a read of the journal).
	LatestByTarget(event string) (map[string]time.Time, error)
}

// UserFilter selects accounts.
type UserFilter struct {
	Role  Role   // "" for every role
	Query string // substring of name or e-mail, "" for all
	Limit int    // 0 for no limit
	// Staff keeps employees and administrators only (with Role "").
	Staff bool
}

// AuditFilter selects journal events.
type AuditFilter struct {
	Event  string // exact event code, "" for all
	Person string // e-mail as actor or target, "" for all
	// Who is part of the e-mail or of the name of who acted or to whom,
	// ignoring case and accents ("" for all): what a person types.
	Who   string
	Since time.Time // inclusive, zero for no bound
	Until time.Time // exclusive, zero for no bound
	Limit int       // 0 for no limit
}

// Setting keys.
const (
	SettingDaycareName = "daycare_name"
	SettingIdleMinutes = "idle_minutes"
	// SettingMFAKeyID names the key (in the OS keyring or the key file)
	// that seals this database's TOTP secrets.
	SettingMFAKeyID = "mfa_key_id"
	// Staff multi-factor policy (see policy.go).
	SettingStaffMFAEnforced   = "staff_mfa_enforced"    // "1" or "0"
	SettingStaffMFAGraceDays  = "staff_mfa_grace_days"  // 0 = at next sign-in
	SettingStaffMFAEnforcedAt = "staff_mfa_enforced_at" // RFC 3339
	// SettingBreakGlass holds the unacknowledged break-glass resets
	// ("" when none), shown to every administrator as a banner.
	SettingBreakGlass = "break_glass_pending"
	// SettingRememberEmail lets the sign-in screen offer the e-mail last
	// used on this computer ("1"; off when absent): see RememberEmail.
	SettingRememberEmail = "remember_email"
)
