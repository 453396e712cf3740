package screens

import (
	"context"
	"runtime"
	"strings"
	"time"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/lang"
	"fyne.io/fyne/v2/theme"
	"fyne.io/fyne/v2/widget"

	apetitspas "github.com/apetitspas/apetitspas/app"
)

// homePage is Accueil: a greeting and the person's own security state at
// a glance (app.Overview), with, for administrators, what waits for them.
type homePage struct {
	widget.BaseWidget
	u       *UI
	content fyne.CanvasObject

	hello *widget.Label
	// mfa says whether the person's multi-factor sign-in is on (since
	// when) or still to set up (before when); openAccount leads to Mon
	// compte when it is off.
	mfa         *wrapLabel
	mfaIcon     *widget.Icon
	openAccount *button
	// Administrators only: staff still to set up the AMF, break-glass
	// resets and the tamper warning waiting (the banners above).
	staff      *wrapLabel
	breakGlass *wrapLabel
	tamper     *wrapLabel
	// recoveries has a warning line per recovery code another
	// administrator used since this one's previous sign-in; backup
	// reminds of a backup when the service says one is due.
	recoveries *fyne.Container
	backup     *wrapLabel
	// staffAction opens Utilisateurs on the staff still to set up the AMF
	// (« Voir les 2 personnes à configurer »), backupAction the backup
	// (« Faire une sauvegarde »): shown with their warnings.
	staffAction, backupAction *button
	// protection says, in its first sentences, what the rules cannot stop
	// here (no service, or the OS account is the computer's
	// administrator), protectionDetails opens the whole text; hidden
	// otherwise.
	protection        *wrapLabel
	protectionDetails *button
	protectionText    string
	// serverClock says this computer's clock is off the data server's
	// (PostgreSQL, over app.MaxServerClockSkew); hidden otherwise.
	serverClock *wrapLabel
	// report opens « Rapport AMF » (the permission table's
	// CanReadMFAReport: administrators); nil for others.
	report   *button
	overview apetitspas.Overview
}

func buildHomePage(u *UI) fyne.CanvasObject { return newHomePage(u) }

func newHomePage(u *UI) *homePage {
	p := &homePage{u: u}
	p.ExtendBaseWidget(p)
	user := u.handle.User()
	p.hello = widget.NewLabelWithStyle(lang.X("home.hello", "Bonjour, {{.Name}} !", map[string]any{"Name": user.Name}),
		fyne.TextAlignLeading, fyne.TextStyle{Bold: true})
	p.hello.Wrapping = fyne.TextWrapWord
	where := widget.NewLabel(u.daycare)
	if u.daycare == "" {
		where.Hide()
	}
	p.mfa = wrapped("")
	p.mfaIcon = widget.NewIcon(theme.InfoIcon())
	p.openAccount = newButton(lang.X("home.open_account", "Ouvrir Mon compte"), theme.AccountIcon(), func() {
		if u.shell != nil {
			u.shell.show(pageAccount)
		}
	})
	p.openAccount.Hide()
	p.staff, p.breakGlass, p.tamper = wrapped(""), wrapped(""), wrapped("")
	p.breakGlass.Importance, p.tamper.Importance = widget.WarningImportance, widget.DangerImportance
	p.breakGlass.Hide()
	p.tamper.Hide()
	p.recoveries = container.NewVBox()
	p.backup = wrapped("")
	p.backup.Importance = widget.WarningImportance
	p.backup.Hide()
	p.staffAction = newButton("", theme.AccountIcon(), p.openStaffToSetUp)
	p.staffAction.Hide()
	p.backupAction = newButton(lang.X("home.backup_now", "Faire une sauvegarde"), theme.DocumentSaveIcon(), p.backupNow)
	p.backupAction.Hide()
	p.serverClock = wrapped("")
	p.serverClock.Importance = widget.WarningImportance
	p.serverClock.Hide()

	o, err := u.api.Overview(context.Background(), u.handle)
	if err != nil {
		p.mfa.SetText(ErrorText(err))
		p.mfa.Importance = widget.DangerImportance
	} else {
		p.show(o)
	}

	cards := []fyne.CanvasObject{p.hello, where,
		sectionCard(lang.X("account.mfa", "Connexion multi-facteurs (AMF)"),
			container.NewBorder(nil, nil, container.NewCenter(p.mfaIcon), nil, p.mfa),
			container.NewHBox(p.openAccount))}
	if user.Role == apetitspas.RoleAdmin {
		p.showRecoveries()
		if err == nil {
			p.showBackup(o)
		}
		p.protection = wrapped("")
		p.protection.Importance = widget.WarningImportance
		p.protectionDetails = newButton(lang.X("banner.details", "Détails"), theme.InfoIcon(), func() {
			showBannerDetails(u, lang.X("home.protection_title", "Ce que cet ordinateur ne protège pas"), p.protectionText)
		})
		p.showProtection(err == nil && o.Embedded, u.OSAdmin)
		cards = append(cards, sectionCard(lang.X("home.admin", "Administration"),
			withAction(p.staff, p.staffAction), p.breakGlass, p.tamper, p.serverClock, p.recoveries,
			withAction(p.backup, p.backupAction), withAction(p.protection, p.protectionDetails)))
	}
	if apetitspas.CanReadMFAReport(user).Allowed {
		p.report = newButton(lang.X("report.home_button", "Rapport AMF"), theme.DocumentPrintIcon(), func() {
			u.idle.touch()
			u.mfaReport = showMFAReport(u)
		})
		cards = append(cards, sectionCard(lang.X("report.title", "Rapport AMF"),
			wrapped(lang.X("report.home_note", "L'état de l'AMF du personnel, pour le conseil d'administration : à imprimer ou à ouvrir dans un tableur.")),
			container.NewHBox(p.report)))
	}
	cards = append(cards, wrapped(lang.X("home.tip", "Ouvrez le menu (icône en haut à gauche) pour naviguer. Votre nom, en bas du menu, mène à Mon compte, où vous pouvez changer votre mot de passe et sécuriser votre compte.")))
	p.content = container.NewPadded(container.NewVBox(cards...))
	return p
}

// CreateRenderer shows the page's content.
func (p *homePage) CreateRenderer() fyne.WidgetRenderer {
	return widget.NewSimpleRenderer(p.content)
}

// show puts the overview into words.
func (p *homePage) show(o apetitspas.Overview) {
	p.overview = o
	switch {
	case o.MFA == apetitspas.MFAOn && !o.MFASince.IsZero():
		p.mfa.SetText(lang.X("home.mfa_on_since", "Activée depuis le {{.Date}}. Un code de votre téléphone vous est demandé à chaque connexion.",
			map[string]any{"Date": formatDate(o.MFASince)}))
		p.mfaIcon.SetResource(theme.ConfirmIcon())
	case o.MFA == apetitspas.MFAOn:
		p.mfa.SetText(lang.X("home.mfa_on", "Activée. Un code de votre téléphone vous est demandé à chaque connexion."))
		p.mfaIcon.SetResource(theme.ConfirmIcon())
	case o.MFA == apetitspas.MFAPending && !o.MFADue.IsZero():
		p.mfa.SetText(lang.X("home.mfa_due", "À configurer avant le {{.Date}}. À votre prochaine connexion, un code QR à scanner avec votre téléphone s'affichera.",
			map[string]any{"Date": formatDateTime(o.MFADue)}))
		p.mfa.Importance = widget.WarningImportance
		p.mfaIcon.SetResource(theme.WarningIcon())
	case o.MFA == apetitspas.MFAPending:
		p.mfa.SetText(lang.X("home.mfa_pending", "À configurer : à votre prochaine connexion, un code QR à scanner avec votre téléphone s'affichera."))
		p.mfa.Importance = widget.WarningImportance
		p.mfaIcon.SetResource(theme.WarningIcon())
	default:
		p.mfa.SetText(lang.X("home.mfa_off", "Désactivée. Protégez votre compte en l'activant dans Mon compte : un code de votre téléphone s'ajoute à votre mot de passe."))
		p.openAccount.Show()
	}
	if p.u.handle.User().Role != apetitspas.RoleAdmin {
		p.staff.Hide()
		return
	}
	switch {
	case !o.StaffPolicy:
		p.staff.SetText(lang.X("home.staff_not_enforced", "L'AMF n'est pas imposée au personnel. Vous pouvez l'imposer dans Sécurité."))
	case o.StaffToSetUp == 0:
		p.staff.SetText(lang.X("home.staff_done", "Tout le personnel a configuré l'AMF."))
	case o.StaffToSetUp == 1:
		p.staff.SetText(lang.X("home.staff_one", "1 membre du personnel doit encore configurer l'AMF (menu Utilisateurs)."))
	default:
		p.staff.SetText(lang.X("home.staff_other", "{{.N}} membres du personnel doivent encore configurer l'AMF (menu Utilisateurs).",
			map[string]any{"N": o.StaffToSetUp}))
	}
	p.staff.Importance = widget.MediumImportance
	p.staffAction.Hide()
	if o.StaffPolicy && o.StaffToSetUp > 0 {
		p.staff.Importance = widget.WarningImportance
		see := lang.X("home.staff_see_other", "Voir les {{.N}} personnes à configurer", map[string]any{"N": o.StaffToSetUp})
		if o.StaffToSetUp == 1 {
			see = lang.X("home.staff_see_one", "Voir la personne à configurer")
		}
		p.staffAction.SetText(see)
		p.staffAction.Show()
	}
	if o.BreakGlass > 0 {
		p.breakGlass.SetText(lang.X("home.break_glass", "Une réinitialisation d'urgence attend que vous en preniez connaissance (bandeau en haut de la fenêtre)."))
		p.breakGlass.Show()
	}
	p.showServerClock(o.ServerClockSkew)
}

// showServerClock tells administrators that this computer's clock is off
// the data server's (the service compares them: app.Overview).
func (p *homePage) showServerClock(skew time.Duration) {
	if skew == 0 {
		p.serverClock.Hide()
		return
	}
	data := map[string]any{"Duration": clockGap(skew)}
	if skew > 0 {
		p.serverClock.SetText(lang.X("home.server_clock_ahead", "L'heure de cet ordinateur diffère de celle du serveur de données de {{.Duration}} (cet ordinateur avance) : les codes AMF, les verrouillages et les heures du journal en dépendent. Faites régler l'heure de cet ordinateur et celle du serveur automatiquement (par Internet).", data))
	} else {
		p.serverClock.SetText(lang.X("home.server_clock_behind", "L'heure de cet ordinateur diffère de celle du serveur de données de {{.Duration}} (cet ordinateur retarde) : les codes AMF, les verrouillages et les heures du journal en dépendent. Faites régler l'heure de cet ordinateur et celle du serveur automatiquement (par Internet).", data))
	}
	p.serverClock.Show()
}

// clockGap is how far two clocks are apart in words, in the unit a person
// would use: « 45 secondes », « 2 minutes », « 3 heures », « 8 jours ».
// Past 30 s every unit is plural.
func clockGap(d time.Duration) string {
	d = d.Abs()
	switch {
	case d < 90*time.Second:
		return lang.X("duration.seconds", "{{.N}}\u00a0secondes", map[string]any{"N": int64(d.Round(time.Second) / time.Second)})
	case d < 90*time.Minute:
		return lang.X("duration.minutes", "{{.N}}\u00a0minutes", map[string]any{"N": int64(d.Round(time.Minute) / time.Minute)})
	case d < 36*time.Hour:
		return lang.X("duration.hours", "{{.N}}\u00a0heures", map[string]any{"N": int64(d.Round(time.Hour) / time.Hour)})
	}
	return daysText(int(d.Round(24*time.Hour) / (24 * time.Hour)))
}

// showTamper says whether the tamper warning waits (the integrity check
// runs in the background after the sign-in).
func (p *homePage) showTamper(waiting bool) {
	if !waiting {
		p.tamper.Hide()
		return
	}
	p.tamper.SetText(lang.X("home.tamper", "Un avertissement de sécurité attend votre vérification (bandeau en haut de la fenêtre)."))
	p.tamper.Show()
}

// showRecoveries tells of the recovery codes other administrators used
// since this one's previous sign-in.
func (p *homePage) showRecoveries() {
	events, err := p.u.api.RecoveryNotices(context.Background(), p.u.handle)
	if err != nil {
		return
	}
	for _, e := range events {
		who := e.ActorName
		if who == "" {
			who = e.Actor
		}
		data := map[string]any{"Name": who, "When": formatDateTime(e.Time)}
		text := lang.X("home.recovery_used", "{{.Name}} a utilisé un code de récupération (téléphone perdu) le {{.When}}. Si ce n'était pas cette personne, vérifiez son compte dans Utilisateurs et le Journal.", data)
		switch e.Field(apetitspas.FieldVia) {
		case apetitspas.ViaKeyRestored:
			text = lang.X("home.recovery_key", "{{.Name}} a utilisé un code de récupération pour retrouver la clé de sécurité le {{.When}}. Si ce n'était pas cette personne, vérifiez le Journal.", data)
		case apetitspas.ViaPhoneChange:
			text = lang.X("home.recovery_phone_change", "{{.Name}} a utilisé un code de récupération pour changer de téléphone le {{.When}}. Si ce n'était pas cette personne, vérifiez son compte dans Utilisateurs et le Journal.", data)
		}
		l := wrapped(text)
		l.Importance = widget.WarningImportance
		p.recoveries.Add(l)
	}
}

// showProtection tells administrators what the rules cannot stop on this
// computer: no service holds the data (the window runs them in its own OS
// account), or the OS account running the window is the computer's
// administrator (it can stop the service and read its key).
func (p *homePage) showProtection(embedded, osAdmin bool) {
	var lines []string
	if embedded {
		lines = append(lines, lang.X("home.embedded", "Le service À petits pas n'est pas installé sur cet ordinateur : les règles de sécurité ne sont pas plus solides que ce compte de l'ordinateur. Quiconque l'utilise peut lire la clé et modifier la base de données. Demandez à votre technicien d'installer le service."))
	}
	if osAdmin && runtime.GOOS == "windows" {
		lines = append(lines, lang.X("home.os_admin_windows", "Ce compte Windows est administrateur de l'ordinateur : il peut arrêter le service À petits pas et lire sa clé. Pour le bureau, utilisez un compte standard ; le technicien garde le mot de passe administrateur."))
	} else if osAdmin {
		lines = append(lines, lang.X("home.os_admin", "Ce compte de l'ordinateur en est administrateur : il peut arrêter le service À petits pas et lire sa clé. Pour le bureau, utilisez un compte standard ; le technicien garde le mot de passe administrateur."))
	}
	p.protectionText = strings.Join(lines, "\n\n")
	short := make([]string, len(lines))
	for i, l := range lines {
		short[i] = firstSentence(l)
	}
	p.protection.SetText(strings.Join(short, " "))
	p.protection.Hidden = len(lines) == 0
	p.protectionDetails.Hidden = len(lines) == 0
}

// firstSentence is text up to the end of its first sentence.
func firstSentence(text string) string {
	if i := strings.Index(text, ". "); i >= 0 {
		return text[:i+1]
	}
	return text
}

// withAction puts a warning's button at its right, aligned on its first
// line; a hidden button takes no room.
func withAction(line fyne.CanvasObject, action *button) fyne.CanvasObject {
	return container.NewBorder(nil, nil, nil, container.NewVBox(action), line)
}

// openStaffToSetUp opens Utilisateurs on the staff tab, showing only the
// people still to set up the AMF (as the service lists them), with a
// filter that says so and can be cleared.
func (p *homePage) openStaffToSetUp() {
	sh := p.u.shell
	if sh == nil {
		return
	}
	sh.show(pageUsers)
	if users, ok := sh.page.Objects[0].(*usersPage); ok {
		users.showToSetUp()
	}
}

// backupNow opens Sécurité and starts a backup (its file dialog).
func (p *homePage) backupNow() {
	sh := p.u.shell
	if sh == nil {
		return
	}
	sh.show(pageSecurity)
	if sec, ok := sh.page.Objects[0].(*securityPage); ok {
		sec.backups.chooseFile()
	}
}

// showBackup reminds of a backup when the service says one is due
// (Overview.BackupDue: none yet, or the last is older than
// app.BackupReminder).
func (p *homePage) showBackup(o apetitspas.Overview) {
	if !o.BackupDue {
		return
	}
	last := o.LastBackup
	when := lang.X("home.backup_never", "jamais")
	if !last.IsZero() {
		when = lang.X("home.backup_on", "le {{.Date}}", map[string]any{"Date": formatDate(last)})
	}
	p.backup.SetText(lang.X("home.backup_old", "Dernière sauvegarde : {{.When}} — faites-en une (Sécurité → Sauvegardes).", map[string]any{"When": when}))
	p.backup.Show()
	p.backupAction.Show()
}
