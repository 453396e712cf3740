package screens

import (
	"bufio"
	"bytes"
	"fmt"
	"io"
	"strings"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/dialog"
	"fyne.io/fyne/v2/lang"
	"fyne.io/fyne/v2/layout"
	"fyne.io/fyne/v2/theme"
	"fyne.io/fyne/v2/widget"

	"github.com/apetitspas/apetitspas/assets/report"
)

// recoveryCodes shows an administrator's recovery codes, once: when her
// AMF turns on, and after she asks for a new set in Mon compte. The codes
// are large, in two columns; Copier and Enregistrer keep them (Fyne has
// no printing: a saved file can be printed); Continuer waits for the box
// "J'ai mis ces codes en lieu sûr". Escape does nothing: nothing is to be
// cancelled, and the codes are never shown again.
type recoveryCodes struct {
	u      *UI
	dialog *dialog.CustomDialog
	width  float32
	codes  []string

	intro      *wrapLabel
	replaced   *wrapLabel
	list       *fyne.Container
	copyButton *button
	saveButton *button
	// savePDFButton writes them as a one-page PDF to print.
	savePDFButton  *button
	message        *wrapLabel
	kept           *keptCheck
	continueButton *button
	// saveDialog is the save dialog while it is open.
	saveDialog *dialog.FileDialog
}

// showRecoveryCodes shows codes; replaced says an older set was voided.
// done runs after Continuer.
func showRecoveryCodes(u *UI, codes []string, replaced bool, done func()) *recoveryCodes {
	r := &recoveryCodes{u: u, codes: codes}
	r.intro = wrapped(lang.X("recovery.intro", "Si vous perdez votre téléphone, chacun de ces codes vous permet de vous connecter une fois à la place du code à 6 chiffres (bouton «\u00a0J'ai perdu mon téléphone\u00a0»). Ils ne seront plus jamais affichés : copiez-les ou enregistrez-les, puis gardez-les en lieu sûr, à l'écart de cet ordinateur (sur papier sous clé, sur une clé USB rangée ailleurs)."))
	r.replaced = wrapped(lang.X("recovery.replaced", "Vos anciens codes de récupération ne fonctionnent plus."))
	r.replaced.Importance = widget.WarningImportance
	if !replaced {
		r.replaced.Hide()
	}
	r.list = recoveryColumns(codes)
	r.copyButton = newButton(lang.X("recovery.copy", "Copier"), theme.ContentCopyIcon(), r.copy)
	r.saveButton = newButton(lang.X("recovery.save", "Enregistrer…"), theme.DocumentSaveIcon(), r.save)
	r.savePDFButton = newButton(lang.X("recovery.save_pdf", "Enregistrer en PDF…"), theme.DocumentPrintIcon(), r.savePDF)
	r.message = wrapped("")
	r.message.Hide()
	r.continueButton = newButton(lang.X("recovery.continue", "Continuer"), nil, func() {
		if !r.kept.Checked {
			return
		}
		r.dialog.Hide()
		if u.recoveryCodes == r {
			u.recoveryCodes = nil
		}
		if done != nil {
			done()
		}
	})
	r.continueButton.Importance = widget.HighImportance
	r.continueButton.Disable()
	r.kept = newKeptCheck(lang.X("recovery.kept", "J'ai mis ces codes en lieu sûr"), func(on bool) {
		u.idle.touch()
		enable(on, r.continueButton)
	}, func() { r.continueButton.press() })

	body := container.NewVBox(r.intro, r.replaced, r.list,
		container.NewHBox(r.copyButton, r.saveButton, r.savePDFButton), r.message, widget.NewSeparator(), r.kept)
	r.dialog = u.newDialog(lang.X("recovery.title", "Vos codes de récupération"), body, func() {}, r.continueButton)
	r.width = min(620, u.win.Canvas().Size().Width-40)
	r.dialog.Resize(fyne.NewSize(r.width, 0))
	r.dialog.Show()
	u.win.Canvas().Focus(r.kept)
	u.recoveryCodes = r
	return r
}

// recoveryColumns puts the codes, numbered, in two columns read top to
// bottom, large and monospace.
func recoveryColumns(codes []string) *fyne.Container {
	half := (len(codes) + 1) / 2
	cols := [2]*fyne.Container{container.NewVBox(), container.NewVBox()}
	for i, c := range codes {
		style := widget.RichTextStyleSubHeading
		style.TextStyle = fyne.TextStyle{Monospace: true}
		num := widget.RichTextStyleSubHeading
		num.ColorName = theme.ColorNamePlaceHolder
		num.TextStyle = fyne.TextStyle{Monospace: true}
		num.Inline = true
		style.Inline = true
		t := widget.NewRichText(
			&widget.TextSegment{Style: num, Text: fmt.Sprintf("%2d. ", i+1)},
			&widget.TextSegment{Style: style, Text: c})
		cols[i/half].Add(t)
	}
	return container.NewHBox(layout.NewSpacer(), cols[0], layout.NewSpacer(), cols[1], layout.NewSpacer())
}

func (r *recoveryCodes) copy() {
	r.u.idle.touch()
	fyne.CurrentApp().Clipboard().SetContent(strings.Join(r.codes, "\n"))
	r.say(lang.X("recovery.copied", "Codes copiés : collez-les là où vous les gardez."), widget.SuccessImportance)
}

func (r *recoveryCodes) say(text string, imp widget.Importance) {
	r.message.Importance = imp
	r.message.SetText(text)
	r.message.Show()
	refit(r.dialog, r.width)
}

// save asks where to write the codes as a text file.
func (r *recoveryCodes) save() {
	r.u.idle.touch()
	r.saveDialog = saveFile(r.u, r.saveRequest(".txt", kindText, r.write))
}

// savePDF asks where to write the codes as a PDF to print.
func (r *recoveryCodes) savePDF() {
	r.u.idle.touch()
	r.saveDialog = saveFile(r.u, r.saveRequest(".pdf", kindPDF, r.writePDF))
}

// saveRequest is the codes' file, ending in ext, filled by write:
// readable by its owner only, since the codes with the password open the
// account.
func (r *recoveryCodes) saveRequest(ext string, kind fileKind, write func(io.Writer) error) saveRequest {
	var text bytes.Buffer // made here, on the UI goroutine; written off it
	made := write(&text)
	return saveRequest{
		title:   lang.X("recovery.save_title", "Enregistrer les codes de récupération"),
		name:    lang.X("recovery.file_name", "codes-de-recuperation") + "-" + r.u.api.Now().Local().Format("2006-01-02") + ext,
		kind:    kind,
		private: true,
		chosen:  func() { r.saveDialog = nil },
		write: func(w io.Writer) error {
			if made != nil {
				return made
			}
			_, err := w.Write(text.Bytes())
			return err
		},
		done: r.saved,
	}
}

// saved says where the codes went (file "" when cancelled).
func (r *recoveryCodes) saved(file string, err error) {
	r.saveDialog = nil
	if err == nil && file == "" {
		return // cancelled
	}
	if err != nil {
		r.say(lang.X("recovery.save_failed", "Le fichier n'a pas pu être enregistré. Choisissez un autre dossier (une clé USB, par exemple) et réessayez."), widget.DangerImportance)
		return
	}
	r.say(lang.X("recovery.saved", "Codes enregistrés dans {{.File}}. Rangez ce fichier à l'écart de cet ordinateur, ou imprimez-le puis supprimez-le.",
		map[string]any{"File": file}), widget.SuccessImportance)
}

// write is the text file: a short header in the app's language (what the
// codes are, that each works once, to keep them safe), then the codes.
// CRLF line ends, for Notepad.
func (r *recoveryCodes) write(w io.Writer) error {
	bw := bufio.NewWriter(w)
	user, daycare := "", r.u.daycare
	if r.u.handle != nil {
		u := r.u.handle.User()
		user = u.Name + " (" + u.Email + ")"
	}
	title := lang.X("app.name", "À petits pas")
	if daycare != "" {
		title += " — " + daycare
	}
	header := lang.X("recovery.file_header", "Codes de récupération de {{.Who}}, créés le {{.When}}.\n\nSi vous perdez votre téléphone, chaque code permet de vous connecter une fois à la place du code à 6 chiffres : à l'écran du code, cliquez sur «\u00a0J'ai perdu mon téléphone\u00a0». Un code utilisé ne sert plus. Une nouvelle série (Mon compte) remplace celle-ci.\n\nGardez ce papier ou ce fichier en lieu sûr, à l'écart de l'ordinateur : avec votre mot de passe, un de ces codes ouvre votre compte.",
		map[string]any{"Who": user, "When": formatDateTime(r.u.api.Now())})
	header = elide(header)
	lines := []string{title, ""}
	lines = append(lines, strings.Split(header, "\n")...)
	lines = append(lines, "")
	for i, c := range r.codes {
		lines = append(lines, fmt.Sprintf("%2d. %s", i+1, c))
	}
	for _, l := range lines {
		if _, err := bw.WriteString(l + "\r\n"); err != nil {
			return err
		}
	}
	return bw.Flush()
}

// writePDF is the codes on one Letter page (assets/report): whose, the
// daycare, the date, the codes large and monospace, how to keep them.
func (r *recoveryCodes) writePDF(w io.Writer) error {
	sheet := report.RecoverySheet{Daycare: r.u.daycare, Made: r.u.api.Now(), Codes: r.codes}
	if r.u.handle != nil {
		u := r.u.handle.User()
		sheet.Name, sheet.Email = u.Name, u.Email
	}
	return report.WriteRecoveryPDF(w, journalLocale(), sheet)
}
