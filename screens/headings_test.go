package screens

import (
	"testing"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/canvas"
	"fyne.io/fyne/v2/test"
)

// textSizes is the size each text obj draws is drawn at.
func textSizes(obj fyne.CanvasObject) map[string]float32 {
	sizes := map[string]float32{}
	var walk func(o fyne.CanvasObject)
	walk = func(o fyne.CanvasObject) {
		if !o.Visible() {
			return
		}
		switch o := o.(type) {
		case *canvas.Text:
			sizes[o.Text] = o.TextSize
		case fyne.Widget:
			for _, c := range test.WidgetRenderer(o).Objects() {
				walk(c)
			}
		case *fyne.Container:
			for _, c := range o.Objects {
				walk(c)
			}
		}
	}
	walk(obj)
	return sizes
}

// One heading scale: the page's title is larger than its sections'
// titles (Mon compte's « Profil » and Sécurité's cards), which are
// larger than the text.
func TestEveryPageHasOneHeadingScale(t *testing.T) {
	h := newHarness(t, withEnrolledDirector)
	fyne.CurrentApp().Settings().SetTheme(Theme())
	h.signInWithCode("elodie@lucioles.ca")
	for _, tc := range []struct{ page, title, section string }{
		{pageAccount, "Mon compte", "Profil"},
		{pageSecurity, "Sécurité", "Sauvegardes"},
		{pageHome, "Accueil", "Connexion multi-facteurs (AMF)"},
		{pageHelp, "Aide", "La connexion multi-facteurs (AMF)"},
	} {
		h.ui.shell.show(tc.page)
		h.ui.wait()
		sizes := textSizes(h.win.Content())
		title, section, text := sizes[tc.title], sizes[tc.section], fyne.CurrentApp().Settings().Theme().Size("text")
		if title == 0 || section == 0 {
			t.Fatalf("%s: title %q or section %q not drawn (%v)", tc.page, tc.title, tc.section, sizes)
		}
		if !(title > section && section > text) {
			t.Errorf("%s: page title %v, section %v, text %v", tc.page, title, section, text)
		}
		if title != pageTitlePoints || section != sectionPoints {
			t.Errorf("%s: page title %v, section %v: not the scale of headings.go", tc.page, title, section)
		}
	}
}
