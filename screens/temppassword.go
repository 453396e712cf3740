package screens

import (
	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/dialog"
	"fyne.io/fyne/v2/lang"
	"fyne.io/fyne/v2/theme"
	"fyne.io/fyne/v2/widget"
)

// TempPasswordDialog shows a temporary password, once, with a copy button.
type TempPasswordDialog struct {
	dialog   *dialog.CustomDialog
	Message  *widget.Label
	Password *widget.Label
	Copy     *widget.Button
	Copied   *widget.Label
	Note     *widget.Label
	Close    *widget.Button
}

func newTempPasswordDialog(u *UI, name, email, pw string, closed func()) *TempPasswordDialog {
	d := &TempPasswordDialog{}
	d.Message = widget.NewLabel(lang.X("users.temp_for", "Mot de passe temporaire de {{.Name}} ({{.Email}}) :", map[string]any{"Name": name, "Email": email}))
	d.Message.Wrapping = fyne.TextWrapWord
	d.Password = widget.NewLabelWithStyle(pw, fyne.TextAlignCenter, fyne.TextStyle{Monospace: true})
	d.Password.SizeName = theme.SizeNameSubHeadingText
	d.Password.Selectable = true
	d.Copied = widget.NewLabel(lang.X("users.copied", "Mot de passe copié."))
	d.Copied.Importance = widget.SuccessImportance
	d.Copied.Hide()
	d.Copy = widget.NewButtonWithIcon(lang.X("users.copy", "Copier"), theme.ContentCopyIcon(), func() {
		u.idle.touch()
		fyne.CurrentApp().Clipboard().SetContent(pw)
		d.Copied.Show()
		refreshDialog(d.dialog)
	})
	d.Note = widget.NewLabel(lang.X("users.temp_note", "Remettez ce mot de passe à la personne : il ne sera plus jamais affiché. À sa prochaine connexion, elle devra choisir son propre mot de passe. Si sa connexion multi-facteurs (AMF) est activée, le code à 6 chiffres lui sera quand même demandé."))
	d.Note.Wrapping = fyne.TextWrapWord
	d.Close = widget.NewButton(lang.X("users.temp_close", "J'ai noté le mot de passe"), nil)
	d.Close.Importance = widget.HighImportance
	content := container.NewVBox(d.Message, container.NewBorder(nil, nil, nil, d.Copy, d.Password), d.Copied, d.Note, d.Close)
	d.dialog = dialog.NewCustomWithoutButtons(lang.X("users.temp_dialog", "Mot de passe temporaire"), content, u.win)
	d.Close.OnTapped = func() { u.idle.touch(); d.dialog.Hide() }
	d.dialog.SetOnClosed(func() {
		d.Password.SetText("") // shown once
		closed()
	})
	d.dialog.Resize(fyne.NewSize(520, 0))
	d.dialog.Show()
	u.win.Canvas().Focus(d.Copy)
	return d
}
