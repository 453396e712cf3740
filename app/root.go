package app

import (
	"context"
	"crypto/hmac"
	"crypto/rand"
	"encoding/base64"
	"encoding/binary"
	"encoding/hex"
	"errors"
	"fmt"
	"slices"
	"strconv"
	"strings"
	"sync"
	"unicode"
)

// The state root: partial rollbacks are seen.
//
// Each account's MAC proves its row was written by the app, not that it is
// the newest row the app wrote. Someone with only an SQLite tool (or the
// PostgreSQL app role) could put back an older copy of one row (a disabled
// account enabled again, a failure counter back at 0, an administrator's
// AMF off), cut the newest journal rows and put the older audit_head and
// settings back: every MAC still matched. So:
//
//   - every account carries a generation inside its MAC: the write counter
//     of the transaction that last wrote it;
//   - one MACed state root, rewritten by every write transaction, holds the
//     write counter (it only goes up), the journal's head, the settings'
//     MAC and, for every account, its generation and the start of its MAC;
//   - an account whose row is not the one the root names is tampered: it
//     cannot sign in, and Verify names it (RolledBack); a journal head or
//     settings older than the root's are journaled and reported;
//   - a root older than an account (the root itself put back), missing
//     while the database had one, or whose MAC is wrong, vouches for no
//     account: nobody signs in until the computer's administrator has
//     looked (Trusted.RebuildRoot).
//
// A whole file put back to an older state is consistent in itself: only
// what this computer remembers (the witness: the highest counter seen) can
// tell, and only on a computer that saw the newer state (README).

// Settings of the state root.
const (
	// settingStateRoot is the root itself ("1:BODY:MAC"), outside the
	// settings' MAC (it covers that MAC).
	settingStateRoot = "state_root"
	// SettingDatabaseID names this database for the witnesses of the
	// computers that open it (random, made with the first root).
	SettingDatabaseID = "database_id"
)

// Events of the state root (public interface).
const (
	// EventAuditRolledBack: the database was put back to an older state
	// than one this computer saw (the witness), or its root no longer
	// vouches for it.
	EventAuditRolledBack = "audit.rolled_back"
	// EventRootRebuilt: the computer's administrator accepted the current
	// state after a root that vouched for nothing (Trusted.RebuildRoot).
	EventRootRebuilt = "integrity.root_rebuilt"
)

// Journal fields of the state root.
const (
	FieldSeen       = "seen_counter"  // the highest write counter this computer saw
	FieldFound      = "found_counter" // the write counter found in the file
	FieldRolledBack = "rolled_back"   // what is older than the root
	FieldRoot       = "state_root"    // the root's problem (RootMissing…)
)

// ReasonStateRoot is the Detail of the account_tampered refusal of a
// sign-in while the state root vouches for no account: the message then
// says the whole daycare waits for the computer's administrator.
const ReasonStateRoot = "state_root"

// Problems of the state root (IntegrityReport.Root, audit verify's
// "state_root").
const (
	RootOK      = ""
	RootMissing = "missing" // gone while the database had one
	RootInvalid = "invalid" // its MAC does not match
	RootStale   = "stale"   // older than an account: the root was put back
)

// rootEntry is what the root knows of one account.
type rootEntry struct {
	gen int64
	mac [8]byte
}

func entryOf(u User) rootEntry {
	e := rootEntry{gen: u.Generation}
	copy(e.mac[:], u.MAC)
	return e
}

// stateRoot is one root, never changed once loaded (shared by a cache).
type stateRoot struct {
	counter     uint64
	head        string
	settingsMAC string
	accounts    map[int64]rootEntry
}

func (r *stateRoot) body(changed map[int64]rootEntry) []byte {
	ids := make([]int64, 0, len(r.accounts)+len(changed))
	for id := range r.accounts {
		if _, ok := changed[id]; !ok {
			ids = append(ids, id)
		}
	}
	for id, e := range changed {
		if e.gen != removedGen {
			ids = append(ids, id)
		}
	}
	slices.Sort(ids)
	b := make([]byte, 0, 64+len(ids)*14)
	b = binary.AppendUvarint(b, r.counter)
	b = binary.AppendUvarint(b, uint64(len(r.head)))
	b = append(b, r.head...)
	b = binary.AppendUvarint(b, uint64(len(r.settingsMAC)))
	b = append(b, r.settingsMAC...)
	b = binary.AppendUvarint(b, uint64(len(ids)))
	var prev int64
	for _, id := range ids {
		e, ok := changed[id]
		if !ok {
			e = r.accounts[id]
		}
		b = binary.AppendVarint(b, id-prev)
		b = binary.AppendVarint(b, e.gen)
		b = append(b, e.mac[:]...)
		prev = id
	}
	return b
}

func (k *macKeys) rootMAC(body []byte) []byte {
	var w macWriter
	w.str("state-root")
	w.bytes(body)
	return w.sum(k.root)
}

func (k *macKeys) rootValue(r *stateRoot, changed map[int64]rootEntry) string {
	body := r.body(changed)
	return "1:" + base64.RawStdEncoding.EncodeToString(body) + ":" + hex.EncodeToString(k.rootMAC(body))
}

var errRootFormat = errors.New("state root: bad format")

// parseRoot checks the root's MAC, then reads it.
func (k *macKeys) parseRoot(v string) (*stateRoot, error) {
	parts := strings.Split(v, ":")
	if len(parts) != 3 || parts[0] != "1" {
		return nil, errRootFormat
	}
	body, err := base64.RawStdEncoding.DecodeString(parts[1])
	if err != nil {
		return nil, errRootFormat
	}
	mac, err := hex.DecodeString(parts[2])
	if err != nil || !hmac.Equal(mac, k.rootMAC(body)) {
		return nil, errRootFormat
	}
	return decodeRootBody(body)
}

// decodeRootBody reads a root's body (its MAC already checked).
func decodeRootBody(body []byte) (*stateRoot, error) {
	var err error
	r := &stateRoot{}
	b := body
	uv := func() uint64 {
		x, n := binary.Uvarint(b)
		if n <= 0 {
			err = errRootFormat
			return 0
		}
		b = b[n:]
		return x
	}
	sv := func() int64 {
		x, n := binary.Varint(b)
		if n <= 0 {
			err = errRootFormat
			return 0
		}
		b = b[n:]
		return x
	}
	str := func() string {
		l := uv()
		if err != nil || l > uint64(len(b)) {
			err = errRootFormat
			return ""
		}
		s := string(b[:l])
		b = b[l:]
		return s
	}
	r.counter = uv()
	r.head = str()
	r.settingsMAC = str()
	n := uv()
	if err != nil || n > uint64(len(b)) {
		return nil, errRootFormat
	}
	r.accounts = make(map[int64]rootEntry, n)
	var id int64
	for i := uint64(0); i < n && err == nil; i++ {
		id += sv()
		e := rootEntry{gen: sv()}
		if err != nil || len(b) < 8 {
			return nil, errRootFormat
		}
		copy(e.mac[:], b[:8])
		b = b[8:]
		r.accounts[id] = e
	}
	if err != nil || len(b) != 0 {
		return nil, errRootFormat
	}
	return r, nil
}

// rootCache keeps the last root read, so that a listing of many accounts
// reads it once, not at every transaction.
type rootCache struct {
	mu    sync.Mutex
	keys  *macKeys // the keys it was checked with
	value string
	root  *stateRoot
}

func (s *Service) cachedRoot(k *macKeys, v string) (*stateRoot, error) {
	s.roots.mu.Lock()
	if s.roots.value == v && s.roots.keys == k && s.roots.root != nil {
		r := s.roots.root
		s.roots.mu.Unlock()
		return r, nil
	}
	s.roots.mu.Unlock()
	r, err := k.parseRoot(v)
	if err != nil {
		return nil, err
	}
	s.roots.mu.Lock()
	s.roots.keys, s.roots.value, s.roots.root = k, v, r
	s.roots.mu.Unlock()
	return r, nil
}

// loadRoot reads the root once per transaction: t.root is the root (nil
// when the database never had one), t.rootProblem says why it vouches for
// nothing.
func (t *sealTx) loadRoot() error {
	if t.rootLoaded {
		return nil
	}
	k, err := t.macKeys()
	if err != nil {
		return err
	}
	v, ok, err := t.Tx.Setting(settingStateRoot)
	if err != nil {
		return err
	}
	maxGen, err := t.Tx.MaxGeneration()
	if err != nil {
		return err
	}
	t.rootLoaded = true
	if !ok || v == "" {
		// None yet (a database from before roots) or removed: a database
		// that had one has an ID and written accounts.
		_, hasID, err := t.Tx.Setting(SettingDatabaseID)
		if err != nil {
			return err
		}
		_, seenKey, err := t.s.witnessSeen(t)
		if err != nil {
			return err
		}
		if hasID || maxGen > 0 || seenKey {
			t.rootProblem = RootMissing
		}
		return nil
	}
	r, err := t.s.cachedRoot(k, v)
	if err != nil {
		t.rootProblem = RootInvalid
		return nil
	}
	t.headAtLoad, _, err = t.Tx.Setting(settingAuditHead)
	if err != nil {
		return err
	}
	t.smacAtLoad, _, err = t.Tx.Setting(settingSettingsMAC)
	if err != nil {
		return err
	}
	newer, err := t.journalPastRoot(k, r)
	switch {
	case err != nil:
		return err
	case uint64(maxGen) > r.counter || newer:
		t.rootProblem = RootStale // an account or a journal row the app wrote after it
	default:
		t.root = r
	}
	return nil
}

// errStop ends a walk through the journal early.
var errStop = errors.New("stop")

// journalPastRoot reports whether the app wrote journal rows after the
// root's head: the row after it chains from the head's MAC (rows added by
// someone without the key do not: the chain's own check reports those).
func (t *sealTx) journalPastRoot(k *macKeys, r *stateRoot) (bool, error) {
	parts := strings.Split(r.head, ":")
	var headID int64
	var headMAC []byte
	if len(parts) == 3 {
		headID, _ = strconv.ParseInt(parts[0], 10, 64)
		headMAC, _ = hex.DecodeString(parts[1])
	}
	last, ok, err := t.Tx.LastAudit()
	if err != nil || !ok || last.ID <= headID {
		return false, err
	}
	newer := false
	from, err := personsFrom(t.Tx)
	if err != nil {
		return false, err
	}
	err = t.Tx.EachAudit(headID, func(e AuditEvent) error {
		e.Time = e.Time.UTC()
		mac, _ := t.rowMAC(k, headMAC, e, from)
		newer = e.ID == headID+1 && hmac.Equal(e.MAC, mac)
		return errStop
	})
	if err != nil && !errors.Is(err, errStop) {
		return false, err
	}
	return newer, nil
}

// loadRootFirst reads the root before a write transaction writes
// anything (what it wrote would look newer than the root). Without the
// key there is nothing to read: the write fails later, as it would.
func (t *sealTx) loadRootFirst() error {
	err := t.loadRoot()
	var ae *Error
	if errors.As(err, &ae) && ae.Reason != ReasonStorage {
		return nil // the key's problem: said by what needs the key
	}
	return err
}

// rootEntry is what the root (with this transaction's writes) knows of
// account id.
func (t *sealTx) rootEntry(id int64) (rootEntry, bool) {
	if e, ok := t.changed[id]; ok {
		return e, true
	}
	if t.root == nil {
		return rootEntry{}, false
	}
	e, ok := t.root.accounts[id]
	return e, ok
}

// fresh reports whether u (whose MAC matches) is the row the root names.
// Without a root (a database from before roots, until its first write)
// every account is as fresh as its MAC says.
func (t *sealTx) fresh(u User) (bool, error) {
	if err := t.loadRoot(); err != nil {
		return false, err
	}
	if t.rootProblem != RootOK {
		return false, nil
	}
	if t.root == nil && t.changed == nil {
		return true, nil
	}
	e, ok := t.rootEntry(u.ID)
	return ok && e == entryOf(u), nil
}

// nextGeneration is the generation of an account written now: the write
// counter this transaction's root will have.
func (t *sealTx) nextGeneration() (int64, error) {
	if err := t.loadRoot(); err != nil {
		return 0, err
	}
	if t.root != nil {
		return int64(t.root.counter) + 1, nil
	}
	// No root to go on (none yet, or rebuilt): above every account.
	g, err := t.Tx.MaxGeneration()
	return g + 1, err
}

// removedGen marks in changed an account erased by this transaction: the
// root no longer names it.
const removedGen = -1

// removed records that account id was erased.
func (t *sealTx) removed(id int64) {
	if t.changed == nil {
		t.changed = map[int64]rootEntry{}
	}
	t.changed[id] = rootEntry{gen: removedGen}
}

// wrote records that account u was written with its generation and MAC.
func (t *sealTx) wrote(u User) {
	if t.changed == nil {
		t.changed = map[int64]rootEntry{}
	}
	t.changed[u.ID] = entryOf(u)
}

// ensureRoot runs at the start of every write transaction. A database
// without a root gets one (with an ID and its recovery codes brought to
// today's form); a root's journal head or settings that no longer match
// are journaled before this transaction's root covers them; the witness
// says whether this computer saw a newer state of the file.
func (s *Service) ensureRoot(t *sealTx) error {
	if err := t.loadRoot(); err != nil {
		return err
	}
	switch {
	case t.rootProblem != RootOK:
		// Nothing is vouched for: said once, and the root is not rewritten
		// (finish) until the computer's administrator looked.
		return t.journalEventOnce("r:"+t.rootProblem, t.s.audit(EventAuditTampered, "", "", "state_root="+t.rootProblem,
			kv(FieldRoot, t.rootProblem)))
	case t.root == nil:
		t.rebuildRoot = true
		if _, ok, err := t.Tx.Setting(SettingDatabaseID); err != nil || ok {
			return err
		}
		id, err := newDatabaseID()
		if err != nil {
			return err
		}
		if err := t.SetSetting(SettingDatabaseID, id); err != nil {
			return err
		}
		return s.upgradeRecoveryCodes(t)
	}
	if head := t.headAtLoad; head != t.root.head {
		if err := t.journalEventOnce("h:"+t.root.head+">"+head, t.s.audit(EventAuditTampered, "", "", "rolled_back=journal",
			kv(FieldRolledBack, "journal"))); err != nil {
			return err
		}
	}
	if smac := t.smacAtLoad; smac != t.root.settingsMAC {
		if err := t.journalEventOnce("g:"+t.root.settingsMAC+">"+smac, t.s.audit(EventAuditTampered, "", "", "rolled_back=settings",
			kv(FieldRolledBack, "settings"))); err != nil {
			return err
		}
	}
	if t.restored {
		t.rolledBack = true // a restore: the witness follows the file
	} else if err := s.checkWitness(t); err != nil {
		return err
	}
	return s.journalRestoreFailures(t)
}

// committed is what follows a write transaction's commit: this computer's
// witness learns the new root, and forgets the key-restore failures the
// transaction journaled.
func (s *Service) committed(t *sealTx) {
	if t == nil || s.witness == nil {
		return
	}
	s.sawRoot(t.dbID, t.written, t.rolledBack)
	if t.pendingJournaled > 0 {
		_ = s.witness.Update(func(r *WitnessRecord) error {
			p := r.KeyRestore.Pending
			r.KeyRestore.Pending = append([]KeyRestoreFailure(nil), p[min(t.pendingJournaled, len(p)):]...)
			return nil
		})
	}
}

// journalRestoreFailures journals the failed attempts to bring the key
// back that this computer counted while the key was missing.
func (s *Service) journalRestoreFailures(t *sealTx) error {
	if s.witness == nil {
		return nil
	}
	pending := t.witnessRecord().KeyRestore.Pending
	for _, f := range pending {
		e := t.s.audit(EventKeyRestoreFailed, "", f.Email, "key restore refused while the key was missing",
			kv(FieldWhere, WhereKeyMissing), kv(FieldLocked, strconv.FormatBool(f.Locked)))
		e.Time = f.At
		if err := t.AppendAudit(e); err != nil {
			return err
		}
	}
	t.pendingJournaled = len(pending)
	return nil
}

// writeRoot is the last step of a write transaction (after the settings'
// MAC): the new root, one write further.
func (t *sealTx) writeRoot() error {
	if err := t.loadRoot(); err != nil {
		return err
	}
	if t.rootProblem != RootOK && !t.rebuildRoot {
		return nil
	}
	k, err := t.macKeys()
	if err != nil {
		return err
	}
	base := t.root
	if t.rebuildRoot || base == nil {
		// Built from the rows as they are now (a new root, or one the
		// computer's administrator or a key replacement starts again).
		users, err := t.Tx.Users(UserFilter{})
		if err != nil {
			return err
		}
		maxGen, err := t.Tx.MaxGeneration()
		if err != nil {
			return err
		}
		nb := &stateRoot{accounts: make(map[int64]rootEntry, len(users))}
		if base != nil {
			nb.counter = base.counter
		}
		// Never below what this computer saw: its witness would take the
		// new root for an older file.
		seen, _, err := t.s.witnessSeen(t)
		if err != nil {
			return err
		}
		nb.counter = max(nb.counter, uint64(maxGen), seen.Counter)
		for _, u := range users {
			nb.accounts[u.ID] = entryOf(u)
		}
		base = nb
	}
	head, _, err := t.Tx.Setting(settingAuditHead)
	if err != nil {
		return err
	}
	smac, _, err := t.Tx.Setting(settingSettingsMAC)
	if err != nil {
		return err
	}
	next := &stateRoot{counter: base.counter + 1, head: head, settingsMAC: smac, accounts: base.accounts}
	if err := t.Tx.SetSetting(settingStateRoot, k.rootValue(next, t.changed)); err != nil {
		return err
	}
	t.written = next
	_, t.dbID, err = t.witnessID()
	return err
}

func newDatabaseID() (string, error) {
	b := make([]byte, 16)
	if _, err := rand.Read(b); err != nil {
		return "", err
	}
	return hex.EncodeToString(b), nil
}

// witnessID names this database in the witness: the id of its key
// (which whoever edits the file cannot change without losing the key) and
// its own ID (two databases may share a key: a daycare moved, a backup).
func (t *sealTx) witnessID() (keyID, id string, err error) {
	if keyID, _, err = t.Tx.Setting(SettingMFAKeyID); err != nil || keyID == "" {
		return "", "", err
	}
	dbID, _, err := t.Tx.Setting(SettingDatabaseID)
	return keyID, keyID + "/" + dbID, err
}

// witnessSeen is the newest state of this database this computer saw;
// anyUnderKey tells whether it saw any database of this key (a root gone
// with the database's ID still leaves that).
func (s *Service) witnessSeen(t *sealTx) (seen WitnessSeen, anyUnderKey bool, err error) {
	if s.witness == nil {
		return seen, false, nil
	}
	keyID, id, err := t.witnessID()
	if err != nil || keyID == "" {
		return seen, false, err
	}
	r := t.witnessRecord()
	seen = r.Databases[id]
	for k, v := range r.Databases {
		if strings.HasPrefix(k, keyID+"/") && v.Counter > 0 {
			anyUnderKey = true
		}
	}
	return seen, anyUnderKey, nil
}

// witnessRecord is this computer's witness as it was when the transaction
// first asked, read once. A witness that cannot be read (no configuration
// folder this account may write, say) is empty: the daycare works,
// without the whole-file check on this computer.
func (t *sealTx) witnessRecord() *WitnessRecord {
	if t.witness == nil {
		t.witness = &WitnessRecord{}
		if t.s.witness != nil {
			_ = t.s.witness.Update(func(r *WitnessRecord) error {
				*t.witness = *r
				return errWitnessRead
			})
		}
	}
	return t.witness
}

// errWitnessRead stops a witness update that only read the record.
var errWitnessRead = errors.New("witness: read only")

// checkWitness compares the root with the newest state this computer saw
// of this database: an older write counter (or the same one with another
// journal head) is a whole file put back. Journaled once
// (audit.rolled_back); the witness then follows the file.
func (s *Service) checkWitness(t *sealTx) error {
	if s.witness == nil || t.root == nil {
		return nil
	}
	seen, _, err := s.witnessSeen(t)
	if err != nil {
		return err
	}
	if !seenNewer(seen, t.root) {
		return nil
	}
	t.rolledBack = true
	seenS, found := strconv.FormatUint(seen.Counter, 10), strconv.FormatUint(t.root.counter, 10)
	return t.journalEventOnce("w:"+seenS+":"+found+":"+t.root.head, t.s.audit(EventAuditRolledBack, "", "",
		fmt.Sprintf("seen_counter=%s, found_counter=%s", seenS, found), kv(FieldSeen, seenS), kv(FieldFound, found)))
}

// seenNewer: the witness saw a state of the file newer than root.
func seenNewer(seen WitnessSeen, root *stateRoot) bool {
	return seen.Counter > root.counter || (seen.Counter == root.counter && seen.Head != "" && seen.Head != root.head)
}

// sawRoot records in the witness the root a committed transaction wrote.
// After a rollback was journaled the witness follows the file (the journal
// keeps the evidence); otherwise it keeps the highest counter.
func (s *Service) sawRoot(id string, r *stateRoot, followFile bool) {
	if s.witness == nil || r == nil || id == "" {
		return
	}
	_ = s.witness.Update(func(rec *WitnessRecord) error {
		if rec.Databases == nil {
			rec.Databases = map[string]WitnessSeen{}
		}
		if old, ok := rec.Databases[id]; ok && !followFile && old.Counter > r.counter {
			return errWitnessRead
		}
		rec.Databases[id] = WitnessSeen{Counter: r.counter, Head: r.head, At: s.now().UTC()}
		return nil
	})
}

// RebuildRoot is the computer's administrator accepting the current state
// of the file after its root stopped vouching for it (missing, wrong MAC,
// or older than an account): a break-glass, with the OS's administrator
// rights and a real reason, journaled with the OS user's name. Accounts
// whose MAC does not match stay tampered (an administrator reseals them).
func (t *Trusted) RebuildRoot(ctx context.Context, by OSUser, reason string) error {
	s := t.s
	if !by.Elevated {
		return &Error{Code: EFORBIDDEN, Reason: ReasonNotElevated}
	}
	reason, err := checkReason(reason)
	if err != nil {
		return err
	}
	osName := cleanOSName(by.Name)
	return s.update(ctx, func(tx Tx) error {
		st := tx.(*sealTx)
		problem := st.rootProblem
		if problem == RootOK && !st.rolledBack {
			return &Error{Code: EINVALID, Reason: ReasonNotTampered}
		}
		st.rebuildRoot = true
		st.rolledBack = true // the witness follows the file from now on
		return tx.AppendAudit(s.audit(EventRootRebuilt, KeyReplacedActor, "",
			fmt.Sprintf("state_root=%s; os_user=%s; reason=%s", problem, osName, reason),
			kv(FieldRoot, problem), kv(FieldOSUser, osName), kv(FieldReason, reason)))
	})
}

// rootReport adds the root's findings to r (Verify).
func (s *Service) rootReport(t *sealTx, r *IntegrityReport, k *macKeys, users []User) error {
	if err := t.loadRoot(); err != nil {
		return err
	}
	r.Root = t.rootProblem
	if t.root == nil {
		return nil
	}
	r.Counter = t.root.counter
	for _, u := range users {
		e, ok := t.root.accounts[u.ID]
		if hmac.Equal(u.MAC, k.accountMAC(u)) && (!ok || e != entryOf(u)) {
			r.RolledBack = append(r.RolledBack, u.Email)
		}
	}
	head, _, err := t.Tx.Setting(settingAuditHead)
	if err != nil {
		return err
	}
	r.JournalRolledBack = head != t.root.head
	smac, _, err := t.Tx.Setting(settingSettingsMAC)
	if err != nil {
		return err
	}
	r.SettingsRolledBack = smac != t.root.settingsMAC
	r.rootHead, r.head, r.rootSMAC, r.smac = t.root.head, head, t.root.settingsMAC, smac
	seen, _, err := s.witnessSeen(t)
	if err != nil {
		return err
	}
	if seenNewer(seen, t.root) {
		r.SeenCounter = seen.Counter
	}
	return nil
}

// cleanOSName is an OS user's name as the journal keeps it: one line,
// nothing invisible.
func cleanOSName(name string) string {
	return strings.Join(strings.FieldsFunc(name, func(r rune) bool { return unicode.IsSpace(r) || invisible(r) }), " ")
}
