package rpc

import (
	"context"
	"errors"
	"io"
	"net/http"
	"sync"
	"time"

	"connectrpc.com/connect"

	"github.com/apetitspas/apetitspas/app"
)

// serverInterceptor runs before every handler, unary or streaming:
// versions, then the caller, then the handler, whose error goes out as a
// Connect error with our detail. Every answer carries the service's clock
// (HeaderServiceTime).
type serverInterceptor struct {
	v   versions
	now clock
}

// admit is the checks every call passes before its handler runs: the
// context it gets carries the caller's OS account.
func (s serverInterceptor) admit(ctx context.Context, h http.Header) (context.Context, error) {
	if err := s.v.checkClient(h); err != nil {
		return nil, err
	}
	u, err := peerOf(ctx)
	if err != nil {
		return nil, &app.Error{Code: app.EUNAUTHORIZED, Reason: ReasonOSUserUnknown, Err: err}
	}
	return app.WithCaller(ctx, u), nil
}

// refuse is err as the wire carries it, with the service's clock.
func (s serverInterceptor) refuse(err error) error {
	err = toConnect(err)
	if ce := new(connect.Error); errors.As(err, &ce) {
		s.now.stamp(ce.Meta())
	}
	return err
}

func (s serverInterceptor) WrapUnary(next connect.UnaryFunc) connect.UnaryFunc {
	return func(ctx context.Context, req connect.AnyRequest) (connect.AnyResponse, error) {
		ctx, err := s.admit(ctx, req.Header())
		if err != nil {
			return nil, s.refuse(err)
		}
		res, err := next(ctx, req)
		if err != nil {
			return nil, s.refuse(err)
		}
		s.now.stamp(res.Header())
		return res, nil
	}
}

// WrapStreamingHandler gives a stream the checks of WrapUnary: nothing
// is read or sent before the versions and the caller were checked.
func (s serverInterceptor) WrapStreamingHandler(next connect.StreamingHandlerFunc) connect.StreamingHandlerFunc {
	return func(ctx context.Context, conn connect.StreamingHandlerConn) error {
		ctx, err := s.admit(ctx, conn.RequestHeader())
		if err != nil {
			return s.refuse(err)
		}
		if err := next(ctx, &stampedConn{StreamingHandlerConn: conn, now: s.now}); err != nil {
			return s.refuse(err)
		}
		return nil
	}
}

func (serverInterceptor) WrapStreamingClient(next connect.StreamingClientFunc) connect.StreamingClientFunc {
	return next
}

// stampedConn writes the service's clock into a stream's headers when
// they go, with its first message.
type stampedConn struct {
	connect.StreamingHandlerConn
	now  clock
	once sync.Once
}

func (c *stampedConn) Send(msg any) error {
	c.once.Do(func() { c.now.stamp(c.ResponseHeader()) })
	return c.StreamingHandlerConn.Send(msg)
}

// clientInterceptor writes the client's versions on every call, learns
// the service's clock from every answer (when offset is set), and turns
// every error into an *app.Error, keeping a refusal's view for the call
// (captureView).
type clientInterceptor struct {
	v      versions
	offset *serviceClock
}

// defaultCallTimeout bounds a unary call whose context has no deadline: a
// service that hangs (alive, never answering) comes back as
// service_unavailable (the window's waiting screen) instead of freezing
// the window. Generous: the slowest unary call is audit verify over a
// large journal. The streams (import, backups, key export) have none.
var defaultCallTimeout = 5 * time.Minute

func (c clientInterceptor) WrapUnary(next connect.UnaryFunc) connect.UnaryFunc {
	return func(ctx context.Context, req connect.AnyRequest) (connect.AnyResponse, error) {
		if _, ok := ctx.Deadline(); !ok {
			var cancel context.CancelFunc
			ctx, cancel = context.WithTimeout(ctx, defaultCallTimeout)
			defer cancel()
		}
		c.v.setHeaders(req.Header())
		res, err := next(ctx, req)
		if err != nil {
			return nil, c.fail(ctx, err)
		}
		c.offset.learn(res.Header())
		return res, nil
	}
}

// fail is the client's side of an error.
func (c clientInterceptor) fail(ctx context.Context, err error) error {
	if ce := new(connect.Error); errors.As(err, &ce) {
		c.offset.learn(ce.Meta())
	}
	captureView(ctx, err)
	return fromConnect(err)
}

// WrapStreamingClient writes the versions and gives a stream's errors
// the treatment of WrapUnary's.
func (c clientInterceptor) WrapStreamingClient(next connect.StreamingClientFunc) connect.StreamingClientFunc {
	return func(ctx context.Context, spec connect.Spec) connect.StreamingClientConn {
		conn := next(ctx, spec)
		c.v.setHeaders(conn.RequestHeader())
		return &clientConn{StreamingClientConn: conn, ctx: ctx, c: c}
	}
}

func (clientInterceptor) WrapStreamingHandler(next connect.StreamingHandlerFunc) connect.StreamingHandlerFunc {
	return next
}

// clientConn is a stream's client side: its errors (not the io.EOF of
// its normal end) as *app.Error.
type clientConn struct {
	connect.StreamingClientConn
	ctx     context.Context
	c       clientInterceptor
	learned bool
}

func (s *clientConn) Send(msg any) error {
	err := s.StreamingClientConn.Send(msg)
	if err != nil && !errors.Is(err, io.EOF) {
		return s.c.fail(s.ctx, err)
	}
	return err
}

func (s *clientConn) Receive(msg any) error {
	err := s.StreamingClientConn.Receive(msg)
	if err == nil && !s.learned {
		s.learned = true
		s.c.offset.learn(s.ResponseHeader())
	}
	if err != nil && !errors.Is(err, io.EOF) {
		return s.c.fail(s.ctx, err)
	}
	return err
}
