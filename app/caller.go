package app

import "context"

// callerKey carries, in a context, who runs the client that called: the
// operating system's account, as the operating system told the service
// (peer credentials of a local socket, a named pipe client's token),
// never as the client said. The transport sets it; the in-process client
// sets its own process's account.
type callerKey struct{}

// WithCaller returns ctx carrying the operating system account of the
// caller.
func WithCaller(ctx context.Context, u OSUser) context.Context {
	return context.WithValue(ctx, callerKey{}, u)
}

// CallerOf returns the operating system account a context carries; ok is
// false when no transport said who called (then nobody is the computer's
// administrator).
func CallerOf(ctx context.Context) (u OSUser, ok bool) {
	u, ok = ctx.Value(callerKey{}).(OSUser)
	return u, ok
}
