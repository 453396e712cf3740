package rpc

import (
	"context"
	"errors"
	"fmt"
	"io"
	"net"
	"syscall"

	"connectrpc.com/connect"
	"github.com/apetitspas/apetitspas/app"
	"github.com/apetitspas/apetitspas/cmd/internal/rpc/gen/apetitspasv1"
)

// connectCodes: the Connect code of each app code, for whatever reads the
// wire without our detail (logs, curl); our client reads the detail.
var connectCodes = map[string]connect.Code{
	app.EINVALID:      connect.CodeInvalidArgument,
	app.EUNAUTHORIZED: connect.CodeUnauthenticated,
	app.EFORBIDDEN:    connect.CodePermissionDenied,
	app.ENOTFOUND:     connect.CodeNotFound,
	app.ECONFLICT:     connect.CodeAlreadyExists,
	app.EUNAVAILABLE:  connect.CodeUnavailable,
	app.EINTERNAL:     connect.CodeInternal,
}

// toConnect is the service's side: what a handler returned, as a Connect
// error whose detail is the *app.Error without its cause (and, for a call
// acting for a sign-in, the view the service has of it after the refusal:
// a second detail, see withView). A foreign error (a bug: package app wraps
// its own) goes as app's reading of it, internal and "storage", without its
// words. A context's error stays what it is, so that the client sees a
// deadline as a deadline.
func toConnect(err error) error {
	var view *apetitspasv1.HandleView
	if ve := new(viewError); errors.As(err, &ve) {
		view, err = ve.view, ve.err
	}
	var ae *app.Error
	if !errors.As(err, &ae) {
		if errors.Is(err, context.DeadlineExceeded) || errors.Is(err, context.Canceled) {
			return err // Connect sends it as deadline_exceeded or canceled
		}
		if ce := new(connect.Error); errors.As(err, &ce) {
			return err // Connect's own (a message too large…)
		}
	}
	ae = asAppError(err)
	code, ok := connectCodes[ae.Code]
	if !ok {
		code = connect.CodeUnknown
	}
	ce := connect.NewError(code, errors.New(ae.Reason))
	if d, err := connect.NewErrorDetail(errorPB(ae)); err == nil {
		ce.AddDetail(d)
	}
	if view != nil {
		if d, err := connect.NewErrorDetail(view); err == nil {
			ce.AddDetail(d)
		}
	}
	return ce
}

// asAppError is err as package app reads it: itself when it is an
// *app.Error, else its code and reason without its words.
func asAppError(err error) *app.Error {
	if ae := new(app.Error); errors.As(err, &ae) {
		return ae
	}
	return &app.Error{Code: app.ErrorCode(err), Reason: app.ErrorReason(err)}
}

// viewError is a handler's error with the view of the sign-in it acted
// for, which toConnect sends along.
type viewError struct {
	err  error
	view *apetitspasv1.HandleView
}

func (e *viewError) Error() string { return e.err.Error() }
func (e *viewError) Unwrap() error { return e.err }

// viewSink receives, on the client's side, the view a refusal carried:
// the Client puts one in a call's context, the client's interceptor fills
// it from the Connect error before turning it into an *app.Error.
type viewSink struct{ view *apetitspasv1.HandleView }

type viewSinkKey struct{}

func withViewSink(ctx context.Context) (context.Context, *viewSink) {
	s := new(viewSink)
	return context.WithValue(ctx, viewSinkKey{}, s), s
}

// captureView keeps the view err carries in ctx's sink, if both exist.
func captureView(ctx context.Context, err error) {
	s, ok := ctx.Value(viewSinkKey{}).(*viewSink)
	ce := new(connect.Error)
	if !ok || !errors.As(err, &ce) {
		return
	}
	for _, d := range ce.Details() {
		if v, derr := d.Value(); derr == nil {
			if view, ok := v.(*apetitspasv1.HandleView); ok {
				s.view = view
			}
		}
	}
}

// fromConnect is the client's side: a call's error as an *app.Error, so
// that the window and the tool show it as they show app's. Err keeps the
// Connect error (errors.Is finds a context's error through it).
func fromConnect(err error) error {
	ce := new(connect.Error)
	if !errors.As(err, &ce) {
		return &app.Error{Code: app.EUNAVAILABLE, Reason: ReasonServiceUnavailable, Err: err}
	}
	for _, d := range ce.Details() {
		v, derr := d.Value()
		if e, ok := v.(*apetitspasv1.Error); ok && derr == nil {
			return errorOf(e)
		}
	}
	if cut(err) {
		// The connection broke in the middle of an answer: the service
		// stopped (killed, or its computer going down).
		return &app.Error{Code: app.EUNAVAILABLE, Reason: ReasonServiceUnavailable, Err: err}
	}
	switch ce.Code() {
	case connect.CodeDeadlineExceeded, connect.CodeCanceled:
		// The call's time ran out, on this side or (a moment earlier) on
		// the service's: either way a deadline, or a cancel, to errors.Is.
		if ctxErr := contextError(ce.Code()); !errors.Is(err, ctxErr) {
			err = fmt.Errorf("%w (%w)", err, ctxErr)
		}
		return &app.Error{Code: app.EUNAVAILABLE, Reason: ReasonServiceUnavailable, Err: err}
	case connect.CodeUnavailable:
		// Nothing of ours: the socket is not there, nobody answers on
		// it, or the call's time ran out.
		return &app.Error{Code: app.EUNAVAILABLE, Reason: ReasonServiceUnavailable, Err: err}
	case connect.CodeUnimplemented:
		// A service that does not know this RPC is older than the
		// client (or has moved past apetitspas.v1).
		return &app.Error{Code: app.EUNAVAILABLE, Reason: ReasonServiceVersion, Detail: "the service does not know this call", Err: err}
	}
	return &app.Error{Code: app.EINTERNAL, Reason: app.ReasonStorage, Detail: fmt.Sprintf("%v: %s", ce.Code(), ce.Message()), Err: err}
}

// contextError is the context's error a Connect code stands for.
func contextError(c connect.Code) error {
	if c == connect.CodeCanceled {
		return context.Canceled
	}
	return context.DeadlineExceeded
}

// cut reports an error of a connection that broke mid-answer (Connect
// says "internal: protocol error: incomplete envelope" for a stream cut in
// the middle of a message).
func cut(err error) bool {
	return errors.Is(err, io.ErrUnexpectedEOF) || errors.Is(err, syscall.ECONNRESET) ||
		errors.Is(err, syscall.EPIPE) || errors.Is(err, net.ErrClosed)
}
