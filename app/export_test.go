package app

import (
	"context"
	"io"
	"time"
)

// DummyHash exposes the dummy hash to the tests of package app_test.
const DummyHash = dummyHash

// CreateUserForTest makes an account without an administrator, for the
// tests' setup only (this file is compiled into tests, never into the
// programs: no credential-less creation exists outside tests).
func (s *Service) CreateUserForTest(ctx context.Context, n NewUser) (User, error) {
	if err := n.validate(); err != nil {
		return User{}, err
	}
	if err := s.checkNewAccountPassword(ctx, n); err != nil {
		return User{}, err
	}
	hash, err := HashPassword(n.Password, s.argon2)
	if err != nil {
		return User{}, err
	}
	var u User
	err = s.update(ctx, func(tx Tx) error {
		var err error
		u, err = s.insertUser(tx, "test", n, hash, "")
		return err
	})
	return u, err
}

// UpdateUserForTest changes an account the way the app writes it (with its
// MAC), for the tests' setup only.
func (s *Service) UpdateUserForTest(ctx context.Context, email string, change func(*User)) error {
	return s.update(ctx, func(tx Tx) error {
		u, err := tx.UserByEmail(email)
		if err != nil {
			return err
		}
		change(&u)
		return tx.UpdateUser(u)
	})
}

// Verifications is how many argon2id verifications were run so far.
func Verifications() int64 { return verifications.Load() }

// ParseImport exposes the import parser to the fuzz test.
func ParseImport(r io.Reader) (int, error) {
	check, err := parseImport(r)
	if err == nil && len(check.Problems) > 0 {
		return 0, check.Problems[0]
	}
	return len(check.Rows), err
}

// ParseImportCheck is the import parser's whole answer, without the
// e-mails already used (no database).
func ParseImportCheck(r io.Reader) (ImportCheck, error) { return parseImport(r) }

// AppendForTest appends n journal events in one transaction, the way the
// app does (chained MACs), for the benchmarks.
func (s *Service) AppendForTest(ctx context.Context, n int) error {
	return s.update(ctx, func(tx Tx) error {
		for i := 0; i < n; i++ {
			if err := tx.AppendAudit(s.audit(EventLoginFailed, "", "p@cpe.ca", "wrong password (1/10)")); err != nil {
				return err
			}
		}
		return nil
	})
}

// OpenEscrowForTest is what someone with a copy of the file, a recovery
// code and a password could open of u's set: the database's key, or
// nothing.
func OpenEscrowForTest(u User, code, password, keyID string) ([]byte, bool) {
	code, err := ParseRecoveryCode(code)
	if err != nil {
		return nil, false
	}
	rs := readRecoverySet(u.Recovery)
	h := recoveryHash(u.ID, code)
	for at := 0; at+rs.size <= len(rs.records); at += rs.size {
		if string(rs.records[at:at+32]) == string(h[:]) {
			return openEscrow(u, rs, at, code, password, keyID)
		}
	}
	return nil, false
}

// OldRecoverySetForTest turns u's set back into the form of the versions
// before the wrap key (each code's copy of the key under the code alone),
// the way those versions stored it, for the test of the upgrade.
func OldRecoverySetForTest(u User, codes []string, keyID string, key []byte) []byte {
	var out []byte
	for _, c := range codes {
		c, _ = ParseRecoveryCode(c)
		h := recoveryHash(u.ID, c)
		out = append(out, h[:]...)
		out = append(out, make([]byte, 8)...)
		sealed, err := escrowSeal(u.ID, c, keyID, key)
		if err != nil {
			panic(err)
		}
		out = append(out, sealed...)
	}
	return out
}

// ResealRawForTest gives email's row the MAC of what it holds, written
// straight into the store (no generation, no root): the way a version
// before the state root left it.
func (s *Service) ResealRawForTest(ctx context.Context, email string) error {
	return s.store.Update(ctx, func(tx Tx) error {
		u, err := tx.UserByEmail(email)
		if err != nil {
			return err
		}
		k, err := s.integrityKeys(tx, false)
		if err != nil {
			return err
		}
		u.MAC = k.accountMAC(u)
		if err := tx.UpdateUser(u); err != nil {
			return err
		}
		all, err := tx.Settings()
		if err != nil {
			return err
		}
		return tx.SetSetting(settingSettingsMAC, k.settingsMAC(all))
	})
}

// CreateUserForTestWithHash is CreateUserForTest with a password hash
// already made (benchmarks that make many accounts).
func (s *Service) CreateUserForTestWithHash(ctx context.Context, n NewUser, hash string) (User, error) {
	var u User
	err := s.update(ctx, func(tx Tx) error {
		var err error
		u, err = s.insertUser(tx, "test", n, hash, "")
		return err
	})
	return u, err
}

// DecodeRootForTest reads a state root's body and writes it again (the
// fuzz test: no input panics, what is read writes back the same).
func DecodeRootForTest(body []byte) ([]byte, bool) {
	r, err := decodeRootBody(body)
	if err != nil {
		return nil, false
	}
	return r.body(nil), true
}

// RecoverySetForTest reads any stored set (the fuzz test): codes left, a
// code found, used.
func RecoverySetForTest(b []byte, code string) int {
	u := User{ID: 7, Recovery: b}
	n := u.RecoveryCodesLeft()
	if c, err := ParseRecoveryCode(code); err == nil {
		u.useRecovery(c, time.Unix(1, 0))
	}
	_ = needsPasswordWrap(u)
	return n
}

// Argon2SlotsForTest is the number of argon2id computations allowed at
// once, and the most seen at once since the last call (which resets it).
func Argon2SlotsForTest() (slots int, peak int64) {
	return cap(argon2Slots), argon2Peak.Swap(argon2Running.Load())
}

// Argon2BuffersKeptForTest is the number of argon2id memories kept for
// the next computation; drop first empties them as argon2Idle would.
func Argon2BuffersKeptForTest(drop bool) int {
	if drop {
		dropArgon2Buffers()
	}
	argon2Buffers.Lock()
	defer argon2Buffers.Unlock()
	return len(argon2Buffers.free)
}

// AppendEventsForTest appends n journal rows of event, the i-th naming
// target(i) (a benchmark's journal).
func (s *Service) AppendEventsForTest(ctx context.Context, event string, n int, target func(i int) string) error {
	return s.update(ctx, func(tx Tx) error {
		for i := 0; i < n; i++ {
			t := target(i)
			if err := tx.AppendAudit(s.audit(event, t, t, "")); err != nil {
				return err
			}
		}
		return nil
	})
}

// FirstFormForTest makes the journal rows written from now on of the form
// from before persons were kept apart (while no row of the personal form
// exists), as an older version wrote them, or stops doing so.
func (s *Service) FirstFormForTest(on bool) { s.firstForm = on }

// CreateUsersForTestWithHash makes many accounts in one transaction, each
// sealed and journaled as the app does (benchmarks of a large daycare).
func (s *Service) CreateUsersForTestWithHash(ctx context.Context, ns []NewUser, hash string) error {
	return s.update(ctx, func(tx Tx) error {
		for _, n := range ns {
			if _, err := s.insertUser(tx, "test", n, hash, ""); err != nil {
				return err
			}
		}
		return nil
	})
}
