package screens

import (
	"context"
	"time"

	"fyne.io/fyne/v2/widget"

	apetitspas "github.com/apetitspas/apetitspas/app"
)

// The computer's service stopped answering under a signed-in window (it
// was restarted, updated, or killed): the waiting screen covers the window
// (nothing can be done meanwhile, nothing is lost: what was on show stays
// under it), the window tries again every few seconds or at « Réessayer
// maintenant », and carries on when the service answers: where it was if
// the service still knows the sign-in, at the sign-in screen (« Votre
// session a pris fin ») if it restarted and forgot it.

// lostService is the waiting screen over a sign-in.
type lostService struct {
	wait   *ServerWait
	pop    *widget.PopUp
	token  string
	stop   chan struct{}
	trying bool
}

// lostRetry is how often the window tries the service again by itself.
const lostRetry = 5 * time.Second

// lostLater is told, on any goroutine, that a call for the sign-in of
// token found no service.
func (u *UI) lostLater(token string) {
	u.inflight.Add(1)
	u.do(func() {
		defer u.inflight.Add(-1)
		u.serviceLost(token)
	})
}

// serviceLost shows the waiting screen over the window while token is the
// sign-in on show (once).
func (u *UI) serviceLost(token string) {
	if u.handle == nil || u.handle.Token() != token || u.lost != nil {
		return
	}
	l := &lostService{token: token, stop: make(chan struct{})}
	l.wait = NewServerWait(&apetitspas.Error{Code: apetitspas.EUNAVAILABLE, Reason: apetitspas.ReasonServiceUnavailable},
		func() { u.lostTry(l) })
	c := u.win.Canvas()
	l.pop = widget.NewModalPopUp(l.wait.Content(), c)
	l.pop.Resize(c.Size())
	l.pop.Show()
	c.Focus(l.wait.retry)
	u.lost, u.serviceLostScreen = l, l.wait
	go func() {
		t := time.NewTicker(lostRetry)
		defer t.Stop()
		for {
			select {
			case <-l.stop:
				return
			case <-t.C:
				u.do(func() { u.lostTry(l) })
			}
		}
	}()
}

// lostTry asks the service again (off the UI goroutine): any answer, then
// the sign-in refreshed.
func (u *UI) lostTry(l *lostService) {
	if u.lost != l || l.trying {
		return
	}
	l.trying = true
	l.wait.Trying()
	h := u.handle
	u.background(func() error {
		ctx := context.Background()
		if _, err := u.api.NeedsSetup(ctx); err != nil {
			return err
		}
		return u.api.Refresh(ctx, h)
	}, func(err error) {
		l.trying = false
		if u.lost != l {
			return // the window moved on meanwhile (signed out, locked)
		}
		switch apetitspas.ErrorReason(err) {
		case apetitspas.ReasonServiceUnavailable:
			l.wait.Failed(err)
		case "":
			u.endLost() // where it was
		case apetitspas.ReasonSessionExpired:
			u.endLost() // the sign-in screen comes (the watched call said so)
		default:
			u.endLost()
			u.sessionEnded(err)
		}
	})
}

// endLost takes the waiting screen away.
func (u *UI) endLost() {
	l := u.lost
	if l == nil {
		return
	}
	close(l.stop)
	l.pop.Hide()
	u.lost, u.serviceLostScreen = nil, nil
}
