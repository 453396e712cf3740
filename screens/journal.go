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
	}
}

// JournalPage is "Journal": the security events, newest first, one
// sentence each, with filters, the details of the event chosen and a CSV
// export.
type JournalPage struct {
	widget.BaseWidget
	u       *UI
	content fyne.CanvasObject
	body    *fyne.Container // the list and the detail pane

	// Event filters on one kind: "Tous" (index 0), then journalEvents.
	Event *ringSelect
	// Person is part of a name or an e-mail, of who acted or to whom.
	Person *widget.Entry
	// From and To are days chosen on a calendar, both included.
	From, To *dateField
	Apply    *Button
	Clear    *Button
	Export   *Button

	// List shows Events, one row per event (virtualized).
	List   *widget.List
	Events []apetitspas.AuditEvent
	// More says the list stopped at 2000 events.
	More  *widget.Label
	Empty *widget.Label
	// Detail shows the whole of the event chosen in the list.
	Detail *journalDetail
	// Status says what is wrong with a filter, or how the export went.
	Status *relaidStatus
	// SaveDialog is the export's file dialog while shown.
	SaveDialog *dialog.FileDialog

	filter apetitspas.AuditFilter // the filter of the list on show
}

// buildJournalPage is the page constructor of the shell.
func buildJournalPage(u *UI) fyne.CanvasObject { return newJournalPage(u) }

func newJournalPage(u *UI) *JournalPage {
	p := &JournalPage{u: u}
	p.Status = newRelaidStatus(p.relayout)
	p.ExtendBaseWidget(p)

	labels := eventLabels()
	options := []string{lang.X("journal.all", "Tous")}
	for _, code := range journalEvents {
		options = append(options, labels[code])
	}
	p.Event = newSelect(options, nil)
	p.Event.SetSelectedIndex(0)
	p.Event.OnChanged = func(string) { p.apply() }

	p.Person = u.newEntry(false)
	p.Person.SetPlaceHolder(lang.X("journal.person_hint", "Nom ou courriel"))
	p.Person.OnSubmitted = func(string) { p.apply() }
	p.From = newDateField(lang.X("journal.date_any", "Choisir…"), u.api.Now, p.apply)
	p.To = newDateField(lang.X("journal.date_any", "Choisir…"), u.api.Now, p.apply)
	p.Apply = newButton(lang.X("journal.apply", "Filtrer"), theme.SearchIcon(), p.apply)
	p.Apply.Importance = widget.HighImportance
	p.Clear = newButton(lang.X("journal.clear", "Effacer les filtres"), nil, p.clear)
	p.Export = newButton(lang.X("journal.export", "Exporter en CSV"), theme.DocumentSaveIcon(), p.export)

	filters := container.NewVBox(
		container.New(journalColumns{weights: []float32{3, 3, 2, 2}},
			captioned(lang.X("journal.event", "Événement"), p.Event),
			captioned(lang.X("journal.person", "Personne"), p.Person),
			captioned(lang.X("journal.from", "Du"), p.From),
			captioned(lang.X("journal.to", "Au (inclus)"), p.To),
		),
		container.NewHBox(p.Apply, p.Clear, p.Export),
	)

	p.More = widget.NewLabel(lang.X("journal.more", "Seuls les 2000 événements les plus récents sont affichés — précisez les filtres. L'export CSV contient tout."))
	p.More.Importance = widget.WarningImportance
	p.More.Wrapping = fyne.TextWrapWord
	p.More.Hide()
	p.Empty = widget.NewLabel(lang.X("journal.empty", "Aucun événement ne correspond aux filtres."))
	p.Empty.Hide()

	timeW := journalTimeWidth()
	p.List = widget.NewList(
		func() int { return len(p.Events) },
		func() fyne.CanvasObject { return newJournalRow(timeW) },
		func(id widget.ListItemID, o fyne.CanvasObject) {
			if id >= 0 && id < len(p.Events) {
				updateJournalRow(o, p.Events[id])
			}
		},
	)
	p.List.OnSelected = func(id widget.ListItemID) {
		u.idle.touch()
		if id < 0 || id >= len(p.Events) {
			return
		}
		p.Detail.show(p.Events[id])
		p.body.Refresh()
		p.List.ScrollTo(id) // the pane took room: keep the row in sight
	}
	p.Detail = newJournalDetail(func() {
		p.List.UnselectAll()
		p.body.Refresh()
	})

	header := container.New(journalColumns{fixed: []float32{theme.IconInlineSize(), timeW}},
		widget.NewLabel(""),
		columnTitle(lang.X("journal.when", "Quand")),
		columnTitle(lang.X("journal.what", "Événement")),
	)
	listArea := container.NewBorder(container.NewVBox(header, widget.NewSeparator()), p.Empty, nil, nil, p.List)
	p.body = container.New(journalSplit{}, listArea, p.Detail)
	top := container.NewVBox(filters, p.Status.Progress, p.Status.Message, p.More, widget.NewSeparator())
	p.content = container.New(&readableWidth{max: journalMaxWidth},
		container.NewPadded(container.NewBorder(top, nil, nil, nil, p.body)))

	p.apply()
	u.checkIntegrity() // what the journal shows may have been edited
	return p
}

// CreateRenderer draws the page.
func (p *JournalPage) CreateRenderer() fyne.WidgetRenderer {
	return widget.NewSimpleRenderer(p.content)
}

// relayout lays the page out again after a line appeared or disappeared.
func (p *JournalPage) relayout() {
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

// RowText returns what row i of the list shows: time and sentence; nil
// past the end.
func (p *JournalPage) RowText(i int) []string {
	if i < 0 || i >= len(p.Events) {
		return nil
	}
	return []string{journalTime(p.Events[i].Time), sentenceOf(p.Events[i])}
}

// apply reads the filters and lists the matching events; a filter that
// cannot be read is explained and the list stays as it was.
func (p *JournalPage) apply() {
	p.u.idle.touch()
	f, ok := p.readFilter()
	if !ok {
		return
	}
	f.Limit = journalLimit + 1
	events, err := p.u.api.Audit(context.Background(), p.u.handle, f)
	if err != nil {
		p.Status.error(ErrorText(err))
		return
	}
	f.Limit = 0
	p.filter = f
	p.Status.Message.Hide()
	more := len(events) > journalLimit
	if more {
		events = events[:journalLimit]
	}
	p.Events = events
	p.More.Hidden = !more
	p.Empty.Hidden = len(events) > 0
	p.List.UnselectAll()
	p.Detail.Hide()
	p.List.ScrollToOffset(0) // newest first: back to the top
	p.body.Refresh()
	p.relayout() // the list, and the lines that appeared or disappeared
}

// readFilter turns the filter fields into a journal filter.
func (p *JournalPage) readFilter() (apetitspas.AuditFilter, bool) {
	var f apetitspas.AuditFilter
	if i := p.Event.SelectedIndex(); i > 0 && i <= len(journalEvents) {
		f.Event = journalEvents[i-1]
	}
	f.Who = strings.TrimSpace(p.Person.Text)
	since, until := p.From.Date(), p.To.Date()
	if !until.IsZero() {
		until = until.AddDate(0, 0, 1) // the whole last day
	}
	if !since.IsZero() && !until.IsZero() && !since.Before(until) {
		p.Status.error(lang.X("journal.dates_order", "La date « Du » doit venir avant la date « Au »."))
		return f, false
	}
	f.Since, f.Until = since, until
	return f, true
}

func (p *JournalPage) clear() {
	p.Person.SetText("")
	p.From.SetDate(time.Time{})
	p.To.SetDate(time.Time{})
	p.Event.OnChanged = nil
	p.Event.SetSelectedIndex(0)
	p.Event.OnChanged = func(string) { p.apply() }
	p.apply()
}

// export saves the events of the list on show (all of them, past the 2000
// of the screen) to a CSV file the administrator chooses.
func (p *JournalPage) export() {
	if p.Export.Disabled() {
		return
	}
	p.u.idle.touch()
	f, h := p.filter, snapshot(p.u.handle) // read-only work, off the UI goroutine
	failed := lang.X("journal.export_failed", "Le fichier n'a pas pu être enregistré. Choisissez un autre dossier (par exemple Documents) et réessayez.")
	count := 0
	var auditErr error
	p.SaveDialog = saveFile(p.u, saveRequest{
		title: lang.X("journal.export_title", "Exporter le journal"),
		name:  lang.X("journal.file_name", "journal") + "-" + p.u.api.Now().Local().Format("2006-01-02") + ".csv",
		kind:  kindCSV,
		chosen: func() {
			p.SaveDialog = nil
			p.Export.Disable()
			p.Status.busy()
		},
		write: func(w io.Writer) error {
			events, err := p.u.api.Audit(context.Background(), h, f)
			if err != nil {
				auditErr = err
				return err
			}
			count = len(events)
			return writeJournalCSV(w, events)
		},
		done: func(name string, err error) {
			p.SaveDialog = nil
			p.Export.Enable()
			switch {
			case auditErr != nil:
				p.Status.error(ErrorText(auditErr))
			case err != nil:
				p.Status.error(failed)
			case name != "":
				p.Status.info(lang.X("journal.exported", "Journal exporté : {{.Count}} événements dans {{.File}}.", map[string]any{"Count": count, "File": name}))
			}
		},
	})
}
