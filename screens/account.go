package screens

import (
	"context"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/lang"
	"fyne.io/fyne/v2/layout"
	"fyne.io/fyne/v2/theme"
	"fyne.io/fyne/v2/widget"

	apetitspas "github.com/apetitspas/apetitspas/app"
)

// AccountPage is "Mon compte": a scrollable page with the profile, the
// password change and the multi-factor sign-in switch.
type AccountPage struct {
	widget.BaseWidget
	u       *UI
	content fyne.CanvasObject
	Scroll  *container.Scroll

	Name, Email, Role *widget.Label

	Current, NewPassword, ConfirmPassword *widget.Entry
	ChangePassword                        *Button
	// PasswordRule is the rule for a new password of this account (its
	// fewest characters follow its multi-factor state).
	PasswordRule   *widget.Label
	passwordStatus *status

	MFASwitch *SlideSwitch
	mfaCard   *widget.Card
	MFAState  *widget.Label
	// MFAWhen says when the AMF was turned on, or the deadline to set it
	// up when one runs.
	MFAWhen *widget.Label
	MFAHelp *widget.Label
	// MFANext tells what to do after activation, with LogoutNow.
	MFANext   *widget.Label
	LogoutNow *Button
	mfaStatus *status
	// Confirm is the activation confirmation while it is shown.
	Confirm *MFAConfirm
	// Administrators with AMF on: how many recovery codes are left, and
	// NewCodes to make a new set (NewCodesDialog while it is open).
	Recovery       *widget.Label
	NewCodes       *Button
	NewCodesDialog *NewCodes
}

// buildAccountPage is Mon compte's entry in the page registry.
func buildAccountPage(u *UI) fyne.CanvasObject { return newAccountPage(u) }

func newAccountPage(u *UI) *AccountPage {
	p := &AccountPage{u: u, passwordStatus: newStatus(), mfaStatus: newStatus()}
	p.ExtendBaseWidget(p)
	user := u.handle.User()

	p.Name = widget.NewLabel(user.Name)
	p.Email = widget.NewLabel(user.Email)
	p.Role = widget.NewLabel(RoleText(user.Role))
	profile := widget.NewCard(lang.X("account.profile", "Profil"), "", container.New(
		layout.NewFormLayout(),
		widget.NewLabel(lang.X("account.name", "Nom")), p.Name,
		widget.NewLabel(lang.X("login.email", "Courriel")), p.Email,
		widget.NewLabel(lang.X("account.role", "Rôle")), p.Role,
	))

	p.Current = u.newEntry(true)
	p.NewPassword = u.newEntry(true)
	p.ConfirmPassword = u.newEntry(true)
	p.ConfirmPassword.OnSubmitted = func(string) { p.changePassword() }
	p.Current.OnSubmitted = func(string) { u.win.Canvas().Focus(p.NewPassword) }
	p.NewPassword.OnSubmitted = func(string) { u.win.Canvas().Focus(p.ConfirmPassword) }
	p.ChangePassword = newButton(lang.X("account.change_password", "Changer le mot de passe"), nil, p.changePassword)
	p.PasswordRule = newPasswordRule(apetitspas.PasswordMinimum(user))
	password := widget.NewCard(lang.X("account.password", "Mot de passe"), "", container.NewVBox(
		p.PasswordRule,
		container.New(layout.NewFormLayout(),
			widget.NewLabel(lang.X("account.current_password", "Mot de passe actuel")), p.Current,
			widget.NewLabel(lang.X("account.new_password", "Nouveau mot de passe")), p.NewPassword,
			widget.NewLabel(lang.X("setup.confirm", "Confirmez le mot de passe")), p.ConfirmPassword,
		),
		container.NewHBox(p.ChangePassword), p.passwordStatus.Progress, p.passwordStatus.Message,
	))

	p.MFASwitch = NewSlideSwitch(p.mfaToggled)
	p.MFAState = widget.NewLabel("")
	p.MFAWhen = wrapped("")
	p.MFAHelp = widget.NewLabel(lang.X("account.mfa_intro", "La connexion multi-facteurs (AMF) ajoute une vérification en plus de votre mot de passe : un code à 6 chiffres affiché par une application sur votre téléphone."))
	p.MFAHelp.Wrapping = fyne.TextWrapWord
	p.MFANext = widget.NewLabel("")
	p.MFANext.Wrapping = fyne.TextWrapWord
	p.LogoutNow = newButton(lang.X("account.logout_now", "Me déconnecter maintenant"), theme.LogoutIcon(), func() {
		u.Logout(apetitspas.EventLogout)
	})
	p.LogoutNow.Importance = widget.HighImportance
	p.Recovery = wrapped("")
	p.NewCodes = newButton(lang.X("account.new_codes", "Nouveaux codes de récupération"), theme.ViewRefreshIcon(), p.newCodes)
	p.mfaCard = widget.NewCard(lang.X("account.mfa", "Connexion multi-facteurs (AMF)"), "", container.NewVBox(
		p.MFAHelp,
		container.NewHBox(p.MFASwitch, p.MFAState), p.MFAWhen,
		p.MFANext, container.NewHBox(p.LogoutNow),
		p.Recovery, container.NewHBox(p.NewCodes),
		p.mfaStatus.Message,
	))
	p.showMFA(user.MFA)

	p.Scroll = newPageScroll(container.NewPadded(container.NewVBox(profile, password, p.mfaCard)), false)
	p.content = p.Scroll
	return p
}

// CreateRenderer shows the page's content.
func (p *AccountPage) CreateRenderer() fyne.WidgetRenderer {
	return widget.NewSimpleRenderer(p.content)
}

// RoleText names a role in words.
func RoleText(r apetitspas.Role) string {
	switch r {
	case apetitspas.RoleAdmin:
		return lang.X("role.admin", "Administrateur ou administratrice")
	case apetitspas.RoleEmployee:
		return lang.X("role.employee", "Employé ou employée")
	default:
		return lang.X("role.parent", "Parent")
	}
}

// MFAText names a multi-factor state in words.
func MFAText(m apetitspas.MFAState) string {
	switch m {
	case apetitspas.MFAOn:
		return lang.X("mfa.on", "Activée")
	case apetitspas.MFAPending:
		return lang.X("mfa.pending", "À configurer")
	default:
		return lang.X("mfa.off", "Désactivée")
	}
}

// showMFA shows the stored state: once on (or pending) the switch is
// locked on, since the user cannot turn it off.
func (p *AccountPage) showMFA(m apetitspas.MFAState) {
	user := p.u.handle.User()
	user.MFA = m
	p.PasswordRule.SetText(passwordRuleText(apetitspas.PasswordMinimum(user)))
	p.MFASwitch.SetChecked(m != apetitspas.MFAOff)
	p.MFAState.SetText(MFAText(m))
	p.LogoutNow.Hide()
	p.MFANext.Hide()
	p.showMFAWhen()
	p.showRecovery(p.u.handle.RecoveryCodesLeft())
	if m == apetitspas.MFAOff {
		p.MFASwitch.Enable()
		return
	}
	p.MFASwitch.Disable()
	if m == apetitspas.MFAPending {
		p.MFANext.SetText(lang.X("account.mfa_pending", "Pour terminer, déconnectez-vous puis reconnectez-vous : un code QR à scanner avec votre téléphone s'affichera. La connexion multi-facteurs ne peut plus être désactivée par vous-même ; si vous perdez votre téléphone, un administrateur devra la réinitialiser."))
		p.LogoutNow.Show()
	} else if p.u.handle.User().Role == apetitspas.RoleAdmin {
		p.MFANext.SetText(lang.X("account.mfa_locked_on_admin", "Votre compte est protégé : un code à 6 chiffres vous est demandé à chaque connexion. Si vous perdez votre téléphone, connectez-vous avec un de vos codes de récupération (bouton «\u00a0J'ai perdu mon téléphone\u00a0» à l'écran du code)."))
	} else {
		p.MFANext.SetText(lang.X("account.mfa_locked_on", "Votre compte est protégé : un code à 6 chiffres vous est demandé à chaque connexion. Si vous perdez votre téléphone, demandez à un administrateur de réinitialiser votre AMF."))
	}
	p.MFANext.Show()
}

// showRecovery shows how many recovery codes an administrator with AMF on
// has left, and the button for a new set (highlighted when few are left).
func (p *AccountPage) showRecovery(left int) {
	user := p.u.handle.User()
	if user.Role != apetitspas.RoleAdmin || user.MFA != apetitspas.MFAOn {
		p.Recovery.Hide()
		p.NewCodes.Hide()
		return
	}
	text := lang.X("account.recovery_other", "Codes de récupération : {{.N}} restants.", map[string]any{"N": left})
	if left == 1 || left == 0 && lang.X("plural.zero_is_one", "oui") == "oui" {
		text = lang.X("account.recovery_one", "Codes de récupération : {{.N}} restant.", map[string]any{"N": left})
	}
	p.Recovery.Importance = widget.MediumImportance
	p.NewCodes.Importance = widget.MediumImportance
	if left <= apetitspas.RecoveryCodeLow {
		text += " " + lang.X("account.recovery_low", "Il vous en reste peu : faites une nouvelle série et gardez-la en lieu sûr.")
		p.Recovery.Importance = widget.WarningImportance
		p.NewCodes.Importance = widget.HighImportance
	}
	p.Recovery.SetText(text)
	p.Recovery.Show()
	p.NewCodes.Refresh()
	p.NewCodes.Show()
}

// newCodes asks for the password and a code, then shows the new set once.
func (p *AccountPage) newCodes() {
	p.u.idle.touch()
	p.NewCodesDialog = showNewCodes(p.u, func(codes []string) {
		p.NewCodesDialog = nil
		p.showRecovery(len(codes))
		showRecoveryCodes(p.u, codes, true, nil)
	})
}

// showMFAWhen shows the date the AMF was turned on, or the deadline to
// set it up, as the service tells them.
func (p *AccountPage) showMFAWhen() {
	p.MFAWhen.Hide()
	o, err := p.u.api.Overview(context.Background(), p.u.handle)
	switch {
	case err != nil:
		return
	case o.MFA == apetitspas.MFAOn && !o.MFASince.IsZero():
		p.MFAWhen.SetText(lang.X("account.mfa_since", "Activée le {{.Date}}.", map[string]any{"Date": formatDateTime(o.MFASince)}))
	case o.MFA == apetitspas.MFAPending && !o.MFADue.IsZero():
		p.MFAWhen.SetText(lang.X("account.mfa_due", "À configurer avant le {{.Date}}.", map[string]any{"Date": formatDateTime(o.MFADue)}))
		p.MFAWhen.Importance = widget.WarningImportance
	default:
		return
	}
	p.MFAWhen.Show()
}

// mfaToggled is the user sliding the switch on: ask first, since it cannot
// be undone by the user.
func (p *AccountPage) mfaToggled(on bool) {
	p.u.idle.touch()
	if !on {
		return // the switch is disabled once on; nothing turns AMF off here
	}
	only, _ := p.u.api.OnlyEnabledAdmin(context.Background(), p.u.handle)
	p.Confirm = newMFAConfirm(p.u, only, func(ok bool) {
		p.Confirm = nil
		if !ok {
			p.MFASwitch.SetChecked(false) // back off, without firing again
			return
		}
		if err := p.u.api.RequestMFAActivation(context.Background(), p.u.handle); err != nil {
			p.MFASwitch.SetChecked(false)
			p.mfaStatus.error(ErrorText(err))
			return
		}
		p.showMFA(p.u.handle.User().MFA)
		// The switch is locked now: the keyboard goes on to what comes
		// next, « Me déconnecter maintenant », scrolled into view.
		if p.LogoutNow.Visible() {
			p.mfaCard.Refresh() // laid out with it before it is revealed
			p.Scroll.Refresh()
			p.u.win.Canvas().Focus(p.LogoutNow)
		}
	})
}

func (p *AccountPage) changePassword() {
	if p.ChangePassword.Disabled() {
		return
	}
	p.u.idle.touch()
	cur, next, confirm := p.Current.Text, p.NewPassword.Text, p.ConfirmPassword.Text
	fields := []fyne.Disableable{p.ChangePassword, p.Current, p.NewPassword, p.ConfirmPassword}
	enable(false, fields...)
	p.passwordStatus.busy()
	p.u.sessionWork(func(h *apetitspas.Handle) error {
		return p.u.api.ChangePassword(context.Background(), h, cur, next, confirm)
	}, func(err error) {
		enable(true, fields...)
		if sessionOver(p.u.handle, err) {
			// Too many wrong current passwords locked the account: this
			// session is over, like at the sign-in.
			p.u.sessionEnded(err)
			return
		}
		if err != nil {
			p.passwordStatus.error(ErrorText(err))
			return
		}
		p.Current.SetText("")
		p.NewPassword.SetText("")
		p.ConfirmPassword.SetText("")
		p.passwordStatus.info(lang.X("account.password_changed", "Votre mot de passe a été changé."))
	})
}

// sessionOver reports whether err ended h: a lock after too many wrong
// current passwords, or an account that can no longer sign in.
func sessionOver(h *apetitspas.Handle, err error) bool {
	if err == nil {
		return false
	}
	switch apetitspas.ErrorReason(err) {
	case apetitspas.ReasonAccountDisabled, apetitspas.ReasonAccountTampered, apetitspas.ReasonNotSignedIn:
		return true
	}
	return h.Step() == apetitspas.StepNone
}
