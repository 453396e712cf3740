package screens

import (
	"image/color"
	"testing"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/canvas"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/test"
	"fyne.io/fyne/v2/theme"
	"fyne.io/fyne/v2/widget"
)

// background is the fill of a widget's first rectangle (a button's
// background) and ring its focus ring, as drawn.
func background(w fyne.Widget) color.Color {
	for _, o := range test.WidgetRenderer(w).Objects() {
		if r, ok := o.(*canvas.Rectangle); ok {
			return r.FillColor
		}
	}
	return nil
}

func ring(w fyne.Widget) *canvas.Rectangle {
	objs := test.WidgetRenderer(w).Objects()
	r, _ := objs[len(objs)-1].(*canvas.Rectangle)
	return r
}

// A focused button keeps its own colours, a primary one as a secondary
// one (a focused « Annuler » does not turn teal), and gets the ring: in
// both themes.
func TestAFocusedButtonKeepsItsColoursAndGetsTheRing(t *testing.T) {
	for _, v := range []fyne.ThemeVariant{theme.VariantLight, theme.VariantDark} {
		a := test.NewTempApp(t)
		a.Settings().SetTheme(variantTheme{Theme: Theme(), variant: v})
		primary := newButton("Valider", nil, func() {})
		primary.Importance = widget.HighImportance
		secondary := newButton("Annuler", nil, func() {})
		danger := newButton("Désactiver", nil, func() {})
		danger.Importance = widget.DangerImportance
		w := test.NewTempWindow(t, container.NewVBox(primary, secondary, danger))
		for _, b := range []*button{primary, secondary, danger} {
			before := background(b)
			if r := ring(b); r == nil || r.Visible() {
				t.Fatalf("%s: %q has a ring before it has the focus", variantName(v), b.Text)
			}
			w.Canvas().Focus(b)
			if !b.focused {
				t.Fatalf("%s: %q did not take the focus", variantName(v), b.Text)
			}
			if after := background(b); !sameColor(before, after) {
				t.Errorf("%s: focused %q changed colour: %v → %v", variantName(v), b.Text, before, after)
			}
			r := ring(b)
			if r == nil || !r.Visible() || r.StrokeWidth < 2 || !sameColor(r.StrokeColor, focusRingColor(v)) {
				t.Errorf("%s: focused %q has no ring: %+v", variantName(v), b.Text, r)
			}
			if r.Size().Width <= b.Size().Width || r.Position().X >= 0 {
				t.Errorf("%s: the ring of %q is not around it: %v at %v, button %v", variantName(v), b.Text, r.Size(), r.Position(), b.Size())
			}
			w.Canvas().Unfocus()
			if ring(b).Visible() {
				t.Errorf("%s: %q kept its ring after losing the focus", variantName(v), b.Text)
			}
		}
	}
}

// The reset and deactivation confirmations have a red action, and their
// pre-focused « Annuler » looks secondary, with the ring.
func TestDestructiveConfirmationsAreRedAndTheirFocusedCancelStaysSecondary(t *testing.T) {
	h := newHarness(t, func(h *harness) {
		withEnrolledDirector(h)
		h.enroll("karim@lucioles.ca")
	})
	p := h.openUsers()
	p.tabs.selectIndex(usersTabStaff)
	h.pick(p, "karim@lucioles.ca")
	test.Tap(p.resetMFA)
	c := p.confirming
	if c == nil {
		t.Fatal("no confirmation")
	}
	if c.confirm.Importance != widget.DangerImportance {
		t.Errorf("the reset's action is not red: importance %v", c.confirm.Importance)
	}
	if h.ui.win.Canvas().Focused() != c.cancel || !ring(c.cancel).Visible() {
		t.Fatal("« Annuler » should have the focus, with its ring")
	}
	st := fyne.CurrentApp().Settings()
	if got, want := background(c.cancel), st.Theme().Color(theme.ColorNameButton, st.ThemeVariant()); !sameColor(got, want) {
		t.Errorf("the focused « Annuler » is drawn %v, a secondary button is %v", got, want)
	}
	test.Tap(c.cancel)

	test.Tap(p.disable)
	if c = p.confirming; c == nil || c.confirm.Importance != widget.DangerImportance {
		t.Fatalf("the deactivation's action is not red: %+v", c)
	}
}
