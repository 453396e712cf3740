package app

import (
	"crypto/sha256"
	"encoding/hex"
	"fmt"
	"strconv"
	"strings"
	"time"
)

// IntegrityReport is what Verify found.
type IntegrityReport struct {
	// JournalRows is how many journal rows were checked.
	JournalRows int
	// JournalBreaks are the IDs where the chain is broken: the row with
	// that ID was changed, inserted or moved, or rows before it deleted.
	JournalBreaks []int64
	// TailCut: rows after the newest one were removed (the recorded head
	// is missing or does not match).
	TailCut bool
	// Accounts whose security state was changed outside the app.
	Accounts []string
	// Missing accounts: created according to the journal, gone from the
	// file (the app never deletes an account).
	Missing []string
	// SettingsChanged: settings (staff policy…) changed outside the app.
	SettingsChanged bool
	// Unsealed: the database lost its integrity marker while MACs remain.
	Unsealed bool
	// KeyProblem is set when the key could not be used: nothing could be
	// vouched for.
	KeyProblem error
	// Recorded counts the tampering events in the journal (audit.tampered,
	// account.tampered, key.insecure) since an administrator last
	// acknowledged: evidence of edits that later activity no longer shows
	// (a cut tail, changed settings).
	Recorded int
	// SealedAt is when MACs were computed for an existing daycare (one
	// with accounts or journal rows) since an administrator last
	// acknowledged; zero otherwise. Normal once, right after the update to
	// the version that brought the MACs. Anyone who strips every MAC and
	// the marker from the file makes the app seal it again the same way,
	// so an administrator must see it and acknowledge it.
	SealedAt time.Time
	// Acknowledged: the findings above are the ones an administrator
	// already acknowledged (AcknowledgeIntegrity), nothing new.
	Acknowledged bool
	// BeforeKeyReplaced counts the journal rows sealed by a key that was
	// since replaced (ReplaceKey): their MACs cannot be checked any more.
	BeforeKeyReplaced int

	// Root is the state root's problem (RootMissing, RootInvalid,
	// RootStale; RootOK when it vouches for the file): with a problem no
	// account can sign in until the computer's administrator looked
	// (Trusted.RebuildRoot).
	Root string
	// Counter is the root's write counter.
	Counter uint64
	// RolledBack are the accounts whose row (with a right MAC) is not the
	// one the root names: an older copy put back. They cannot sign in.
	RolledBack []string
	// JournalRolledBack: the journal's head is not the root's (newest
	// rows cut and an older head put back). SettingsRolledBack: the
	// settings are not the root's (an older copy put back).
	JournalRolledBack, SettingsRolledBack bool
	// SeenCounter is set when this computer saw a newer state of this
	// database than the file holds (a whole file put back): the highest
	// write counter seen, to compare with Counter.
	SeenCounter uint64

	rootHead, head string // the root's journal head and the file's (tokens)
	rootSMAC, smac string // the same of the settings' MAC

	neverSealed bool   // no MAC and no marker: verifyAll seals it first
	settingsMAC string // the settings MAC found, naming a settings finding
	tail        string // "LASTID:HEAD" found, naming a tail finding
}

// tokens name each finding (see sealTx.seen).
func (r IntegrityReport) tokens() []string {
	var out []string
	for _, id := range r.JournalBreaks {
		out = append(out, "b:"+strconv.FormatInt(id, 10))
	}
	for _, email := range r.Accounts {
		out = append(out, "a:"+email)
	}
	for _, email := range r.Missing {
		out = append(out, "m:"+email)
	}
	if r.Unsealed {
		out = append(out, "u")
	}
	if r.SettingsChanged {
		out = append(out, "s:"+r.settingsMAC)
	}
	if r.TailCut {
		out = append(out, "t:"+r.tail)
	}
	// The same tokens as ensureRoot and checkWitness journal with.
	if r.Root != RootOK {
		out = append(out, "r:"+r.Root)
	}
	for _, email := range r.RolledBack {
		out = append(out, "a:"+email)
	}
	if r.JournalRolledBack {
		out = append(out, "h:"+r.rootHead+">"+r.head)
	}
	if r.SettingsRolledBack {
		out = append(out, "g:"+r.rootSMAC+">"+r.smac)
	}
	if r.SeenCounter > 0 {
		out = append(out, "w:"+strconv.FormatUint(r.SeenCounter, 10)+":"+strconv.FormatUint(r.Counter, 10)+":"+r.rootHead)
	}
	return out
}

// current reports whether the file shows tampering right now.
func (r IntegrityReport) current() bool {
	return len(r.JournalBreaks) > 0 || r.TailCut || len(r.Accounts) > 0 || len(r.Missing) > 0 || r.SettingsChanged || r.Unsealed ||
		r.Root != RootOK || len(r.RolledBack) > 0 || r.JournalRolledBack || r.SettingsRolledBack || r.SeenCounter > 0
}

// OK reports whether nothing needs an administrator's attention: no
// tampering found now that was not acknowledged, none recorded since the
// last acknowledgement, and a usable key.
func (r IntegrityReport) OK() bool {
	return r.KeyProblem == nil && r.Recorded == 0 && r.SealedAt.IsZero() && (!r.current() || r.Acknowledged)
}

// JournalBroken reports whether the journal itself was edited.
func (r IntegrityReport) JournalBroken() bool {
	return len(r.JournalBreaks) > 0 || r.TailCut || r.Unsealed
}

// summary is the journal detail of a report (IDs, e-mails, no secrets).
func (r IntegrityReport) summary() string {
	var parts []string
	if len(r.JournalBreaks) > 0 {
		ids := make([]string, 0, len(r.JournalBreaks))
		for i, id := range r.JournalBreaks {
			if i == 20 {
				ids = append(ids, fmt.Sprintf("… (%d)", len(r.JournalBreaks)))
				break
			}
			ids = append(ids, strconv.FormatInt(id, 10))
		}
		parts = append(parts, "rows="+strings.Join(ids, ","))
	}
	if r.TailCut {
		parts = append(parts, "tail_cut")
	}
	if r.Unsealed {
		parts = append(parts, "marker_removed")
	}
	if len(r.Missing) > 0 {
		parts = append(parts, "accounts_deleted="+strings.Join(r.Missing, ","))
	}
	if r.SettingsChanged {
		parts = append(parts, "settings_changed")
	}
	if r.Root != RootOK {
		parts = append(parts, "state_root="+r.Root)
	}
	if rb := r.rolledBackWhat(); rb != "" {
		parts = append(parts, "rolled_back="+rb)
	}
	return strings.Join(parts, ", ")
}

// fields are the findings of summary, key by key.
func (r IntegrityReport) fields() []AuditField {
	var fs []AuditField
	if len(r.JournalBreaks) > 0 {
		ids := make([]string, 0, len(r.JournalBreaks))
		for i, id := range r.JournalBreaks {
			if i == 20 {
				ids = append(ids, fmt.Sprintf("… (%d)", len(r.JournalBreaks)))
				break
			}
			ids = append(ids, strconv.FormatInt(id, 10))
		}
		fs = append(fs, kv(FieldBreaks, strings.Join(ids, ",")))
	}
	if r.TailCut {
		fs = append(fs, kv(FieldTailCut, "true"))
	}
	if r.Unsealed {
		fs = append(fs, kv(FieldUnsealed, "true"))
	}
	if len(r.Missing) > 0 {
		fs = append(fs, kv(FieldDeleted, strings.Join(r.Missing, ",")))
	}
	if r.SettingsChanged {
		fs = append(fs, kv(FieldSettings, "true"))
	}
	if r.Root != RootOK {
		fs = append(fs, kv(FieldRoot, r.Root))
	}
	if rb := r.rolledBackWhat(); rb != "" {
		fs = append(fs, kv(FieldRolledBack, rb))
	}
	return fs
}

// rolledBackWhat names what is older than the root: "journal",
// "settings" and the accounts' e-mails, comma-separated.
func (r IntegrityReport) rolledBackWhat() string {
	var what []string
	if r.JournalRolledBack {
		what = append(what, "journal")
	}
	if r.SettingsRolledBack {
		what = append(what, "settings")
	}
	return strings.Join(append(what, r.RolledBack...), ",")
}

// digest names the current findings that stay in the file (the broken
// rows and accounts), so the same finding is journaled once and can be
// acknowledged.
func (r IntegrityReport) digest() string {
	var b strings.Builder
	for _, id := range r.JournalBreaks {
		b.WriteString(strconv.FormatInt(id, 10) + ",")
	}
	b.WriteString("|" + strings.Join(r.Accounts, ",") + "|" + strings.Join(r.Missing, ","))
	if len(r.RolledBack) > 0 {
		b.WriteString("|rolled_back:" + strings.Join(r.RolledBack, ","))
	}
	if r.Unsealed {
		b.WriteString("|unsealed")
	}
	sum := sha256.Sum256([]byte(b.String()))
	return hex.EncodeToString(sum[:8])
}
