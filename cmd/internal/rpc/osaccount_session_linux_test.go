//go:build cgo

package rpc

import (
	"context"
	"testing"

	"github.com/apetitspas/apetitspas/app"
	"github.com/apetitspas/apetitspas/data/datatest"
)

// A session made by one real OS account (root) is refused to another (a
// throwaway account) holding its token, and stays the owner's. As TestCallerIsTheOSAccount: root only,
// APETITSPAS_OS_USERS=1 (make rpc-os-users).
func TestSessionOfOneOSAccountRefusedToAnother(t *testing.T) {
	name, uid, gid := throwawayAccount(t)
	dir, bin := sharedDir(t)

	d := newDaycare(t, datatest.Options{})
	path, h := NewHandler(app.NewLocal(d.Svc, false), "test")
	addr := serveHTTP(t, dir, "apetitspas.sock", path, h)
	s := &side{name: "root", d: d, api: newTestClient(t, addr), ctx: context.Background()}
	admin := signedInAdmin(t, s)

	if out, err := runAs(dir, bin, uid, gid, "^TestChildUsesToken$", childAddr+"="+addr, childToken+"="+admin.Token()); err != nil {
		t.Fatalf("the client as %s: %v\n%s", name, err, out)
	} else if testing.Verbose() {
		t.Logf("as %s:\n%s", name, out)
	}
	if err := s.api.Refresh(s.ctx, admin); err != nil {
		t.Fatalf("the owner lost her session: %v", err)
	}
	if _, err := s.api.Users(s.ctx, admin, app.UserFilter{}); err != nil {
		t.Fatal(err)
	}
}
