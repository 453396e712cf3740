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

// reactivateScreen is « Code de réactivation »: after a reset of her
// multi-factor sign-in, the code an administrator handed over in person,
// asked after the password and before the QR code (which never shows
// without it). The cursor is in the field; Return submits.
type reactivateScreen struct {
	u            *UI
	content      fyne.CanvasObject
	code         *widget.Entry
	submitButton *button
	cancel       *button
	status       *status
}

func newReactivateScreen(u *UI) *reactivateScreen {
	s := &reactivateScreen{u: u, status: newStatus()}
	s.code = u.newEntry(false)
	s.code.SetPlaceHolder("XXXXX-XXXXX")
	s.code.TextStyle = fyne.TextStyle{Monospace: true}
	s.code.OnSubmitted = func(string) { s.submit() }
	s.submitButton = newButton(lang.X("reactivate.submit", "Continuer"), theme.ConfirmIcon(), s.submit)
	s.submitButton.Importance = widget.HighImportance
	s.cancel = newButton(lang.X("reactivate.cancel", "Annuler et revenir à la connexion"), nil, func() { u.logout("") })
	s.cancel.Importance = widget.LowImportance
	form := container.NewVBox(
		widget.NewLabelWithStyle(lang.X("reactivate.title", "Code de réactivation"), fyne.TextAlignLeading, fyne.TextStyle{Bold: true}),
		widget.NewLabel(u.handle.User().Email),
		wrapped(lang.X("reactivate.intro", "Votre connexion multi-facteurs (AMF) a été réinitialisée. Avant de configurer votre nouveau téléphone, entrez le code de réactivation qu'un administrateur vous a remis en personne (10 lettres et chiffres, par exemple 7KQ2M-9XD4H). Les tirets, les espaces et les majuscules n'ont pas d'importance.")),
		wrapped(lang.X("reactivate.why", "Ce code protège votre compte : sans lui, quelqu'un qui connaîtrait votre mot de passe pourrait relier son propre téléphone à votre compte.")),
		widget.NewLabel(lang.X("reactivate.label", "Code de réactivation")), s.code,
		s.submitButton, s.status.area(),
		wrapped(lang.X("reactivate.none", "Pas de code, ou il a expiré ? Demandez en personne à un administrateur de votre service de garde un nouveau code de réactivation (menu Utilisateurs). Un code sert une seule fois, pendant 7 jours.")),
		s.cancel,
	)
	s.content = centered(form, 460)
	return s
}

func (s *reactivateScreen) submit() {
	if s.submitButton.Disabled() {
		return
	}
	s.u.idle.touch()
	code := s.code.Text
	h := s.u.handle
	enable(false, s.submitButton, s.code)
	s.status.busy()
	s.u.sessionWork(func(snap *apetitspas.Handle) error {
		return s.u.api.UseReactivationCode(context.Background(), snap, code)
	}, func(err error) {
		enable(true, s.submitButton, s.code)
		s.status.idle()
		if err != nil && h.Step() == apetitspas.StepNone {
			s.u.sessionEnded(err) // locked: back to the sign-in, saying why
			return
		}
		if err != nil {
			s.code.SetText("")
			s.status.error(ErrorText(err))
			s.content.Refresh() // the wrapped message's height is known only at its width
			s.u.win.Canvas().Focus(s.code)
			return
		}
		s.u.signedIn(h)
	})
}
