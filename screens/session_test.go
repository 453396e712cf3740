package screens

import (
	"context"
	"reflect"
	"sync/atomic"
	"testing"
	"time"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/driver/desktop"
	"fyne.io/fyne/v2/widget"

	apetitspas "github.com/apetitspas/apetitspas/app"
	"github.com/apetitspas/apetitspas/data/datatest"
)

// Sessions live in the service: it ends one idle since its last call, or
// older than app.MaxSessionAge, whatever the window thinks. These tests
// move the kit's fake clock, which the service and the window share.

// moveMouse moves the pointer over the window, where no widget handles it
// (the idle watch's activity layer, under every screen, sees it).
func (h *harness) moveMouse() {
	h.t.Helper()
	c, ok := h.win.Content().(*fyne.Container)
	if !ok || len(c.Objects) == 0 {
		h.t.Fatal("no screen")
	}
	layer, ok := c.Objects[0].(*activityLayer)
	if !ok {
		h.t.Fatalf("the window's first layer is %T", c.Objects[0])
	}
	layer.MouseMoved(&desktop.MouseEvent{})
}

// countingAPI counts the Refresh calls the window makes.
type countingAPI struct {
	apetitspas.API
	refreshes atomic.Int32
}

func (c *countingAPI) Refresh(ctx context.Context, h *apetitspas.Handle) error {
	c.refreshes.Add(1)
	return c.API.Refresh(ctx, h)
}

// countRefreshes makes the UI's calls go through a countingAPI (the same
// in-process API, sessions kept).
func (h *harness) countRefreshes() *countingAPI {
	h.t.Helper()
	h.ui.wait()
	c := &countingAPI{API: h.api}
	h.ui.calls.api = c
	return c
}

// alive reports whether the service still knows the window's sign-in.
func (h *harness) alive() bool {
	h.t.Helper()
	hd := h.ui.handle
	if hd == nil {
		return false
	}
	_, err := h.api.Overview(context.Background(), snapshot(hd))
	return err == nil
}

// wantSessionEnded checks the window is back on the sign-in screen with
// the calm line of a session the service ended, the e-mail field empty
// (the next person at a shared computer does not see who was there).
func (h *harness) wantSessionEnded(email string) {
	h.t.Helper()
	l := h.ui.login
	if l == nil || h.ui.handle != nil {
		h.t.Fatal("not back on the sign-in screen")
	}
	msg := l.status.message
	if msg.Text != "Votre session a pris fin. Reconnectez-vous pour continuer." || msg.Importance != widget.MediumImportance || !msg.Visible() {
		h.t.Fatalf("message = %q (importance %v)", msg.Text, msg.Importance)
	}
	if l.email.Text != "" {
		h.t.Fatalf("e-mail = %q: %s's address left for the next person", l.email.Text, email)
	}
}

func TestAPersonMovingTheMouseForAnHourWithNoOtherCallIsNotLockedOut(t *testing.T) {
	h := newHarness(t, withDaycare)
	h.signIn("anne@parents.ca", pw)
	calls := h.countRefreshes()
	for i := 1; i <= 120; i++ {
		h.clock.Advance(30 * time.Second)
		h.moveMouse()
		h.ui.wait()
		h.ui.idle.check()
		if h.ui.shell == nil {
			t.Fatalf("locked out after %v of moving the mouse", time.Duration(i)*30*time.Second)
		}
	}
	if !h.alive() {
		t.Fatal("the service ended the session of a person who was there")
	}
	// Told about once a minute and a half (a move more than a minute
	// after the last call), not at every move.
	if n := calls.refreshes.Load(); n < 30 || n > 61 {
		t.Fatalf("%d refreshes in an hour", n)
	}
	if h.events(apetitspas.EventIdleLock) != 0 {
		t.Fatal("an idle lock was journaled")
	}
	// Without moving, the window locks after the idle delay as before.
	h.clock.Advance(10 * time.Minute)
	h.ui.idle.check()
	if h.ui.login == nil || h.events(apetitspas.EventIdleLock) != 1 {
		t.Fatal("ten minutes without moving should lock")
	}
}

func TestAMoveDuringTheCountdownAlwaysKeepsThePersonIn(t *testing.T) {
	h := newHarness(t, withDaycare)
	h.signIn("anne@parents.ca", pw)
	// A move 59 s after the last call asks nothing of the service: its
	// idle lock would fall before the window's.
	h.clock.Advance(59 * time.Second)
	h.moveMouse()
	h.ui.wait()
	for !h.ui.idle.warning.Visible() {
		h.clock.Advance(idleTick)
		h.ui.idle.check()
		h.ui.wait()
		if h.ui.shell == nil {
			t.Fatal("locked before the countdown")
		}
	}
	h.moveMouse()
	h.ui.wait()
	h.ui.idle.check()
	if h.ui.shell == nil || h.ui.idle.warning.Visible() {
		t.Fatal("a move during the countdown should keep her in, the countdown gone")
	}
	if !h.alive() {
		t.Fatal("the service ended the session before the window's countdown")
	}
}

func TestASessionTheServiceEndedSendsTheWindowBackToTheSignInScreen(t *testing.T) {
	h := newHarness(t, withDaycare)
	p := h.openUsers()
	// Past the idle delay with no idle check on the window's side (the
	// computer slept, say): the service ended the session on its own.
	h.clock.Advance(10*time.Minute + time.Second)
	p.load() // a call, as a refreshed list makes
	h.ui.wait()
	h.wantSessionEnded("elodie@lucioles.ca")
	if h.events(apetitspas.EventIdleLock) != 1 {
		t.Fatalf("%d idle locks journaled", h.events(apetitspas.EventIdleLock))
	}
	// She signs in again as usual.
	h.signIn("elodie@lucioles.ca", pw)
	if h.ui.shell == nil || !h.alive() {
		t.Fatal("signing in again did not work")
	}
}

func TestAMoveAfterTheServiceEndedTheSessionSendsTheWindowBackToTheSignInScreen(t *testing.T) {
	h := newHarness(t, withDaycare)
	h.signIn("anne@parents.ca", pw)
	h.clock.Advance(11 * time.Minute)
	h.moveMouse() // the service is told she is back: it says the session is over
	h.ui.wait()
	h.wantSessionEnded("anne@parents.ca")
}

func TestASessionOlderThanTwelveHoursEndsEvenWithSomeoneThere(t *testing.T) {
	h := newHarness(t, func(h *harness) {
		withDaycare(h)
		if err := h.svc.SetIdleMinutes(context.Background(), h.session("elodie@lucioles.ca"), 240); err != nil {
			h.t.Fatal(err)
		}
	})
	h.signIn("anne@parents.ca", pw)
	for elapsed := time.Duration(0); elapsed < apetitspas.MaxSessionAge; elapsed += time.Hour {
		if h.ui.shell == nil {
			t.Fatalf("ended after %v", elapsed)
		}
		h.clock.Advance(time.Hour)
		h.moveMouse()
		h.ui.wait()
		h.ui.idle.check()
	}
	h.wantSessionEnded("anne@parents.ca")
}

func TestAnAccountDisabledMeanwhileEndsTheSessionAtTheNextMove(t *testing.T) {
	h := newHarness(t, withDaycare)
	h.signIn("anne@parents.ca", pw)
	if err := h.svc.SetDisabled(context.Background(), h.session("elodie@lucioles.ca"), "anne@parents.ca", true, ""); err != nil {
		t.Fatal(err)
	}
	h.clock.Advance(2 * time.Minute)
	h.moveMouse()
	h.ui.wait()
	l := h.ui.login
	if l == nil || h.ui.handle != nil {
		t.Fatal("a disabled account stayed signed in")
	}
	if want := ErrorText(&apetitspas.Error{Reason: apetitspas.ReasonAccountDisabled}); l.status.message.Text != want {
		t.Fatalf("message = %q, want %q", l.status.message.Text, want)
	}
}

// Every method of app.API that acts for a sign-in goes through the
// watch: a handle the service no longer knows sends the window back to
// the sign-in screen, whatever the call.
func TestEveryCallForASignInIsWatched(t *testing.T) {
	kit := datatest.NewDaycare(t, datatest.Options{Argon2: testArgon2})
	local := apetitspas.NewLocal(kit.Svc, true)
	var ended []string
	w := newWatchedAPI(local, func(token string) { ended = append(ended, token) })
	dead := apetitspas.NewHandle("plus-valide", apetitspas.HandleView{})
	handleType := reflect.TypeOf(dead)
	ctxType := reflect.TypeOf((*context.Context)(nil)).Elem()
	api := reflect.TypeOf((*apetitspas.API)(nil)).Elem()
	watched := reflect.ValueOf(w)
	n := 0
	for i := 0; i < api.NumMethod(); i++ {
		m := api.Method(i)
		var args []reflect.Value
		takesHandle := false
		for j := 0; j < m.Type.NumIn(); j++ {
			switch in := m.Type.In(j); in {
			case handleType:
				args, takesHandle = append(args, reflect.ValueOf(dead)), true
			case ctxType:
				args = append(args, reflect.ValueOf(context.Background()))
			default:
				args = append(args, reflect.Zero(in))
			}
		}
		if !takesHandle {
			continue
		}
		n++
		ended = nil
		out := watched.MethodByName(m.Name).Call(args)
		err, _ := out[len(out)-1].Interface().(error)
		if m.Name == "Logout" {
			if len(ended) != 0 {
				t.Errorf("Logout: a sign-out is not an ended session")
			}
			continue
		}
		if apetitspas.ErrorReason(err) != apetitspas.ReasonSessionExpired {
			t.Errorf("%s: %v, want the session ended", m.Name, err)
		}
		if len(ended) != 1 || ended[0] != "plus-valide" {
			t.Errorf("%s: the window is not told the session ended (%q)", m.Name, ended)
		}
	}
	if n < 40 {
		t.Fatalf("only %d methods take a handle: the scan is broken", n)
	}

	// A call for a live sign-in notes when it began.
	hd, err := w.Login(context.Background(), "nobody@lucioles.ca", pw)
	if err == nil || hd != nil || !w.lastCall().IsZero() {
		t.Fatalf("a refused sign-in is no call for a sign-in: %v", err)
	}
	if _, err := kit.Trusted.Setup(context.Background(), "CPE", apetitspas.NewUser{Name: "Élodie", Email: "elodie@lucioles.ca", Password: pw}, pw); err != nil {
		t.Fatal(err)
	}
	if hd, err = w.Login(context.Background(), "elodie@lucioles.ca", pw); err != nil {
		t.Fatal(err)
	}
	if !w.lastCall().Equal(kit.Clock.Now()) {
		t.Fatalf("a sign-in is a call: last call %v, want %v", w.lastCall(), kit.Clock.Now())
	}
	ended = nil
	kit.Clock.Advance(time.Minute)
	if _, err := w.Overview(context.Background(), hd); err != nil || !w.lastCall().Equal(kit.Clock.Now()) {
		t.Fatalf("last call %v, want %v (%v)", w.lastCall(), kit.Clock.Now(), err)
	}
	if len(ended) != 0 {
		t.Fatalf("a live sign-in was reported ended: %q", ended)
	}
}
