package rpc

import (
	"context"
	"errors"
	"net/http"
	"sync"
	"testing"
	"time"

	"connectrpc.com/connect"

	"github.com/apetitspas/apetitspas/app"
	pb "github.com/apetitspas/apetitspas/cmd/internal/rpc/gen/apetitspasv1"
	"github.com/apetitspas/apetitspas/cmd/internal/rpc/gen/apetitspasv1/apetitspasv1connect"
)

// streamProbe records what its streaming handler saw, sends a progress
// message, then answers err (with the view view) or a result.
type streamProbe struct {
	Base
	err  error
	view app.HandleView

	mu   sync.Mutex
	seen []seen
}

func (p *streamProbe) ImportCSV(ctx context.Context, _ *pb.ImportCSVRequest, stream *connect.ServerStream[pb.ImportCSVResponse]) error {
	var s seen
	s.caller, s.hasCaller = app.CallerOf(ctx)
	s.deadline, s.hasDeadline = ctx.Deadline()
	p.mu.Lock()
	p.seen = append(p.seen, s)
	p.mu.Unlock()
	if err := stream.Send(&pb.ImportCSVResponse{Part: &pb.ImportCSVResponse_Progress{Progress: &pb.ImportProgress{Done: 1, Total: 2}}}); err != nil {
		return err
	}
	if p.err != nil {
		return &viewError{err: p.err, view: viewPB(p.view)}
	}
	return stream.Send(&pb.ImportCSVResponse{Part: &pb.ImportCSVResponse_Result{Result: &pb.ImportResult{View: viewPB(p.view)}}})
}

func (p *streamProbe) calls() []seen {
	p.mu.Lock()
	defer p.mu.Unlock()
	return append([]seen(nil), p.seen...)
}

// A stream is checked like a unary call: the caller from the operating
// system and the deadline reach its handler, its error crosses as an
// *app.Error, and the view of a refusal reaches the handle.
func TestStreamGetsTheChecksOfAUnaryCall(t *testing.T) {
	until := time.Date(2031, 5, 6, 7, 8, 9, 0, time.UTC)
	view := app.HandleView{User: app.User{ID: 7, Email: "a@b.ca", MFAFailures: 3}, Step: app.StepCode}
	p := &streamProbe{err: &app.Error{Code: app.EINVALID, Reason: app.ReasonCSVInvalid, Line: 12, Until: until, Detail: "d"}, view: view}
	c := newTestClient(t, serve(t, p))
	ctx, cancel := context.WithTimeout(t.Context(), time.Minute)
	defer cancel()
	want, _ := ctx.Deadline()
	h := app.NewHandle("token", app.HandleView{Step: app.StepSignedIn})
	var progress [][2]int
	_, err := c.ImportCSV(ctx, h, []byte("x"), "", func(done, total int) { progress = append(progress, [2]int{done, total}) })
	ae := appError(t, err, app.EINVALID, app.ReasonCSVInvalid)
	if ae.Line != 12 || !ae.Until.Equal(until) || ae.Detail != "d" {
		t.Errorf("came back %+v", ae)
	}
	if len(progress) != 1 || progress[0] != [2]int{1, 2} {
		t.Errorf("progress %v", progress)
	}
	if got := h.View(); got.Step != app.StepCode || got.User.MFAFailures != 3 || got.User.Email != "a@b.ca" {
		t.Errorf("the refusal's view did not reach the handle: %+v", got)
	}
	calls := p.calls()
	if len(calls) != 1 || !calls[0].hasCaller || calls[0].caller.Name == "" {
		t.Fatalf("handler saw %+v", calls)
	}
	if d := calls[0].deadline.Sub(want); !calls[0].hasDeadline || d < -5*time.Second || d > time.Second {
		t.Errorf("the handler's deadline %v, the client's %v", calls[0].deadline, want)
	}

	// Served: the result's view.
	p.err = nil
	p.view.Step = app.StepSignedIn
	if _, err := c.ImportCSV(t.Context(), h, []byte("x"), "", nil); err != nil {
		t.Fatal(err)
	}
	if h.Step() != app.StepSignedIn {
		t.Errorf("view %+v", h.View())
	}
}

// A stream without the version headers, or of a client too old, is
// refused before its handler runs.
func TestStreamVersionsChecked(t *testing.T) {
	p := &streamProbe{}
	addr := serveAt(t, t.TempDir(), p, versions{api: 3, minClient: 3}, nil)
	hc, base, err := Dial(addr)
	if err != nil {
		t.Fatal(err)
	}
	stream, err := apetitspasv1connect.NewApetitsPasServiceClient(hc, base).ImportCSV(t.Context(), &pb.ImportCSVRequest{})
	if err == nil {
		for stream.Receive() {
		}
		err = stream.Err()
	}
	appError(t, fromConnect(err), app.EUNAVAILABLE, ReasonServiceVersion)

	old, _, err := newConnectClient(addr, versions{api: 2, minService: 1}, h2c(), nil)
	if err != nil {
		t.Fatal(err)
	}
	stream, err = old.ImportCSV(t.Context(), &pb.ImportCSVRequest{})
	if err == nil {
		for stream.Receive() {
		}
		err = stream.Err()
	}
	appError(t, err, app.EUNAVAILABLE, ReasonServiceVersion)
	if n := len(p.calls()); n != 0 {
		t.Errorf("the handler ran %d times", n)
	}
}

// fakeStream is a streaming handler's connection with headers only.
type fakeStream struct {
	connect.StreamingHandlerConn
	req, res http.Header
}

func (f *fakeStream) RequestHeader() http.Header  { return f.req }
func (f *fakeStream) ResponseHeader() http.Header { return f.res }

// A stream whose connection's peer was not read is refused, not served
// as nobody.
func TestStreamWithoutPeerRefused(t *testing.T) {
	ran := false
	next := func(context.Context, connect.StreamingHandlerConn) error { ran = true; return nil }
	conn := &fakeStream{req: http.Header{}, res: http.Header{}}
	ours.setHeaders(conn.req)
	err := serverInterceptor{v: ours}.WrapStreamingHandler(next)(t.Context(), conn)
	appError(t, fromConnect(err), app.EUNAUTHORIZED, ReasonOSUserUnknown)
	if ran {
		t.Error("the handler ran")
	}
}

// A stream that ends without its last message is the service not
// answering, not an empty success.
type noResult struct{ Base }

func (noResult) ImportCSV(context.Context, *pb.ImportCSVRequest, *connect.ServerStream[pb.ImportCSVResponse]) error {
	return nil
}

func TestStreamWithoutItsResult(t *testing.T) {
	_, err := newTestClient(t, serve(t, noResult{})).ImportCSV(t.Context(), app.NewHandle("t", app.HandleView{}), nil, "", nil)
	appError(t, err, app.EUNAVAILABLE, ReasonServiceUnavailable)
}

// The server's view carriage: a handle the API did not update sends no
// view (the client keeps its own), one it updated sends it, refusal or
// not.
func TestViewOut(t *testing.T) {
	h := handleOf("t")
	if viewOut(h) != nil {
		t.Fatal("an untouched handle has a view")
	}
	refused := errors.New("refused")
	if withView(refused, h) != refused {
		t.Error("an untouched handle's refusal carries a view")
	}
	h.SetView(app.HandleView{Step: app.StepNone})
	if v := viewOut(h); v == nil || v.GetStep() != pb.Step_STEP_UNSPECIFIED {
		t.Errorf("view %v", v)
	}
	if ve := new(viewError); !errors.As(withView(refused, h), &ve) || ve.view == nil {
		t.Error("the refusal of a handle the API updated carries no view")
	}
}
