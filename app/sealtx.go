package app

import (
	"crypto/hmac"
	"fmt"
	"strconv"
	"strings"
	"time"
)

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

	// persons: the persons this transaction looked up or made, by
	// e-mail; byID: every person, read once when needed (person.go).
	persons map[string]Person
	used    map[int64]Person
	byID    map[int64]Person
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
	// Every row written now is of the personal form (person.go): the
	// first one says where that form begins.
	from, err := personsFrom(t.Tx)
	if err != nil {
		return err
	}
	if from == 0 && t.s.firstForm {
		// The tests' journal from before persons (export_test.go).
		e.MAC = k.auditMAC(last.MAC, *e)
		if err := t.Tx.AppendAudit(e); err != nil {
			return err
		}
		return t.Tx.SetSetting(settingAuditHead, k.headValue(e.ID, e.MAC))
	}
	if from == 0 {
		if err := t.SetSetting(settingPersonsFrom, strconv.FormatInt(e.ID, 10)); err != nil {
			return err
		}
	}
	row, err := t.personal(*e)
	if err != nil {
		return err
	}
	row.MAC, _ = k.auditMACPersons(last.MAC, row, t.knownPerson)
	if err := t.Tx.AppendAudit(&row); err != nil {
		return err
	}
	e.ID, e.MAC = row.ID, row.MAC
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
	from, err := personsFrom(t.Tx)
	if err != nil {
		return err
	}
	err = t.Tx.EachAudit(0, func(e AuditEvent) error {
		rows++
		e.Time = e.Time.UTC()
		mac, _ := t.rowMAC(k, prev, e, from)
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
