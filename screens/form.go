package screens

import (
	"strings"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/canvas"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/lang"
	"fyne.io/fyne/v2/layout"
	"fyne.io/fyne/v2/widget"

	"github.com/apetitspas/apetitspas/assets"
)

// brand is the product's icon and name, centred, above the sign-in and
// first-run forms; sub (the daycare's name) goes under it when not empty.
func brand(sub string) fyne.CanvasObject {
	logo := canvas.NewImageFromResource(fyne.NewStaticResource("logo.png", assets.LogoPNG))
	logo.FillMode = canvas.ImageFillContain
	logo.SetMinSize(fyne.NewSquareSize(80))
	// A label, not a RichText: it is measured when first drawn, not when
	// made (a RichText costs about 10 ms before the first frame).
	name := widget.NewLabelWithStyle(lang.X("app.name", "À petits pas"), fyne.TextAlignCenter, fyne.TextStyle{Bold: true})
	name.SizeName = sizePageTitle
	box := container.NewVBox(container.NewCenter(logo), name)
	if sub != "" {
		box.Add(widget.NewLabelWithStyle(sub, fyne.TextAlignCenter, fyne.TextStyle{}))
	}
	return box
}

// centered shows a form of the given width in the middle of the window,
// scrolling when the window is too small.
func centered(form fyne.CanvasObject, width float32) fyne.CanvasObject {
	col := container.New(&fixedWidth{width: width}, form)
	return newPageScroll(container.NewCenter(col), false)
}

// fixedWidth lays out one object at a fixed width and its own height.
type fixedWidth struct{ width float32 }

func (f *fixedWidth) Layout(objs []fyne.CanvasObject, size fyne.Size) {
	for _, o := range objs {
		o.Resize(size)
		o.Move(fyne.NewPos(0, 0))
	}
}

func (f *fixedWidth) MinSize(objs []fyne.CanvasObject) fyne.Size {
	h := float32(0)
	for _, o := range objs {
		h = max(h, o.MinSize().Height)
	}
	return fyne.NewSize(f.width, h)
}

var _ fyne.Layout = (*fixedWidth)(nil)

// status is the line under a form that says what went wrong, or that the
// work is in progress (with an infinite progress bar).
type status struct {
	message  *widget.Label
	progress *widget.ProgressBarInfinite
}

func newStatus() *status {
	s := &status{message: widget.NewLabel(""), progress: widget.NewProgressBarInfinite()}
	s.message.Wrapping = fyne.TextWrapWord
	s.message.Hide()
	s.progress.Stop()
	s.progress.Hide()
	return s
}

func (s *status) busy() {
	s.message.Hide()
	s.progress.Show()
	s.progress.Start()
}

func (s *status) idle() {
	s.progress.Stop()
	s.progress.Hide()
}

func (s *status) error(text string) {
	s.idle()
	s.message.Importance = widget.DangerImportance
	s.message.SetText(text)
	s.message.Show()
}

func (s *status) info(text string) { s.show(text, widget.SuccessImportance) }

// show shows a line of the given importance (e.g. a neutral note).
func (s *status) show(text string, imp widget.Importance) {
	s.idle()
	s.message.Importance = imp
	s.message.SetText(elide(text))
	s.message.Show()
}

// area is the status's place on a form or in a dialog: the progress bar
// or the message, in a space kept for statusLines lines of text whether
// anything is shown or not, so that the buttons around it do not move
// under the mouse when a message appears (a centred form would otherwise
// shift up by half the message, a dialog's buttons down by all of it). A
// longer message still gets its room.
func (s *status) area() fyne.CanvasObject {
	return container.New(&reservedLayout{probe: widget.NewLabel(strings.Repeat("\n", statusLines-1))}, s.progress, s.message)
}

// statusLines is how many lines of a message a form keeps room for.
const statusLines = 2

// reservedLayout is a VBox at least as tall as its probe label.
type reservedLayout struct{ probe *widget.Label }

func (l *reservedLayout) MinSize(objs []fyne.CanvasObject) fyne.Size {
	size := layout.NewVBoxLayout().MinSize(objs)
	size.Height = max(size.Height, l.probe.MinSize().Height)
	return size
}

func (l *reservedLayout) Layout(objs []fyne.CanvasObject, size fyne.Size) {
	layout.NewVBoxLayout().Layout(objs, size)
}

// enable turns a set of widgets on or off while work is in progress.
func enable(on bool, ws ...fyne.Disableable) {
	for _, w := range ws {
		if on {
			w.Enable()
		} else {
			w.Disable()
		}
	}
}

// newEntry returns an entry that reports typing to the idle watch.
func (u *UI) newEntry(password bool) *widget.Entry {
	var e *widget.Entry
	if password {
		e = widget.NewPasswordEntry()
	} else {
		e = widget.NewEntry()
	}
	e.OnChanged = func(string) { u.idle.touch() }
	return e
}
