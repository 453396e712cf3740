package rpc

import (
	"net/http"
	"testing"
)

// BenchmarkHello is one Hello round trip over the socket: HTTP/2 without
// TLS (what Dial uses) against HTTP/1.1, one call at a time and many side
// by side (a window's calls while a slow one runs).
func BenchmarkHello(b *testing.B) {
	http1 := new(http.Protocols)
	http1.SetHTTP1(true)
	for _, tc := range []struct {
		name      string
		protocols *http.Protocols
	}{{"h2c", h2c()}, {"http1", http1}} {
		addr := serveAt(b, b.TempDir(), Base{AppVersion: "bench"}, ours, nil)
		c, _, err := newConnectClient(addr, ours, tc.protocols, nil)
		if err != nil {
			b.Fatal(err)
		}
		b.Run(tc.name, func(b *testing.B) {
			for b.Loop() {
				if _, err := c.Hello(b.Context(), hello()); err != nil {
					b.Fatal(err)
				}
			}
		})
		b.Run(tc.name+"-parallel", func(b *testing.B) {
			b.RunParallel(func(pb *testing.PB) {
				for pb.Next() {
					if _, err := c.Hello(b.Context(), hello()); err != nil {
						b.Error(err)
						return
					}
				}
			})
		})
	}
}
