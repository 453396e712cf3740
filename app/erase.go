package app

import (
	"context"
	"crypto/hmac"
	"errors"
	"strconv"
	"strings"
)

// scrubber is a store that can leave nothing erased behind in its files
// (data.DB: a WAL checkpoint that empties the log).
type scrubber interface{ Scrub() error }

// EraseUser erases a person (Loi 25): her account goes (e-mail, name,
// password, TOTP secret, recovery and reactivation codes) and her person
// row keeps only her number and commitment, so that every journal row
// about her still verifies and names her as « Personne effacée (n° N) ».
// An administrator's strong action: her password is checked again now,
// and her code (typed now, or at her sign-in within FreshCodeWindow, as
// the tool's sign-in does). The rules are AccountActions.Erase's: nobody
// erases herself, the administrator who made her, nor an account changed
// outside the application; at least one enabled administrator remains. Rows written before persons were kept apart are first brought
// under the personal form (handOver, journaled). Journaled as user.erased
// with her number only.
func (s *Service) EraseUser(ctx context.Context, admin *Session, email, password, adminCode string) (person int64, err error) {
	if err := s.confirmPassword(ctx, admin, password); err != nil {
		return 0, err
	}
	return s.eraseUser(ctx, admin, email, adminCode, nil)
}

// eraseUser is EraseUser once the administrator's password was checked:
// the one path every erasure takes (EraseUser, EraseDisabled). also, when
// not nil, is one more rule on the account, checked in the same
// transaction after the permission table's (retention.go: still disabled
// for long enough).
func (s *Service) eraseUser(ctx context.Context, admin *Session, email, adminCode string, also func(tx Tx, u User) error) (person int64, err error) {
	err = s.asAdmin(ctx, admin, "erase user", strong, adminCode, func(tx Tx, a User, _ func() error) error {
		t := tx.(*sealTx)
		u, err := tx.UserByEmail(NormalizeEmail(email))
		if err != nil {
			return err
		}
		// The permission table's rule (AccountActions.Erase), read in this
		// transaction: not herself, not the one who made her, not an
		// account changed outside the application.
		table, err := s.actionsOn(tx, a, u, s.now())
		if err != nil {
			return err
		}
		if p := table.Erase; !p.Allowed {
			return &Error{Code: EFORBIDDEN, Reason: p.Reason}
		}
		if also != nil {
			if err := also(tx, u); err != nil {
				return err
			}
		}
		if err := s.handOver(t, a); err != nil {
			return err
		}
		p, err := t.personOf(u.Email)
		if err != nil {
			return err
		}
		if err := tx.DeleteUser(u.ID); err != nil {
			return err
		}
		t.removed(u.ID)
		if err := atLeastOneAdmin(tx); err != nil {
			return err
		}
		if err := s.forgetPerson(t, p); err != nil {
			return err
		}
		person = p.ID
		id := strconv.FormatInt(p.ID, 10)
		return tx.AppendAudit(s.audit(EventUserErased, a.Email, p.Ref, "person="+id, kv(FieldPerson, id)))
	})
	if err != nil {
		return 0, err
	}
	if sc, ok := s.store.(scrubber); ok {
		if err := sc.Scrub(); err != nil {
			return person, wrapStorage(err)
		}
	}
	return person, nil
}

// forgetPerson empties person p's e-mail and salt (her number and
// commitment stay: every journal row about her still verifies), and puts
// her reference where her e-mail was kept besides: who reset another
// account's multi-factor sign-in, and settings naming her. Erasure and the
// journal's pseudonymisation (retention.go) both end here.
func (s *Service) forgetPerson(t *sealTx, p Person) error {
	email := NormalizeEmail(p.Email)
	if err := t.Tx.ErasePerson(p.ID, s.now().UTC()); err != nil {
		return err
	}
	delete(t.persons, p.Email)
	delete(t.persons, email)
	delete(t.used, p.ID)
	t.byID = nil
	if email == "" {
		return nil
	}
	others, err := t.Users(UserFilter{})
	if err != nil {
		return err
	}
	for _, o := range others {
		if NormalizeEmail(o.MFAResetBy) == email {
			o.MFAResetBy = p.Ref
			if err := t.UpdateUser(o); err != nil {
				return err
			}
		}
	}
	for _, key := range []string{SettingBreakGlass, settingTamperSeen} {
		v, ok, err := t.Setting(key)
		if err != nil {
			return err
		}
		if ok && strings.Contains(strings.ToLower(v), email) {
			if err := t.Tx.SetSetting(key, replaceFold(v, email, p.Ref)); err != nil {
				return err
			}
			t.settingsDirty = t.settingsDirty || key != settingTamperSeen
		}
	}
	return nil
}

// replaceFold replaces every occurrence of old (lower case) in s, whatever
// its case, by new.
func replaceFold(s, old, new string) string {
	var b strings.Builder
	low := strings.ToLower(s)
	for {
		i := strings.Index(low, old)
		if i < 0 || len(low) != len(s) {
			b.WriteString(s)
			return b.String()
		}
		b.WriteString(s[:i])
		b.WriteString(new)
		s, low = s[i+len(old):], low[i+len(old):]
	}
}

// handOverBatch is how many journal rows the hand-over rewrites at a time.
const handOverBatch = 2000

// handOver brings the rows written before persons were kept apart under
// the personal form, once: the whole chain is verified first (a broken
// one is refused), the hand-over is journaled with the old head, then
// every row is rewritten (e-mails replaced by references) and chained
// again, in this one transaction. Nothing to do when every row is of the
// personal form already.
func (s *Service) handOver(t *sealTx, a User) error {
	from, err := personsFrom(t.Tx)
	if err != nil || from == 1 {
		return err
	}
	last, ok, err := t.Tx.LastAudit()
	if err != nil || !ok {
		return err
	}
	r, err := s.verify(t)
	if err != nil {
		return err
	}
	if r.KeyProblem != nil {
		return r.KeyProblem
	}
	if len(r.JournalBreaks) > 0 || r.TailCut {
		return &Error{Code: EFORBIDDEN, Reason: ReasonJournalBroken,
			Err: errors.New("the journal's chain does not verify: it is not handed over")}
	}
	oldHead, _, err := t.Tx.Setting(settingAuditHead)
	if err != nil {
		return err
	}
	rows := strconv.FormatInt(last.ID, 10)
	if err := t.AppendAudit(s.audit(EventJournalHandedOver, a.Email, "", "old_head="+oldHead+", journal_rows="+rows,
		kv(FieldOldHead, oldHead), kv(FieldRows, rows))); err != nil {
		return err
	}
	if from, err = personsFrom(t.Tx); err != nil {
		return err
	}
	k, err := t.macKeys()
	if err != nil {
		return err
	}
	var prev []byte
	var after, lastID int64
	for {
		var batch []AuditEvent
		err := t.Tx.EachAudit(after, func(e AuditEvent) error {
			batch = append(batch, e)
			if len(batch) == handOverBatch {
				return errStop
			}
			return nil
		})
		if err != nil && !errors.Is(err, errStop) {
			return err
		}
		if len(batch) == 0 {
			break
		}
		for i, e := range batch {
			e.Time = e.Time.UTC()
			if e.ID < from {
				if e, err = t.personal(e); err != nil {
					return err
				}
			}
			e.MAC, _ = k.auditMACPersons(prev, e, t.knownPerson)
			batch[i] = e
			prev, lastID = e.MAC, e.ID
		}
		if err := t.Tx.RewriteAudit(batch); err != nil {
			return err
		}
		after = batch[len(batch)-1].ID
	}
	if err := t.SetSetting(settingPersonsFrom, "1"); err != nil {
		return err
	}
	if !hmac.Equal(prev, nil) || lastID > 0 {
		return t.Tx.SetSetting(settingAuditHead, k.headValue(lastID, prev))
	}
	return nil
}
