package app

import (
	"context"
	"time"
)

// The permission table: which administrative action applies to which
// account, whether it asks for the administrator's own code, and why not.
// The screens draw it (buttons on or off, the code field, the note under
// them) and the services enforce the same rules; a test walks every pair
// of actor and target and checks that both agree.

// ReasonNotLocked: there is no lock to end.
const ReasonNotLocked = "not_locked"

// Permission is one action on one account.
type Permission struct {
	// Allowed: the action can be asked (it may still need a code).
	Allowed bool
	// Reason says why not (a Reason* key, "" when allowed).
	Reason string
	// NeedsCode: a strong action, confirmed by the administrator's own
	// code (or one accepted in this sign-in less than FreshCodeWindow ago).
	NeedsCode bool
}

// AccountActions is the permission table of one administrator on one
// account.
type AccountActions struct {
	// Own: the account is the administrator's own.
	Own bool
	// ResetMFA: a new QR code at the person's next sign-in.
	ResetMFA Permission
	// Disable or Enable, whichever the account's state calls for.
	Disable, Enable Permission
	TempPassword    Permission
	Role            Permission
	Unlock          Permission
	// Reseal: an account changed outside the application, accepted.
	Reseal Permission
	// NewReactivationCode: a new one-time code for an account waiting
	// for one after a reset (the old one no longer works).
	NewReactivationCode Permission
	// Erase: « Effacer les données de cette personne » (Loi 25, erase.go).
	// Always strong; never one's own account, the administrator who made
	// you, nor an account changed outside the application (Vérifier et
	// rétablir first: the erasure would take the evidence with it).
	Erase Permission
	// Export: « Exporter les données de cette personne » (personexport.go),
	// any account, one's own included.
	Export Permission
}

func allow(strong bool) Permission { return Permission{Allowed: true, NeedsCode: strong} }

func refuse(reason string, strong bool) Permission {
	return Permission{Reason: reason, NeedsCode: strong}
}

// actionsOn is the table of administrator a on account u, read in tx (the
// "never reset the one who made you" rule walks the accounts).
func (s *Service) actionsOn(tx Tx, a, u User, now time.Time) (AccountActions, error) {
	own := a.ID == u.ID
	onAdmin := u.Role == RoleAdmin && !own
	t := AccountActions{Own: own}
	// check applies the rules every action shares, in the order the
	// services apply them: an action that is strong whatever the account
	// checks the administrator's code first; one that is strong only on
	// another administrator looks at the account first.
	check := func(always bool, self string, rest func() Permission) Permission {
		strong := always || onAdmin
		switch {
		case !always && u.Tampered && !own:
			return refuse(ReasonAccountTampered, strong)
		case strong && a.MFA != MFAOn:
			return refuse(ReasonAdminMFARequired, strong)
		case own && self != "":
			return refuse(self, strong)
		case u.Tampered && !own:
			return refuse(ReasonAccountTampered, strong)
		}
		if rest != nil {
			return rest()
		}
		return allow(strong)
	}
	madeBy := func(strong bool) func() Permission {
		return func() Permission {
			if err := s.notMadeBy(tx, a, u); err != nil {
				return refuse(ErrorReason(err), strong)
			}
			return allow(strong)
		}
	}
	var err error
	t.ResetMFA = check(true, ReasonSelfReset, func() Permission {
		if p := madeBy(true)(); !p.Allowed {
			return p
		}
		if u.MFA == MFAOff {
			return refuse(ReasonMFANotSet, true)
		}
		return allow(true)
	})
	t.Disable = check(false, ReasonSelfDisable, func() Permission {
		if u.Disabled {
			return refuse(ReasonSettingInvalid, onAdmin)
		}
		if u.Role == RoleAdmin {
			last, lerr := lastEnabledAdmin(tx, u)
			if lerr != nil {
				err = lerr
			}
			if last {
				return refuse(ReasonLastAdmin, onAdmin)
			}
		}
		return allow(onAdmin)
	})
	t.Enable = check(false, "", func() Permission {
		if !u.Disabled {
			return refuse(ReasonSettingInvalid, onAdmin)
		}
		return allow(onAdmin)
	})
	t.TempPassword = check(false, ReasonSelfPassword, madeBy(onAdmin))
	t.Role = check(true, ReasonSelfRole, nil)
	t.Unlock = check(false, "", func() Permission {
		if !u.Locked(now) {
			return refuse(ReasonNotLocked, onAdmin)
		}
		return allow(onAdmin)
	})
	t.NewReactivationCode = check(true, ReasonSelfReset, func() Permission {
		if p := madeBy(true)(); !p.Allowed {
			return p
		}
		if !u.AwaitsReactivation() {
			return refuse(ReasonReactivationNotDue, true)
		}
		return allow(true)
	})
	t.Erase = check(true, ReasonSelfErase, madeBy(true))
	t.Export = CanExportPerson(a)
	switch {
	case a.MFA != MFAOn:
		t.Reseal = refuse(ReasonAdminMFARequired, true)
	case own:
		t.Reseal = refuse(ReasonSelfReset, true)
	case !u.Tampered:
		t.Reseal = refuse(ReasonNotTampered, true)
	default:
		t.Reseal = allow(true)
	}
	return t, err
}

// lastEnabledAdmin reports whether u is the only enabled, untampered
// administrator.
func lastEnabledAdmin(tx Tx, u User) (bool, error) {
	admins, err := tx.Users(UserFilter{Role: RoleAdmin})
	if err != nil {
		return false, err
	}
	for _, o := range admins {
		if o.ID != u.ID && !o.Disabled && !o.Tampered {
			return false, nil
		}
	}
	return true, nil
}

// Actions is the permission table of sess's administrator on the account
// of email.
func (s *Service) Actions(ctx context.Context, sess *Session, email string) (AccountActions, error) {
	if err := s.requireAdmin(ctx, sess, "read actions"); err != nil {
		return AccountActions{}, err
	}
	var t AccountActions
	err := s.view(ctx, func(tx Tx) error {
		a, err := tx.UserByID(sess.user.ID)
		if err != nil {
			return err
		}
		u, err := tx.UserByEmail(NormalizeEmail(email))
		if err != nil {
			return err
		}
		t, err = s.actionsOn(tx, a, u, s.now())
		return err
	})
	return t, err
}

// OwnActions is the table of what a person may do on her own account in
// Mon compte.
type OwnActions struct {
	// ChangePhone: « Changer de téléphone » (phonechange.go), confirmed by
	// her password and a code (NeedsCode is always true).
	ChangePhone Permission
	// RecoveryInstead: she may give one of her recovery codes instead of
	// the old phone's code (an administrator with codes left); anyone
	// else who lost her phone asks an administrator for a reset.
	RecoveryInstead bool
}

// ownActions is the table of u on her own account at now.
func ownActions(u User, now time.Time) OwnActions {
	t := OwnActions{ChangePhone: phoneChangeFor(u, now)}
	t.RecoveryInstead = t.ChangePhone.Allowed && u.Role == RoleAdmin && u.RecoveryCodesLeft() > 0
	return t
}
