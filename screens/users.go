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

	// The action panel of the selected account.
	Hint         *widget.Label // shown while nothing is selected
	Who          *widget.Label
	Details      *widget.Label
	ResetMFA     *widget.Button
	Disable      *widget.Button // "Désactiver" or "Réactiver"
	TempPassword *widget.Button
	Unlock       *widget.Button
	// Note explains a disabled action (one's own row, AMF off).
	Note     *widget.Label
	actions  *fyne.Container
	panel    *fyne.Container
	listArea *fyne.Container
	// Status is the line under the page (success, error, progress).
	Status *relaidStatus

	selected *apetitspas.User
	selfID   int64 // the signed-in administrator's account
	// working: a temporary password is being made in the background. The
	// search and the tabs wait, so that no other service call refreshes
	// the session meanwhile.
	working bool

	// The dialogs, while shown.
	Confirm  *AdminConfirm
	Create   *NewAccountDialog
	Password *TempPasswordDialog
}

// buildUsersPage is the page constructor of the shell.
func buildUsersPage(u *UI) fyne.CanvasObject { return newUsersPage(u) }

func newUsersPage(u *UI) *UsersPage {
	p := &UsersPage{u: u, selfID: u.sess.User.ID}
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
		columnHead(lang.X("account.name", "Nom")),
		columnHead(lang.X("login.email", "Courriel")),
		columnHead(lang.X("account.role", "Rôle")),
		columnHead(lang.X("users.mfa", "AMF")),
		columnHead(""),
	)
	p.listArea = container.NewBorder(container.NewVBox(header, widget.NewSeparator()),
		container.NewVBox(p.More, p.Empty), nil, nil, p.List)

	p.Hint = widget.NewLabel(lang.X("users.hint", "Choisissez une personne dans la liste pour voir ce que vous pouvez faire pour son compte."))
	p.Hint.Wrapping = fyne.TextWrapWord
	p.Who = widget.NewLabelWithStyle("", fyne.TextAlignLeading, fyne.TextStyle{Bold: true})
	p.Who.Wrapping = fyne.TextWrapWord
	p.Details = widget.NewLabel("")
	p.Details.Wrapping = fyne.TextWrapWord
	p.ResetMFA = widget.NewButtonWithIcon(lang.X("users.reset_mfa", "Réinitialiser l'AMF"), theme.ViewRefreshIcon(), p.confirmReset)
	p.Disable = widget.NewButton(lang.X("users.disable", "Désactiver"), p.toggleDisabled)
	p.TempPassword = widget.NewButton(lang.X("users.temp_password", "Mot de passe temporaire"), p.confirmTempPassword)
	p.Unlock = widget.NewButton(lang.X("users.unlock", "Déverrouiller"), p.unlock)
	for _, b := range []*widget.Button{p.ResetMFA, p.Disable, p.TempPassword, p.Unlock} {
		b.Alignment = widget.ButtonAlignLeading
	}
	p.Note = widget.NewLabel("")
	p.Note.Wrapping = fyne.TextWrapWord
	p.Note.Importance = widget.WarningImportance
	p.Note.Hide()
	p.actions = container.NewVBox(p.Who, p.Details, widget.NewSeparator(),
		p.ResetMFA, p.Note, p.Unlock, p.TempPassword, p.Disable)
	p.actions.Hide()
	p.panel = container.NewVBox(p.Hint, p.actions)
	panel := container.NewVScroll(container.NewPadded(p.panel))

	split := container.NewHSplit(p.listArea, panel)
	split.Offset = 0.68
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
// name, e-mail, role, AMF, badges.
func userColumns() fyne.Layout { return &weightedColumns{weights: []float32{2.6, 3, 3.2, 1.8, 1.5}} }

func columnHead(text string) *widget.Label {
	l := widget.NewLabelWithStyle(text, fyne.TextAlignLeading, fyne.TextStyle{Bold: true})
	l.Truncation = fyne.TextTruncateEllipsis
	return l
}

func newUserRow() fyne.CanvasObject {
	cells := make([]fyne.CanvasObject, 5)
	for i := range cells {
		l := widget.NewLabel("")
		l.Truncation = fyne.TextTruncateEllipsis
		cells[i] = l
	}
	cells[0].(*widget.Label).TextStyle = fyne.TextStyle{Bold: true}
	return container.New(userColumns(), cells...)
}

func (p *UsersPage) updateRow(o fyne.CanvasObject, user apetitspas.User) {
	c, ok := o.(*fyne.Container)
	if !ok || len(c.Objects) != 5 {
		return
	}
	texts := p.rowTexts(user)
	for i, obj := range c.Objects {
		l := obj.(*widget.Label)
		if i == 4 {
			l.Importance = widget.DangerImportance
		}
		l.SetText(texts[i])
	}
}

// RowText returns what row i of the list shows: name, e-mail, role, AMF
// state and the badges ("Verrouillé", "Désactivé"), "" past the end.
func (p *UsersPage) RowText(i int) []string {
	if i < 0 || i >= len(p.Results) {
		return nil
	}
	t := p.rowTexts(p.Results[i])
	return t[:]
}

func (p *UsersPage) rowTexts(user apetitspas.User) [5]string {
	var badges []string
	if user.Locked(p.u.svc.Now()) {
		badges = append(badges, lang.X("users.locked", "Verrouillé"))
	}
	if user.Disabled {
		badges = append(badges, lang.X("users.disabled", "Désactivé"))
	}
	return [5]string{user.Name, user.Email, RoleText(user.Role), MFAText(user.MFA), strings.Join(badges, ", ")}
}

// load runs the search of the current tab again (a store query takes
// about a millisecond, even over 50,000 accounts) and keeps the selected
// account selected when it is still listed.
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
			some, err = p.u.svc.AdminUsers(ctx, p.u.sess, apetitspas.UserFilter{Role: role, Query: q, Limit: usersLimit + 1})
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
		users, err = p.u.svc.AdminUsers(ctx, p.u.sess, apetitspas.UserFilter{Role: apetitspas.RoleParent, Query: q, Limit: usersLimit + 1})
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

// showActions fills the action panel for the selected account.
func (p *UsersPage) showActions() {
	user := p.selected
	if user == nil {
		p.Hint.Show()
		p.actions.Hide()
		p.panel.Refresh()
		return
	}
	p.Hint.Hide()
	now := p.u.svc.Now()
	own := user.ID == p.selfID
	p.Who.SetText(user.Name + "\n" + user.Email)
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

	enable(!p.working && !own && user.MFA != apetitspas.MFAOff, p.ResetMFA)
	enable(!p.working && !own, p.Disable, p.TempPassword)
	enable(!p.working && user.Locked(now), p.Unlock)
	if user.Disabled {
		p.Disable.SetText(lang.X("users.enable", "Réactiver"))
	} else {
		p.Disable.SetText(lang.X("users.disable", "Désactiver"))
	}
	switch {
	case own:
		p.Note.SetText(lang.X("users.own_row", "Un autre administrateur doit réinitialiser votre AMF. Pour changer votre mot de passe, utilisez Mon compte."))
		p.Note.Show()
	case user.MFA == apetitspas.MFAOff:
		p.Note.SetText(lang.X("users.mfa_off_note", "L'AMF de cette personne est désactivée : il n'y a rien à réinitialiser."))
		p.Note.Show()
	default:
		p.Note.Hide()
	}
	p.actions.Show()
	p.panel.Refresh()
}

// busy turns the actions off while work is in progress.
func (p *UsersPage) busy(on bool) {
	p.working = on
	other := 1 - p.Tabs.SelectedIndex()
	if on {
		enable(false, p.ResetMFA, p.Disable, p.TempPassword, p.Unlock, p.NewAccount, p.Search)
		p.Tabs.DisableIndex(other)
		p.Status.busy()
		return
	}
	enable(true, p.NewAccount, p.Search)
	p.Tabs.EnableIndex(other)
	p.Status.idle()
	p.showActions()
}

func (p *UsersPage) confirmReset() {
	user := p.selected
	if user == nil || p.ResetMFA.Disabled() {
		return
	}
	p.u.idle.touch()
	target := *user
	sess := p.u.sess
	askCode := sess.User.MFA == apetitspas.MFAOn
	msg := lang.X("users.reset_text", "Vous allez réinitialiser la connexion multi-facteurs (AMF) de {{.Name}} ({{.Email}}), par exemple après la perte de son téléphone.\n\nSon code secret actuel sera détruit et son compte sera déverrouillé s'il l'était. À sa prochaine connexion, cette personne devra scanner un nouveau code QR avec son téléphone : l'AMF reste obligatoire pour son compte.",
		map[string]any{"Name": target.Name, "Email": target.Email})
	p.Confirm = newAdminConfirm(p.u, lang.X("users.reset_title", "Réinitialiser l'AMF ?"), msg,
		lang.X("users.reset_confirm", "Réinitialiser"), askCode,
		func(code string) error {
			return p.u.svc.ResetMFA(context.Background(), sess, target.Email, code)
		},
		func(done bool) {
			p.Confirm = nil
			if !done {
				return
			}
			p.load()
			p.Status.info(lang.X("users.reset_done", "L'AMF de {{.Name}} a été réinitialisée. À sa prochaine connexion, cette personne scannera un nouveau code QR.",
				map[string]any{"Name": target.Name}))
		})
}

func (p *UsersPage) toggleDisabled() {
	user := p.selected
	if user == nil || p.Disable.Disabled() {
		return
	}
	p.u.idle.touch()
	target := *user
	err := p.u.svc.SetDisabled(context.Background(), p.u.sess, target.Email, !target.Disabled)
	if err != nil {
		p.Status.error(ErrorText(err))
		return
	}
	p.load()
	data := map[string]any{"Name": target.Name}
	if target.Disabled {
		p.Status.info(lang.X("users.enabled_done", "Le compte de {{.Name}} est réactivé : la personne peut de nouveau se connecter.", data))
	} else {
		p.Status.info(lang.X("users.disabled_done", "Le compte de {{.Name}} est désactivé : la personne ne peut plus se connecter.", data))
	}
}

func (p *UsersPage) unlock() {
	user := p.selected
	if user == nil || p.Unlock.Disabled() {
		return
	}
	p.u.idle.touch()
	target := *user
	if err := p.u.svc.Unlock(context.Background(), p.u.sess, target.Email); err != nil {
		p.Status.error(ErrorText(err))
		return
	}
	p.load()
	p.Status.info(lang.X("users.unlocked_done", "Le compte de {{.Name}} est déverrouillé.", map[string]any{"Name": target.Name}))
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
	p.Confirm = newAdminConfirm(p.u, lang.X("users.temp_title", "Donner un mot de passe temporaire ?"), msg,
		lang.X("users.temp_confirm", "Créer le mot de passe"), false,
		func(string) error { return nil },
		func(done bool) {
			p.Confirm = nil
			if done {
				p.makeTempPassword(target)
			}
		})
}

// makeTempPassword hashes the new password in the background (argon2id
// takes a moment), then shows it once.
func (p *UsersPage) makeTempPassword(target apetitspas.User) {
	sess := p.u.sess
	var pw string
	p.busy(true)
	p.u.background(func() error {
		var err error
		pw, err = p.u.svc.SetTemporaryPassword(context.Background(), sess, target.Email)
		return err
	}, func(err error) {
		if p.u.sess != sess {
			return // signed out meanwhile: the password is not shown
		}
		p.busy(false)
		if err != nil {
			p.Status.error(ErrorText(err))
			return
		}
		p.load()
		p.Status.info(lang.X("users.temp_done", "{{.Name}} a un nouveau mot de passe temporaire.", map[string]any{"Name": target.Name}))
		p.showPassword(target.Name, target.Email, pw)
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

// AdminConfirm asks before an administrative action. When askCode is set,
// the acting administrator confirms with their own current 6-digit code.
// A refusal is shown in the dialog, which stays open.
type AdminConfirm struct {
	dialog  *dialog.CustomDialog
	Message *widget.Label
	// CodeHelp, CodeLabel and Code are shown only when a code is asked.
	CodeHelp  *widget.Label
	CodeLabel *widget.Label
	Code      *widget.Entry
	Confirm   *widget.Button
	Cancel    *widget.Button
	Status    *relaidStatus
}

// newAdminConfirm shows the dialog. act runs when Confirm is tapped, with
// the code typed ("" when none is asked); closed runs once when the dialog
// goes away, done telling whether act succeeded.
func newAdminConfirm(u *UI, title, message, confirmText string, askCode bool, act func(code string) error, closed func(done bool)) *AdminConfirm {
	c := &AdminConfirm{}
	c.Status = newRelaidStatus(func() { refreshDialog(c.dialog) })
	c.Message = widget.NewLabel(message)
	c.Message.Wrapping = fyne.TextWrapWord
	c.CodeLabel = widget.NewLabel(lang.X("users.admin_code", "Votre code à 6 chiffres"))
	c.CodeLabel.TextStyle = fyne.TextStyle{Bold: true}
	done, finished := false, false
	var confirm func()
	c.Code = newCodeEntry(u, func() { confirm() })
	c.CodeHelp = widget.NewLabel(lang.X("users.admin_code_help", "Pour confirmer, entrez le code affiché en ce moment pour votre propre compte par votre application d'authentification."))
	c.CodeHelp.Wrapping = fyne.TextWrapWord
	c.showCode(askCode)
	confirm = func() {
		if c.Confirm.Disabled() {
			return
		}
		u.idle.touch()
		code := ""
		if c.CodeAsked() {
			code = c.Code.Text
		}
		if err := act(code); err != nil {
			c.Code.SetText("")
			if apetitspas.ErrorReason(err) == apetitspas.ReasonAdminCodeRequired && !c.CodeAsked() {
				c.showCode(true)
				refreshDialog(c.dialog)
			}
			c.Status.error(ErrorText(err))
			if c.CodeAsked() {
				u.win.Canvas().Focus(c.Code)
			}
			return
		}
		done = true
		c.dialog.Hide()
	}
	c.Confirm = widget.NewButton(confirmText, confirm)
	c.Confirm.Importance = widget.HighImportance
	c.Cancel = widget.NewButton(lang.X("mfa.confirm_cancel", "Annuler"), func() {
		u.idle.touch()
		c.dialog.Hide()
	})
	content := container.NewVBox(c.Message, c.CodeHelp, c.CodeLabel, c.Code, c.Status.Message,
		container.NewGridWithColumns(2, c.Cancel, c.Confirm))
	c.dialog = dialog.NewCustomWithoutButtons(title, content, u.win)
	c.dialog.SetOnClosed(func() {
		if finished {
			return
		}
		finished = true
		closed(done)
	})
	c.dialog.Resize(fyne.NewSize(540, 0))
	c.dialog.Show()
	if askCode {
		u.win.Canvas().Focus(c.Code)
	} else {
		u.win.Canvas().Focus(c.Cancel)
	}
	return c
}

// CodeAsked reports whether the dialog asks for the administrator's code.
func (c *AdminConfirm) CodeAsked() bool { return c.Code.Visible() }

func (c *AdminConfirm) showCode(on bool) {
	for _, o := range []fyne.CanvasObject{c.CodeHelp, c.CodeLabel, c.Code} {
		if on {
			o.Show()
		} else {
			o.Hide()
		}
	}
}

// TempPasswordDialog shows a temporary password, once, with a copy button.
type TempPasswordDialog struct {
	dialog   *dialog.CustomDialog
	Message  *widget.Label
	Password *widget.Label
	Copy     *widget.Button
	Copied   *widget.Label
	Note     *widget.Label
	Close    *widget.Button
}

func newTempPasswordDialog(u *UI, name, email, pw string, closed func()) *TempPasswordDialog {
	d := &TempPasswordDialog{}
	d.Message = widget.NewLabel(lang.X("users.temp_for", "Mot de passe temporaire de {{.Name}} ({{.Email}}) :", map[string]any{"Name": name, "Email": email}))
	d.Message.Wrapping = fyne.TextWrapWord
	d.Password = widget.NewLabelWithStyle(pw, fyne.TextAlignCenter, fyne.TextStyle{Monospace: true})
	d.Password.SizeName = theme.SizeNameSubHeadingText
	d.Password.Selectable = true
	d.Copied = widget.NewLabel(lang.X("users.copied", "Mot de passe copié."))
	d.Copied.Importance = widget.SuccessImportance
	d.Copied.Hide()
	d.Copy = widget.NewButtonWithIcon(lang.X("users.copy", "Copier"), theme.ContentCopyIcon(), func() {
		u.idle.touch()
		fyne.CurrentApp().Clipboard().SetContent(pw)
		d.Copied.Show()
		refreshDialog(d.dialog)
	})
	d.Note = widget.NewLabel(lang.X("users.temp_note", "Remettez ce mot de passe à la personne : il ne sera plus jamais affiché. À sa prochaine connexion, elle devra choisir son propre mot de passe. Si sa connexion multi-facteurs (AMF) est activée, le code à 6 chiffres lui sera quand même demandé."))
	d.Note.Wrapping = fyne.TextWrapWord
	d.Close = widget.NewButton(lang.X("users.temp_close", "J'ai noté le mot de passe"), nil)
	d.Close.Importance = widget.HighImportance
	content := container.NewVBox(d.Message, container.NewBorder(nil, nil, nil, d.Copy, d.Password), d.Copied, d.Note, d.Close)
	d.dialog = dialog.NewCustomWithoutButtons(lang.X("users.temp_dialog", "Mot de passe temporaire"), content, u.win)
	d.Close.OnTapped = func() { u.idle.touch(); d.dialog.Hide() }
	d.dialog.SetOnClosed(func() {
		d.Password.SetText("") // shown once
		closed()
	})
	d.dialog.Resize(fyne.NewSize(520, 0))
	d.dialog.Show()
	u.win.Canvas().Focus(d.Copy)
	return d
}

// NewAccountDialog creates an account: role, name and e-mail; a temporary
// password is made and shown once.
type NewAccountDialog struct {
	dialog *dialog.CustomDialog
	Role   *widget.Select
	Name   *widget.Entry
	Email  *widget.Entry
	Create *widget.Button
	Cancel *widget.Button
	Status *relaidStatus
}

// newAccountRoles are the roles of the role select, in its order.
var newAccountRoles = []apetitspas.Role{apetitspas.RoleParent, apetitspas.RoleEmployee, apetitspas.RoleAdmin}

// newNewAccountDialog shows the dialog; done runs once when it closes,
// with the account created (a zero Imported when cancelled).
func newNewAccountDialog(u *UI, role apetitspas.Role, done func(apetitspas.Imported)) *NewAccountDialog {
	d := &NewAccountDialog{}
	d.Status = newRelaidStatus(func() { refreshDialog(d.dialog) })
	d.Role = widget.NewSelect([]string{
		lang.X("users.role_parent", "Parent"),
		lang.X("users.role_employee", "Employé"),
		lang.X("users.role_admin", "Administrateur"),
	}, func(string) { u.idle.touch() })
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
	sess := u.sess
	create := func() {
		if d.Create.Disabled() {
			return
		}
		u.idle.touch()
		i := d.Role.SelectedIndex()
		if i < 0 || i >= len(newAccountRoles) {
			d.Status.error(lang.X("users.role_required", "Choisissez un rôle."))
			return
		}
		r, name, email := newAccountRoles[i], d.Name.Text, d.Email.Text
		fields := []fyne.Disableable{d.Role, d.Name, d.Email, d.Create, d.Cancel}
		enable(false, fields...)
		d.Status.busy()
		working = true
		var res apetitspas.Imported
		u.background(func() error {
			var err error
			res, err = u.svc.CreateAccount(context.Background(), sess, r, email, name)
			return err
		}, func(err error) {
			working = false
			if u.sess != sess {
				return // signed out meanwhile: nothing is shown
			}
			enable(true, fields...)
			if err != nil {
				d.Status.error(ErrorText(err))
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
	content := container.NewVBox(intro, form, d.Status.Progress, d.Status.Message,
		container.NewGridWithColumns(2, d.Cancel, d.Create))
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
