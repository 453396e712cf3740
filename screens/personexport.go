package screens

import (
	"context"
	"io"
	"strings"
	"unicode"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/dialog"
	"fyne.io/fyne/v2/lang"
	"fyne.io/fyne/v2/theme"
	"fyne.io/fyne/v2/widget"

	apetitspas "github.com/apetitspas/apetitspas/app"
	"github.com/apetitspas/apetitspas/assets/report"
)

// personExportDialog is « Exporter les données… » (Utilisateurs, Loi 25):
// a person's account, the state of her multi-factor sign-in and the
// journal's rows about her, as a PDF to read or print or as JSON for
// another program. Each file is read from the service when it is saved
// (the service journals it: user.exported) and is readable by its owner
// only on this computer.
type personExportDialog struct {
	u      *UI
	target apetitspas.User
	dialog *dialog.CustomDialog

	savePDF  *button
	saveJSON *button
	close    *button
	status   *wrapLabel
	// saveDialog is Fyne's save dialog while it is open.
	saveDialog *dialog.FileDialog
}

// exportPerson opens the export of the selected account.
func (p *usersPage) exportPerson() {
	user := p.selected
	if user == nil || p.perm == nil || p.exportBtn.Disabled() {
		return
	}
	p.u.idle.touch()
	p.exporting = showPersonExport(p.u, *user, func() { p.exporting = nil })
}

func showPersonExport(u *UI, target apetitspas.User, closed func()) *personExportDialog {
	x := &personExportDialog{u: u, target: target}
	text := wrapped(elide(lang.X("person_export.text", "Le fichier contient le compte de {{.Name}} ({{.Email}}), l'état de sa connexion multi-facteurs et les lignes du journal qui la concernent. Le PDF se lit et s'imprime ; le JSON sert à un autre logiciel.\n\nLe fichier ne sera lisible que par votre compte sur cet ordinateur : remettez-le à la personne de façon sûre. L'exportation est notée dans le journal.",
		map[string]any{"Name": target.Name, "Email": target.Email})))
	x.status = wrapped("")
	x.status.Hide()
	x.savePDF = newButton(lang.X("report.save_pdf", "Enregistrer en PDF"), theme.DocumentSaveIcon(), func() { x.save(apetitspas.ReportPDF) })
	x.saveJSON = newButton(lang.X("person_export.save_json", "Enregistrer en JSON"), theme.DocumentSaveIcon(), func() { x.save(apetitspas.ExportJSON) })
	x.close = newButton(lang.X("report.close", "Fermer"), nil, func() { x.dialog.Hide() })
	body := container.NewVBox(text, container.NewHBox(x.savePDF, x.saveJSON), x.status)
	x.dialog = u.newDialog(elide(lang.X("person_export.title", "Exporter les données de {{.Name}}", map[string]any{"Name": target.Name})), body, nil, x.close)
	x.dialog.SetOnClosed(closed)
	x.dialog.Resize(fyne.NewSize(min(560, max(u.win.Canvas().Size().Width-40, 300)), 0))
	x.dialog.Show()
	u.win.Canvas().Focus(x.savePDF)
	return x
}

// save asks where to write the export in format, then reads it from the
// service and writes it, off the UI goroutine.
func (x *personExportDialog) save(format string) {
	x.u.idle.touch()
	x.saveDialog = saveFile(x.u, x.saveRequest(format))
}

func (x *personExportDialog) saveRequest(format string) saveRequest {
	language, h, email := journalLocale(), snapshot(x.u.handle), x.target.Email
	kind := kindJSON
	if format == apetitspas.ReportPDF {
		kind = kindPDF
	}
	var exportErr error
	var rows int
	return saveRequest{
		title:   lang.X("person_export.save_title", "Enregistrer les données de la personne"),
		name:    lang.X("person_export.file_name", "donnees") + "-" + fileSafe(x.target.Name) + "-" + x.u.api.Now().Local().Format("2006-01-02") + kind.exts[0],
		kind:    kind,
		private: true,
		chosen: func() {
			x.saveDialog = nil
			enable(false, x.savePDF, x.saveJSON)
		},
		write: func(out io.Writer) error {
			var ex report.PersonExport
			d, err := x.u.api.ExportPerson(context.Background(), h, email, []string{format}, func(page []apetitspas.AuditEvent) error {
				ex.Rows = append(ex.Rows, page...)
				return nil
			})
			if err != nil {
				exportErr = err
				return err
			}
			ex.Data, rows = d, len(ex.Rows)
			if format == apetitspas.ReportPDF {
				return report.WritePersonPDF(out, language, ex)
			}
			return report.WritePersonJSON(out, ex)
		},
		done: func(file string, err error) {
			x.saveDialog = nil
			if err == nil && file == "" {
				return // cancelled
			}
			enable(true, x.savePDF, x.saveJSON)
			switch {
			case exportErr != nil:
				x.say(ErrorText(exportErr), widget.DangerImportance)
			case err != nil:
				x.say(lang.X("person_export.save_failed", "Le fichier n'a pas pu être enregistré. Choisissez un autre dossier et réessayez."), widget.DangerImportance)
			default:
				x.say(lang.X("person_export.saved", "Données enregistrées dans {{.File}} ({{.Count}} lignes du journal).", map[string]any{"File": file, "Count": rows}), widget.SuccessImportance)
			}
		},
	}
}

func (x *personExportDialog) say(text string, imp widget.Importance) {
	x.status.Importance = imp
	x.status.SetText(text)
	x.status.Show()
	refreshDialog(x.dialog)
}

// fileSafe is name as a part of a file name: letters and digits kept
// (accents too), anything else one hyphen.
func fileSafe(name string) string {
	var b strings.Builder
	dash := false
	for _, r := range name {
		if unicode.IsLetter(r) || unicode.IsDigit(r) {
			b.WriteRune(r)
			dash = false
		} else if !dash && b.Len() > 0 {
			b.WriteByte('-')
			dash = true
		}
	}
	return strings.TrimSuffix(b.String(), "-")
}
