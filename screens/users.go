package screens

import (
	"context"
	"strings"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/lang"
	"fyne.io/fyne/v2/layout"
	"fyne.io/fyne/v2/theme"
	"fyne.io/fyne/v2/widget"

	apetitspas "github.com/apetitspas/apetitspas/app"
)

// usersLimit is how many accounts the list shows at most: the search
// narrows it down (the daycare may have tens of thousands of parents).
const usersLimit = 500

// The tabs of the users page.
const (
	UsersTabParents = 0
	UsersTabStaff   = 1
)

// UsersPage is "Utilisateurs": the accounts of the daycare in two tabs
// (parents; employees and administrators), a search as you type, and the
// actions on the selected account.
type UsersPage struct {
	widget.BaseWidget
	u       *UI
	content fyne.CanvasObject

	Tabs   *container.AppTabs
	Search *widget.Entry
	// List shows Results, one row per account (virtualized).
	List *widget.List
	// Results are the accounts listed, in the list's order.
	Results []apetitspas.User
	// More says the list stopped at 500 accounts.
	More *widget.Label
	// Empty says no account matches.
	Empty      *widget.Label
	NewAccount *widget.Button
	// Import opens the import of a CSV file.
	Import *widget.Button

	// The action panel of the selected account. The buttons stay where
	// they are whatever the account; those that do not apply are off.
	Hint         *widget.Label // shown while nothing is selected
	WhoName      *widget.Label
	WhoEmail     *widget.Label
	Details      *widget.Label
	ResetMFA     *widget.Button
	Unlock       *widget.Button
	TempPassword *widget.Button
	Disable      *widget.Button // "Désactiver" or "Réactiver"
	// Role is the selected account's role; choosing another one asks to
	// confirm the change.
	Role *widget.Select
	// Reseal ("Vérifier et rétablir…") shows, last, for an account changed
	// outside the application.
	Reseal *widget.Button
	// Note explains disabled actions (one's own row, AMF off, an account
	// changed outside the application).
	Note    *widget.Label
	actions *fyne.Container
	// panelBadges are the selected account's badges, under its name.
	panelBadges *fyne.Container
	panel       *fyne.Container
	listArea    *fyne.Container
	// Status is the line under the page (success, error, progress).
	Status *relaidStatus

	selected *apetitspas.User
	selfID   int64 // the signed-in administrator's account
	// working: work is in progress in the background (a temporary
	// password). The actions, the search and the tabs wait.
	working bool
	// filling: the role select is being set to the selected account's
	// role, not chosen by the administrator.
	filling bool

	// The dialogs, while shown.
	Confirm   *AdminConfirm
	Create    *NewAccountDialog
	Password  *TempPasswordDialog
	Importing *ImportDialog
}

// buildUsersPage is the page constructor of the shell.
func buildUsersPage(u *UI) fyne.CanvasObject { return newUsersPage(u) }

func newUsersPage(u *UI) *UsersPage {
	p := &UsersPage{u: u, selfID: u.sess.User().ID}
	p.Status = newRelaidStatus(p.relayout)
	p.ExtendBaseWidget(p)

	p.Tabs = container.NewAppTabs(
		container.NewTabItemWithIcon(lang.X("users.tab_parents", "Parents"), theme.AccountIcon(), layout.NewSpacer()),
		container.NewTabItemWithIcon(lang.X("users.tab_staff", "Employés et administrateurs"), theme.AccountIcon(), layout.NewSpacer()),
	)
	p.Tabs.OnSelected = func(*container.TabItem) {
		u.idle.touch()
		p.selected = nil
		p.List.UnselectAll()
		p.load()
	}

	p.Search = u.newEntry(false)
	p.Search.SetPlaceHolder(lang.X("users.search", "Rechercher par nom ou courriel"))
	p.Search.OnChanged = func(string) {
		u.idle.touch()
		p.load()
	}
	p.NewAccount = widget.NewButtonWithIcon(lang.X("users.new_account", "Nouveau compte"), theme.ContentAddIcon(), p.openCreate)
	p.NewAccount.Importance = widget.HighImportance
	p.Import = widget.NewButtonWithIcon(lang.X("users.import", "Importer"), theme.UploadIcon(), p.openImport)

	p.More = widget.NewLabel(lang.X("users.more", "500 premiers résultats — précisez la recherche"))
	p.More.Importance = widget.WarningImportance
	p.More.Hide()
	p.Empty = widget.NewLabel(lang.X("users.empty", "Aucun compte ne correspond à la recherche."))
	p.Empty.Hide()

	p.List = widget.NewList(
		func() int { return len(p.Results) },
		p.newRow,
		func(id widget.ListItemID, o fyne.CanvasObject) {
			if id < 0 || id >= len(p.Results) {
				return
			}
			p.updateRow(o, p.Results[id])
		},
	)
	p.List.OnSelected = func(id widget.ListItemID) {
		u.idle.touch()
		if id < 0 || id >= len(p.Results) {
			return
		}
		sel := p.Results[id]
		p.selected = &sel
		p.showActions()
	}

	header := container.New(userColumns{p},
		columnHead(lang.X("users.name_email", "Nom et courriel")),
		columnHead(lang.X("account.role", "Rôle")),
		columnHead(lang.X("users.status", "État")),
	)
	p.listArea = container.NewBorder(container.NewVBox(header, widget.NewSeparator()),
		container.NewVBox(p.More, p.Empty), nil, nil, p.List)

	p.Hint = widget.NewLabel(lang.X("users.hint", "Choisissez une personne dans la liste pour voir ce que vous pouvez faire pour son compte."))
	p.Hint.Wrapping = fyne.TextWrapWord
	p.WhoName = widget.NewLabelWithStyle("", fyne.TextAlignLeading, fyne.TextStyle{Bold: true})
	// The panel shows the name and e-mail whole, on several lines when
	// needed, however narrow the list made them.
	p.WhoName.Wrapping = fyne.TextWrapWord
	p.WhoEmail = widget.NewLabel("")
	p.WhoEmail.Wrapping = fyne.TextWrapBreak
	p.Details = widget.NewLabel("")
	p.Details.Wrapping = fyne.TextWrapWord
	p.ResetMFA = widget.NewButtonWithIcon(lang.X("users.reset_mfa", "Réinitialiser l'AMF"), theme.ViewRefreshIcon(), p.confirmReset)
	p.Unlock = widget.NewButton(lang.X("users.unlock", "Déverrouiller"), p.unlock)
	p.TempPassword = widget.NewButton(lang.X("users.temp_password", "Mot de passe temporaire"), p.confirmTempPassword)
	p.Disable = widget.NewButton(lang.X("users.disable", "Désactiver"), p.toggleDisabled)
	p.Reseal = widget.NewButtonWithIcon(lang.X("users.reseal", "Vérifier et rétablir…"), theme.WarningIcon(), p.confirmReseal)
	p.Reseal.Importance = widget.WarningImportance
	p.Reseal.Hide()
	for _, b := range []*widget.Button{p.ResetMFA, p.Unlock, p.TempPassword, p.Disable, p.Reseal} {
		b.Alignment = widget.ButtonAlignLeading
	}
	p.Role = widget.NewSelect(roleOptions(), func(string) {
		if !p.filling {
			p.confirmRole()
		}
	})
	p.Role.PlaceHolder = "—"
	p.Note = widget.NewLabel("")
	p.Note.Wrapping = fyne.TextWrapWord
	p.Note.Importance = widget.WarningImportance
	p.Note.Hide()
	roleRow := container.NewBorder(nil, nil, widget.NewLabel(lang.X("account.role", "Rôle")), nil, p.Role)
	p.panelBadges = container.New(&badgeFlow{})
	p.actions = container.NewVBox(p.WhoName, p.WhoEmail,
		container.New(layout.NewCustomPaddedLayout(0, 0, theme.InnerPadding(), 0), p.panelBadges),
		p.ResetMFA, p.Unlock, p.TempPassword, p.Disable, roleRow, p.Reseal,
		widget.NewSeparator(), p.Details, p.Note)
	p.panel = container.NewVBox(p.Hint, p.actions)
	panel := container.NewVScroll(container.NewPadded(p.panel))

	split := container.NewHSplit(p.listArea, panel)
	split.Offset = 0.7
	top := container.NewVBox(p.Tabs, container.NewBorder(nil, nil, nil, container.NewHBox(p.Import, p.NewAccount), p.Search))
	bottom := container.NewVBox(p.Status.Progress, p.Status.Message)
	p.content = container.NewPadded(container.NewBorder(top, bottom, nil, nil, split))

	p.load()
	return p
}

// CreateRenderer draws the page.
func (p *UsersPage) CreateRenderer() fyne.WidgetRenderer {
	return widget.NewSimpleRenderer(p.content)
}

// relayout lays the page out again after a line appeared or disappeared.
func (p *UsersPage) relayout() {
	if c, ok := p.content.(*fyne.Container); ok {
		c.Refresh()
	}
}

func (p *UsersPage) load() {
	ctx := context.Background()
	q := strings.TrimSpace(p.Search.Text)
	var (
		users []apetitspas.User
		err   error
	)
	if p.Tabs.SelectedIndex() == UsersTabStaff {
		users, err = p.u.svc.Staff(ctx, p.u.sess, q, usersLimit+1)
	} else {
		users, err = p.u.svc.Users(ctx, p.u.sess, apetitspas.UserFilter{Role: apetitspas.RoleParent, Query: q, Limit: usersLimit + 1})
	}
	if err != nil {
		users = nil
		p.Status.error(ErrorText(err))
	}
	more := len(users) > usersLimit
	if more {
		users = users[:usersLimit]
	}
	p.Results = users
	p.More.Hidden = !more
	p.Empty.Hidden = len(users) > 0 || err != nil

	idx := -1
	if p.selected != nil {
		for i, user := range users {
			if user.ID == p.selected.ID {
				idx = i
				sel := user
				p.selected = &sel
				break
			}
		}
	}
	if idx < 0 {
		p.selected = nil
		p.List.UnselectAll()
	}
	p.listArea.Refresh() // the list, and the notes under it
	if idx >= 0 {
		p.List.Select(idx)
	}
	p.showActions()
}

// Selected returns the account whose actions are shown, nil when none.
func (p *UsersPage) Selected() *apetitspas.User { return p.selected }

// Select selects the listed account with this e-mail (as a tap on its row
// does) and reports whether it is listed.
func (p *UsersPage) Select(email string) bool {
	email = apetitspas.NormalizeEmail(email)
	for i, user := range p.Results {
		if user.Email == email {
			p.List.Select(i)
			return true
		}
	}
	return false
}

// openImport opens Importer; the accounts created are listed after it.
func (p *UsersPage) openImport() {
	if p.Import.Disabled() {
		return
	}
	p.u.idle.touch()
	p.Importing = newImportDialog(p.u, func(created []apetitspas.Imported) {
		p.Importing = nil
		if len(created) == 0 {
			return
		}
		p.Search.SetText("")
		p.load()
		p.Status.info(lang.X("users.imported_done", "Importation terminée. Comptes créés\u00a0: {{.Count}}.", map[string]any{"Count": len(created)}))
	})
}

func (p *UsersPage) openCreate() {
	if p.NewAccount.Disabled() {
		return
	}
	p.u.idle.touch()
	role := apetitspas.RoleParent
	if p.Tabs.SelectedIndex() == UsersTabStaff {
		role = apetitspas.RoleEmployee
	}
	p.Create = newNewAccountDialog(p.u, role, func(created apetitspas.Imported) {
		p.Create = nil
		if created.User.Email == "" {
			return // cancelled
		}
		tab := UsersTabParents
		if created.User.Role.IsStaff() {
			tab = UsersTabStaff
		}
		// The whole list, with the new account selected and in view
		// (found by its e-mail only past the first 500 accounts).
		p.Search.SetText("")
		p.Tabs.SelectIndex(tab)
		if !p.Select(created.User.Email) {
			p.Search.SetText(created.User.Email)
			p.Select(created.User.Email)
		}
		p.Status.info(lang.X("users.created_done", "Le compte de {{.Name}} a été créé.", map[string]any{"Name": created.User.Name}))
		p.showPassword(created.User.Name, created.User.Email, created.TempPassword)
	})
}
