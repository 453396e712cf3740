package app

import (
	"context"
	"strconv"
	"strings"
	"time"
)

const (
	// EventMFAReportExported: an administrator saved the MFA report for
	// the board (FieldFormat "pdf" or "csv", FieldCount its rows; no names).
	EventMFAReportExported = "report.mfa_exported"
)

// FieldFormat is the format a report was saved in.
const FieldFormat = "format"

// The formats a report is saved in.
const (
	ReportPDF = "pdf"
	ReportCSV = "csv"
)

// ReasonReportFormat: a report format other than ReportPDF or ReportCSV.
const ReasonReportFormat = "report_format"

// ReportState is the multi-factor state of an account in the MFA report,
// in the words of the Utilisateurs page, with why it is pending.
type ReportState string

// The report's states.
const (
	ReportOn ReportState = "on" // AMF activée
	// ReportImposed: pending because the staff policy imposes it (with a
	// deadline when there is a grace period).
	ReportImposed ReportState = "imposed"
	// ReportReset: pending after an administrator's (or a break-glass)
	// reset, or a recovery code used.
	ReportReset ReportState = "reset"
	// ReportRequested: pending, asked by the person herself.
	ReportRequested ReportState = "requested"
	ReportOff       ReportState = "off" // AMF désactivée
)

// MFAReportRow is one staff account in the MFA report.
type MFAReportRow struct {
	Name  string
	Email string
	Role  Role
	State ReportState
	// Since is when the account entered State (zero when unknown).
	Since time.Time
	// Due is the deadline to set it up, when imposed with a grace period.
	Due time.Time
	// LastSignIn is the newest completed sign-in in the journal (zero
	// when none).
	LastSignIn time.Time
	// Disabled: the account is disabled.
	Disabled bool
}

// MFAReport is the multi-factor state of every employee and
// administrator (never parents), for the board.
type MFAReport struct {
	Daycare string
	Made    time.Time
	Rows    []MFAReportRow
}

// CanReadMFAReport is the permission table's rule for the MFA report:
// administrators only.
func CanReadMFAReport(u User) Permission {
	if u.Role != RoleAdmin {
		return refuse(ReasonNotAdmin, false)
	}
	return allow(false)
}

// sinceEvents are the journal events that put an account in each state.
var sinceEvents = []string{EventMFAEnrolled, EventMFAReset, EventMFAResetBreakGlass,
	EventRecoveryCodeUsed, EventMFAActivationRequested, EventUserCreated}

// MFAReport reads the multi-factor state of the staff, ordered by name.
// The last sign-in and the "since when" come from the journal (its
// newest login.succeeded, mfa.enrolled… per person, one index scan per
// event code), so they need no new field and stay true for a journal of
// any size.
func (s *Service) MFAReport(ctx context.Context, sess *Session) (MFAReport, error) {
	if err := s.signedIn(ctx, sess); err != nil {
		return MFAReport{}, err
	}
	if p := CanReadMFAReport(sess.user); !p.Allowed {
		s.deny(ctx, sess.user.Email, "", "mfa report: "+p.Reason, kv(FieldAction, "mfa report"), kv(FieldReason, p.Reason))
		return MFAReport{}, &Error{Code: EFORBIDDEN, Reason: p.Reason}
	}
	r := MFAReport{Made: s.now()}
	err := s.view(ctx, func(tx Tx) error {
		name, _, err := tx.Setting(SettingDaycareName)
		if err != nil {
			return err
		}
		r.Daycare = name
		pol, err := readPolicy(tx)
		if err != nil {
			return err
		}
		staff, err := tx.Users(UserFilter{Staff: true})
		if err != nil {
			return err
		}
		logins, err := tx.LatestByTarget(EventLoginSucceeded)
		if err != nil {
			return err
		}
		latest := make(map[string]map[string]time.Time, len(sinceEvents))
		for _, ev := range sinceEvents {
			if latest[ev], err = tx.LatestByTarget(ev); err != nil {
				return err
			}
		}
		r.Rows = make([]MFAReportRow, 0, len(staff))
		for _, u := range staff {
			key := strings.ToLower(u.Email)
			row := MFAReportRow{Name: u.Name, Email: u.Email, Role: u.Role, Disabled: u.Disabled,
				LastSignIn: logins[key]}
			at := func(events ...string) time.Time {
				var t time.Time
				for _, ev := range events {
					if e := latest[ev][key]; e.After(t) {
						t = e
					}
				}
				return t
			}
			row.State, row.Since, row.Due = reportState(u, pol, at)
			r.Rows = append(r.Rows, row)
		}
		return nil
	})
	if err != nil {
		return MFAReport{}, err
	}
	return r, nil
}

// reportState is the multi-factor state of u in the report's words, since
// when, and its deadline; at gives the newest of the journal's events
// about u with those codes (zero when none).
func reportState(u User, pol Policy, at func(events ...string) time.Time) (state ReportState, since, due time.Time) {
	// The cause of a pending state is what happened since the
	// account was last on (or made): a reset or the person's
	// request; otherwise the staff policy, which turns off
	// accounts to pending (and leaves pending ones as they are).
	enrolled := at(EventMFAEnrolled)
	reset := at(EventMFAReset, EventMFAResetBreakGlass, EventRecoveryCodeUsed)
	if u.MFAResetAt.After(reset) {
		reset = u.MFAResetAt
	}
	asked := at(EventMFAActivationRequested)
	due = u.MFADue
	switch {
	case u.MFA == MFAOn:
		state, since, due = ReportOn, enrolled, time.Time{}
	case u.MFA == MFAOff:
		state, since = ReportOff, laterOf(u.CreatedAt, at(sinceEvents...))
	case reset.After(enrolled) && !reset.Before(asked):
		state, since = ReportReset, reset
	case asked.After(enrolled) && !asked.Before(reset):
		state, since = ReportRequested, asked
	case pol.EnforceStaff || !u.MFADue.IsZero():
		state, since = ReportImposed, laterOf(laterOf(pol.Since, u.CreatedAt), enrolled)
	default:
		state, since = ReportRequested, laterOf(u.CreatedAt, enrolled)
	}
	return state, since, due
}

func laterOf(a, b time.Time) time.Time {
	if b.After(a) {
		return b
	}
	return a
}

// MFAReportSaved journals that sess's administrator saved the MFA report
// (EventMFAReportExported) in format, with rows rows: the counts only.
func (s *Service) MFAReportSaved(ctx context.Context, sess *Session, format string, rows int) error {
	if err := s.signedIn(ctx, sess); err != nil {
		return err
	}
	if p := CanReadMFAReport(sess.user); !p.Allowed {
		s.deny(ctx, sess.user.Email, "", "mfa report: "+p.Reason, kv(FieldAction, "mfa report"), kv(FieldReason, p.Reason))
		return &Error{Code: EFORBIDDEN, Reason: p.Reason}
	}
	if format != ReportPDF && format != ReportCSV {
		return &Error{Code: EINVALID, Reason: ReasonReportFormat}
	}
	if rows < 0 {
		rows = 0
	}
	return s.update(ctx, func(tx Tx) error {
		return tx.AppendAudit(s.audit(EventMFAReportExported, sess.user.Email, "", format,
			kv(FieldFormat, format), kv(FieldCount, strconv.Itoa(rows))))
	})
}
