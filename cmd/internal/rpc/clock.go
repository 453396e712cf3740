package rpc

import (
	"net/http"
	"sync/atomic"
	"time"
)

// HeaderServiceTime is on every answer of the service: its clock
// (app.API's Now) when it answered, RFC 3339 with nanoseconds. The
// client's Now is its own clock moved by what the last answer said, so
// that Now never calls the service.
const HeaderServiceTime = "Apetitspas-Service-Time"

// clock is the service's clock (app.API's Now).
type clock func() time.Time

// stamp writes the clock into h.
func (c clock) stamp(h http.Header) {
	if c != nil {
		h.Set(HeaderServiceTime, c().UTC().Format(time.RFC3339Nano))
	}
}

// serviceClock is, on the client's side, how far the service's clock is
// from this process's: learnt from each answer, read by Client.Now. The
// window and the service run on one computer, so it is about nothing but
// for a service whose clock is not the computer's (the tests' fake one).
type serviceClock struct {
	offset atomic.Int64 // nanoseconds to add to time.Now
}

// learn reads h's HeaderServiceTime, if any. Called on a nil clock (a
// client that keeps none), it does nothing.
func (c *serviceClock) learn(h http.Header) {
	if c == nil {
		return
	}
	v := h.Get(HeaderServiceTime)
	if v == "" {
		return
	}
	t, err := time.Parse(time.RFC3339Nano, v)
	if err != nil {
		return
	}
	c.offset.Store(int64(time.Until(t)))
}

func (c *serviceClock) set(t time.Time) { c.offset.Store(int64(time.Until(t))) }

// now is the service's time as last learnt (this process's before any
// answer), without a monotonic reading.
func (c *serviceClock) now() time.Time {
	return time.Now().Add(time.Duration(c.offset.Load())).Round(0)
}
