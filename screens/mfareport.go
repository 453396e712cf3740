package screens

import (
	"context"
	"io"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/dialog"
	"fyne.io/fyne/v2/lang"
	"fyne.io/fyne/v2/theme"
	"fyne.io/fyne/v2/widget"

	apetitspas "github.com/apetitspas/apetitspas/app"
	"github.com/apetitspas/apetitspas/assets/report"
)

// mfaReportDialog is « Rapport AMF » (Accueil, administrators): the
// staff's multi-factor state in a table that scrolls, and « Enregistrer
// en PDF » and « Enregistrer en CSV » to print it or open it in a
// spreadsheet. The report comes from the service (app.MFAReport); saving
// is journaled there (report.mfa_exported, format and count only).
type mfaReportDialog struct {
	u      *UI
	dialog *dialog.CustomDialog
	report apetitspas.MFAReport
	rows   [][]string

	summary *wrapLabel
	table   *widget.Table
	savePDF *button
	saveCSV *button
	close   *button
	status  *wrapLabel
	// saveDialog is the save dialog while it is open.
	saveDialog *dialog.FileDialog
}

// showMFAReport reads the report off the UI goroutine, then shows it.
func showMFAReport(u *UI) *mfaReportDialog {
	r := &mfaReportDialog{u: u}
	r.summary = wrapped(lang.X("report.loading", "Lecture du rapport…"))
	r.status = wrapped("")
	r.status.Hide()
	header := report.Header(journalLocale())
	r.table = widget.NewTable(func() (int, int) { return len(r.rows) + 1, len(header) },
		func() fyne.CanvasObject {
			l := widget.NewLabel("")
			l.Truncation = fyne.TextTruncateEllipsis
			return l
		},
		func(id widget.TableCellID, o fyne.CanvasObject) {
			l := o.(*widget.Label)
			if id.Row == 0 {
				l.TextStyle = fyne.TextStyle{Bold: true}
				l.SetText(header[id.Col])
				return
			}
			l.TextStyle = fyne.TextStyle{}
			if id.Row-1 < len(r.rows) && id.Col < len(r.rows[id.Row-1]) {
				l.SetText(r.rows[id.Row-1][id.Col])
			}
		})
	r.table.StickyRowCount = 1
	for i, w := range []float32{170, 200, 120, 190, 110, 110, 170} {
		r.table.SetColumnWidth(i, w)
	}
	r.savePDF = newButton(lang.X("report.save_pdf", "Enregistrer en PDF"), theme.DocumentSaveIcon(), func() { r.save(apetitspas.ReportPDF) })
	r.saveCSV = newButton(lang.X("report.save_csv", "Enregistrer en CSV"), theme.DocumentSaveIcon(), func() { r.save(apetitspas.ReportCSV) })
	r.savePDF.Disable()
	r.saveCSV.Disable()
	r.close = newButton(lang.X("report.close", "Fermer"), nil, func() { r.dialog.Hide() })
	top := container.NewVBox(r.summary, container.NewHBox(r.savePDF, r.saveCSV), r.status)
	body := container.NewBorder(top, nil, nil, nil, r.table)
	r.dialog = u.newDialog(lang.X("report.title", "Rapport AMF"), body, nil, r.close)
	size := u.win.Canvas().Size()
	r.dialog.Resize(fyne.NewSize(max(size.Width-40, 300), max(size.Height-40, 300)))
	r.dialog.Show()
	u.win.Canvas().Focus(r.close)
	h := snapshot(u.handle)
	u.background(func() error {
		rep, err := u.api.MFAReport(context.Background(), h)
		r.report = rep
		return err
	}, func(err error) {
		if err != nil {
			r.summary.SetText(ErrorText(err))
			r.summary.Importance = widget.DangerImportance
			r.summary.Refresh()
			return
		}
		r.show()
	})
	return r
}

// show fills the table with the report read.
func (r *mfaReportDialog) show() {
	language := journalLocale()
	r.rows = make([][]string, 0, len(r.report.Rows))
	for _, row := range r.report.Rows {
		r.rows = append(r.rows, report.Cells(language, row))
	}
	r.summary.SetText(lang.X("report.made", "Fait le {{.When}}", map[string]any{"When": formatDateTime(r.report.Made)}) +
		" — " + report.Summary(language, r.report))
	r.table.Refresh()
	r.savePDF.Enable()
	r.saveCSV.Enable()
}

// save asks where to write the report in format (the system's own save
// dialog where there is one), then writes it off the UI goroutine (a
// large PDF takes a moment), readable by its owner only on this computer,
// and has the service journal it.
func (r *mfaReportDialog) save(format string) {
	r.u.idle.touch()
	r.saveDialog = saveFile(r.u, r.saveRequest(format))
}

// saveRequest is the report's file in format.
func (r *mfaReportDialog) saveRequest(format string) saveRequest {
	language, rep, h := journalLocale(), r.report, snapshot(r.u.handle)
	kind := kindCSV
	if format == apetitspas.ReportPDF {
		kind = kindPDF
	}
	return saveRequest{
		title:   lang.X("report.save_title", "Enregistrer le rapport AMF"),
		name:    lang.X("report.file_name", "rapport-amf") + "-" + r.u.api.Now().Local().Format("2006-01-02") + "." + format,
		kind:    kind,
		private: true,
		chosen: func() {
			r.saveDialog = nil
			r.savePDF.Disable()
			r.saveCSV.Disable()
		},
		write: func(out io.Writer) error {
			if format == apetitspas.ReportPDF {
				return report.WritePDF(out, language, rep)
			}
			return report.WriteCSV(out, language, rep)
		},
		done: func(file string, err error) {
			r.saveDialog = nil
			if err == nil && file == "" {
				return // cancelled
			}
			if err != nil {
				r.savePDF.Enable()
				r.saveCSV.Enable()
				r.say(lang.X("report.save_failed", "Le rapport n'a pas pu être enregistré. Choisissez un autre dossier et réessayez."), widget.DangerImportance)
				return
			}
			r.u.background(func() error {
				return r.u.api.MFAReportSaved(context.Background(), h, format, len(rep.Rows))
			}, func(err error) {
				r.savePDF.Enable()
				r.saveCSV.Enable()
				if err != nil {
					r.say(ErrorText(err), widget.DangerImportance)
					return
				}
				r.say(lang.X("report.saved", "Rapport enregistré dans {{.File}}.", map[string]any{"File": file}), widget.SuccessImportance)
			})
		},
	}
}

func (r *mfaReportDialog) say(text string, imp widget.Importance) {
	r.status.Importance = imp
	r.status.SetText(text)
	r.status.Show()
}
