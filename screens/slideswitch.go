package screens

import (
	"image/color"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/canvas"
	"fyne.io/fyne/v2/driver/desktop"
	"fyne.io/fyne/v2/theme"
	"fyne.io/fyne/v2/widget"
)

// slideSwitch is an on/off slide switch (like a phone toggle), which Fyne 2.7
// does not provide. It draws a rounded track with a round thumb that sits on
// the left when off and on the right when on.
//
// The user toggles it by tapping/clicking it, or by pressing Space while it has
// the keyboard focus (the whole press: key, then rune); onChanged is then called with the new value, after the
// state has been updated. SetChecked changes the value from code without
// calling onChanged. A disabled switch ignores taps and keys, never calls
// onChanged and does not take the focus.
//
// The switch is drawn at its minimum size, aligned to the leading edge and
// vertically centred in the space it is given; only that area reacts to the
// pointer. Like every Fyne widget it must be used from the UI goroutine
// (use fyne.Do from other goroutines).
type slideSwitch struct {
	widget.DisableableWidget

	// onChanged is called with the new value after the user toggled the
	// switch. It is not called by setChecked.
	onChanged func(on bool) `json:"-"`

	checked bool
	focused bool
	hovered bool
	space   spacePress
}

var (
	_ fyne.Widget         = (*slideSwitch)(nil)
	_ fyne.Tappable       = (*slideSwitch)(nil)
	_ fyne.Focusable      = (*slideSwitch)(nil)
	_ fyne.Disableable    = (*slideSwitch)(nil)
	_ desktop.Hoverable   = (*slideSwitch)(nil)
	_ desktop.Keyable     = (*slideSwitch)(nil)
	_ desktop.Cursorable  = (*slideSwitch)(nil)
	_ fyne.WidgetRenderer = (*slideSwitchRenderer)(nil)
)

// newSlideSwitch creates a switch, initially off, that calls onChanged (may
// be nil) whenever the user toggles it.
func newSlideSwitch(onChanged func(on bool)) *slideSwitch {
	s := &slideSwitch{onChanged: onChanged}
	s.ExtendBaseWidget(s)
	return s
}

// setChecked sets the value from code and redraws the switch. It does not
// call onChanged.
func (s *slideSwitch) setChecked(on bool) {
	if s.checked == on {
		return
	}
	s.checked = on
	s.Refresh()
}

// Disable disables the switch; if it had the keyboard focus, the focus is
// released.
func (s *slideSwitch) Disable() {
	s.DisableableWidget.Disable()
	s.releaseFocus()
}

// Hide hides the switch; if it had the keyboard focus, the focus is released.
func (s *slideSwitch) Hide() {
	s.releaseFocus()
	s.DisableableWidget.Hide()
}

// Tapped toggles the switch (and takes the focus on desktop) unless it is
// disabled or the tap falls outside the drawn switch.
func (s *slideSwitch) Tapped(ev *fyne.PointEvent) {
	if s.Disabled() || !s.inActiveArea(ev.Position) {
		return
	}
	if !s.focused && !fyne.CurrentDevice().IsMobile() {
		if c := fyne.CurrentApp().Driver().CanvasForObject(s); c != nil {
			c.Focus(s)
		}
	}
	s.toggle()
}

// FocusGained is called by Fyne when the switch receives the keyboard focus.
func (s *slideSwitch) FocusGained() {
	if s.Disabled() {
		return
	}
	s.focused = true
	s.Refresh()
	reveal(s)
}

// FocusLost is called by Fyne when the switch loses the keyboard focus.
func (s *slideSwitch) FocusLost() {
	s.focused = false
	s.space = spacePress{}
	s.Refresh()
}

// TypedRune toggles the switch on the rune of a Space key it received
// (see button: a desktop driver delivers one Space press as
// TypedKey(KeySpace), then TypedRune(' '), then KeyUp). A lone rune, left
// over from a press another widget acted on (the "Annuler" of a dialog
// that gave the focus back to the switch), is dropped.
func (s *slideSwitch) TypedRune(r rune) {
	if s.Disabled() || !s.space.rune(r) {
		return
	}
	s.toggle()
}

// TypedKey notes a Space key; the switch toggles on its rune.
func (s *slideSwitch) TypedKey(ev *fyne.KeyEvent) {
	if ev.Name == fyne.KeySpace && !s.Disabled() {
		s.space.key()
	}
}

// KeyDown is part of desktop.Keyable.
func (s *slideSwitch) KeyDown(*fyne.KeyEvent) {}

// KeyUp toggles the switch when a Space key came without its rune.
func (s *slideSwitch) KeyUp(ev *fyne.KeyEvent) {
	if !s.Disabled() && s.space.up(ev) {
		s.toggle()
	}
}

// MouseIn is called when a desktop pointer enters the widget.
func (s *slideSwitch) MouseIn(ev *desktop.MouseEvent) {
	s.MouseMoved(ev)
}

// MouseMoved is called when a desktop pointer moves over the widget.
func (s *slideSwitch) MouseMoved(ev *desktop.MouseEvent) {
	if s.Disabled() {
		return
	}
	hovered := s.inActiveArea(ev.Position)
	if hovered != s.hovered {
		s.hovered = hovered
		s.Refresh()
	}
}

// MouseOut is called when a desktop pointer leaves the widget.
func (s *slideSwitch) MouseOut() {
	if s.hovered {
		s.hovered = false
		s.Refresh()
	}
}

// Cursor returns the pointer (hand) cursor, or the default one when disabled.
func (s *slideSwitch) Cursor() desktop.Cursor {
	if s.Disabled() {
		return desktop.DefaultCursor
	}
	return desktop.PointerCursor
}

// CreateRenderer is a private method to Fyne which links this widget to its
// renderer.
func (s *slideSwitch) CreateRenderer() fyne.WidgetRenderer {
	s.ExtendBaseWidget(s)
	r := &slideSwitchRenderer{
		sw:    s,
		ring:  canvas.NewRectangle(color.Transparent),
		track: canvas.NewRectangle(color.Transparent),
		thumb: canvas.NewCircle(color.Transparent),
	}
	r.objects = []fyne.CanvasObject{r.ring, r.track, r.thumb}
	r.shownChecked = s.checked
	r.applyColors()
	return r
}

func (s *slideSwitch) toggle() {
	s.checked = !s.checked
	s.Refresh()
	if f := s.onChanged; f != nil {
		f(s.checked)
	}
}

func (s *slideSwitch) releaseFocus() {
	if !s.focused {
		return
	}
	if c := fyne.CurrentApp().Driver().CanvasForObject(s); c != nil && c.Focused() == fyne.Focusable(s) {
		c.Unfocus() // calls FocusLost
		return
	}
	s.FocusLost()
}

// inActiveArea reports whether pos (relative to the widget) is on the drawn
// switch (its minimum width, leading-aligned).
func (s *slideSwitch) inActiveArea(pos fyne.Position) bool {
	m := switchMetricsFor(s.Theme())
	// Only the width is limited: a row taller than the switch still lets a
	// tap anywhere in its height toggle it.
	return pos.X >= 0 && pos.X <= m.outer.Width && pos.Y >= 0 && pos.Y <= s.Size().Height
}

// switchMetrics holds the theme-derived dimensions of the switch.
type switchMetrics struct {
	outer      fyne.Size // focus/hover ring = minimum size
	track      fyne.Size
	ringInset  float32 // space between ring and track
	thumbInset float32 // space between track and thumb
}

// With the default theme: track 36x20, thumb 16, ring/min size 44x28.
func switchMetricsFor(th fyne.Theme) switchMetrics {
	h := th.Size(theme.SizeNameInlineIcon)
	ringInset := th.Size(theme.SizeNamePadding)
	track := fyne.NewSize(h*1.8, h)
	return switchMetrics{
		outer:      track.AddWidthHeight(2*ringInset, 2*ringInset),
		track:      track,
		ringInset:  ringInset,
		thumbInset: th.Size(theme.SizeNameInputBorder),
	}
}

type slideSwitchRenderer struct {
	sw      *slideSwitch
	objects []fyne.CanvasObject

	ring  *canvas.Rectangle // focus / hover halo around the track
	track *canvas.Rectangle
	thumb *canvas.Circle

	size         fyne.Size // last layout size; zero until laid out
	shownChecked bool      // value the thumb is placed (or moving) for
	anim         *fyne.Animation
}

func (r *slideSwitchRenderer) Destroy() {
	r.stopAnimation()
}

func (r *slideSwitchRenderer) MinSize() fyne.Size {
	return switchMetricsFor(r.sw.Theme()).outer
}

func (r *slideSwitchRenderer) Objects() []fyne.CanvasObject {
	return r.objects
}

func (r *slideSwitchRenderer) Layout(size fyne.Size) {
	r.size = size
	m := switchMetricsFor(r.sw.Theme())
	top := (size.Height - m.outer.Height) / 2
	if top < 0 {
		top = 0
	}

	r.ring.Move(fyne.NewPos(0, top))
	r.ring.Resize(m.outer)
	r.ring.CornerRadius = m.outer.Height / 2

	r.track.Move(fyne.NewPos(m.ringInset, top+m.ringInset))
	r.track.Resize(m.track)
	r.track.CornerRadius = m.track.Height / 2

	d := m.track.Height - 2*m.thumbInset
	r.thumb.Resize(fyne.NewSquareSize(d))
	r.stopAnimation()
	r.shownChecked = r.sw.checked
	r.thumb.Move(r.thumbPos(r.shownChecked))
}

// thumbPos is the resting position of the thumb for the given value, within
// the current layout size.
func (r *slideSwitchRenderer) thumbPos(on bool) fyne.Position {
	m := switchMetricsFor(r.sw.Theme())
	top := (r.size.Height - m.outer.Height) / 2
	if top < 0 {
		top = 0
	}
	x := m.ringInset + m.thumbInset
	if on {
		d := m.track.Height - 2*m.thumbInset
		x = m.ringInset + m.track.Width - m.thumbInset - d
	}
	return fyne.NewPos(x, top+m.ringInset+m.thumbInset)
}

func (r *slideSwitchRenderer) Refresh() {
	r.applyColors()
	if r.sw.checked != r.shownChecked {
		r.shownChecked = r.sw.checked
		r.moveThumb()
	}
	r.ring.Refresh()
	r.track.Refresh()
	r.thumb.Refresh()
}

// moveThumb moves the thumb to its resting place for shownChecked, with a
// short animation when the widget is laid out and animations are enabled.
// The last animation tick always places the thumb exactly at the target, and
// Layout cancels any animation and places it directly.
func (r *slideSwitchRenderer) moveThumb() {
	r.stopAnimation()
	target := r.thumbPos(r.shownChecked)
	if r.size.IsZero() || !fyne.CurrentApp().Settings().ShowAnimations() {
		r.thumb.Move(target)
		return
	}
	start := r.thumb.Position()
	var a *fyne.Animation
	a = canvas.NewPositionAnimation(start, target, canvas.DurationShort, func(p fyne.Position) {
		if r.anim != a { // superseded or cancelled
			return
		}
		r.thumb.Move(p)
		r.thumb.Refresh()
	})
	r.anim = a
	a.Start()
}

func (r *slideSwitchRenderer) stopAnimation() {
	if a := r.anim; a != nil {
		r.anim = nil
		a.Stop()
	}
}

func (r *slideSwitchRenderer) applyColors() {
	th := r.sw.Theme()
	v := fyne.CurrentApp().Settings().ThemeVariant()
	c := func(n fyne.ThemeColorName) color.Color { return th.Color(n, v) }

	switch {
	case r.sw.Disabled() && r.sw.checked:
		// Locked on (e.g. multi-factor once activated): still reads as on.
		pr, pg, pb, _ := c(theme.ColorNamePrimary).RGBA()
		r.track.FillColor = color.NRGBA{R: uint8(pr >> 8), G: uint8(pg >> 8), B: uint8(pb >> 8), A: 0x80}
		r.thumb.FillColor = c(theme.ColorNameForegroundOnPrimary)
	case r.sw.Disabled():
		r.track.FillColor = c(theme.ColorNameDisabledButton)
		r.thumb.FillColor = c(theme.ColorNameDisabled)
	case r.sw.checked:
		r.track.FillColor = c(theme.ColorNamePrimary)
		r.thumb.FillColor = c(theme.ColorNameForegroundOnPrimary)
	default:
		r.track.FillColor = c(theme.ColorNameInputBorder)
		r.thumb.FillColor = c(theme.ColorNameForeground)
	}

	// Focused: the ring of every focused widget (focusring.go), a stroke
	// around the track, at least 3:1 against the page and the track.
	r.ring.StrokeWidth, r.ring.StrokeColor = 0, nil
	switch {
	case r.sw.Disabled():
		r.ring.FillColor = color.Transparent
	case r.sw.focused:
		r.ring.FillColor = color.Transparent
		r.ring.StrokeWidth, r.ring.StrokeColor = focusRingWidth, ringColorOf(th, v)
	case r.sw.hovered:
		r.ring.FillColor = c(theme.ColorNameHover)
	default:
		r.ring.FillColor = color.Transparent
	}
}
