package screens

import (
	"context"
	"strings"
	"sync/atomic"
	"testing"

	"fyne.io/fyne/v2/test"

	apetitspas "github.com/apetitspas/apetitspas/app"
)

// flakyAPI is a service that stops answering while down is set, as the
// client says when the service's process is gone.
type flakyAPI struct {
	apetitspas.API
	down atomic.Bool
}

func (f *flakyAPI) gone() error {
	return &apetitspas.Error{Code: apetitspas.EUNAVAILABLE, Reason: apetitspas.ReasonServiceUnavailable}
}

func (f *flakyAPI) NeedsSetup(ctx context.Context) (bool, error) {
	if f.down.Load() {
		return false, f.gone()
	}
	return f.API.NeedsSetup(ctx)
}

func (f *flakyAPI) Refresh(ctx context.Context, h *apetitspas.Handle) error {
	if f.down.Load() {
		return f.gone()
	}
	return f.API.Refresh(ctx, h)
}

// A service that stops answering under a signed-in window: the waiting
// screen covers it, tries again, and the window carries on where it was
// when the service comes back knowing the sign-in; after a restart that
// forgot it, at the sign-in screen with a calm line.
func TestAServiceLostUnderAWindowShowsTheWaitingScreenAndCarriesOn(t *testing.T) {
	h := newHarness(t, withEnrolledDirector)
	h.signInWithCode("elodie@lucioles.ca")
	shell := h.ui.shell
	if shell == nil {
		t.Fatal("not signed in")
	}
	flaky := &flakyAPI{API: h.api}
	h.ui.calls.api = flaky
	flaky.down.Store(true)
	if err := h.ui.api.Refresh(context.Background(), h.ui.handle); apetitspas.ErrorReason(err) != apetitspas.ReasonServiceUnavailable {
		t.Fatalf("refresh with the service down: %v", err)
	}
	h.ui.wait()
	w := h.ui.serviceLostScreen
	if w == nil || h.win.Canvas().Overlays().Top() == nil {
		t.Fatal("no waiting screen over the window")
	}
	if !strings.Contains(w.message.Text, "service") {
		t.Fatalf("the waiting screen says %q", w.message.Text)
	}
	// A try while it is still down: still waiting, the window unchanged.
	test.Tap(w.retry)
	h.ui.wait()
	if h.ui.serviceLostScreen != w || h.ui.shell != shell || h.ui.handle == nil {
		t.Fatal("a failed try changed the window")
	}
	// Back, knowing the sign-in: where it was.
	flaky.down.Store(false)
	test.Tap(w.retry)
	h.ui.wait()
	if h.ui.serviceLostScreen != nil || h.ui.shell != shell || h.ui.handle == nil || h.win.Canvas().Overlays().Top() != nil {
		t.Fatal("the window did not carry on where it was")
	}

	// Restarted: the service forgot the sign-in.
	restarted := &flakyAPI{API: apetitspas.NewLocal(h.svc, true)}
	h.ui.calls.api = restarted
	restarted.down.Store(true)
	_ = h.ui.api.Refresh(context.Background(), h.ui.handle)
	h.ui.wait()
	if h.ui.serviceLostScreen == nil {
		t.Fatal("no waiting screen the second time")
	}
	restarted.down.Store(false)
	test.Tap(h.ui.serviceLostScreen.retry)
	h.ui.wait()
	if h.ui.serviceLostScreen != nil || h.ui.login == nil || h.ui.handle != nil ||
		h.ui.login.status.message.Text != "Votre session a pris fin. Reconnectez-vous pour continuer." {
		t.Fatal("after a restart: the sign-in screen with its line")
	}
	if h.win.Canvas().Overlays().Top() != nil {
		t.Fatal("the waiting screen stayed over the sign-in")
	}
}
