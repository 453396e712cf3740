package screens

import (
	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/dialog"
	"fyne.io/fyne/v2/lang"
	"fyne.io/fyne/v2/widget"

	apetitspas "github.com/apetitspas/apetitspas/app"
)

// adminAction is what an adminConfirm asks about and does.
type adminAction struct {
	title, message, confirmText string
	// askCode shows the field for the administrator's own 6-digit code
	// from the start (see UI.codeAsked). It also appears later if the
	// service asks for it.
	askCode bool
	// slow actions (argon2id: a temporary password, an account) run off
	// the UI goroutine, with a progress bar, on a copy of the session.
	slow bool
	// destructive makes the confirm button red (an AMF reset, a
	// deactivation): the eye tells it from a routine confirmation.
	destructive bool
	// act does the action for h with the code typed ("" when none).
	act func(h *apetitspas.Handle, code string) error
	// askPassword shows a field for the administrator's own password,
	// checked again by the service (an erasure); actPassword then does the
	// action instead of act.
	askPassword bool
	actPassword func(h *apetitspas.Handle, password, code string) error
	// closed runs once when the dialog goes away; done tells whether act
	// succeeded.
	closed func(done bool)
}

// adminConfirm asks before an administrative action. When a code is
// asked, the acting administrator confirms with their own current 6-digit
// code. A refusal (wrong code, the administrator's own AMF not on, a rule)
// is shown in the dialog, which stays open.
type adminConfirm struct {
	dialog  *dialog.CustomDialog
	message *wrapLabel
	// codeHelp, codeLabel and code are shown only when a code is asked.
	codeHelp  *widget.Label
	codeLabel *widget.Label
	code      *widget.Entry
	// password is the administrator's own password, when asked.
	password *dialogEntry
	confirm  *button
	cancel   *button
	status   *relaidStatus

	working bool
}

// codeStale reports whether a strong action needs a code typed now: no
// code was accepted in this sign-in within the last two minutes, as the
// service last said of it (app.CodeRequired; the service decides, and
// asks for a code again when it disagrees).
func (u *UI) codeStale() bool {
	return u.handle != nil && apetitspas.CodeRequired(u.handle.View().CodeAt, u.api.Now())
}

// codeAsked reports whether a strong action that the permission table
// does not cover (the staff policy, a new administrator, an import, the
// integrity acknowledgement, the backups) needs a code typed now: her own
// AMF is on and her code is stale. Without AMF on, the service refuses
// and the dialog says why. The users' actions take NeedsCode from the
// table instead (usersPage.askCode).
func (u *UI) codeAsked() bool {
	return u.handle != nil && u.handle.User().MFA == apetitspas.MFAOn && u.codeStale()
}

// newAdminConfirm shows the dialog.
func newAdminConfirm(u *UI, a adminAction) *adminConfirm {
	c := &adminConfirm{}
	c.status = newRelaidStatus(func() { refreshDialog(c.dialog) })
	// wrapped: « Personne effacée » and the like stay with their quotes.
	c.message = wrapped(elide(a.message))
	c.codeLabel = widget.NewLabel(lang.X("users.admin_code", "Votre code à 6 chiffres"))
	c.codeLabel.TextStyle = fyne.TextStyle{Bold: true}
	done, finished := false, false
	var confirm func()
	c.code = newCodeEntry(u, func() { confirm() })
	c.codeHelp = widget.NewLabel(lang.X("users.admin_code_help", "Pour confirmer, entrez le code affiché en ce moment pour votre propre compte par votre application d'authentification."))
	c.codeHelp.Wrapping = fyne.TextWrapWord
	c.showCode(a.askCode)
	var passwordRow []fyne.CanvasObject
	if a.askPassword {
		c.password = u.newDialogEntry(true, func() { c.cancel.OnTapped() })
		c.password.OnSubmitted = func(string) {
			if c.codeAsked() {
				u.win.Canvas().Focus(c.code)
				return
			}
			confirm()
		}
		label := widget.NewLabel(lang.X("users.admin_password", "Votre mot de passe"))
		label.TextStyle = fyne.TextStyle{Bold: true}
		passwordRow = []fyne.CanvasObject{label, c.password}
	}
	fields := func() []fyne.Disableable {
		f := []fyne.Disableable{c.confirm, c.cancel, c.code}
		if c.password != nil {
			f = append(f, c.password)
		}
		return f
	}
	refused := func(err error) {
		c.code.SetText("")
		reason := apetitspas.ErrorReason(err)
		if c.password != nil && reason == apetitspas.ReasonWrongPassword {
			c.password.SetText("")
			c.status.error(ErrorText(err))
			u.win.Canvas().Focus(c.password)
			return
		}
		switch reason {
		case apetitspas.ReasonAdminCodeRequired:
			if !c.codeAsked() {
				c.showCode(true)
			}
		case apetitspas.ReasonAdminMFARequired:
			// Nothing typed here can help: say what to do first.
			c.showCode(false)
			c.confirm.Disable()
		}
		c.status.error(ErrorText(err))
		if c.codeAsked() {
			u.win.Canvas().Focus(c.code)
		}
	}
	succeeded := func() {
		done = true
		c.dialog.Hide()
	}
	confirm = func() {
		if c.confirm.Disabled() || c.working {
			return
		}
		u.idle.touch()
		code, password := "", ""
		if c.codeAsked() {
			code = c.code.Text
		}
		act := a.act
		if c.password != nil {
			password = c.password.Text
			act = func(h *apetitspas.Handle, code string) error { return a.actPassword(h, password, code) }
		}
		if !a.slow {
			if err := act(u.handle, code); err != nil {
				refused(err)
				return
			}
			succeeded()
			return
		}
		c.working = true
		enable(false, fields()...)
		c.status.busy()
		u.sessionWork(func(h *apetitspas.Handle) error {
			return act(h, code)
		}, func(err error) {
			c.working = false
			enable(true, fields()...)
			c.status.idle()
			if err != nil {
				refused(err)
				return
			}
			succeeded()
		})
	}
	c.confirm = newButton(a.confirmText, nil, confirm)
	c.confirm.Importance = widget.HighImportance
	if a.destructive {
		c.confirm.Importance = widget.DangerImportance
	}
	c.cancel = newButton(lang.X("mfa.confirm_cancel", "Annuler"), nil, func() {
		if c.working {
			return
		}
		u.idle.touch()
		c.dialog.Hide()
	})
	c.confirm.onEscape, c.cancel.onEscape = c.cancel.OnTapped, c.cancel.OnTapped
	content := container.NewVBox(c.message)
	content.Objects = append(content.Objects, passwordRow...)
	content.Objects = append(content.Objects, c.codeHelp, c.codeLabel, c.code, c.status.progress, c.status.message,
		container.NewGridWithColumns(2, c.cancel, c.confirm))
	c.dialog = dialog.NewCustomWithoutButtons(a.title, content, u.win)
	c.dialog.SetOnClosed(func() {
		if finished {
			return
		}
		finished = true
		if a.closed != nil {
			a.closed(done)
		}
	})
	c.dialog.Resize(fyne.NewSize(540, 0))
	c.dialog.Show()
	switch {
	case c.password != nil:
		u.win.Canvas().Focus(c.password)
	case a.askCode:
		u.win.Canvas().Focus(c.code)
	default:
		u.win.Canvas().Focus(c.cancel)
	}
	return c
}

// codeAsked reports whether the dialog asks for the administrator's code.
func (c *adminConfirm) codeAsked() bool { return c.code.Visible() }

func (c *adminConfirm) showCode(on bool) {
	for _, o := range []fyne.CanvasObject{c.codeHelp, c.codeLabel, c.code} {
		if on {
			o.Show()
		} else {
			o.Hide()
		}
	}
	if c.dialog != nil {
		refreshDialog(c.dialog)
	}
}
