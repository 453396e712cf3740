package app

import (
	"bytes"
	"crypto/hmac"
	"crypto/sha256"
	"encoding/binary"
	"encoding/hex"
	"errors"
	"sort"
	"strconv"
	"sync"
	"time"
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
