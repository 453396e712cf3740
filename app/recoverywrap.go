package app

import (
	"bytes"
	"crypto/aes"
	"crypto/cipher"
	"crypto/hkdf"
	"crypto/hmac"
	"crypto/rand"
	"crypto/sha256"
	"encoding/binary"
	"errors"
)

// How a set of recovery codes keeps the database's key (RestoreKey).
//
// Each unused code keeps a copy of the key sealed twice: under the code
// (80 random bits), then under a random wrap key W of the set. W is kept
// sealed under the administrator's password (argon2id, slow) and under the
// database's key itself (so the app can seal W again when her password
// changes, without knowing the old one). A code alone, from a sticky note,
// with a copy of the file opens nothing: W needs her password too. A used
// code's copy is erased (zeros), and so is every copy of a set replaced.
//
// A set: "RC2\x00", argon2id cost (m, t, p), salt, tag of the password
// hash W was sealed for, W under the password (zeros until known), W under
// the key; then per code: its hash, when it was used, the double-sealed
// key (zeros once used). Sets made before (one record of 100 bytes per
// code: the key under the code alone) are brought to this form by the
// first write with the key (upgradeRecoveryCodes): copies of used codes
// erased, the others sealed under W.

const (
	recoveryMagic   = "RC2\x00"
	wrapSealedLen   = 12 + 32 + 16 // nonce, W, tag
	outerEscrowLen  = 12 + escrowLen + 16
	recoveryHeader  = len(recoveryMagic) + 9 + 16 + 8 + 2*wrapSealedLen
	recoveryRecord2 = sha256.Size + 8 + outerEscrowLen
	// recoveryRecord1 is a record of a set made before the wrap key.
	recoveryRecord1 = recoveryRecord
)

// recoverySet is a stored set read in place: its header (nil for an old
// set) and its records.
type recoverySet struct {
	header  []byte
	records []byte
	size    int // one record's length
}

func readRecoverySet(b []byte) recoverySet {
	if len(b) >= recoveryHeader && string(b[:len(recoveryMagic)]) == recoveryMagic &&
		(len(b)-recoveryHeader)%recoveryRecord2 == 0 {
		return recoverySet{header: b[:recoveryHeader], records: b[recoveryHeader:], size: recoveryRecord2}
	}
	return recoverySet{records: b, size: recoveryRecord1}
}

// escrow is the sealed copy of the key in the record at offset at.
func (rs recoverySet) escrow(at int) []byte {
	return rs.records[at+sha256.Size+8 : at+rs.size]
}

func (rs recoverySet) used(at int) bool {
	return binary.BigEndian.Uint64(rs.records[at+sha256.Size:]) != 0
}

// header fields
func (rs recoverySet) params() Argon2Params {
	h := rs.header[len(recoveryMagic):]
	return Argon2Params{MemoryKiB: binary.BigEndian.Uint32(h), Time: binary.BigEndian.Uint32(h[4:]), Threads: h[8], SaltLen: 16, KeyLen: 32}
}
func (rs recoverySet) salt() []byte {
	o := len(recoveryMagic) + 9
	return rs.header[o : o+16]
}
func (rs recoverySet) pwTag() []byte {
	o := len(recoveryMagic) + 9 + 16
	return rs.header[o : o+8]
}
func (rs recoverySet) wrapPW() []byte {
	o := len(recoveryMagic) + 9 + 16 + 8
	return rs.header[o : o+wrapSealedLen]
}
func (rs recoverySet) wrapMK() []byte {
	o := len(recoveryMagic) + 9 + 16 + 8 + wrapSealedLen
	return rs.header[o : o+wrapSealedLen]
}

// passwordTag names the password hash a wrap was sealed for: a new hash
// (her password changed) means sealing W again.
func passwordTag(hash string) []byte {
	s := sha256.Sum256([]byte("apetitspas recovery password\x00" + hash))
	return s[:8]
}

func seal(key, plain, ad []byte) ([]byte, error) {
	block, err := aes.NewCipher(key)
	if err != nil {
		return nil, err
	}
	gcm, err := cipher.NewGCM(block)
	if err != nil {
		return nil, err
	}
	nonce := make([]byte, gcm.NonceSize())
	if _, err := rand.Read(nonce); err != nil {
		return nil, err
	}
	return gcm.Seal(nonce, nonce, plain, ad), nil
}

func open(key, sealed, ad []byte) ([]byte, bool) {
	block, err := aes.NewCipher(key)
	if err != nil {
		return nil, false
	}
	gcm, err := cipher.NewGCM(block)
	if err != nil || len(sealed) < gcm.NonceSize()+gcm.Overhead() {
		return nil, false
	}
	p, err := gcm.Open(nil, sealed[:gcm.NonceSize()], sealed[gcm.NonceSize():], ad)
	return p, err == nil
}

// pwWrapKey is the key that seals W under a password (argon2id).
func pwWrapKey(password string, salt []byte, p Argon2Params) []byte {
	if len(password) > MaxPasswordLen {
		password = password[:MaxPasswordLen]
	}
	return idKey([]byte(password), salt, p.Time, p.MemoryKiB, p.Threads, 32)
}

// mkWrapKey is the key that seals W under the database's key.
func mkWrapKey(master []byte, id int64) []byte {
	m := hmac.New(sha256.New, master)
	m.Write(binary.BigEndian.AppendUint64([]byte("apetitspas/recovery-wrap/v1\x00"), uint64(id)))
	return m.Sum(nil)
}

// outerKey seals each code's copy under W.
func outerKey(w []byte, id int64, keyID string) []byte {
	k, err := hkdf.Key(sha256.New, w, binary.BigEndian.AppendUint64([]byte("apetitspas outer v1\x00"), uint64(id)), keyID, 32)
	if err != nil {
		panic(err)
	}
	return k
}

// pwWrap is W's seal under a password: made before a write transaction
// (argon2id is slow), used inside it.
type pwWrap struct {
	params Argon2Params
	salt   []byte
	key    []byte
	tag    []byte
}

// newPWWrap derives the key that seals W under password (a new salt),
// for the account whose password hash is hash.
func newPWWrap(password, hash string, p Argon2Params) (*pwWrap, error) {
	salt := make([]byte, 16)
	if _, err := rand.Read(salt); err != nil {
		return nil, err
	}
	return &pwWrap{params: p, salt: salt, key: pwWrapKey(password, salt, p), tag: passwordTag(hash)}, nil
}

// buildRecoverySet makes a stored set around W and records; pw may be nil
// (W is sealed under the password at her next sign-in).
func buildRecoverySet(id int64, keyID string, master, w []byte, pw *pwWrap, records []byte) ([]byte, error) {
	ad := []byte(keyID)
	mk, err := seal(mkWrapKey(master, id), w, ad)
	if err != nil {
		return nil, err
	}
	b := make([]byte, 0, recoveryHeader+len(records))
	b = append(b, recoveryMagic...)
	p := DefaultArgon2
	if pw != nil {
		p = pw.params
	}
	b = binary.BigEndian.AppendUint32(b, p.MemoryKiB)
	b = binary.BigEndian.AppendUint32(b, p.Time)
	b = append(b, p.Threads)
	if pw != nil {
		sealed, err := seal(pw.key, w, ad)
		if err != nil {
			return nil, err
		}
		b = append(b, pw.salt...)
		b = append(b, pw.tag...)
		b = append(b, sealed...)
	} else {
		b = append(b, make([]byte, 16+8+wrapSealedLen)...)
	}
	b = append(b, mk...)
	return append(b, records...), nil
}

// rewrapRecovery seals u's W again under pw (her password changed, or is
// known for the first time since the set was made). The caller writes u.
func rewrapRecovery(u *User, keyID string, master []byte, pw *pwWrap) error {
	rs := readRecoverySet(u.Recovery)
	if rs.header == nil || pw == nil {
		return nil
	}
	w, ok := open(mkWrapKey(master, u.ID), rs.wrapMK(), []byte(keyID))
	if !ok {
		return errors.New("recovery: the wrap key does not open with the database's key")
	}
	b, err := buildRecoverySet(u.ID, keyID, master, w, pw, rs.records)
	if err != nil {
		return err
	}
	u.Recovery = b
	return nil
}

// needsPasswordWrap: u's set is not sealed for her current password.
func needsPasswordWrap(u User) bool {
	rs := readRecoverySet(u.Recovery)
	return rs.header != nil && u.RecoveryCodesLeft() > 0 && !bytes.Equal(rs.pwTag(), passwordTag(u.PasswordHash))
}

// openEscrow gives the database's key kept for code in the record at at,
// with her password (sets of today's form) or the code alone (an old set,
// still in the file as it was).
func openEscrow(u User, rs recoverySet, at int, code, password, keyID string) ([]byte, bool) {
	inner := rs.escrow(at)
	if rs.header != nil {
		if !bytes.Equal(rs.pwTag(), passwordTag(u.PasswordHash)) {
			return nil, false // never sealed for this password
		}
		w, ok := open(pwWrapKey(password, rs.salt(), rs.params()), rs.wrapPW(), []byte(keyID))
		if !ok {
			return nil, false
		}
		if inner, ok = open(outerKey(w, u.ID, keyID), inner, []byte(keyID)); !ok {
			return nil, false
		}
	}
	return escrowOpen(u.ID, code, keyID, inner)
}

// upgradeRecoveryCodes brings every old set to today's form (once, with
// the first root): used codes' copies erased, unused ones sealed under a
// new W kept under the database's key; her password seals W at her next
// sign-in.
func (s *Service) upgradeRecoveryCodes(t *sealTx) error {
	users, err := t.Users(UserFilter{Role: RoleAdmin})
	if err != nil {
		return err
	}
	for _, u := range users {
		if len(u.Recovery) == 0 || readRecoverySet(u.Recovery).header != nil || u.Tampered {
			continue
		}
		keyID, master, err := s.masterKey(t)
		if err != nil {
			return err
		}
		w := make([]byte, 32)
		if _, err := rand.Read(w); err != nil {
			return err
		}
		old := u.Recovery
		var records []byte
		for at := 0; at+recoveryRecord1 <= len(old); at += recoveryRecord1 {
			records = append(records, old[at:at+sha256.Size+8]...)
			if binary.BigEndian.Uint64(old[at+sha256.Size:]) != 0 {
				records = append(records, make([]byte, outerEscrowLen)...)
				continue
			}
			sealed, err := seal(outerKey(w, u.ID, keyID), old[at+sha256.Size+8:at+recoveryRecord1], []byte(keyID))
			if err != nil {
				return err
			}
			records = append(records, sealed...)
		}
		if u.Recovery, err = buildRecoverySet(u.ID, keyID, master, w, nil, records); err != nil {
			return err
		}
		if err := t.UpdateUser(u); err != nil {
			return err
		}
	}
	return nil
}

// rewrapWith seals u's wrap key under password (inside the transaction
// that writes u; argon2id runs here, which is rare: once per new set or
// password).
func (s *Service) rewrapWith(tx Tx, u *User, password string) error {
	if readRecoverySet(u.Recovery).header == nil {
		return nil
	}
	pw, err := newPWWrap(password, u.PasswordHash, s.argon2)
	if err != nil {
		return err
	}
	return s.rewrapFor(tx, u, pw)
}

// rewrapFor seals u's wrap key under pw (made before the transaction),
// for u's password hash as it is now.
func (s *Service) rewrapFor(tx Tx, u *User, pw *pwWrap) error {
	if pw == nil || readRecoverySet(u.Recovery).header == nil {
		return nil
	}
	keyID, master, err := s.masterKey(tx)
	if err != nil {
		return err
	}
	pw.tag = passwordTag(u.PasswordHash)
	return rewrapRecovery(u, keyID, master, pw)
}
