package app

import "time"

// A witness is what this computer remembers of a database outside its
// file: the highest write counter and journal head it has seen (so a whole
// file put back to an older state is reported, root.go), and the failed
// attempts to bring a lost key back (RestoreKey), which cannot be counted
// in the file while its key is missing. It lives in the computer user's
// configuration folder (data.Witness): whoever edits the database file
// cannot reset it by doing so.

// Witness keeps a WitnessRecord, shared by every process of this computer
// user.
type Witness interface {
	// Update runs fn on the record, locked against every other process,
	// and saves it when fn returns nil (nothing is saved otherwise).
	Update(fn func(*WitnessRecord) error) error
}

// WitnessRecord is what a witness keeps.
type WitnessRecord struct {
	// Databases are the states seen, by the id of the database's key
	// (SettingMFAKeyID).
	Databases map[string]WitnessSeen `json:"databases,omitempty"`
	// KeyRestore counts the failed attempts to bring a key back.
	KeyRestore KeyRestoreCount `json:"key_restore"`
}

// WitnessSeen is the newest state of one database seen on this computer.
type WitnessSeen struct {
	Counter uint64    `json:"counter"`
	Head    string    `json:"head"`
	At      time.Time `json:"at"`
}

// KeyRestoreCount is the lock of RestoreKey on this computer: the same
// rule as a sign-in (MaxFailedLogins failures lock it for LockDuration).
type KeyRestoreCount struct {
	Failures    int       `json:"failures"`
	LockedUntil time.Time `json:"locked_until"`
	// Pending are the failures not journaled yet (the key was missing):
	// the first write with the key journals them (mfa.key_restore_failed).
	Pending []KeyRestoreFailure `json:"pending,omitempty"`
}

// KeyRestoreFailure is one failed attempt to bring the key back.
type KeyRestoreFailure struct {
	At time.Time `json:"at"`
	// Email is the account named when it exists ("" for an unknown one:
	// never what was typed).
	Email string `json:"email,omitempty"`
	// Locked: this failure locked the restore.
	Locked bool `json:"locked,omitempty"`
}

// maxPendingRestoreFailures bounds what the witness keeps to journal.
const maxPendingRestoreFailures = 200

// Events, fields and reasons of the key-restore count.
const (
	// EventKeyRestoreFailed: an attempt to bring the key back (keys
	// replace --by) was refused while the key was missing; journaled once
	// the key is back, at the time it happened.
	EventKeyRestoreFailed = "mfa.key_restore_failed"
	// FieldLocked: this failure locked the key restore.
	FieldLocked = "locked"
	// WhereKeyMissing: FieldWhere of a failure counted by the witness.
	WhereKeyMissing = "key_missing"
	// ReasonKeyRestoreLocked: too many failed attempts to bring the key
	// back on this computer: try again after Until.
	ReasonKeyRestoreLocked = "key_restore_locked"
)
