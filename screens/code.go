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

	// Lost is « J'ai perdu mon téléphone ». For an administrator it opens
	// Recovery (a recovery code) and UseRecovery; for others LostText
	// says who can help.
	Lost           *Button
	LostText       *WrapLabel
	Recovery       *widget.Entry
	UseRecovery    *Button
	recoveryBox    *fyne.Container
	recoveryStatus *status
}

func newCodeScreen(u *UI) *CodeScreen {
	s := &CodeScreen{u: u, status: newStatus(), recoveryStatus: newStatus()}
	s.Code = newCodeEntry(u, s.submit)
	s.Submit = newButton(lang.X("code.submit", "Valider"), theme.ConfirmIcon(), s.submit)
	s.Submit.Importance = widget.HighImportance
	s.Cancel = newButton(lang.X("code.cancel", "Annuler et revenir à la connexion"), nil, func() { u.Logout("") })
	s.Cancel.Importance = widget.LowImportance
	intro := widget.NewLabel(lang.X("code.intro", "Ouvrez l'application d'authentification sur votre téléphone (Microsoft Authenticator ou Google Authenticator) et entrez le code à 6 chiffres affiché pour À petits pas. Le code change toutes les 30 secondes."))
	intro.Wrapping = fyne.TextWrapWord
	s.Lost = newButton(lang.X("code.lost_phone", "J'ai perdu mon téléphone"), theme.QuestionIcon(), s.showLost)
	s.Lost.Importance = widget.LowImportance
	s.LostText = wrapped(lang.X("code.lost_ask", "Demandez à un administrateur de votre service de garde de réinitialiser votre AMF. À votre prochaine connexion, vous scannerez un nouveau code QR avec votre nouveau téléphone."))
	s.LostText.Hide()
	s.Recovery = u.newEntry(false)
	s.Recovery.SetPlaceHolder("XXXX-XXXX-XXXX-XXXX")
	s.Recovery.TextStyle = fyne.TextStyle{Monospace: true}
	s.Recovery.OnSubmitted = func(string) { s.useRecovery() }
	s.UseRecovery = newButton(lang.X("code.use_recovery", "Utiliser ce code de récupération"), theme.ConfirmIcon(), s.useRecovery)
	s.recoveryBox = container.NewVBox(
		wrapped(lang.X("code.recovery_intro", "Entrez un de vos codes de récupération (16 lettres et chiffres, par exemple 7KQ2-M9XD-4HTR-B6WP). Il ne servira qu'une fois ; vous scannerez ensuite un nouveau code QR avec votre nouveau téléphone.")),
		widget.NewLabel(lang.X("code.recovery_label", "Code de récupération")), s.Recovery,
		s.UseRecovery, s.recoveryStatus.Progress, s.recoveryStatus.Message,
		wrapped(lang.X("code.recovery_none", "Plus de code de récupération ? Un autre administrateur peut réinitialiser votre AMF (menu Utilisateurs) ; s'il n'y en a pas, votre technicien peut le faire sur l'ordinateur de la base de données.")))
	s.recoveryBox.Hide()
	form := container.NewVBox(
		widget.NewLabelWithStyle(lang.X("code.title", "Connexion multi-facteurs (AMF)"), fyne.TextAlignLeading, fyne.TextStyle{Bold: true}),
		widget.NewLabel(u.handle.User().Email),
		intro,
		widget.NewLabel(lang.X("code.label", "Code à 6 chiffres")), s.Code,
		s.Submit, s.status.area(),
		container.NewHBox(s.Lost), s.LostText, s.recoveryBox, s.Cancel,
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
	h := s.u.handle
	enable(false, s.Submit, s.Code)
	s.status.busy()
	s.u.sessionWork(func(snap *apetitspas.Handle) error {
		return s.u.api.VerifyCode(context.Background(), snap, code)
	}, func(err error) {
		enable(true, s.Submit, s.Code)
		s.status.idle()
		if err != nil {
			s.Code.SetText("")
			s.status.error(ErrorText(err))
			s.u.win.Canvas().Focus(s.Code)
			return
		}
		s.u.signedIn(h)
	})
}

// showLost is « J'ai perdu mon téléphone »: an account with unused
// recovery codes (the service counts them: only administrators get any)
// may enter one; others are told who can help.
func (s *CodeScreen) showLost() {
	s.u.idle.touch()
	if s.u.handle.RecoveryCodesLeft() == 0 {
		s.LostText.Show()
	} else {
		s.recoveryBox.Show()
		s.u.win.Canvas().Focus(s.Recovery)
	}
	s.relayout()
}

// relayout lays the form out again after wrapped text appeared (its
// height is known only at its width), and scrolls down to it.
func (s *CodeScreen) relayout() {
	s.content.Refresh()
	if sc, ok := s.content.(*container.Scroll); ok {
		sc.ScrollToBottom()
	}
}

// useRecovery signs an administrator in with a recovery code; her AMF is
// then pending: the QR code to scan with her new phone comes at once.
func (s *CodeScreen) useRecovery() {
	if s.UseRecovery.Disabled() {
		return
	}
	s.u.idle.touch()
	input, h := s.Recovery.Text, s.u.handle
	fields := []fyne.Disableable{s.UseRecovery, s.Recovery, s.Submit, s.Code}
	enable(false, fields...)
	s.recoveryStatus.busy()
	s.u.sessionWork(func(snap *apetitspas.Handle) error {
		return s.u.api.UseRecoveryCode(context.Background(), snap, input)
	}, func(err error) {
		enable(true, fields...)
		s.recoveryStatus.idle()
		if err != nil && h.Step() == apetitspas.StepNone {
			s.u.sessionEnded(err) // locked: back to the sign-in, saying why
			return
		}
		if apetitspas.ErrorReason(err) == apetitspas.ReasonRecoveryNotAdmin {
			// Codes kept from a time she was an administrator: the
			// service says they no longer serve; who can help instead.
			s.Recovery.SetText("")
			s.recoveryBox.Hide()
			s.LostText.Show()
			s.relayout()
			return
		}
		if err != nil {
			s.Recovery.SetText("")
			s.recoveryStatus.error(ErrorText(err))
			s.relayout()
			s.u.win.Canvas().Focus(s.Recovery)
			return
		}
		left := h.RecoveryCodesLeft()
		s.u.signedIn(h)
		if s.u.Enroll != nil {
			s.u.Enroll.recovered(left)
		}
	})
}
