package screens

import (
	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/dialog"
	"fyne.io/fyne/v2/lang"
	"fyne.io/fyne/v2/theme"
	"fyne.io/fyne/v2/widget"
)

// tempPasswordDialog shows a temporary password, once, with a copy button.
type tempPasswordDialog struct {
	dialog   *dialog.CustomDialog
	message  *widget.Label
	password *widget.Label
	copy     *button
	copied   *widget.Label
	note     *widget.Label
	close    *button
}

func newTempPasswordDialog(u *UI, name, email, pw string, closed func()) *tempPasswordDialog {
	d := &tempPasswordDialog{}
	d.message = widget.NewLabel(elide(lang.X("users.temp_for", "Mot de passe temporaire de {{.Name}} ({{.Email}}) :", map[string]any{"Name": name, "Email": email})))
	d.message.Wrapping = fyne.TextWrapWord
	d.password = widget.NewLabelWithStyle(pw, fyne.TextAlignCenter, fyne.TextStyle{Monospace: true})
	d.password.SizeName = theme.SizeNameSubHeadingText
	d.password.Selectable = true
	d.copied = widget.NewLabel(lang.X("users.copied", "Mot de passe copié."))
	d.copied.Importance = widget.SuccessImportance
	d.copied.Hide()
	d.copy = newButton(lang.X("users.copy", "Copier"), theme.ContentCopyIcon(), func() {
		u.idle.touch()
		fyne.CurrentApp().Clipboard().SetContent(pw)
		d.copied.Show()
		refreshDialog(d.dialog)
	})
	d.note = widget.NewLabel(lang.X("users.temp_note", "Remettez ce mot de passe à la personne : il ne sera plus jamais affiché. À sa prochaine connexion, elle devra choisir son propre mot de passe. Si sa connexion multi-facteurs (AMF) est activée, le code à 6 chiffres lui sera quand même demandé."))
	d.note.Wrapping = fyne.TextWrapWord
	d.close = newButton(lang.X("users.temp_close", "J'ai noté le mot de passe"), nil, nil)
	d.close.Importance = widget.HighImportance
	content := container.NewVBox(d.message, container.NewBorder(nil, nil, nil, d.copy, d.password), d.copied, d.note, d.close)
	d.dialog = dialog.NewCustomWithoutButtons(lang.X("users.temp_dialog", "Mot de passe temporaire"), content, u.win)
	d.close.OnTapped = func() { u.idle.touch(); d.dialog.Hide() }
	d.dialog.SetOnClosed(func() {
		d.password.SetText("") // shown once
		closed()
	})
	d.dialog.Resize(fyne.NewSize(520, 0))
	d.dialog.Show()
	u.win.Canvas().Focus(d.copy)
	return d
}
