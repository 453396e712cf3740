package rpc

import (
	"context"
	"errors"

	"connectrpc.com/connect"

	"github.com/apetitspas/apetitspas/app"
)

// serverInterceptor runs before every handler: versions, then the caller,
// then the handler, whose error goes out as a Connect error with our
// detail.
type serverInterceptor struct{ v versions }

func (s serverInterceptor) WrapUnary(next connect.UnaryFunc) connect.UnaryFunc {
	return func(ctx context.Context, req connect.AnyRequest) (connect.AnyResponse, error) {
		if err := s.v.checkClient(req.Header()); err != nil {
			return nil, toConnect(err)
		}
		u, err := peerOf(ctx)
		if err != nil {
			return nil, toConnect(&app.Error{Code: app.EUNAUTHORIZED, Reason: ReasonOSUserUnknown, Err: err})
		}
		res, err := next(app.WithCaller(ctx, u), req)
		if err != nil {
			return nil, toConnect(err)
		}
		return res, nil
	}
}

// WrapStreamingHandler refuses: no RPC streams yet, and the first one
// must get the checks of WrapUnary before it can be served.
func (serverInterceptor) WrapStreamingHandler(connect.StreamingHandlerFunc) connect.StreamingHandlerFunc {
	return func(context.Context, connect.StreamingHandlerConn) error {
		return connect.NewError(connect.CodeUnimplemented, errors.New("rpc: streaming calls are not checked yet"))
	}
}

func (serverInterceptor) WrapStreamingClient(next connect.StreamingClientFunc) connect.StreamingClientFunc {
	return next
}

// clientInterceptor writes the client's versions on every call and turns
// its error into an *app.Error.
type clientInterceptor struct{ v versions }

func (c clientInterceptor) WrapUnary(next connect.UnaryFunc) connect.UnaryFunc {
	return func(ctx context.Context, req connect.AnyRequest) (connect.AnyResponse, error) {
		c.v.setHeaders(req.Header())
		res, err := next(ctx, req)
		if err != nil {
			return nil, fromConnect(err)
		}
		return res, nil
	}
}

// WrapStreamingClient writes the versions too; the errors of a stream
// will need fromConnect with the first streaming RPC.
func (c clientInterceptor) WrapStreamingClient(next connect.StreamingClientFunc) connect.StreamingClientFunc {
	return func(ctx context.Context, spec connect.Spec) connect.StreamingClientConn {
		conn := next(ctx, spec)
		c.v.setHeaders(conn.RequestHeader())
		return conn
	}
}

func (clientInterceptor) WrapStreamingHandler(next connect.StreamingHandlerFunc) connect.StreamingHandlerFunc {
	return next
}
