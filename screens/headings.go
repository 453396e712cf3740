package screens

import (
	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/theme"
	"fyne.io/fyne/v2/widget"
)

// The heading scale, one for every page: the page's title (in the bar
// above it, and the application's name over the sign-in forms), its
// sections (cards under a title: Profil, Mot de passe, Sauvegardes; the
// Aide's « ## » titles), and sub-sections inside a section (bold, at the
// text size). The sizes are the theme's (theme.go): a section's title is
// never larger than its page's. (Fyne's own card title is drawn at the
// heading size: sectionCard draws its title itself.)
const (
	sizePageTitle = theme.SizeNameHeadingText
	sizeSection   = theme.SizeNameSubHeadingText
)

// The sizes of the scale (points), the text itself being
// theme.SizeNameText (14).
const (
	pageTitlePoints = 20
	sectionPoints   = 17
)

// newPageTitle is a page's title.
func newPageTitle(text string) *widget.Label {
	l := widget.NewLabelWithStyle(text, fyne.TextAlignLeading, fyne.TextStyle{Bold: true})
	l.SizeName = sizePageTitle
	return l
}

// sectionCard is a section of a page: a card with its title (at the
// section size), then its lines one under the other.
func sectionCard(title string, lines ...fyne.CanvasObject) *widget.Card {
	head := widget.NewLabelWithStyle(title, fyne.TextAlignLeading, fyne.TextStyle{Bold: true})
	head.SizeName = sizeSection
	head.Wrapping = fyne.TextWrapWord
	return widget.NewCard("", "", container.NewVBox(append([]fyne.CanvasObject{head}, lines...)...))
}

// besideRow is an action (a button, or a row ending with one) with, at
// its right, the line that says what it did: a success appears next to
// what produced it. Refresh the row when the line appears or changes.
func besideRow(action, message fyne.CanvasObject) *fyne.Container {
	return container.NewBorder(nil, nil, action, nil, message)
}

// newSubsection is the title of a part of a section.
func newSubsection(text string) *widget.Label {
	l := widget.NewLabelWithStyle(text, fyne.TextAlignLeading, fyne.TextStyle{Bold: true})
	l.Wrapping = fyne.TextWrapWord
	return l
}
