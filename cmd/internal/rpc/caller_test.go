//go:build linux || darwin

package rpc

import (
	"os"
	"os/user"
	"testing"

	"github.com/apetitspas/apetitspas/app"
)

// The handler's caller is this test's own account, as the kernel says.
func TestCallerIsThisProcess(t *testing.T) {
	p := &probe{}
	if _, err := client(t, serve(t, p)).Hello(t.Context(), hello()); err != nil {
		t.Fatal(err)
	}
	me, err := user.Current()
	if err != nil {
		t.Fatal(err)
	}
	got := p.calls()[0]
	if want := (app.OSUser{Name: me.Username, Elevated: os.Geteuid() == 0}); !got.hasCaller || got.caller != want {
		t.Errorf("caller %+v (%v), want %+v", got.caller, got.hasCaller, want)
	}
}
