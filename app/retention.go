package app

import (
	"context"
	"crypto/hmac"
	"errors"
	"sort"
	"strconv"
	"strings"
	"time"
)

// Retention (Québec's Loi 25, s. 23: personal information is destroyed or
// anonymised once its purpose is served).
//
// Two settings, administrators only, journaled as setting.changed with
// their old and new value:
//
//   - disabled accounts are listed for erasure once they have been
//     disabled for more than SettingRetentionDisabledMonths months
//     (Retention, EraseDisabled: one confirmation, each person erased by
//     the path EraseUser takes);
//   - the journal is pseudonymised after SettingRetentionJournalYears
//     years (PseudonymiseJournal, run by the service at start and once a
//     day): a person who no longer has an account and whom no journal row
//     of the last N years names loses her e-mail in the person table, as
//     an erasure does. Journal rows are never rewritten: their MAC chain
//     covers each person's number and commitment, never her e-mail, so
//     every row still verifies and names her « Personne effacée (n° N) ».
//     A person who still has an account keeps her e-mail (it is her
//     sign-in): her old rows keep naming her until her account is erased.
//
// "Disabled since" is read from the journal, not from the account row:
// the newest user.disabled row naming her, whose MAC is checked against
// the row before it. The account row's MAC covers whether she is
// disabled, not since when; a date column outside that MAC could be
// changed in the file to push an account into (or out of) the list
// unnoticed, and putting it under the MAC would reseal every account. A
// journal row cannot be changed without the key: a date that does not
// verify is not trusted, and such an account is not listed.

// Retention bounds and defaults.
const (
	DefaultRetentionDisabledMonths = 24
	MinRetentionDisabledMonths     = 1
	MaxRetentionDisabledMonths     = 120
	DefaultRetentionJournalYears   = 5
	MinRetentionJournalYears       = 1
	MaxRetentionJournalYears       = 50
)

// Setting keys of the retention (whole numbers as text; the default when
// absent).
const (
	SettingRetentionDisabledMonths = "retention_disabled_months"
	SettingRetentionJournalYears   = "retention_journal_years"
	// settingPseudonymisedAt is when PseudonymiseJournal last ran (RFC
	// 3339): it runs at most once a day.
	settingPseudonymisedAt = "retention_pseudonymised_at"
)

// Journal fields of the retention.
const (
	FieldOldValue = "old_value" // a setting's value before (setting.changed)
	FieldYears    = "years"     // the journal's retention in years
	// FieldPersons: the numbers of the persons a pass emptied
	// ("12,15"), never their e-mails: audit verify tells them from
	// persons emptied outside the application.
	FieldPersons = "persons"
)

// EventJournalPseudonymised: the daily pass cleared the e-mail of the
// persons without an account whom no journal row of the last FieldYears
// years names (FieldCount of them, their numbers in FieldPersons; no
// names).
const (
	EventJournalPseudonymised = "audit.pseudonymised"
)

// PseudonymiseEvery is how often the journal's pass runs.
const PseudonymiseEvery = 24 * time.Hour

// Retention is Sécurité → « Conservation des renseignements ».
type Retention struct {
	DisabledMonths int
	JournalYears   int
	// Disabled are the accounts disabled for more than DisabledMonths
	// months that the administrator may erase (AccountActions.Erase),
	// the longest disabled first (then by e-mail).
	Disabled []DisabledAccount
}

// DisabledAccount is one account listed for erasure.
type DisabledAccount struct {
	Email string
	Name  string
	Role  Role
	// Since is when she was disabled (her newest user.disabled row).
	Since time.Time
}

// ErasedAccount is the result of EraseDisabled for one account.
type ErasedAccount struct {
	Email string
	// Person is her number once erased (0 when not).
	Person int64
	// Reason says why she was not erased (a Reason* key, "" when she was).
	Reason string
}

// Retainer is the part of API for the retention (Local and the service's
// client implement it).
type Retainer interface {
	// Retention gives both settings and the accounts past the first.
	Retention(ctx context.Context, h *Handle) (Retention, error)
	// SetRetention changes both settings (each journaled when changed),
	// a strong action when one changes (code: see Service.SetRetention).
	SetRetention(ctx context.Context, h *Handle, disabledMonths, journalYears int, code string) error
	// EraseDisabled erases the accounts of emails, each still listed by
	// Retention: one confirmation (the password checked once, the code
	// when stale). See Service.EraseDisabled.
	EraseDisabled(ctx context.Context, h *Handle, emails []string, password, code string) ([]ErasedAccount, error)
}

var _ Retainer = (*Local)(nil)

// CheckRetention says whether the two values are within their bounds.
func CheckRetention(disabledMonths, journalYears int) error {
	if disabledMonths < MinRetentionDisabledMonths || disabledMonths > MaxRetentionDisabledMonths {
		return Errorf(EINVALID, ReasonRetentionMonths, "disabled accounts are kept between %d and %d months",
			MinRetentionDisabledMonths, MaxRetentionDisabledMonths)
	}
	if journalYears < MinRetentionJournalYears || journalYears > MaxRetentionJournalYears {
		return Errorf(EINVALID, ReasonRetentionYears, "the journal is kept between %d and %d years",
			MinRetentionJournalYears, MaxRetentionJournalYears)
	}
	return nil
}

// retentionSetting reads a whole-number setting, its default when absent
// or out of bounds.
func retentionSetting(tx Tx, key string, def, lo, hi int) (int, error) {
	v, ok, err := tx.Setting(key)
	if err != nil || !ok {
		return def, err
	}
	n, perr := strconv.Atoi(v)
	if perr != nil || n < lo || n > hi {
		return def, nil
	}
	return n, nil
}

func retentionSettings(tx Tx) (months, years int, err error) {
	if months, err = retentionSetting(tx, SettingRetentionDisabledMonths, DefaultRetentionDisabledMonths,
		MinRetentionDisabledMonths, MaxRetentionDisabledMonths); err != nil {
		return
	}
	years, err = retentionSetting(tx, SettingRetentionJournalYears, DefaultRetentionJournalYears,
		MinRetentionJournalYears, MaxRetentionJournalYears)
	return
}

// Retention gives the two settings and the accounts disabled for longer
// than the first (administrators only).
func (s *Service) Retention(ctx context.Context, sess *Session) (Retention, error) {
	if err := s.requireAdmin(ctx, sess, "read retention"); err != nil {
		return Retention{}, err
	}
	var r Retention
	err := s.view(ctx, func(tx Tx) error {
		t := tx.(*sealTx)
		var err error
		if r.DisabledMonths, r.JournalYears, err = retentionSettings(tx); err != nil {
			return err
		}
		a, err := tx.UserByID(sess.user.ID)
		if err != nil {
			return err
		}
		users, err := tx.Users(UserFilter{})
		if err != nil {
			return err
		}
		now := s.now()
		limit := now.AddDate(0, -r.DisabledMonths, 0)
		for _, u := range users {
			if !u.Disabled || u.Tampered {
				continue
			}
			since, ok, err := s.disabledSince(t, u)
			if err != nil {
				return err
			}
			if !ok || !since.Before(limit) {
				continue
			}
			table, err := s.actionsOn(tx, a, u, now)
			if err != nil {
				return err
			}
			if !table.Erase.Allowed {
				continue
			}
			r.Disabled = append(r.Disabled, DisabledAccount{Email: u.Email, Name: u.Name, Role: u.Role, Since: since})
		}
		return nil
	})
	sort.Slice(r.Disabled, func(i, j int) bool {
		a, b := r.Disabled[i], r.Disabled[j]
		if !a.Since.Equal(b.Since) {
			return a.Since.Before(b.Since)
		}
		return a.Email < b.Email
	})
	return r, err
}

// disabledSince is when account u was disabled: the newest user.disabled
// row naming her as its target, if that row's MAC verifies (ok false when
// there is none, or it does not verify).
func (s *Service) disabledSince(t *sealTx, u User) (time.Time, bool, error) {
	rows, err := t.Audit(AuditFilter{Event: EventUserDisabled, Person: u.Email})
	if err != nil {
		return time.Time{}, false, err
	}
	for _, e := range rows { // newest first
		if NormalizeEmail(e.Target) != u.Email {
			continue // a row where she disabled someone else
		}
		ok, err := s.rowVerifies(t, e.ID)
		if err != nil || !ok {
			return time.Time{}, false, err
		}
		return e.Time, true, nil
	}
	return time.Time{}, false, nil
}

// rowVerifies reports whether journal row id, as stored, has the MAC it
// should have after the row before it.
func (s *Service) rowVerifies(t *sealTx, id int64) (bool, error) {
	k, err := t.macKeys()
	if err != nil {
		return false, err
	}
	from, err := personsFrom(t.Tx)
	if err != nil {
		return false, err
	}
	var prev []byte
	var row *AuditEvent
	err = t.Tx.EachAudit(max(id-2, 0), func(e AuditEvent) error {
		switch {
		case e.ID < id:
			prev = e.MAC
			return nil
		case e.ID == id:
			row = &e
		}
		return errStop
	})
	if err != nil && !errors.Is(err, errStop) {
		return false, err
	}
	if row == nil {
		return false, nil
	}
	row.Time = row.Time.UTC()
	want, ok := t.rowMAC(k, prev, *row, from)
	return ok && hmac.Equal(want, row.MAC), nil
}

// SetRetention changes the two retention settings (administrators only).
// Changing one is a strong action (a shorter delay erases or pseudonymises
// sooner): the administrator's own AMF on, and her code, typed now (code)
// or accepted less than FreshCodeWindow ago. Each one changed is journaled
// as setting.changed with its old and new value; bad values, or a missing
// or wrong code, change nothing. Saving the values already in force asks
// nothing.
func (s *Service) SetRetention(ctx context.Context, admin *Session, disabledMonths, journalYears int, code string) error {
	if err := CheckRetention(disabledMonths, journalYears); err != nil {
		return err
	}
	return s.asAdmin(ctx, admin, "retention", plain, code, func(tx Tx, a User, confirm func() error) error {
		months, years, err := retentionSettings(tx)
		if err != nil {
			return err
		}
		for _, c := range []struct {
			key      string
			old, new int
		}{
			{SettingRetentionDisabledMonths, months, disabledMonths},
			{SettingRetentionJournalYears, years, journalYears},
		} {
			if _, stored, err := tx.Setting(c.key); err != nil {
				return err
			} else if stored && c.old == c.new {
				continue
			}
			if c.old != c.new {
				if err := confirm(); err != nil {
					return err
				}
			}
			v, old := strconv.Itoa(c.new), strconv.Itoa(c.old)
			if err := tx.SetSetting(c.key, v); err != nil {
				return err
			}
			if c.old == c.new {
				continue // the default, now written down: nothing changed
			}
			if err := tx.AppendAudit(s.audit(EventSettingChanged, a.Email, "", c.key+"="+v,
				kv(FieldSetting, c.key), kv(FieldValue, v), kv(FieldOldValue, old))); err != nil {
				return err
			}
		}
		return nil
	})
}

// Reasons of the retention.
const (
	// ReasonRetentionMonths, ReasonRetentionYears: a setting out of its
	// bounds.
	ReasonRetentionMonths = "retention_months"
	ReasonRetentionYears  = "retention_years"
	// ReasonNoneChosen: EraseDisabled with no account.
	ReasonNoneChosen = "none_chosen"
)

// ReasonNotPastRetention: the account is not (or no longer) disabled for
// longer than the retention setting: it is not erased from that list.
const ReasonNotPastRetention = "not_past_retention"

// EraseDisabled erases the accounts of emails listed by Retention, with
// one confirmation: the administrator's password is checked once, and her
// code (typed now, or accepted less than FreshCodeWindow ago) confirms the
// first erasure; the others follow within that window. Each person is
// erased by the path EraseUser takes (eraseUser: its permission table,
// its journal row user.erased), in a transaction of her own, with one
// more rule checked there: she is still disabled for longer than the
// setting.
//
// Per person, not all or nothing: each erasure stands alone (its own
// user.erased row, its own hand-over check), so one account refused (the
// administrator who made you, an account re-enabled or changed outside
// the application meanwhile) leaves the others erased and is named in the
// result with its reason. Anything else (a wrong code or password, the
// session gone, the storage failing) stops at once: the result says who
// was erased before.
func (s *Service) EraseDisabled(ctx context.Context, admin *Session, emails []string, password, adminCode string) ([]ErasedAccount, error) {
	if len(emails) == 0 {
		return nil, Errorf(EINVALID, ReasonNoneChosen, "no account chosen")
	}
	if err := s.confirmPassword(ctx, admin, password); err != nil {
		return nil, err
	}
	past := func(tx Tx, u User) error {
		if !u.Disabled {
			return &Error{Code: EFORBIDDEN, Reason: ReasonNotPastRetention}
		}
		months, _, err := retentionSettings(tx)
		if err != nil {
			return err
		}
		since, ok, err := s.disabledSince(tx.(*sealTx), u)
		if err != nil {
			return err
		}
		if !ok || !since.Before(s.now().AddDate(0, -months, 0)) {
			return &Error{Code: EFORBIDDEN, Reason: ReasonNotPastRetention}
		}
		return nil
	}
	var out []ErasedAccount
	seen := map[string]bool{}
	code := adminCode
	for _, email := range emails {
		email = NormalizeEmail(email)
		if seen[email] {
			continue
		}
		seen[email] = true
		person, err := s.eraseUser(ctx, admin, email, code, past)
		switch ErrorCode(err) {
		case "":
			out = append(out, ErasedAccount{Email: email, Person: person})
			code = "" // confirmed: the others within FreshCodeWindow
		case EFORBIDDEN, ENOTFOUND, EINVALID:
			if r := ErrorReason(err); r != ReasonNotAdmin && r != ReasonAdminMFARequired {
				out = append(out, ErasedAccount{Email: email, Reason: r})
				if !s.CodeRequired(admin) {
					code = "" // the code was accepted before the refusal
				}
				continue
			}
			return out, err
		default:
			return out, err
		}
	}
	return out, nil
}

// PseudonymiseJournal is the journal's retention pass, at most once every
// PseudonymiseEvery (the service calls it at start and then every hour):
// every person who has no account any more, is not erased yet, and whom
// no journal row of the last N years names (SettingRetentionJournalYears)
// loses her e-mail in the person table, as an erasure does; journal rows
// are not touched, so the chain still verifies. Journaled once, with the
// count and no names (audit.pseudonymised), when there was someone. It
// returns how many persons it cleared.
//
// Rows written before persons were kept apart (a journal not handed over
// yet, see handOver) hold e-mails themselves: they are not rewritten here
// (only the first erasure, an administrator's recorded action, does).
func (t *Trusted) PseudonymiseJournal(ctx context.Context) (int, error) {
	s := t.s
	now := s.now().UTC()
	var years int
	var due bool
	candidates := map[int64]Person{}
	var scanned int64
	err := s.view(ctx, func(tx Tx) error {
		last, ok, err := tx.Setting(settingPseudonymisedAt)
		if err != nil {
			return err
		}
		if at, perr := time.Parse(time.RFC3339, last); ok && perr == nil && now.Sub(at) < PseudonymiseEvery && !now.Before(at) {
			return nil
		}
		due = true
		if _, years, err = retentionSettings(tx); err != nil {
			return err
		}
		if candidates, err = personsWithoutAccount(tx); err != nil || len(candidates) == 0 {
			return err
		}
		limit := now.AddDate(-years, 0, 0)
		// Who is named by a row of the last N years stays.
		return tx.EachAudit(0, func(e AuditEvent) error {
			scanned = e.ID
			if e.Time.Before(limit) {
				return nil
			}
			for _, id := range refsOf(e) {
				delete(candidates, id)
			}
			return nil
		})
	})
	if err != nil || !due {
		return 0, err
	}
	n := 0
	err = s.update(ctx, func(tx Tx) error {
		n = 0
		var numbers []string
		st := tx.(*sealTx)
		if len(candidates) > 0 {
			// Rows written since the walk above, and who has an account
			// now, are looked at again here, in the transaction.
			left, err := personsWithoutAccount(tx)
			if err != nil {
				return err
			}
			if err := tx.EachAudit(scanned, func(e AuditEvent) error {
				for _, id := range refsOf(e) {
					delete(candidates, id)
				}
				return nil
			}); err != nil {
				return err
			}
			ids := make([]int64, 0, len(candidates))
			for id := range candidates {
				if _, still := left[id]; still {
					ids = append(ids, id)
				}
			}
			sort.Slice(ids, func(i, j int) bool { return ids[i] < ids[j] })
			for _, id := range ids {
				if err := s.forgetPerson(st, left[id]); err != nil {
					return err
				}
				n++
				numbers = append(numbers, strconv.FormatInt(id, 10))
			}
		}
		if err := tx.SetSetting(settingPseudonymisedAt, now.Format(time.RFC3339)); err != nil {
			return err
		}
		if n == 0 {
			return nil
		}
		c, y := strconv.Itoa(n), strconv.Itoa(years)
		return tx.AppendAudit(s.audit(EventJournalPseudonymised, "", "", "count="+c+", years="+y,
			kv(FieldCount, c), kv(FieldYears, y), kv(FieldPersons, strings.Join(numbers, ","))))
	})
	if err != nil {
		return 0, err
	}
	if n > 0 {
		if sc, ok := s.store.(scrubber); ok {
			if err := sc.Scrub(); err != nil {
				return n, wrapStorage(err)
			}
		}
	}
	return n, nil
}

// personsWithoutAccount are the persons not erased whose e-mail is no
// account's, by number.
func personsWithoutAccount(tx Tx) (map[int64]Person, error) {
	all, err := tx.Persons()
	if err != nil {
		return nil, err
	}
	users, err := tx.Users(UserFilter{})
	if err != nil {
		return nil, err
	}
	has := make(map[string]bool, len(users))
	for _, u := range users {
		has[NormalizeEmail(u.Email)] = true
	}
	out := map[int64]Person{}
	for id, p := range all {
		if !p.Erased() && !has[NormalizeEmail(p.Email)] {
			out[id] = p
		}
	}
	return out, nil
}

func (l *Local) Retention(ctx context.Context, h *Handle) (r Retention, err error) {
	err = l.with(ctx, h, func(s *Session) error { r, err = l.s.Retention(ctx, s); return err })
	return r, err
}

func (l *Local) SetRetention(ctx context.Context, h *Handle, disabledMonths, journalYears int, code string) error {
	return l.with(ctx, h, func(s *Session) error { return l.s.SetRetention(ctx, s, disabledMonths, journalYears, code) })
}

func (l *Local) EraseDisabled(ctx context.Context, h *Handle, emails []string, password, code string) (out []ErasedAccount, err error) {
	err = l.with(ctx, h, func(s *Session) error { out, err = l.s.EraseDisabled(ctx, s, emails, password, code); return err })
	return out, err
}
