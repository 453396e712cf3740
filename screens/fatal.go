package screens

import (
	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/lang"
	"fyne.io/fyne/v2/theme"
	"fyne.io/fyne/v2/widget"
)

// newFatalScreen explains, in plain words, why the app cannot go on (for
// example a damaged database). It offers nothing that could make it worse.
func newFatalScreen(message string) fyne.CanvasObject {
	title := widget.NewLabelWithStyle(lang.X("fatal.title", "À petits pas ne peut pas démarrer"),
		fyne.TextAlignLeading, fyne.TextStyle{Bold: true})
	msg := widget.NewLabel(message)
	msg.Wrapping = fyne.TextWrapWord
	hint := widget.NewLabel(lang.X("fatal.hint", "Aucune donnée n'a été modifiée. Montrez ce message à la personne qui s'occupe de l'informatique."))
	hint.Wrapping = fyne.TextWrapWord
	icon := widget.NewIcon(theme.ErrorIcon())
	return container.NewPadded(container.NewVBox(container.NewHBox(icon, title), msg, hint))
}

// NewFatalContent is used by cmd/ when the database cannot even be opened,
// before any UI exists.
func NewFatalContent(err error) fyne.CanvasObject { return newFatalScreen(ErrorText(err)) }
