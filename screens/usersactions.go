package screens

import (
	"context"
	"strings"

	"fyne.io/fyne/v2/lang"
	"fyne.io/fyne/v2/theme"

	apetitspas "github.com/apetitspas/apetitspas/app"
)

// showActions fills the action panel for the selected account. The
// buttons never move: those that do not apply are turned off. What
// applies, whether the administrator's code is needed and why an action
// is refused come from the service's permission table (api.Actions),
// fetched when an account is selected (fetchActions): until it comes,
// every action is off.
func (p *usersPage) showActions() {
	user := p.selected
	p.filling = true
	defer func() { p.filling = false }()
	if user == nil {
		p.whoName.SetText("")
		p.whoEmail.SetText("")
		p.whoName.Hide()
		p.whoEmail.Hide()
		enable(false, p.resetMFA, p.unlockBtn, p.tempPassword, p.disable, p.role, p.exportBtn, p.eraseBtn)
		p.newReactivation.Hide()
		p.disable.SetText(lang.X("users.disable", "Désactiver"))
		p.role.ClearSelected()
		p.reseal.Hide()
		p.details.Hide()
		p.panelBadges.Hide()
		p.note.Hide()
		p.hint.Show()
		p.panel.Refresh()
		return
	}
	p.hint.Hide()
	now := p.u.api.Now()
	p.whoName.SetText(user.Name)
	p.whoEmail.SetText(user.Email)
	p.whoName.Show()
	p.whoEmail.Show()
	p.showBadges(user)
	var lines []string
	if user.Locked(now) {
		lines = append(lines, lang.X("users.detail_locked", "Verrouillé jusqu'à {{.Until}} après trop de tentatives.",
			map[string]any{"Until": formatUntil(user.LockedUntil, p.u.api.Now())}))
	}
	if user.Disabled {
		lines = append(lines, lang.X("users.detail_disabled", "Ce compte est désactivé : la personne ne peut pas se connecter."))
	}
	p.details.SetText(strings.Join(lines, "\n"))
	p.details.Hidden = len(lines) == 0

	var t apetitspas.AccountActions // all off while the table loads
	if p.perm != nil {
		t = *p.perm
	}
	on := func(perm apetitspas.Permission) bool { return p.perm != nil && perm.Allowed }
	enable(on(t.ResetMFA), p.resetMFA)
	enable(on(p.toggle(t, *user)), p.disable)
	enable(on(t.TempPassword), p.tempPassword)
	enable(on(t.Role), p.role)
	enable(on(t.Unlock), p.unlockBtn)
	enable(on(t.Export), p.exportBtn)
	enable(on(t.Erase), p.eraseBtn)
	// « Nouveau code de réactivation » shows only for an account waiting
	// for one (the table says so), on when allowed.
	if r := t.NewReactivationCode.Reason; p.perm != nil && r != apetitspas.ReasonReactivationNotDue && r != apetitspas.ReasonAccountTampered {
		p.newReactivation.Show()
		enable(on(t.NewReactivationCode), p.newReactivation)
	} else {
		p.newReactivation.Hide()
	}
	if user.Disabled {
		p.disable.SetText(lang.X("users.enable", "Réactiver"))
	} else {
		p.disable.SetText(lang.X("users.disable", "Désactiver"))
	}
	for i, r := range newAccountRoles {
		if r == user.Role {
			p.role.SetSelectedIndex(i)
		}
	}
	// "Vérifier et rétablir…" shows on an account changed outside the
	// application (its badge says so), on when the table allows it.
	if user.Tampered {
		p.reseal.Show()
		enable(on(t.Reseal), p.reseal)
	} else {
		p.reseal.Hide()
	}
	if note := actionsNote(p.perm); note != "" {
		p.note.SetText(note)
		p.note.Show()
	} else {
		p.note.Hide()
	}
	p.panel.Refresh()
}

// toggle is the permission of the disable button: Réactiver on a
// disabled account, Désactiver otherwise.
func (p *usersPage) toggle(t apetitspas.AccountActions, user apetitspas.User) apetitspas.Permission {
	if user.Disabled {
		return t.Enable
	}
	return t.Disable
}

// actionsNote says, under the buttons, why actions are off, from the
// reasons of the permission table: one's own account, or each reason
// once (an account changed outside the application first). Reasons the
// panel already shows (not locked, already disabled or enabled, not
// changed outside the application) are not repeated. Empty while the
// table loads and when nothing is refused.
func actionsNote(t *apetitspas.AccountActions) string {
	if t == nil {
		return ""
	}
	if t.Own {
		return lang.X("users.own_row", "Un autre administrateur doit réinitialiser votre AMF. Pour changer votre mot de passe, utilisez Mon compte.")
	}
	var lines []string
	seen := map[string]bool{
		"": true, apetitspas.ReasonNotLocked: true, apetitspas.ReasonSettingInvalid: true, apetitspas.ReasonNotTampered: true,
	}
	// Disable first: on an account changed outside the application, its
	// refusal says so before any other (it explains them).
	for _, perm := range []apetitspas.Permission{t.Disable, t.Enable, t.TempPassword, t.Unlock, t.ResetMFA, t.Role, t.Reseal, t.Erase, t.Export} {
		r := perm.Reason
		if perm.Allowed || seen[r] {
			continue
		}
		seen[r] = true
		switch r {
		case apetitspas.ReasonAccountTampered:
			lines = append(lines, lang.X("users.tampered_note", "Ce compte a été modifié en dehors d'À petits pas, directement dans le fichier de la base de données : la personne ne peut plus se connecter. Vérifiez le rôle et l'état affichés ici, puis choisissez «\u00a0Vérifier et rétablir…\u00a0»."))
		case apetitspas.ReasonMFANotSet:
			lines = append(lines, lang.X("users.mfa_off_note", "L'AMF de cette personne est désactivée : il n'y a rien à réinitialiser."))
		default:
			lines = append(lines, ErrorText(&apetitspas.Error{Reason: r}))
		}
	}
	return strings.Join(lines, "\n\n")
}

// fetchActions asks the service, in the background, for the permission
// table of the selected account; the actions stay off until it comes. A
// table asked for an account no longer selected is dropped.
func (p *usersPage) fetchActions() {
	p.perm = nil
	p.permSeq++
	if p.selected == nil {
		return
	}
	seq, email := p.permSeq, p.selected.Email
	var t apetitspas.AccountActions
	p.u.readWork(func(h *apetitspas.Handle) error {
		var err error
		t, err = p.u.api.Actions(context.Background(), h, email)
		return err
	}, func(err error) {
		if seq != p.permSeq {
			return
		}
		if err != nil {
			p.status.error(ErrorText(err))
			return
		}
		p.perm = &t
		p.showActions()
	})
}

// showBadges shows the selected account's badges under its name.
func (p *usersPage) showBadges(user *apetitspas.User) {
	bs := p.badges(*user)
	for len(p.panelBadges.Objects) < len(bs) {
		p.panelBadges.Add(newBadge("", theme.ColorNameDisabled))
	}
	for i, o := range p.panelBadges.Objects {
		b := o.(*badge)
		if i < len(bs) {
			b.set(bs[i].text, bs[i].color)
			b.Show()
		} else {
			b.Hide()
		}
	}
	p.panelBadges.Show()
}

// askCode reports whether an action asks for the administrator's own
// code from the start: a strong action (the table says so) and no code
// accepted in the last two minutes.
func (p *usersPage) askCode(perm apetitspas.Permission) bool {
	return perm.NeedsCode && p.u.codeStale()
}

// confirm shows an adminConfirm for the selected account's action and
// keeps it in p.Confirm while it is shown.
func (p *usersPage) confirm(a adminAction) {
	closed := a.closed
	a.closed = func(done bool) {
		p.confirming = nil
		if closed != nil {
			closed(done)
		}
	}
	p.confirming = newAdminConfirm(p.u, a)
}

func (p *usersPage) confirmReset() {
	user := p.selected
	if user == nil || p.perm == nil || p.resetMFA.Disabled() {
		return
	}
	p.u.idle.touch()
	target, perm := *user, p.perm.ResetMFA
	msg := lang.X("users.reset_text_reactivation", "Vous allez réinitialiser la connexion multi-facteurs (AMF) de {{.Name}} ({{.Email}}), par exemple après la perte de son téléphone.\n\nSon code secret actuel sera détruit et son compte sera déverrouillé s'il l'était. Vous recevrez un code de réactivation à usage unique, valide 7 jours, à lui remettre en personne : à sa prochaine connexion, elle l'entrera avant de scanner un nouveau code QR. L'AMF reste obligatoire pour son compte.",
		map[string]any{"Name": target.Name, "Email": target.Email})
	var rc apetitspas.ReactivationCode
	p.confirm(adminAction{
		title: lang.X("users.reset_title", "Réinitialiser l'AMF ?"), message: msg,
		confirmText: lang.X("users.reset_confirm", "Réinitialiser"), askCode: p.askCode(perm), destructive: true,
		act: func(h *apetitspas.Handle, code string) error {
			var err error
			rc, err = p.u.api.ResetMFA(context.Background(), h, target.Email, code)
			return err
		},
		closed: func(done bool) {
			if !done {
				return
			}
			p.load()
			p.status.info(lang.X("users.reset_done_reactivation", "L'AMF de {{.Name}} a été réinitialisée. Remettez-lui en personne son code de réactivation.",
				map[string]any{"Name": target.Name}))
			p.showReactivation(target.Name, rc)
		},
	})
}

// confirmNewReactivation is « Nouveau code de réactivation »: for an
// account waiting for one (lost, expired, used without finishing, or reset
// before these codes existed); the old code stops working.
func (p *usersPage) confirmNewReactivation() {
	user := p.selected
	if user == nil || p.perm == nil || p.newReactivation.Disabled() {
		return
	}
	p.u.idle.touch()
	target, perm := *user, p.perm.NewReactivationCode
	msg := lang.X("users.new_reactivation_text", "Vous allez créer un nouveau code de réactivation pour {{.Name}} ({{.Email}}). Son code précédent, s'il en avait un, ne fonctionnera plus. Remettez le nouveau code en personne, après avoir vérifié son identité.",
		map[string]any{"Name": target.Name, "Email": target.Email})
	var rc apetitspas.ReactivationCode
	p.confirm(adminAction{
		title: lang.X("users.new_reactivation_title", "Nouveau code de réactivation ?"), message: msg,
		confirmText: lang.X("users.new_reactivation_confirm", "Créer le code"), askCode: p.askCode(perm),
		act: func(h *apetitspas.Handle, code string) error {
			var err error
			rc, err = p.u.api.NewReactivationCode(context.Background(), h, target.Email, code)
			return err
		},
		closed: func(done bool) {
			if !done {
				return
			}
			p.load()
			p.showReactivation(target.Name, rc)
		},
	})
}

func (p *usersPage) showReactivation(name string, rc apetitspas.ReactivationCode) {
	p.reactivation = newReactivationCodeDialog(p.u, name, rc, func() { p.reactivation = nil })
}

// toggleDisabled asks before disabling an account (the person can no
// longer sign in); re-enabling one is done at once, except for another
// administrator's account, which asks for the code. The button stays in
// place and reads "Réactiver" on a disabled account.
func (p *usersPage) toggleDisabled() {
	user := p.selected
	if user == nil || p.perm == nil || p.disable.Disabled() {
		return
	}
	p.u.idle.touch()
	target, perm := *user, p.toggle(*p.perm, *user)
	data := map[string]any{"Name": target.Name, "Email": target.Email}
	act := func(h *apetitspas.Handle, code string) error {
		return p.u.api.SetDisabled(context.Background(), h, target.Email, !target.Disabled, code)
	}
	done := func() {
		p.load()
		if target.Disabled {
			p.status.info(lang.X("users.enabled_done", "Le compte de {{.Name}} est réactivé : la personne peut de nouveau se connecter.", data))
		} else {
			p.status.info(lang.X("users.disabled_done", "Le compte de {{.Name}} est désactivé : la personne ne peut plus se connecter.", data))
		}
	}
	if target.Disabled && !perm.NeedsCode {
		if err := act(p.u.handle, ""); err != nil {
			p.status.error(ErrorText(err))
			return
		}
		done()
		return
	}
	a := adminAction{askCode: p.askCode(perm), act: act, destructive: !target.Disabled, closed: func(ok bool) {
		if ok {
			done()
		}
	}}
	switch {
	case target.Disabled:
		a.title = lang.X("users.enable_admin_title", "Réactiver un administrateur ?")
		a.message = lang.X("users.enable_admin_text", "Vous allez réactiver le compte de {{.Name}} ({{.Email}}), un administrateur : cette personne pourra de nouveau se connecter et gérer tous les comptes.", data)
		a.confirmText = lang.X("users.enable", "Réactiver")
	case target.Role == apetitspas.RoleAdmin:
		a.title = lang.X("users.disable_admin_title", "Désactiver un administrateur ?")
		a.message = lang.X("users.disable_admin_text", "Vous allez désactiver le compte de {{.Name}} ({{.Email}}), un administrateur : cette personne ne pourra plus se connecter. Il doit toujours rester au moins un administrateur actif.", data)
		a.confirmText = lang.X("users.disable", "Désactiver")
	default:
		a.title = lang.X("users.disable_title", "Désactiver ce compte ?")
		a.message = lang.X("users.disable_text", "Vous allez désactiver le compte de {{.Name}} ({{.Email}}) : cette personne ne pourra plus se connecter. Rien n'est effacé, et vous pourrez réactiver le compte au même endroit.", data)
		a.confirmText = lang.X("users.disable", "Désactiver")
	}
	p.confirm(a)
}

func (p *usersPage) unlock() {
	user := p.selected
	if user == nil || p.perm == nil || p.unlockBtn.Disabled() {
		return
	}
	p.u.idle.touch()
	target, perm := *user, p.perm.Unlock
	data := map[string]any{"Name": target.Name, "Email": target.Email}
	act := func(h *apetitspas.Handle, code string) error {
		return p.u.api.Unlock(context.Background(), h, target.Email, code)
	}
	done := func() {
		p.load()
		p.status.info(lang.X("users.unlocked_done", "Le compte de {{.Name}} est déverrouillé.", data))
	}
	if perm.NeedsCode {
		p.confirm(adminAction{
			title:       lang.X("users.unlock_admin_title", "Déverrouiller un administrateur ?"),
			message:     lang.X("users.unlock_admin_text", "Vous allez déverrouiller le compte de {{.Name}} ({{.Email}}), un administrateur, avant la fin de ses 15 minutes. Faites-le seulement si vous savez que c'est bien cette personne qui s'est trompée.", data),
			confirmText: lang.X("users.unlock", "Déverrouiller"), askCode: p.askCode(perm), act: act,
			closed: func(ok bool) {
				if ok {
					done()
				}
			},
		})
		return
	}
	if err := act(p.u.handle, ""); err != nil {
		p.status.error(ErrorText(err))
		return
	}
	done()
}

func (p *usersPage) confirmTempPassword() {
	user := p.selected
	if user == nil || p.perm == nil || p.tempPassword.Disabled() {
		return
	}
	p.u.idle.touch()
	target, perm := *user, p.perm.TempPassword
	msg := lang.X("users.temp_text", "Un nouveau mot de passe temporaire sera créé pour {{.Name}} ({{.Email}}). Son mot de passe actuel ne fonctionnera plus.\n\nÀ sa prochaine connexion, la personne devra choisir un nouveau mot de passe. Sa connexion multi-facteurs (AMF) ne change pas.",
		map[string]any{"Name": target.Name, "Email": target.Email})
	var pw string
	p.confirm(adminAction{
		title: lang.X("users.temp_title", "Donner un mot de passe temporaire ?"), message: msg,
		confirmText: lang.X("users.temp_confirm", "Créer le mot de passe"),
		askCode:     p.askCode(perm), slow: true,
		act: func(h *apetitspas.Handle, code string) error {
			var err error
			pw, err = p.u.api.SetTemporaryPassword(context.Background(), h, target.Email, code)
			return err
		},
		closed: func(done bool) {
			if !done {
				return
			}
			p.load()
			p.status.info(lang.X("users.temp_done", "{{.Name}} a un nouveau mot de passe temporaire.", map[string]any{"Name": target.Name}))
			p.showPassword(target.Name, target.Email, pw)
		},
	})
}

// confirmRole asks before changing the selected account's role to the one
// just chosen; Annuler puts the choice back.
func (p *usersPage) confirmRole() {
	user := p.selected
	i := p.role.SelectedIndex()
	if user == nil || p.perm == nil || p.role.Disabled() || i < 0 || i >= len(newAccountRoles) || newAccountRoles[i] == user.Role {
		return
	}
	p.u.idle.touch()
	target, role, perm := *user, newAccountRoles[i], p.perm.Role
	data := map[string]any{"Name": target.Name, "Email": target.Email, "From": roleText(target.Role), "To": roleText(role)}
	lines := []string{lang.X("users.role_text", "Le rôle de {{.Name}} ({{.Email}}) passera de «\u00a0{{.From}}\u00a0» à «\u00a0{{.To}}\u00a0».", data)}
	switch {
	case role == apetitspas.RoleAdmin:
		lines = append(lines, lang.X("users.role_to_admin", "Un administrateur peut gérer tous les comptes, réinitialiser l'AMF des autres et changer les réglages de sécurité. Donnez ce rôle seulement à une personne de confiance."))
	case target.Role == apetitspas.RoleAdmin:
		lines = append(lines, lang.X("users.role_from_admin", "Cette personne ne pourra plus gérer les comptes ni les réglages. Il doit toujours rester au moins un administrateur actif."))
	}
	if role.IsStaff() && target.MFA == apetitspas.MFAOff {
		lines = append(lines, lang.X("users.role_staff_mfa", "Si l'AMF est imposée au personnel, cette personne devra la configurer à sa prochaine connexion."))
	}
	p.confirm(adminAction{
		title:       lang.X("users.role_title", "Changer le rôle ?"),
		message:     strings.Join(lines, "\n\n"),
		confirmText: lang.X("users.role_confirm", "Changer le rôle"), askCode: p.askCode(perm),
		act: func(h *apetitspas.Handle, code string) error {
			return p.u.api.SetRole(context.Background(), h, target.Email, role, code)
		},
		closed: func(done bool) {
			if !done {
				p.showActions() // the select shows the stored role again
				return
			}
			p.load()
			p.status.info(lang.X("users.role_done", "{{.Name}} a maintenant le rôle «\u00a0{{.Role}}\u00a0».", map[string]any{"Name": target.Name, "Role": roleText(role)}))
		},
	})
}

// confirmReseal explains what "Vérifier et rétablir…" does to an account
// changed outside the application, asks for the administrator's code,
// then shows the temporary password once.
func (p *usersPage) confirmReseal() {
	user := p.selected
	if user == nil || p.perm == nil || p.reseal.Disabled() || !p.reseal.Visible() {
		return
	}
	p.u.idle.touch()
	target, perm := *user, p.perm.Reseal
	state := lang.X("users.reseal_enabled", "actif")
	if target.Disabled {
		state = lang.X("users.reseal_disabled", "désactivé")
	}
	data := map[string]any{"Name": target.Name, "Email": target.Email, "Role": roleText(target.Role), "MFA": mfaText(target.MFA), "State": state}
	lines := []string{
		lang.X("users.reseal_text", "Le compte de {{.Name}} ({{.Email}}) a été modifié en dehors d'À petits pas, directement dans le fichier de la base de données. Vérifiez ce qu'il contient maintenant :", data),
		lang.X("users.reseal_state", "• Rôle : {{.Role}}\n• Connexion multi-facteurs (AMF) : {{.MFA}}\n• Compte : {{.State}}", data),
		lang.X("users.reseal_role", "Si ce rôle n'est pas le bon, corrigez-le juste après avec le choix «\u00a0Rôle\u00a0»."),
	}
	if target.MFA == apetitspas.MFAOff {
		lines = append(lines, lang.X("users.reseal_effects_off", "En rétablissant ce compte, un mot de passe temporaire sera créé et affiché une seule fois. La personne choisira son propre mot de passe à sa prochaine connexion."))
	} else {
		lines = append(lines, lang.X("users.reseal_effects", "En rétablissant ce compte, sa connexion multi-facteurs sera réinitialisée (la personne scannera un nouveau code QR à sa prochaine connexion) et un mot de passe temporaire sera créé et affiché une seule fois."))
	}
	var pw string
	p.confirm(adminAction{
		title:       lang.X("users.reseal_title", "Vérifier et rétablir ce compte ?"),
		message:     strings.Join(lines, "\n\n"),
		confirmText: lang.X("users.reseal_confirm", "Rétablir le compte"), askCode: p.askCode(perm), slow: true,
		act: func(h *apetitspas.Handle, code string) error {
			var err error
			pw, err = p.u.api.Reseal(context.Background(), h, target.Email, code)
			return err
		},
		closed: func(done bool) {
			if !done {
				return
			}
			p.load()
			p.status.info(lang.X("users.reseal_done", "Le compte de {{.Name}} est rétabli.", map[string]any{"Name": target.Name}))
			p.showPassword(target.Name, target.Email, pw)
			p.u.checkIntegrity()
		},
	})
}

func (p *usersPage) showPassword(name, email, pw string) {
	p.password = newTempPasswordDialog(p.u, name, email, pw, func() { p.password = nil })
}
