package screens

import (
	"image/color"
	"sync"
	"time"
	"weak"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/canvas"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/theme"
	"fyne.io/fyne/v2/widget"
)

// The keyboard's focus is always in view: when it moves (Tab, a dialog
// closing), the scrolled page holding the focused widget scrolls to show
// it. Fyne has no focus-change hook and no public way up the tree, so:
//   - the page scrolls are made by newPageScroll, which keeps a note of
//     them (weak: a page thrown away is forgotten) with the application
//     they were made under: those of another application (a test's
//     earlier one, kept alive by Fyne's renderer cache, which only the
//     real driver empties) are dropped, since each costs reveal a walk of
//     the whole tree;
//   - our widgets (button, the switch, the kept check, the ring select)
//     call reveal from FocusGained; Fyne's own (the entries) are seen by
//     watchFocus, which looks at the canvas's focus a few times a second;
//   - the scroll holding a widget is the one whose content's rectangle
//     holds the widget's (driver.AbsolutePositionForObject), the
//     innermost first.

var pageScrolls struct {
	sync.Mutex
	list []pageScroll
}

type pageScroll struct {
	scroll weak.Pointer[container.Scroll]
	app    fyne.App
}

// livePageScrolls are the noted scrolls still alive and made under the
// current application, the others forgotten. Called with pageScrolls held.
func livePageScrolls() []pageScroll {
	cur := fyne.CurrentApp()
	live := pageScrolls.list[:0]
	for _, p := range pageScrolls.list {
		if p.app == cur && p.scroll.Value() != nil {
			live = append(live, p)
		}
	}
	clear(pageScrolls.list[len(live):])
	pageScrolls.list = live
	return live
}

// newPageScroll is container.NewVScroll (or NewScroll when both), noted
// so that the focus is kept in view in it.
func newPageScroll(content fyne.CanvasObject, both bool) *container.Scroll {
	var s *container.Scroll
	if both {
		s = container.NewScroll(content)
	} else {
		s = container.NewVScroll(content)
	}
	passWheel(content, s)
	pageScrolls.Lock()
	defer pageScrolls.Unlock()
	pageScrolls.list = append(livePageScrolls(), pageScroll{scroll: weak.Make(s), app: fyne.CurrentApp()})
	return s
}

// reveal scrolls the page scrolls holding obj so that it shows, the
// innermost first. Nothing when a dialog is up (the page under it stays
// where it is) or obj is not on show.
func reveal(obj fyne.CanvasObject) {
	if obj == nil || !obj.Visible() || fyne.CurrentApp() == nil {
		return
	}
	d := fyne.CurrentApp().Driver()
	c := d.CanvasForObject(obj)
	if c == nil || c.Overlays().Top() != nil {
		return
	}
	pageScrolls.Lock()
	var scrolls []*container.Scroll
	for _, p := range livePageScrolls() {
		if s := p.scroll.Value(); s != nil && s.Visible() && s.Content != nil {
			scrolls = append(scrolls, s)
		}
	}
	pageScrolls.Unlock()
	// Innermost first: the smallest content holding obj.
	done := map[*container.Scroll]bool{}
	for {
		var best *container.Scroll
		var bestArea float32
		at, size := d.AbsolutePositionForObject(obj), obj.Size()
		for _, s := range scrolls {
			if done[s] || d.CanvasForObject(s) != c {
				continue
			}
			cp, cs := d.AbsolutePositionForObject(s.Content), s.Content.Size()
			if at.X < cp.X || at.Y < cp.Y || at.X+size.Width > cp.X+cs.Width+1 || at.Y+size.Height > cp.Y+cs.Height+1 {
				continue
			}
			if a := cs.Width * cs.Height; best == nil || a < bestArea {
				best, bestArea = s, a
			}
		}
		if best == nil {
			return
		}
		done[best] = true
		scrollTo(best, at.Subtract(d.AbsolutePositionForObject(best.Content)), size)
	}
}

// scrollTo moves s's offset the least that shows the rectangle (pos, size)
// of its content, with a little room around it.
func scrollTo(s *container.Scroll, pos fyne.Position, size fyne.Size) {
	pad := theme.Padding() * 2
	view, content := s.Size(), s.Content.Size()
	off := s.Offset
	fit := func(o, p, l, v, c float32) float32 {
		switch {
		case l+2*pad > v || p-pad < o: // at the top (or too tall: its top)
			o = p - pad
		case p+l+pad > o+v:
			o = p + l + pad - v
		}
		return max(0, min(o, c-v))
	}
	if s.Direction != container.ScrollHorizontalOnly && s.Direction != container.ScrollNone {
		off.Y = fit(off.Y, pos.Y, size.Height, view.Height, content.Height)
	}
	if s.Direction == container.ScrollBoth || s.Direction == container.ScrollHorizontalOnly {
		off.X = fit(off.X, pos.X, size.Width, view.Width, content.Width)
	}
	s.ScrollToOffset(off)
}

// watchFocus keeps the focus of c in view a few times a second (the
// focus Fyne's own widgets gain tells nobody). Not in the tests, which
// call followFocus.
func (u *UI) watchFocus() {
	if u.queue != nil {
		return
	}
	go func() {
		t := time.NewTicker(150 * time.Millisecond)
		defer t.Stop()
		for range t.C {
			fyne.Do(u.followFocus)
		}
	}()
}

// followFocus reveals the canvas's focused widget when it changed since
// last time, or the window's size did.
func (u *UI) followFocus() {
	f, size := u.win.Canvas().Focused(), u.win.Canvas().Size()
	if f == u.lastFocus && size == u.lastSize {
		return
	}
	u.lastFocus, u.lastSize = f, size
	if o, ok := f.(fyne.CanvasObject); ok {
		reveal(o)
	}
}

// A single-line entry scrolls its text inside itself, and so takes the
// mouse wheel from the page around it (Fyne gives the wheel to the
// innermost scroll under the pointer). newPageScroll puts a transparent
// wheelCatcher over each such entry it finds in its content (through
// containers and cards): the wheel over a field scrolls the page; taps,
// drags and the cursor still reach the field, which the catcher does not
// want.
type wheelCatcher struct {
	widget.BaseWidget
	page *container.Scroll
}

func (w *wheelCatcher) Scrolled(ev *fyne.ScrollEvent) { w.page.Scrolled(ev) }

func (w *wheelCatcher) CreateRenderer() fyne.WidgetRenderer {
	return widget.NewSimpleRenderer(canvas.NewRectangle(color.Transparent))
}

func (w *wheelCatcher) MinSize() fyne.Size { return fyne.Size{} }

// passWheel puts a wheelCatcher over the single-line entries in o, for page.
func passWheel(o fyne.CanvasObject, page *container.Scroll) {
	switch o := o.(type) {
	case *fyne.Container:
		for i, child := range o.Objects {
			if singleLineEntry(child) {
				c := &wheelCatcher{page: page}
				c.ExtendBaseWidget(c)
				o.Objects[i] = container.NewStack(child, c)
				continue
			}
			passWheel(child, page)
		}
	case *widget.Card:
		if singleLineEntry(o.Content) {
			c := &wheelCatcher{page: page}
			c.ExtendBaseWidget(c)
			o.Content = container.NewStack(o.Content, c)
			return
		}
		passWheel(o.Content, page)
	}
}

func singleLineEntry(o fyne.CanvasObject) bool {
	switch e := o.(type) {
	case *widget.Entry:
		return !e.MultiLine
	case *dialogEntry:
		return !e.MultiLine
	}
	return false
}
