package screens

import (
	"context"
	"math"
	"strings"
	"time"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/canvas"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/dialog"
	"fyne.io/fyne/v2/lang"
	"fyne.io/fyne/v2/layout"
	"fyne.io/fyne/v2/theme"
	"fyne.io/fyne/v2/widget"
	qrcode "github.com/skip2/go-qrcode"

	apetitspas "github.com/apetitspas/apetitspas/app"
)

// enrollScreen is shown after the password of an account whose
// multi-factor sign-in is pending: a dialog with the QR code to scan, the
// key for manual entry and the first code. Closing it signs out: nobody
// gets in without finishing.
type enrollScreen struct {
	u       *UI
	content fyne.CanvasObject
	status  *status
	dialog  *dialog.CustomDialog
	done    bool

	qr           *canvas.Image
	account      *widget.Label
	key          *widget.Label
	copy         *button
	code         *widget.Entry
	submitButton *button
	help         *button
	cancel       *button
	message      *widget.Label
	// scroll holds everything but the buttons (buttons).
	scroll  *container.Scroll
	buttons *fyne.Container
	// recoveredLabel says a recovery code was just accepted and how many are
	// left; notice says who reset the AMF and when (after a reset), grace
	// how long staff may still skip enrollment, with later.
	recoveredLabel *wrapLabel
	notice         *widget.Label
	grace          *widget.Label
	later          *button

	enrollment apetitspas.Enrollment
}

// qrSize is about the width of the QR code on screen.
const qrSize = 220

func newEnrollScreen(u *UI) *enrollScreen {
	s := &enrollScreen{u: u, status: newStatus()}
	back := newButton(lang.X("code.cancel", "Annuler et revenir à la connexion"), nil, func() { u.logout("") })
	s.content = centered(container.NewVBox(
		widget.NewLabelWithStyle(lang.X("enroll.title", "Configurer la connexion multi-facteurs (AMF)"), fyne.TextAlignLeading, fyne.TextStyle{Bold: true}),
		s.status.progress, s.status.message, back,
	), 420)

	s.qr = newQRImage()
	s.account = widget.NewLabel("")
	s.account.Wrapping = fyne.TextWrapWord
	s.key = widget.NewLabelWithStyle("", fyne.TextAlignLeading, fyne.TextStyle{Monospace: true})
	s.copy = newButton(lang.X("enroll.copy", "Copier"), theme.ContentCopyIcon(), s.copyKey)
	s.code = newCodeEntry(u, s.submit)
	s.submitButton = newButton(lang.X("code.submit", "Valider"), theme.ConfirmIcon(), s.submit)
	s.submitButton.Importance = widget.HighImportance
	s.help = newButton(lang.X("enroll.help", "Besoin d'aide ?"), theme.HelpIcon(), func() { showHelpDialog(u) })
	s.help.Importance = widget.LowImportance
	s.cancel = newButton(lang.X("enroll.cancel", "Fermer et me déconnecter"), nil, func() { s.dialog.Hide() })
	s.message = widget.NewLabel("")
	s.message.Wrapping = fyne.TextWrapWord
	s.message.Hide()
	s.recoveredLabel = wrapped("")
	s.recoveredLabel.Hide()
	s.notice = widget.NewLabel("")
	s.notice.Wrapping = fyne.TextWrapWord
	s.notice.Importance = widget.WarningImportance
	s.notice.Hide()
	s.grace = widget.NewLabel("")
	s.grace.Wrapping = fyne.TextWrapWord
	s.grace.Hide()
	s.later = newButton(lang.X("enroll.later", "Plus tard"), nil, s.skip)
	s.later.Hide()

	intro := wrapped(lang.X("enroll.intro", "1. Sur votre téléphone, ouvrez Microsoft Authenticator ou Google Authenticator.\n2. Touchez le bouton + pour ajouter un compte, puis choisissez «\u00a0Autre\u00a0» (ou «\u00a0Scanner un code QR\u00a0»).\n3. Visez ce code QR avec l'appareil photo du téléphone.\n4. Entrez ci-dessous le code à 6 chiffres qui s'affiche."))
	manual := wrapped(lang.X("enroll.manual", "Impossible de scanner ? Choisissez l'entrée manuelle et tapez cette clé :"))
	// The QR code, and under it what replaces it (the key, on two lines
	// of four groups, and Copier below: nothing hides a group); beside it
	// the steps and the code. Everything scrolls above the buttons, which
	// stay at the bottom whatever the messages and the window size.
	left := container.NewVBox(container.NewCenter(s.qr), s.account, manual, s.key, container.NewHBox(s.copy))
	right := container.NewVBox(intro, widget.NewLabel(lang.X("code.label", "Code à 6 chiffres")),
		container.NewBorder(nil, nil, nil, s.submitButton, s.code), s.message)
	s.scroll = newPageScroll(container.NewVBox(s.recoveredLabel, s.notice, s.grace, container.NewGridWithColumns(2, left, right)), false)
	s.buttons = container.NewHBox(s.help, layout.NewSpacer(), s.later, s.cancel)
	body := container.NewBorder(nil, container.NewVBox(widget.NewSeparator(), s.buttons), nil, nil, s.scroll)
	s.dialog = dialog.NewCustomWithoutButtons(lang.X("enroll.title", "Configurer la connexion multi-facteurs (AMF)"), body, u.win)
	s.dialog.SetOnClosed(func() {
		if !s.done {
			u.logout("")
		}
	})
	// As large as the window allows (the dialog never leaves it).
	s.dialog.Resize(fyne.NewSize(900, 680))
	return s
}

// start makes (or finds) the pending secret in the background, then shows
// the dialog.
func (s *enrollScreen) start(info string) {
	s.status.busy()
	var (
		en       apetitspas.Enrollment
		resetBy  string
		resetAt  time.Time
		canSkip  bool
		graceEnd time.Time
	)
	s.u.sessionWork(func(h *apetitspas.Handle) error {
		ctx := context.Background()
		var err error
		if en, err = s.u.api.BeginEnrollment(ctx, h); err != nil {
			return err
		}
		if resetBy, resetAt, err = s.u.api.ResetNotice(ctx, h); err != nil {
			return err
		}
		canSkip, graceEnd, err = s.u.api.EnrollmentGrace(ctx, h)
		return err
	}, func(err error) {
		s.status.idle()
		if err != nil {
			s.status.error(ErrorText(err))
			return
		}
		if resetBy != "" {
			s.notice.SetText(resetNoticeText(resetBy, resetAt))
			s.notice.Show()
		}
		if canSkip {
			days := int(math.Ceil(graceEnd.Sub(s.u.api.Now()).Hours() / 24))
			s.grace.SetText(lang.X("enroll.grace", "La connexion multi-facteurs (AMF) est maintenant exigée par votre service de garde. Vous pouvez encore reporter la configuration : il vous reste {{.Days}}, jusqu'au {{.Date}}.",
				map[string]any{"Days": daysText(days), "Date": formatDateTime(graceEnd)}))
			s.grace.Show()
			s.later.Show()
		}
		s.show(en, info)
	})
}

func (s *enrollScreen) show(en apetitspas.Enrollment, info string) {
	s.enrollment = en
	if err := showEnrollment(en, s.qr, s.account, s.key); err != nil {
		s.status.error(ErrorText(err))
		return
	}
	s.scroll.ScrollToTop()
	s.code.SetText("")
	if info != "" {
		s.showMessage(info, widget.WarningImportance)
	}
	s.dialog.Show()
	s.u.win.Canvas().Focus(s.code)
}

func (s *enrollScreen) showMessage(text string, imp widget.Importance) {
	s.message.Importance = imp
	s.message.SetText(text)
	s.message.Show()
}

// recovered says, above the QR code, that a recovery code was accepted
// and how many are left; when few are, where to make a new set.
func (s *enrollScreen) recovered(left int) {
	var text string
	switch {
	case left == 0:
		text = lang.X("enroll.recovered_last", "Code de récupération accepté ; c'était votre dernier. Scannez le nouveau code QR : une nouvelle série de codes de récupération vous sera donnée aussitôt après.")
	case left <= apetitspas.RecoveryCodeLow:
		text = lang.X("enroll.recovered_low", "Code de récupération accepté ; il vous en reste {{.N}}. Scannez le nouveau code QR avec votre nouveau téléphone, puis faites une nouvelle série de codes dans Mon compte (bouton «\u00a0Nouveaux codes de récupération\u00a0»).",
			map[string]any{"N": left})
	default:
		text = lang.X("enroll.recovered", "Code de récupération accepté ; il vous en reste {{.N}}. Scannez le nouveau code QR avec votre nouveau téléphone.",
			map[string]any{"N": left})
	}
	s.recoveredLabel.Importance = widget.SuccessImportance
	if left <= apetitspas.RecoveryCodeLow {
		s.recoveredLabel.Importance = widget.WarningImportance
	}
	s.recoveredLabel.SetText(text)
	s.recoveredLabel.Show()
}

// showEnrollment draws an enrollment's QR code in qr, the authenticator
// entry it makes in account and the key in text in key: the QR dialog of a
// first enrollment and « Changer de téléphone » show a new secret alike.
func showEnrollment(en apetitspas.Enrollment, qr *canvas.Image, account, key interface{ SetText(string) }) error {
	q, err := qrcode.New(en.URI, qrcode.Medium)
	if err != nil {
		return err
	}
	// Every module the same whole number of pixels, drawn one image pixel
	// to one screen pixel (a phone, or a test decoding a screenshot, reads
	// an even grid best; scaling 8 pixels down to 5 shifted modules).
	modules := len(q.Bitmap())
	ppm := max(1, qrSize/modules)
	png, err := q.PNG(-ppm)
	if err != nil {
		return err
	}
	qr.SetMinSize(fyne.NewSquareSize(float32(ppm * modules)))
	qr.Resource = fyne.NewStaticResource("amf-qr.png", png)
	qr.Refresh()
	account.SetText(lang.X("enroll.account", "Compte : {{.Issuer}} — {{.Account}}", map[string]any{"Issuer": en.Issuer, "Account": en.Account}))
	key.SetText(keyLines(apetitspas.GroupKey(en.Secret)))
	return nil
}

// newQRImage is the image a QR code is drawn in (showEnrollment).
func newQRImage() *canvas.Image {
	qr := canvas.NewImageFromResource(nil)
	qr.FillMode = canvas.ImageFillContain
	qr.ScaleMode = canvas.ImageScalePixels
	qr.SetMinSize(fyne.NewSquareSize(qrSize))
	return qr
}

// keyLines puts a grouped key on lines of four groups.
func keyLines(grouped string) string {
	groups := strings.Fields(grouped)
	var lines []string
	for len(groups) > 4 {
		lines = append(lines, strings.Join(groups[:4], " "))
		groups = groups[4:]
	}
	return strings.Join(append(lines, strings.Join(groups, " ")), "\n")
}

// resetNoticeText tells who reset the AMF and when.
func resetNoticeText(by string, at time.Time) string {
	if by == apetitspas.MFAResetByKeyReplaced {
		return lang.X("enroll.reset_key_replaced", "La clé de sécurité de la garderie a été remplacée le {{.When}} (l'ancienne était perdue) : votre connexion multi-facteurs (AMF) est à configurer de nouveau. Scannez le nouveau code QR ; l'ancien compte dans votre application ne fonctionne plus.",
			map[string]any{"When": formatDateTime(at)})
	}
	if by == apetitspas.BreakGlassActor {
		by = lang.X("enroll.reset_by_break_glass", "une réinitialisation d'urgence (sur l'ordinateur de la base de données)")
	}
	return lang.X("enroll.reset_notice", "Votre connexion multi-facteurs a été réinitialisée par {{.By}} le {{.When}}. Scannez le nouveau code QR ; l'ancien compte dans votre application ne fonctionne plus.",
		map[string]any{"By": by, "When": formatDateTime(at)})
}

// skip enters without enrolling, during the grace period only.
func (s *enrollScreen) skip() {
	s.u.idle.touch()
	h := s.u.handle
	if err := s.u.api.SkipEnrollment(context.Background(), h); err != nil {
		s.showMessage(ErrorText(err), widget.DangerImportance)
		return
	}
	s.done = true
	s.dialog.Hide()
	s.u.signedIn(h)
}

func (s *enrollScreen) copyKey() {
	s.u.idle.touch()
	fyne.CurrentApp().Clipboard().SetContent(s.enrollment.Secret)
	s.showMessage(lang.X("enroll.copied", "Clé copiée."), widget.SuccessImportance)
}

func (s *enrollScreen) submit() {
	if s.submitButton.Disabled() {
		return
	}
	s.u.idle.touch()
	code, h := s.code.Text, s.u.handle
	enable(false, s.submitButton, s.code)
	s.u.sessionWork(func(snap *apetitspas.Handle) error {
		return s.u.api.ConfirmEnrollment(context.Background(), snap, code)
	}, func(err error) {
		enable(true, s.submitButton, s.code)
		switch {
		case apetitspas.ErrorReason(err) == apetitspas.ReasonEnrollExpired:
			s.start(ErrorText(err))
		case err != nil:
			s.code.SetText("")
			s.showMessage(ErrorText(err), widget.DangerImportance)
			s.u.win.Canvas().Focus(s.code)
		default:
			s.done = true
			s.dialog.Hide()
			codes := h.TakeRecoveryCodes()
			u := s.u
			u.signedIn(h)
			congratulate := func() {
				u.notify(lang.X("enroll.done_title", "Félicitations !"),
					lang.X("enroll.done_text", "Votre compte est maintenant protégé par la connexion multi-facteurs. À chaque connexion, entrez le code à 6 chiffres affiché par votre application ; il change toutes les 30 secondes. Gardez votre téléphone à portée de main."))
			}
			if len(codes) == 0 {
				congratulate()
				return
			}
			// An administrator: her recovery codes first, shown once.
			showRecoveryCodes(u, codes, false, func() {
				if u.shell != nil {
					congratulate()
				}
			})
		}
	})
}
