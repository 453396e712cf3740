package rpc

import (
	"context"
	"errors"
	"fmt"
	"testing"
	"time"

	"connectrpc.com/connect"

	"github.com/apetitspas/apetitspas/app"
	"github.com/apetitspas/apetitspas/cmd/internal/rpc/gen/apetitspasv1"
)

// Every app code crosses the wire and comes back the same *app.Error,
// less its cause; the wire's own code is Connect's nearest.
func TestAppErrorsCrossTheWire(t *testing.T) {
	until := time.Date(2031, 5, 6, 7, 8, 9, 123456789, time.Local)
	for _, tc := range []struct {
		err  *app.Error
		wire connect.Code
	}{
		{&app.Error{Code: app.EINVALID, Reason: app.ReasonCSVInvalid, Line: 42, Detail: "column 3"}, connect.CodeInvalidArgument},
		{&app.Error{Code: app.EUNAUTHORIZED, Reason: app.ReasonAccountLocked, Until: until}, connect.CodeUnauthenticated},
		{&app.Error{Code: app.EFORBIDDEN, Reason: app.ReasonNotAdmin}, connect.CodePermissionDenied},
		{&app.Error{Code: app.EUNAUTHORIZED, Reason: app.ReasonCodeWrong, Skew: -255 * time.Second}, connect.CodeUnauthenticated},
		{&app.Error{Code: app.ENOTFOUND, Reason: app.ReasonUserNotFound, Detail: "a@b.ca"}, connect.CodeNotFound},
		{&app.Error{Code: app.ECONFLICT, Reason: app.ReasonEmailTaken}, connect.CodeAlreadyExists},
		{&app.Error{Code: app.EUNAVAILABLE, Reason: app.ReasonMFAKeyMissing}, connect.CodeUnavailable},
		{&app.Error{Code: app.EINTERNAL, Reason: app.ReasonStorage, Err: errors.New("disk full at /secret/path")}, connect.CodeInternal},
	} {
		t.Run(tc.err.Reason, func(t *testing.T) {
			if got := connect.CodeOf(toConnect(tc.err)); got != tc.wire {
				t.Errorf("wire code %v, want %v", got, tc.wire)
			}
			// Wrapped, as a service's method may return it.
			_, err := client(t, serve(t, &probe{err: fmt.Errorf("doing: %w", tc.err)})).Hello(t.Context(), hello())
			ae := appError(t, err, tc.err.Code, tc.err.Reason)
			if !ae.Until.Equal(tc.err.Until) || ae.Line != tc.err.Line || ae.Detail != tc.err.Detail || ae.Skew != tc.err.Skew {
				t.Errorf("came back %+v, sent %+v", ae, tc.err)
			}
			if ae.Err != nil {
				t.Errorf("the cause crossed: %v", ae.Err)
			}
		})
	}
}

// A foreign error (a bug) comes back as app reads it, internal and
// "storage", without its words.
func TestForeignErrorKeepsItsWords(t *testing.T) {
	_, err := client(t, serve(t, &probe{err: errors.New("open /var/lib/secret: permission denied")})).Hello(t.Context(), hello())
	ae := appError(t, err, app.EINTERNAL, app.ReasonStorage)
	if ae.Detail != "" || ae.Err != nil {
		t.Errorf("the foreign error's words crossed: %+v", ae)
	}
}

// The client's deadline is the handler's; a call past it comes back as
// the service not answering, and still as a deadline.
func TestDeadlinePassesThrough(t *testing.T) {
	p := &probe{}
	c := client(t, serve(t, p))
	ctx, cancel := context.WithTimeout(t.Context(), time.Minute)
	defer cancel()
	want, _ := ctx.Deadline()
	if _, err := c.Hello(ctx, hello()); err != nil {
		t.Fatal(err)
	}
	if _, err := c.Hello(t.Context(), hello()); err != nil {
		t.Fatal(err)
	}
	// The header carries the time left, in milliseconds: the service's
	// deadline is the client's give or take the trip.
	calls := p.calls()
	if d := calls[0].deadline.Sub(want); !calls[0].hasDeadline || d < -5*time.Second || d > time.Second {
		t.Errorf("the handler's deadline %v (%v), the client's %v", calls[0].deadline, calls[0].hasDeadline, want)
	}
	// A call without a deadline gets the client's default one.
	if d := time.Until(calls[1].deadline); !calls[1].hasDeadline || d > defaultCallTimeout || d < defaultCallTimeout-time.Minute {
		t.Errorf("a call without a deadline: %v (%v), want about %v from now", calls[1].deadline, calls[1].hasDeadline, defaultCallTimeout)
	}

	slow := &slowService{}
	ctx, cancel = context.WithTimeout(t.Context(), 100*time.Millisecond)
	defer cancel()
	_, err := client(t, serve(t, slow)).Hello(ctx, hello())
	appError(t, err, app.EUNAVAILABLE, ReasonServiceUnavailable)
	if !errors.Is(err, context.DeadlineExceeded) {
		t.Errorf("%v is not a deadline", err)
	}
}

// The service's copy of the deadline may run out a moment before the
// client's own (it is sent as time left, and the trip takes some): the
// answer then comes over the wire as deadline_exceeded, and must still
// read as a deadline on the client's side, as when the client's ran out
// first. Canceled likewise.
func TestADeadlineTheServiceSawIsStillADeadline(t *testing.T) {
	for _, tc := range []struct {
		sent error
		want error
	}{
		{context.DeadlineExceeded, context.DeadlineExceeded},
		{fmt.Errorf("reading the rows: %w", context.DeadlineExceeded), context.DeadlineExceeded},
		{context.Canceled, context.Canceled},
	} {
		_, err := client(t, serve(t, &probe{err: tc.sent})).Hello(t.Context(), hello())
		appError(t, err, app.EUNAVAILABLE, ReasonServiceUnavailable)
		if !errors.Is(err, tc.want) {
			t.Errorf("the service answered %v; the client read %v, which is not %v", tc.sent, err, tc.want)
		}
	}
}

// A service that hangs (alive, never answering) under a call without a
// deadline: the client's default one ends it as the service not
// answering, instead of freezing the window.
func TestAHungServiceEndsAtTheDefaultDeadline(t *testing.T) {
	old := defaultCallTimeout
	defaultCallTimeout = 200 * time.Millisecond
	t.Cleanup(func() { defaultCallTimeout = old })
	_, err := client(t, serve(t, &slowService{})).Hello(t.Context(), hello())
	appError(t, err, app.EUNAVAILABLE, ReasonServiceUnavailable)
}

// slowService answers when its call's context ends.
type slowService struct{ Base }

func (slowService) Hello(ctx context.Context, _ *apetitspasv1.HelloRequest) (*apetitspasv1.HelloResponse, error) {
	<-ctx.Done()
	return nil, ctx.Err()
}

// A service that is not there, or stopped between two calls, is
// "service_unavailable" (and one that died leaving its socket:
// TestStaleSocketIsServiceDown).
func TestServiceDown(t *testing.T) {
	addr := testAddr(t.TempDir())
	_, err := client(t, addr).Hello(t.Context(), hello())
	appError(t, err, app.EUNAVAILABLE, ReasonServiceUnavailable)

	l, err := Listen(addr)
	if err != nil {
		t.Fatal(err)
	}
	path, h := newHandler(Base{}, ours, time.Now)
	srv := newServer(path, h, nil)
	go srv.Serve(l)
	c := client(t, addr)
	if _, err := c.Hello(t.Context(), hello()); err != nil {
		t.Fatal(err)
	}
	srv.Close()
	_, err = c.Hello(t.Context(), hello())
	appError(t, err, app.EUNAVAILABLE, ReasonServiceUnavailable)
}
