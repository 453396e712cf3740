package screens

import (
	"context"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/dialog"
	"fyne.io/fyne/v2/lang"
	"fyne.io/fyne/v2/layout"
	"fyne.io/fyne/v2/widget"

	apetitspas "github.com/apetitspas/apetitspas/app"
)

// NewCodes is « Nouveaux codes de récupération » in Mon compte: the
// administrator's password and a current code make a new set, which voids
// the old one. Return moves on, then submits; Escape cancels.
type NewCodes struct {
	u      *UI
	dialog *dialog.CustomDialog
	width  float32
	status *status

	Password, Code *dialogEntry
	Create, Cancel *Button
}

// showNewCodes opens the dialog; done gets the new codes.
func showNewCodes(u *UI, done func(codes []string)) *NewCodes {
	n := &NewCodes{u: u, status: newStatus()}
	cancel := func() { n.dialog.Hide() }
	n.Password = u.newDialogEntry(true, cancel)
	n.Code = u.newDialogEntry(false, cancel)
	n.Code.SetPlaceHolder("123 456")
	n.Password.OnSubmitted = func(string) { u.win.Canvas().Focus(n.Code) }
	n.Code.OnSubmitted = func(string) { n.submit(done) }
	n.Create = newButton(lang.X("new_codes.create", "Créer les nouveaux codes"), nil, func() { n.submit(done) })
	n.Create.Importance = widget.HighImportance
	n.Cancel = newButton(lang.X("new_codes.cancel", "Annuler"), nil, cancel)
	intro := wrapped(lang.X("new_codes.intro", "Une nouvelle série de 10 codes remplace l'ancienne : les codes que vous aviez ne fonctionneront plus. Confirmez avec votre mot de passe et le code à 6 chiffres de votre téléphone."))
	form := container.New(layout.NewFormLayout(),
		widget.NewLabel(lang.X("login.password", "Mot de passe")), n.Password,
		widget.NewLabel(lang.X("code.label", "Code à 6 chiffres")), n.Code)
	body := container.NewVBox(intro, form, n.status.Progress, n.status.Message)
	n.dialog = u.newDialog(lang.X("new_codes.title", "Nouveaux codes de récupération"), body, cancel, n.Cancel, n.Create)
	n.width = min(520, u.win.Canvas().Size().Width-40)
	n.dialog.Resize(fyne.NewSize(n.width, 0))
	n.dialog.Show()
	u.win.Canvas().Focus(n.Password)
	return n
}

func (n *NewCodes) submit(done func([]string)) {
	if n.Create.Disabled() {
		return
	}
	n.u.idle.touch()
	password, code := n.Password.Text, n.Code.Text
	fields := []fyne.Disableable{n.Create, n.Password, n.Code}
	enable(false, fields...)
	n.status.busy()
	var codes []string
	n.u.sessionWork(func(h *apetitspas.Handle) error {
		var err error
		codes, err = n.u.api.NewRecoveryCodes(context.Background(), h, password, code)
		return err
	}, func(err error) {
		enable(true, fields...)
		n.status.idle()
		if sessionOver(n.u.handle, err) {
			n.dialog.Hide()
			n.u.sessionEnded(err) // too many wrong passwords: locked
			return
		}
		if err != nil {
			n.status.error(ErrorText(err))
			refit(n.dialog, n.width)
			switch apetitspas.ErrorReason(err) {
			case apetitspas.ReasonWrongPassword:
				n.Password.SetText("")
				n.u.win.Canvas().Focus(n.Password)
			default:
				n.Code.SetText("")
				n.u.win.Canvas().Focus(n.Code)
			}
			return
		}
		n.dialog.Hide()
		done(codes)
	})
}
