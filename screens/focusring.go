package screens

import (
	"image/color"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/canvas"
	"fyne.io/fyne/v2/theme"
	"fyne.io/fyne/v2/widget"
)

// The keyboard focus is drawn the same way on every widget that takes it
// (button, the dialogs' check box, the lists' selects, the slide switch):
// a ring of colorFocusRing around the widget, on the page, a gap away from
// it (1 px gap and 2 px stroke: 3 px, inside the 4 px of padding between
// two widgets). The ring's neighbours are then the page on both sides, whatever the
// widget's own colour (teal, red, grey), and it keeps at least 3:1 against
// every background of the theme (tested). Entries keep Fyne's focused
// border (the primary colour, 2 px), which is drawn on the field itself.
const (
	focusRingGap   = 1
	focusRingWidth = 2
)

// focusRingColor is the ring's colour in variant v: the app's own, under
// whatever theme is in use (Fyne's test theme has no such colour).
func focusRingColor(v fyne.ThemeVariant) color.Color { return paletteOf(v).focusRing }

// ringTheme is a theme that knows the ring's colour (the app's, and the
// gallery's forced variants of it).
type ringTheme interface {
	fyne.Theme
	ringColor(fyne.ThemeVariant) color.Color
}

func (appTheme) ringColor(v fyne.ThemeVariant) color.Color { return focusRingColor(v) }

// ringColorOf is the ring's colour under th in variant v.
func ringColorOf(th fyne.Theme, v fyne.ThemeVariant) color.Color {
	if rt, ok := th.(ringTheme); ok {
		return rt.ringColor(v)
	}
	return focusRingColor(v)
}

// ringRenderer is a widget's renderer with the focus ring added.
type ringRenderer struct {
	fyne.WidgetRenderer
	ring  *canvas.Rectangle
	owner fyne.Widget
	shown func() bool
}

// newRingRenderer wraps r, the renderer of owner; shown tells whether the
// ring is drawn (the owner has the focus and is enabled).
func newRingRenderer(r fyne.WidgetRenderer, owner fyne.Widget, shown func() bool) *ringRenderer {
	ring := canvas.NewRectangle(nil)
	ring.StrokeWidth = focusRingWidth
	ring.Hide()
	rr := &ringRenderer{WidgetRenderer: r, ring: ring, owner: owner, shown: shown}
	rr.style()
	return rr
}

func (r *ringRenderer) Layout(size fyne.Size) {
	r.WidgetRenderer.Layout(size)
	out := float32(focusRingGap + focusRingWidth)
	r.ring.Move(fyne.NewPos(-out, -out))
	r.ring.Resize(size.AddWidthHeight(2*out, 2*out))
}

func (r *ringRenderer) Objects() []fyne.CanvasObject {
	objs := r.WidgetRenderer.Objects()
	all := make([]fyne.CanvasObject, 0, len(objs)+1)
	return append(append(all, objs...), r.ring)
}

func (r *ringRenderer) Refresh() {
	r.WidgetRenderer.Refresh()
	r.style()
	r.ring.Refresh()
}

func (r *ringRenderer) style() {
	th := theme.CurrentForWidget(r.owner)
	v := fyne.CurrentApp().Settings().ThemeVariant()
	r.ring.FillColor = nil
	r.ring.StrokeColor = ringColorOf(th, v)
	r.ring.CornerRadius = th.Size(theme.SizeNameInputRadius) + focusRingGap + focusRingWidth
	r.ring.Hidden = !r.shown()
}

// ringSelect is widget.Select with the focus ring.
type ringSelect struct {
	widget.Select
	focused bool
}

// newSelect returns a select with options and changed, as widget.NewSelect.
func newSelect(options []string, changed func(string)) *ringSelect {
	s := &ringSelect{}
	s.Options, s.OnChanged = options, changed
	s.ExtendBaseWidget(s)
	return s
}

func (s *ringSelect) FocusGained() {
	s.focused = true
	s.Select.FocusGained()
	reveal(s)
}

func (s *ringSelect) FocusLost() {
	s.focused = false
	s.Select.FocusLost()
}

func (s *ringSelect) CreateRenderer() fyne.WidgetRenderer {
	return newRingRenderer(s.Select.CreateRenderer(), s, func() bool { return s.focused && !s.Disabled() })
}
