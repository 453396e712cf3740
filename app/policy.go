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
}

// GraceEnds is the end of the grace period (zero when there is none).
func (p Policy) GraceEnds() time.Time {
	if !p.EnforceStaff || p.GraceDays <= 0 || p.Since.IsZero() {
		return time.Time{}
	}
	return p.Since.Add(time.Duration(p.GraceDays) * 24 * time.Hour)
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
	p.EnforceStaff = on == "1"
	p.GraceDays, _ = strconv.Atoi(days)
	p.Since, _ = time.Parse(time.RFC3339, since)
	return p, nil
}

// StaffPolicy returns the staff multi-factor policy.
func (s *Service) StaffPolicy(ctx context.Context) (Policy, error) {
	var p Policy
	err := s.view(ctx, func(tx Tx) error {
		var err error
		p, err = readPolicy(tx)
		return err
	})
	return p, err
}

// SetStaffPolicy turns the staff multi-factor policy on or off. On: every
// employee and administrator without MFA becomes pending and enrolls at
// their next sign-in (after graceDays, during which they may skip). Off:
// nobody's MFA is turned off. Parents are never affected.
func (s *Service) SetStaffPolicy(ctx context.Context, admin *Session, enforce bool, graceDays int) error {
	if err := s.requireAdmin(ctx, admin, "staff policy"); err != nil {
		return err
	}
	if graceDays < 0 || graceDays > MaxGraceDays {
		return &Error{Code: EINVALID, Reason: ReasonGraceInvalid}
	}
	return s.update(ctx, func(tx Tx) error {
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
			return tx.AppendAudit(s.audit(EventPolicyRelaxed, admin.User.Email, "", "nobody's MFA was turned off"))
		}
		since := now
		if cur.EnforceStaff && !cur.Since.IsZero() {
			since = cur.Since // changing the grace days does not restart it
		}
		for key, v := range map[string]string{
			SettingStaffMFAEnforced:   "1",
			SettingStaffMFAGraceDays:  strconv.Itoa(graceDays),
			SettingStaffMFAEnforcedAt: since.Format(time.RFC3339),
		} {
			if err := tx.SetSetting(key, v); err != nil {
				return err
			}
		}
		n := 0
		for _, role := range []Role{RoleEmployee, RoleAdmin} {
			staff, err := tx.Users(UserFilter{Role: role})
			if err != nil {
				return err
			}
			for _, u := range staff {
				if u.MFA != MFAOff {
					continue
				}
				u.MFA = MFAPending
				u.UpdatedAt = now
				if err := tx.UpdateUser(u); err != nil {
					return err
				}
				n++
			}
		}
		return tx.AppendAudit(s.audit(EventPolicyEnforced, admin.User.Email, "",
			"grace_days="+strconv.Itoa(graceDays)+", accounts_made_pending="+strconv.Itoa(n)))
	})
}

// EnrollmentGrace tells a StepEnroll session whether the person may still
// skip enrollment (staff, within the policy's grace period) and until when.
func (s *Service) EnrollmentGrace(ctx context.Context, sess *Session) (canSkip bool, until time.Time, err error) {
	if sess.Step() != StepEnroll || !sess.User.Role.IsStaff() {
		return false, time.Time{}, nil
	}
	p, err := s.StaffPolicy(ctx)
	if err != nil {
		return false, time.Time{}, err
	}
	end := p.GraceEnds()
	if end.IsZero() || !s.now().Before(end) {
		return false, time.Time{}, nil
	}
	return true, end, nil
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
		if err := tx.AppendAudit(s.audit(EventMFAEnrollSkipped, sess.User.Email, sess.User.Email, "grace period")); err != nil {
			return err
		}
		return tx.AppendAudit(s.audit(EventLoginSucceeded, sess.User.Email, sess.User.Email, "enrollment skipped (grace period)"))
	})
	if err != nil {
		return err
	}
	sess.step = nextStep(sess.User, true)
	return nil
}
