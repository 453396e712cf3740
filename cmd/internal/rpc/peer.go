package rpc

import (
	"context"
	"errors"
	"net"

	"github.com/apetitspas/apetitspas/app"
)

// peerKey carries, in a connection's context, how to learn who is at the
// other end: set by ConnContext from the operating system, read by the
// server's interceptor. Nothing the client sends reaches it.
type peerKey struct{}

// peerFunc answers who is at the other end of one connection. On a socket
// the answer is known when the connection is accepted; on a pipe, only
// once the first bytes were read (Windows' rule), hence a function.
type peerFunc func() (app.OSUser, error)

// withPeer is the server's ConnContext.
func withPeer(ctx context.Context, c net.Conn) context.Context {
	return context.WithValue(ctx, peerKey{}, connPeer(c))
}

// peerOf returns the OS account at the other end of the request's
// connection; an error when the operating system did not say (or the
// request did not come through NewServer).
func peerOf(ctx context.Context) (app.OSUser, error) {
	f, ok := ctx.Value(peerKey{}).(peerFunc)
	if !ok {
		return app.OSUser{}, errors.New("rpc: the connection's peer was not read")
	}
	return f()
}
