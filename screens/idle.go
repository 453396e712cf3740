package screens

import (
	"context"
	"sync"
	"time"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/canvas"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/driver/desktop"
	"fyne.io/fyne/v2/lang"
	"fyne.io/fyne/v2/theme"
	"fyne.io/fyne/v2/widget"

	apetitspas "github.com/apetitspas/apetitspas/app"
)

// idleWatch returns a signed-in session to the sign-in screen after the
// idle delay (setting idle_minutes, 10 by default) without input. For the
// last idleWarning it shows, at the bottom of the window, a countdown
// that any input cancels.
//
// Fyne has no global input hook, so activity is seen three ways: a
// transparent layer under every screen sees the pointer moving or tapping
// over empty areas, entries report typing, and every action of ours
// (buttons, menu) calls touch.
type idleWatch struct {
	u *UI

	mu      sync.Mutex
	last    time.Time
	timeout time.Duration
	ticker  *time.Ticker
	quit    chan struct{}
	// byHand: no ticker; the tests call check after moving their fake
	// clock (a real ticker reading a fake clock locks at a moment the
	// test does not choose, on a busy machine before the test's own
	// step).
	byHand bool
	// active: a session is being watched (start, until stop).
	active bool

	// warning is the countdown bar (hidden until idleWarning is left),
	// warningText its sentence.
	warning     *fyne.Container
	warningText *widget.Label
}

// idleWarning is how long before the lock the countdown shows.
const idleWarning = 30 * time.Second

func newIdleWatch(u *UI) *idleWatch { return &idleWatch{u: u} }

// touch records activity now; a countdown on show goes away at the next
// check (within a second). It runs on the UI goroutine.
//
// The service locks a session on its own, idle since its last call (not
// since the person's last move): when nothing was asked of it for more
// than keepAlive, touch tells it the person is there (Refresh, in the
// background).
func (w *idleWatch) touch() {
	now := w.u.api.Now()
	w.mu.Lock()
	w.last = now
	running := w.active
	w.mu.Unlock()
	if running && now.Sub(w.u.calls.lastCall()) > keepAlive {
		w.u.stillHere()
	}
}

// keepAlive is how long a person may be active without the window telling
// the service (1 minute, the shortest idle lock idle_minutes allows: the
// idle watch covers the rest, see check).
const keepAlive = 60 * time.Second

// stillHere calls Refresh in the background, one at a time: the service's
// idle lock counts from now. A disabled or changed account ends the
// session, as any call would; a session the service already ended sends
// the window to the sign-in screen (watchedAPI).
func (u *UI) stillHere() {
	h := u.handle
	if h == nil || u.refreshing == h {
		return
	}
	u.refreshing = h
	u.readWork(func(h *apetitspas.Handle) error {
		return u.api.Refresh(context.Background(), h)
	}, func(err error) {
		u.refreshing = nil
		if sessionOver(u.handle, err) {
			u.sessionEnded(err)
		}
	})
}

// start begins watching a new session.
func (w *idleWatch) start() {
	w.stop()
	d, _ := w.u.api.IdleTimeout(context.Background())
	w.mu.Lock()
	w.timeout = d
	w.last = w.u.api.Now()
	w.active = true
	if w.byHand {
		w.mu.Unlock()
		return
	}
	w.ticker = time.NewTicker(idleTick)
	w.quit = make(chan struct{})
	ticker, quit := w.ticker, w.quit
	w.mu.Unlock()
	go func() {
		for {
			select {
			case <-ticker.C:
				w.u.do(w.check)
			case <-quit:
				return
			}
		}
	}()
}

// idleTick is how often the idle delay is checked (the countdown's step).
const idleTick = time.Second

func (w *idleWatch) stop() {
	w.mu.Lock()
	defer w.mu.Unlock()
	w.active = false
	if w.ticker != nil {
		w.ticker.Stop()
		close(w.quit)
		w.ticker, w.quit = nil, nil
	}
}

// check locks the session when the delay has passed, and shows or hides
// the countdown before; it runs on the UI goroutine. Tests call it after
// moving the fake clock.
func (w *idleWatch) check() {
	now := w.u.api.Now()
	w.mu.Lock()
	left := w.timeout - now.Sub(w.last)
	last, timeout := w.last, w.timeout
	running := w.active
	w.mu.Unlock()
	if !running || w.u.handle == nil {
		w.hideWarning()
		return
	}
	// The service's lock counts from the last call, up to keepAlive
	// before the person's last move: when it comes near while she moved
	// since, tell the service, so that it never locks before the window
	// does (and a move during the countdown always keeps her in).
	if lastCall := w.u.calls.lastCall(); left > 0 && last.After(lastCall) && timeout-now.Sub(lastCall) <= idleWarning {
		w.u.stillHere()
	}
	switch {
	case left <= 0:
		w.hideWarning()
		w.u.logout(apetitspas.EventIdleLock)
	case left <= idleWarning:
		w.showWarning(int((left + time.Second - 1) / time.Second))
	default:
		w.hideWarning()
	}
}

func (w *idleWatch) showWarning(seconds int) {
	if w.warning == nil {
		return
	}
	w.warningText.SetText(lang.X("idle.warning", "Sans activité, votre session sera verrouillée dans {{.Seconds}}\u00a0s. Bougez la souris ou appuyez sur une touche pour continuer.",
		map[string]any{"Seconds": seconds}))
	if !w.warning.Visible() {
		w.warning.Show()
	}
}

func (w *idleWatch) hideWarning() {
	if w.warning != nil && w.warning.Visible() {
		w.warning.Hide()
	}
}

// wrap puts the activity layer under c and the countdown bar over its
// bottom (over the page rather than pushing it: nothing moves).
func (w *idleWatch) wrap(c fyne.CanvasObject) fyne.CanvasObject {
	w.warningText = widget.NewLabel("")
	w.warningText.Wrapping = fyne.TextWrapWord
	w.warningText.Importance = widget.WarningImportance
	bg := canvas.NewRectangle(theme.Color(theme.ColorNameOverlayBackground))
	bar := container.NewStack(bg, container.NewBorder(nil, nil, widget.NewIcon(theme.WarningIcon()), nil, w.warningText))
	w.warning = container.NewBorder(nil, container.NewVBox(widget.NewSeparator(), bar), nil, nil)
	w.warning.Hide()
	return container.NewStack(newActivityLayer(w.touch), c, w.warning)
}

// activityLayer is an invisible widget that reports pointer activity over
// the parts of the window no other widget handles.
type activityLayer struct {
	widget.BaseWidget
	onActivity func()
}

func newActivityLayer(onActivity func()) *activityLayer {
	l := &activityLayer{onActivity: onActivity}
	l.ExtendBaseWidget(l)
	return l
}

func (l *activityLayer) CreateRenderer() fyne.WidgetRenderer {
	return widget.NewSimpleRenderer(container.NewWithoutLayout())
}

func (l *activityLayer) Tapped(*fyne.PointEvent)        { l.onActivity() }
func (l *activityLayer) MouseIn(*desktop.MouseEvent)    { l.onActivity() }
func (l *activityLayer) MouseMoved(*desktop.MouseEvent) { l.onActivity() }
func (l *activityLayer) MouseOut()                      {}
