package screens

import (
	"context"
	"strings"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/lang"
	"fyne.io/fyne/v2/theme"
	"fyne.io/fyne/v2/widget"

	apetitspas "github.com/apetitspas/apetitspas/app"
)

// loginScreen asks for an e-mail and a password. The cursor starts in the
// e-mail field, Tab moves to the password, Return submits. The check runs
// off the UI goroutine with a progress bar and the button disabled.
type loginScreen struct {
	u        *UI
	content  fyne.CanvasObject
	email    *widget.Entry
	password *widget.Entry
	button   *button
	status   *status
	// restore is « Retrouver la clé », shown when the database's key is
	// missing from this computer; restoreDialog is its dialog while open.
	restore       *button
	restoreDialog *restoreKey
}

func newLoginScreen(u *UI) *loginScreen {
	s := &loginScreen{u: u, status: newStatus()}
	s.email = u.newEntry(false)
	s.email.SetPlaceHolder(lang.X("login.email_placeholder", "courriel@exemple.ca"))
	s.email.OnSubmitted = func(string) { u.win.Canvas().Focus(s.password) }
	s.password = u.newEntry(true)
	s.password.SetPlaceHolder(lang.X("login.password_placeholder", "Mot de passe"))
	s.password.OnSubmitted = func(string) { s.submit() }
	s.button = newButton(lang.X("login.submit", "Se connecter"), theme.LoginIcon(), s.submit)
	s.button.Importance = widget.HighImportance

	s.restore = newButton(lang.X("login.restore_key", "Retrouver la clé"), theme.SearchIcon(), func() {
		s.restoreDialog = showRestoreKey(u, strings.TrimSpace(s.email.Text), s.keyRestored)
	})
	s.restore.Hidden = true // no refresh: nothing is drawn before the window

	title := widget.NewLabelWithStyle(lang.X("login.title", "Connexion"), fyne.TextAlignCenter, fyne.TextStyle{Bold: true})
	form := container.NewVBox(
		brand(u.daycare),
		title,
		widget.NewLabel(lang.X("login.email", "Courriel")), s.email,
		widget.NewLabel(lang.X("login.password", "Mot de passe")), s.password,
		s.button, s.status.area(), container.NewHBox(s.restore),
	)
	s.content = centered(form, 380)
	return s
}

// submit checks the credentials in the background.
func (s *loginScreen) submit() {
	if s.button.Disabled() {
		return
	}
	s.u.idle.touch()
	email := strings.TrimSpace(s.email.Text)
	password := s.password.Text
	if email == "" || password == "" {
		s.status.error(lang.X("login.missing", "Entrez votre courriel et votre mot de passe."))
		if email == "" {
			s.u.win.Canvas().Focus(s.email)
		} else {
			s.u.win.Canvas().Focus(s.password)
		}
		return
	}
	enable(false, s.button, s.email, s.password)
	s.status.busy()
	var h *apetitspas.Handle
	s.u.background(func() error {
		var err error
		h, err = s.u.api.Login(context.Background(), email, password)
		return err
	}, func(err error) {
		enable(true, s.button, s.email, s.password)
		s.status.idle()
		if err != nil {
			s.password.SetText("")
			s.status.error(ErrorText(err))
			if apetitspas.ErrorReason(err) == apetitspas.ReasonMFAKeyMissing {
				s.restore.Show()
				// The long message wrapped at its width: lay the form out
				// again so the button goes under it.
				s.content.Refresh()
			}
			s.u.win.Canvas().Focus(s.password)
			return
		}
		s.u.signedIn(h)
	})
}

// keyRestored is the key back on this computer: a neutral note, and the
// password field to sign in as usual.
func (s *loginScreen) keyRestored(email string) {
	s.restoreDialog = nil
	s.restore.Hide()
	if s.email.Text == "" {
		s.email.SetText(email)
	}
	s.status.show(lang.X("login.key_restored", "La clé de sécurité est revenue ; connectez-vous comme d'habitude."), widget.MediumImportance)
	s.u.win.Canvas().Focus(s.password)
}
