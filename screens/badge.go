package screens

import (
	"image/color"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/canvas"
	"fyne.io/fyne/v2/theme"
	"fyne.io/fyne/v2/widget"
)

// badge is a small coloured status ("AMF activée", "Verrouillé"): a tint
// of its theme colour behind the text, framed by the colour itself. The
// colour is a theme colour name (theme.ColorNameSuccess, Warning, Error,
// Disabled, Primary), so the application's theme decides the shade, in
// light and dark alike.
type badge struct {
	widget.BaseWidget
	text  string
	color fyne.ThemeColorName
}

func newBadge(text string, color fyne.ThemeColorName) *badge {
	b := &badge{text: text, color: color}
	b.ExtendBaseWidget(b)
	return b
}

// set changes the badge's text and colour.
func (b *badge) set(text string, color fyne.ThemeColorName) {
	if b.text == text && b.color == color {
		return
	}
	b.text, b.color = text, color
	b.Refresh()
}

func (b *badge) CreateRenderer() fyne.WidgetRenderer {
	r := &badgeRenderer{b: b, bg: canvas.NewRectangle(color.Transparent), label: canvas.NewText("", color.Black)}
	r.bg.StrokeWidth = 1
	r.label.TextStyle = fyne.TextStyle{Bold: true}
	r.Refresh()
	return r
}

type badgeRenderer struct {
	b     *badge
	bg    *canvas.Rectangle
	label *canvas.Text
}

// badgePadding is the room around a badge's text, horizontally and
// vertically.
func badgePadding() (float32, float32) { return theme.InnerPadding(), theme.Padding() / 2 }

func (r *badgeRenderer) Layout(size fyne.Size) {
	r.bg.Resize(size)
	r.bg.Move(fyne.NewPos(0, 0))
	ts := r.label.MinSize()
	r.label.Resize(ts)
	r.label.Move(fyne.NewPos((size.Width-ts.Width)/2, (size.Height-ts.Height)/2))
}

func (r *badgeRenderer) MinSize() fyne.Size {
	px, py := badgePadding()
	ts := r.label.MinSize()
	return fyne.NewSize(ts.Width+2*px, ts.Height+2*py)
}

func (r *badgeRenderer) Refresh() {
	v := fyne.CurrentApp().Settings().ThemeVariant()
	th := r.b.Theme()
	c := th.Color(r.b.color, v)
	cr, cg, cb, _ := c.RGBA()
	r.bg.FillColor = color.NRGBA{R: uint8(cr >> 8), G: uint8(cg >> 8), B: uint8(cb >> 8), A: 0x30}
	r.bg.StrokeColor = c
	r.bg.CornerRadius = th.Size(theme.SizeNameSelectionRadius)
	r.label.Text = r.b.text
	r.label.Color = th.Color(theme.ColorNameForeground, v)
	r.label.TextSize = th.Size(theme.SizeNameCaptionText)
	r.bg.Refresh()
	r.label.Refresh()
}

func (r *badgeRenderer) Objects() []fyne.CanvasObject { return []fyne.CanvasObject{r.bg, r.label} }
func (r *badgeRenderer) Destroy()                     {}

// badgeFlow lays badges left to right, going to the next line when the
// width is used up; a badge wider than the whole width is shrunk to it.
// Its minimum height is that of the lines it used at the width it was
// last given (one line before that); it asks for no width.
type badgeFlow struct{ width float32 }

func (f *badgeFlow) Layout(objs []fyne.CanvasObject, size fyne.Size) {
	f.width = size.Width
	placed, used := f.place(objs, size.Width, true)
	// In the middle of the height given.
	if off := (size.Height - used) / 2; off > 0 {
		for _, o := range placed {
			o.Move(o.Position().AddXY(0, off))
		}
	}
}

func (f *badgeFlow) MinSize(objs []fyne.CanvasObject) fyne.Size {
	if f.width <= 0 {
		var h float32
		for _, o := range objs {
			if o.Visible() {
				h = max(h, o.MinSize().Height)
			}
		}
		return fyne.NewSize(0, h)
	}
	_, used := f.place(objs, f.width, false)
	return fyne.NewSize(0, used)
}

// place lays the visible objects out in width (or only measures them)
// and returns them with the height used.
func (f *badgeFlow) place(objs []fyne.CanvasObject, width float32, move bool) ([]fyne.CanvasObject, float32) {
	gap := theme.Padding()
	x, y, line := float32(0), float32(0), float32(0)
	var placed []fyne.CanvasObject
	for _, o := range objs {
		if !o.Visible() {
			continue
		}
		m := o.MinSize()
		w := min(m.Width, width)
		if x > 0 && x+w > width {
			x, y, line = 0, y+line+gap, 0
		}
		if move {
			o.Resize(fyne.NewSize(w, m.Height))
			o.Move(fyne.NewPos(x, y))
		}
		placed = append(placed, o)
		x += w + gap
		line = max(line, m.Height)
	}
	return placed, y + line
}
