package screens

import (
	"image/color"
	"testing"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/driver/desktop"
	"fyne.io/fyne/v2/test"
	"fyne.io/fyne/v2/theme"
)

// newSwitchInWindow returns a switch that records its OnChanged calls, shown
// at its minimum size in a test window.
func newSwitchInWindow(t *testing.T) (*slideSwitch, fyne.Window, *[]bool) {
	t.Helper()
	test.NewTempApp(t)
	calls := &[]bool{}
	sw := newSlideSwitch(func(on bool) { *calls = append(*calls, on) })
	w := test.NewTempWindow(t, container.NewCenter(sw))
	w.Resize(fyne.NewSize(200, 100))
	return sw, w, calls
}

// canvasPos returns the canvas position of the switch's top-left corner plus
// (dx, dy); the switch must be a direct child of the window content.
func canvasPos(w fyne.Window, sw *slideSwitch, dx, dy float32) fyne.Position {
	return w.Content().Position().Add(sw.Position()).AddXY(dx, dy)
}

func assertCalls(t *testing.T, calls *[]bool, want ...bool) {
	t.Helper()
	if len(*calls) != len(want) {
		t.Fatalf("OnChanged calls = %v, want %v", *calls, want)
	}
	for i := range want {
		if (*calls)[i] != want[i] {
			t.Fatalf("OnChanged calls = %v, want %v", *calls, want)
		}
	}
}

func switchRenderer(t *testing.T, sw *slideSwitch) *slideSwitchRenderer {
	t.Helper()
	r, ok := test.WidgetRenderer(sw).(*slideSwitchRenderer)
	if !ok {
		t.Fatalf("renderer is %T, want *slideSwitchRenderer", test.WidgetRenderer(sw))
	}
	return r
}

func colorOf(n fyne.ThemeColorName) color.Color {
	return theme.Current().Color(n, fyne.CurrentApp().Settings().ThemeVariant())
}

func sameColor(a, b color.Color) bool {
	r1, g1, b1, a1 := a.RGBA()
	r2, g2, b2, a2 := b.RGBA()
	return r1 == r2 && g1 == g2 && b1 == b2 && a1 == a2
}

func TestSlideSwitch_TapTogglesAndCallsOnChanged(t *testing.T) {
	sw, w, calls := newSwitchInWindow(t)

	test.Tap(sw)
	if !sw.checked {
		t.Fatal("after first tap: Checked() = false, want true")
	}
	assertCalls(t, calls, true)

	test.Tap(sw)
	if sw.checked {
		t.Fatal("after second tap: Checked() = true, want false")
	}
	assertCalls(t, calls, true, false)

	// Tapping through the canvas (hit-testing at the switch's position) works too.
	test.TapCanvas(w.Canvas(), canvasPos(w, sw, 2, 2))
	if !sw.checked {
		t.Fatal("after canvas tap: Checked() = false, want true")
	}
	assertCalls(t, calls, true, false, true)
}

func TestSlideSwitch_OnChangedSeesUpdatedState(t *testing.T) {
	test.NewTempApp(t)
	var sw *slideSwitch
	seen := []bool{}
	sw = newSlideSwitch(func(on bool) { seen = append(seen, sw.checked) })
	test.NewTempWindow(t, sw)
	test.Tap(sw)
	if len(seen) != 1 || !seen[0] {
		t.Fatalf("Checked() inside OnChanged = %v, want [true]", seen)
	}
}

func TestSlideSwitch_TapTakesFocus(t *testing.T) {
	sw, w, _ := newSwitchInWindow(t)
	test.Tap(sw)
	if w.Canvas().Focused() != fyne.Focusable(sw) {
		t.Fatalf("focused = %v after tap, want the switch", w.Canvas().Focused())
	}
	if !sw.focused {
		t.Fatal("switch not marked focused after tap")
	}
}

func TestSlideSwitch_TapOutsideDrawnSwitchIgnored(t *testing.T) {
	test.NewTempApp(t)
	calls := 0
	sw := newSlideSwitch(func(bool) { calls++ })
	w := test.NewTempWindow(t, sw)
	w.Resize(fyne.NewSize(400, 100)) // switch stretched far wider than drawn
	min := sw.MinSize()
	if sw.Size().Width <= min.Width+10 {
		t.Fatalf("test setup: switch width %v not stretched beyond %v", sw.Size().Width, min.Width)
	}
	test.TapAt(sw, fyne.NewPos(min.Width+10, sw.Size().Height/2))
	if sw.checked || calls != 0 {
		t.Fatalf("tap right of the switch toggled it (checked=%v, calls=%d)", sw.checked, calls)
	}
	test.TapAt(sw, fyne.NewPos(min.Width/2, sw.Size().Height/2))
	if !sw.checked || calls != 1 {
		t.Fatalf("tap on the switch: checked=%v calls=%d, want true 1", sw.checked, calls)
	}
}

func TestSlideSwitch_SetCheckedDoesNotCallOnChanged(t *testing.T) {
	sw, _, calls := newSwitchInWindow(t)

	sw.setChecked(true)
	if !sw.checked {
		t.Fatal("SetChecked(true): Checked() = false")
	}
	sw.setChecked(true) // no-op
	sw.setChecked(false)
	if sw.checked {
		t.Fatal("SetChecked(false): Checked() = true")
	}
	assertCalls(t, calls)

	// Also before the widget was ever rendered.
	called := false
	sw2 := newSlideSwitch(func(bool) { called = true })
	sw2.setChecked(true)
	if !sw2.checked || called {
		t.Fatalf("unrendered SetChecked(true): checked=%v called=%v", sw2.checked, called)
	}
}

func TestSlideSwitch_SpaceWhenFocusedTogglesOnce(t *testing.T) {
	sw, w, calls := newSwitchInWindow(t)
	c := w.Canvas()

	c.Focus(sw)
	if c.Focused() != fyne.Focusable(sw) || !sw.focused {
		t.Fatal("switch did not take focus")
	}

	// A desktop driver delivers one Space press as TypedKey(KeySpace),
	// then TypedRune(' '), then KeyUp, to the focused object.
	pressSpace := func() { pressSpaceOn(c) }

	pressSpace()
	if !sw.checked {
		t.Fatal("Space: Checked() = false, want true")
	}
	assertCalls(t, calls, true)

	pressSpace()
	if sw.checked {
		t.Fatal("second Space: Checked() = true, want false")
	}
	assertCalls(t, calls, true, false)

	// Other keys/runes do nothing.
	c.Focused().TypedKey(&fyne.KeyEvent{Name: fyne.KeyA})
	c.Focused().TypedRune('a')
	assertCalls(t, calls, true, false)

	// A lone rune (left over from a press another widget acted on) is
	// dropped.
	test.Type(sw, " ")
	if sw.checked {
		t.Fatal("a rune without its key toggled the switch")
	}
	assertCalls(t, calls, true, false)

	// A key whose rune never comes toggles on its release.
	c.Focused().TypedKey(&fyne.KeyEvent{Name: fyne.KeySpace})
	c.Focused().(desktop.Keyable).KeyUp(&fyne.KeyEvent{Name: fyne.KeySpace})
	if !sw.checked {
		t.Fatal("Space without a rune: Checked() = false")
	}
	assertCalls(t, calls, true, false, true)

	c.Unfocus()
	if sw.focused {
		t.Fatal("switch still marked focused after Unfocus")
	}
}

func TestSlideSwitch_Disabled(t *testing.T) {
	sw, w, calls := newSwitchInWindow(t)
	c := w.Canvas()

	sw.Disable()
	if !sw.Disabled() {
		t.Fatal("Disabled() = false after Disable()")
	}

	test.Tap(sw)
	if sw.checked {
		t.Fatal("tap on disabled switch toggled it")
	}
	if c.Focused() != nil || sw.focused {
		t.Fatal("tap on disabled switch gave it focus")
	}

	c.Focus(sw)
	if c.Focused() != nil || sw.focused {
		t.Fatal("disabled switch accepted focus")
	}
	test.FocusNext(c)
	if c.Focused() != nil {
		t.Fatal("focus traversal stopped on disabled switch")
	}

	sw.TypedRune(' ')
	sw.TypedKey(&fyne.KeyEvent{Name: fyne.KeySpace})
	if sw.checked {
		t.Fatal("Space on disabled switch toggled it")
	}
	assertCalls(t, calls)

	// Code can still set the value.
	sw.setChecked(true)
	if !sw.checked {
		t.Fatal("SetChecked on disabled switch ignored")
	}
	sw.setChecked(false)
	assertCalls(t, calls)

	sw.Enable()
	if sw.Disabled() {
		t.Fatal("Disabled() = true after Enable()")
	}
	test.Tap(sw)
	if !sw.checked {
		t.Fatal("tap after Enable() did not toggle")
	}
	assertCalls(t, calls, true)
	if c.Focused() != fyne.Focusable(sw) {
		t.Fatal("tap after Enable() did not focus")
	}
	pressSpaceOn(c)
	if sw.checked {
		t.Fatal("Space after Enable() did not toggle")
	}
	assertCalls(t, calls, true, false)
}

func TestSlideSwitch_DisableReleasesFocus(t *testing.T) {
	sw, w, _ := newSwitchInWindow(t)
	c := w.Canvas()
	c.Focus(sw)
	if c.Focused() != fyne.Focusable(sw) {
		t.Fatal("switch did not take focus")
	}
	sw.Disable()
	if c.Focused() != nil || sw.focused {
		t.Fatal("disabled switch kept the focus")
	}
	if fill := switchRenderer(t, sw).ring.FillColor; !sameColor(fill, color.Transparent) {
		t.Fatalf("ring colour when disabled = %v, want transparent", fill)
	}
}

func TestSlideSwitch_ThumbPosition(t *testing.T) {
	sw, _, _ := newSwitchInWindow(t)
	r := switchRenderer(t, sw)
	track := r.track

	offX := r.thumb.Position().X
	if offX > track.Position().X+track.Size().Width/2-r.thumb.Size().Width/2 {
		t.Fatalf("off: thumb x=%v not in left half of track (x=%v w=%v)", offX, track.Position().X, track.Size().Width)
	}
	if offX < track.Position().X {
		t.Fatalf("off: thumb x=%v left of track x=%v", offX, track.Position().X)
	}

	test.Tap(sw) // on, via user
	onX := r.thumb.Position().X
	if onX <= offX {
		t.Fatalf("on: thumb x=%v, want > off x=%v", onX, offX)
	}
	if right, trackRight := onX+r.thumb.Size().Width, track.Position().X+track.Size().Width; right > trackRight+0.01 {
		t.Fatalf("on: thumb right edge %v beyond track right edge %v", right, trackRight)
	}
	if !sameColor(track.FillColor, colorOf(theme.ColorNamePrimary)) {
		t.Fatalf("on: track colour %v, want primary", track.FillColor)
	}

	sw.setChecked(false) // off, via code
	if x := r.thumb.Position().X; x != offX {
		t.Fatalf("off again: thumb x=%v, want %v", x, offX)
	}
	if sameColor(track.FillColor, colorOf(theme.ColorNamePrimary)) {
		t.Fatal("off: track still primary colour")
	}

	sw.setChecked(true)
	if x := r.thumb.Position().X; x != onX {
		t.Fatalf("on again (code): thumb x=%v, want %v", x, onX)
	}

	// A relayout keeps the thumb on the right.
	sw.Resize(sw.Size().AddWidthHeight(0, 10))
	if x := r.thumb.Position().X; x != onX {
		t.Fatalf("after resize: thumb x=%v, want %v", x, onX)
	}

	// Disabled while on (locked on): a faded primary, still reading as on.
	sw.Disable()
	if sameColor(track.FillColor, colorOf(theme.ColorNameDisabledButton)) || sameColor(track.FillColor, colorOf(theme.ColorNamePrimary)) {
		t.Fatalf("disabled on: track colour %v, want a faded primary", track.FillColor)
	}
	sw.setChecked(false)
	if !sameColor(track.FillColor, colorOf(theme.ColorNameDisabledButton)) {
		t.Fatalf("disabled off: track colour %v, want disabled button colour", track.FillColor)
	}
}

func TestSlideSwitch_InitialStateBeforeRender(t *testing.T) {
	test.NewTempApp(t)
	sw := newSlideSwitch(nil)
	sw.setChecked(true) // before any renderer exists
	off := newSlideSwitch(nil)
	test.NewTempWindow(t, container.NewVBox(sw, off))
	if on, o := switchRenderer(t, sw).thumb.Position().X, switchRenderer(t, off).thumb.Position().X; on <= o {
		t.Fatalf("pre-checked switch thumb x=%v, want > off thumb x=%v", on, o)
	}
	test.Tap(sw) // nil OnChanged must not panic
	if sw.checked {
		t.Fatal("tap with nil OnChanged did not toggle")
	}
}

func TestSlideSwitch_Hover(t *testing.T) {
	sw, w, _ := newSwitchInWindow(t)
	r := switchRenderer(t, sw)
	inside := canvasPos(w, sw, 1, 1)

	test.MoveMouse(w.Canvas(), inside)
	if !sw.hovered {
		t.Fatal("hovered = false with mouse over the switch")
	}
	if !sameColor(r.ring.FillColor, colorOf(theme.ColorNameHover)) {
		t.Fatalf("hover ring colour = %v, want hover colour", r.ring.FillColor)
	}

	test.MoveMouse(w.Canvas(), fyne.NewPos(0, 0))
	if sw.hovered {
		t.Fatal("hovered = true after mouse left the switch")
	}
	if !sameColor(r.ring.FillColor, color.Transparent) {
		t.Fatalf("ring colour after mouse out = %v, want transparent", r.ring.FillColor)
	}

	// Focus indicator wins over hover.
	test.MoveMouse(w.Canvas(), inside)
	w.Canvas().Focus(sw)
	if r.ring.StrokeWidth < focusRingWidth || r.ring.StrokeColor == nil ||
		!sameColor(r.ring.StrokeColor, focusRingColor(fyne.CurrentApp().Settings().ThemeVariant())) {
		t.Fatalf("focused: ring stroke %v %v, want the focus ring", r.ring.StrokeWidth, r.ring.StrokeColor)
	}
	w.Canvas().Unfocus()
	test.MoveMouse(w.Canvas(), fyne.NewPos(0, 0))

	// Disabled: no hover.
	sw.Disable()
	sw.MouseIn(&desktop.MouseEvent{PointEvent: fyne.PointEvent{Position: fyne.NewPos(3, 3)}})
	if sw.hovered {
		t.Fatal("disabled switch became hovered")
	}
	if sw.Cursor() != desktop.DefaultCursor {
		t.Fatal("disabled switch cursor is not the default cursor")
	}
	sw.Enable()
	if sw.Cursor() != desktop.PointerCursor {
		t.Fatal("enabled switch cursor is not the pointer cursor")
	}
}

func TestSlideSwitch_MinSize(t *testing.T) {
	test.NewTempApp(t)
	sw := newSlideSwitch(nil)
	min := sw.MinSize()
	if min.Width < 40 || min.Height < 20 || min.Width <= min.Height {
		t.Fatalf("MinSize = %v, want about 44x28 and wider than tall", min)
	}
	var _ fyne.Disableable = sw
	var _ desktop.Hoverable = sw
}
