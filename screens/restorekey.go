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

// RestoreKey is « Retrouver la clé » at the sign-in, when the key named by
// the database is missing from this computer: an administrator gives her
// e-mail, password and one of her recovery codes, each of which holds a
// copy of the key. The check (argon2id) runs off the UI goroutine. Return
// moves on, then submits; Escape cancels.
type RestoreKey struct {
	u      *UI
	dialog *dialog.CustomDialog
	width  float32
	status *status

	Email, Password, Code *dialogEntry
	Submit, Cancel        *Button
}

// showRestoreKey opens the dialog, the e-mail filled in when known; done
// runs after the key came back.
func showRestoreKey(u *UI, email string, done func(email string)) *RestoreKey {
	r := &RestoreKey{u: u, status: newStatus()}
	cancel := func() { r.dialog.Hide() }
	r.Email = u.newDialogEntry(false, cancel)
	r.Email.SetText(email)
	r.Password = u.newDialogEntry(true, cancel)
	r.Code = u.newDialogEntry(false, cancel)
	r.Code.SetPlaceHolder("XXXX-XXXX-XXXX-XXXX")
	r.Code.TextStyle = fyne.TextStyle{Monospace: true}
	r.Email.OnSubmitted = func(string) { u.win.Canvas().Focus(r.Password) }
	r.Password.OnSubmitted = func(string) { u.win.Canvas().Focus(r.Code) }
	r.Code.OnSubmitted = func(string) { r.submit(done) }
	r.Submit = newButton(lang.X("restore_key.submit", "Retrouver la clé"), nil, func() { r.submit(done) })
	r.Submit.Importance = widget.HighImportance
	r.Cancel = newButton(lang.X("restore_key.cancel", "Annuler"), nil, cancel)

	intro := wrapped(lang.X("restore_key.intro", "La clé qui protège les codes de la garderie n'est plus sur cet ordinateur. Un administrateur peut la faire revenir : chacun de ses codes de récupération en garde une copie. Le code utilisé ne servira plus ; votre connexion multi-facteurs reste comme avant."))
	form := container.New(layout.NewFormLayout(),
		widget.NewLabel(lang.X("login.email", "Courriel")), r.Email,
		widget.NewLabel(lang.X("login.password", "Mot de passe")), r.Password,
		widget.NewLabel(lang.X("code.recovery_label", "Code de récupération")), r.Code)
	help := wrapped(lang.X("restore_key.help", "Pas de code de récupération ? Votre technicien peut restaurer une sauvegarde qui contient la clé, ou, en dernier recours, en créer une nouvelle, avec les droits d'administrateur de l'ordinateur. Si plus personne n'a de code de récupération (papier perdu), il le déclare (« Plus personne n'a de code de récupération », --recovery-codes-lost) ; c'est inscrit au journal, et chacun refait son AMF."))
	body := container.NewVBox(intro, form, r.status.area(), help)
	r.dialog = u.newDialog(lang.X("restore_key.title", "Retrouver la clé de sécurité"), body, cancel, r.Cancel, r.Submit)
	r.width = min(540, u.win.Canvas().Size().Width-40)
	r.dialog.Resize(fyne.NewSize(r.width, 0))
	r.dialog.Show()
	switch {
	case r.Email.Text == "":
		u.win.Canvas().Focus(r.Email)
	default:
		u.win.Canvas().Focus(r.Password)
	}
	return r
}

func (r *RestoreKey) submit(done func(string)) {
	if r.Submit.Disabled() {
		return
	}
	r.u.idle.touch()
	email, password, code := strings.TrimSpace(r.Email.Text), r.Password.Text, r.Code.Text
	fields := []fyne.Disableable{r.Submit, r.Email, r.Password, r.Code}
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
				r.u.win.Canvas().Focus(r.Code)
			} else {
				r.Password.SetText("")
				r.u.win.Canvas().Focus(r.Password)
			}
			return
		}
		r.dialog.Hide()
		done(email)
	})
}
