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

// codeScreen asks for the 6-digit code after the password of a
// multi-factor account. The cursor is in the field; Return submits.
type codeScreen struct {
	u            *UI
	content      fyne.CanvasObject
	code         *widget.Entry
	submitButton *button
	cancel       *button
	status       *status

	// lost is « J'ai perdu mon téléphone ». For an administrator it opens
	// recovery (a recovery code) and useRecoveryButton; for others lostText
	// says who can help.
	lost              *button
	lostText          *wrapLabel
	recovery          *widget.Entry
	useRecoveryButton *button
	recoveryBox       *fyne.Container
	recoveryStatus    *status
}

func newCodeScreen(u *UI) *codeScreen {
	s := &codeScreen{u: u, status: newStatus(), recoveryStatus: newStatus()}
	s.code = newCodeEntry(u, s.submit)
	s.submitButton = newButton(lang.X("code.submit", "Valider"), theme.ConfirmIcon(), s.submit)
	s.submitButton.Importance = widget.HighImportance
	s.cancel = newButton(lang.X("code.cancel", "Annuler et revenir à la connexion"), nil, func() { u.logout("") })
	s.cancel.Importance = widget.LowImportance
	intro := widget.NewLabel(lang.X("code.intro", "Ouvrez l'application d'authentification sur votre téléphone (Microsoft Authenticator ou Google Authenticator) et entrez le code à 6 chiffres affiché pour À petits pas. Le code change toutes les 30 secondes."))
	intro.Wrapping = fyne.TextWrapWord
	s.lost = newButton(lang.X("code.lost_phone", "J'ai perdu mon téléphone"), theme.QuestionIcon(), s.showLost)
	s.lost.Importance = widget.LowImportance
	s.lostText = wrapped(lang.X("code.lost_ask", "Demandez à un administrateur de votre service de garde de réinitialiser votre AMF. À votre prochaine connexion, vous scannerez un nouveau code QR avec votre nouveau téléphone."))
	s.lostText.Hide()
	s.recovery = u.newEntry(false)
	s.recovery.SetPlaceHolder("XXXX-XXXX-XXXX-XXXX")
	s.recovery.TextStyle = fyne.TextStyle{Monospace: true}
	s.recovery.OnSubmitted = func(string) { s.useRecovery() }
	s.useRecoveryButton = newButton(lang.X("code.use_recovery", "Utiliser ce code de récupération"), theme.ConfirmIcon(), s.useRecovery)
	s.recoveryBox = container.NewVBox(
		wrapped(lang.X("code.recovery_intro", "Entrez un de vos codes de récupération (16 lettres et chiffres, par exemple 7KQ2-M9XD-4HTR-B6WP). Il ne servira qu'une fois ; vous scannerez ensuite un nouveau code QR avec votre nouveau téléphone.")),
		widget.NewLabel(lang.X("code.recovery_label", "Code de récupération")), s.recovery,
		s.useRecoveryButton, s.recoveryStatus.progress, s.recoveryStatus.message,
		wrapped(lang.X("code.recovery_none", "Plus de code de récupération ? Un autre administrateur peut réinitialiser votre AMF (menu Utilisateurs) ; s'il n'y en a pas, votre technicien peut le faire sur l'ordinateur de la base de données.")))
	s.recoveryBox.Hide()
	form := container.NewVBox(
		widget.NewLabelWithStyle(lang.X("code.title", "Connexion multi-facteurs (AMF)"), fyne.TextAlignLeading, fyne.TextStyle{Bold: true}),
		widget.NewLabel(u.handle.User().Email),
		intro,
		widget.NewLabel(lang.X("code.label", "Code à 6 chiffres")), s.code,
		s.submitButton, s.status.area(),
		container.NewHBox(s.lost), s.lostText, s.recoveryBox, s.cancel,
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

func (s *codeScreen) submit() {
	if s.submitButton.Disabled() {
		return
	}
	s.u.idle.touch()
	code := s.code.Text
	h := s.u.handle
	enable(false, s.submitButton, s.code)
	s.status.busy()
	s.u.sessionWork(func(snap *apetitspas.Handle) error {
		return s.u.api.VerifyCode(context.Background(), snap, code)
	}, func(err error) {
		enable(true, s.submitButton, s.code)
		s.status.idle()
		if err != nil {
			s.code.SetText("")
			s.status.error(ErrorText(err))
			s.u.win.Canvas().Focus(s.code)
			return
		}
		s.u.signedIn(h)
	})
}

// showLost is « J'ai perdu mon téléphone »: an account with unused
// recovery codes (the service counts them: only administrators get any)
// may enter one; others are told who can help.
func (s *codeScreen) showLost() {
	s.u.idle.touch()
	if s.u.handle.RecoveryCodesLeft() == 0 {
		s.lostText.Show()
	} else {
		s.recoveryBox.Show()
		s.u.win.Canvas().Focus(s.recovery)
	}
	s.relayout()
}

// relayout lays the form out again after wrapped text appeared (its
// height is known only at its width), and scrolls down to it.
func (s *codeScreen) relayout() {
	s.content.Refresh()
	if sc, ok := s.content.(*container.Scroll); ok {
		sc.ScrollToBottom()
	}
}

// useRecovery signs an administrator in with a recovery code; her AMF is
// then pending: the QR code to scan with her new phone comes at once.
func (s *codeScreen) useRecovery() {
	if s.useRecoveryButton.Disabled() {
		return
	}
	s.u.idle.touch()
	input, h := s.recovery.Text, s.u.handle
	fields := []fyne.Disableable{s.useRecoveryButton, s.recovery, s.submitButton, s.code}
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
			s.recovery.SetText("")
			s.recoveryBox.Hide()
			s.lostText.Show()
			s.relayout()
			return
		}
		if err != nil {
			s.recovery.SetText("")
			s.recoveryStatus.error(ErrorText(err))
			s.relayout()
			s.u.win.Canvas().Focus(s.recovery)
			return
		}
		left := h.RecoveryCodesLeft()
		s.u.signedIn(h)
		if s.u.enroll != nil {
			s.u.enroll.recovered(left)
		}
	})
}
