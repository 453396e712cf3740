package screens

import (
	"cmp"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/canvas"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/lang"
	"fyne.io/fyne/v2/layout"
	"fyne.io/fyne/v2/theme"
	"fyne.io/fyne/v2/widget"

	apetitspas "github.com/apetitspas/apetitspas/app"
	"github.com/apetitspas/apetitspas/assets"
)

// page is one section reachable from the hamburger menu (the shape of
// fyne_demo's registry). Every page goes through it, Mon compte too
// (reached by the name at the bottom of the menu).
type page struct {
	id        string
	title     string
	icon      fyne.Resource
	adminOnly bool
	// bottom pages are not in the list: a button at the bottom of the
	// menu opens them (Mon compte, under the person's name).
	bottom bool
	// maxWidth is the widest the page is drawn (text stays readable on a
	// large screen); 0 for textWidth.
	maxWidth float32
	build    func(u *UI) fyne.CanvasObject
}

// Page identifiers.
const (
	pageHome     = "home"
	pageUsers    = "users"
	pageSecurity = "security"
	pageJournal  = "journal"
	pageAccount  = "account"
	pageHelp     = "help"
	pageAbout    = "about"
)

// textWidth is the widest a page of text is drawn; listWidth the widest
// a page of lists and tables.
const (
	textWidth = 860
	listWidth = 1400
)

func pages() []page {
	return []page{
		{id: pageHome, title: lang.X("menu.home", "Accueil"), icon: theme.HomeIcon(), build: buildHomePage},
		{id: pageUsers, title: lang.X("menu.users", "Utilisateurs"), icon: theme.AccountIcon(), adminOnly: true,
			maxWidth: listWidth, build: buildUsersPage},
		{id: pageSecurity, title: lang.X("menu.security", "Sécurité"), icon: theme.WarningIcon(), adminOnly: true,
			build: buildSecurityPage},
		{id: pageJournal, title: lang.X("menu.journal", "Journal"), icon: theme.ListIcon(), adminOnly: true,
			maxWidth: listWidth, build: buildJournalPage},
		{id: pageHelp, title: lang.X("menu.help", "Aide"), icon: theme.HelpIcon(), build: newHelpPage},
		{id: pageAbout, title: lang.X("menu.about", "À propos"), icon: theme.InfoIcon(), build: newAboutPage},
		{id: pageAccount, title: lang.X("account.title", "Mon compte"), icon: theme.AccountIcon(), bottom: true,
			build: buildAccountPage},
	}
}

// shell is the main window once signed in: a top bar with the hamburger
// button at the top-left, a side menu it opens, and the current page.
type shell struct {
	u       *UI
	content fyne.CanvasObject

	hamburger *button
	title     *widget.Label
	menu      *fyne.Container // the side panel (hidden until the hamburger is tapped)
	// menuItems are the menu's buttons by page id (Mon compte's is
	// UserName); the open page's is highlighted.
	menuItems map[string]*button
	userName  *button // bottom-left of the menu: opens Mon compte
	logout    *button

	current string
	page    *fyne.Container // the page on show, alone
	host    *fyne.Container // page at a readable width
	account *accountPage    // set while Mon compte is shown
	home    *homePage       // set while Accueil is shown
}

func newShell(u *UI) *shell {
	s := &shell{u: u, menuItems: map[string]*button{}, page: container.NewStack()}
	s.host = container.New(&readableWidth{max: textWidth}, s.page)
	user := u.handle.User()

	s.hamburger = newButton("", theme.MenuIcon(), s.toggleMenu)
	s.hamburger.Importance = widget.LowImportance
	s.title = newPageTitle("")
	topBar := container.NewBorder(nil, widget.NewSeparator(), s.hamburger, nil, s.title)

	items := container.NewVBox()
	for _, p := range pages() {
		if p.bottom || p.adminOnly && user.Role != apetitspas.RoleAdmin {
			continue
		}
		b := newButton(p.title, p.icon, func() { s.show(p.id) })
		b.Alignment = widget.ButtonAlignLeading
		b.Importance = widget.LowImportance
		s.menuItems[p.id] = b
		items.Add(b)
	}
	s.logout = newButton(lang.X("menu.logout", "Se déconnecter"), theme.LogoutIcon(), func() {
		u.logout(apetitspas.EventLogout)
	})
	s.logout.Alignment = widget.ButtonAlignLeading
	s.logout.Importance = widget.LowImportance
	s.userName = newButton(user.Name, theme.AccountIcon(), func() { s.show(pageAccount) })
	s.userName.Alignment = widget.ButtonAlignLeading
	s.userName.Importance = widget.LowImportance
	s.menuItems[pageAccount] = s.userName

	bottom := container.NewVBox(widget.NewSeparator(), s.logout, s.userName)
	body := container.NewBorder(nil, bottom, nil, nil, items)
	s.menu = container.NewHBox(container.New(&fixedWidth{width: 240}, body), widget.NewSeparator())
	s.menu.Hide()

	// The page scrolls inside the window rather than growing it: the
	// window keeps the size the person gave it, whatever the page.
	// Objects in reading order, which is the Tab order: the hamburger,
	// the menu, then the page.
	s.content = container.New(layout.NewBorderLayout(topBar, nil, s.menu, nil), topBar, s.menu, newPageScroll(s.host, true))
	s.show(pageHome)
	return s
}

// toggleMenu opens or closes the side menu. Opening it puts the keyboard
// focus on the open page's entry.
func (s *shell) toggleMenu() {
	s.u.idle.touch()
	if s.menu.Visible() {
		s.closeMenu()
		return
	}
	s.menu.Show()
	s.u.win.Content().Refresh()
	if b := s.menuItems[s.current]; b != nil {
		s.u.win.Canvas().Focus(b)
	}
}

// closeMenu hides the side menu.
func (s *shell) closeMenu() {
	s.menu.Hide()
	s.u.win.Content().Refresh()
	s.u.win.Canvas().Focus(s.hamburger)
}

// menuOpen reports whether the side menu is shown.
func (s *shell) menuOpen() bool { return s.menu.Visible() }

// show switches to a page of the registry and closes the menu.
func (s *shell) show(id string) {
	s.u.idle.touch()
	var (
		obj fyne.CanvasObject
		p   page
	)
	for _, q := range pages() {
		if q.id == id && (!q.adminOnly || s.u.handle.User().Role == apetitspas.RoleAdmin) {
			p, obj = q, q.build(s.u)
		}
	}
	if obj == nil {
		return
	}
	s.current = id
	s.account, _ = obj.(*accountPage)
	s.home, _ = obj.(*homePage)
	for pid, b := range s.menuItems {
		if pid == id {
			b.Importance = widget.MediumImportance
		} else {
			b.Importance = widget.LowImportance
		}
		b.Refresh()
	}
	s.title.SetText(p.title)
	s.host.Layout.(*readableWidth).max = cmp.Or(p.maxWidth, textWidth)
	s.page.Objects = []fyne.CanvasObject{obj}
	s.host.Refresh()
	if s.menu.Visible() {
		s.closeMenu()
	}
}

// readableWidth lays its object out at most max wide, centred, and as
// tall as it is given (a list fills the height). Its minimum size is the
// object's: the scroll around it scrolls, the window does not grow.
type readableWidth struct{ max float32 }

func (l *readableWidth) Layout(objs []fyne.CanvasObject, size fyne.Size) {
	w := min(size.Width, l.max)
	for _, o := range objs {
		o.Resize(fyne.NewSize(w, size.Height))
		o.Move(fyne.NewPos((size.Width-w)/2, 0))
	}
}

func (l *readableWidth) MinSize(objs []fyne.CanvasObject) fyne.Size {
	m := fyne.Size{}
	for _, o := range objs {
		m = m.Max(o.MinSize())
	}
	return m
}

// newAboutPage names the application, its version and build (FyneApp.toml).
func newAboutPage(u *UI) fyne.CanvasObject {
	logo := canvas.NewImageFromResource(fyne.NewStaticResource("logo.png", assets.LogoPNG))
	logo.FillMode = canvas.ImageFillContain
	logo.SetMinSize(fyne.NewSquareSize(96))
	version := widget.NewLabel(lang.X("about.version", "Version {{.Version}}", map[string]any{"Version": assets.Version}))
	text := widget.NewLabel(lang.X("about.text", "À petits pas — comptes et connexion sécurisée pour les services de garde du Québec. Toutes les données restent sur cet ordinateur."))
	text.Wrapping = fyne.TextWrapWord
	return container.NewPadded(container.NewVBox(
		container.NewHBox(logo, container.NewVBox(
			widget.NewLabelWithStyle(lang.X("app.name", "À petits pas"), fyne.TextAlignLeading, fyne.TextStyle{Bold: true}),
			version)),
		text, widget.NewLabel(u.daycare)))
}
