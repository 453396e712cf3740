package app

import (
	"context"
	"crypto/hmac"
	"fmt"
	"sort"
	"strconv"
	"strings"
	"time"
)

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
		if _, erased := RefPerson(e.Target); erased {
			continue // an erased person: her account went with her
		}
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
	from, err := personsFrom(t.Tx)
	if err != nil {
		return r, err
	}
	// A person found empty without an erasure in the journal was emptied
	// outside the application (to hide who did something): every row
	// naming her is reported, as a row changed would be.
	erased, err := journaledErasures(t.Tx)
	if err != nil {
		return r, err
	}
	persons := func(id int64) (Person, bool) {
		p, ok := t.personByID(id)
		if ok && p.Erased() && !erased[id] {
			return p, false
		}
		return p, ok
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
		mac, named := t.rowMACWith(k, prev, e, from, persons)
		if e.ID != prevID+1 || !named || !hmac.Equal(e.MAC, mac) {
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
