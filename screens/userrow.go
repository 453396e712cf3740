package screens

import (
	"strings"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/lang"
	"fyne.io/fyne/v2/theme"
	"fyne.io/fyne/v2/widget"

	apetitspas "github.com/apetitspas/apetitspas/app"
)

// userColumns lays out a row of the users list, and its header, in three
// columns: name over e-mail, role, status badges. The parents tab has no
// role column (everyone there is a parent) unless a search lists every
// role, nor has a list too narrow
// for the longest word of a role on a line ("administratrice"): the role
// stays in the panel of the selected account.
type userColumns struct{ p *usersPage }

var userColumnWeights = [3]float32{4, 3, 3.5}

func (c userColumns) showRole(width float32) bool {
	if c.p.tabs == nil || c.p.tabs.selectedIndex() != usersTabStaff && !c.p.searching() {
		return false
	}
	w := userColumnWeights
	col := (width - 2*theme.Padding()) * w[1] / (w[0] + w[1] + w[2])
	return col >= roleWordWidth()
}

// roleWordWidth is the width the longest word of a role's name takes in
// a cell.
func roleWordWidth() float32 {
	var widest float32
	for _, r := range newAccountRoles {
		for _, word := range strings.Fields(roleText(r)) {
			widest = max(widest, fyne.MeasureText(word, theme.TextSize(), fyne.TextStyle{}).Width)
		}
	}
	return widest + 2*theme.InnerPadding()
}

func (c userColumns) Layout(objs []fyne.CanvasObject, size fyne.Size) {
	if len(objs) != 3 {
		return
	}
	weights := userColumnWeights
	if !c.showRole(size.Width) {
		weights[1] = 0
		objs[1].Hide()
	} else {
		objs[1].Show()
	}
	pad := theme.Padding()
	total := weights[0] + weights[1] + weights[2]
	gaps := float32(2)
	if weights[1] == 0 {
		gaps = 1
	}
	avail := size.Width - pad*gaps
	x := float32(0)
	for i, o := range objs {
		if weights[i] == 0 {
			continue
		}
		w := avail * weights[i] / total
		o.Resize(fyne.NewSize(w, size.Height))
		o.Move(fyne.NewPos(x, 0))
		x += w + pad
	}
}

func (c userColumns) MinSize(objs []fyne.CanvasObject) fyne.Size {
	var h float32
	for _, o := range objs {
		h = max(h, o.MinSize().Height)
	}
	return fyne.NewSize(0, h) // cells shrink: the window keeps its size
}

// newRow makes a row of the users list, two lines high: the name over the
// e-mail (cut with "…" when the column is too narrow; the panel of the
// selected account shows them whole), the role on up to two lines, and
// the status badges, on two lines when needed.
func (p *usersPage) newRow() fyne.CanvasObject {
	bold := widget.RichTextStyleParagraph
	bold.TextStyle = fyne.TextStyle{Bold: true}
	who := widget.NewRichText(&widget.TextSegment{Style: bold}, &widget.TextSegment{Style: widget.RichTextStyleParagraph})
	who.Truncation = fyne.TextTruncateEllipsis
	role := widget.NewLabel("")
	role.Wrapping = fyne.TextWrapWord
	role.Truncation = fyne.TextTruncateEllipsis
	badges := container.New(&badgeFlow{})
	for i := 0; i < 4; i++ {
		badges.Add(newBadge("", theme.ColorNameDisabled))
	}
	return container.New(userColumns{p}, container.New(twoLines{}, who), container.New(twoLines{}, role),
		container.New(twoLines{}, container.NewPadded(badges)))
}

func (p *usersPage) updateRow(o fyne.CanvasObject, user apetitspas.User) {
	c, ok := o.(*fyne.Container)
	if !ok || len(c.Objects) != 3 {
		return
	}
	who := c.Objects[0].(*fyne.Container).Objects[0].(*widget.RichText)
	who.Segments[0].(*widget.TextSegment).Text = user.Name
	who.Segments[1].(*widget.TextSegment).Text = user.Email
	who.Refresh()
	c.Objects[1].(*fyne.Container).Objects[0].(*widget.Label).SetText(roleText(user.Role))
	flow := c.Objects[2].(*fyne.Container).Objects[0].(*fyne.Container).Objects[0].(*fyne.Container)
	bs := p.badges(user)
	for i, obj := range flow.Objects {
		b := obj.(*badge)
		if i < len(bs) {
			b.set(bs[i].text, bs[i].color)
			b.Show()
		} else {
			b.Hide()
		}
	}
	flow.Refresh()
}

// rowBadge is the text and colour of one badge.
type rowBadge struct {
	text  string
	color fyne.ThemeColorName
}

// badges are the statuses of an account: the multi-factor state, then
// changed outside the application, locked, disabled, and "Vous" on one's
// own row.
func (p *usersPage) badges(user apetitspas.User) []rowBadge {
	return append([]rowBadge{mfaBadge(user.MFA)}, p.stateBadges(user)...)
}

func mfaBadge(m apetitspas.MFAState) rowBadge {
	switch m {
	case apetitspas.MFAOn:
		return rowBadge{lang.X("users.badge_mfa_on", "AMF activée"), theme.ColorNameSuccess}
	case apetitspas.MFAPending:
		return rowBadge{lang.X("users.badge_mfa_pending", "AMF à configurer"), theme.ColorNameWarning}
	default:
		return rowBadge{lang.X("users.badge_mfa_off", "AMF désactivée"), theme.ColorNameDisabled}
	}
}

func (p *usersPage) stateBadges(user apetitspas.User) []rowBadge {
	var bs []rowBadge
	if user.Tampered {
		bs = append(bs, rowBadge{lang.X("users.tampered", "Modifié hors de l'application"), theme.ColorNameError})
	}
	if user.Locked(p.u.api.Now()) {
		bs = append(bs, rowBadge{lang.X("users.locked", "Verrouillé"), theme.ColorNameError})
	}
	if user.Disabled {
		bs = append(bs, rowBadge{lang.X("users.disabled", "Désactivé"), theme.ColorNameDisabled})
	}
	if user.ID == p.selfID {
		bs = append(bs, rowBadge{lang.X("users.badge_you", "Vous"), theme.ColorNamePrimary})
	}
	return bs
}

// rowText returns what row i of the list shows: name, e-mail, role, the
// multi-factor badge and the other badges joined by commas ("Verrouillé,
// Désactivé"), nil past the end.
func (p *usersPage) rowText(i int) []string {
	if i < 0 || i >= len(p.results) {
		return nil
	}
	user := p.results[i]
	var others []string
	for _, b := range p.stateBadges(user) {
		others = append(others, b.text)
	}
	return []string{user.Name, user.Email, roleText(user.Role), mfaBadge(user.MFA).text, strings.Join(others, ", ")}
}
