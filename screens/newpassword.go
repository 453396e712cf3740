package screens

import (
	"context"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/lang"
	"fyne.io/fyne/v2/widget"

	apetitspas "github.com/apetitspas/apetitspas/app"
)

// newPasswordScreen appears after signing in with a temporary password
// (import or administrator): the user chooses their own before going on.
type newPasswordScreen struct {
	u        *UI
	content  fyne.CanvasObject
	password *widget.Entry
	confirm  *widget.Entry
	// rule is the password rule for this account, above its field.
	rule   *widget.Label
	button *button
	status *status
}

func newNewPasswordScreen(u *UI) *newPasswordScreen {
	s := &newPasswordScreen{u: u, status: newStatus()}
	s.password = u.newEntry(true)
	s.password.OnSubmitted = func(string) { u.win.Canvas().Focus(s.confirm) }
	s.confirm = u.newEntry(true)
	s.confirm.OnSubmitted = func(string) { s.submit() }
	s.button = newButton(lang.X("newpassword.submit", "Enregistrer et continuer"), nil, s.submit)
	s.button.Importance = widget.HighImportance
	cancel := newButton(lang.X("menu.logout", "Se déconnecter"), nil, func() { u.logout("") })
	intro := widget.NewLabel(lang.X("newpassword.intro", "Connexion réussie avec un mot de passe temporaire. Choisissez maintenant votre propre mot de passe."))
	s.rule = newPasswordRule(apetitspas.PasswordMinimum(u.handle.User()))
	intro.Wrapping = fyne.TextWrapWord
	form := container.NewVBox(
		widget.NewLabelWithStyle(lang.X("newpassword.title", "Choisissez votre mot de passe"), fyne.TextAlignLeading, fyne.TextStyle{Bold: true}),
		intro,
		widget.NewLabel(lang.X("account.new_password", "Nouveau mot de passe")), s.rule, s.password,
		widget.NewLabel(lang.X("setup.confirm", "Confirmez le mot de passe")), s.confirm,
		s.button, cancel, s.status.area(),
	)
	s.content = centered(form, 400)
	return s
}

func (s *newPasswordScreen) submit() {
	if s.button.Disabled() {
		return
	}
	s.u.idle.touch()
	next, confirm := s.password.Text, s.confirm.Text
	enable(false, s.button, s.password, s.confirm)
	s.status.busy()
	h := s.u.handle
	s.u.sessionWork(func(snap *apetitspas.Handle) error {
		return s.u.api.ChooseNewPassword(context.Background(), snap, next, confirm)
	}, func(err error) {
		enable(true, s.button, s.password, s.confirm)
		if err != nil {
			s.status.error(ErrorText(err))
			return
		}
		s.u.signedIn(h)
	})
}
