package screens

import (
	"context"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/lang"
	"fyne.io/fyne/v2/theme"
	"fyne.io/fyne/v2/widget"

	apetitspas "github.com/apetitspas/apetitspas/app"
)

// CodeScreen asks for the 6-digit code after the password of a
// multi-factor account. The cursor is in the field; Return submits.
type CodeScreen struct {
	u       *UI
	content fyne.CanvasObject
	Code    *widget.Entry
	Submit  *Button
	Cancel  *Button
	status  *status
}

func newCodeScreen(u *UI) *CodeScreen {
	s := &CodeScreen{u: u, status: newStatus()}
	s.Code = newCodeEntry(u, s.submit)
	s.Submit = newButton(lang.X("code.submit", "Valider"), theme.ConfirmIcon(), s.submit)
	s.Submit.Importance = widget.HighImportance
	s.Cancel = newButton(lang.X("code.cancel", "Annuler et revenir à la connexion"), nil, func() { u.Logout("") })
	s.Cancel.Importance = widget.LowImportance
	intro := widget.NewLabel(lang.X("code.intro", "Ouvrez l'application d'authentification sur votre téléphone (Microsoft Authenticator ou Google Authenticator) et entrez le code à 6 chiffres affiché pour À petits pas. Le code change toutes les 30 secondes."))
	intro.Wrapping = fyne.TextWrapWord
	lost := widget.NewLabel(lang.X("code.lost", "Téléphone perdu ? Demandez à un administrateur de votre service de garde de réinitialiser votre AMF."))
	lost.Wrapping = fyne.TextWrapWord
	form := container.NewVBox(
		widget.NewLabelWithStyle(lang.X("code.title", "Connexion multi-facteurs (AMF)"), fyne.TextAlignLeading, fyne.TextStyle{Bold: true}),
		widget.NewLabel(u.sess.User().Email),
		intro,
		widget.NewLabel(lang.X("code.label", "Code à 6 chiffres")), s.Code,
		s.Submit, s.status.Progress, s.status.Message, lost, s.Cancel,
	)
	s.content = centered(form, 420)
	return s
}

// newCodeEntry is the "Code à 6 chiffres" field shared by the code screen
// and the QR dialog: Return submits; the rules about what a code may look
// like live in app.ParseCode.
func newCodeEntry(u *UI, submit func()) *widget.Entry {
	e := u.newEntry(false)
	e.SetPlaceHolder("123 456")
	e.OnSubmitted = func(string) { submit() }
	return e
}

func (s *CodeScreen) submit() {
	if s.Submit.Disabled() {
		return
	}
	s.u.idle.touch()
	code := s.Code.Text
	sess := s.u.sess
	enable(false, s.Submit, s.Code)
	s.status.busy()
	s.u.sessionWork(func(snap *apetitspas.Session) error {
		return s.u.svc.VerifyCode(context.Background(), snap, code)
	}, func(err error) {
		enable(true, s.Submit, s.Code)
		s.status.idle()
		if err != nil {
			s.Code.SetText("")
			s.status.error(ErrorText(err))
			s.u.win.Canvas().Focus(s.Code)
			return
		}
		s.u.signedIn(sess)
	})
}
