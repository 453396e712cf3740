package app

import (
	"context"
	"strconv"
	"time"
)

// MaxGraceDays bounds the grace period of the staff policy.
const MaxGraceDays = 90

// Policy is the staff multi-factor policy.
type Policy struct {
	// EnforceStaff: every employee and administrator must use MFA.
	EnforceStaff bool
	// GraceDays during which staff may still skip enrollment (0: none).
	GraceDays int
	// Since is when enforcement was turned on.
	Since time.Time
	// RememberEmail: the sign-in screen may offer the e-mail last used by
	// the same operating system account on this computer (off by
	// default; see Local.RememberEmail).
	RememberEmail bool
}

// GraceEnds is the end of the grace period (zero when there is none).
func (p Policy) GraceEnds() time.Time {
	if !p.EnforceStaff || p.GraceDays <= 0 || p.Since.IsZero() {
		return time.Time{}
	}
	return p.Since.Add(time.Duration(p.GraceDays) * 24 * time.Hour)
}

// dueFrom is the enrollment deadline of an account made pending at now
// under p (zero: enroll at the next sign-in).
func (p Policy) dueFrom(now time.Time) time.Time {
	if !p.EnforceStaff || p.GraceDays <= 0 {
		return time.Time{}
	}
	return now.Add(time.Duration(p.GraceDays) * 24 * time.Hour).UTC().Truncate(time.Millisecond)
}

func readPolicy(tx Tx) (Policy, error) {
	var p Policy
	on, _, err := tx.Setting(SettingStaffMFAEnforced)
	if err != nil {
		return p, err
	}
	days, _, err := tx.Setting(SettingStaffMFAGraceDays)
	if err != nil {
		return p, err
	}
	since, _, err := tx.Setting(SettingStaffMFAEnforcedAt)
	if err != nil {
		return p, err
	}
	remember, _, err := tx.Setting(SettingRememberEmail)
	if err != nil {
		return p, err
	}
	p.EnforceStaff = on == "1"
	p.RememberEmail = remember == "1"
	p.GraceDays, _ = strconv.Atoi(days)
	p.Since, _ = time.Parse(time.RFC3339, since)
	return p, nil
}

// StaffPolicy returns the staff multi-factor policy (administrators).
func (s *Service) StaffPolicy(ctx context.Context, admin *Session) (Policy, error) {
	if err := s.requireAdmin(ctx, admin, "read policy"); err != nil {
		return Policy{}, err
	}
	return s.staffPolicy(ctx)
}

func (s *Service) staffPolicy(ctx context.Context) (Policy, error) {
	var p Policy
	err := s.view(ctx, func(tx Tx) error {
		var err error
		p, err = readPolicy(tx)
		return err
	})
	return p, err
}

// SetStaffPolicy turns the staff multi-factor policy on or off, a strong
// action. On: every employee and administrator without MFA becomes
// pending, with graceDays to enroll (during which they may skip). Each
// account keeps its own deadline, which a policy change never moves later:
// turning the policy off and on again does not renew anyone's grace. Off:
// nobody's MFA is turned off. Parents are never affected.
func (s *Service) SetStaffPolicy(ctx context.Context, admin *Session, enforce bool, graceDays int, adminCode string) error {
	if err := CheckGraceDays(graceDays); err != nil {
		return err
	}
	return s.asAdmin(ctx, admin, "staff policy", strong, adminCode, func(tx Tx, a User, _ func() error) error {
		cur, err := readPolicy(tx)
		if err != nil {
			return err
		}
		now := s.now().UTC()
		if !enforce {
			if !cur.EnforceStaff {
				return nil
			}
			if err := tx.SetSetting(SettingStaffMFAEnforced, "0"); err != nil {
				return err
			}
			return tx.AppendAudit(s.audit(EventPolicyRelaxed, a.Email, "", "nobody's MFA was turned off", kv(FieldMFAWas, "kept")))
		}
		since := now
		if cur.EnforceStaff && !cur.Since.IsZero() {
			since = cur.Since // changing the grace days does not restart it
		}
		for _, kv := range [][2]string{
			{SettingStaffMFAEnforced, "1"},
			{SettingStaffMFAGraceDays, strconv.Itoa(graceDays)},
			{SettingStaffMFAEnforcedAt, since.Format(time.RFC3339)},
		} {
			if err := tx.SetSetting(kv[0], kv[1]); err != nil {
				return err
			}
		}
		p := Policy{EnforceStaff: true, GraceDays: graceDays, Since: since}
		due := p.dueFrom(since)
		n := 0
		for _, role := range []Role{RoleEmployee, RoleAdmin} {
			staff, err := tx.Users(UserFilter{Role: role})
			if err != nil {
				return err
			}
			for _, u := range staff {
				switch {
				case madePendingByPolicy(u):
					u.MFA, u.MFADue = MFAPending, due
					n++
				case u.Tampered || u.MFA == MFAOn:
					continue
				case u.MFADue.IsZero() || !due.Before(u.MFADue):
					continue // a deadline only ever moves earlier
				default:
					u.MFADue = due
				}
				u.UpdatedAt = now
				if err := tx.UpdateUser(u); err != nil {
					return err
				}
			}
		}
		fields := []AuditField{kv(FieldGraceDays, strconv.Itoa(graceDays)), kv(FieldMadePending, strconv.Itoa(n))}
		if !due.IsZero() {
			fields = append(fields, kvTime(FieldDue, due))
		}
		return tx.AppendAudit(s.audit(EventPolicyEnforced, a.Email, "",
			"grace_days="+strconv.Itoa(graceDays)+", accounts_made_pending="+strconv.Itoa(n), fields...))
	})
}

// EnrollmentGrace tells a StepEnroll session whether the person may still
// skip enrollment (staff, within the policy's grace period) and until when.
func (s *Service) EnrollmentGrace(ctx context.Context, sess *Session) (canSkip bool, until time.Time, err error) {
	if sess.Step() != StepEnroll {
		return false, time.Time{}, nil
	}
	var u User
	err = s.view(ctx, func(tx Tx) error {
		u, err = tx.UserByID(sess.user.ID)
		return err
	})
	if err != nil {
		return false, time.Time{}, err
	}
	if !u.Role.IsStaff() || u.MFA != MFAPending || u.MFADue.IsZero() || !s.now().Before(u.MFADue) {
		return false, time.Time{}, nil
	}
	return true, u.MFADue, nil
}

// SkipEnrollment lets staff in without enrolling during the grace period.
// The account stays pending: the QR code comes back at the next sign-in.
func (s *Service) SkipEnrollment(ctx context.Context, sess *Session) error {
	ok, _, err := s.EnrollmentGrace(ctx, sess)
	if err != nil {
		return err
	}
	if !ok {
		return &Error{Code: EFORBIDDEN, Reason: ReasonCannotSkip}
	}
	err = s.update(ctx, func(tx Tx) error {
		var due []AuditField
		if !sess.user.MFADue.IsZero() {
			due = append(due, kvTime(FieldDue, sess.user.MFADue))
		}
		if err := tx.AppendAudit(s.audit(EventMFAEnrollSkipped, sess.user.Email, sess.user.Email, "grace period", due...)); err != nil {
			return err
		}
		return tx.AppendAudit(s.audit(EventLoginSucceeded, sess.user.Email, sess.user.Email, "enrollment skipped (grace period)",
			kv(FieldVia, ViaGraceSkip)))
	})
	if err != nil {
		return err
	}
	sess.step = nextStep(sess.user, true, sess.reactivated)
	return nil
}
