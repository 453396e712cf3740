package rpc

import (
	"context"
	"errors"
	"net/http"
	"os"
	"path/filepath"
	"runtime"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"connectrpc.com/connect"

	"github.com/apetitspas/apetitspas/app"
	"github.com/apetitspas/apetitspas/cmd/internal/rpc/gen/apetitspasv1"
	"github.com/apetitspas/apetitspas/cmd/internal/rpc/gen/apetitspasv1/apetitspasv1connect"
)

// serve starts svc on a socket in a fresh folder; the address is the
// client's.
func serve(t testing.TB, svc apetitspasv1connect.ApetitsPasServiceHandler) string {
	return serveAt(t, t.TempDir(), svc, ours, nil)
}

func serveAt(t testing.TB, dir string, svc apetitspasv1connect.ApetitsPasServiceHandler, v versions, protocols *http.Protocols) string {
	t.Helper()
	addr := testAddr(dir)
	l, err := Listen(addr)
	if err != nil {
		t.Fatal(err)
	}
	path, h := newHandler(svc, v, time.Now)
	srv := newServer(path, h, protocols)
	go srv.Serve(l)
	t.Cleanup(func() { srv.Close() })
	return addr
}

// testAddr is an address of its own: a socket in dir, or on Windows a
// pipe of a name never used before.
func testAddr(dir string) string {
	if runtime.GOOS == "windows" {
		return "pipe:apetitspas-test-" + strconv.Itoa(os.Getpid()) + "-" + strconv.FormatInt(pipes.Add(1), 10)
	}
	return "unix:" + filepath.Join(dir, "apetitspas.sock")
}

var pipes atomic.Int64

// client is the generated client of the service at addr, with the
// transport's interceptor.
func client(t testing.TB, addr string) apetitspasv1connect.ApetitsPasServiceClient {
	t.Helper()
	c, _, err := newConnectClient(addr, ours, h2c(), nil)
	if err != nil {
		t.Fatal(err)
	}
	return c
}

func hello() *apetitspasv1.HelloRequest {
	return &apetitspasv1.HelloRequest{ApiVersion: APIVersion, AppVersion: "test"}
}

// probe is a service that records what its handler saw and answers err
// when set.
type probe struct {
	Base
	err error

	mu   sync.Mutex
	seen []seen
}

type seen struct {
	caller      app.OSUser
	hasCaller   bool
	deadline    time.Time
	hasDeadline bool
}

func (p *probe) Hello(ctx context.Context, req *apetitspasv1.HelloRequest) (*apetitspasv1.HelloResponse, error) {
	var s seen
	s.caller, s.hasCaller = app.CallerOf(ctx)
	s.deadline, s.hasDeadline = ctx.Deadline()
	p.mu.Lock()
	p.seen = append(p.seen, s)
	p.mu.Unlock()
	if p.err != nil {
		return nil, p.err
	}
	return p.Base.Hello(ctx, req)
}

func (p *probe) calls() []seen {
	p.mu.Lock()
	defer p.mu.Unlock()
	return append([]seen(nil), p.seen...)
}

// appError asserts that err is an *app.Error with code and reason.
func appError(t *testing.T, err error, code, reason string) *app.Error {
	t.Helper()
	var ae *app.Error
	if !errors.As(err, &ae) {
		t.Fatalf("error %v (%T), want an *app.Error", err, err)
	}
	if ae.Code != code || ae.Reason != reason {
		t.Fatalf("error %v: want %s/%s", err, code, reason)
	}
	return ae
}

func TestHelloRoundTrip(t *testing.T) {
	c := client(t, serve(t, Base{AppVersion: "9.8.7"}))
	before := time.Now()
	res, err := c.Hello(t.Context(), hello())
	if err != nil {
		t.Fatal(err)
	}
	if res.GetApiVersion() != APIVersion || res.GetMinClientApiVersion() != MinClientAPIVersion || res.GetAppVersion() != "9.8.7" {
		t.Errorf("Hello = %v", res)
	}
	if now := res.GetNow().AsTime(); now.Before(before.Add(-time.Second)) || now.After(time.Now().Add(time.Second)) {
		t.Errorf("service's clock %v, the test's %v", now, before)
	}
}

// Versions that do not go together are refused before the handler runs,
// both ways, with the reason the window shows; versions that do go
// together are served even when they differ.
func TestVersionMismatch(t *testing.T) {
	for _, tc := range []struct {
		name            string
		service, client versions
		refused         string // a word of the detail, "" when served
	}{
		{"client too old", versions{api: 3, minClient: 2}, versions{api: 1, minService: 1}, "client API version 1"},
		{"service too old", versions{api: 1, minClient: 1}, versions{api: 2, minService: 2}, "service API version 1"},
		{"older client still accepted", versions{api: 3, minClient: 2}, versions{api: 2, minService: 1}, ""},
		{"newer client, old enough service", versions{api: 1, minClient: 1}, versions{api: 2, minService: 1}, ""},
	} {
		t.Run(tc.name, func(t *testing.T) {
			p := &probe{}
			c, _, err := newConnectClient(serveAt(t, t.TempDir(), p, tc.service, nil), tc.client, h2c(), nil)
			if err != nil {
				t.Fatal(err)
			}
			_, err = c.Hello(t.Context(), hello())
			if tc.refused == "" {
				if err != nil {
					t.Fatal(err)
				}
				return
			}
			ae := appError(t, err, app.EUNAVAILABLE, ReasonServiceVersion)
			if !strings.Contains(ae.Detail, tc.refused) {
				t.Errorf("detail %q, want %q in it", ae.Detail, tc.refused)
			}
			if n := len(p.calls()); n != 0 {
				t.Errorf("the handler ran %d times", n)
			}
		})
	}
}

// A request without the version headers (not our client) is refused too.
func TestRequestWithoutVersionRefused(t *testing.T) {
	p := &probe{}
	hc, base, err := Dial(serve(t, p))
	if err != nil {
		t.Fatal(err)
	}
	_, err = apetitspasv1connect.NewApetitsPasServiceClient(hc, base).Hello(t.Context(), hello())
	appError(t, fromConnect(err), app.EUNAVAILABLE, ReasonServiceVersion)
	if n := len(p.calls()); n != 0 {
		t.Errorf("the handler ran %d times", n)
	}
}

// A call whose connection's peer was not read (a handler served some
// other way) is refused, not served as nobody.
func TestCallWithoutPeerRefused(t *testing.T) {
	ran := false
	next := func(context.Context, connect.AnyRequest) (connect.AnyResponse, error) {
		ran = true
		return nil, nil
	}
	req := connect.NewRequest(&apetitspasv1.HelloRequest{})
	ours.setHeaders(req.Header())
	_, err := serverInterceptor{v: ours}.WrapUnary(next)(t.Context(), req)
	appError(t, fromConnect(err), app.EUNAUTHORIZED, ReasonOSUserUnknown)
	if ran {
		t.Error("the handler ran")
	}
}

// The client speaks HTTP/2 (without TLS) to the service.
func TestH2C(t *testing.T) {
	hc, base, err := Dial(serve(t, Base{}))
	if err != nil {
		t.Fatal(err)
	}
	res, err := hc.Get(base + "/")
	if err != nil {
		t.Fatal(err)
	}
	res.Body.Close()
	if res.ProtoMajor != 2 {
		t.Errorf("protocol %s, want HTTP/2", res.Proto)
	}
}
