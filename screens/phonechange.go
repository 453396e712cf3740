package screens

import (
	"context"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/canvas"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/dialog"
	"fyne.io/fyne/v2/lang"
	"fyne.io/fyne/v2/theme"
	"fyne.io/fyne/v2/widget"

	apetitspas "github.com/apetitspas/apetitspas/app"
)

// phoneChange is « Changer de téléphone » in Mon compte, one dialog in two
// steps: (1) her password and a code from the old phone (or, for an
// administrator, a recovery code); (2) the new QR code, drawn as the
// enrollment dialog draws it, and a code from the new phone. The service
// keeps the new secret until that code is right; closing the dialog at any
// step (Annuler, Escape) drops it and changes nothing. Return moves on,
// then submits.
type phoneChange struct {
	u      *UI
	dialog *dialog.CustomDialog
	status *status
	done   func()
	// finished: the new phone was confirmed (closing cancels nothing).
	finished bool

	proof, newPhone fyne.CanvasObject
	scroll          *container.Scroll

	// Step 1.
	password, code *dialogEntry
	codeLabel      *widget.Label
	noPhone        *wrapLabel
	next           *button

	// Step 2.
	qr            *canvas.Image
	account       *wrapLabel
	key           *widget.Label
	copy          *button
	newCode       *dialogEntry
	confirmButton *button

	cancel *button

	// enrollment is the new QR code while step 2 is shown (the key for
	// Copier); forgotten when the dialog closes.
	enrollment apetitspas.Enrollment
}

// showPhoneChange opens the dialog at step 1; recovery says the person may
// give a recovery code instead of the old phone's code; done runs once the
// new phone is confirmed.
func showPhoneChange(u *UI, recovery bool, done func()) *phoneChange {
	p := &phoneChange{u: u, status: newStatus(), done: done}
	cancel := func() { p.dialog.Hide() }
	p.password = u.newDialogEntry(true, cancel)
	p.code = u.newDialogEntry(false, cancel)
	p.code.SetPlaceHolder("123 456")
	p.password.OnSubmitted = func(string) { u.win.Canvas().Focus(p.code) }
	p.code.OnSubmitted = func(string) { p.begin() }
	p.codeLabel = widget.NewLabel(lang.X("phone_change.old_code", "Code de l'ancien téléphone"))
	p.noPhone = wrapped(lang.X("phone_change.no_phone", "Vous n'avez plus votre ancien téléphone ? Demandez à un administrateur de réinitialiser votre connexion multi-facteurs (AMF)."))
	if recovery {
		p.codeLabel.SetText(lang.X("phone_change.old_code_or_recovery", "Code de l'ancien téléphone ou code de récupération"))
		p.noPhone.SetText(lang.X("phone_change.no_phone_admin", "Vous n'avez plus votre ancien téléphone ? Entrez plutôt un de vos codes de récupération : il sera utilisé et ne servira plus."))
	}
	p.next = newButton(lang.X("phone_change.next", "Continuer"), theme.NavigateNextIcon(), p.begin)
	p.next.Importance = widget.HighImportance
	intro := wrapped(lang.X("phone_change.intro", "Pour utiliser un nouveau téléphone, confirmez d'abord que c'est bien vous : votre mot de passe et le code à 6 chiffres affiché par votre ancien téléphone. Votre ancien téléphone continue de fonctionner jusqu'à ce que le nouveau soit confirmé."))
	// Labels above their fields: the code's label is long for an
	// administrator, and a field beside it would be squeezed.
	p.proof = container.NewVBox(intro,
		widget.NewLabel(lang.X("login.password", "Mot de passe")), p.password,
		p.codeLabel, p.code,
		p.noPhone)

	p.qr = newQRImage()
	p.account = wrapped("")
	p.key = widget.NewLabelWithStyle("", fyne.TextAlignLeading, fyne.TextStyle{Monospace: true})
	p.copy = newButton(lang.X("enroll.copy", "Copier"), theme.ContentCopyIcon(), p.copyKey)
	p.newCode = u.newDialogEntry(false, cancel)
	p.newCode.SetPlaceHolder("123 456")
	p.newCode.OnSubmitted = func(string) { p.confirm() }
	p.confirmButton = newButton(lang.X("phone_change.confirm", "Confirmer le nouveau téléphone"), theme.ConfirmIcon(), p.confirm)
	p.confirmButton.Importance = widget.HighImportance
	steps := wrapped(lang.X("phone_change.scan", "1. Sur votre nouveau téléphone, ouvrez Microsoft Authenticator ou Google Authenticator.\n2. Touchez le bouton + pour ajouter un compte, puis choisissez «\u00a0Autre\u00a0» (ou «\u00a0Scanner un code QR\u00a0»).\n3. Visez ce code QR avec l'appareil photo du nouveau téléphone.\n4. Entrez ci-dessous le code à 6 chiffres qu'il affiche."))
	still := wrapped(lang.X("phone_change.old_still_works", "Votre ancien téléphone fonctionne encore. Il cessera de fonctionner dès que vous aurez confirmé le nouveau ; si vous fermez cette fenêtre avant, rien ne change."))
	still.Importance = widget.WarningImportance
	manual := wrapped(lang.X("enroll.manual", "Impossible de scanner ? Choisissez l'entrée manuelle et tapez cette clé :"))
	left := container.NewVBox(container.NewCenter(p.qr), p.account, manual, p.key, container.NewHBox(p.copy))
	right := container.NewVBox(steps, widget.NewLabel(lang.X("phone_change.new_code", "Code du nouveau téléphone")), p.newCode)
	p.newPhone = container.NewVBox(still, container.NewGridWithColumns(2, left, right))
	p.newPhone.Hide()

	p.cancel = newButton(lang.X("new_codes.cancel", "Annuler"), nil, cancel)
	p.confirmButton.Hide()
	p.scroll = container.NewVScroll(container.NewVBox(p.proof, p.newPhone, p.status.progress, p.status.message))
	p.dialog = u.newDialog(lang.X("phone_change.title", "Changer de téléphone"), p.scroll, cancel, p.cancel, p.next, p.confirmButton)
	p.dialog.SetOnClosed(p.closed)
	p.fit()
	p.dialog.Show()
	u.win.Canvas().Focus(p.password)
	return p
}

// fit sizes the dialog for its step, within the window.
func (p *phoneChange) fit() {
	win := p.u.win.Canvas().Size()
	if p.newPhone.Visible() {
		p.dialog.Resize(fyne.NewSize(min(880, win.Width-40), min(640, win.Height-40)))
		return
	}
	w := min(560, win.Width-40)
	p.scroll.SetMinSize(fyne.NewSize(w-40, min(300, win.Height-200)))
	refit(p.dialog, w)
}

// closed drops a change not confirmed: the service forgets the new secret.
func (p *phoneChange) closed() {
	p.enrollment = apetitspas.Enrollment{}
	if p.finished {
		return
	}
	p.u.sessionWork(func(h *apetitspas.Handle) error {
		return p.u.api.CancelPhoneChange(context.Background(), h)
	}, func(error) {})
}

func (p *phoneChange) begin() {
	if p.next.Disabled() || !p.next.Visible() {
		return
	}
	p.u.idle.touch()
	password, code := p.password.Text, p.code.Text
	fields := []fyne.Disableable{p.next, p.password, p.code}
	enable(false, fields...)
	p.status.busy()
	var en apetitspas.Enrollment
	p.u.sessionWork(func(h *apetitspas.Handle) error {
		var err error
		en, err = p.u.api.BeginPhoneChange(context.Background(), h, password, code)
		return err
	}, func(err error) {
		enable(true, fields...)
		p.status.idle()
		if sessionOver(p.u.handle, err) {
			p.finished = true // nothing to cancel: the session is over
			p.dialog.Hide()
			p.u.sessionEnded(err) // too many wrong passwords: locked
			return
		}
		if err != nil {
			p.status.error(ErrorText(err))
			p.fit()
			if apetitspas.ErrorReason(err) == apetitspas.ReasonWrongPassword {
				p.password.SetText("")
				p.u.win.Canvas().Focus(p.password)
				return
			}
			p.code.SetText("")
			p.u.win.Canvas().Focus(p.code)
			return
		}
		p.showNewPhone(en)
	})
}

// showNewPhone is step 2: the new QR code and the new phone's code.
func (p *phoneChange) showNewPhone(en apetitspas.Enrollment) {
	if err := showEnrollment(en, p.qr, p.account, p.key); err != nil {
		p.status.error(ErrorText(err))
		return
	}
	p.enrollment = en
	p.password.SetText("")
	p.code.SetText("")
	p.status.idle()
	p.status.message.Hide()
	p.proof.Hide()
	p.next.Hide()
	p.newPhone.Show()
	p.confirmButton.Show()
	p.fit()
	p.scroll.ScrollToTop()
	p.u.win.Canvas().Focus(p.newCode)
}

// backToProof returns to step 1 after the change was made void (expired,
// or the phone changed meanwhile), with why.
func (p *phoneChange) backToProof(err error) {
	p.enrollment = apetitspas.Enrollment{}
	p.newPhone.Hide()
	p.confirmButton.Hide()
	p.proof.Show()
	p.next.Show()
	p.status.error(ErrorText(err))
	p.fit()
	p.u.win.Canvas().Focus(p.password)
}

func (p *phoneChange) copyKey() {
	p.u.idle.touch()
	fyne.CurrentApp().Clipboard().SetContent(p.enrollment.Secret)
	p.status.info(lang.X("enroll.copied", "Clé copiée."))
}

func (p *phoneChange) confirm() {
	if p.confirmButton.Disabled() || !p.confirmButton.Visible() {
		return
	}
	p.u.idle.touch()
	code := p.newCode.Text
	fields := []fyne.Disableable{p.confirmButton, p.newCode}
	enable(false, fields...)
	p.status.busy()
	p.u.sessionWork(func(h *apetitspas.Handle) error {
		return p.u.api.ConfirmPhoneChange(context.Background(), h, code)
	}, func(err error) {
		enable(true, fields...)
		p.status.idle()
		p.newCode.SetText("")
		switch apetitspas.ErrorReason(err) {
		case "":
		case apetitspas.ReasonPhoneChangeExpired, apetitspas.ReasonPhoneChangeNone, apetitspas.ReasonPhoneChangeStale:
			p.backToProof(err)
			return
		default:
			if sessionOver(p.u.handle, err) {
				p.finished = true
				p.dialog.Hide()
				p.u.sessionEnded(err)
				return
			}
			p.status.error(ErrorText(err))
			p.u.win.Canvas().Focus(p.newCode)
			return
		}
		p.finished = true
		p.dialog.Hide()
		p.u.notify(lang.X("phone_change.done_title", "Nouveau téléphone confirmé"),
			lang.X("phone_change.done_text", "Votre connexion multi-facteurs (AMF) utilise maintenant votre nouveau téléphone. L'ancien ne fonctionne plus : vous pouvez supprimer son compte « À petits pas » dans l'application."))
		if p.done != nil {
			p.done()
		}
	})
}
