package screens

import (
	"context"
	"io"
	"slices"
	"strconv"
	"strings"
	"time"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/dialog"
	"fyne.io/fyne/v2/lang"
	"fyne.io/fyne/v2/theme"
	"fyne.io/fyne/v2/widget"

	apetitspas "github.com/apetitspas/apetitspas/app"
	"github.com/apetitspas/apetitspas/assets/report"
)

// Sécurité → « Registre des incidents » (Loi 25): the register of
// confidentiality incidents. The service keeps it in the journal and opens
// a draft for each detection (app/incidents.go); here an administrator
// reads it, completes or dismisses the drafts, writes an entry by hand,
// and saves it as PDF or CSV.

// incidentsCard is the register's section of the Sécurité page: what it
// is, how many drafts wait, and « Ouvrir le registre ».
type incidentsCard struct {
	u      *UI
	card   *widget.Card
	count  *wrapLabel
	open   *button
	dialog *incidentRegisterDialog
}

func newIncidentsCard(u *UI) *incidentsCard {
	c := &incidentsCard{u: u}
	help := wrapped(lang.X("incident.help", "La loi oblige la garderie à inscrire chaque incident de confidentialité dans un registre, même s'il n'est pas grave, et à le garder au moins cinq ans. Quand À petits pas détecte un événement qui pourrait en être un (fichier modifié, réinitialisation d'urgence, compte verrouillé après des essais répétés, restauration…), un brouillon s'ouvre ici : complétez-le, ou écartez-le en disant pourquoi."))
	c.count = wrapped("")
	c.count.Importance = widget.WarningImportance
	c.count.Hide()
	c.open = newButton(lang.X("incident.open", "Ouvrir le registre"), theme.DocumentIcon(), func() {
		u.idle.touch()
		c.dialog = showIncidentRegister(u, func() { c.dialog = nil; c.load() })
	})
	c.card = sectionCard(lang.X("incident.title", "Registre des incidents de confidentialité"), help, c.count,
		container.NewHBox(c.open))
	c.load()
	return c
}

// load counts the drafts waiting, in the background.
func (c *incidentsCard) load() {
	var reg []apetitspas.Incident
	c.u.readWork(func(h *apetitspas.Handle) error {
		var err error
		reg, err = c.u.api.Incidents(context.Background(), h)
		return err
	}, func(err error) {
		if err != nil {
			c.count.SetText(ErrorText(err))
			c.count.Show()
			return
		}
		n := 0
		for _, x := range reg {
			if x.Status == apetitspas.IncidentDraft {
				n++
			}
		}
		c.count.Hidden = n == 0
		c.count.SetText(lang.X("incident.drafts_waiting", "Brouillons à compléter ou à écarter : {{.N}}", map[string]any{"N": n}))
	})
}

// incidentRegisterDialog is the register: its entries in a list (drafts
// first), « Nouvelle entrée », and the saves as PDF and CSV.
type incidentRegisterDialog struct {
	u      *UI
	dialog *dialog.CustomDialog
	reg    []apetitspas.Incident

	summary  *wrapLabel
	list     *widget.List
	add      *button
	savePDF  *button
	saveCSV  *button
	close    *button
	status   *wrapLabel
	form     *incidentForm
	saveFile *dialog.FileDialog
}

func showIncidentRegister(u *UI, closed func()) *incidentRegisterDialog {
	r := &incidentRegisterDialog{u: u}
	r.summary = wrapped(lang.X("report.loading", "Lecture du rapport…"))
	r.status = wrapped("")
	r.status.Hide()
	r.list = widget.NewList(func() int { return len(r.reg) },
		func() fyne.CanvasObject {
			title := widget.NewLabel("")
			title.TextStyle = fyne.TextStyle{Bold: true}
			title.Truncation = fyne.TextTruncateEllipsis
			line := widget.NewLabel("")
			line.Truncation = fyne.TextTruncateEllipsis
			return container.NewVBox(title, line)
		},
		func(i widget.ListItemID, o fyne.CanvasObject) {
			if i >= len(r.reg) {
				return
			}
			box := o.(*fyne.Container)
			title, line := incidentRowText(r.reg[i])
			box.Objects[0].(*widget.Label).SetText(title)
			box.Objects[1].(*widget.Label).SetText(line)
		})
	r.list.OnSelected = func(i widget.ListItemID) {
		r.list.UnselectAll()
		if i < len(r.reg) {
			r.edit(r.reg[i])
		}
	}
	r.add = newButton(lang.X("incident.new", "Nouvelle entrée"), theme.ContentAddIcon(), func() { r.edit(apetitspas.Incident{}) })
	r.savePDF = newButton(lang.X("report.save_pdf", "Enregistrer en PDF"), theme.DocumentSaveIcon(), func() { r.save(apetitspas.ReportPDF) })
	r.saveCSV = newButton(lang.X("report.save_csv", "Enregistrer en CSV"), theme.DocumentSaveIcon(), func() { r.save(apetitspas.ReportCSV) })
	enable(false, r.add, r.savePDF, r.saveCSV)
	r.close = newButton(lang.X("report.close", "Fermer"), nil, func() { r.dialog.Hide() })
	top := container.NewVBox(r.summary, container.NewHBox(r.add, r.savePDF, r.saveCSV), r.status)
	r.dialog = u.newDialog(lang.X("incident.title", "Registre des incidents de confidentialité"),
		container.NewBorder(top, nil, nil, nil, r.list), nil, r.close)
	r.dialog.SetOnClosed(closed)
	size := u.win.Canvas().Size()
	r.dialog.Resize(fyne.NewSize(max(size.Width-40, 300), max(size.Height-40, 300)))
	r.dialog.Show()
	u.win.Canvas().Focus(r.close)
	r.load()
	return r
}

// load reads the register, in the background.
func (r *incidentRegisterDialog) load() {
	var reg []apetitspas.Incident
	r.u.readWork(func(h *apetitspas.Handle) error {
		var err error
		reg, err = r.u.api.Incidents(context.Background(), h)
		return err
	}, func(err error) {
		if err != nil {
			r.summary.SetText(ErrorText(err))
			r.summary.Importance = widget.DangerImportance
			r.summary.Refresh()
			return
		}
		r.reg = showErasedInRegister(reg)
		drafts, entries := 0, 0
		for _, x := range reg {
			switch x.Status {
			case apetitspas.IncidentDraft:
				drafts++
			case apetitspas.IncidentRecorded:
				entries++
			}
		}
		r.summary.SetText(lang.X("incident.summary", "Entrées : {{.Entries}} — brouillons à traiter : {{.Drafts}}. Choisissez une ligne pour la lire ou la compléter.",
			map[string]any{"Entries": entries, "Drafts": drafts}))
		r.list.Refresh()
		enable(true, r.add, r.savePDF, r.saveCSV)
	})
}

// showErasedInRegister writes « Personne effacée (n° N) » where an entry
// names an erased person (the service gives her reference, "{p:N}").
func showErasedInRegister(reg []apetitspas.Incident) []apetitspas.Incident {
	return apetitspas.ShowErased(reg, erasedPerson)
}

// incidentRowText is a row of the list: what and when, then where it
// stands.
func incidentRowText(x apetitspas.Incident) (title, line string) {
	language := journalLocale()
	what := report.DetectionWord(language, x)
	switch x.Status {
	case apetitspas.IncidentDraft:
		title = lang.X("incident.row_draft", "Brouillon — {{.What}}", map[string]any{"What": what})
		line = formatDateTime(x.Detected)
		if x.SourceTarget != "" {
			line += " — " + x.SourceTarget
		}
		if x.Detections > 1 {
			line += " — " + lang.X("incident.row_times", "{{.N}} détections rapprochées", map[string]any{"N": x.Detections})
		}
	case apetitspas.IncidentDismissed:
		title = lang.X("incident.row_dismissed", "Écarté — {{.What}}", map[string]any{"What": what})
		line = formatDateTime(x.Detected) + " — " + x.Reason
	default:
		title = lang.X("incident.row_entry", "N° {{.Number}} — {{.What}}", map[string]any{"Number": x.Number, "What": firstLine(x.Information)})
		line = report.RiskWord(language, x.Risk) + " — " + lang.X("incident.row_changed", "modifiée le {{.When}}", map[string]any{"When": formatDateTime(x.At)})
	}
	return title, strings.ReplaceAll(line, "\n", " ")
}

func (r *incidentRegisterDialog) edit(x apetitspas.Incident) {
	r.u.idle.touch()
	r.form = showIncidentForm(r.u, x, func(changed bool) {
		r.form = nil
		if changed {
			r.load()
		}
	})
}

// save writes the register in format (PDF or CSV), owner only.
func (r *incidentRegisterDialog) save(format string) {
	r.u.idle.touch()
	r.saveFile = saveFile(r.u, r.saveRequest(format))
}

func (r *incidentRegisterDialog) saveRequest(format string) saveRequest {
	language := journalLocale()
	reg := report.Register{Daycare: r.u.daycare, Made: r.u.api.Now(), Entries: r.reg}
	kind := kindCSV
	if format == apetitspas.ReportPDF {
		kind = kindPDF
	}
	return saveRequest{
		title:   lang.X("incident.save_title", "Enregistrer le registre des incidents"),
		name:    lang.X("incident.file_name", "registre-incidents") + "-" + reg.Made.Local().Format("2006-01-02") + kind.exts[0],
		kind:    kind,
		private: true,
		chosen: func() {
			r.saveFile = nil
			enable(false, r.savePDF, r.saveCSV)
		},
		write: func(out io.Writer) error {
			if format == apetitspas.ReportPDF {
				return report.WriteRegisterPDF(out, language, reg)
			}
			return report.WriteRegisterCSV(out, language, reg)
		},
		done: func(file string, err error) {
			r.saveFile = nil
			enable(true, r.savePDF, r.saveCSV)
			switch {
			case err == nil && file == "":
				return
			case err != nil:
				r.say(lang.X("person_export.save_failed", "Le fichier n'a pas pu être enregistré. Choisissez un autre dossier et réessayez."), widget.DangerImportance)
			default:
				r.say(lang.X("incident.saved", "Registre enregistré dans {{.File}}.", map[string]any{"File": file}), widget.SuccessImportance)
			}
		},
	}
}

func (r *incidentRegisterDialog) say(text string, imp widget.Importance) {
	r.status.Importance = imp
	r.status.SetText(text)
	r.status.Show()
	refreshDialog(r.dialog)
}

// incidentForm is one entry: the Commission's fields, to complete a
// draft, change an entry or write a new one; a draft may instead be
// dismissed with a reason.
type incidentForm struct {
	u      *UI
	x      apetitspas.Incident
	dialog *dialog.CustomDialog

	information, circumstances, period, people *widget.Entry
	risk                                       *ringSelect
	riskAssessment, measures                   *widget.Entry
	// knownOn, caiNotified and peopleNotified are days chosen on a
	// calendar (never typed).
	knownOn, caiNotified, peopleNotified *dateField
	save, dismiss, cancel                *button
	status                               *relaidStatus
	// reason is the dismissal's reason, asked in a second dialog.
	reason        *widget.Entry
	reasonDialog  *dialog.CustomDialog
	reasonConfirm *button
	working       bool
}

var riskValues = []string{apetitspas.RiskToAssess, apetitspas.RiskSerious, apetitspas.RiskNotSerious}

func riskWord(v string) string { return report.RiskWord(journalLocale(), v) }

func showIncidentForm(u *UI, x apetitspas.Incident, closed func(changed bool)) *incidentForm {
	f := &incidentForm{u: u, x: x}
	changed := false
	multi := func(text string) *widget.Entry {
		e := u.newEntry(false)
		e.MultiLine, e.Wrapping = true, fyne.TextWrapWord
		e.SetMinRowsVisible(3)
		e.SetText(text)
		return e
	}
	single := func(text, placeholder string) *widget.Entry {
		e := u.newEntry(false)
		e.SetText(text)
		e.SetPlaceHolder(placeholder)
		return e
	}
	f.information = multi(x.Information)
	f.circumstances = multi(x.Circumstances)
	f.period = single(x.Period, lang.X("incident.period_hint", "ex. : 2026-12-03, ou du 1er au 3 décembre"))
	day := func(d string) *dateField {
		field := newDateField(lang.X("journal.date_any", "Choisir…"), u.api.Now, nil)
		if t, err := time.ParseInLocation(time.DateOnly, d, time.Local); err == nil {
			field.setDate(t)
		}
		return field
	}
	f.knownOn = day(x.KnownOn)
	f.people = single(strconv.Itoa(x.People), "0")
	options := make([]string, len(riskValues))
	for i, v := range riskValues {
		options[i] = riskWord(v)
	}
	f.risk = newSelect(options, nil)
	f.risk.SetSelectedIndex(max(0, slices.Index(riskValues, x.Risk)))
	f.riskAssessment = multi(x.RiskAssessment)
	f.caiNotified = day(x.CAINotified)
	f.peopleNotified = day(x.PeopleNotified)
	f.measures = multi(x.Measures)
	f.status = newRelaidStatus(func() { refreshDialog(f.dialog) })

	label := func(key, fallback string) *widget.Label {
		l := widget.NewLabel(lang.X(key, fallback))
		l.TextStyle = fyne.TextStyle{Bold: true}
		l.Wrapping = fyne.TextWrapWord
		return l
	}
	var head []fyne.CanvasObject
	title := lang.X("incident.new", "Nouvelle entrée")
	switch x.Status {
	case apetitspas.IncidentDraft:
		title = lang.X("incident.complete_title", "Compléter le brouillon")
		what := report.DetectionWord(journalLocale(), x)
		head = append(head, wrapped(lang.X("incident.draft_intro", "Détecté le {{.When}} : {{.What}}. S'il s'agit d'un incident de confidentialité, complétez l'entrée et enregistrez-la ; sinon, écartez le brouillon en disant pourquoi.",
			map[string]any{"When": formatDateTime(x.Detected), "What": what})))
	case apetitspas.IncidentRecorded:
		title = lang.X("incident.entry_title", "Entrée n° {{.Number}}", map[string]any{"Number": x.Number})
	case apetitspas.IncidentDismissed:
		title = lang.X("incident.dismissed_title", "Brouillon écarté")
		head = append(head, wrapped(lang.X("incident.dismissed_intro", "Écarté par {{.By}} le {{.When}} : {{.Reason}}",
			map[string]any{"By": x.By, "When": formatDateTime(x.At), "Reason": x.Reason})))
	}
	fields := container.NewVBox(head...)
	fields.Add(label("journal.f.information", "Renseignements personnels visés"))
	fields.Add(f.information)
	fields.Add(label("journal.f.circumstances", "Circonstances"))
	fields.Add(f.circumstances)
	fields.Add(container.NewGridWithColumns(2,
		container.NewVBox(label("journal.f.period", "Date ou période de l'incident"), f.period),
		container.NewVBox(label("journal.f.known_on", "Date de la prise de connaissance"), f.knownOn)))
	fields.Add(container.NewGridWithColumns(2,
		container.NewVBox(label("journal.f.people", "Nombre de personnes concernées"), f.people),
		container.NewVBox(label("journal.f.risk", "Risque de préjudice sérieux"), f.risk)))
	fields.Add(label("journal.f.risk_assessment", "Évaluation du risque"))
	fields.Add(f.riskAssessment)
	fields.Add(container.NewGridWithColumns(2,
		container.NewVBox(label("journal.f.cai_notified_on", "Avis à la Commission d'accès à l'information"), f.caiNotified),
		container.NewVBox(label("journal.f.people_notified_on", "Avis aux personnes concernées"), f.peopleNotified)))
	fields.Add(label("journal.f.measures", "Mesures prises"))
	fields.Add(f.measures)

	f.cancel = newButton(lang.X("mfa.confirm_cancel", "Annuler"), nil, func() { f.dialog.Hide() })
	f.save = newButton(lang.X("incident.save", "Enregistrer au registre"), theme.DocumentSaveIcon(), func() {
		f.submit(func() { changed = true; f.dialog.Hide() })
	})
	f.save.Importance = widget.HighImportance
	f.dismiss = newButton(lang.X("incident.dismiss", "Écarter ce brouillon…"), nil, func() {
		f.askReason(func() { changed = true; f.dialog.Hide() })
	})
	buttons := []*button{f.cancel, f.save}
	switch x.Status {
	case apetitspas.IncidentDraft:
		buttons = []*button{f.cancel, f.dismiss, f.save}
	case apetitspas.IncidentDismissed:
		f.cancel.SetText(lang.X("report.close", "Fermer"))
		buttons = []*button{f.cancel}
		for _, e := range f.entries() {
			e.Disable()
		}
		for _, d := range []*dateField{f.knownOn, f.caiNotified, f.peopleNotified} {
			d.disable()
		}
		f.risk.Disable()
	}
	body := container.NewBorder(nil, container.NewVBox(f.status.progress, f.status.message), nil, nil,
		container.NewVScroll(fields))
	f.dialog = u.newDialog(title, body, nil, buttons...)
	f.dialog.SetOnClosed(func() { closed(changed) })
	size := u.win.Canvas().Size()
	f.dialog.Resize(fyne.NewSize(min(max(size.Width-40, 300), 760), max(size.Height-40, 300)))
	f.dialog.Show()
	if x.Status == apetitspas.IncidentDismissed {
		u.win.Canvas().Focus(f.cancel)
	} else {
		u.win.Canvas().Focus(f.information)
	}
	return f
}

func (f *incidentForm) entries() []*widget.Entry {
	return []*widget.Entry{f.information, f.circumstances, f.period, f.people, f.riskAssessment, f.measures}
}

// submit sends the entry; a refusal is said under the fields, which keep
// what was typed.
func (f *incidentForm) submit(done func()) {
	if f.working {
		return
	}
	f.u.idle.touch()
	people, err := strconv.Atoi(strings.TrimSpace(f.people.Text))
	if err != nil {
		f.status.error(ErrorText(&apetitspas.Error{Code: apetitspas.EINVALID, Reason: apetitspas.ReasonIncidentPeople, Limit: apetitspas.MaxIncidentPeople}))
		f.u.win.Canvas().Focus(f.people)
		return
	}
	in := f.x
	in.Information, in.Circumstances, in.Period = f.information.Text, f.circumstances.Text, f.period.Text
	in.KnownOn, in.People = f.knownOn.day(), people
	in.Risk = riskValues[max(0, f.risk.SelectedIndex())]
	in.RiskAssessment, in.CAINotified, in.PeopleNotified = f.riskAssessment.Text, f.caiNotified.day(), f.peopleNotified.day()
	in.Measures = f.measures.Text
	if in.Status == apetitspas.IncidentDraft {
		in.Number = 0
	}
	f.working = true
	f.status.busy()
	f.u.sessionWork(func(h *apetitspas.Handle) error {
		_, err := f.u.api.SaveIncident(context.Background(), h, in)
		return err
	}, func(err error) {
		f.working = false
		f.status.idle()
		if err != nil {
			f.status.error(ErrorText(err))
			return
		}
		done()
	})
}

// askReason asks why the draft is no incident, then dismisses it.
func (f *incidentForm) askReason(done func()) {
	f.u.idle.touch()
	f.reason = f.u.newEntry(false)
	f.reason.MultiLine, f.reason.Wrapping = true, fyne.TextWrapWord
	f.reason.SetMinRowsVisible(3)
	status := newRelaidStatus(func() { refreshDialog(f.reasonDialog) })
	text := wrapped(lang.X("incident.dismiss_text", "Pourquoi n'est-ce pas un incident de confidentialité ? Par exemple : «\u00a0Karim avait oublié son mot de passe ; il l'a confirmé en personne.\u00a0» La raison est gardée dans le registre et dans le journal."))
	var confirm *button
	cancel := newButton(lang.X("mfa.confirm_cancel", "Annuler"), nil, func() { f.reasonDialog.Hide() })
	confirm = newButton(lang.X("incident.dismiss_confirm", "Écarter le brouillon"), nil, func() {
		if f.working {
			return
		}
		f.working = true
		status.busy()
		reason, source := f.reason.Text, f.x.Source
		f.u.sessionWork(func(h *apetitspas.Handle) error {
			return f.u.api.DismissIncident(context.Background(), h, source, reason)
		}, func(err error) {
			f.working = false
			status.idle()
			if err != nil {
				status.error(ErrorText(err))
				return
			}
			f.reasonDialog.Hide()
			done()
		})
	})
	confirm.Importance = widget.HighImportance
	f.reasonConfirm = confirm
	f.reasonDialog = f.u.newDialog(lang.X("incident.dismiss_title", "Écarter ce brouillon ?"),
		container.NewVBox(text, f.reason, status.progress, status.message), nil, cancel, confirm)
	f.reasonDialog.Resize(fyne.NewSize(520, 0))
	f.reasonDialog.Show()
	f.u.win.Canvas().Focus(f.reason)
}
