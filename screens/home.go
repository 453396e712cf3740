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

// HomePage is Accueil: a greeting and the person's own security state at
// a glance (app.Overview), with, for administrators, what waits for them.
type HomePage struct {
	widget.BaseWidget
	u       *UI
	content fyne.CanvasObject

	Hello *widget.Label
	// MFA says whether the person's multi-factor sign-in is on (since
	// when) or still to set up (before when); OpenAccount leads to Mon
	// compte when it is off.
	MFA         *WrapLabel
	MFAIcon     *widget.Icon
	OpenAccount *Button
	// Administrators only: staff still to set up the AMF, break-glass
	// resets and the tamper warning waiting (the banners above).
	Staff      *WrapLabel
	BreakGlass *WrapLabel
	Tamper     *WrapLabel
	// Recoveries has a warning line per recovery code another
	// administrator used since this one's previous sign-in; Backup
	// reminds of a backup older than app.BackupReminder (or none).
	Recoveries *fyne.Container
	Backup     *WrapLabel
	// StaffAction opens Utilisateurs on the staff still to set up the AMF
	// (« Voir les 2 personnes à configurer »), BackupAction the backup
	// (« Faire une sauvegarde »): shown with their warnings.
	StaffAction, BackupAction *Button
	// Protection says, in its first sentences, what the rules cannot stop
	// here (no service, or the OS account is the computer's
	// administrator), ProtectionDetails opens the whole text; hidden
	// otherwise.
	Protection        *WrapLabel
	ProtectionDetails *Button
	protectionText    string
	// ServerClock says this computer's clock is off the data server's
	// (PostgreSQL, over app.MaxServerClockSkew); hidden otherwise.
	ServerClock *WrapLabel
	// Report opens « Rapport AMF » (the permission table's
	// CanReadMFAReport: administrators); nil for others.
	Report   *Button
	Overview apetitspas.Overview
}

func buildHomePage(u *UI) fyne.CanvasObject { return newHomePage(u) }

func newHomePage(u *UI) *HomePage {
	p := &HomePage{u: u}
	p.ExtendBaseWidget(p)
	user := u.handle.User()
	p.Hello = widget.NewLabelWithStyle(lang.X("home.hello", "Bonjour, {{.Name}} !", map[string]any{"Name": user.Name}),
		fyne.TextAlignLeading, fyne.TextStyle{Bold: true})
	p.Hello.Wrapping = fyne.TextWrapWord
	where := widget.NewLabel(u.daycare)
	if u.daycare == "" {
		where.Hide()
	}
	p.MFA = wrapped("")
	p.MFAIcon = widget.NewIcon(theme.InfoIcon())
	p.OpenAccount = newButton(lang.X("home.open_account", "Ouvrir Mon compte"), theme.AccountIcon(), func() {
		if u.Shell != nil {
			u.Shell.Show(PageAccount)
		}
	})
	p.OpenAccount.Hide()
	p.Staff, p.BreakGlass, p.Tamper = wrapped(""), wrapped(""), wrapped("")
	p.BreakGlass.Importance, p.Tamper.Importance = widget.WarningImportance, widget.DangerImportance
	p.BreakGlass.Hide()
	p.Tamper.Hide()
	p.Recoveries = container.NewVBox()
	p.Backup = wrapped("")
	p.Backup.Importance = widget.WarningImportance
	p.Backup.Hide()
	p.StaffAction = newButton("", theme.AccountIcon(), p.openStaffToSetUp)
	p.StaffAction.Hide()
	p.BackupAction = newButton(lang.X("home.backup_now", "Faire une sauvegarde"), theme.DocumentSaveIcon(), p.backupNow)
	p.BackupAction.Hide()
	p.ServerClock = wrapped("")
	p.ServerClock.Importance = widget.WarningImportance
	p.ServerClock.Hide()

	o, err := u.api.Overview(context.Background(), u.handle)
	if err != nil {
		p.MFA.SetText(ErrorText(err))
		p.MFA.Importance = widget.DangerImportance
	} else {
		p.show(o)
	}

	cards := []fyne.CanvasObject{p.Hello, where,
		sectionCard(lang.X("account.mfa", "Connexion multi-facteurs (AMF)"),
			container.NewBorder(nil, nil, container.NewCenter(p.MFAIcon), nil, p.MFA),
			container.NewHBox(p.OpenAccount))}
	if user.Role == apetitspas.RoleAdmin {
		p.showRecoveries()
		p.showBackup()
		p.Protection = wrapped("")
		p.Protection.Importance = widget.WarningImportance
		p.ProtectionDetails = newButton(lang.X("banner.details", "Détails"), theme.InfoIcon(), func() {
			showBannerDetails(u, lang.X("home.protection_title", "Ce que cet ordinateur ne protège pas"), p.protectionText)
		})
		p.showProtection(err == nil && o.Embedded, u.OSAdmin)
		cards = append(cards, sectionCard(lang.X("home.admin", "Administration"),
			withAction(p.Staff, p.StaffAction), p.BreakGlass, p.Tamper, p.ServerClock, p.Recoveries,
			withAction(p.Backup, p.BackupAction), withAction(p.Protection, p.ProtectionDetails)))
	}
	if apetitspas.CanReadMFAReport(user).Allowed {
		p.Report = newButton(lang.X("report.home_button", "Rapport AMF"), theme.DocumentPrintIcon(), func() {
			u.idle.touch()
			u.MFAReport = showMFAReport(u)
		})
		cards = append(cards, sectionCard(lang.X("report.title", "Rapport AMF"),
			wrapped(lang.X("report.home_note", "L'état de l'AMF du personnel, pour le conseil d'administration : à imprimer ou à ouvrir dans un tableur.")),
			container.NewHBox(p.Report)))
	}
	cards = append(cards, wrapped(lang.X("home.tip", "Ouvrez le menu (icône en haut à gauche) pour naviguer. Votre nom, en bas du menu, mène à Mon compte, où vous pouvez changer votre mot de passe et sécuriser votre compte.")))
	p.content = container.NewPadded(container.NewVBox(cards...))
	return p
}

// CreateRenderer shows the page's content.
func (p *HomePage) CreateRenderer() fyne.WidgetRenderer {
	return widget.NewSimpleRenderer(p.content)
}

// show puts the overview into words.
func (p *HomePage) show(o apetitspas.Overview) {
	p.Overview = o
	switch {
	case o.MFA == apetitspas.MFAOn && !o.MFASince.IsZero():
		p.MFA.SetText(lang.X("home.mfa_on_since", "Activée depuis le {{.Date}}. Un code de votre téléphone vous est demandé à chaque connexion.",
			map[string]any{"Date": formatDate(o.MFASince)}))
		p.MFAIcon.SetResource(theme.ConfirmIcon())
	case o.MFA == apetitspas.MFAOn:
		p.MFA.SetText(lang.X("home.mfa_on", "Activée. Un code de votre téléphone vous est demandé à chaque connexion."))
		p.MFAIcon.SetResource(theme.ConfirmIcon())
	case o.MFA == apetitspas.MFAPending && !o.MFADue.IsZero():
		p.MFA.SetText(lang.X("home.mfa_due", "À configurer avant le {{.Date}}. À votre prochaine connexion, un code QR à scanner avec votre téléphone s'affichera.",
			map[string]any{"Date": formatDateTime(o.MFADue)}))
		p.MFA.Importance = widget.WarningImportance
		p.MFAIcon.SetResource(theme.WarningIcon())
	case o.MFA == apetitspas.MFAPending:
		p.MFA.SetText(lang.X("home.mfa_pending", "À configurer : à votre prochaine connexion, un code QR à scanner avec votre téléphone s'affichera."))
		p.MFA.Importance = widget.WarningImportance
		p.MFAIcon.SetResource(theme.WarningIcon())
	default:
		p.MFA.SetText(lang.X("home.mfa_off", "Désactivée. Protégez votre compte en l'activant dans Mon compte : un code de votre téléphone s'ajoute à votre mot de passe."))
		p.OpenAccount.Show()
	}
	if p.u.handle.User().Role != apetitspas.RoleAdmin {
		p.Staff.Hide()
		return
	}
	switch {
	case !o.StaffPolicy:
		p.Staff.SetText(lang.X("home.staff_not_enforced", "L'AMF n'est pas imposée au personnel. Vous pouvez l'imposer dans Sécurité."))
	case o.StaffToSetUp == 0:
		p.Staff.SetText(lang.X("home.staff_done", "Tout le personnel a configuré l'AMF."))
	case o.StaffToSetUp == 1:
		p.Staff.SetText(lang.X("home.staff_one", "1 membre du personnel doit encore configurer l'AMF (menu Utilisateurs)."))
	default:
		p.Staff.SetText(lang.X("home.staff_other", "{{.N}} membres du personnel doivent encore configurer l'AMF (menu Utilisateurs).",
			map[string]any{"N": o.StaffToSetUp}))
	}
	p.Staff.Importance = widget.MediumImportance
	p.StaffAction.Hide()
	if o.StaffPolicy && o.StaffToSetUp > 0 {
		p.Staff.Importance = widget.WarningImportance
		see := lang.X("home.staff_see_other", "Voir les {{.N}} personnes à configurer", map[string]any{"N": o.StaffToSetUp})
		if o.StaffToSetUp == 1 {
			see = lang.X("home.staff_see_one", "Voir la personne à configurer")
		}
		p.StaffAction.SetText(see)
		p.StaffAction.Show()
	}
	if o.BreakGlass > 0 {
		p.BreakGlass.SetText(lang.X("home.break_glass", "Une réinitialisation d'urgence attend que vous en preniez connaissance (bandeau en haut de la fenêtre)."))
		p.BreakGlass.Show()
	}
	p.showServerClock(o.ServerClockSkew)
}

// showServerClock tells administrators that this computer's clock is off
// the data server's (the service compares them: app.Overview).
func (p *HomePage) showServerClock(skew time.Duration) {
	if skew == 0 {
		p.ServerClock.Hide()
		return
	}
	data := map[string]any{"Duration": clockGap(skew)}
	if skew > 0 {
		p.ServerClock.SetText(lang.X("home.server_clock_ahead", "L'heure de cet ordinateur diffère de celle du serveur de données de {{.Duration}} (cet ordinateur avance) : les codes AMF, les verrouillages et les heures du journal en dépendent. Faites régler l'heure de cet ordinateur et celle du serveur automatiquement (par Internet).", data))
	} else {
		p.ServerClock.SetText(lang.X("home.server_clock_behind", "L'heure de cet ordinateur diffère de celle du serveur de données de {{.Duration}} (cet ordinateur retarde) : les codes AMF, les verrouillages et les heures du journal en dépendent. Faites régler l'heure de cet ordinateur et celle du serveur automatiquement (par Internet).", data))
	}
	p.ServerClock.Show()
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
func (p *HomePage) showTamper(waiting bool) {
	if !waiting {
		p.Tamper.Hide()
		return
	}
	p.Tamper.SetText(lang.X("home.tamper", "Un avertissement de sécurité attend votre vérification (bandeau en haut de la fenêtre)."))
	p.Tamper.Show()
}

// showRecoveries tells of the recovery codes other administrators used
// since this one's previous sign-in.
func (p *HomePage) showRecoveries() {
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
		p.Recoveries.Add(l)
	}
}

// showProtection tells administrators what the rules cannot stop on this
// computer: no service holds the data (the window runs them in its own OS
// account), or the OS account running the window is the computer's
// administrator (it can stop the service and read its key).
func (p *HomePage) showProtection(embedded, osAdmin bool) {
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
	p.Protection.SetText(strings.Join(short, " "))
	p.Protection.Hidden = len(lines) == 0
	p.ProtectionDetails.Hidden = len(lines) == 0
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
func withAction(line fyne.CanvasObject, action *Button) fyne.CanvasObject {
	return container.NewBorder(nil, nil, nil, container.NewVBox(action), line)
}

// openStaffToSetUp opens Utilisateurs on the staff tab, where the staff
// still to set up the AMF are (the AMF column says who).
func (p *HomePage) openStaffToSetUp() {
	sh := p.u.Shell
	if sh == nil {
		return
	}
	sh.Show(PageUsers)
	if users, ok := sh.page.Objects[0].(*UsersPage); ok {
		users.tabs.SelectIndex(UsersTabStaff)
	}
}

// backupNow opens Sécurité and starts a backup (its file dialog).
func (p *HomePage) backupNow() {
	sh := p.u.Shell
	if sh == nil {
		return
	}
	sh.Show(PageSecurity)
	if sec, ok := sh.page.Objects[0].(*SecurityPage); ok {
		sec.backups.chooseFile()
	}
}

// showBackup reminds of a backup when the last one is older than
// app.BackupReminder, or when there is none.
func (p *HomePage) showBackup() {
	last, err := p.u.api.LastBackup(context.Background(), p.u.handle)
	if err != nil || !last.IsZero() && p.u.api.Now().Sub(last) <= apetitspas.BackupReminder {
		return
	}
	when := lang.X("home.backup_never", "jamais")
	if !last.IsZero() {
		when = lang.X("home.backup_on", "le {{.Date}}", map[string]any{"Date": formatDate(last)})
	}
	p.Backup.SetText(lang.X("home.backup_old", "Dernière sauvegarde : {{.When}} — faites-en une (Sécurité → Sauvegardes).", map[string]any{"When": when}))
	p.Backup.Show()
	p.BackupAction.Show()
}
