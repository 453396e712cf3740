package screens

import (
	"context"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/dialog"
	"fyne.io/fyne/v2/lang"
	"fyne.io/fyne/v2/layout"
	"fyne.io/fyne/v2/widget"

	apetitspas "github.com/apetitspas/apetitspas/app"
)

// newAccountDialog creates an account: role, name and e-mail; a temporary
// password is made and shown once. Creating an administrator asks for the
// acting administrator's own code.
type newAccountDialog struct {
	dialog *dialog.CustomDialog
	role   *ringSelect
	name   *widget.Entry
	email  *widget.Entry
	// adminNote, codeLabel and code appear when the role is administrator.
	adminNote *widget.Label
	codeLabel *widget.Label
	code      *widget.Entry
	create    *button
	cancel    *button
	status    *relaidStatus
}

// newAccountRoles are the roles of the role select, in its order.
var newAccountRoles = []apetitspas.Role{apetitspas.RoleParent, apetitspas.RoleEmployee, apetitspas.RoleAdmin}

// roleOptions names newAccountRoles for a select.
func roleOptions() []string {
	return []string{
		lang.X("users.role_parent", "Parent"),
		lang.X("users.role_employee", "Employé"),
		lang.X("users.role_admin", "Administrateur"),
	}
}

// newNewAccountDialog shows the dialog; done runs once when it closes,
// with the account created (a zero Imported when cancelled).
func newNewAccountDialog(u *UI, role apetitspas.Role, done func(apetitspas.Imported)) *newAccountDialog {
	d := &newAccountDialog{}
	d.status = newRelaidStatus(func() { refreshDialog(d.dialog) })
	var create func()
	d.adminNote = widget.NewLabel(lang.X("users.create_admin_note", "Un administrateur peut gérer tous les comptes. Pour en créer un, votre propre connexion multi-facteurs (AMF) doit être activée."))
	d.adminNote.Wrapping = fyne.TextWrapWord
	d.adminNote.Importance = widget.WarningImportance
	d.codeLabel = widget.NewLabel(lang.X("users.admin_code", "Votre code à 6 chiffres"))
	d.codeLabel.TextStyle = fyne.TextStyle{Bold: true}
	d.code = newCodeEntry(u, func() { create() })
	codeAsked := false
	showAdmin := func() {
		admin := d.role.SelectedIndex() == len(newAccountRoles)-1
		d.adminNote.Hidden = !admin
		d.codeLabel.Hidden = !admin || !codeAsked
		d.code.Hidden = !admin || !codeAsked
		if d.dialog != nil {
			refreshDialog(d.dialog)
		}
	}
	d.role = newSelect(roleOptions(), func(string) {
		u.idle.touch()
		codeAsked = u.codeAsked()
		showAdmin()
	})
	for i, r := range newAccountRoles {
		if r == role {
			d.role.SetSelectedIndex(i)
		}
	}
	d.name = u.newEntry(false)
	d.email = u.newEntry(false)
	d.email.SetPlaceHolder("prenom.nom@exemple.ca")
	var created apetitspas.Imported
	finished, working := false, false
	create = func() {
		if d.create.Disabled() || working {
			return
		}
		u.idle.touch()
		i := d.role.SelectedIndex()
		if i < 0 || i >= len(newAccountRoles) {
			d.status.error(lang.X("users.role_required", "Choisissez un rôle."))
			return
		}
		n := apetitspas.NewUser{Role: newAccountRoles[i], Name: d.name.Text, Email: d.email.Text}
		code := ""
		if d.code.Visible() {
			code = d.code.Text
		}
		fields := []fyne.Disableable{d.role, d.name, d.email, d.code, d.create, d.cancel}
		enable(false, fields...)
		d.status.busy()
		working = true
		var res apetitspas.Imported
		u.sessionWork(func(h *apetitspas.Handle) error {
			var err error
			res, err = u.api.CreateAccount(context.Background(), h, n, code)
			return err
		}, func(err error) {
			working = false
			enable(true, fields...)
			if err != nil {
				d.code.SetText("")
				if apetitspas.ErrorReason(err) == apetitspas.ReasonAdminCodeRequired {
					codeAsked = true
					showAdmin()
				}
				d.status.error(ErrorText(err))
				if d.code.Visible() {
					u.win.Canvas().Focus(d.code)
				}
				return
			}
			d.status.idle()
			created = res
			d.dialog.Hide()
		})
	}
	d.email.OnSubmitted = func(string) { create() }
	d.create = newButton(lang.X("users.create", "Créer le compte"), nil, create)
	d.create.Importance = widget.HighImportance
	d.cancel = newButton(lang.X("mfa.confirm_cancel", "Annuler"), nil, func() {
		if !working {
			d.dialog.Hide()
		}
	})
	d.create.onEscape, d.cancel.onEscape = d.cancel.OnTapped, d.cancel.OnTapped
	intro := widget.NewLabel(lang.X("users.create_intro", "Un mot de passe temporaire sera créé et affiché une seule fois. La personne choisira son propre mot de passe à sa première connexion."))
	intro.Wrapping = fyne.TextWrapWord
	form := container.New(layout.NewFormLayout(),
		widget.NewLabel(lang.X("account.role", "Rôle")), d.role,
		widget.NewLabel(lang.X("account.name", "Nom")), d.name,
		widget.NewLabel(lang.X("login.email", "Courriel")), d.email,
	)
	content := container.NewVBox(intro, form, d.adminNote, d.codeLabel, d.code, d.status.progress, d.status.message,
		container.NewGridWithColumns(2, d.cancel, d.create))
	showAdmin()
	d.dialog = dialog.NewCustomWithoutButtons(lang.X("users.new_account", "Nouveau compte"), content, u.win)
	d.dialog.SetOnClosed(func() {
		if finished {
			return
		}
		finished = true
		done(created)
	})
	d.dialog.Resize(fyne.NewSize(520, 0))
	d.dialog.Show()
	u.win.Canvas().Focus(d.name)
	return d
}
