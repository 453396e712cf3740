package app

import "context"

// Staff lists the employees and administrators whose name or e-mail
// contains query ("" for all), at most limit (0 for no limit), in the
// store's order: by name without case or accents ("Œlise" before "Zoé"),
// then by e-mail.
func (s *Service) Staff(ctx context.Context, admin *Session, query string, limit int) ([]User, error) {
	if err := s.requireAdmin(ctx, admin, "list users"); err != nil {
		return nil, err
	}
	return s.users(ctx, UserFilter{Staff: true, Query: query, Limit: limit})
}

// StaffToEnroll counts the staff accounts that imposing multi-factor on
// the staff (SetStaffPolicy on) would make pending now: employees and
// administrators whose multi-factor is off, not counting accounts changed
// outside the application (which the policy leaves alone until an
// administrator reseals them).
func (s *Service) StaffToEnroll(ctx context.Context, admin *Session) (int, error) {
	if err := s.requireAdmin(ctx, admin, "count staff to enroll"); err != nil {
		return 0, err
	}
	staff, err := s.users(ctx, UserFilter{Staff: true})
	if err != nil {
		return 0, err
	}
	n := 0
	for _, u := range staff {
		if madePendingByPolicy(u) {
			n++
		}
	}
	return n, nil
}

// madePendingByPolicy reports whether imposing multi-factor on the staff
// makes u pending (see SetStaffPolicy).
func madePendingByPolicy(u User) bool {
	return u.Role.IsStaff() && !u.Tampered && u.MFA == MFAOff
}

// CheckGraceDays refuses a grace period SetStaffPolicy would refuse, for
// a screen that asks for confirmation before calling it.
func CheckGraceDays(days int) error {
	if days < 0 || days > MaxGraceDays {
		return &Error{Code: EINVALID, Reason: ReasonGraceInvalid}
	}
	return nil
}
