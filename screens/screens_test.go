package screens

import (
	"context"
	"path/filepath"
	"sync"
	"testing"
	"time"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/test"
	"fyne.io/fyne/v2/widget"

	apetitspas "github.com/apetitspas/apetitspas/app"
	"github.com/apetitspas/apetitspas/data"
)

// clock is the injected clock of the screen tests.
type clock struct {
	mu sync.Mutex
	t  time.Time
}

func (c *clock) Now() time.Time { c.mu.Lock(); defer c.mu.Unlock(); return c.t }
func (c *clock) Advance(d time.Duration) {
	c.mu.Lock()
	c.t = c.t.Add(d)
	c.mu.Unlock()
}

// harness is the real UI over a real database file, in a test window.
type harness struct {
	t     *testing.T
	svc   *apetitspas.Service
	store apetitspas.Store
	keys  apetitspas.KeyRing
	ui    *UI
	win   fyne.Window
	clock *clock
}

const pw = "bonjour-les-amis"

func newHarness(t *testing.T, setup func(svc *apetitspas.Service)) *harness {
	t.Helper()
	test.NewTempApp(t)
	db, err := data.Open(filepath.Join(t.TempDir(), "apetitspas.db"))
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { db.Close() })
	c := &clock{t: time.Date(2026, 11, 26, 9, 0, 0, 0, time.UTC)}
	keys := data.NewKeyRing(filepath.Join(t.TempDir(), "keys"), false)
	h := &harness{t: t, clock: c, store: db, keys: keys, svc: apetitspas.New(apetitspas.Params{Store: db, Now: c.Now, Keys: keys})}
	if setup != nil {
		setup(h.svc)
	}
	h.win = test.NewTempWindow(t, nil)
	h.win.Resize(fyne.NewSize(1000, 700))
	h.ui = New(h.svc, h.win)
	h.ui.runUIOnTestGoroutine()
	t.Cleanup(h.ui.idle.stop)
	h.ui.Start()
	return h
}

// withDaycare creates the first administrator and a few accounts.
func withDaycare(svc *apetitspas.Service) {
	ctx := context.Background()
	if _, err := svc.Setup(ctx, "CPE Les Lucioles", apetitspas.NewUser{Name: "Élodie D'Amour", Email: "elodie@lucioles.ca", Password: pw}, pw); err != nil {
		panic(err)
	}
	for _, n := range []apetitspas.NewUser{
		{Role: apetitspas.RoleParent, Name: "Anne Parent", Email: "anne@parents.ca", Password: pw},
		{Role: apetitspas.RoleEmployee, Name: "Karim Benali", Email: "karim@lucioles.ca", Password: pw},
	} {
		if _, err := svc.CreateUser(ctx, "test", n); err != nil {
			panic(err)
		}
	}
}

// typeInto focuses an entry and types text the way a keyboard does.
func (h *harness) typeInto(e *widget.Entry, text string) {
	h.win.Canvas().Focus(e)
	test.Type(e, text)
}

// signIn types credentials in the sign-in screen and presses the button.
func (h *harness) signIn(email, password string) {
	h.t.Helper()
	l := h.ui.Login
	if l == nil {
		h.t.Fatal("not on the sign-in screen")
	}
	l.email.SetText("") // like selecting the field's text before typing
	l.password.SetText("")
	h.typeInto(l.email, email)
	h.typeInto(l.password, password)
	test.Tap(l.button)
	h.ui.Wait()
}

func (h *harness) events(event string) int {
	evs, err := h.svc.Audit(context.Background(), apetitspas.AuditFilter{Event: event})
	if err != nil {
		h.t.Fatal(err)
	}
	return len(evs)
}
