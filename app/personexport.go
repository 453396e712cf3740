package app

import (
	"context"
	"errors"
	"slices"
	"strings"
	"time"
)

// « Exporter les données de cette personne » (Québec's Loi 25: a person
// may obtain the personal information held about her in a structured,
// commonly used format). An administrator exports what the daycare holds
// on one person: her account, its multi-factor state and dates, and the
// journal rows where she acted or was acted upon. Never a secret: no
// password hash, TOTP secret, recovery or reactivation hashes, no MAC.

const (
	// EventUserExported: an administrator exported a person's data (actor
	// the administrator, target the person; FieldFormat the formats,
	// "json,pdf").
	EventUserExported = "user.exported"
)

// ExportJSON is the export's structured format (with ReportPDF, the
// readable one).
const ExportJSON = "json"

// PersonExportPage is how many journal rows an export hands over at a
// time (one storage read and, through the service, one message each): a
// person with 100,000 rows never makes the service hold them at once.
const PersonExportPage = 500

// PersonExporter is the part of API that exports a person through a
// sign-in, as the tool and the window call it; Local and the service's
// client implement it.
type PersonExporter interface {
	// ExportPerson is Service.ExportPerson for h's administrator.
	ExportPerson(ctx context.Context, h *Handle, email string, formats []string, rows func([]AuditEvent) error) (PersonData, error)
}

// PersonData is what an export says of the person, besides her journal
// rows (handed over page by page).
type PersonData struct {
	Daycare string
	// Made is when the export was made (the service's time); By the
	// administrator who made it; Formats what she asked for.
	Made    time.Time
	By      string
	Formats []string
	Account PersonAccount
}

// PersonAccount is a person's account as an export shows it: every field
// the daycare keeps on her that is not a secret.
type PersonAccount struct {
	Email string
	Name  string
	Role  Role
	// Disabled: the account cannot sign in (« désactivé »).
	Disabled bool
	// MustChangePassword: an administrator chose her password.
	MustChangePassword bool
	// Tampered: the account was changed outside the application.
	Tampered  bool
	CreatedAt time.Time
	UpdatedAt time.Time
	// CreatedBy is the e-mail of the administrator who created or
	// promoted her ("" when none or gone).
	CreatedBy string
	// FailedLogins counts her wrong passwords in a row; LockedUntil the
	// end of a lock (zero when none).
	FailedLogins int
	LockedUntil  time.Time
	// LastSignIn is her newest completed sign-in (zero when none).
	LastSignIn time.Time

	// MFA is her multi-factor state's code; MFAState the same in the MFA
	// report's words (why it is pending), since MFASince; MFADue the
	// deadline to set it up (zero when none).
	MFA      MFAState
	MFAState ReportState
	MFASince time.Time
	MFADue   time.Time
	// MFASecretSince is when her authenticator's secret was made (zero
	// when she has none); the secret itself is never exported.
	MFASecretSince time.Time
	// MFAResetBy and MFAResetAt: a reset not yet shown to her.
	MFAResetBy string
	MFAResetAt time.Time
	// RecoveryCodesLeft is how many unused recovery codes she has
	// (administrators), never the codes.
	RecoveryCodesLeft int
	// ReactivationExpires is when the reactivation code an administrator
	// gave her expires (zero when none waits).
	ReactivationExpires time.Time
}

// ReasonExportFormat: an export asked for no format, or one other than
// ExportJSON and ReportPDF.
const ReasonExportFormat = "export_format"

// CanExportPerson is the permission table's rule for the export:
// administrators only (any account, her own included).
func CanExportPerson(u User) Permission {
	if u.Role != RoleAdmin {
		return refuse(ReasonNotAdmin, false)
	}
	return allow(false)
}

// ExportPerson is sess's administrator exporting the data of the person
// of email: it checks she is an enabled administrator (a refusal is
// journaled as authz.denied, never as an export), reads the account and
// journals the export (EventUserExported, with formats) in one
// transaction, then hands the journal rows where the person is actor or
// target to rows, newest first, at most PersonExportPage at a time, each
// page read in a transaction of its own. The rows carry no MAC. An error
// of rows stops the export and is returned.
func (s *Service) ExportPerson(ctx context.Context, sess *Session, email string, formats []string, rows func([]AuditEvent) error) (PersonData, error) {
	fs, err := exportFormats(formats)
	if err != nil {
		return PersonData{}, err
	}
	var d PersonData
	err = s.asAdmin(ctx, sess, "export user", plain, "", func(tx Tx, a User, _ func() error) error {
		if p := CanExportPerson(a); !p.Allowed {
			return &Error{Code: EFORBIDDEN, Reason: p.Reason}
		}
		u, err := tx.UserByEmail(NormalizeEmail(email))
		if err != nil {
			return err
		}
		if d, err = s.personData(tx, u); err != nil {
			return err
		}
		d.By, d.Formats = a.Email, fs
		return tx.AppendAudit(s.audit(EventUserExported, a.Email, u.Email, strings.Join(fs, ","),
			kv(FieldFormat, strings.Join(fs, ","))))
	})
	if err != nil {
		return PersonData{}, err
	}
	if rows == nil {
		rows = func([]AuditEvent) error { return nil }
	}
	if err := s.eachPersonEvent(ctx, d.Account.Email, rows); err != nil {
		return PersonData{}, err
	}
	return d, nil
}

// exportFormats checks an export's formats: one or both of ExportJSON
// and ReportPDF, each once; returned in that order.
func exportFormats(formats []string) ([]string, error) {
	bad := &Error{Code: EINVALID, Reason: ReasonExportFormat}
	if len(formats) == 0 || len(formats) > 2 {
		return nil, bad
	}
	var out []string
	for _, f := range []string{ExportJSON, ReportPDF} {
		switch n := occurrences(formats, f); {
		case n == 1:
			out = append(out, f)
		case n > 1:
			return nil, bad
		}
	}
	if len(out) != len(formats) {
		return nil, bad
	}
	return out, nil
}

func occurrences(list []string, s string) int {
	n := 0
	for _, x := range list {
		if x == s {
			n++
		}
	}
	return n
}

// personData reads what an export says of u.
func (s *Service) personData(tx Tx, u User) (PersonData, error) {
	d := PersonData{Made: s.now().UTC()}
	name, _, err := tx.Setting(SettingDaycareName)
	if err != nil {
		return d, err
	}
	d.Daycare = name
	pol, err := readPolicy(tx)
	if err != nil {
		return d, err
	}
	key := strings.ToLower(u.Email)
	latest := map[string]time.Time{}
	for _, ev := range append([]string{EventLoginSucceeded}, sinceEvents...) {
		m, err := tx.LatestByTarget(ev)
		if err != nil {
			return d, err
		}
		latest[ev] = m[key]
	}
	at := func(events ...string) time.Time {
		var t time.Time
		for _, ev := range events {
			t = laterOf(t, latest[ev])
		}
		return t
	}
	acc := PersonAccount{Email: u.Email, Name: u.Name, Role: u.Role, Disabled: u.Disabled,
		MustChangePassword: u.MustChangePassword, Tampered: u.Tampered,
		CreatedAt: u.CreatedAt, UpdatedAt: u.UpdatedAt, FailedLogins: u.FailedLogins,
		LockedUntil: u.LockedUntil, LastSignIn: latest[EventLoginSucceeded], MFA: u.MFA,
		MFAResetBy: u.MFAResetBy, MFAResetAt: u.MFAResetAt,
		RecoveryCodesLeft: u.RecoveryCodesLeft(), ReactivationExpires: u.ReactivationExpires()}
	acc.MFAState, acc.MFASince, acc.MFADue = reportState(u, pol, at)
	if len(u.MFASecret) > 0 {
		acc.MFASecretSince = u.MFASecretSince
	}
	if u.CreatedBy != 0 {
		c, err := tx.UserByID(u.CreatedBy)
		switch {
		case err == nil:
			acc.CreatedBy = c.Email
		case !errors.Is(err, ErrNotFound):
			return d, err
		}
	}
	d.Account = acc
	return d, nil
}

// personReadPage is how many journal rows an export reads from storage
// at a time (handed over PersonExportPage at a time): a read costs the
// more of her rows are left (the store sorts them), so fewer, larger
// reads keep an export of 100,000 rows quick.
const personReadPage = 10 * PersonExportPage

// eachPersonEvent hands the journal rows where email is actor or target
// to fn, newest first (the journal's order: time, then ID), at most
// PersonExportPage at a time. Each read, in a transaction of its own,
// starts after the last row handed over: rows of the same millisecond
// as it are read again and those already handed over (the same time, an
// ID not below) skipped, so none is lost or repeated.
func (s *Service) eachPersonEvent(ctx context.Context, email string, fn func([]AuditEvent) error) error {
	var (
		last   AuditEvent // the last row handed over (zero before any)
		atLast int        // how many rows handed over share last's time
		extra  int        // more rows to read when a read held none new
	)
	for {
		f := AuditFilter{Person: email, Limit: personReadPage + atLast + extra}
		if last.ID != 0 {
			f.Until = last.Time.Add(time.Millisecond)
		}
		var got []AuditEvent
		if err := s.view(ctx, func(tx Tx) error {
			var err error
			got, err = tx.Audit(f)
			return err
		}); err != nil {
			return err
		}
		fresh := got[:0]
		for _, e := range got {
			if last.ID != 0 && (e.Time.After(last.Time) || e.Time.Equal(last.Time) && e.ID >= last.ID) {
				continue // handed over already (or written since, at that very time)
			}
			e.MAC = nil
			fresh = append(fresh, e)
		}
		full := len(got) == f.Limit
		if len(fresh) == 0 {
			if !full {
				return nil
			}
			extra += personReadPage
			continue
		}
		extra = 0
		for i := 0; i < len(fresh); i += PersonExportPage {
			if err := fn(slices.Clip(fresh[i:min(i+PersonExportPage, len(fresh))])); err != nil {
				return err
			}
		}
		end := fresh[len(fresh)-1]
		n := 0
		for _, e := range fresh {
			if e.Time.Equal(end.Time) {
				n++
			}
		}
		if last.ID != 0 && end.Time.Equal(last.Time) {
			atLast += n
		} else {
			atLast = n
		}
		last = end
		if !full {
			return nil
		}
	}
}

var _ PersonExporter = (*Local)(nil)

// ExportPerson runs Service.ExportPerson for h's sign-in; rows is called
// in this goroutine.
func (l *Local) ExportPerson(ctx context.Context, h *Handle, email string, formats []string, rows func([]AuditEvent) error) (d PersonData, err error) {
	err = l.with(ctx, h, func(s *Session) error { d, err = l.s.ExportPerson(ctx, s, email, formats, rows); return err })
	return d, err
}
