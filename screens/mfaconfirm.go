package screens

import (
	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/dialog"
	"fyne.io/fyne/v2/lang"
	"fyne.io/fyne/v2/widget"
)

// mfaConfirm asks before multi-factor sign-in is turned on: it cannot be
// undone by the user (product document, section 1). Annuler has the
// focus; Escape cancels too.
type mfaConfirm struct {
	dialog  *dialog.CustomDialog
	message *widget.Label
	// onlyAdmin says what a lost phone means to the only enabled
	// administrator (hidden for others).
	onlyAdmin *wrapLabel
	activate  *button
	cancel    *button
}

// newMFAConfirm asks; onlyAdmin adds what a lost phone means when the
// person is the only enabled administrator.
func newMFAConfirm(u *UI, onlyAdmin bool, done func(ok bool)) *mfaConfirm {
	c := &mfaConfirm{}
	c.message = widget.NewLabel(lang.X("mfa.confirm_text", "Vous êtes sur le point de mieux protéger votre compte.\n\nLa connexion multi-facteurs (AMF) ajoute une vérification en plus de votre mot de passe : à chaque connexion, un code à 6 chiffres affiché par une application sur votre téléphone (Microsoft Authenticator ou Google Authenticator).\n\nAttention : une fois activée, vous ne pourrez pas la désactiver vous-même. Seul un administrateur de votre service de garde pourra la réinitialiser, par exemple si vous perdez votre téléphone."))
	c.message.Wrapping = fyne.TextWrapWord
	c.onlyAdmin = wrapped(lang.X("mfa.confirm_only_admin", "Vous êtes le seul administrateur de la garderie (aucun autre compte administrateur actif). Si vous perdez votre téléphone, il vous faudra un de vos codes de récupération, affichés juste après que vous aurez scanné le code QR, ou l'aide de votre technicien. Pensez à créer un deuxième administrateur dans Utilisateurs."))
	if !onlyAdmin {
		c.onlyAdmin.Hide()
	}
	answered := false
	answer := func(ok bool) {
		if answered {
			return
		}
		answered = true
		c.dialog.Hide()
		done(ok)
	}
	c.activate = newButton(lang.X("mfa.confirm_activate", "Activer"), nil, func() { answer(true) })
	c.activate.Importance = widget.HighImportance
	c.cancel = newButton(lang.X("mfa.confirm_cancel", "Annuler"), nil, func() { answer(false) })
	c.dialog = u.newDialog(lang.X("mfa.confirm_title", "Activer la connexion multi-facteurs (AMF) ?"), container.NewVBox(c.message, c.onlyAdmin),
		func() { answer(false) }, c.cancel, c.activate)
	c.dialog.SetOnClosed(func() { answer(false) })
	c.dialog.Resize(fyne.NewSize(min(520, u.win.Canvas().Size().Width-40), 0))
	c.dialog.Show()
	u.win.Canvas().Focus(c.cancel)
	return c
}
