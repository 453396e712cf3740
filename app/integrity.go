package app

import (
	"bytes"
	"context"
	"crypto/hmac"
	"crypto/sha256"
	"encoding/binary"
	"encoding/hex"
	"errors"
	"fmt"
	"sort"
	"strconv"
	"strings"
	"sync"
	"time"
)

// Tamper evidence. Anyone who can open the database file can change it
// with any SQLite tool. These edits cannot be prevented, so they are made
// detectable with keyed MACs whose key lives in the key store (like the
// key that seals TOTP secrets, and derived from it), never in the file:
//
//   - each account's security state carries a MAC (accountMAC): a row
//     changed outside the app no longer matches, and that account cannot
//     sign in until an administrator looks at it;
//   - each journal row carries a MAC chained to the previous row's
//     (auditMAC): a deleted, rewritten, inserted or reordered row breaks the
//     chain; the newest row is also recorded in a MACed "head" setting, so
//     cutting rows off the end is seen too;
//   - the settings (staff policy, idle minutes, break-glass notices…)
//     carry one MAC together.
//
// Every write of the services goes through sealTx, which computes these
// MACs, so no service can forget one.

// Integrity settings (their values are maintained by this file only).
const (
	// SettingSealedAt records when this database got its MACs.
	SettingSealedAt = "integrity_sealed_at"
	// settingAuditHead is "ID:MAC:HEADMAC" of the newest journal row.
	settingAuditHead = "audit_head"
	// settingSettingsMAC is the MAC of every other setting.
	settingSettingsMAC = "settings_mac"
	// settingTamperSeen is a digest of the last tampering journaled, so
	// that the same finding is journaled once, not at every start.
	settingTamperSeen = "integrity_tamper_seen"
	// settingAcknowledged is the digest of the findings an administrator
	// acknowledged (a MACed setting).
	settingAcknowledged = "integrity_acknowledged"
)

// Integrity events (public interface).
const (
	EventAuditTampered   = "audit.tampered"
	EventAccountTampered = "account.tampered"
	EventSealed          = "integrity.sealed"
	EventAccountResealed = "account.resealed"
	EventKeyInsecure     = "key.insecure"
	EventIntegrityAcked  = "integrity.acknowledged"
)

// macKeys are the keys derived from the database's master key.
type macKeys struct {
	account, audit, head, settings, fingerprint, root []byte
	// reactivation keys the hashes of reactivation codes (reactivation.go).
	reactivation []byte
}

func deriveKeys(master []byte) *macKeys {
	d := func(label string) []byte {
		m := hmac.New(sha256.New, master)
		m.Write([]byte("apetitspas/" + label + "/v1"))
		return m.Sum(nil)
	}
	return &macKeys{account: d("account-mac"), audit: d("audit-mac"), head: d("audit-head"),
		settings: d("settings-mac"), fingerprint: d("unknown-account"), root: d("state-root"),
		reactivation: d("reactivation-code")}
}

// macWriter builds an unambiguous message: every field is length-prefixed.
type macWriter struct{ b bytes.Buffer }

func (w *macWriter) str(s string) {
	var n [8]byte
	binary.BigEndian.PutUint64(n[:], uint64(len(s)))
	w.b.Write(n[:])
	w.b.WriteString(s)
}
func (w *macWriter) bytes(p []byte) { w.str(string(p)) }
func (w *macWriter) int(i int64) {
	var n [8]byte
	binary.BigEndian.PutUint64(n[:], uint64(i))
	w.b.Write(n[:])
}
func (w *macWriter) bool(v bool) {
	if v {
		w.int(1)
	} else {
		w.int(0)
	}
}
func (w *macWriter) time(t time.Time) {
	if t.IsZero() {
		w.int(0)
	} else {
		w.int(t.UnixMilli())
	}
}
func (w *macWriter) sum(key []byte) []byte {
	m := hmac.New(sha256.New, key)
	m.Write(w.b.Bytes())
	return m.Sum(nil)
}

// accountMAC covers everything that decides what an account may do: who
// it is, its role, password, lock and failure counters, and multi-factor
// state. The display name is left out (it decides nothing).
func (k *macKeys) accountMAC(u User) []byte {
	var w macWriter
	w.str("account")
	w.int(u.ID)
	w.str(u.Email)
	w.str(string(u.Role))
	w.str(u.PasswordHash)
	w.bool(u.MustChangePassword)
	w.bool(u.Disabled)
	w.int(int64(u.FailedLogins))
	w.time(u.LockedUntil)
	mfa := u.MFA
	if mfa == "" {
		mfa = MFAOff
	}
	w.str(string(mfa))
	w.bytes(u.MFASecret)
	w.time(u.MFASecretSince)
	w.int(u.MFALastStep)
	w.int(int64(u.MFAFailures))
	w.str(u.MFAResetBy)
	w.time(u.MFAResetAt)
	w.time(u.MFADue)
	if len(u.Recovery) > 0 {
		// Only when there are codes: the MACs of accounts without any,
		// made before codes existed, stay valid.
		w.str("recovery")
		w.bytes(u.Recovery)
	}
	if u.Generation != 0 || u.CreatedBy != 0 {
		// The same for what came with the state root (root.go): an
		// account never written since keeps its MAC.
		w.str("generation")
		w.int(u.Generation)
		w.int(u.CreatedBy)
	}
	if len(u.Reactivation) > 0 {
		// Only when there is one: older MACs stay valid. A hash put in
		// the file by someone else makes the account tampered.
		w.str("reactivation")
		w.bytes(u.Reactivation)
	}
	return w.sum(k.account)
}

// auditMAC chains a journal row to the MAC of the row before it.
func (k *macKeys) auditMAC(prev []byte, e AuditEvent) []byte {
	var w macWriter
	w.str("audit")
	w.bytes(prev)
	w.int(e.ID)
	w.time(e.Time)
	w.str(e.Event)
	w.str(e.Actor)
	w.str(e.Target)
	w.str(e.Detail)
	// Fields came later: a row without any is MACed as before, so that
	// journals sealed earlier still verify. With fields, the message is
	// longer, so it can never equal the one of a row without them.
	if len(e.Fields) > 0 {
		w.str("fields")
		w.int(int64(len(e.Fields)))
		for _, f := range e.Fields {
			w.str(f.Key)
			w.str(f.Value)
		}
	}
	return w.sum(k.audit)
}

func (k *macKeys) headValue(id int64, mac []byte) string {
	var w macWriter
	w.str("head")
	w.int(id)
	w.bytes(mac)
	return strconv.FormatInt(id, 10) + ":" + hex.EncodeToString(mac) + ":" + hex.EncodeToString(w.sum(k.head))
}

// settingsMAC covers every setting but the integrity bookkeeping ones.
func (k *macKeys) settingsMAC(all map[string]string) string {
	keys := make([]string, 0, len(all))
	for key := range all {
		if key == settingAuditHead || key == settingSettingsMAC || key == settingTamperSeen || key == settingStateRoot {
			continue
		}
		keys = append(keys, key)
	}
	sort.Strings(keys)
	var w macWriter
	w.str("settings")
	for _, key := range keys {
		w.str(key)
		w.str(all[key])
	}
	return hex.EncodeToString(w.sum(k.settings))
}

// Fingerprint is a short keyed digest of what was typed in the e-mail
// field of a failed sign-in with an unknown account: repeated attempts
// can be grouped in the journal without the typed text (often a password
// typed in the wrong field) ever being stored.
func (k *macKeys) Fingerprint(typed string) string {
	m := hmac.New(sha256.New, k.fingerprint)
	m.Write([]byte(NormalizeEmail(typed)))
	return hex.EncodeToString(m.Sum(nil))[:12]
}

// keyCache keeps the master keys read from the key store: the OS key
// store can take milliseconds to answer.
type keyCache struct {
	mu       sync.Mutex
	keys     map[string]*macKeys
	insecure map[string]bool // refused keys already journaled
}

// integrityKeys returns the MAC keys of this database. When create is
// set and the database names no key yet, a key is made and recorded.
func (s *Service) integrityKeys(tx Tx, create bool) (*macKeys, error) {
	if s.keys == nil {
		return nil, keyMissing(errors.New("no key ring"))
	}
	id, ok, err := tx.Setting(SettingMFAKeyID)
	if err != nil {
		return nil, err
	}
	if !ok || id == "" {
		if !create {
			return nil, keyMissing(errors.New("no key id recorded"))
		}
		if _, err := s.secretKey(tx, true); err != nil {
			return nil, err
		}
		if id, _, err = tx.Setting(SettingMFAKeyID); err != nil {
			return nil, err
		}
	}
	s.cache.mu.Lock()
	k := s.cache.keys[id]
	s.cache.mu.Unlock()
	if k != nil {
		return k, nil
	}
	master, err := s.secretKey(tx, false)
	if err != nil {
		return nil, err
	}
	k = deriveKeys(master)
	s.cache.mu.Lock()
	if s.cache.keys == nil {
		s.cache.keys = map[string]*macKeys{}
	}
	s.cache.keys[id] = k
	s.cache.mu.Unlock()
	return k, nil
}

// sealTx is the transaction every service sees: it computes the MACs of
// what is written and checks those of the accounts that are read.
type sealTx struct {
	Tx
	s             *Service
	write         bool
	keys          *macKeys
	keyErr        error
	settingsDirty bool
	// sealed: the database had its MACs when the transaction began.
	sealed      bool
	headChecked bool

	// The state root (root.go): as read, why it vouches for nothing, the
	// accounts this transaction wrote, and the root it wrote.
	rootLoaded  bool
	root        *stateRoot
	rootProblem string
	// The journal head and settings MAC as they were when the root was
	// read (before this transaction wrote anything).
	headAtLoad, smacAtLoad string
	changed                map[int64]rootEntry
	// rebuildRoot: the root is made from the rows (a new one, a key
	// replaced, the computer's administrator's RebuildRoot).
	rebuildRoot bool
	written     *stateRoot
	dbID        string
	// rolledBack: a rollback of the whole file was journaled (the
	// witness then follows the file).
	rolledBack bool
	// pendingJournaled: key-restore failures journaled from the witness.
	pendingJournaled int
	// witness is this computer's witness, read once (root.go).
	witness *WitnessRecord
	// restored: a backup being restored (an older state on purpose,
	// journaled as such): the witness follows it.
	restored bool
}

func (t *sealTx) macKeys() (*macKeys, error) {
	if t.keys == nil && t.keyErr == nil {
		t.keys, t.keyErr = t.s.integrityKeys(t.Tx, t.write)
	}
	return t.keys, t.keyErr
}

// check marks u as tampered when its MAC does not match, or when it is
// not the row the state root names (an older copy put back, root.go).
// Without the key nothing can be vouched for: the account counts as
// tampered.
func (t *sealTx) check(u *User) {
	k, err := t.macKeys()
	u.Tampered = err != nil || !hmac.Equal(u.MAC, k.accountMAC(*u))
	if !u.Tampered {
		fresh, err := t.fresh(*u)
		u.Tampered = err != nil || !fresh
	}
}

func (t *sealTx) UserByEmail(email string) (User, error) {
	u, err := t.Tx.UserByEmail(email)
	if err == nil {
		t.check(&u)
	}
	return u, err
}

func (t *sealTx) UserByID(id int64) (User, error) {
	u, err := t.Tx.UserByID(id)
	if err == nil {
		t.check(&u)
	}
	return u, err
}

func (t *sealTx) Users(f UserFilter) ([]User, error) {
	us, err := t.Tx.Users(f)
	for i := range us {
		t.check(&us[i])
	}
	return us, err
}

func (t *sealTx) InsertUser(u *User) error {
	k, err := t.macKeys()
	if err != nil {
		return err
	}
	gen, err := t.nextGeneration()
	if err != nil {
		return err
	}
	u.MAC, u.Generation = nil, gen
	if err := t.Tx.InsertUser(u); err != nil {
		return err
	}
	u.MAC = k.accountMAC(*u)
	u.Tampered = false
	if err := t.Tx.UpdateUser(*u); err != nil {
		return err
	}
	t.wrote(*u)
	return nil
}

// UpdateUser refuses to write over an account changed outside the app:
// writing would give the edit a valid MAC. Only Reseal, after an
// administrator looked at it, clears Tampered first.
func (t *sealTx) UpdateUser(u User) error {
	if u.Tampered {
		return &Error{Code: EFORBIDDEN, Reason: ReasonAccountTampered, Detail: u.Email}
	}
	k, err := t.macKeys()
	if err != nil {
		return err
	}
	if u.Generation, err = t.nextGeneration(); err != nil {
		return err
	}
	u.MAC = k.accountMAC(u)
	if err := t.Tx.UpdateUser(u); err != nil {
		return err
	}
	t.wrote(u)
	return nil
}

// SetSetting writes a setting; the settings' MAC is computed once, when
// the transaction ends. Settings changed outside the app are journaled
// before the new MAC would hide the change.
func (t *sealTx) SetSetting(key, value string) error {
	if !t.settingsDirty && t.sealed {
		found, want, err := t.settingsMACs()
		if err != nil {
			return err
		}
		if found != want {
			if err := t.journalOnce("s:"+found, "settings_changed"); err != nil {
				return err
			}
		}
	}
	if err := t.Tx.SetSetting(key, value); err != nil {
		return err
	}
	t.settingsDirty = true
	return nil
}

// seen returns the tamper findings already journaled (tokens such as
// "b:12" for a broken row, "a:EMAIL" for an account, "s:MAC" for settings
// changed, "t:ID:HEAD" for a cut tail, "u" for a removed marker).
func (t *sealTx) seen() (map[string]bool, error) {
	v, _, err := t.Tx.Setting(settingTamperSeen)
	out := map[string]bool{}
	for _, tok := range strings.Split(v, "\n") {
		if tok != "" {
			out[tok] = true
		}
	}
	return out, err
}

// markSeen adds tokens to the findings already journaled. The setting is
// not MACed: it only keeps the same finding from being journaled twice.
func (t *sealTx) markSeen(tokens ...string) error {
	v, _, err := t.Tx.Setting(settingTamperSeen)
	if err != nil {
		return err
	}
	for _, tok := range tokens {
		if v != "" {
			v += "\n"
		}
		v += tok
	}
	return t.Tx.SetSetting(settingTamperSeen, v)
}

// journalOnce journals audit.tampered with detail (a field key, true)
// unless the finding token was journaled already.
func (t *sealTx) journalOnce(token, detail string) error {
	return t.journalEventOnce(token, t.s.audit(EventAuditTampered, "", "", detail, kv(detail, "true")))
}

// journalEventOnce journals e unless the finding token was journaled
// already.
func (t *sealTx) journalEventOnce(token string, e *AuditEvent) error {
	seen, err := t.seen()
	if err != nil || seen[token] {
		return err
	}
	if err := t.markSeen(token); err != nil {
		return err
	}
	t.headChecked = true // this entry is the evidence; do not recurse
	return t.AppendAudit(e)
}

// AppendAudit chains e to the newest row and moves the head.
func (t *sealTx) AppendAudit(e *AuditEvent) error {
	k, err := t.macKeys()
	if err != nil {
		return err
	}
	last, ok, err := t.Tx.LastAudit()
	if err != nil {
		return err
	}
	if t.sealed && !t.headChecked {
		// Rows cut off the end leave a head that no longer matches: say so
		// in the chain before moving the head on.
		t.headChecked = true
		head, hasHead, err := t.Tx.Setting(settingAuditHead)
		if err != nil {
			return err
		}
		if (ok || hasHead) && (!ok || head != k.headValue(last.ID, last.MAC)) {
			if err := t.journalOnce("t:"+strconv.FormatInt(last.ID, 10)+":"+head, "tail_cut"); err != nil {
				return err
			}
			if last, ok, err = t.Tx.LastAudit(); err != nil {
				return err
			}
		}
	}
	e.ID = 1
	if ok {
		e.ID = last.ID + 1
	}
	e.Time = e.Time.UTC().Truncate(time.Millisecond)
	e.MAC = k.auditMAC(last.MAC, *e)
	if err := t.Tx.AppendAudit(e); err != nil {
		return err
	}
	return t.Tx.SetSetting(settingAuditHead, k.headValue(e.ID, e.MAC))
}

// finish seals the settings when some were written, then writes the
// state root (root.go).
func (t *sealTx) finish() error {
	if t.settingsDirty {
		_, want, err := t.settingsMACs()
		if err != nil {
			return err
		}
		if err := t.Tx.SetSetting(settingSettingsMAC, want); err != nil {
			return err
		}
	}
	return t.writeRoot()
}

// settingsMACs are the settings' MAC as stored and as the settings are.
func (t *sealTx) settingsMACs() (found, want string, err error) {
	k, err := t.macKeys()
	if err != nil {
		return "", "", err
	}
	all, err := t.Tx.Settings()
	if err != nil {
		return "", "", err
	}
	return all[settingSettingsMAC], k.settingsMAC(all), nil
}

// ensureSealed gives a database made before MACs existed (or a new one)
// its MACs, once. A database whose marker is gone while MACs exist was
// tampered with: it is not sealed again (that would bless the edit).
func (s *Service) ensureSealed(t *sealTx) error {
	_, sealed, err := t.Tx.Setting(SettingSealedAt)
	if err != nil || sealed {
		t.sealed = sealed
		return err
	}
	has, err := t.Tx.HasMACs()
	if err != nil || has {
		t.sealed = has
		return err // tampered: reported by Verify
	}
	k, err := t.macKeys()
	if err != nil {
		return err
	}
	users, err := t.Tx.Users(UserFilter{})
	if err != nil {
		return err
	}
	for _, u := range users {
		u.MAC = k.accountMAC(u)
		if err := t.Tx.UpdateUser(u); err != nil {
			return err
		}
	}
	var prev []byte
	var lastID int64
	rows := 0
	err = t.Tx.EachAudit(0, func(e AuditEvent) error {
		rows++
		e.Time = e.Time.UTC()
		mac := k.auditMAC(prev, e)
		prev, lastID = mac, e.ID
		return t.Tx.SetAuditMAC(e.ID, mac)
	})
	if err != nil {
		return err
	}
	if rows > 0 {
		if err := t.Tx.SetSetting(settingAuditHead, k.headValue(lastID, prev)); err != nil {
			return err
		}
	}
	now := s.now().UTC()
	if err := t.SetSetting(SettingSealedAt, now.Format(time.RFC3339)); err != nil {
		return err
	}
	if len(users) == 0 && rows == 0 {
		return nil // a new database: nothing to tell
	}
	return t.AppendAudit(s.audit(EventSealed, "", "",
		fmt.Sprintf("accounts=%d, journal_rows=%d", len(users), rows),
		kv(FieldAccounts, strconv.Itoa(len(users))), kv(FieldRows, strconv.Itoa(rows))))
}

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

// verify checks every MAC inside t.
func (s *Service) verify(t *sealTx) (IntegrityReport, error) {
	var r IntegrityReport
	_, sealed, err := t.Tx.Setting(SettingSealedAt)
	if err != nil {
		return r, err
	}
	if !sealed {
		has, err := t.Tx.HasMACs()
		if err != nil {
			return r, err
		}
		r.Unsealed = has
		if !has {
			r.neverSealed = true // not sealed yet: the next write seals it
			return r, nil
		}
	}
	k, err := t.macKeys()
	if err != nil {
		if ErrorReason(err) == ReasonStorage {
			return r, err
		}
		r.KeyProblem = err
		return r, nil
	}
	users, err := t.Tx.Users(UserFilter{})
	if err != nil {
		return r, err
	}
	exists := map[string]bool{}
	for _, u := range users {
		exists[u.Email] = true
		if !hmac.Equal(u.MAC, k.accountMAC(u)) {
			r.Accounts = append(r.Accounts, u.Email)
		}
	}
	created, err := t.Tx.Audit(AuditFilter{Event: EventUserCreated})
	if err != nil {
		return r, err
	}
	for _, e := range created {
		if email := NormalizeEmail(e.Target); email != "" && !exists[email] {
			exists[email] = true // once
			r.Missing = append(r.Missing, email)
		}
	}
	sort.Strings(r.Missing)
	if err := s.rootReport(t, &r, k, users); err != nil {
		return r, err
	}
	var prev []byte
	var prevID int64
	// Rows sealed by a key since replaced cannot be checked (keyreplace.go).
	handover := int64(0)
	if v, ok, err := t.Tx.Setting(settingHandover); err != nil {
		return r, err
	} else if ok {
		handover, _ = strconv.ParseInt(v, 10, 64)
	}
	err = t.Tx.EachAudit(0, func(e AuditEvent) error {
		r.JournalRows++
		if e.ID <= handover {
			r.BeforeKeyReplaced++
			if e.ID != prevID+1 {
				r.JournalBreaks = append(r.JournalBreaks, e.ID)
			}
			prev, prevID = e.MAC, e.ID
			return nil
		}
		if e.ID != prevID+1 || !hmac.Equal(e.MAC, k.auditMAC(prev, e)) {
			r.JournalBreaks = append(r.JournalBreaks, e.ID)
		}
		prev, prevID = e.MAC, e.ID
		return nil
	})
	if err != nil {
		return r, err
	}
	head, hasHead, err := t.Tx.Setting(settingAuditHead)
	if err != nil {
		return r, err
	}
	switch {
	case r.JournalRows == 0 && hasHead:
		r.TailCut = true
	case r.JournalRows > 0 && (!hasHead || head != k.headValue(prevID, prev)):
		r.TailCut = true
	}
	r.tail = strconv.FormatInt(prevID, 10) + ":" + head
	all, err := t.Tx.Settings()
	if err != nil {
		return r, err
	}
	if all[settingSettingsMAC] != k.settingsMAC(all) {
		r.SettingsChanged = true
		r.settingsMAC = all[settingSettingsMAC]
	}
	if r.Recorded, r.SealedAt, err = recordedTampering(t.Tx); err != nil {
		return r, err
	}
	r.Acknowledged = r.current() && !r.SettingsChanged && all[settingAcknowledged] == r.digest()
	return r, nil
}

// recordedTampering counts the tampering events since the last
// acknowledgement, and gives the time of the last sealing of an existing
// daycare since then (zero when none).
func recordedTampering(tx Tx) (int, time.Time, error) {
	acks, err := tx.Audit(AuditFilter{Event: EventIntegrityAcked, Limit: 1})
	if err != nil {
		return 0, time.Time{}, err
	}
	var since int64
	if len(acks) > 0 {
		since = acks[0].ID
	}
	n := 0
	for _, ev := range []string{EventAuditTampered, EventAccountTampered, EventKeyInsecure, EventAuditRolledBack} {
		evs, err := tx.Audit(AuditFilter{Event: ev})
		if err != nil {
			return 0, time.Time{}, err
		}
		for _, e := range evs {
			if e.ID > since {
				n++
			}
		}
	}
	var sealed time.Time
	evs, err := tx.Audit(AuditFilter{Event: EventSealed, Limit: 1})
	if err != nil {
		return 0, time.Time{}, err
	}
	if len(evs) > 0 && evs[0].ID > since {
		sealed = evs[0].Time
	}
	return n, sealed, nil
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

// AcknowledgeIntegrity is an administrator saying she has seen what was
// found (and looked at the accounts named): the warning goes away until
// something new is found. A strong action, journaled with the findings.
func (s *Service) AcknowledgeIntegrity(ctx context.Context, admin *Session, adminCode string) error {
	return s.asAdmin(ctx, admin, "acknowledge integrity", strong, adminCode, func(tx Tx, a User, _ func() error) error {
		r, err := s.verify(tx.(*sealTx))
		if err != nil {
			return err
		}
		if err := tx.SetSetting(settingAcknowledged, r.digest()); err != nil {
			return err
		}
		detail, fields := r.summary(), r.fields()
		if len(r.Accounts) > 0 {
			detail = strings.TrimPrefix(detail+", accounts="+strings.Join(r.Accounts, ","), ", ")
			fields = append(fields, kv(FieldChanged, strings.Join(r.Accounts, ",")))
		}
		return tx.AppendAudit(s.audit(EventIntegrityAcked, a.Email, "", detail, fields...))
	})
}

// CheckIntegrity is Verify for an administrator's screens.
func (s *Service) CheckIntegrity(ctx context.Context, admin *Session) (IntegrityReport, error) {
	if err := s.requireAdmin(ctx, admin, "check integrity"); err != nil {
		return IntegrityReport{}, err
	}
	return s.verifyAll(ctx)
}

// verifyAll checks the MACs of every account, of the whole journal and of
// the settings. A new finding is journaled once (audit.tampered,
// account.tampered); the report says what was found.
func (s *Service) verifyAll(ctx context.Context) (IntegrityReport, error) {
	var r IntegrityReport
	check := func() error {
		return s.view(ctx, func(tx Tx) error {
			var err error
			r, err = s.verify(tx.(*sealTx))
			return err
		})
	}
	err := check()
	if err == nil && r.neverSealed {
		// A file with no MAC at all: from before the MACs, or stripped of
		// them. It is sealed now (and that journaled), as the app's next
		// write would, so that the report can say so.
		if err = s.update(ctx, func(Tx) error { return nil }); err == nil {
			err = check()
		} else if reason := ErrorReason(err); reason != ReasonStorage {
			r.KeyProblem, err = err, nil
		}
	}
	if err != nil || !r.current() || r.Acknowledged || r.KeyProblem != nil {
		return r, err
	}
	err = s.update(ctx, func(tx Tx) error {
		t := tx.(*sealTx)
		seen, err := t.seen()
		if err != nil {
			return err
		}
		var fresh []string
		journal, witness := false, false
		for _, tok := range r.tokens() {
			if !seen[tok] {
				fresh = append(fresh, tok)
				w := strings.HasPrefix(tok, "w:")
				witness = witness || w
				journal = journal || (!strings.HasPrefix(tok, "a:") && !w)
			}
		}
		if len(fresh) == 0 {
			return nil
		}
		if err := t.markSeen(fresh...); err != nil {
			return err
		}
		t.headChecked = true // the summary says tail_cut itself
		if witness {
			seenS, found := strconv.FormatUint(r.SeenCounter, 10), strconv.FormatUint(r.Counter, 10)
			if err := tx.AppendAudit(s.audit(EventAuditRolledBack, "", "",
				fmt.Sprintf("seen_counter=%s, found_counter=%s", seenS, found), kv(FieldSeen, seenS), kv(FieldFound, found))); err != nil {
				return err
			}
			t.rolledBack = true
		}
		if journal {
			if err := tx.AppendAudit(s.audit(EventAuditTampered, "", "", r.summary(), r.fields()...)); err != nil {
				return err
			}
		}
		for _, tok := range fresh {
			if email, ok := strings.CutPrefix(tok, "a:"); ok {
				if err := tx.AppendAudit(s.audit(EventAccountTampered, "", email, "changed outside the application", kv(FieldWhere, WhereCheck))); err != nil {
					return err
				}
			}
		}
		return nil
	})
	if err != nil {
		return r, err
	}
	// What was just journaled counts as recorded.
	err = s.view(ctx, func(tx Tx) error {
		var err error
		r.Recorded, r.SealedAt, err = recordedTampering(tx)
		return err
	})
	return r, err
}
