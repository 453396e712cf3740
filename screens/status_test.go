package screens

import (
	"testing"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/test"
)

// absolute is where o is drawn once the window is laid out again (as a
// real window does on its next frame).
func absolute(o fyne.CanvasObject) fyne.Position {
	relayout(fyne.CurrentApp().Driver().CanvasForObject(o).Content())
	return fyne.CurrentApp().Driver().AbsolutePositionForObject(o)
}

// relayout lays out every container under o again, at its size.
func relayout(o fyne.CanvasObject) {
	switch c := o.(type) {
	case *fyne.Container:
		if c.Layout != nil {
			c.Layout.Layout(c.Objects, c.Size())
		}
		for _, child := range c.Objects {
			relayout(child)
		}
	case fyne.Widget:
		r := test.WidgetRenderer(c)
		r.Layout(c.Size())
		for _, child := range r.Objects() {
			relayout(child)
		}
	}
}

// A refused sign-in writes its sentence under « Se connecter » without
// moving the button, the fields or anything else a person aims at: the
// form keeps room for the message (two lines) before any is shown.
func TestTheSignInButtonStaysPutWhenAnErrorAppears(t *testing.T) {
	h := newHarness(t, withDaycare)
	l := h.ui.login
	h.ui.win.Resize(fyne.NewSize(800, 600))
	button, email, restore := absolute(l.button), absolute(l.email), absolute(l.restore)
	h.signIn("anne@parents.ca", "pas-le-bon")
	if l = h.ui.login; l == nil || !l.status.message.Visible() {
		t.Fatal("the refusal is not shown")
	}
	if got := absolute(l.button); got != button {
		t.Errorf("« Se connecter » moved from %v to %v", button, got)
	}
	if got := absolute(l.email); got != email {
		t.Errorf("the e-mail field moved from %v to %v", email, got)
	}
	if got := absolute(l.restore); got != restore {
		t.Errorf("the line under the message moved from %v to %v", restore, got)
	}
	// Empty fields: the shorter sentence, same places.
	l.password.SetText("")
	test.Tap(l.button)
	if got := absolute(l.button); got != button {
		t.Errorf("« Se connecter » moved from %v to %v", button, got)
	}
}
