package screens

import (
	"context"
	"sort"
	"strings"
	"unicode"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/dialog"
	"fyne.io/fyne/v2/lang"
	"fyne.io/fyne/v2/layout"
	"fyne.io/fyne/v2/theme"
	"fyne.io/fyne/v2/widget"
	"golang.org/x/text/unicode/norm"

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
	Note     *widget.Label
	actions  *fyne.Container
	panel    *fyne.Container
	listArea *fyne.Container
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
	Confirm  *AdminConfirm
	Create   *NewAccountDialog
	Password *TempPasswordDialog
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

	p.More = widget.NewLabel(lang.X("users.more", "500 premiers résultats — précisez la recherche"))
	p.More.Importance = widget.WarningImportance
	p.More.Hide()
	p.Empty = widget.NewLabel(lang.X("users.empty", "Aucun compte ne correspond à la recherche."))
	p.Empty.Hide()

	p.List = widget.NewList(
		func() int { return len(p.Results) },
		newUserRow,
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

	header := container.New(userColumns(),
		columnHead(lang.X("users.name_email", "Nom et courriel")),
		columnHead(lang.X("account.role", "Rôle")),
		columnHead(lang.X("users.mfa", "AMF")),
		columnHead(""),
	)
	p.listArea = container.NewBorder(container.NewVBox(header, widget.NewSeparator()),
		container.NewVBox(p.More, p.Empty), nil, nil, p.List)

	p.Hint = widget.NewLabel(lang.X("users.hint", "Choisissez une personne dans la liste pour voir ce que vous pouvez faire pour son compte."))
	p.Hint.Wrapping = fyne.TextWrapWord
	p.WhoName = widget.NewLabelWithStyle("", fyne.TextAlignLeading, fyne.TextStyle{Bold: true})
	p.WhoName.Truncation = fyne.TextTruncateEllipsis
	p.WhoEmail = widget.NewLabel("")
	p.WhoEmail.Truncation = fyne.TextTruncateEllipsis
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
	p.actions = container.NewVBox(p.WhoName, p.WhoEmail,
		p.ResetMFA, p.Unlock, p.TempPassword, p.Disable, roleRow, p.Reseal,
		widget.NewSeparator(), p.Details, p.Note)
	p.panel = container.NewVBox(p.actions, p.Hint)
	panel := container.NewVScroll(container.NewPadded(p.panel))

	split := container.NewHSplit(p.listArea, panel)
	split.Offset = 0.7
	top := container.NewVBox(p.Tabs, container.NewBorder(nil, nil, nil, p.NewAccount, p.Search))
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

// userColumns are the shares of the width of the users list's columns:
// name and e-mail, role, AMF, badges.
func userColumns() fyne.Layout { return &weightedColumns{weights: []float32{3, 2.9, 2, 2.5}} }

func columnHead(text string) *widget.Label {
	l := widget.NewLabelWithStyle(text, fyne.TextAlignLeading, fyne.TextStyle{Bold: true})
	l.Truncation = fyne.TextTruncateEllipsis
	return l
}

// A row of the users list is two lines high: the name over the e-mail,
// and the other cells wrap on two lines ("Administrateur ou
// administratrice", "Modifié hors de l'application") instead of being cut.
func newUserRow() fyne.CanvasObject {
	bold := widget.RichTextStyleParagraph
	bold.TextStyle = fyne.TextStyle{Bold: true}
	who := widget.NewRichText(&widget.TextSegment{Style: bold}, &widget.TextSegment{Style: widget.RichTextStyleParagraph})
	who.Truncation = fyne.TextTruncateEllipsis
	cells := []fyne.CanvasObject{container.New(twoLines{}, who)}
	for i := 0; i < 3; i++ {
		l := widget.NewLabel("")
		l.Wrapping = fyne.TextWrapWord
		l.Truncation = fyne.TextTruncateEllipsis
		if i == 2 {
			l.Importance = widget.DangerImportance
		}
		cells = append(cells, container.New(twoLines{}, l))
	}
	return container.New(userColumns(), cells...)
}

func (p *UsersPage) updateRow(o fyne.CanvasObject, user apetitspas.User) {
	c, ok := o.(*fyne.Container)
	if !ok || len(c.Objects) != 4 {
		return
	}
	texts := p.rowTexts(user)
	who := c.Objects[0].(*fyne.Container).Objects[0].(*widget.RichText)
	who.Segments[0].(*widget.TextSegment).Text = texts[0]
	who.Segments[1].(*widget.TextSegment).Text = texts[1]
	who.Refresh()
	for i, obj := range c.Objects[1:] {
		obj.(*fyne.Container).Objects[0].(*widget.Label).SetText(texts[i+2])
	}
}

// twoLines gives a cell the height of two lines of text.
type twoLines struct{}

func (twoLines) Layout(objs []fyne.CanvasObject, size fyne.Size) {
	for _, o := range objs {
		o.Resize(size)
		o.Move(fyne.NewPos(0, 0))
	}
}

func (twoLines) MinSize([]fyne.CanvasObject) fyne.Size {
	line := fyne.MeasureText("Ég", theme.TextSize(), fyne.TextStyle{}).Height
	return fyne.NewSize(0, 2*line+2*theme.InnerPadding())
}

// RowText returns what row i of the list shows: name, e-mail, role, AMF
// state and the badges ("Modifié hors de l'application", "Verrouillé",
// "Désactivé"), nil past the end.
func (p *UsersPage) RowText(i int) []string {
	if i < 0 || i >= len(p.Results) {
		return nil
	}
	t := p.rowTexts(p.Results[i])
	return t[:]
}

func (p *UsersPage) rowTexts(user apetitspas.User) [5]string {
	var badges []string
	if user.Tampered {
		badges = append(badges, lang.X("users.tampered", "Modifié hors de l'application"))
	}
	if user.Locked(p.u.svc.Now()) {
		badges = append(badges, lang.X("users.locked", "Verrouillé"))
	}
	if user.Disabled {
		badges = append(badges, lang.X("users.disabled", "Désactivé"))
	}
	return [5]string{user.Name, user.Email, RoleText(user.Role), MFAText(user.MFA), strings.Join(badges, ", ")}
}

func (p *UsersPage) load() {
	ctx := context.Background()
	q := strings.TrimSpace(p.Search.Text)
	var (
		users []apetitspas.User
		err   error
	)
	if p.Tabs.SelectedIndex() == UsersTabStaff {
		for _, role := range []apetitspas.Role{apetitspas.RoleEmployee, apetitspas.RoleAdmin} {
			var some []apetitspas.User
			some, err = p.u.svc.Users(ctx, p.u.sess, apetitspas.UserFilter{Role: role, Query: q, Limit: usersLimit + 1})
			if err != nil {
				break
			}
			users = append(users, some...)
		}
		sort.SliceStable(users, func(i, j int) bool {
			a, b := nameKey(users[i].Name), nameKey(users[j].Name)
			if a != b {
				return a < b
			}
			return users[i].Email < users[j].Email
		})
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

// nameKey sorts names like the store does: no case, no accents.
func nameKey(s string) string {
	var b strings.Builder
	for _, r := range norm.NFD.String(s) {
		if unicode.Is(unicode.Mn, r) {
			continue
		}
		b.WriteRune(unicode.ToLower(r))
	}
	return b.String()
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

// showActions fills the action panel for the selected account. The
// buttons never move: those that do not apply are turned off.
func (p *UsersPage) showActions() {
	user := p.selected
	p.filling = true
	defer func() { p.filling = false }()
	if user == nil {
		p.WhoName.SetText("")
		p.WhoEmail.SetText("")
		enable(false, p.ResetMFA, p.Unlock, p.TempPassword, p.Disable, p.Role)
		p.Disable.SetText(lang.X("users.disable", "Désactiver"))
		p.Role.ClearSelected()
		p.Reseal.Hide()
		p.Details.Hide()
		p.Note.Hide()
		p.Hint.Show()
		p.panel.Refresh()
		return
	}
	p.Hint.Hide()
	now := p.u.svc.Now()
	own := user.ID == p.selfID
	p.WhoName.SetText(user.Name)
	p.WhoEmail.SetText(user.Email)
	lines := []string{
		lang.X("users.detail_role", "Rôle : {{.Role}}", map[string]any{"Role": RoleText(user.Role)}),
		lang.X("users.detail_mfa", "Connexion multi-facteurs (AMF) : {{.State}}", map[string]any{"State": MFAText(user.MFA)}),
	}
	if user.Locked(now) {
		lines = append(lines, lang.X("users.detail_locked", "Verrouillé jusqu'à {{.Until}} après trop de tentatives.",
			map[string]any{"Until": user.LockedUntil.Local().Format("15:04")}))
	}
	if user.Disabled {
		lines = append(lines, lang.X("users.detail_disabled", "Ce compte est désactivé : la personne ne peut pas se connecter."))
	}
	p.Details.SetText(strings.Join(lines, "\n"))
	p.Details.Show()

	usable := !p.working && !user.Tampered
	enable(usable && !own && user.MFA != apetitspas.MFAOff, p.ResetMFA)
	enable(usable && !own, p.Disable, p.TempPassword, p.Role)
	enable(usable && user.Locked(now), p.Unlock)
	if user.Disabled {
		p.Disable.SetText(lang.X("users.enable", "Réactiver"))
	} else {
		p.Disable.SetText(lang.X("users.disable", "Désactiver"))
	}
	for i, r := range newAccountRoles {
		if r == user.Role {
			p.Role.SetSelectedIndex(i)
		}
	}
	if user.Tampered {
		p.Reseal.Show()
		enable(!p.working && !own, p.Reseal)
	} else {
		p.Reseal.Hide()
	}
	switch {
	case user.Tampered:
		p.Note.SetText(lang.X("users.tampered_note", "Ce compte a été modifié en dehors d'À petits pas, directement dans le fichier de la base de données : la personne ne peut plus se connecter. Vérifiez le rôle et l'état affichés ici, puis choisissez «\u00a0Vérifier et rétablir…\u00a0»."))
		p.Note.Show()
	case own:
		p.Note.SetText(lang.X("users.own_row", "Un autre administrateur doit réinitialiser votre AMF. Pour changer votre mot de passe, utilisez Mon compte."))
		p.Note.Show()
	case user.MFA == apetitspas.MFAOff:
		p.Note.SetText(lang.X("users.mfa_off_note", "L'AMF de cette personne est désactivée : il n'y a rien à réinitialiser."))
		p.Note.Show()
	default:
		p.Note.Hide()
	}
	p.panel.Refresh()
}

// busy turns the actions off while work is in progress.
func (p *UsersPage) busy(on bool) {
	p.working = on
	other := 1 - p.Tabs.SelectedIndex()
	if on {
		enable(false, p.ResetMFA, p.Disable, p.TempPassword, p.Unlock, p.Role, p.Reseal, p.NewAccount, p.Search)
		p.Tabs.DisableIndex(other)
		p.Status.busy()
		return
	}
	enable(true, p.NewAccount, p.Search)
	p.Tabs.EnableIndex(other)
	p.Status.idle()
	p.showActions()
}

// strong reports whether an action on target asks for the administrator's
// own code: any action on another administrator's account does.
func (p *UsersPage) strong(target apetitspas.User) bool {
	return target.Role == apetitspas.RoleAdmin && target.ID != p.selfID
}

// confirm shows an AdminConfirm for the selected account's action and
// keeps it in p.Confirm while it is shown.
func (p *UsersPage) confirm(a adminAction) {
	closed := a.closed
	a.closed = func(done bool) {
		p.Confirm = nil
		if closed != nil {
			closed(done)
		}
	}
	p.Confirm = newAdminConfirm(p.u, a)
}

func (p *UsersPage) confirmReset() {
	user := p.selected
	if user == nil || p.ResetMFA.Disabled() {
		return
	}
	p.u.idle.touch()
	target := *user
	msg := lang.X("users.reset_text", "Vous allez réinitialiser la connexion multi-facteurs (AMF) de {{.Name}} ({{.Email}}), par exemple après la perte de son téléphone.\n\nSon code secret actuel sera détruit et son compte sera déverrouillé s'il l'était. À sa prochaine connexion, cette personne devra scanner un nouveau code QR avec son téléphone : l'AMF reste obligatoire pour son compte.",
		map[string]any{"Name": target.Name, "Email": target.Email})
	p.confirm(adminAction{
		title: lang.X("users.reset_title", "Réinitialiser l'AMF ?"), message: msg,
		confirmText: lang.X("users.reset_confirm", "Réinitialiser"), askCode: p.u.codeAsked(),
		act: func(sess *apetitspas.Session, code string) error {
			return p.u.svc.ResetMFA(context.Background(), sess, target.Email, code)
		},
		closed: func(done bool) {
			if !done {
				return
			}
			p.load()
			p.Status.info(lang.X("users.reset_done", "L'AMF de {{.Name}} a été réinitialisée. À sa prochaine connexion, cette personne scannera un nouveau code QR.",
				map[string]any{"Name": target.Name}))
		},
	})
}

func (p *UsersPage) toggleDisabled() {
	user := p.selected
	if user == nil || p.Disable.Disabled() {
		return
	}
	p.u.idle.touch()
	target := *user
	data := map[string]any{"Name": target.Name, "Email": target.Email}
	act := func(sess *apetitspas.Session, code string) error {
		return p.u.svc.SetDisabled(context.Background(), sess, target.Email, !target.Disabled, code)
	}
	done := func() {
		p.load()
		if target.Disabled {
			p.Status.info(lang.X("users.enabled_done", "Le compte de {{.Name}} est réactivé : la personne peut de nouveau se connecter.", data))
		} else {
			p.Status.info(lang.X("users.disabled_done", "Le compte de {{.Name}} est désactivé : la personne ne peut plus se connecter.", data))
		}
	}
	if p.strong(target) {
		a := adminAction{askCode: p.u.codeAsked(), act: act, closed: func(ok bool) {
			if ok {
				done()
			}
		}}
		if target.Disabled {
			a.title = lang.X("users.enable_admin_title", "Réactiver un administrateur ?")
			a.message = lang.X("users.enable_admin_text", "Vous allez réactiver le compte de {{.Name}} ({{.Email}}), un administrateur : cette personne pourra de nouveau se connecter et gérer tous les comptes.", data)
			a.confirmText = lang.X("users.enable", "Réactiver")
		} else {
			a.title = lang.X("users.disable_admin_title", "Désactiver un administrateur ?")
			a.message = lang.X("users.disable_admin_text", "Vous allez désactiver le compte de {{.Name}} ({{.Email}}), un administrateur : cette personne ne pourra plus se connecter. Il doit toujours rester au moins un administrateur actif.", data)
			a.confirmText = lang.X("users.disable", "Désactiver")
		}
		p.confirm(a)
		return
	}
	if err := act(p.u.sess, ""); err != nil {
		p.Status.error(ErrorText(err))
		return
	}
	done()
}

func (p *UsersPage) unlock() {
	user := p.selected
	if user == nil || p.Unlock.Disabled() {
		return
	}
	p.u.idle.touch()
	target := *user
	data := map[string]any{"Name": target.Name, "Email": target.Email}
	act := func(sess *apetitspas.Session, code string) error {
		return p.u.svc.Unlock(context.Background(), sess, target.Email, code)
	}
	done := func() {
		p.load()
		p.Status.info(lang.X("users.unlocked_done", "Le compte de {{.Name}} est déverrouillé.", data))
	}
	if p.strong(target) {
		p.confirm(adminAction{
			title:       lang.X("users.unlock_admin_title", "Déverrouiller un administrateur ?"),
			message:     lang.X("users.unlock_admin_text", "Vous allez déverrouiller le compte de {{.Name}} ({{.Email}}), un administrateur, avant la fin de ses 15 minutes. Faites-le seulement si vous savez que c'est bien cette personne qui s'est trompée.", data),
			confirmText: lang.X("users.unlock", "Déverrouiller"), askCode: p.u.codeAsked(), act: act,
			closed: func(ok bool) {
				if ok {
					done()
				}
			},
		})
		return
	}
	if err := act(p.u.sess, ""); err != nil {
		p.Status.error(ErrorText(err))
		return
	}
	done()
}

func (p *UsersPage) confirmTempPassword() {
	user := p.selected
	if user == nil || p.TempPassword.Disabled() {
		return
	}
	p.u.idle.touch()
	target := *user
	msg := lang.X("users.temp_text", "Un nouveau mot de passe temporaire sera créé pour {{.Name}} ({{.Email}}). Son mot de passe actuel ne fonctionnera plus.\n\nÀ sa prochaine connexion, la personne devra choisir un nouveau mot de passe. Sa connexion multi-facteurs (AMF) ne change pas.",
		map[string]any{"Name": target.Name, "Email": target.Email})
	var pw string
	p.confirm(adminAction{
		title: lang.X("users.temp_title", "Donner un mot de passe temporaire ?"), message: msg,
		confirmText: lang.X("users.temp_confirm", "Créer le mot de passe"),
		askCode:     p.strong(target) && p.u.codeAsked(), slow: true,
		act: func(sess *apetitspas.Session, code string) error {
			var err error
			pw, err = p.u.svc.SetTemporaryPassword(context.Background(), sess, target.Email, code)
			return err
		},
		closed: func(done bool) {
			if !done {
				return
			}
			p.load()
			p.Status.info(lang.X("users.temp_done", "{{.Name}} a un nouveau mot de passe temporaire.", map[string]any{"Name": target.Name}))
			p.showPassword(target.Name, target.Email, pw)
		},
	})
}

// confirmRole asks before changing the selected account's role to the one
// just chosen; Annuler puts the choice back.
func (p *UsersPage) confirmRole() {
	user := p.selected
	i := p.Role.SelectedIndex()
	if user == nil || p.Role.Disabled() || i < 0 || i >= len(newAccountRoles) || newAccountRoles[i] == user.Role {
		return
	}
	p.u.idle.touch()
	target, role := *user, newAccountRoles[i]
	data := map[string]any{"Name": target.Name, "Email": target.Email, "From": RoleText(target.Role), "To": RoleText(role)}
	lines := []string{lang.X("users.role_text", "Le rôle de {{.Name}} ({{.Email}}) passera de «\u00a0{{.From}}\u00a0» à «\u00a0{{.To}}\u00a0».", data)}
	switch {
	case role == apetitspas.RoleAdmin:
		lines = append(lines, lang.X("users.role_to_admin", "Un administrateur peut gérer tous les comptes, réinitialiser l'AMF des autres et changer les réglages de sécurité. Donnez ce rôle seulement à une personne de confiance."))
	case target.Role == apetitspas.RoleAdmin:
		lines = append(lines, lang.X("users.role_from_admin", "Cette personne ne pourra plus gérer les comptes ni les réglages. Il doit toujours rester au moins un administrateur actif."))
	}
	if role.IsStaff() && target.MFA == apetitspas.MFAOff {
		lines = append(lines, lang.X("users.role_staff_mfa", "Si l'AMF est imposée au personnel, cette personne devra la configurer à sa prochaine connexion."))
	}
	p.confirm(adminAction{
		title:       lang.X("users.role_title", "Changer le rôle ?"),
		message:     strings.Join(lines, "\n\n"),
		confirmText: lang.X("users.role_confirm", "Changer le rôle"), askCode: p.u.codeAsked(),
		act: func(sess *apetitspas.Session, code string) error {
			return p.u.svc.SetRole(context.Background(), sess, target.Email, role, code)
		},
		closed: func(done bool) {
			if !done {
				p.showActions() // the select shows the stored role again
				return
			}
			p.load()
			p.Status.info(lang.X("users.role_done", "{{.Name}} a maintenant le rôle «\u00a0{{.Role}}\u00a0».", map[string]any{"Name": target.Name, "Role": RoleText(role)}))
		},
	})
}

// confirmReseal explains what "Vérifier et rétablir…" does to an account
// changed outside the application, asks for the administrator's code,
// then shows the temporary password once.
func (p *UsersPage) confirmReseal() {
	user := p.selected
	if user == nil || p.Reseal.Disabled() || !p.Reseal.Visible() {
		return
	}
	p.u.idle.touch()
	target := *user
	state := lang.X("users.reseal_enabled", "actif")
	if target.Disabled {
		state = lang.X("users.reseal_disabled", "désactivé")
	}
	data := map[string]any{"Name": target.Name, "Email": target.Email, "Role": RoleText(target.Role), "MFA": MFAText(target.MFA), "State": state}
	lines := []string{
		lang.X("users.reseal_text", "Le compte de {{.Name}} ({{.Email}}) a été modifié en dehors d'À petits pas, directement dans le fichier de la base de données. Vérifiez ce qu'il contient maintenant :", data),
		lang.X("users.reseal_state", "• Rôle : {{.Role}}\n• Connexion multi-facteurs (AMF) : {{.MFA}}\n• Compte : {{.State}}", data),
		lang.X("users.reseal_role", "Si ce rôle n'est pas le bon, corrigez-le juste après avec le choix «\u00a0Rôle\u00a0»."),
	}
	if target.MFA == apetitspas.MFAOff {
		lines = append(lines, lang.X("users.reseal_effects_off", "En rétablissant ce compte, un mot de passe temporaire sera créé et affiché une seule fois. La personne choisira son propre mot de passe à sa prochaine connexion."))
	} else {
		lines = append(lines, lang.X("users.reseal_effects", "En rétablissant ce compte, sa connexion multi-facteurs sera réinitialisée (la personne scannera un nouveau code QR à sa prochaine connexion) et un mot de passe temporaire sera créé et affiché une seule fois."))
	}
	var pw string
	p.confirm(adminAction{
		title:       lang.X("users.reseal_title", "Vérifier et rétablir ce compte ?"),
		message:     strings.Join(lines, "\n\n"),
		confirmText: lang.X("users.reseal_confirm", "Rétablir le compte"), askCode: p.u.codeAsked(), slow: true,
		act: func(sess *apetitspas.Session, code string) error {
			var err error
			pw, err = p.u.svc.Reseal(context.Background(), sess, target.Email, code)
			return err
		},
		closed: func(done bool) {
			if !done {
				return
			}
			p.load()
			p.Status.info(lang.X("users.reseal_done", "Le compte de {{.Name}} est rétabli.", map[string]any{"Name": target.Name}))
			p.showPassword(target.Name, target.Email, pw)
			p.u.checkIntegrity()
		},
	})
}

func (p *UsersPage) showPassword(name, email, pw string) {
	p.Password = newTempPasswordDialog(p.u, name, email, pw, func() { p.Password = nil })
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
		p.Tabs.SelectIndex(tab)
		p.Search.SetText(created.User.Email) // lists and selects the new account
		p.Select(created.User.Email)
		p.Status.info(lang.X("users.created_done", "Le compte de {{.Name}} a été créé.", map[string]any{"Name": created.User.Name}))
		p.showPassword(created.User.Name, created.User.Email, created.TempPassword)
	})
}

// refreshDialog fits a dialog to its content after a line appeared or
// disappeared. Twice: a wrapped line knows its height only once it has
// been given its width.
func refreshDialog(d *dialog.CustomDialog) {
	d.Refresh()
	d.Refresh()
}

// relaidStatus is a status line that lays its page or dialog out again
// when it appears or disappears.
type relaidStatus struct {
	*status
	relayout func()
}

func newRelaidStatus(relayout func()) *relaidStatus {
	return &relaidStatus{status: newStatus(), relayout: relayout}
}

func (s *relaidStatus) busy()          { s.status.busy(); s.relayout() }
func (s *relaidStatus) idle()          { s.status.idle(); s.relayout() }
func (s *relaidStatus) error(t string) { s.status.error(t); s.relayout() }
func (s *relaidStatus) info(t string)  { s.status.info(t); s.relayout() }

// weightedColumns lays objects side by side, each with its share of the
// width (rows and their header line up).
type weightedColumns struct{ weights []float32 }

func (c *weightedColumns) Layout(objs []fyne.CanvasObject, size fyne.Size) {
	pad := theme.Padding()
	total := float32(0)
	for i := range objs {
		total += c.weight(i)
	}
	if total <= 0 {
		return
	}
	avail := size.Width - pad*float32(max(len(objs)-1, 0))
	x := float32(0)
	for i, o := range objs {
		w := avail * c.weight(i) / total
		o.Resize(fyne.NewSize(w, size.Height))
		o.Move(fyne.NewPos(x, 0))
		x += w + pad
	}
}

func (c *weightedColumns) MinSize(objs []fyne.CanvasObject) fyne.Size {
	var w, h float32
	for _, o := range objs {
		m := o.MinSize()
		w += m.Width
		h = max(h, m.Height)
	}
	return fyne.NewSize(w+theme.Padding()*float32(max(len(objs)-1, 0)), h)
}

func (c *weightedColumns) weight(i int) float32 {
	if i < len(c.weights) {
		return c.weights[i]
	}
	return 1
}

var _ fyne.Layout = (*weightedColumns)(nil)
