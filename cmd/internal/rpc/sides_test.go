//go:build cgo

// The tests over a real daycare need SQLite (go-sqlite3, through cgo): every
// real build of the app has cgo, but a cross-compiled go vet
// (GOOS=darwin go vet) does not.

package rpc

import (
	"context"
	"testing"

	"github.com/apetitspas/apetitspas/app"
	"github.com/apetitspas/apetitspas/data/datatest"
)

// side is one way of reaching one daycare's API.
type side struct {
	name string
	d    *datatest.Daycare
	api  app.API
	ctx  context.Context
	// other is the same service as another OS account; otherCtx its
	// context.
	other    app.API
	otherCtx context.Context
	// local is the service's own side.
	local *app.Local
}

// someoneElse is the OS account of the "other" sides.
var someoneElse = app.OSUser{Name: "someone-else"}

// me is the OS account the service sees for this test process, as the
// operating system tells it: asked once through a probe.
func me(t testing.TB) app.OSUser {
	t.Helper()
	p := &probe{}
	if _, err := client(t, serve(t, p)).Hello(t.Context(), hello()); err != nil {
		t.Fatal(err)
	}
	return p.calls()[0].caller
}

// newDaycare is the kit's daycare with quick hashing unless o says
// otherwise.
func newDaycare(t testing.TB, o datatest.Options) *datatest.Daycare {
	if o.Argon2 == (app.Argon2Params{}) {
		o.Argon2 = datatest.QuickArgon2
	}
	return datatest.NewDaycare(t, o)
}

// localSide is a daycare's API in-process, the caller's account in the
// context as a transport would put it.
func localSide(t testing.TB, o datatest.Options) *side { return localSideOf(t, newDaycare(t, o)) }

func localSideOf(t testing.TB, d *datatest.Daycare) *side {
	l := app.NewLocal(d.Svc, false)
	return &side{name: "local", d: d, api: l, local: l,
		ctx:   app.WithCaller(context.Background(), me(t)),
		other: l, otherCtx: app.WithCaller(context.Background(), someoneElse)}
}

// wireSide is a daycare's API through the service: a Client on a socket
// served by NewHandler over app.Local, and a second socket whose calls
// the service takes for someone else's.
func wireSide(t testing.TB, o datatest.Options) *side { return wireSideOf(t, newDaycare(t, o)) }

func wireSideOf(t testing.TB, d *datatest.Daycare) *side {
	l := app.NewLocal(d.Svc, false)
	path, h := NewHandler(l, "test")
	dir := t.TempDir()
	addr := serveHTTP(t, dir, "apetitspas.sock", path, h)
	other := serveHTTP(t, dir, "other.sock", path, asCaller(h, someoneElse))
	return &side{name: "wire", d: d, api: newTestClient(t, addr), local: l, ctx: context.Background(),
		other: newTestClient(t, other), otherCtx: context.Background()}
}
