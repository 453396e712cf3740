package screens

import (
	"context"
	"strings"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/dialog"
	"fyne.io/fyne/v2/lang"
	"fyne.io/fyne/v2/layout"
	"fyne.io/fyne/v2/widget"

	apetitspas "github.com/apetitspas/apetitspas/app"
)

// restoreKey is « Retrouver la clé » at the sign-in, when the key named by
// the database is missing from this computer: an administrator gives her
// e-mail, password and one of her recovery codes, each of which holds a
// copy of the key. The check (argon2id) runs off the UI goroutine. Return
// moves on, then submits; Escape cancels.
type restoreKey struct {
	u      *UI
	dialog *dialog.CustomDialog
	width  float32
	status *status

	email, password, code *dialogEntry
	submitButton, cancel  *button
}

// showRestoreKey opens the dialog, the e-mail filled in when known; done
// runs after the key came back.
func showRestoreKey(u *UI, email string, done func(email string)) *restoreKey {
	r := &restoreKey{u: u, status: newStatus()}
	cancel := func() { r.dialog.Hide() }
	r.email = u.newDialogEntry(false, cancel)
	r.email.SetText(email)
	r.password = u.newDialogEntry(true, cancel)
	r.code = u.newDialogEntry(false, cancel)
	r.code.SetPlaceHolder("XXXX-XXXX-XXXX-XXXX")
	r.code.TextStyle = fyne.TextStyle{Monospace: true}
	r.email.OnSubmitted = func(string) { u.win.Canvas().Focus(r.password) }
	r.password.OnSubmitted = func(string) { u.win.Canvas().Focus(r.code) }
	r.code.OnSubmitted = func(string) { r.submit(done) }
	r.submitButton = newButton(lang.X("restore_key.submit", "Retrouver la clé"), nil, func() { r.submit(done) })
	r.submitButton.Importance = widget.HighImportance
	r.cancel = newButton(lang.X("restore_key.cancel", "Annuler"), nil, cancel)

	intro := wrapped(lang.X("restore_key.intro", "La clé qui protège les codes de la garderie n'est plus sur cet ordinateur. Un administrateur peut la faire revenir : chacun de ses codes de récupération en garde une copie. Le code utilisé ne servira plus ; votre connexion multi-facteurs reste comme avant."))
	form := container.New(layout.NewFormLayout(),
		widget.NewLabel(lang.X("login.email", "Courriel")), r.email,
		widget.NewLabel(lang.X("login.password", "Mot de passe")), r.password,
		widget.NewLabel(lang.X("code.recovery_label", "Code de récupération")), r.code)
	help := wrapped(lang.X("restore_key.help", "Pas de code de récupération ? Votre technicien peut restaurer une sauvegarde qui contient la clé, ou, en dernier recours, en créer une nouvelle, avec les droits d'administrateur de l'ordinateur. Si plus personne n'a de code de récupération (papier perdu), il le déclare (« Plus personne n'a de code de récupération », --recovery-codes-lost) ; c'est inscrit au journal, et chacun refait son AMF."))
	body := container.NewVBox(intro, form, r.status.area(), help)
	r.dialog = u.newDialog(lang.X("restore_key.title", "Retrouver la clé de sécurité"), body, cancel, r.cancel, r.submitButton)
	r.width = min(540, u.win.Canvas().Size().Width-40)
	r.dialog.Resize(fyne.NewSize(r.width, 0))
	r.dialog.Show()
	switch {
	case r.email.Text == "":
		u.win.Canvas().Focus(r.email)
	default:
		u.win.Canvas().Focus(r.password)
	}
	return r
}

func (r *restoreKey) submit(done func(string)) {
	if r.submitButton.Disabled() {
		return
	}
	r.u.idle.touch()
	email, password, code := strings.TrimSpace(r.email.Text), r.password.Text, r.code.Text
	fields := []fyne.Disableable{r.submitButton, r.email, r.password, r.code}
	enable(false, fields...)
	r.status.busy()
	r.u.background(func() error {
		return r.u.api.RestoreKey(context.Background(), email, password, code)
	}, func(err error) {
		enable(true, fields...)
		r.status.idle()
		if err != nil {
			r.status.error(ErrorText(err))
			refit(r.dialog, r.width)
			if apetitspas.ErrorReason(err) == apetitspas.ReasonRecoveryFormat {
				r.u.win.Canvas().Focus(r.code)
			} else {
				r.password.SetText("")
				r.u.win.Canvas().Focus(r.password)
			}
			return
		}
		r.dialog.Hide()
		done(email)
	})
}
