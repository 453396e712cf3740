package main

import (
	"encoding/json"
	"errors"
	"os"
	"path/filepath"
	"sync"
	"time"

	"fyne.io/fyne/v2"
	"github.com/go-gl/glfw/v3.3/glfw"
)

// The window opens at most 90 % of the screen's work area (never below
// what its content needs: Fyne holds that limit), centred the first
// time; its size and place are kept per OS account in window.json under
// the account's configuration folder (apetitspas/), owner-only, written
// when the window closes and a second after it stops moving. A place
// that is on no screen now (a monitor unplugged) is forgotten: centred.
//
// Fyne 2.7 has no monitor API. GLFW, under Fyne's driver, has one (work
// areas, window position); its calls run on the main thread, with the
// window's *glfw.Window reached as the current context inside the
// driver's RunWithContext (withGLFW). Without it (another driver, the
// tests) the window is only centred by Fyne.

// windowPlace is what is kept: the size in Fyne units (the same on a
// screen with another scale), the position in screen coordinates (those
// of the monitors' work areas), and whether the window was maximised. A
// maximised window keeps the size and place it had before, so that it
// comes back maximised and un-maximises to where it was.
type windowPlace struct {
	X, Y          int
	Width, Height float32
	Maximized     bool `json:",omitempty"`
}

// keptPlace is what to keep from the window as it is now (cur, read
// from the window, with whether it is maximised) given the place it had
// when last not maximised (normal): a maximised window keeps its normal
// place, marked maximised. It also returns the normal place to remember.
func keptPlace(cur windowPlace, maximized bool, normal windowPlace) (keep, nextNormal windowPlace) {
	cur.Maximized = false
	if !maximized {
		return cur, cur
	}
	if normal.Width <= 0 || normal.Height <= 0 {
		// Maximised since it opened with nothing kept: its own size
		// would reopen it full-screen un-maximised; keep none.
		normal = windowPlace{}
	}
	keep = normal
	keep.Maximized = true
	return keep, normal
}

// rect is a monitor's work area, in screen coordinates.
type rect struct{ X, Y, W, H int }

// defaultWindowSize is the size asked when nothing is kept (then at most
// 90 % of the work area).
var defaultWindowSize = fyne.NewSize(1000, 700)

// fitWindow decides the window's size (Fyne units) and position (screen
// coordinates) from the kept place (nil the first time), the monitors'
// work areas (the primary first) and the canvas scale. The size is at
// most 90 % of the work area of the monitor it shows on; a kept position
// whose title bar is on no work area now is forgotten: centred on the
// primary monitor.
func fitWindow(kept *windowPlace, areas []rect, scale float32) (size fyne.Size, x, y int) {
	size = defaultWindowSize
	if kept != nil && kept.Width > 0 && kept.Height > 0 {
		size = fyne.NewSize(kept.Width, kept.Height)
	}
	if scale <= 0 {
		scale = 1
	}
	if len(areas) == 0 {
		return size, 0, 0
	}
	area, centre := areas[0], true
	if kept != nil {
		if a, ok := titleBarOn(*kept, size, areas, scale); ok {
			area, centre = a, false
		}
	}
	size.Width = min(size.Width, float32(area.W)*0.9/scale)
	size.Height = min(size.Height, float32(area.H)*0.9/scale)
	w, h := int(size.Width*scale), int(size.Height*scale)
	if centre {
		return size, area.X + (area.W-w)/2, area.Y + (area.H-h)/2
	}
	// Kept, but moved back inside the work area if it now overflows it.
	x = max(area.X, min(kept.X, area.X+area.W-w))
	y = max(area.Y, min(kept.Y, area.Y+area.H-h))
	return size, x, y
}

// fitOf is the kept place fitWindow starts from: none for a window kept
// maximised with no normal place (it is centred, then maximised).
func fitOf(kept *windowPlace) *windowPlace {
	if kept != nil && kept.Width <= 0 {
		return nil
	}
	return kept
}

// titleBarOn is the work area holding the top of the kept window (a strip
// 40 units high, at least 100 units of it wide): where the window can
// still be taken by its title bar.
func titleBarOn(p windowPlace, size fyne.Size, areas []rect, scale float32) (rect, bool) {
	w, h := int(size.Width*scale), int(40*scale)
	need := int(min(100, size.Width) * scale)
	for _, a := range areas {
		ix := min(p.X+w, a.X+a.W) - max(p.X, a.X)
		iy := min(p.Y+h, a.Y+a.H) - max(p.Y, a.Y)
		if ix >= need && iy > 0 {
			return a, true
		}
	}
	return rect{}, false
}

// placeFile is window.json in the account's configuration folder.
func placeFile() (string, error) {
	dir, err := os.UserConfigDir()
	if err != nil {
		return "", err
	}
	return filepath.Join(dir, "apetitspas", "window.json"), nil
}

// readPlace reads the kept place; nil when there is none or it is unreadable.
func readPlace(path string) *windowPlace {
	b, err := os.ReadFile(path)
	if err != nil {
		return nil
	}
	var p windowPlace
	if json.Unmarshal(b, &p) != nil {
		return nil
	}
	onlyMaximized := p.Maximized && p.Width == 0 && p.Height == 0
	if !onlyMaximized && (p.Width <= 0 || p.Height <= 0 || p.Width > 1e5 || p.Height > 1e5) {
		return nil
	}
	return &p
}

// writePlace keeps p in path, readable by its owner only (the folder too
// when it is made here), replaced whole.
func writePlace(path string, p windowPlace) error {
	if err := os.MkdirAll(filepath.Dir(path), 0o700); err != nil {
		return err
	}
	b, err := json.Marshal(p)
	if err != nil {
		return err
	}
	tmp, err := os.CreateTemp(filepath.Dir(path), ".window.*.tmp")
	if err != nil {
		return err
	}
	defer os.Remove(tmp.Name())
	if err := tmp.Chmod(0o600); err != nil && !errors.Is(err, errors.ErrUnsupported) {
		tmp.Close()
		return err
	}
	if _, err := tmp.Write(b); err != nil {
		tmp.Close()
		return err
	}
	if err := tmp.Close(); err != nil {
		return err
	}
	return os.Rename(tmp.Name(), path)
}

// withGLFW runs f with the window's GLFW window, on the main thread (the
// caller's goroutine must be it: main before Run, or inside fyne.Do).
// false when the driver is not GLFW's or the window is not made yet.
func withGLFW(w fyne.Window, f func(*glfw.Window)) bool {
	rc, ok := w.(interface{ RunWithContext(func()) })
	if !ok {
		return false
	}
	done := false
	rc.RunWithContext(func() {
		if win := glfw.GetCurrentContext(); win != nil {
			f(win)
			done = true
		}
	})
	return done
}

// workAreas lists the monitors' work areas, the primary first.
func workAreas() []rect {
	var out []rect
	primary := glfw.GetPrimaryMonitor()
	if primary != nil {
		x, y, w, h := primary.GetWorkarea()
		out = append(out, rect{x, y, w, h})
	}
	for _, m := range glfw.GetMonitors() {
		if m == primary {
			continue
		}
		x, y, w, h := m.GetWorkarea()
		out = append(out, rect{x, y, w, h})
	}
	return out
}

// windowKeeper keeps the window's place while it is open.
type windowKeeper struct {
	w    fyne.Window
	path string
	mu   sync.Mutex
	last windowPlace // last seen
	kept windowPlace // last written
	// normal is the place the window had when last not maximised (main
	// thread only).
	normal windowPlace
}

// placeWindow sizes and places w (already shown, on the main thread, before
// the app runs) from what was kept, then keeps its place: a second after
// it stops moving or resizing, and when it closes.
func placeWindow(w fyne.Window) {
	path, err := placeFile()
	if err != nil {
		w.CenterOnScreen()
		return
	}
	kept := readPlace(path)
	if kept != nil && kept.Width > 0 {
		w.Resize(fyne.NewSize(kept.Width, kept.Height))
	}
	k := &windowKeeper{w: w, path: path}
	placed := withGLFW(w, func(win *glfw.Window) {
		size, x, y := fitWindow(fitOf(kept), workAreas(), w.Canvas().Scale())
		w.Resize(size)
		win.SetPos(x, y)
		k.normal = windowPlace{X: x, Y: y, Width: size.Width, Height: size.Height}
		if kept != nil && kept.Maximized {
			win.Maximize()
		}
	})
	if !placed {
		w.CenterOnScreen()
		return
	}
	if kept != nil {
		k.kept = *kept
	}
	k.last, _ = k.read()
	w.SetOnClosed(func() {
		if p, ok := k.read(); ok {
			k.save(p)
		}
	})
	go k.watch()
}

// read is the window's place now (on the main thread).
func (k *windowKeeper) read() (windowPlace, bool) {
	var p windowPlace
	ok := withGLFW(k.w, func(win *glfw.Window) {
		if win.GetAttrib(glfw.Iconified) == glfw.True {
			return
		}
		s := k.w.Canvas().Size()
		var cur windowPlace
		cur.X, cur.Y = win.GetPos()
		cur.Width, cur.Height = s.Width, s.Height
		if cur.Width <= 0 || cur.Height <= 0 {
			return
		}
		p, k.normal = keptPlace(cur, win.GetAttrib(glfw.Maximized) == glfw.True, k.normal)
	})
	return p, ok && (p.Maximized || p.Width > 0 && p.Height > 0)
}

// save writes p unless it is what was written last.
func (k *windowKeeper) save(p windowPlace) {
	k.mu.Lock()
	defer k.mu.Unlock()
	if p == k.kept {
		return
	}
	if writePlace(k.path, p) == nil {
		k.kept = p
	}
}

// watch looks at the window's place each second; a place that stays the
// same a second after a change is written (a drag or a resize writes
// once, when it ends).
func (k *windowKeeper) watch() {
	t := time.NewTicker(time.Second)
	defer t.Stop()
	changed := false
	for range t.C {
		var p windowPlace
		ok := false
		fyne.DoAndWait(func() { p, ok = k.read() })
		if !ok {
			continue
		}
		switch {
		case p != k.last:
			k.last, changed = p, true
		case changed:
			changed = false
			k.save(p)
		}
	}
}
