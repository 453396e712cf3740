package rpc

import (
	"context"
	"fmt"
	"net"
	"net/http"
	"strings"
	"time"

	"connectrpc.com/connect"

	"github.com/apetitspas/apetitspas/app"
	"github.com/apetitspas/apetitspas/cmd/internal/rpc/gen/apetitspasv1/apetitspasv1connect"
)

// Addresses are "unix:/path/to/socket" (Linux, macOS) or "pipe:NAME"
// (Windows, \\.\pipe\NAME): one string for a configuration file or a flag.
func splitAddr(addr string) (network, where string, err error) {
	network, where, _ = strings.Cut(addr, ":")
	if (network != "unix" && network != "pipe") || where == "" {
		return "", "", fmt.Errorf("rpc: address %q: want unix:/path/to/socket or pipe:NAME", addr)
	}
	return network, where, nil
}

// Listen opens the service's end of addr. A socket is made readable and
// writable by everyone (0666): who may talk to the service is the business
// of the folder the caller prepared, and who talks is the operating
// system's answer, not the file's mode.
func Listen(addr string) (net.Listener, error) {
	network, where, err := splitAddr(addr)
	if err != nil {
		return nil, err
	}
	if network == "pipe" {
		return listenPipe(where)
	}
	return listenUnix(where)
}

// baseURL is the URL of the service for Connect: the host is never looked
// up, the dialer goes to the socket or the pipe.
const baseURL = "http://apetitspas.invalid"

// Dial returns an HTTP client whose every connection goes to addr, and the
// base URL to give Connect. It does not connect yet: a service that is down
// is an error of the first call.
func Dial(addr string) (*http.Client, string, error) {
	return dial(addr, h2c())
}

func dial(addr string, protocols *http.Protocols) (*http.Client, string, error) {
	network, where, err := splitAddr(addr)
	if err != nil {
		return nil, "", err
	}
	dialer := dialUnix
	if network == "pipe" {
		dialer = dialPipe
	}
	t := &http.Transport{
		DialContext: func(ctx context.Context, _, _ string) (net.Conn, error) {
			return dialer(ctx, where)
		},
		Protocols:       protocols,
		IdleConnTimeout: time.Minute,
	}
	return &http.Client{Transport: t}, baseURL, nil
}

// h2c is HTTP/2 without TLS, known beforehand: one connection carries
// every call of a window, side by side (a slow call does not hold up the
// others), and streams are there for the RPCs that will need them. TLS
// would prove nothing on a local socket that the peer credentials do not.
func h2c() *http.Protocols {
	p := new(http.Protocols)
	p.SetUnencryptedHTTP2(true)
	return p
}

// readMaxBytes bounds a request's message: the largest is an import file,
// which crosses cut at app.MaxImportBytes + 1 bytes (so that the service
// refuses it as too large, as in-process), with its token and code.
const readMaxBytes = app.MaxImportBytes + 1 + 4<<10

// NewHandler returns the service's API over api, and the path to mount it
// at. Every call is checked for its versions, then handed to api with the
// caller's OS account in its context (app.WithCaller) and the client's
// deadline; its error goes back as an *app.Error. Serve it with NewServer's
// server: the caller's account is read from the operating system when a
// connection is accepted, and a call that came another way is refused
// (os_user_unknown).
func NewHandler(api app.API, appVersion string) (string, http.Handler) {
	return newHandler(&service{Base: Base{AppVersion: appVersion}, api: api}, ours, api.Now)
}

func newHandler(svc apetitspasv1connect.ApetitsPasServiceHandler, v versions, now clock) (string, http.Handler) {
	return apetitspasv1connect.NewApetitsPasServiceHandler(svc,
		connect.WithInterceptors(serverInterceptor{v: v, now: now}),
		connect.WithReadMaxBytes(readMaxBytes))
}

// NewServer returns the service's HTTP server for api (NewHandler); serve
// it on Listen's listener. Each connection's peer is read from the
// operating system when it is accepted (ConnContext).
func NewServer(api app.API, appVersion string) *http.Server {
	path, h := NewHandler(api, appVersion)
	return newServer(path, h, nil)
}

func newServer(path string, h http.Handler, protocols *http.Protocols) *http.Server {
	mux := http.NewServeMux()
	mux.Handle(path, h)
	if protocols == nil {
		// HTTP/1.1 too: a technician can ask with curl --unix-socket.
		protocols = h2c()
		protocols.SetHTTP1(true)
	}
	return &http.Server{
		Handler:           mux,
		Protocols:         protocols,
		ConnContext:       withPeer,
		ReadHeaderTimeout: 10 * time.Second,
		IdleTimeout:       5 * time.Minute,
	}
}

// newConnectClient returns the generated client of the service at addr:
// every call carries this program's API versions, and its error is an
// *app.Error. offset, when not nil, learns the service's clock.
func newConnectClient(addr string, v versions, protocols *http.Protocols, offset *serviceClock) (apetitspasv1connect.ApetitsPasServiceClient, *http.Client, error) {
	hc, base, err := dial(addr, protocols)
	if err != nil {
		return nil, nil, err
	}
	return apetitspasv1connect.NewApetitsPasServiceClient(hc, base,
		connect.WithInterceptors(clientInterceptor{v: v, offset: offset}),
		// Nothing is compressed: on a local socket it costs time and
		// saves nothing (an encrypted backup does not compress anyway).
		connect.WithAcceptCompression("gzip", nil, nil)), hc, nil
}
