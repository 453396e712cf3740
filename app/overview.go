package app

import (
	"context"
	"time"
)

// Overview is a person's own security state at a glance (the home page):
// her multi-factor sign-in and, for administrators, what waits for them.
type Overview struct {
	// MFA is the person's multi-factor state; MFASince when it was turned
	// on (zero when it is not on, or its journal row is gone).
	MFA      MFAState
	MFASince time.Time
	// MFADue is the deadline to set it up when it was imposed with a grace
	// period (zero when there is none).
	MFADue time.Time

	// Administrators only (zero for others):
	// StaffToSetUp counts the enabled staff accounts whose multi-factor
	// sign-in is not on yet, while the staff policy is enforced.
	StaffToSetUp int
	// StaffPolicy tells whether the staff policy is enforced.
	StaffPolicy bool
	// BreakGlass counts the unacknowledged break-glass resets.
	BreakGlass int
	// Embedded: no service holds the data; the window runs the rules in
	// its own OS account, so they are only as strong as that account
	// (administrators are told so).
	Embedded bool
	// ServerClockSkew is how far this computer's clock (the service's) is
	// ahead of the data server's, negative when behind: set when they are
	// more than MaxServerClockSkew apart (codes, locks and the journal's
	// times follow this computer's clock), zero otherwise and without a
	// server (SQLite).
	ServerClockSkew time.Duration
	// LastBackup is when the newest backup was made (zero when never);
	// BackupDue tells Accueil to remind of a backup: there is none, or the
	// newest is older than BackupReminder.
	LastBackup time.Time
	BackupDue  bool
}

// staffToSetUp lists the people Overview.StaffToSetUp counts: while the
// staff policy p is enforced, the enabled employees and administrators
// whose multi-factor sign-in is not on yet, in the store's order (by
// name, then e-mail); nobody while it is not enforced.
func staffToSetUp(tx Tx, p Policy) ([]User, error) {
	if !p.EnforceStaff {
		return nil, nil
	}
	staff, err := tx.Users(UserFilter{Staff: true})
	if err != nil {
		return nil, err
	}
	var out []User
	for _, u := range staff {
		if !u.Disabled && u.MFA != MFAOn {
			out = append(out, u)
		}
	}
	return out, nil
}

// StaffToSetUp lists, for an administrator, the people Overview counts in
// StaffToSetUp (Accueil's « Voir les N personnes à configurer »).
func (s *Service) StaffToSetUp(ctx context.Context, admin *Session) ([]User, error) {
	if err := s.requireAdmin(ctx, admin, "list staff to set up"); err != nil {
		return nil, err
	}
	var out []User
	err := s.view(ctx, func(tx Tx) error {
		p, err := readPolicy(tx)
		if err != nil {
			return err
		}
		out, err = staffToSetUp(tx, p)
		return err
	})
	return out, err
}

// backupDue reports whether Accueil reminds of a backup at now: none was
// ever made (last is zero), or the newest is older than BackupReminder.
func backupDue(last, now time.Time) bool {
	return last.IsZero() || now.Sub(last) > BackupReminder
}

// MaxServerClockSkew is how far this computer's clock may be from the data
// server's before administrators are told.
const MaxServerClockSkew = 30 * time.Second

// Overview returns the signed-in person's security state. The tamper
// check, slower, is CheckIntegrity.
func (s *Service) Overview(ctx context.Context, sess *Session) (Overview, error) {
	if err := s.signedIn(ctx, sess); err != nil {
		return Overview{}, err
	}
	var o Overview
	err := s.view(ctx, func(tx Tx) error {
		u, err := tx.UserByID(sess.user.ID)
		if err != nil {
			return err
		}
		o.MFA, o.MFADue = u.MFA, u.MFADue
		if u.MFA == MFAOn {
			evs, err := tx.Audit(AuditFilter{Event: EventMFAEnrolled, Person: u.Email, Limit: 1})
			if err != nil {
				return err
			}
			if len(evs) > 0 && evs[0].Target == u.Email {
				o.MFASince = evs[0].Time
			}
		}
		if u.Role != RoleAdmin {
			return nil
		}
		p, err := readPolicy(tx)
		if err != nil {
			return err
		}
		o.StaffPolicy = p.EnforceStaff
		toSetUp, err := staffToSetUp(tx, p)
		if err != nil {
			return err
		}
		o.StaffToSetUp = len(toSetUp)
		if o.LastBackup, err = lastBackup(tx); err != nil {
			return err
		}
		o.BackupDue = backupDue(o.LastBackup, s.now())
		notes, err := readBreakGlass(tx)
		o.BreakGlass = len(notes)
		return err
	})
	if err != nil {
		return Overview{}, err
	}
	if sess.user.Role == RoleAdmin {
		o.ServerClockSkew = s.serverClockSkew(ctx)
	}
	return o, nil
}

// serverClockSkew compares the service's clock with the data server's (a
// store that has one, ServerClock): the difference when it is over
// MaxServerClockSkew, zero otherwise. The server's time is compared with
// the middle of the service's before and after asking, so that the round
// trip does not count. A server that cannot be asked gives zero: the
// overview does not fail for it.
func (s *Service) serverClockSkew(ctx context.Context) time.Duration {
	sc, ok := s.store.(ServerClock)
	if !ok {
		return 0
	}
	before := s.now()
	server, ok, err := sc.ServerNow(ctx)
	after := s.now()
	if err != nil || !ok {
		return 0
	}
	skew := before.Add(after.Sub(before) / 2).Sub(server).Round(time.Second)
	if skew.Abs() <= MaxServerClockSkew {
		return 0
	}
	return skew
}
