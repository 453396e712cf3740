package screens

import (
	"context"
	"sync"
	"time"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/driver/desktop"
	"fyne.io/fyne/v2/widget"

	apetitspas "github.com/apetitspas/apetitspas/app"
)

// idleWatch returns a signed-in session to the sign-in screen after the
// idle delay (setting idle_minutes, 10 by default) without input.
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
}

func newIdleWatch(u *UI) *idleWatch { return &idleWatch{u: u} }

// touch records activity now.
func (w *idleWatch) touch() {
	w.mu.Lock()
	w.last = w.u.svc.Now()
	w.mu.Unlock()
}

// start begins watching a new session.
func (w *idleWatch) start() {
	w.stop()
	d, _ := w.u.svc.IdleTimeout(context.Background())
	w.mu.Lock()
	w.timeout = d
	w.last = w.u.svc.Now()
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

// idleTick is how often the idle delay is checked.
const idleTick = 5 * time.Second

func (w *idleWatch) stop() {
	w.mu.Lock()
	defer w.mu.Unlock()
	if w.ticker != nil {
		w.ticker.Stop()
		close(w.quit)
		w.ticker, w.quit = nil, nil
	}
}

// check locks the session when the delay has passed; it runs on the UI
// goroutine. Tests call it after moving the fake clock.
func (w *idleWatch) check() {
	w.mu.Lock()
	expired := w.ticker != nil && w.u.svc.Now().Sub(w.last) >= w.timeout
	w.mu.Unlock()
	if expired && w.u.sess != nil {
		w.u.Logout(apetitspas.EventIdleLock)
	}
}

// wrap puts the activity layer under c.
func (w *idleWatch) wrap(c fyne.CanvasObject) fyne.CanvasObject {
	return container.NewStack(newActivityLayer(w.touch), c)
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
