package screens

import (
	"context"
	"io"
	"strings"
	"time"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/dialog"
	"fyne.io/fyne/v2/lang"
	"fyne.io/fyne/v2/theme"
	"fyne.io/fyne/v2/widget"

	apetitspas "github.com/apetitspas/apetitspas/app"
)

// journalLimit is how many events the journal shows at most; the filters
// narrow it down, and the CSV export has no limit.
const journalLimit = 2000

// journalEvents are the event codes of the type filter, in its order.
var journalEvents = []string{
	apetitspas.EventLoginSucceeded,
	apetitspas.EventLoginFailed,
	apetitspas.EventLoginLocked,
	apetitspas.EventLoginRefused,
	apetitspas.EventLogout,
	apetitspas.EventIdleLock,
	apetitspas.EventPasswordChanged,
	apetitspas.EventPasswordChangeFailed,
	apetitspas.EventPasswordResetByAdmin,
	apetitspas.EventMFAActivationRequested,
	apetitspas.EventMFASecretCreated,
	apetitspas.EventMFAEnrolled,
	apetitspas.EventMFAEnrollSkipped,
	apetitspas.EventMFACodeAccepted,
	apetitspas.EventMFACodeFailed,
	apetitspas.EventMFACodeReplayed,
	apetitspas.EventMFAClockSkew,
	apetitspas.EventMFALocked,
	apetitspas.EventMFAReset,
	apetitspas.EventMFAResetBreakGlass,
	apetitspas.EventMFADeviceReplaced,
	apetitspas.EventReactivationCodeCreated,
	apetitspas.EventReactivationCodeUsed,
	apetitspas.EventBreakGlassAcknowledged,
	apetitspas.EventPolicyEnforced,
	apetitspas.EventPolicyRelaxed,
	apetitspas.EventUserCreated,
	apetitspas.EventUserDisabled,
	apetitspas.EventUserEnabled,
	apetitspas.EventUserUnlocked,
	apetitspas.EventRoleChanged,
	apetitspas.EventSettingChanged,
	apetitspas.EventSetupCompleted,
	apetitspas.EventAuthzDenied,
	apetitspas.EventAuditTampered,
	apetitspas.EventAccountTampered,
	apetitspas.EventAccountResealed,
	apetitspas.EventIntegrityAcked,
	apetitspas.EventKeyInsecure,
	apetitspas.EventSealed,
	apetitspas.EventRecoveryCodesMade,
	apetitspas.EventRecoveryCodeUsed,
	apetitspas.EventRecoveryCodeFailed,
	apetitspas.EventPasswordConfirmFailed,
	apetitspas.EventBackupCreated,
	apetitspas.EventBackupRestored,
	apetitspas.EventKeyRestored,
	apetitspas.EventKeyReplaced,
	apetitspas.EventKeyExported,
	apetitspas.EventKeyImported,
	apetitspas.EventDBMoved,
	apetitspas.EventDataMoved,
	apetitspas.EventDataAdopted,
	apetitspas.EventAuditRolledBack,
	apetitspas.EventRootRebuilt,
	apetitspas.EventKeyRestoreFailed,
	apetitspas.EventMFAReportExported,
	apetitspas.EventUserExported,
	apetitspas.EventUserErased,
	apetitspas.EventJournalHandedOver,
	apetitspas.EventIncidentRecorded,
	apetitspas.EventIncidentDismissed,
	apetitspas.EventJournalPseudonymised,
}

// eventLabels name the kinds of event in the type filter.
func eventLabels() map[string]string {
	return map[string]string{
		apetitspas.EventSetupCompleted:          lang.X("event.setup_completed", "Première utilisation terminée"),
		apetitspas.EventUserCreated:             lang.X("event.user_created", "Compte créé"),
		apetitspas.EventLoginSucceeded:          lang.X("event.login_succeeded", "Connexion réussie"),
		apetitspas.EventLoginFailed:             lang.X("event.login_failed", "Connexion échouée"),
		apetitspas.EventLoginLocked:             lang.X("event.login_locked", "Compte verrouillé (mots de passe incorrects)"),
		apetitspas.EventLoginRefused:            lang.X("event.login_refused", "Connexion refusée"),
		apetitspas.EventPasswordChanged:         lang.X("event.password_changed", "Mot de passe changé"),
		apetitspas.EventSettingChanged:          lang.X("event.setting_changed", "Réglage modifié"),
		apetitspas.EventMFAActivationRequested:  lang.X("event.mfa_activation_requested", "Activation de l'AMF demandée"),
		apetitspas.EventMFAEnrolled:             lang.X("event.mfa_enrolled", "AMF configurée"),
		apetitspas.EventMFACodeAccepted:         lang.X("event.mfa_code_accepted", "Code AMF accepté"),
		apetitspas.EventMFACodeFailed:           lang.X("event.mfa_code_failed", "Code AMF incorrect"),
		apetitspas.EventMFACodeReplayed:         lang.X("event.mfa_code_replayed", "Code AMF déjà utilisé"),
		apetitspas.EventMFAClockSkew:            lang.X("event.mfa_clock_skew", "Code AMF refusé : heure décalée"),
		apetitspas.EventMFALocked:               lang.X("event.mfa_locked", "Compte verrouillé (codes AMF incorrects)"),
		apetitspas.EventMFASecretCreated:        lang.X("event.mfa_secret_created", "Code QR de l'AMF créé"),
		apetitspas.EventMFAReset:                lang.X("event.mfa_reset", "AMF réinitialisée"),
		apetitspas.EventMFAResetBreakGlass:      lang.X("event.mfa_reset_break_glass", "AMF réinitialisée en urgence"),
		apetitspas.EventMFAEnrollSkipped:        lang.X("event.mfa_enrollment_skipped", "Configuration de l'AMF reportée"),
		apetitspas.EventMFADeviceReplaced:       lang.X("event.mfa_device_replaced", "AMF déplacée sur un nouveau téléphone"),
		apetitspas.EventBreakGlassAcknowledged:  lang.X("event.break_glass_acknowledged", "Réinitialisation d'urgence prise en compte"),
		apetitspas.EventPolicyEnforced:          lang.X("event.policy_enforced", "AMF imposée au personnel"),
		apetitspas.EventPolicyRelaxed:           lang.X("event.policy_relaxed", "AMF plus imposée au personnel"),
		apetitspas.EventUserDisabled:            lang.X("event.user_disabled", "Compte désactivé"),
		apetitspas.EventUserEnabled:             lang.X("event.user_enabled", "Compte réactivé"),
		apetitspas.EventUserUnlocked:            lang.X("event.user_unlocked", "Compte déverrouillé"),
		apetitspas.EventPasswordResetByAdmin:    lang.X("event.password_reset_by_admin", "Mot de passe temporaire donné"),
		apetitspas.EventAuthzDenied:             lang.X("event.authz_denied", "Action refusée"),
		apetitspas.EventLogout:                  lang.X("event.logout", "Déconnexion"),
		apetitspas.EventIdleLock:                lang.X("event.idle_locked", "Session verrouillée (inactivité)"),
		apetitspas.EventPasswordChangeFailed:    lang.X("event.password_change_failed", "Mot de passe actuel incorrect (Mon compte)"),
		apetitspas.EventRoleChanged:             lang.X("event.role_changed", "Rôle changé"),
		apetitspas.EventAuditTampered:           lang.X("event.audit_tampered", "Journal ou réglages modifiés hors de l'application"),
		apetitspas.EventAccountTampered:         lang.X("event.account_tampered", "Compte modifié hors de l'application"),
		apetitspas.EventAccountResealed:         lang.X("event.account_resealed", "Compte vérifié et rétabli"),
		apetitspas.EventIntegrityAcked:          lang.X("event.integrity_acknowledged", "Avertissement de sécurité vérifié"),
		apetitspas.EventRecoveryCodesMade:       lang.X("event.recovery_codes_created", "Codes de récupération créés"),
		apetitspas.EventRecoveryCodeUsed:        lang.X("event.recovery_code_used", "Code de récupération utilisé"),
		apetitspas.EventRecoveryCodeFailed:      lang.X("event.recovery_code_failed", "Code de récupération incorrect"),
		apetitspas.EventPasswordConfirmFailed:   lang.X("event.password_confirm_failed", "Mot de passe incorrect (confirmation)"),
		apetitspas.EventBackupCreated:           lang.X("event.backup_created", "Sauvegarde faite"),
		apetitspas.EventBackupRestored:          lang.X("event.backup_restored", "Sauvegarde restaurée"),
		apetitspas.EventKeyRestored:             lang.X("event.key_restored", "Clé de sécurité retrouvée"),
		apetitspas.EventKeyReplaced:             lang.X("event.key_replaced", "Clé de sécurité remplacée"),
		apetitspas.EventKeyExported:             lang.X("event.key_exported", "Clé de sécurité exportée"),
		apetitspas.EventKeyImported:             lang.X("event.key_imported", "Clé de sécurité importée"),
		apetitspas.EventDBMoved:                 lang.X("event.db_moved", "Base déménagée sur le serveur"),
		apetitspas.EventDataMoved:               lang.X("event.data_moved", "Garderie déplacée (données communes)"),
		apetitspas.EventDataAdopted:             lang.X("event.data_adopted", "Garderie confiée au service de l'ordinateur"),
		apetitspas.EventAuditRolledBack:         lang.X("event.audit_rolled_back", "Base remise dans un état plus ancien"),
		apetitspas.EventRootRebuilt:             lang.X("event.integrity_root_rebuilt", "État de la base accepté par l'administrateur de l'ordinateur"),
		apetitspas.EventKeyRestoreFailed:        lang.X("event.key_restore_failed", "Tentative refusée de retrouver la clé"),
		apetitspas.EventKeyInsecure:             lang.X("event.key_insecure", "Clé de sécurité refusée (droits d'accès)"),
		apetitspas.EventSealed:                  lang.X("event.integrity_sealed", "Protection de la base mise en place"),
		apetitspas.EventReactivationCodeCreated: lang.X("event.mfa_reactivation_code_created", "Code de réactivation créé"),
		apetitspas.EventReactivationCodeUsed:    lang.X("event.mfa_reactivation_code_used", "Code de réactivation utilisé"),
		apetitspas.EventMFAReportExported:       lang.X("event.report_mfa_exported", "Rapport AMF enregistré"),
		apetitspas.EventUserExported:            lang.X("event.user_exported", "Données d'une personne exportées"),
		apetitspas.EventUserErased:              lang.X("event.user_erased", "Données d'une personne effacées"),
		apetitspas.EventJournalHandedOver:       lang.X("event.audit_persons_handed_over", "Journal mis sous forme effaçable"),
		apetitspas.EventIncidentRecorded:        lang.X("event.incident_recorded", "Registre des incidents : entrée écrite"),
		apetitspas.EventIncidentDismissed:       lang.X("event.incident_dismissed", "Registre des incidents : brouillon écarté"),
		apetitspas.EventJournalPseudonymised:    lang.X("event.audit_pseudonymised", "Courriels retirés du journal (conservation)"),
	}
}

// journalPage is "Journal": the security events, newest first, one
// sentence each, with filters, the details of the event chosen and a CSV
// export.
type journalPage struct {
	widget.BaseWidget
	u       *UI
	content fyne.CanvasObject
	body    *fyne.Container // the list and the detail pane

	// event filters on one kind: "Tous" (index 0), then journalEvents.
	event *ringSelect
	// person is part of a name or an e-mail, of who acted or to whom.
	person *widget.Entry
	// from and to are days chosen on a calendar, both included.
	from, to     *dateField
	applyButton  *button
	clearButton  *button
	exportButton *button
	// technical adds the event's code and details to the CSV (off by
	// default: privacy by default, issue 18).
	technical *widget.Check

	// list shows events, one row per event (virtualized).
	list   *widget.List
	events []apetitspas.AuditEvent
	// more says the list stopped at 2000 events.
	more  *widget.Label
	empty *widget.Label
	// detail shows the whole of the event chosen in the list.
	detail *journalDetail
	// status says what is wrong with a filter, or how the export went.
	status *relaidStatus
	// saveDialog is the export's file dialog while shown.
	saveDialog *dialog.FileDialog

	filter apetitspas.AuditFilter // the filter of the list on show
}

// buildJournalPage is the page constructor of the shell.
func buildJournalPage(u *UI) fyne.CanvasObject { return newJournalPage(u) }

func newJournalPage(u *UI) *journalPage {
	p := &journalPage{u: u}
	p.status = newRelaidStatus(p.relayout)
	p.ExtendBaseWidget(p)

	labels := eventLabels()
	options := []string{lang.X("journal.all", "Tous")}
	for _, code := range journalEvents {
		options = append(options, labels[code])
	}
	p.event = newSelect(options, nil)
	p.event.SetSelectedIndex(0)
	p.event.OnChanged = func(string) { p.apply() }

	p.person = u.newEntry(false)
	p.person.SetPlaceHolder(lang.X("journal.person_hint", "Nom ou courriel"))
	p.person.OnSubmitted = func(string) { p.apply() }
	p.from = newDateField(lang.X("journal.date_any", "Choisir…"), u.api.Now, p.apply)
	p.to = newDateField(lang.X("journal.date_any", "Choisir…"), u.api.Now, p.apply)
	p.applyButton = newButton(lang.X("journal.apply", "Filtrer"), theme.SearchIcon(), p.apply)
	p.applyButton.Importance = widget.HighImportance
	p.clearButton = newButton(lang.X("journal.clear", "Effacer les filtres"), nil, p.clear)
	p.exportButton = newButton(lang.X("journal.export", "Exporter en CSV"), theme.DocumentSaveIcon(), p.export)
	p.technical = widget.NewCheck(lang.X("journal.export_technical", "Inclure les détails techniques"), nil)

	filters := container.NewVBox(
		container.New(journalColumns{weights: []float32{3, 3, 2, 2}},
			captioned(lang.X("journal.event", "Événement"), p.event),
			captioned(lang.X("journal.person", "Personne"), p.person),
			captioned(lang.X("journal.from", "Du"), p.from),
			captioned(lang.X("journal.to", "Au (inclus)"), p.to),
		),
		container.NewHBox(p.applyButton, p.clearButton, p.exportButton, p.technical),
	)

	p.more = widget.NewLabel(lang.X("journal.more", "Seuls les 2000 événements les plus récents sont affichés — précisez les filtres. L'export CSV contient tout."))
	p.more.Importance = widget.WarningImportance
	p.more.Wrapping = fyne.TextWrapWord
	p.more.Hide()
	p.empty = widget.NewLabel(lang.X("journal.empty", "Aucun événement ne correspond aux filtres."))
	p.empty.Hide()

	timeW := journalTimeWidth()
	p.list = widget.NewList(
		func() int { return len(p.events) },
		func() fyne.CanvasObject { return newJournalRow(timeW) },
		func(id widget.ListItemID, o fyne.CanvasObject) {
			if id >= 0 && id < len(p.events) {
				updateJournalRow(o, p.events[id])
			}
		},
	)
	p.list.OnSelected = func(id widget.ListItemID) {
		u.idle.touch()
		if id < 0 || id >= len(p.events) {
			return
		}
		p.detail.show(p.events[id])
		p.body.Refresh()
		p.list.ScrollTo(id) // the pane took room: keep the row in sight
	}
	p.detail = newJournalDetail(func() {
		p.list.UnselectAll()
		p.body.Refresh()
	})

	header := container.New(journalColumns{fixed: []float32{theme.IconInlineSize(), timeW}},
		widget.NewLabel(""),
		columnTitle(lang.X("journal.when", "Quand")),
		columnTitle(lang.X("journal.what", "Événement")),
	)
	listArea := container.NewBorder(container.NewVBox(header, widget.NewSeparator()), p.empty, nil, nil, p.list)
	p.body = container.New(journalSplit{}, listArea, p.detail)
	top := container.NewVBox(filters, p.status.progress, p.status.message, p.more, widget.NewSeparator())
	p.content = container.New(&readableWidth{max: journalMaxWidth},
		container.NewPadded(container.NewBorder(top, nil, nil, nil, p.body)))

	p.apply()
	u.checkIntegrity() // what the journal shows may have been edited
	return p
}

// CreateRenderer draws the page.
func (p *journalPage) CreateRenderer() fyne.WidgetRenderer {
	return widget.NewSimpleRenderer(p.content)
}

// relayout lays the page out again after a line appeared or disappeared.
func (p *journalPage) relayout() {
	if c, ok := p.content.(*fyne.Container); ok {
		c.Refresh()
	}
}

// captioned is a filter field under its name; the name ends with "…"
// rather than widen the page.
func captioned(caption string, field fyne.CanvasObject) fyne.CanvasObject {
	l := widget.NewLabel(caption)
	l.Truncation = fyne.TextTruncateEllipsis
	return container.NewVBox(l, field)
}

func columnTitle(text string) *widget.Label {
	l := widget.NewLabelWithStyle(text, fyne.TextAlignLeading, fyne.TextStyle{Bold: true})
	l.Truncation = fyne.TextTruncateEllipsis
	return l
}

// newJournalRow is a row of the list: a mark for what deserves a look
// (a warning for refusals and failures, an error for tampering), the
// time on one line, and the sentence on two lines at most, ending with
// "…" (the detail pane shows it whole).
func newJournalRow(timeW float32) fyne.CanvasObject {
	mark := widget.NewIcon(nil)
	when := widget.NewLabel("")
	when.Truncation = fyne.TextTruncateEllipsis
	what := widget.NewLabel("")
	what.Wrapping = fyne.TextWrapWord
	what.Truncation = fyne.TextTruncateEllipsis
	return container.New(journalColumns{fixed: []float32{theme.IconInlineSize(), timeW}},
		container.New(firstLineIcon{}, mark), container.New(twoLineCell{}, when), container.New(twoLineCell{}, what))
}

func updateJournalRow(o fyne.CanvasObject, e apetitspas.AuditEvent) {
	c, ok := o.(*fyne.Container)
	if !ok || len(c.Objects) != 3 {
		return
	}
	c.Objects[0].(*fyne.Container).Objects[0].(*widget.Icon).SetResource(eventMark(e.Event))
	c.Objects[1].(*fyne.Container).Objects[0].(*widget.Label).SetText(journalTime(e.Time))
	c.Objects[2].(*fyne.Container).Objects[0].(*widget.Label).SetText(sentenceOf(e))
}

// eventMark is the icon of the events that deserve a look, nil for the
// others.
func eventMark(event string) fyne.Resource {
	switch event {
	case apetitspas.EventAuditTampered, apetitspas.EventAccountTampered, apetitspas.EventKeyInsecure,
		apetitspas.EventMFAResetBreakGlass:
		return theme.NewErrorThemedResource(theme.ErrorIcon())
	case apetitspas.EventLoginFailed, apetitspas.EventLoginLocked, apetitspas.EventLoginRefused,
		apetitspas.EventPasswordChangeFailed, apetitspas.EventMFACodeFailed, apetitspas.EventMFACodeReplayed,
		apetitspas.EventMFALocked, apetitspas.EventAuthzDenied, apetitspas.EventMFAClockSkew:
		return theme.NewWarningThemedResource(theme.WarningIcon())
	}
	return nil
}

// rowText returns what row i of the list shows: time and sentence; nil
// past the end.
func (p *journalPage) rowText(i int) []string {
	if i < 0 || i >= len(p.events) {
		return nil
	}
	return []string{journalTime(p.events[i].Time), sentenceOf(p.events[i])}
}

// apply reads the filters and lists the matching events; a filter that
// cannot be read is explained and the list stays as it was.
func (p *journalPage) apply() {
	p.u.idle.touch()
	f, ok := p.readFilter()
	if !ok {
		return
	}
	f.Limit = journalLimit + 1
	events, err := p.u.api.Audit(context.Background(), p.u.handle, f)
	if err != nil {
		p.status.error(ErrorText(err))
		return
	}
	showErased(events)
	f.Limit = 0
	p.filter = f
	p.status.message.Hide()
	more := len(events) > journalLimit
	if more {
		events = events[:journalLimit]
	}
	p.events = events
	p.more.Hidden = !more
	p.empty.Hidden = len(events) > 0
	p.list.UnselectAll()
	p.detail.Hide()
	p.list.ScrollToOffset(0) // newest first: back to the top
	p.body.Refresh()
	p.relayout() // the list, and the lines that appeared or disappeared
}

// readFilter turns the filter fields into a journal filter.
func (p *journalPage) readFilter() (apetitspas.AuditFilter, bool) {
	var f apetitspas.AuditFilter
	if i := p.event.SelectedIndex(); i > 0 && i <= len(journalEvents) {
		f.Event = journalEvents[i-1]
	}
	f.Who = strings.TrimSpace(p.person.Text)
	since, until := p.from.date, p.to.date
	if !until.IsZero() {
		until = until.AddDate(0, 0, 1) // the whole last day
	}
	if !since.IsZero() && !until.IsZero() && !since.Before(until) {
		p.status.error(lang.X("journal.dates_order", "La date « Du » doit venir avant la date « Au »."))
		return f, false
	}
	f.Since, f.Until = since, until
	return f, true
}

func (p *journalPage) clear() {
	p.person.SetText("")
	p.from.setDate(time.Time{})
	p.to.setDate(time.Time{})
	p.event.OnChanged = nil
	p.event.SetSelectedIndex(0)
	p.event.OnChanged = func(string) { p.apply() }
	p.apply()
}

// export saves the events of the list on show (all of them, past the 2000
// of the screen) to a CSV file the administrator chooses.
func (p *journalPage) export() {
	if p.exportButton.Disabled() {
		return
	}
	p.u.idle.touch()
	f, h := p.filter, snapshot(p.u.handle) // read-only work, off the UI goroutine
	technical := p.technical.Checked
	failed := lang.X("journal.export_failed", "Le fichier n'a pas pu être enregistré. Choisissez un autre dossier (par exemple Documents) et réessayez.")
	count := 0
	var auditErr error
	p.saveDialog = saveFile(p.u, saveRequest{
		title: lang.X("journal.export_title", "Exporter le journal"),
		name:  lang.X("journal.file_name", "journal") + "-" + p.u.api.Now().Local().Format("2006-01-02") + ".csv",
		kind:  kindCSV,
		chosen: func() {
			p.saveDialog = nil
			p.exportButton.Disable()
			p.status.busy()
		},
		write: func(w io.Writer) error {
			events, err := p.u.api.Audit(context.Background(), h, f)
			if err != nil {
				auditErr = err
				return err
			}
			count = len(events)
			showErased(events)
			return writeJournalCSV(w, events, technical)
		},
		done: func(name string, err error) {
			p.saveDialog = nil
			p.exportButton.Enable()
			switch {
			case auditErr != nil:
				p.status.error(ErrorText(auditErr))
			case err != nil:
				p.status.error(failed)
			case name != "":
				p.status.info(lang.X("journal.exported", "Journal exporté : {{.Count}} événements dans {{.File}}.", map[string]any{"Count": count, "File": name}))
			}
		},
	})
}
