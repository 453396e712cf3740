package app_test

import (
	"context"
	"path/filepath"
	"sync"
	"testing"
	"time"

	"github.com/apetitspas/apetitspas/app"
	"github.com/apetitspas/apetitspas/data"
)

// fakeClock is the injected clock of the tests.
type fakeClock struct {
	mu sync.Mutex
	t  time.Time
}

func newClock() *fakeClock {
	return &fakeClock{t: time.Date(2026, 11, 26, 9, 0, 0, 0, time.UTC)}
}

func (c *fakeClock) Now() time.Time {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.t
}

func (c *fakeClock) Advance(d time.Duration) {
	c.mu.Lock()
	c.t = c.t.Add(d)
	c.mu.Unlock()
}

// env is a service over a real SQLite file with a fake clock.
type env struct {
	t     testing.TB
	path  string
	db    *data.DB
	svc   *app.Service
	tr    *app.Trusted
	clock *fakeClock
	keys  app.KeyRing
	ctx   context.Context
}

func newEnv(t testing.TB) *env {
	t.Helper()
	e := &env{t: t, path: filepath.Join(t.TempDir(), "apetitspas.db"), clock: newClock(), ctx: context.Background()}
	e.open()
	t.Cleanup(func() { e.db.Close() })
	return e
}

func (e *env) open() {
	e.t.Helper()
	db, err := data.Open(e.path)
	if err != nil {
		e.t.Fatalf("open %s: %v", e.path, err)
	}
	e.db = db
	if e.keys == nil {
		e.keys = data.NewKeyRing(filepath.Join(filepath.Dir(e.path), "keys"), false)
	}
	e.svc = app.New(app.Params{Store: db, Now: e.clock.Now, Keys: e.keys})
	e.tr = app.NewTrusted(e.svc)
}

// reopen closes the database and opens it again, like a restart.
func (e *env) reopen() {
	e.t.Helper()
	if err := e.db.Close(); err != nil {
		e.t.Fatal(err)
	}
	e.open()
}

const goodPassword = "bonjour-les-amis"

// addUser creates an account in one line.
func (e *env) addUser(role app.Role, email string) app.User {
	e.t.Helper()
	u, err := e.svc.CreateUserForTest(e.ctx, app.NewUser{Role: role, Email: email, Name: "Personne " + email, Password: goodPassword})
	if err != nil {
		e.t.Fatalf("create %s: %v", email, err)
	}
	return u
}

// user reads an account straight from the store.
func (e *env) user(email string) app.User {
	e.t.Helper()
	var u app.User
	err := e.db.View(e.ctx, func(tx app.Tx) error {
		var err error
		u, err = tx.UserByEmail(email)
		return err
	})
	if err != nil {
		e.t.Fatalf("user %s: %v", email, err)
	}
	return u
}

// events returns the journal's event codes, oldest first.
func (e *env) events(f app.AuditFilter) []string {
	e.t.Helper()
	evs, err := e.tr.Audit(e.ctx, f)
	if err != nil {
		e.t.Fatal(err)
	}
	out := make([]string, len(evs))
	for i, ev := range evs {
		out[len(evs)-1-i] = ev.Event
	}
	return out
}

func wantReason(t testing.TB, err error, reason string) {
	t.Helper()
	if got := app.ErrorReason(err); got != reason {
		t.Fatalf("error reason = %q (%v), want %q", got, err, reason)
	}
}

func count(list []string, s string) int {
	n := 0
	for _, x := range list {
		if x == s {
			n++
		}
	}
	return n
}

func asError(err error, target **app.Error) bool {
	e, ok := err.(*app.Error)
	if ok {
		*target = e
	}
	return ok
}
