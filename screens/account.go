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

// accountPage is "Mon compte": a scrollable page with the profile, the
// password change and the multi-factor sign-in switch.
type accountPage struct {
	widget.BaseWidget
	u       *UI
	content fyne.CanvasObject
	scroll  *container.Scroll

	name, email, role *widget.Label

	current, newPassword, confirmPassword *widget.Entry
	changePasswordButton                  *button
	// passwordRule is the rule for a new password of this account (its
	// fewest characters follow its multi-factor state).
	passwordRule   *widget.Label
	passwordStatus *relaidStatus
	passwordRow    *fyne.Container

	mfaSwitch *slideSwitch
	mfaCard   *widget.Card
	mfaState  *widget.Label
	// mfaWhen says when the AMF was turned on, or the deadline to set it
	// up when one runs.
	mfaWhen *wrapLabel
	mfaHelp *widget.Label
	// mfaNext tells what to do after activation, with logoutNow.
	mfaNext   *wrapLabel
	logoutNow *button
	mfaStatus *status
	// confirm is the activation confirmation while it is shown.
	confirm *mfaConfirm
	// Administrators with AMF on: how many recovery codes are left, and
	// newCodesButton to make a new set (newCodesDialog while it is open).
	recovery       *wrapLabel
	newCodesButton *button
	newCodesDialog *newCodes
	// changePhoneButton is « Changer de téléphone » (AMF on), offered as the
	// service's table says (OwnActions); phoneNote says what it does, or
	// why it cannot be done now. PhoneDialog while it is open.
	changePhoneButton *button
	phoneNote         *wrapLabel
	phoneDialog       *phoneChange
	recoveryOK        bool
}

// buildAccountPage is Mon compte's entry in the page registry.
func buildAccountPage(u *UI) fyne.CanvasObject { return newAccountPage(u) }

func newAccountPage(u *UI) *accountPage {
	p := &accountPage{u: u, mfaStatus: newStatus()}
	p.passwordStatus = newRelaidStatus(func() {
		if p.passwordRow != nil {
			p.passwordRow.Refresh()
		}
	})
	p.ExtendBaseWidget(p)
	user := u.handle.User()

	p.name = widget.NewLabel(user.Name)
	p.email = widget.NewLabel(user.Email)
	p.role = widget.NewLabel(roleText(user.Role))
	profile := sectionCard(lang.X("account.profile", "Profil"), container.New(
		layout.NewFormLayout(),
		widget.NewLabel(lang.X("account.name", "Nom")), p.name,
		widget.NewLabel(lang.X("login.email", "Courriel")), p.email,
		widget.NewLabel(lang.X("account.role", "Rôle")), p.role,
	))

	p.current = u.newEntry(true)
	p.newPassword = u.newEntry(true)
	p.confirmPassword = u.newEntry(true)
	p.confirmPassword.OnSubmitted = func(string) { p.changePassword() }
	p.current.OnSubmitted = func(string) { u.win.Canvas().Focus(p.newPassword) }
	p.newPassword.OnSubmitted = func(string) { u.win.Canvas().Focus(p.confirmPassword) }
	p.changePasswordButton = newButton(lang.X("account.change_password", "Changer le mot de passe"), nil, p.changePassword)
	p.passwordRule = newPasswordRule(apetitspas.PasswordMinimum(user))
	p.passwordRow = besideRow(container.NewHBox(p.changePasswordButton), p.passwordStatus.message)
	password := sectionCard(lang.X("account.password", "Mot de passe"), container.NewVBox(
		p.passwordRule,
		container.New(layout.NewFormLayout(),
			widget.NewLabel(lang.X("account.current_password", "Mot de passe actuel")), p.current,
			widget.NewLabel(lang.X("account.new_password", "Nouveau mot de passe")), p.newPassword,
			widget.NewLabel(lang.X("setup.confirm", "Confirmez le mot de passe")), p.confirmPassword,
		),
		// What happened is said beside the button.
		p.passwordRow, p.passwordStatus.progress,
	))

	p.mfaSwitch = newSlideSwitch(p.mfaToggled)
	p.mfaState = widget.NewLabel("")
	p.mfaWhen = wrapped("")
	p.mfaHelp = widget.NewLabel(lang.X("account.mfa_intro", "La connexion multi-facteurs (AMF) ajoute une vérification en plus de votre mot de passe : un code à 6 chiffres affiché par une application sur votre téléphone."))
	p.mfaHelp.Wrapping = fyne.TextWrapWord
	p.mfaNext = wrapped("")
	p.logoutNow = newButton(lang.X("account.logout_now", "Me déconnecter maintenant"), theme.LogoutIcon(), func() {
		u.logout(apetitspas.EventLogout)
	})
	p.logoutNow.Importance = widget.HighImportance
	p.recovery = wrapped("")
	p.newCodesButton = newButton(lang.X("account.new_codes", "Nouveaux codes de récupération"), theme.ViewRefreshIcon(), p.newCodes)
	p.changePhoneButton = newButton(lang.X("phone_change.title", "Changer de téléphone"), nil, p.changePhone)
	p.phoneNote = wrapped("")
	p.mfaCard = sectionCard(lang.X("account.mfa", "Connexion multi-facteurs (AMF)"), container.NewVBox(
		p.mfaHelp,
		container.NewHBox(p.mfaSwitch, p.mfaState), p.mfaWhen,
		p.mfaNext, container.NewHBox(p.logoutNow),
		p.phoneNote, container.NewHBox(p.changePhoneButton),
		p.recovery, container.NewHBox(p.newCodesButton),
		p.mfaStatus.message,
	))
	p.showMFA(user.MFA)

	p.scroll = newPageScroll(container.NewPadded(container.NewVBox(profile, password, p.mfaCard)), false)
	p.content = p.scroll
	return p
}

// CreateRenderer shows the page's content.
func (p *accountPage) CreateRenderer() fyne.WidgetRenderer {
	return widget.NewSimpleRenderer(p.content)
}

// roleText names a role in words.
func roleText(r apetitspas.Role) string {
	switch r {
	case apetitspas.RoleAdmin:
		return lang.X("role.admin", "Administrateur ou administratrice")
	case apetitspas.RoleEmployee:
		return lang.X("role.employee", "Employé ou employée")
	default:
		return lang.X("role.parent", "Parent")
	}
}

// mfaText names a multi-factor state in words.
func mfaText(m apetitspas.MFAState) string {
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
func (p *accountPage) showMFA(m apetitspas.MFAState) {
	user := p.u.handle.User()
	user.MFA = m
	p.passwordRule.SetText(passwordRuleText(apetitspas.PasswordMinimum(user)))
	p.mfaSwitch.setChecked(m != apetitspas.MFAOff)
	p.mfaState.SetText(mfaText(m))
	p.logoutNow.Hide()
	p.mfaNext.Hide()
	p.showMFAWhen()
	p.showRecovery(p.u.handle.RecoveryCodesLeft())
	p.showChangePhone(m)
	if m == apetitspas.MFAOff {
		p.mfaSwitch.Enable()
		return
	}
	p.mfaSwitch.Disable()
	p.mfaNext.SetText(p.mfaAdvice(m))
	if m == apetitspas.MFAPending {
		p.logoutNow.Show()
	}
	p.mfaNext.Show()
}

// mfaAdvice says what to do next and what a lost phone would mean, for
// this person's situation as the service tells it: an administrator has
// recovery codes (shown after the QR code, or already in hand: how many
// are left); the only administrator has no colleague to reset her AMF.
func (p *accountPage) mfaAdvice(m apetitspas.MFAState) string {
	if p.u.handle.User().Role != apetitspas.RoleAdmin {
		if m == apetitspas.MFAPending {
			return lang.X("account.mfa_pending", "Pour terminer, déconnectez-vous puis reconnectez-vous : un code QR à scanner avec votre téléphone s'affichera. La connexion multi-facteurs ne peut plus être désactivée par vous-même ; si vous perdez votre téléphone, un administrateur devra la réinitialiser.")
		}
		return lang.X("account.mfa_locked_on", "Votre compte est protégé : un code à 6 chiffres vous est demandé à chaque connexion. Si vous perdez votre téléphone, demandez à un administrateur de réinitialiser votre AMF.")
	}
	only, _ := p.u.api.OnlyEnabledAdmin(context.Background(), p.u.handle)
	left := p.u.handle.RecoveryCodesLeft()
	switch {
	case m == apetitspas.MFAPending && only:
		return lang.X("account.mfa_pending_only_admin", "Pour terminer, déconnectez-vous puis reconnectez-vous : un code QR à scanner avec votre téléphone s'affichera, puis vos codes de récupération. La connexion multi-facteurs ne peut plus être désactivée par vous-même. Vous êtes le seul administrateur : si vous perdez votre téléphone, seuls ces codes (ou votre technicien) vous permettront d'entrer. Créez un deuxième administrateur dans Utilisateurs.")
	case m == apetitspas.MFAPending:
		return lang.X("account.mfa_pending_admin", "Pour terminer, déconnectez-vous puis reconnectez-vous : un code QR à scanner avec votre téléphone s'affichera, puis vos codes de récupération. La connexion multi-facteurs ne peut plus être désactivée par vous-même ; si vous perdez votre téléphone, connectez-vous avec un de ces codes ou demandez à un autre administrateur de la réinitialiser.")
	case left == 0 && only:
		return lang.X("account.mfa_on_only_admin_no_codes", "Votre compte est protégé : un code à 6\u00a0chiffres vous est demandé à chaque connexion. Il ne vous reste aucun code de récupération et vous êtes le seul administrateur : si vous perdez votre téléphone, seul votre technicien pourra vous aider. Faites une nouvelle série de codes ci-dessous et créez un deuxième administrateur dans Utilisateurs.")
	case left == 0:
		return lang.X("account.mfa_on_admin_no_codes", "Votre compte est protégé : un code à 6\u00a0chiffres vous est demandé à chaque connexion. Il ne vous reste aucun code de récupération : si vous perdez votre téléphone, un autre administrateur devra réinitialiser votre AMF. Faites une nouvelle série de codes ci-dessous.")
	case only:
		return lang.X("account.mfa_on_only_admin", "Votre compte est protégé : un code à 6\u00a0chiffres vous est demandé à chaque connexion. Si vous perdez votre téléphone, connectez-vous avec un de vos codes de récupération (bouton «\u00a0J'ai perdu mon téléphone\u00a0» à l'écran du code). Vous êtes le seul administrateur : personne d'autre ne peut réinitialiser votre AMF ; créez un deuxième administrateur dans Utilisateurs.")
	}
	return lang.X("account.mfa_locked_on_admin", "Votre compte est protégé : un code à 6 chiffres vous est demandé à chaque connexion. Si vous perdez votre téléphone, connectez-vous avec un de vos codes de récupération (bouton «\u00a0J'ai perdu mon téléphone\u00a0» à l'écran du code).")
}

// showRecovery shows how many recovery codes an administrator with AMF on
// has left, and the button for a new set (highlighted when few are left).
func (p *accountPage) showRecovery(left int) {
	user := p.u.handle.User()
	if user.Role != apetitspas.RoleAdmin || user.MFA != apetitspas.MFAOn {
		p.recovery.Hide()
		p.newCodesButton.Hide()
		return
	}
	text := lang.X("account.recovery_other", "Codes de récupération : {{.N}} restants.", map[string]any{"N": left})
	if left == 1 || left == 0 && lang.X("plural.zero_is_one", "oui") == "oui" {
		text = lang.X("account.recovery_one", "Codes de récupération : {{.N}} restant.", map[string]any{"N": left})
	}
	p.recovery.Importance = widget.MediumImportance
	p.newCodesButton.Importance = widget.MediumImportance
	if left <= apetitspas.RecoveryCodeLow {
		text += " " + lang.X("account.recovery_low", "Il vous en reste peu : faites une nouvelle série et gardez-la en lieu sûr.")
		p.recovery.Importance = widget.WarningImportance
		p.newCodesButton.Importance = widget.HighImportance
	}
	p.recovery.SetText(text)
	p.recovery.Show()
	p.newCodesButton.Refresh()
	p.newCodesButton.Show()
}

// showChangePhone shows « Changer de téléphone » when the AMF is on, as
// the service's permission table says (with why not when refused).
func (p *accountPage) showChangePhone(m apetitspas.MFAState) {
	p.changePhoneButton.Hide()
	p.phoneNote.Hide()
	if m != apetitspas.MFAOn {
		return
	}
	acts, err := p.u.api.OwnActions(context.Background(), p.u.handle)
	if err != nil || acts.ChangePhone.Reason == apetitspas.ReasonPhoneChangeMFAOff {
		return
	}
	p.recoveryOK = acts.RecoveryInstead
	p.phoneNote.Importance = widget.MediumImportance
	if acts.ChangePhone.Allowed {
		p.phoneNote.SetText(lang.X("phone_change.note", "Nouveau téléphone ? Déplacez-y votre AMF vous-même : votre ancien téléphone cesse de fonctionner seulement une fois le nouveau confirmé."))
		p.changePhoneButton.Enable()
	} else {
		p.phoneNote.SetText(ErrorText(&apetitspas.Error{Reason: acts.ChangePhone.Reason, Until: p.u.handle.User().LockedUntil}))
		p.phoneNote.Importance = widget.WarningImportance
		p.changePhoneButton.Disable()
	}
	p.phoneNote.Show()
	p.changePhoneButton.Show()
}

// changePhone opens « Changer de téléphone ».
func (p *accountPage) changePhone() {
	p.u.idle.touch()
	p.phoneDialog = showPhoneChange(p.u, p.recoveryOK, func() {
		p.phoneDialog = nil
		p.showMFA(p.u.handle.User().MFA)
	})
}

// newCodes asks for the password and a code, then shows the new set once.
func (p *accountPage) newCodes() {
	p.u.idle.touch()
	p.newCodesDialog = showNewCodes(p.u, func(codes []string) {
		p.newCodesDialog = nil
		p.showRecovery(len(codes))
		p.mfaNext.SetText(p.mfaAdvice(apetitspas.MFAOn))
		showRecoveryCodes(p.u, codes, true, nil)
	})
}

// showMFAWhen shows the date the AMF was turned on, or the deadline to
// set it up, as the service tells them.
func (p *accountPage) showMFAWhen() {
	p.mfaWhen.Hide()
	o, err := p.u.api.Overview(context.Background(), p.u.handle)
	switch {
	case err != nil:
		return
	case o.MFA == apetitspas.MFAOn && !o.MFASince.IsZero():
		p.mfaWhen.SetText(lang.X("account.mfa_since", "Activée le {{.Date}}.", map[string]any{"Date": formatDateTime(o.MFASince)}))
	case o.MFA == apetitspas.MFAPending && !o.MFADue.IsZero():
		p.mfaWhen.SetText(lang.X("account.mfa_due", "À configurer avant le {{.Date}}.", map[string]any{"Date": formatDateTime(o.MFADue)}))
		p.mfaWhen.Importance = widget.WarningImportance
	default:
		return
	}
	p.mfaWhen.Show()
}

// mfaToggled is the user sliding the switch on: ask first, since it cannot
// be undone by the user.
func (p *accountPage) mfaToggled(on bool) {
	p.u.idle.touch()
	if !on {
		return // the switch is disabled once on; nothing turns AMF off here
	}
	only, _ := p.u.api.OnlyEnabledAdmin(context.Background(), p.u.handle)
	p.confirm = newMFAConfirm(p.u, only, func(ok bool) {
		p.confirm = nil
		if !ok {
			p.mfaSwitch.setChecked(false) // back off, without firing again
			return
		}
		if err := p.u.api.RequestMFAActivation(context.Background(), p.u.handle); err != nil {
			p.mfaSwitch.setChecked(false)
			p.mfaStatus.error(ErrorText(err))
			return
		}
		p.showMFA(p.u.handle.User().MFA)
		// The switch is locked now: the keyboard goes on to what comes
		// next, « Me déconnecter maintenant », scrolled into view.
		if p.logoutNow.Visible() {
			p.mfaCard.Refresh() // laid out with it before it is revealed
			p.scroll.Refresh()
			p.u.win.Canvas().Focus(p.logoutNow)
		}
	})
}

func (p *accountPage) changePassword() {
	if p.changePasswordButton.Disabled() {
		return
	}
	p.u.idle.touch()
	cur, next, confirm := p.current.Text, p.newPassword.Text, p.confirmPassword.Text
	fields := []fyne.Disableable{p.changePasswordButton, p.current, p.newPassword, p.confirmPassword}
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
		p.current.SetText("")
		p.newPassword.SetText("")
		p.confirmPassword.SetText("")
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
