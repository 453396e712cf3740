package screens

import (
	"bufio"
	"context"
	"encoding/csv"
	"io"
	"strings"
	"time"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/dialog"
	"fyne.io/fyne/v2/lang"
	"fyne.io/fyne/v2/storage"
	"fyne.io/fyne/v2/theme"
	"fyne.io/fyne/v2/widget"

	apetitspas "github.com/apetitspas/apetitspas/app"
)

// journalLimit is how many events the journal shows at most; the filters
// narrow it down, and the CSV export has no limit.
const journalLimit = 2000

// journalTimeFormat is how the journal shows times (local time).
const journalTimeFormat = "2006-01-02 15:04"

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
	apetitspas.EventMFALocked,
	apetitspas.EventMFAReset,
	apetitspas.EventMFAResetBreakGlass,
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
}

// eventLabels names the known event codes in words.
func eventLabels() map[string]string {
	return map[string]string{
		apetitspas.EventSetupCompleted:         lang.X("event.setup_completed", "Première utilisation terminée"),
		apetitspas.EventUserCreated:            lang.X("event.user_created", "Compte créé"),
		apetitspas.EventLoginSucceeded:         lang.X("event.login_succeeded", "Connexion réussie"),
		apetitspas.EventLoginFailed:            lang.X("event.login_failed", "Connexion échouée"),
		apetitspas.EventLoginLocked:            lang.X("event.login_locked", "Compte verrouillé (mots de passe incorrects)"),
		apetitspas.EventLoginRefused:           lang.X("event.login_refused", "Connexion refusée"),
		apetitspas.EventPasswordChanged:        lang.X("event.password_changed", "Mot de passe changé"),
		apetitspas.EventSettingChanged:         lang.X("event.setting_changed", "Réglage modifié"),
		apetitspas.EventMFAActivationRequested: lang.X("event.mfa_activation_requested", "Activation de l'AMF demandée"),
		apetitspas.EventMFAEnrolled:            lang.X("event.mfa_enrolled", "AMF configurée"),
		apetitspas.EventMFACodeAccepted:        lang.X("event.mfa_code_accepted", "Code AMF accepté"),
		apetitspas.EventMFACodeFailed:          lang.X("event.mfa_code_failed", "Code AMF incorrect"),
		apetitspas.EventMFACodeReplayed:        lang.X("event.mfa_code_replayed", "Code AMF déjà utilisé"),
		apetitspas.EventMFALocked:              lang.X("event.mfa_locked", "Compte verrouillé (codes AMF incorrects)"),
		apetitspas.EventMFASecretCreated:       lang.X("event.mfa_secret_created", "Code QR de l'AMF créé"),
		apetitspas.EventMFAReset:               lang.X("event.mfa_reset", "AMF réinitialisée"),
		apetitspas.EventMFAResetBreakGlass:     lang.X("event.mfa_reset_break_glass", "AMF réinitialisée en urgence"),
		apetitspas.EventMFAEnrollSkipped:       lang.X("event.mfa_enrollment_skipped", "Configuration de l'AMF reportée"),
		apetitspas.EventBreakGlassAcknowledged: lang.X("event.break_glass_acknowledged", "Réinitialisation d'urgence prise en compte"),
		apetitspas.EventPolicyEnforced:         lang.X("event.policy_enforced", "AMF imposée au personnel"),
		apetitspas.EventPolicyRelaxed:          lang.X("event.policy_relaxed", "AMF plus imposée au personnel"),
		apetitspas.EventUserDisabled:           lang.X("event.user_disabled", "Compte désactivé"),
		apetitspas.EventUserEnabled:            lang.X("event.user_enabled", "Compte réactivé"),
		apetitspas.EventUserUnlocked:           lang.X("event.user_unlocked", "Compte déverrouillé"),
		apetitspas.EventPasswordResetByAdmin:   lang.X("event.password_reset_by_admin", "Mot de passe temporaire donné"),
		apetitspas.EventAuthzDenied:            lang.X("event.authz_denied", "Action refusée"),
		apetitspas.EventLogout:                 lang.X("event.logout", "Déconnexion"),
		apetitspas.EventIdleLock:               lang.X("event.idle_locked", "Session verrouillée (inactivité)"),
		apetitspas.EventPasswordChangeFailed:   lang.X("event.password_change_failed", "Mot de passe actuel incorrect (Mon compte)"),
		apetitspas.EventRoleChanged:            lang.X("event.role_changed", "Rôle changé"),
		apetitspas.EventAuditTampered:          lang.X("event.audit_tampered", "Journal ou réglages modifiés hors de l'application"),
		apetitspas.EventAccountTampered:        lang.X("event.account_tampered", "Compte modifié hors de l'application"),
		apetitspas.EventAccountResealed:        lang.X("event.account_resealed", "Compte vérifié et rétabli"),
		apetitspas.EventIntegrityAcked:         lang.X("event.integrity_acknowledged", "Avertissement de sécurité vérifié"),
		apetitspas.EventKeyInsecure:            lang.X("event.key_insecure", "Clé de sécurité refusée (droits d'accès)"),
		apetitspas.EventSealed:                 lang.X("event.integrity_sealed", "Protection de la base mise en place"),
	}
}

// EventText names an event in words with its code ("AMF réinitialisée
// (mfa.reset)"); an unknown code is shown as it is.
func EventText(code string) string {
	if label, ok := eventLabels()[code]; ok {
		return label + " (" + code + ")"
	}
	return code
}

// JournalPage is "Journal": the security events, newest first, with
// filters and a CSV export.
type JournalPage struct {
	widget.BaseWidget
	u       *UI
	content fyne.CanvasObject

	// Event filters on one type: "Tous" (index 0), then journalEvents.
	Event *widget.Select
	// Person is an e-mail, matched as who acted or to whom.
	Person *widget.Entry
	// From and To are dates AAAA-MM-JJ, both days included.
	From, To *widget.Entry
	Apply    *widget.Button
	Clear    *widget.Button
	Export   *widget.Button

	// List shows Events, one row per event (virtualized).
	List   *widget.List
	Events []apetitspas.AuditEvent
	// More says the list stopped at 2000 events.
	More  *widget.Label
	Empty *widget.Label
	// Selected shows the whole of the event tapped.
	Selected *widget.Label
	// Status says what is wrong with a filter, or how the export went.
	Status *relaidStatus
	// SaveDialog is the export's file dialog while shown.
	SaveDialog *dialog.FileDialog

	labels map[string]string
	filter apetitspas.AuditFilter // the filter of the list on show
}

// buildJournalPage is the page constructor of the shell.
func buildJournalPage(u *UI) fyne.CanvasObject { return newJournalPage(u) }

func newJournalPage(u *UI) *JournalPage {
	p := &JournalPage{u: u, labels: eventLabels()}
	p.Status = newRelaidStatus(p.relayout)
	p.ExtendBaseWidget(p)

	options := []string{lang.X("journal.all", "Tous")}
	for _, code := range journalEvents {
		options = append(options, EventText(code))
	}
	p.Event = widget.NewSelect(options, nil)
	p.Event.SetSelectedIndex(0)
	p.Event.OnChanged = func(string) { p.apply() }

	p.Person = u.newEntry(false)
	p.Person.SetPlaceHolder(lang.X("journal.person_hint", "ex. : karim@exemple.ca"))
	p.From = u.newEntry(false)
	p.From.SetPlaceHolder(lang.X("journal.date_hint", "AAAA-MM-JJ"))
	p.To = u.newEntry(false)
	p.To.SetPlaceHolder(lang.X("journal.date_hint", "AAAA-MM-JJ"))
	for _, e := range []*widget.Entry{p.Person, p.From, p.To} {
		e.OnSubmitted = func(string) { p.apply() }
	}
	p.Apply = widget.NewButtonWithIcon(lang.X("journal.apply", "Filtrer"), theme.SearchIcon(), p.apply)
	p.Apply.Importance = widget.HighImportance
	p.Clear = widget.NewButton(lang.X("journal.clear", "Effacer les filtres"), p.clear)
	p.Export = widget.NewButtonWithIcon(lang.X("journal.export", "Exporter en CSV"), theme.DocumentSaveIcon(), p.export)

	filters := container.NewVBox(
		container.NewGridWithColumns(4,
			labelled(lang.X("journal.event", "Événement"), p.Event),
			labelled(lang.X("journal.person", "Personne (courriel complet)"), p.Person),
			labelled(lang.X("journal.from", "Du"), p.From),
			labelled(lang.X("journal.to", "Au (inclus)"), p.To),
		),
		container.NewHBox(p.Apply, p.Clear, p.Export),
	)

	p.More = widget.NewLabel(lang.X("journal.more", "Seuls les 2000 événements les plus récents sont affichés — précisez les filtres. L'export CSV contient tout."))
	p.More.Importance = widget.WarningImportance
	p.More.Wrapping = fyne.TextWrapWord
	p.More.Hide()
	p.Empty = widget.NewLabel(lang.X("journal.empty", "Aucun événement ne correspond aux filtres."))
	p.Empty.Hide()
	p.Selected = widget.NewLabel("")
	p.Selected.Wrapping = fyne.TextWrapWord
	p.Selected.Selectable = true
	p.Selected.Hide()

	p.List = widget.NewList(
		func() int { return len(p.Events) },
		newJournalRow,
		func(id widget.ListItemID, o fyne.CanvasObject) {
			c, ok := o.(*fyne.Container)
			if !ok || id < 0 || id >= len(p.Events) {
				return
			}
			for i, t := range p.rowTexts(p.Events[id]) {
				c.Objects[i].(*fyne.Container).Objects[0].(*widget.Label).SetText(t)
			}
		},
	)
	p.List.OnSelected = func(id widget.ListItemID) {
		u.idle.touch()
		if id < 0 || id >= len(p.Events) {
			return
		}
		t := p.rowTexts(p.Events[id])
		p.Selected.SetText(t[0] + " — " + t[1] + "\n" +
			lang.X("journal.who", "Qui") + " : " + t[2] + "\n" +
			lang.X("journal.whom", "À qui") + " : " + t[3] + "\n" +
			lang.X("journal.detail", "Détail") + " : " + t[4])
		p.Selected.Show()
		p.relayout()
	}

	header := container.New(journalColumns(),
		columnHead(lang.X("journal.when", "Quand")),
		columnHead(lang.X("journal.event", "Événement")),
		columnHead(lang.X("journal.who", "Qui")),
		columnHead(lang.X("journal.whom", "À qui")),
		columnHead(lang.X("journal.detail", "Détail")),
	)
	top := container.NewVBox(filters, p.Status.Progress, p.Status.Message, p.More, widget.NewSeparator(), header, widget.NewSeparator())
	bottom := container.NewVBox(p.Empty, p.Selected)
	p.content = container.NewPadded(container.NewBorder(top, bottom, nil, nil, p.List))

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

func labelled(label string, field fyne.CanvasObject) fyne.CanvasObject {
	return container.NewVBox(widget.NewLabel(label), field)
}

// journalColumns are the shares of the width of the journal's columns:
// when, event, who, to whom, detail.
func journalColumns() fyne.Layout {
	return &weightedColumns{weights: []float32{1.9, 4, 2.5, 2.5, 3}}
}

// newJournalRow is two lines high: long event names, e-mails and details
// wrap instead of being cut (tapping a row shows the whole event).
func newJournalRow() fyne.CanvasObject {
	cells := make([]fyne.CanvasObject, 5)
	for i := range cells {
		l := widget.NewLabel("")
		l.Wrapping = fyne.TextWrapWord
		l.Truncation = fyne.TextTruncateEllipsis
		cells[i] = container.New(twoLines{}, l)
	}
	return container.New(journalColumns(), cells...)
}

// RowText returns what row i of the list shows: time, event, who, to whom,
// detail; nil past the end.
func (p *JournalPage) RowText(i int) []string {
	if i < 0 || i >= len(p.Events) {
		return nil
	}
	t := p.rowTexts(p.Events[i])
	return t[:]
}

func (p *JournalPage) rowTexts(e apetitspas.AuditEvent) [5]string {
	event := e.Event
	if label, ok := p.labels[e.Event]; ok {
		event = label + " (" + e.Event + ")"
	}
	orDash := func(s string) string {
		if s == "" {
			return "—"
		}
		return s
	}
	return [5]string{e.Time.Local().Format(journalTimeFormat), event, orDash(e.Actor), orDash(e.Target), e.Detail}
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
	events, err := p.u.svc.Audit(context.Background(), p.u.sess, f)
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
	p.Selected.Hide()
	p.List.UnselectAll()
	p.List.ScrollToOffset(0) // newest first: back to the top
	p.relayout()             // the list, and the lines that appeared or disappeared
}

// readFilter turns the filter fields into a journal filter.
func (p *JournalPage) readFilter() (apetitspas.AuditFilter, bool) {
	var f apetitspas.AuditFilter
	if i := p.Event.SelectedIndex(); i > 0 && i <= len(journalEvents) {
		f.Event = journalEvents[i-1]
	}
	f.Person = apetitspas.NormalizeEmail(p.Person.Text)
	since, ok := p.readDate(p.From.Text)
	if !ok {
		return f, false
	}
	until, ok := p.readDate(p.To.Text)
	if !ok {
		return f, false
	}
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

// readDate reads a date AAAA-MM-JJ (local midnight); "" is no date.
func (p *JournalPage) readDate(text string) (time.Time, bool) {
	text = strings.TrimSpace(text)
	if text == "" {
		return time.Time{}, true
	}
	d, err := time.ParseInLocation("2006-01-02", text, time.Local)
	if err != nil {
		p.Status.error(lang.X("journal.bad_date", "La date « {{.Date}} » n'est pas valide. Écrivez-la sous la forme AAAA-MM-JJ, par exemple {{.Example}}.",
			map[string]any{"Date": text, "Example": p.u.svc.Now().Local().Format("2006-01-02")}))
		return time.Time{}, false
	}
	return d, true
}

func (p *JournalPage) clear() {
	p.Person.SetText("")
	p.From.SetText("")
	p.To.SetText("")
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
	f, sess := p.filter, p.u.sess
	d := dialog.NewFileSave(func(w fyne.URIWriteCloser, err error) {
		p.SaveDialog = nil
		if err != nil {
			p.Status.error(lang.X("journal.export_failed", "Le fichier n'a pas pu être enregistré. Choisissez un autre dossier (par exemple Documents) et réessayez."))
			return
		}
		if w == nil {
			return // cancelled
		}
		name := w.URI().Name()
		count := 0
		var writeErr error
		p.Export.Disable()
		p.Status.busy()
		p.u.background(func() error {
			events, err := p.u.svc.Audit(context.Background(), sess, f)
			if err != nil {
				_ = w.Close()
				return err
			}
			count = len(events)
			writeErr = writeJournalCSV(w, events)
			if cerr := w.Close(); writeErr == nil {
				writeErr = cerr
			}
			return nil
		}, func(err error) {
			p.Export.Enable()
			switch {
			case err != nil:
				p.Status.error(ErrorText(err))
			case writeErr != nil:
				p.Status.error(lang.X("journal.export_failed", "Le fichier n'a pas pu être enregistré. Choisissez un autre dossier (par exemple Documents) et réessayez."))
			default:
				p.Status.info(lang.X("journal.exported", "Journal exporté : {{.Count}} événements dans {{.File}}.", map[string]any{"Count": count, "File": name}))
			}
		})
	}, p.u.win)
	d.SetFileName("journal-" + p.u.svc.Now().Local().Format("2006-01-02") + ".csv")
	d.SetFilter(storage.NewExtensionFileFilter([]string{".csv"}))
	p.SaveDialog = d
	d.Show()
}

// writeJournalCSV writes events as CSV for a spreadsheet: UTF-8 with a
// byte-order mark (so Excel reads the accents), a header line
// time,event,actor,target,detail, and RFC 3339 times. A value that a
// spreadsheet would take for a formula is prefixed with an apostrophe.
func writeJournalCSV(w io.Writer, events []apetitspas.AuditEvent) error {
	bw := bufio.NewWriter(w)
	if _, err := bw.WriteString("\uFEFF"); err != nil {
		return err
	}
	cw := csv.NewWriter(bw)
	cw.UseCRLF = true
	if err := cw.Write([]string{"time", "event", "actor", "target", "detail"}); err != nil {
		return err
	}
	for _, e := range events {
		rec := []string{e.Time.Local().Format(time.RFC3339), csvCell(e.Event), csvCell(e.Actor), csvCell(e.Target), csvCell(e.Detail)}
		if err := cw.Write(rec); err != nil {
			return err
		}
	}
	cw.Flush()
	if err := cw.Error(); err != nil {
		return err
	}
	return bw.Flush()
}

// csvCell defuses values a spreadsheet would run as a formula.
func csvCell(s string) string {
	if s != "" && strings.ContainsRune("=+-@\t\r", rune(s[0])) {
		return "'" + s
	}
	return s
}
