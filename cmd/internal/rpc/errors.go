package rpc

import (
	"context"
	"errors"
	"fmt"

	"connectrpc.com/connect"
	"google.golang.org/protobuf/types/known/timestamppb"

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
// error whose detail is the *app.Error without its cause. A foreign error
// (a bug: package app wraps its own) goes as app's reading of it, internal
// and "storage", without its words. A context's error stays what it is, so
// that the client sees a deadline as a deadline.
func toConnect(err error) error {
	var ae *app.Error
	if !errors.As(err, &ae) {
		if errors.Is(err, context.DeadlineExceeded) || errors.Is(err, context.Canceled) {
			return err // Connect sends it as deadline_exceeded or canceled
		}
		if ce := new(connect.Error); errors.As(err, &ce) {
			return err // Connect's own (a message too large…)
		}
		ae = &app.Error{Code: app.ErrorCode(err), Reason: app.ErrorReason(err)}
	}
	code, ok := connectCodes[ae.Code]
	if !ok {
		code = connect.CodeUnknown
	}
	ce := connect.NewError(code, errors.New(ae.Reason))
	detail := &apetitspasv1.Error{Code: ae.Code, Reason: ae.Reason, Line: int64(ae.Line), Detail: ae.Detail}
	if !ae.Until.IsZero() {
		detail.Until = timestamppb.New(ae.Until)
	}
	if d, err := connect.NewErrorDetail(detail); err == nil {
		ce.AddDetail(d)
	}
	return ce
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
			ae := &app.Error{Code: e.GetCode(), Reason: e.GetReason(), Line: int(e.GetLine()), Detail: e.GetDetail()}
			if e.GetUntil() != nil {
				ae.Until = e.GetUntil().AsTime()
			}
			return ae
		}
	}
	switch ce.Code() {
	case connect.CodeUnavailable, connect.CodeDeadlineExceeded, connect.CodeCanceled:
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
