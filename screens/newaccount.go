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

// NewAccountDialog creates an account: role, name and e-mail; a temporary
// password is made and shown once. Creating an administrator asks for the
// acting administrator's own code.
type NewAccountDialog struct {
	dialog *dialog.CustomDialog
	Role   *widget.Select
	Name   *widget.Entry
	Email  *widget.Entry
	// AdminNote, CodeLabel and Code appear when the role is administrator.
	AdminNote *widget.Label
	CodeLabel *widget.Label
	Code      *widget.Entry
	Create    *widget.Button
	Cancel    *widget.Button
	Status    *relaidStatus
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
func newNewAccountDialog(u *UI, role apetitspas.Role, done func(apetitspas.Imported)) *NewAccountDialog {
	d := &NewAccountDialog{}
	d.Status = newRelaidStatus(func() { refreshDialog(d.dialog) })
	var create func()
	d.AdminNote = widget.NewLabel(lang.X("users.create_admin_note", "Un administrateur peut gérer tous les comptes. Pour en créer un, votre propre connexion multi-facteurs (AMF) doit être activée."))
	d.AdminNote.Wrapping = fyne.TextWrapWord
	d.AdminNote.Importance = widget.WarningImportance
	d.CodeLabel = widget.NewLabel(lang.X("users.admin_code", "Votre code à 6 chiffres"))
	d.CodeLabel.TextStyle = fyne.TextStyle{Bold: true}
	d.Code = newCodeEntry(u, func() { create() })
	codeAsked := false
	showAdmin := func() {
		admin := d.Role.SelectedIndex() == len(newAccountRoles)-1
		d.AdminNote.Hidden = !admin
		d.CodeLabel.Hidden = !admin || !codeAsked
		d.Code.Hidden = !admin || !codeAsked
		if d.dialog != nil {
			refreshDialog(d.dialog)
		}
	}
	d.Role = widget.NewSelect(roleOptions(), func(string) {
		u.idle.touch()
		codeAsked = u.codeAsked()
		showAdmin()
	})
	for i, r := range newAccountRoles {
		if r == role {
			d.Role.SetSelectedIndex(i)
		}
	}
	d.Name = u.newEntry(false)
	d.Email = u.newEntry(false)
	d.Email.SetPlaceHolder("prenom.nom@exemple.ca")
	var created apetitspas.Imported
	finished, working := false, false
	create = func() {
		if d.Create.Disabled() || working {
			return
		}
		u.idle.touch()
		i := d.Role.SelectedIndex()
		if i < 0 || i >= len(newAccountRoles) {
			d.Status.error(lang.X("users.role_required", "Choisissez un rôle."))
			return
		}
		n := apetitspas.NewUser{Role: newAccountRoles[i], Name: d.Name.Text, Email: d.Email.Text}
		code := ""
		if d.Code.Visible() {
			code = d.Code.Text
		}
		fields := []fyne.Disableable{d.Role, d.Name, d.Email, d.Code, d.Create, d.Cancel}
		enable(false, fields...)
		d.Status.busy()
		working = true
		var res apetitspas.Imported
		u.sessionWork(func(sess *apetitspas.Session) error {
			var err error
			res, err = u.svc.CreateAccount(context.Background(), sess, n, code)
			return err
		}, func(err error) {
			working = false
			enable(true, fields...)
			if err != nil {
				d.Code.SetText("")
				if apetitspas.ErrorReason(err) == apetitspas.ReasonAdminCodeRequired {
					codeAsked = true
					showAdmin()
				}
				d.Status.error(ErrorText(err))
				if d.Code.Visible() {
					u.win.Canvas().Focus(d.Code)
				}
				return
			}
			d.Status.idle()
			created = res
			d.dialog.Hide()
		})
	}
	d.Email.OnSubmitted = func(string) { create() }
	d.Create = widget.NewButton(lang.X("users.create", "Créer le compte"), create)
	d.Create.Importance = widget.HighImportance
	d.Cancel = widget.NewButton(lang.X("mfa.confirm_cancel", "Annuler"), func() {
		if !working {
			d.dialog.Hide()
		}
	})
	intro := widget.NewLabel(lang.X("users.create_intro", "Un mot de passe temporaire sera créé et affiché une seule fois. La personne choisira son propre mot de passe à sa première connexion."))
	intro.Wrapping = fyne.TextWrapWord
	form := container.New(layout.NewFormLayout(),
		widget.NewLabel(lang.X("account.role", "Rôle")), d.Role,
		widget.NewLabel(lang.X("account.name", "Nom")), d.Name,
		widget.NewLabel(lang.X("login.email", "Courriel")), d.Email,
	)
	content := container.NewVBox(intro, form, d.AdminNote, d.CodeLabel, d.Code, d.Status.Progress, d.Status.Message,
		container.NewGridWithColumns(2, d.Cancel, d.Create))
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
	u.win.Canvas().Focus(d.Name)
	return d
}
