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

// ReactivateScreen is « Code de réactivation »: after a reset of her
// multi-factor sign-in, the code an administrator handed over in person,
// asked after the password and before the QR code (which never shows
// without it). The cursor is in the field; Return submits.
type ReactivateScreen struct {
	u       *UI
	content fyne.CanvasObject
	Code    *widget.Entry
	Submit  *Button
	Cancel  *Button
	status  *status
}

func newReactivateScreen(u *UI) *ReactivateScreen {
	s := &ReactivateScreen{u: u, status: newStatus()}
	s.Code = u.newEntry(false)
	s.Code.SetPlaceHolder("XXXXX-XXXXX")
	s.Code.TextStyle = fyne.TextStyle{Monospace: true}
	s.Code.OnSubmitted = func(string) { s.submit() }
	s.Submit = newButton(lang.X("reactivate.submit", "Continuer"), theme.ConfirmIcon(), s.submit)
	s.Submit.Importance = widget.HighImportance
	s.Cancel = newButton(lang.X("reactivate.cancel", "Annuler et revenir à la connexion"), nil, func() { u.Logout("") })
	s.Cancel.Importance = widget.LowImportance
	form := container.NewVBox(
		widget.NewLabelWithStyle(lang.X("reactivate.title", "Code de réactivation"), fyne.TextAlignLeading, fyne.TextStyle{Bold: true}),
		widget.NewLabel(u.handle.User().Email),
		wrapped(lang.X("reactivate.intro", "Votre connexion multi-facteurs (AMF) a été réinitialisée. Avant de configurer votre nouveau téléphone, entrez le code de réactivation qu'un administrateur vous a remis en personne (10 lettres et chiffres, par exemple 7KQ2M-9XD4H). Les tirets, les espaces et les majuscules n'ont pas d'importance.")),
		wrapped(lang.X("reactivate.why", "Ce code protège votre compte : sans lui, quelqu'un qui connaîtrait votre mot de passe pourrait relier son propre téléphone à votre compte.")),
		widget.NewLabel(lang.X("reactivate.label", "Code de réactivation")), s.Code,
		s.Submit, s.status.area(),
		wrapped(lang.X("reactivate.none", "Pas de code, ou il a expiré ? Demandez en personne à un administrateur de votre service de garde un nouveau code de réactivation (menu Utilisateurs). Un code sert une seule fois, pendant 7 jours.")),
		s.Cancel,
	)
	s.content = centered(form, 460)
	return s
}

func (s *ReactivateScreen) submit() {
	if s.Submit.Disabled() {
		return
	}
	s.u.idle.touch()
	code := s.Code.Text
	h := s.u.handle
	enable(false, s.Submit, s.Code)
	s.status.busy()
	s.u.sessionWork(func(snap *apetitspas.Handle) error {
		return s.u.api.UseReactivationCode(context.Background(), snap, code)
	}, func(err error) {
		enable(true, s.Submit, s.Code)
		s.status.idle()
		if err != nil && h.Step() == apetitspas.StepNone {
			s.u.sessionEnded(err) // locked: back to the sign-in, saying why
			return
		}
		if err != nil {
			s.Code.SetText("")
			s.status.error(ErrorText(err))
			s.content.Refresh() // the wrapped message's height is known only at its width
			s.u.win.Canvas().Focus(s.Code)
			return
		}
		s.u.signedIn(h)
	})
}
