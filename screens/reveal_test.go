package screens

import (
	"runtime"
	"testing"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/driver/desktop"
	"fyne.io/fyne/v2/test"
	"fyne.io/fyne/v2/widget"
)

// visibleIn tells whether o is wholly inside the window's canvas.
func visibleIn(h *harness, o fyne.CanvasObject) bool {
	r, win := rectOf(o), h.win.Canvas().Size()
	return r.x0 >= -0.5 && r.y0 >= -0.5 && r.x1 <= win.Width+0.5 && r.y1 <= win.Height+0.5
}

// At 800×600, Tab to a button below the fold scrolls Mon compte so that
// it shows; Shift-Tab back to the top scrolls back.
func TestTabScrollsThePageToTheFocusedWidget(t *testing.T) {
	h := newHarness(t, withDaycare)
	h.win.Resize(fyne.NewSize(800, 600))
	a := h.openAccount("elodie@lucioles.ca")
	c := h.win.Canvas()
	if visibleIn(h, a.mfaSwitch) {
		t.Skip("Mon compte fits in 800×600: nothing below the fold")
	}
	for i := 0; i < 40 && c.Focused() != a.mfaSwitch; i++ {
		test.FocusNext(c)
		h.ui.followFocus()
		if f, ok := c.Focused().(fyne.CanvasObject); ok && f.Visible() && !visibleIn(h, f) {
			t.Fatalf("Tab %d: the focused %T at %v is off the window", i+1, f, rectOf(f))
		}
	}
	if c.Focused() != a.mfaSwitch {
		t.Fatal("Tab never reached the switch")
	}
	if a.scroll.Offset.Y <= 0 {
		t.Fatalf("the page did not scroll (offset %v)", a.scroll.Offset)
	}
	c.Focus(a.changePasswordButton)
	c.Focus(a.current)
	h.ui.followFocus() // an entry: seen by the focus watch
	if !visibleIn(h, a.current) {
		t.Fatalf("back to the first field, it is at %v (offset %v)", rectOf(a.current), a.scroll.Offset)
	}
}

// After the switch's confirmation, the keyboard is on « Me déconnecter
// maintenant », in view.
func TestAfterTheMFAConfirmationTheFocusIsOnLogoutNowInView(t *testing.T) {
	h := newHarness(t, withDaycare)
	h.win.Resize(fyne.NewSize(800, 600))
	a := h.openAccount("anne@parents.ca")
	c := h.win.Canvas()
	c.Focus(a.mfaSwitch)
	test.Tap(a.mfaSwitch)
	if a.confirm == nil {
		t.Fatal("no confirmation")
	}
	test.Tap(a.confirm.activate)
	if c.Focused() != a.logoutNow {
		t.Fatalf("focus on %T, want Me déconnecter maintenant", c.Focused())
	}
	if !visibleIn(h, a.logoutNow) {
		t.Fatalf("Me déconnecter maintenant at %v is off the window", rectOf(a.logoutNow))
	}
}

// Cancelling a dialog gives the focus back to what had it.
func TestCancellingTheConfirmationGivesTheFocusBack(t *testing.T) {
	h := newHarness(t, withDaycare)
	h.win.Resize(fyne.NewSize(800, 600))
	a := h.openAccount("anne@parents.ca")
	c := h.win.Canvas()
	c.Focus(a.mfaSwitch)
	test.Tap(a.mfaSwitch)
	if a.confirm == nil {
		t.Fatal("no confirmation")
	}
	test.Tap(a.confirm.cancel)
	h.ui.followFocus()
	if c.Focused() != a.mfaSwitch || !visibleIn(h, a.mfaSwitch) {
		t.Fatalf("focus on %T after Annuler", c.Focused())
	}
}

// The mouse wheel over a text field scrolls the page (a single-line
// entry took it, to scroll its own text).
func TestTheWheelOverATextFieldScrollsThePage(t *testing.T) {
	h := newHarness(t, withDaycare)
	h.win.Resize(fyne.NewSize(800, 600))
	a := h.openAccount("elodie@lucioles.ca")
	a.current.SetText("un mot de passe assez long pour déborder du champ, vraiment très long, encore plus long")
	r := rectOf(a.current)
	at := fyne.NewPos((r.x0+r.x1)/2, (r.y0+r.y1)/2)
	test.Scroll(h.win.Canvas(), at, 0, -60)
	if a.scroll.Offset.Y <= 0 {
		t.Fatalf("the wheel over Mot de passe actuel left the page at %v", a.scroll.Offset)
	}
	// Taps, presses, drags and the cursor still reach the field: the
	// catcher over it wants none of them (Fyne gives each to the topmost
	// object that wants it).
	var c any = &wheelCatcher{}
	_, tappable := c.(fyne.Tappable)
	_, mouse := c.(desktop.Mouseable)
	_, draggable := c.(fyne.Draggable)
	_, cursor := c.(desktop.Cursorable)
	_, hover := c.(desktop.Hoverable)
	_, focus := c.(fyne.Focusable)
	if tappable || mouse || draggable || cursor || hover || focus {
		t.Fatal("the wheel catcher takes more than the wheel")
	}
}

// The page scrolls of an earlier application (a test's, kept alive by
// Fyne's renderer cache, which the test driver never empties) are
// forgotten: each would cost reveal a walk of the whole tree at every
// focus change, and the suite slowed down test after test.
func TestRevealForgetsThePageScrollsOfAnotherApplication(t *testing.T) {
	var kept []*container.Scroll // alive, as the renderer cache keeps them
	func() {
		test.NewTempApp(t)
		for range 3 {
			kept = append(kept, newPageScroll(widget.NewLabel("avant"), false))
		}
	}()
	test.NewTempApp(t)
	s := newPageScroll(widget.NewLabel("maintenant"), false)
	pageScrolls.Lock()
	live := livePageScrolls()
	pageScrolls.Unlock()
	if len(live) != 1 || live[0].scroll.Value() != s {
		t.Fatalf("%d page scrolls noted, want only this application's one", len(live))
	}
	runtime.KeepAlive(kept)
}
