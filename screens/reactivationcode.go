package screens

import (
	"bytes"
	"io"
	"strings"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/dialog"
	"fyne.io/fyne/v2/lang"

	"fyne.io/fyne/v2/theme"
	"fyne.io/fyne/v2/widget"

	apetitspas "github.com/apetitspas/apetitspas/app"
)

// reactivationCodeDialog shows, once, the reactivation code of a reset
// (or of « Nouveau code de réactivation »): big and grouped, with its
// expiry, a copy button and « Imprimer / Enregistrer en PDF » (a one-page
// sheet to hand over in person). Closed, it is gone: the service keeps
// only a keyed hash.
type reactivationCodeDialog struct {
	dialog  *dialog.CustomDialog
	message *wrapLabel
	code    *widget.Label
	expires *wrapLabel
	copy    *button
	print   *button
	status  *status
	note    *wrapLabel
	close   *button
	sheet   reactivationSheet
}

func newReactivationCodeDialog(u *UI, name string, rc apetitspas.ReactivationCode, closed func()) *reactivationCodeDialog {
	d := &reactivationCodeDialog{status: newStatus()}
	d.sheet = reactivationSheet{daycare: u.daycare, name: name, email: rc.Email, code: rc.Code, expires: rc.Expires, made: u.api.Now()}
	d.message = wrapped(elide(lang.X("reactivation.for", "Code de réactivation de {{.Name}} ({{.Email}}) :",
		map[string]any{"Name": name, "Email": rc.Email})))
	d.code = widget.NewLabelWithStyle(rc.Code, fyne.TextAlignCenter, fyne.TextStyle{Monospace: true})
	d.code.SizeName = theme.SizeNameHeadingText
	d.code.Selectable = true
	d.expires = wrapped(lang.X("reactivation.valid_until", "Valide une seule fois, jusqu'au {{.Expires}}.",
		map[string]any{"Expires": formatDateTime(rc.Expires)}))
	d.expires.TextStyle = fyne.TextStyle{Bold: true}
	d.copy = newButton(lang.X("users.copy", "Copier"), theme.ContentCopyIcon(), func() {
		u.idle.touch()
		fyne.CurrentApp().Clipboard().SetContent(rc.Code)
		d.status.show(lang.X("reactivation.copied", "Code copié."), widget.SuccessImportance)
		refreshDialog(d.dialog)
	})
	d.print = newButton(lang.X("reactivation.print", "Imprimer / Enregistrer en PDF"), theme.DocumentPrintIcon(), func() { d.savePDF(u) })
	d.note = wrapped(lang.X("reactivation.note", "Remettez ce code en personne à cette personne, après avoir vérifié son identité : il ne sera plus jamais affiché. À sa prochaine connexion, après son mot de passe, elle l'entrera avant de scanner un nouveau code QR. S'il se perd ou expire, choisissez « Nouveau code de réactivation » dans Utilisateurs."))
	d.close = newButton(lang.X("reactivation.close", "J'ai remis ou noté le code"), nil, nil)
	d.close.Importance = widget.HighImportance
	content := container.NewVBox(d.message, d.code, d.expires,
		container.NewHBox(d.copy, d.print), d.status.area(), d.note, d.close)
	d.dialog = dialog.NewCustomWithoutButtons(lang.X("reactivation.dialog", "Code de réactivation"), content, u.win)
	d.close.OnTapped = func() { u.idle.touch(); d.dialog.Hide() }
	d.dialog.SetOnClosed(func() {
		d.code.SetText("") // shown once
		d.sheet.code = ""
		closed()
	})
	d.dialog.Resize(fyne.NewSize(560, 0))
	d.dialog.Show()
	u.win.Canvas().Focus(d.copy)
	return d
}

// savePDF asks where to save the sheet (a PDF the system prints or keeps),
// in the system's own save dialog where there is one. The file holds the
// code: readable by its owner only on this computer.
func (d *reactivationCodeDialog) savePDF(u *UI) {
	u.idle.touch()
	saveFile(u, d.saveRequest())
}

// saveRequest is the sheet's file; the PDF is made now, on the UI
// goroutine, and written off it.
func (d *reactivationCodeDialog) saveRequest() saveRequest {
	var pdf bytes.Buffer
	made := writeReactivationPDF(&pdf, d.sheet)
	return saveRequest{
		title:   lang.X("reactivation.save_title", "Enregistrer le code de réactivation"),
		name:    pdfName(d.sheet.email),
		kind:    kindPDF,
		private: true,
		write: func(w io.Writer) error {
			if made != nil {
				return made
			}
			_, err := w.Write(pdf.Bytes())
			return err
		},
		done: d.saved,
	}
}

// saved says where the sheet went ("" when cancelled).
func (d *reactivationCodeDialog) saved(file string, err error) {
	if err == nil && file == "" {
		return
	}
	if err != nil {
		d.status.error(lang.X("reactivation.pdf_failed", "Le PDF n'a pas pu être enregistré : {{.Error}}", map[string]any{"Error": err.Error()}))
	} else {
		d.status.show(lang.X("reactivation.pdf_saved", "PDF enregistré : ouvrez-le pour l'imprimer, puis supprimez le fichier."), widget.SuccessImportance)
	}
	refreshDialog(d.dialog)
}

// pdfName is the suggested file name: « code-reactivation-karim.pdf ».
func pdfName(email string) string {
	local, _, _ := strings.Cut(email, "@")
	var b strings.Builder
	for _, r := range local {
		if r < 0x80 && (r >= 'a' && r <= 'z' || r >= '0' && r <= '9' || r == '-' || r == '.') {
			b.WriteRune(r)
		}
	}
	return "code-reactivation-" + b.String() + ".pdf"
}
