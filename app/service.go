package app

import (
	"context"
	"errors"
	"time"
)

// Params builds a Service.
type Params struct {
	Store Store
	// Now is the clock; time.Now when nil. Tests inject a fake clock.
	Now func() time.Time
	// Argon2 are the password-hashing costs; DefaultArgon2 when zero.
	Argon2 Argon2Params
	// Keys seals the TOTP secrets; without it multi-factor cannot be set up.
	Keys KeyRing
	// Witness is what this computer remembers outside the database
	// (witness.go); without it a whole file put back is not seen and a
	// lost key cannot be brought back (its failures could not be counted).
	Witness Witness
}

// Service holds every use case of the application. It is safe for
// concurrent use: all state lives in the Store.
type Service struct {
	store Store
	// firstForm: journal rows are written as before persons were kept
	// apart (person.go); set by the tests only (export_test.go).
	firstForm bool
	now       func() time.Time
	argon2    Argon2Params
	keys      KeyRing
	cache     keyCache
	roots     rootCache
	witness   Witness
	// dummy is the hash verified when there is no account to judge, at
	// this service's cost (so that both take the same time).
	dummy string
}

// New returns a Service over p.Store.
func New(p Params) *Service {
	s := &Service{store: p.Store, now: p.Now, argon2: p.Argon2, keys: p.Keys, witness: p.Witness}
	if s.now == nil {
		s.now = time.Now
	}
	if s.argon2.MemoryKiB == 0 {
		s.argon2 = DefaultArgon2
	}
	s.dummy = dummyHash
	if s.argon2 != DefaultArgon2 {
		if h, err := HashPassword("apetitspas dummy", s.argon2); err == nil {
			s.dummy = h
		}
	}
	return s
}

// Now returns the service's current time (the injected clock).
func (s *Service) Now() time.Time { return s.now() }

// Sign-in rules.
const (
	MaxFailedLogins = 10
	LockDuration    = 15 * time.Minute
	// MaxFailedCodes wrong codes in a row lock the account for LockDuration.
	MaxFailedCodes = 10
	// ClockHintAfter wrong codes, the message suggests the phone's clock.
	ClockHintAfter = 3
	// EnrollmentTTL is how long a pending QR code (secret) stays valid.
	EnrollmentTTL = 10 * time.Minute
)

// update runs fn in a write transaction, wrapping foreign errors. fn sees
// a sealTx: what it writes gets its MACs, what it reads is checked.
func (s *Service) update(ctx context.Context, fn func(Tx) error) error {
	return s.updateOf(ctx, false, fn)
}

// updateOf is update; restored says the database is a backup being
// restored (the witness follows it instead of reporting a rollback).
func (s *Service) updateOf(ctx context.Context, restored bool, fn func(Tx) error) error {
	var done *sealTx
	err := s.store.Update(ctx, func(tx Tx) error {
		t, err := s.beginWrite(tx, restored)
		if err != nil {
			return err
		}
		if err := fn(t); err != nil {
			return err
		}
		if err := t.finish(); err != nil {
			return err
		}
		done = t
		return nil
	})
	if err == nil {
		s.committed(done)
	}
	var ik *insecureKey
	if errors.As(err, &ik) {
		s.journalInsecureKey(ctx, ik)
	}
	return wrapStorage(err)
}

// beginWrite is the start of every write transaction: the state root is
// read before anything is written, the database sealed if it never was,
// and what the root says is checked (root.go).
func (s *Service) beginWrite(tx Tx, restored bool) (*sealTx, error) {
	t := &sealTx{Tx: tx, s: s, write: true, restored: restored}
	if err := t.loadRootFirst(); err != nil {
		return nil, err
	}
	if err := s.ensureSealed(t); err != nil {
		return nil, err
	}
	return t, s.ensureRoot(t)
}

// journalInsecureKey records, once per run and key, that a key was refused
// because others can read or replace it. The refused key MACs this one
// entry only (whoever could read it gains nothing from that).
func (s *Service) journalInsecureKey(ctx context.Context, ik *insecureKey) {
	s.cache.mu.Lock()
	done := s.cache.insecure[ik.id]
	if s.cache.insecure == nil {
		s.cache.insecure = map[string]bool{}
	}
	s.cache.insecure[ik.id] = true
	s.cache.mu.Unlock()
	if done || len(ik.key) != 32 {
		return
	}
	_ = s.store.Update(ctx, func(tx Tx) error {
		t := &sealTx{Tx: tx, s: s, write: true, keys: deriveKeys(ik.key)}
		if err := t.loadRootFirst(); err != nil {
			return err
		}
		if err := t.AppendAudit(s.audit(EventKeyInsecure, "", "", ik.err.Error(), kv(FieldError, ik.err.Error()))); err != nil {
			return err
		}
		return t.finish()
	})
}

// view runs fn in a read transaction, wrapping foreign errors.
func (s *Service) view(ctx context.Context, fn func(Tx) error) error {
	return wrapStorage(s.store.View(ctx, func(tx Tx) error {
		return fn(&sealTx{Tx: tx, s: s})
	}))
}

// wrapStorage turns an error that is not an *Error into a storage error.
func wrapStorage(err error) error {
	if err == nil || ErrorCode(err) != EINTERNAL {
		return err
	}
	if _, ok := err.(*Error); ok {
		return err
	}
	return &Error{Code: EINTERNAL, Reason: ReasonStorage, Err: err}
}

// audit builds an event stamped with the service clock. detail is the
// technicians' one-line summary, fields the same details key by key (what
// the journal's faces render).
func (s *Service) audit(event, actor, target, detail string, fields ...AuditField) *AuditEvent {
	return &AuditEvent{Time: s.now().UTC(), Event: event, Actor: actor, Target: target, Detail: detail, Fields: fields}
}

// kv is one journal field.
func kv(key, value string) AuditField { return AuditField{Key: key, Value: value} }

// kvTime is a journal field holding a time (RFC 3339, UTC).
func kvTime(key string, t time.Time) AuditField { return kv(key, t.UTC().Format(time.RFC3339)) }
