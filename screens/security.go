package screens

import (
	"context"
	"strconv"
	"strings"
	"time"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/lang"
	"fyne.io/fyne/v2/layout"
	"fyne.io/fyne/v2/theme"
	"fyne.io/fyne/v2/widget"

	apetitspas "github.com/apetitspas/apetitspas/app"
)

// securityPage is "Sécurité": the staff multi-factor policy (with its
// grace period) and the idle lock delay.
type securityPage struct {
	widget.BaseWidget
	u       *UI
	content fyne.CanvasObject

	// enforce is "Imposer l'AMF à tous les employés"; it shows the stored
	// policy and asks before turning it on.
	enforce      *slideSwitch
	enforceLabel *widget.Label
	enforceHelp  *widget.Label
	// state tells the policy in force and, during the grace period, until
	// when staff may still put off the set-up.
	state        *widget.Label
	graceEntry   *widget.Entry
	saveGraceBtn *button
	// policyStatus is the line under the policy (success or refusal).
	policyStatus *relaidStatus
	// confirming is the confirmation while it is shown.
	confirming *adminConfirm

	body *fyne.Container
	// rows are the actions with their message beside them (besideRow).
	rows []*fyne.Container

	// backups is Sécurité → Sauvegardes.
	backups *backupsCard
	// incidents is Sécurité → Registre des incidents (Loi 25).
	incidents *incidentsCard
	// retention is Sécurité → Conservation des renseignements.
	retention *retentionCard

	idleMinutes *widget.Entry
	saveIdleBtn *button
	idleStatus  *relaidStatus

	// remember is « Se souvenir du courriel sur cet ordinateur » (saved
	// at once, journaled); rememberStatus says so beside it, on a line
	// kept for it (nothing moves when it appears).
	remember       *slideSwitch
	rememberLabel  *widget.Label
	rememberStatus *widget.Label
}

// buildSecurityPage is the page constructor of the shell.
func buildSecurityPage(u *UI) fyne.CanvasObject { return newSecurityPage(u) }

func newSecurityPage(u *UI) *securityPage {
	p := &securityPage{u: u}
	p.policyStatus = newRelaidStatus(p.relayout)
	p.idleStatus = newRelaidStatus(p.relayout)
	p.ExtendBaseWidget(p)

	p.enforce = newSlideSwitch(p.enforceToggled)
	p.enforceLabel = widget.NewLabelWithStyle(lang.X("security.enforce", "Imposer l'AMF à tous les employés (employés et administrateurs)"),
		fyne.TextAlignLeading, fyne.TextStyle{Bold: true})
	p.enforceLabel.Wrapping = fyne.TextWrapWord
	p.enforceHelp = widget.NewLabel(lang.X("security.enforce_help", "Quand cette option est activée, chaque employé et chaque administrateur doit utiliser la connexion multi-facteurs (AMF) : ceux qui ne l'ont pas encore scanneront un code QR avec leur téléphone à leur prochaine connexion, ou à la fin du délai de grâce. Les parents ne sont jamais touchés : pour eux, l'AMF reste un choix personnel. Désactiver l'option ne désactive l'AMF de personne."))
	p.enforceHelp.Wrapping = fyne.TextWrapWord
	p.state = widget.NewLabel("")
	p.state.Wrapping = fyne.TextWrapWord
	p.state.Importance = widget.HighImportance

	p.graceEntry = u.newEntry(false)
	p.graceEntry.SetPlaceHolder("0")
	p.graceEntry.OnSubmitted = func(string) { p.saveGrace() }
	p.saveGraceBtn = newButton(lang.X("security.save_grace", "Enregistrer le délai"), nil, p.saveGrace)
	graceHelp := widget.NewLabel(lang.X("security.grace_help", "0 = à la prochaine connexion. Jusqu'à 90 jours, pendant lesquels le personnel peut reporter la configuration. Le délai compte à partir du moment où l'AMF est imposée."))
	graceHelp.Wrapping = fyne.TextWrapWord
	graceRow := container.NewHBox(widget.NewLabel(lang.X("security.grace", "Délai de grâce (jours)")),
		container.New(&fixedWidth{width: 90}, p.graceEntry), p.saveGraceBtn)

	policy := sectionCard(lang.X("security.policy", "Connexion multi-facteurs (AMF) du personnel"), container.NewVBox(
		container.NewBorder(nil, nil, p.enforce, nil, p.enforceLabel),
		p.enforceHelp,
		p.state,
		// What was saved (or refused) is said beside the button.
		p.row(graceRow, p.policyStatus.message), graceHelp,
	))

	p.idleMinutes = u.newEntry(false)
	p.idleMinutes.OnSubmitted = func(string) { p.saveIdle() }
	p.saveIdleBtn = newButton(lang.X("security.save_idle", "Enregistrer"), nil, p.saveIdle)
	idleHelp := widget.NewLabel(lang.X("security.idle_help", "Après ce nombre de minutes sans activité, la session se verrouille et l'écran de connexion revient, pour qu'une personne de passage ne puisse pas utiliser le compte. De 1 à 240 minutes."))
	idleHelp.Wrapping = fyne.TextWrapWord
	idle := sectionCard(lang.X("security.idle", "Verrouillage après inactivité"), container.NewVBox(
		idleHelp,
		p.row(container.NewHBox(widget.NewLabel(lang.X("security.idle_minutes", "Minutes sans activité")),
			container.New(&fixedWidth{width: 90}, p.idleMinutes), p.saveIdleBtn), p.idleStatus.message),
	))

	p.remember = newSlideSwitch(p.rememberToggled)
	p.rememberLabel = newSubsection(lang.X("security.remember_email", "Se souvenir du courriel sur cet ordinateur"))
	p.rememberStatus = widget.NewLabel("")
	p.rememberStatus.Truncation = fyne.TextTruncateEllipsis
	rememberHelp := wrapped(lang.X("security.remember_email_help", "L'écran de connexion propose alors le dernier courriel utilisé, seulement au même compte de l'ordinateur et seulement si personne d'autre ne s'est connecté ici depuis. Laissez désactivé sur un ordinateur que plusieurs personnes partagent sous un même compte."))
	signIn := sectionCard(lang.X("security.sign_in", "Écran de connexion"),
		container.NewBorder(nil, nil, container.NewCenter(p.remember), nil,
			container.New(layout.NewCustomPaddedVBoxLayout(-theme.InnerPadding()), p.rememberLabel, p.rememberStatus)),
		rememberHelp)

	p.backups = newBackupsCard(u, p.relayout)
	p.incidents = newIncidentsCard(u)
	p.retention = newRetentionCard(u, p.relayout)
	p.body = container.NewVBox(policy, idle, signIn, p.backups.card, p.incidents.card, p.retention.card, layout.NewSpacer())
	// A column of readable width, centred; it scrolls when the window is
	// low, and never asks the window to grow.
	p.content = newPageScroll(container.NewPadded(container.New(&readableColumn{width: securityWidth}, p.body)), false)
	p.loadPolicy()
	p.loadIdle()
	return p
}

// CreateRenderer draws the page.
func (p *securityPage) CreateRenderer() fyne.WidgetRenderer {
	return widget.NewSimpleRenderer(p.content)
}

// relayout lays the page out again after a line appeared or disappeared.
func (p *securityPage) relayout() {
	for _, r := range p.rows {
		r.Refresh()
	}
	if p.body != nil {
		p.body.Refresh()
	}
}

// row is besideRow, laid out again with the page.
func (p *securityPage) row(action, message fyne.CanvasObject) *fyne.Container {
	r := besideRow(action, message)
	p.rows = append(p.rows, r)
	return r
}

// loadPolicy shows the stored policy; the switch follows it without
// calling its callback.
func (p *securityPage) loadPolicy() {
	pol, err := p.u.api.StaffPolicy(context.Background(), p.u.handle)
	if err != nil {
		p.policyStatus.error(ErrorText(err))
		return
	}
	p.enforce.setChecked(pol.EnforceStaff)
	p.remember.setChecked(pol.RememberEmail)
	p.graceEntry.SetText(strconv.Itoa(pol.GraceDays))
	enable(pol.EnforceStaff, p.saveGraceBtn)
	p.state.SetText(policyText(pol, p.u.api.Now()))
}

// rememberToggled saves « Se souvenir du courriel » at once and says so
// under the switch (or why not, and the switch goes back).
func (p *securityPage) rememberToggled(on bool) {
	p.u.idle.touch()
	if err := p.u.api.SetRememberEmail(context.Background(), p.u.handle, on); err != nil {
		p.remember.setChecked(!on)
		p.rememberStatus.Importance = widget.DangerImportance
		p.rememberStatus.SetText(ErrorText(err))
		return
	}
	if on {
		p.u.keepEmail(p.u.handle.User().Email) // she signed in last here
	} else {
		p.u.forgetEmail()
	}
	p.rememberStatus.Importance = widget.SuccessImportance
	if on {
		p.rememberStatus.SetText(lang.X("security.remember_email_on", "Enregistré : le courriel sera proposé sur cet ordinateur."))
	} else {
		p.rememberStatus.SetText(lang.X("security.remember_email_off", "Enregistré : le courriel ne sera plus proposé."))
	}
}

// policyText tells the policy in force in one or two sentences.
func policyText(pol apetitspas.Policy, now time.Time) string {
	if !pol.EnforceStaff {
		return lang.X("security.state_off", "En ce moment, l'AMF n'est pas imposée : chaque personne choisit de l'activer ou non dans Mon compte.")
	}
	if pol.Since.IsZero() {
		return lang.X("security.state_on_plain", "En ce moment, l'AMF est imposée au personnel : ceux qui ne l'ont pas encore la configurent à leur prochaine connexion.")
	}
	data := map[string]any{"Since": formatDateTime(pol.Since)}
	end := pol.GraceEnds()
	switch {
	case end.IsZero():
		return lang.X("security.state_on", "En ce moment, l'AMF est imposée au personnel depuis le {{.Since}} : ceux qui ne l'ont pas encore la configurent à leur prochaine connexion.", data)
	case now.Before(end):
		data["Until"] = formatDateTime(end)
		return lang.X("security.state_grace", "En ce moment, l'AMF est imposée au personnel depuis le {{.Since}}. Délai de grâce : jusqu'au {{.Until}} ; d'ici là, le personnel peut reporter la configuration.", data)
	default:
		data["Until"] = formatDateTime(end)
		return lang.X("security.state_grace_over", "En ce moment, l'AMF est imposée au personnel depuis le {{.Since}}. Le délai de grâce a pris fin le {{.Until}} : la configuration est obligatoire à la connexion.", data)
	}
}

func (p *securityPage) loadIdle() {
	d, err := p.u.api.IdleTimeout(context.Background())
	if err != nil {
		p.idleStatus.error(ErrorText(err))
	}
	p.idleMinutes.SetText(strconv.Itoa(int(d.Minutes())))
}

// typedNumber reads a whole number typed in e; what is not a number is
// -1, which the services refuse like any value out of their range.
func typedNumber(e *widget.Entry) int {
	n, err := strconv.Atoi(strings.TrimSpace(e.Text))
	if err != nil {
		return -1
	}
	return n
}

// graceDays reads the grace period typed, or says what is wrong (the
// rule is the service's: the confirmation comes before the service is
// called).
func (p *securityPage) graceDays() (int, bool) {
	n := typedNumber(p.graceEntry)
	if err := apetitspas.CheckGraceDays(n); err != nil {
		p.policyStatus.error(ErrorText(err))
		return 0, false
	}
	return n, true
}

// enforceToggled is the administrator sliding the switch: on asks first
// (every staff account without AMF will have to set it up); off is done
// at once, since it turns nobody's AMF off, unless the administrator's
// code is needed. Both are strong actions.
func (p *securityPage) enforceToggled(on bool) {
	p.u.idle.touch()
	if !on {
		p.relax()
		return
	}
	days, ok := p.graceDays()
	if !ok {
		p.enforce.setChecked(false)
		return
	}
	n, err := p.u.api.StaffToEnroll(context.Background(), p.u.handle)
	if err != nil {
		p.enforce.setChecked(false)
		p.policyStatus.error(ErrorText(err))
		return
	}
	data := map[string]any{"Count": n, "Days": days,
		"Until": formatDateTime(p.u.api.Now().AddDate(0, 0, days))}
	var lines []string
	if days == 0 {
		lines = append(lines, lang.X("security.confirm_now", "Tous les employés et administrateurs devront utiliser la connexion multi-facteurs (AMF). Comptes du personnel qui devront la configurer : {{.Count}}. Ces personnes scanneront un code QR avec leur téléphone dès leur prochaine connexion.", data))
	} else {
		lines = append(lines, lang.X("security.confirm_grace", "Tous les employés et administrateurs devront utiliser la connexion multi-facteurs (AMF). Comptes du personnel qui devront la configurer : {{.Count}}. Pendant {{.Days}} jours (jusqu'au {{.Until}}), ces personnes pourront reporter la configuration ; ensuite, elle sera obligatoire à la connexion.", data))
	}
	lines = append(lines, lang.X("security.confirm_parents", "Les parents ne sont pas touchés, et les comptes qui ont déjà l'AMF ne changent pas."))
	if only, err := p.u.api.OnlyEnabledAdmin(context.Background(), p.u.handle); err == nil && only {
		lines = append(lines, onlyAdminPolicyAdvice(p.u.handle.User().MFA, p.u.handle.RecoveryCodesLeft()))
	}
	p.confirm(adminAction{
		title:       lang.X("security.confirm_title", "Imposer l'AMF au personnel ?"),
		message:     strings.Join(lines, "\n\n"),
		confirmText: lang.X("security.confirm", "Imposer l'AMF"),
		askCode:     p.u.codeAsked(),
		act: func(h *apetitspas.Handle, code string) error {
			return p.u.api.SetStaffPolicy(context.Background(), h, true, days, code)
		},
		closed: func(done bool) {
			if !done {
				p.enforce.setChecked(false) // back off, without firing again
				return
			}
			p.loadPolicy()
			p.policyStatus.info(lang.X("security.enforced", "L'AMF est maintenant imposée à tous les employés et administrateurs."))
		},
	})
}

// confirm shows an adminConfirm and keeps it in p.Confirm while shown.
func (p *securityPage) confirm(a adminAction) {
	closed := a.closed
	a.closed = func(done bool) {
		p.confirming = nil
		closed(done)
	}
	p.confirming = newAdminConfirm(p.u, a)
}

// strong does a policy change at once when no code is needed, and
// otherwise asks for the administrator's code in a confirmation first.
// A refusal is said on the policy's status line; undo puts the switch back.
func (p *securityPage) strong(a adminAction, done func(), undo func()) {
	a.closed = func(ok bool) {
		if ok {
			done()
		} else {
			undo()
		}
	}
	if !p.u.codeAsked() {
		err := a.act(p.u.handle, "")
		if apetitspas.ErrorReason(err) != apetitspas.ReasonAdminCodeRequired {
			if err != nil {
				undo()
				p.policyStatus.error(ErrorText(err))
				return
			}
			done()
			return
		}
	}
	a.askCode = true
	p.confirm(a)
}

func (p *securityPage) relax() {
	days := typedNumber(p.graceEntry)
	if apetitspas.CheckGraceDays(days) != nil {
		days = 0 // not stored when turning off
	}
	p.strong(adminAction{
		title:       lang.X("security.relax_title", "Ne plus imposer l'AMF ?"),
		message:     lang.X("security.relax_text", "Le personnel ne sera plus obligé d'utiliser la connexion multi-facteurs (AMF). Aucune AMF ne sera désactivée : les personnes qui l'ont déjà, ou qui doivent la configurer, la gardent."),
		confirmText: lang.X("security.relax_confirm", "Ne plus imposer"),
		act: func(h *apetitspas.Handle, code string) error {
			return p.u.api.SetStaffPolicy(context.Background(), h, false, days, code)
		},
	}, func() {
		p.loadPolicy()
		p.policyStatus.info(lang.X("security.relaxed", "L'AMF n'est plus imposée au personnel. Aucune AMF n'a été désactivée : les personnes qui l'ont déjà, ou qui doivent la configurer, la gardent."))
	}, func() {
		p.enforce.setChecked(true) // back on, without firing again
	})
}

func (p *securityPage) saveGrace() {
	if p.saveGraceBtn.Disabled() {
		return
	}
	p.u.idle.touch()
	days, ok := p.graceDays()
	if !ok {
		return
	}
	p.strong(adminAction{
		title:       lang.X("security.grace_title", "Changer le délai de grâce ?"),
		message:     lang.X("security.grace_text", "Le délai de grâce passera à {{.Days}} jours, comptés depuis le moment où l'AMF a été imposée. Un délai plus court s'applique tout de suite ; un délai plus long ne prolonge pas celui des personnes qui devaient déjà configurer l'AMF.", map[string]any{"Days": days}),
		confirmText: lang.X("security.save_grace", "Enregistrer le délai"),
		act: func(h *apetitspas.Handle, code string) error {
			return p.u.api.SetStaffPolicy(context.Background(), h, true, days, code)
		},
	}, func() {
		p.loadPolicy()
		p.policyStatus.info(lang.X("security.grace_saved", "Le délai de grâce est enregistré."))
	}, func() {})
}

func (p *securityPage) saveIdle() {
	p.u.idle.touch()
	n := typedNumber(p.idleMinutes)
	if err := p.u.api.SetIdleMinutes(context.Background(), p.u.handle, n); err != nil {
		p.idleStatus.error(ErrorText(err))
		return
	}
	p.u.idle.start() // the new delay counts from now, for this session too
	p.loadIdle()
	p.idleStatus.info(lang.X("security.idle_saved", "Enregistré : la session se verrouille après {{.Duration}} sans activité.", map[string]any{"Duration": minutesText(n)}))
}

// securityWidth is the widest the security page's column gets: lines of
// about 90 characters.
const securityWidth = 760

// readableColumn lays one object out centred, no wider than width.
type readableColumn struct{ width float32 }

func (c *readableColumn) Layout(objs []fyne.CanvasObject, size fyne.Size) {
	w := min(size.Width, c.width)
	for _, o := range objs {
		o.Resize(fyne.NewSize(w, size.Height))
		o.Move(fyne.NewPos((size.Width-w)/2, 0))
	}
}

func (c *readableColumn) MinSize(objs []fyne.CanvasObject) fyne.Size {
	var m fyne.Size
	for _, o := range objs {
		m = m.Max(o.MinSize())
	}
	return m
}

// onlyAdminPolicyAdvice tells the only administrator, about to impose the
// AMF, what a lost phone would mean for her: her recovery codes are still
// to come with her QR code, already in hand, or all used.
func onlyAdminPolicyAdvice(mfa apetitspas.MFAState, codesLeft int) string {
	switch {
	case mfa == apetitspas.MFAOn && codesLeft > 0:
		return lang.X("security.confirm_only_admin_codes", "Vous êtes le seul administrateur ; votre AMF est déjà activée. Si vous perdez votre téléphone, il vous faudra un de vos codes de récupération (il vous en reste {{.N}}) ou votre technicien. Créez un deuxième administrateur dans Utilisateurs : il pourra réinitialiser votre AMF.", map[string]any{"N": codesLeft})
	case mfa == apetitspas.MFAOn:
		return lang.X("security.confirm_only_admin_no_codes", "Vous êtes le seul administrateur et il ne vous reste aucun code de récupération : si vous perdez votre téléphone, seul votre technicien pourra vous aider. Faites une nouvelle série de codes dans Mon compte et créez un deuxième administrateur dans Utilisateurs.")
	}
	return lang.X("security.confirm_only_admin", "Vous êtes le seul administrateur : l'AMF s'applique aussi à vous. Si vous perdez votre téléphone, il vous faudra un de vos codes de récupération (affichés quand vous scannez le code QR) ou votre technicien. Créez un deuxième administrateur dans Utilisateurs : il pourra réinitialiser votre AMF.")
}
