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
	usersTabParents = 0
	usersTabStaff   = 1
)

// usersPage is "Utilisateurs": the accounts of the daycare in two tabs
// (parents; employees and administrators), a search as you type, and the
// actions on the selected account.
type usersPage struct {
	widget.BaseWidget
	u       *UI
	content fyne.CanvasObject

	tabs   *usersTabs
	search *widget.Entry
	// everywhere says a search looks in every tab.
	everywhere *widget.Label
	// toSetUp: the staff tab lists only the people who must still set up
	// the AMF, as the service lists them (Accueil's « Voir les N personnes
	// à configurer »); filterBar says so (filterLabel, with their number)
	// and filterClear shows the whole tab again.
	toSetUp     bool
	filterLabel *widget.Label
	filterClear *button
	filterBar   *fyne.Container
	// list shows results, one row per account (virtualized).
	list *widget.List
	// results are the accounts listed, in the list's order.
	results []apetitspas.User
	// more says the list stopped at 500 accounts.
	more *widget.Label
	// empty says no account matches the search, or that the tab has no
	// account yet; emptyActions offer to make or import some (then).
	empty        *widget.Label
	emptyActions *fyne.Container
	emptyBox     *fyne.Container
	newAccount   *button
	// importBtn opens the import of a CSV file.
	importBtn *button

	// The action panel of the selected account. The buttons stay where
	// they are whatever the account; those that do not apply are off.
	hint     *widget.Label // shown while nothing is selected
	whoName  *widget.Label
	whoEmail *widget.Label
	details  *widget.Label
	resetMFA *button
	// newReactivation (« Nouveau code de réactivation ») shows, last (the
	// other buttons never move), for an account waiting for a
	// reactivation code after a reset.
	newReactivation *button
	unlockBtn       *button
	tempPassword    *button
	disable         *button // "Désactiver" or "Réactiver"
	// role is the selected account's role; choosing another one asks to
	// confirm the change.
	role *ringSelect
	// exportBtn (« Exporter les données… ») and eraseBtn (« Effacer les
	// données… »): what Loi 25 gives a person, under the other actions.
	exportBtn *button
	eraseBtn  *button
	// exporting is the export dialog while it is open.
	exporting *personExportDialog
	// reseal ("Vérifier et rétablir…") shows, last, for an account changed
	// outside the application.
	reseal *button
	// note explains disabled actions, from the reasons of the permission
	// table (one's own row, AMF off, an account changed outside the
	// application, the administrator's own AMF not on…).
	note    *widget.Label
	actions *fyne.Container
	// panelBadges are the selected account's badges, under its name.
	panelBadges *fyne.Container
	panel       *fyne.Container
	listArea    *fyne.Container
	// status is the line under the page (success, error, progress).
	status *relaidStatus

	selected *apetitspas.User
	selfID   int64 // the signed-in administrator's account (the "Vous" badge)
	// perm is the service's permission table on the selected account, nil
	// while it loads (every action off); permSeq drops a table that comes
	// back for an account no longer selected.
	perm    *apetitspas.AccountActions
	permSeq int
	// reselecting: load selects the same account again (it fetches the
	// table itself).
	reselecting bool
	// filling: the role select is being set to the selected account's
	// role, not chosen by the administrator.
	filling bool

	// The dialogs, while shown.
	confirming *adminConfirm
	creating   *newAccountDialog
	password   *tempPasswordDialog
	importing  *importDialog
	// reactivation shows the code of a reset, once.
	reactivation *reactivationCodeDialog
}

// buildUsersPage is the page constructor of the shell.
func buildUsersPage(u *UI) fyne.CanvasObject { return newUsersPage(u) }

func newUsersPage(u *UI) *usersPage {
	p := &usersPage{u: u, selfID: u.handle.User().ID}
	p.status = newRelaidStatus(p.relayout)
	p.ExtendBaseWidget(p)

	p.tabs = newUsersTabs([]string{lang.X("users.tab_parents", "Parents"), lang.X("users.tab_staff", "Employés et administrateurs")},
		[]fyne.Resource{theme.AccountIcon(), theme.AccountIcon()})
	// The tab a person last opened, on this OS account.
	p.tabs.selected = min(max(fyne.CurrentApp().Preferences().IntWithFallback(usersTabPreference, usersTabParents), usersTabParents), usersTabStaff)
	p.tabs.style()
	p.tabs.onSelected = func(i int) {
		u.idle.touch()
		fyne.CurrentApp().Preferences().SetInt(usersTabPreference, i)
		p.toSetUp = false
		p.selected = nil
		p.list.UnselectAll()
		p.load()
	}
	p.everywhere = widget.NewLabel(lang.X("users.search_everywhere", "Recherche parmi tous les comptes : parents, employés et administrateurs."))
	p.everywhere.Importance = widget.LowImportance
	p.everywhere.Hide()

	p.search = u.newEntry(false)
	p.search.SetPlaceHolder(lang.X("users.search", "Rechercher par nom ou courriel"))
	p.search.OnChanged = func(text string) {
		u.idle.touch()
		if strings.TrimSpace(text) != "" {
			p.toSetUp = false // a search looks among everyone
		}
		p.load()
	}
	p.filterLabel = widget.NewLabelWithStyle("", fyne.TextAlignLeading, fyne.TextStyle{Bold: true})
	p.filterClear = newButton(lang.X("users.filter_clear", "Retirer le filtre"), theme.CancelIcon(), p.clearToSetUp)
	p.filterBar = container.NewHBox(widget.NewIcon(theme.WarningIcon()), p.filterLabel, p.filterClear)
	p.filterBar.Hide()
	p.newAccount = newButton(lang.X("users.new_account", "Nouveau compte"), theme.ContentAddIcon(), p.openCreate)
	p.newAccount.Importance = widget.HighImportance
	p.importBtn = newButton(lang.X("users.import", "Importer"), theme.UploadIcon(), p.openImport)

	p.more = widget.NewLabel(lang.X("users.more", "500 premiers résultats — précisez la recherche"))
	p.more.Importance = widget.WarningImportance
	p.more.Hide()
	p.empty = widget.NewLabelWithStyle("", fyne.TextAlignCenter, fyne.TextStyle{})
	p.empty.Wrapping = fyne.TextWrapWord
	p.emptyActions = container.NewHBox(layout.NewSpacer(),
		newButton(lang.X("users.new_account", "Nouveau compte"), theme.ContentAddIcon(), p.openCreate),
		newButton(lang.X("users.import", "Importer"), theme.UploadIcon(), p.openImport), layout.NewSpacer())
	p.emptyBox = container.NewVBox(layout.NewSpacer(), p.empty, p.emptyActions, layout.NewSpacer())
	p.emptyBox.Hide()

	p.list = widget.NewList(
		func() int { return len(p.results) },
		p.newRow,
		func(id widget.ListItemID, o fyne.CanvasObject) {
			if id < 0 || id >= len(p.results) {
				return
			}
			p.updateRow(o, p.results[id])
		},
	)
	p.list.OnSelected = func(id widget.ListItemID) {
		u.idle.touch()
		if id < 0 || id >= len(p.results) {
			return
		}
		sel := p.results[id]
		p.selected = &sel
		if !p.reselecting {
			p.fetchActions()
		}
		p.showActions()
	}

	header := container.New(userColumns{p},
		columnHead(lang.X("users.name_email", "Nom et courriel")),
		columnHead(lang.X("account.role", "Rôle")),
		columnHead(lang.X("users.status", "État")),
	)
	p.listArea = container.NewBorder(container.NewVBox(header, widget.NewSeparator()),
		p.more, nil, nil, container.NewStack(p.list, p.emptyBox))

	p.hint = widget.NewLabel(lang.X("users.hint", "Choisissez une personne dans la liste pour voir ce que vous pouvez faire pour son compte."))
	p.hint.Wrapping = fyne.TextWrapWord
	p.whoName = widget.NewLabelWithStyle("", fyne.TextAlignLeading, fyne.TextStyle{Bold: true})
	// The panel shows the name and e-mail whole, on several lines when
	// needed, however narrow the list made them.
	p.whoName.Wrapping = fyne.TextWrapWord
	p.whoEmail = widget.NewLabel("")
	p.whoEmail.Wrapping = fyne.TextWrapBreak
	p.details = widget.NewLabel("")
	p.details.Wrapping = fyne.TextWrapWord
	p.resetMFA = newButton(lang.X("users.reset_mfa", "Réinitialiser l'AMF"), theme.ViewRefreshIcon(), p.confirmReset)
	p.unlockBtn = newButton(lang.X("users.unlock", "Déverrouiller"), nil, p.unlock)
	p.tempPassword = newButton(lang.X("users.temp_password", "Mot de passe temporaire"), nil, p.confirmTempPassword)
	p.disable = newButton(lang.X("users.disable", "Désactiver"), nil, p.toggleDisabled)
	p.newReactivation = newButton(lang.X("users.new_reactivation", "Nouveau code de réactivation"), theme.MailSendIcon(), p.confirmNewReactivation)
	p.newReactivation.Hide()
	p.exportBtn = newButton(lang.X("users.export", "Exporter les données…"), theme.DocumentSaveIcon(), p.exportPerson)
	p.eraseBtn = newButton(lang.X("users.erase", "Effacer les données…"), theme.DeleteIcon(), p.confirmErase)
	p.reseal = newButton(lang.X("users.reseal", "Vérifier et rétablir…"), theme.WarningIcon(), p.confirmReseal)
	p.reseal.Importance = widget.WarningImportance
	p.reseal.Hide()
	for _, b := range []*button{p.resetMFA, p.newReactivation, p.unlockBtn, p.tempPassword, p.disable, p.exportBtn, p.eraseBtn, p.reseal} {
		b.Alignment = widget.ButtonAlignLeading
	}
	p.role = newSelect(roleOptions(), func(string) {
		if !p.filling {
			p.confirmRole()
		}
	})
	p.role.PlaceHolder = "—"
	p.note = widget.NewLabel("")
	p.note.Wrapping = fyne.TextWrapWord
	p.note.Importance = widget.WarningImportance
	p.note.Hide()
	roleRow := container.NewBorder(nil, nil, widget.NewLabel(lang.X("account.role", "Rôle")), nil, p.role)
	p.panelBadges = container.New(&badgeFlow{})
	p.actions = container.NewVBox(p.whoName, p.whoEmail,
		container.New(layout.NewCustomPaddedLayout(0, 0, theme.InnerPadding(), 0), p.panelBadges),
		p.resetMFA, p.unlockBtn, p.tempPassword, p.disable, roleRow, p.exportBtn, p.eraseBtn, p.reseal, p.newReactivation,
		widget.NewSeparator(), p.details, p.note)
	p.panel = container.NewVBox(p.hint, p.actions)
	panel := newPageScroll(container.NewPadded(p.panel), false)

	split := container.NewHSplit(p.listArea, panel)
	split.Offset = 0.7
	top := container.NewVBox(p.tabs.bar, container.NewBorder(nil, nil, nil, container.NewHBox(p.importBtn, p.newAccount), p.search), p.everywhere, p.filterBar)
	bottom := container.NewVBox(p.status.progress, p.status.message)
	p.content = container.NewPadded(container.NewBorder(top, bottom, nil, nil, split))

	p.load()
	return p
}

// CreateRenderer draws the page.
func (p *usersPage) CreateRenderer() fyne.WidgetRenderer {
	return widget.NewSimpleRenderer(p.content)
}

// Resize lays the panel out again at the new width: its wrapped lines
// (a long e-mail) take their height for that width.
func (p *usersPage) Resize(size fyne.Size) {
	p.BaseWidget.Resize(size)
	if p.panel != nil {
		p.panel.Refresh()
	}
}

// relayout lays the page out again after a line appeared or disappeared.
func (p *usersPage) relayout() {
	if c, ok := p.content.(*fyne.Container); ok {
		c.Refresh()
	}
}

func (p *usersPage) load() {
	ctx := context.Background()
	q := strings.TrimSpace(p.search.Text)
	var (
		users []apetitspas.User
		err   error
	)
	switch {
	case p.toSetUp:
		users, err = p.u.api.StaffToSetUp(ctx, p.u.handle)
	case q != "":
		// A name is looked for among everyone, whatever the tab: the
		// role column says who is who.
		users, err = p.u.api.Users(ctx, p.u.handle, apetitspas.UserFilter{Query: q, Limit: usersLimit + 1})
	case p.tabs.selectedIndex() == usersTabStaff:
		users, err = p.u.api.Staff(ctx, p.u.handle, q, usersLimit+1)
	default:
		users, err = p.u.api.Users(ctx, p.u.handle, apetitspas.UserFilter{Role: apetitspas.RoleParent, Query: q, Limit: usersLimit + 1})
	}
	if err != nil {
		users = nil
		p.status.error(ErrorText(err))
	}
	more := len(users) > usersLimit
	if more {
		users = users[:usersLimit]
	}
	p.results = users
	p.more.Hidden = !more
	p.everywhere.Hidden = q == "" || p.toSetUp
	p.filterBar.Hidden = !p.toSetUp
	if p.toSetUp {
		p.filterLabel.SetText(lang.X("users.filter_to_set_up", "Personnes à configurer ({{.N}})", map[string]any{"N": len(users)}))
	}
	p.showEmpty(q, len(users) == 0 && err == nil)

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
		p.list.UnselectAll()
	}
	// The account may have changed (an action, another administrator):
	// its table is asked again.
	p.fetchActions()
	p.listArea.Refresh() // the list, and the notes under it
	if idx >= 0 {
		p.reselecting = true
		p.list.Select(idx)
		p.reselecting = false
	}
	p.showActions()
}

// showToSetUp opens the staff tab on only the people who must still set
// up the AMF: those the service counts on Accueil (StaffToSetUp).
func (p *usersPage) showToSetUp() {
	p.tabs.selectIndex(usersTabStaff)
	p.toSetUp = true
	p.search.SetText("")
	p.load()
	p.relayout()
}

// clearToSetUp shows the whole staff tab again.
func (p *usersPage) clearToSetUp() {
	p.u.idle.touch()
	p.toSetUp = false
	p.load()
	p.relayout()
}

// usersTabPreference remembers the last tab opened, per OS account.
const usersTabPreference = "users.tab"

// searching reports whether the search field has something to look for.
func (p *usersPage) searching() bool {
	return p.search != nil && strings.TrimSpace(p.search.Text) != ""
}

// showEmpty shows, in place of the list, why it is empty: nobody matches
// what was typed, or the tab has no account yet (with the buttons that
// make some).
func (p *usersPage) showEmpty(q string, empty bool) {
	if !empty {
		p.emptyBox.Hide()
		return
	}
	switch {
	case p.toSetUp:
		p.empty.SetText(lang.X("users.empty_to_set_up", "Plus personne n'a l'AMF à configurer."))
		p.emptyActions.Hide()
	case q != "":
		p.empty.SetText(lang.X("users.empty", "Aucun compte ne correspond à «\u00a0{{.Query}}\u00a0».", map[string]any{"Query": q}))
		p.emptyActions.Hide()
	case p.tabs.selectedIndex() == usersTabStaff:
		p.empty.SetText(lang.X("users.empty_staff", "Aucun employé pour l'instant. Créez un compte ou importez une liste."))
		p.emptyActions.Show()
	default:
		p.empty.SetText(lang.X("users.empty_parents", "Aucun parent pour l'instant. Créez un compte ou importez une liste."))
		p.emptyActions.Show()
	}
	p.emptyBox.Show()
}

// selectEmail selects the listed account with this e-mail (as a tap on its row
// does) and reports whether it is listed.
func (p *usersPage) selectEmail(email string) bool {
	email = apetitspas.NormalizeEmail(email)
	for i, user := range p.results {
		if user.Email == email {
			p.list.Select(i)
			return true
		}
	}
	return false
}

// openImport opens Importer; the accounts created are listed after it.
func (p *usersPage) openImport() {
	if p.importBtn.Disabled() {
		return
	}
	p.u.idle.touch()
	p.importing = newImportDialog(p.u, func(created []apetitspas.Imported) {
		p.importing = nil
		if len(created) == 0 {
			return
		}
		p.search.SetText("")
		p.load()
		p.status.info(lang.X("users.imported_done", "Importation terminée. Comptes créés\u00a0: {{.Count}}.", map[string]any{"Count": len(created)}))
	})
}

func (p *usersPage) openCreate() {
	if p.newAccount.Disabled() {
		return
	}
	p.u.idle.touch()
	role := apetitspas.RoleParent
	if p.tabs.selectedIndex() == usersTabStaff {
		role = apetitspas.RoleEmployee
	}
	p.creating = newNewAccountDialog(p.u, role, func(created apetitspas.Imported) {
		p.creating = nil
		if created.User.Email == "" {
			return // cancelled
		}
		tab := usersTabParents
		if created.User.Role.IsStaff() {
			tab = usersTabStaff
		}
		// The whole list, with the new account selected and in view
		// (found by its e-mail only past the first 500 accounts).
		p.search.SetText("")
		p.tabs.selectIndex(tab)
		if !p.selectEmail(created.User.Email) {
			p.search.SetText(created.User.Email)
			p.selectEmail(created.User.Email)
		}
		p.status.info(lang.X("users.created_done", "Le compte de {{.Name}} a été créé.", map[string]any{"Name": created.User.Name}))
		p.showPassword(created.User.Name, created.User.Email, created.TempPassword)
	})
}
