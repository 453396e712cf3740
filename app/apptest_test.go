package app_test

import (
	"context"
	"testing"

	"github.com/apetitspas/apetitspas/app"
	"github.com/apetitspas/apetitspas/data"
	"github.com/apetitspas/apetitspas/data/datatest"
)

// env is the kit's daycare (data/datatest) under the short names the
// tests of this package use.
type env struct {
	t     testing.TB
	kit   *datatest.Daycare
	path  string
	db    *data.DB
	svc   *app.Service
	tr    *app.Trusted
	clock *datatest.Clock
	keys  app.KeyRing
	ctx   context.Context
}

// newEnv is a daycare with cheap password hashing: tests do not measure
// argon2id (under the race detector on a busy machine, the real cost made
// this package pass Go's 10-minute limit). Benchmarks, and the tests that
// are about the real cost (newEnvRealCost), keep it.
func newEnv(t testing.TB) *env {
	t.Helper()
	if _, bench := t.(*testing.B); bench {
		return newEnvRealCost(t)
	}
	e := &env{t: t, kit: datatest.NewDaycare(t, datatest.Options{Argon2: datatest.QuickArgon2}), ctx: context.Background()}
	e.sync()
	return e
}

// newEnvRealCost is a daycare hashing at the app's own cost.
func newEnvRealCost(t testing.TB) *env {
	t.Helper()
	e := &env{t: t, kit: datatest.NewDaycare(t, datatest.Options{}), ctx: context.Background()}
	e.sync()
	return e
}

// sync takes the kit's current database and services.
func (e *env) sync() {
	k := e.kit
	e.path, e.db, e.svc, e.tr, e.clock, e.keys = k.Path, k.DB, k.Svc, k.Trusted, k.Clock, k.Keys
}

// reopen closes the database and opens it again, like a restart.
func (e *env) reopen() {
	e.t.Helper()
	e.kit.Reopen()
	e.sync()
}

const goodPassword = datatest.Password

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

// sqliteOnly marks a test about the SQLite file itself: it runs in the
// SQLite pass of `make test`, not in the PostgreSQL one.
func sqliteOnly(t testing.TB) {
	t.Helper()
	if datatest.Postgres() {
		t.Skip("about the SQLite file: run in the SQLite pass")
	}
}
