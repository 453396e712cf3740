package screens

import (
	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/theme"
	"fyne.io/fyne/v2/widget"
)

// The heading scale, one for every page: the page's title (in the bar
// above it, and the application's name over the sign-in forms), its
// sections (the cards, whose titles Fyne draws at SizeNameHeadingText:
// Profil, Mot de passe, Sauvegardes; the Aide's « ## » titles, at
// SizeNameSubHeadingText), and sub-sections inside a section (bold, at
// the text size). The sizes are the theme's (theme.go): a section's title
// is never larger than its page's.
const (
	sizePageTitle fyne.ThemeSizeName = "apetitspasPageTitle"
	sizeSection                      = theme.SizeNameHeadingText
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

// sectionCard is a section of a page: a card under its title (at the
// section size), with its lines one under the other.
func sectionCard(title string, lines ...fyne.CanvasObject) *widget.Card {
	return widget.NewCard(title, "", container.NewVBox(lines...))
}

// newSubsection is the title of a part of a section.
func newSubsection(text string) *widget.Label {
	l := widget.NewLabelWithStyle(text, fyne.TextAlignLeading, fyne.TextStyle{Bold: true})
	l.Wrapping = fyne.TextWrapWord
	return l
}
