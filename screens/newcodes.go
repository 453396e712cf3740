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

// newCodes is « Nouveaux codes de récupération » in Mon compte: the
// administrator's password and a current code make a new set, which voids
// the old one. Return moves on, then submits; Escape cancels.
type newCodes struct {
	u      *UI
	dialog *dialog.CustomDialog
	width  float32
	status *status

	password, code *dialogEntry
	create, cancel *button
}

// showNewCodes opens the dialog; done gets the new codes.
func showNewCodes(u *UI, done func(codes []string)) *newCodes {
	n := &newCodes{u: u, status: newStatus()}
	cancel := func() { n.dialog.Hide() }
	n.password = u.newDialogEntry(true, cancel)
	n.code = u.newDialogEntry(false, cancel)
	n.code.SetPlaceHolder("123 456")
	n.password.OnSubmitted = func(string) { u.win.Canvas().Focus(n.code) }
	n.code.OnSubmitted = func(string) { n.submit(done) }
	n.create = newButton(lang.X("new_codes.create", "Créer les nouveaux codes"), nil, func() { n.submit(done) })
	n.create.Importance = widget.HighImportance
	n.cancel = newButton(lang.X("new_codes.cancel", "Annuler"), nil, cancel)
	intro := wrapped(lang.X("new_codes.intro", "Une nouvelle série de 10 codes remplace l'ancienne : les codes que vous aviez ne fonctionneront plus. Confirmez avec votre mot de passe et le code à 6 chiffres de votre téléphone."))
	form := container.New(layout.NewFormLayout(),
		widget.NewLabel(lang.X("login.password", "Mot de passe")), n.password,
		widget.NewLabel(lang.X("code.label", "Code à 6 chiffres")), n.code)
	body := container.NewVBox(intro, form, n.status.progress, n.status.message)
	n.dialog = u.newDialog(lang.X("new_codes.title", "Nouveaux codes de récupération"), body, cancel, n.cancel, n.create)
	n.width = min(520, u.win.Canvas().Size().Width-40)
	n.dialog.Resize(fyne.NewSize(n.width, 0))
	n.dialog.Show()
	u.win.Canvas().Focus(n.password)
	return n
}

func (n *newCodes) submit(done func([]string)) {
	if n.create.Disabled() {
		return
	}
	n.u.idle.touch()
	password, code := n.password.Text, n.code.Text
	fields := []fyne.Disableable{n.create, n.password, n.code}
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
				n.password.SetText("")
				n.u.win.Canvas().Focus(n.password)
			default:
				n.code.SetText("")
				n.u.win.Canvas().Focus(n.code)
			}
			return
		}
		n.dialog.Hide()
		done(codes)
	})
}
