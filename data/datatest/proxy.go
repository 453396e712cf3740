package datatest

import (
	"io"
	"net"
	"net/url"
	"sync"
	"testing"
)

// Proxy stands between the app and the server, so that a test can take
// the server away (as a cut network or a stopped server would) and give it
// back on the same address.
type Proxy struct {
	t      testing.TB
	target string
	addr   string
	mu     sync.Mutex
	ln     net.Listener
	conns  []net.Conn
}

func NewProxy(t testing.TB, target string) *Proxy {
	p := &Proxy{t: t, target: target}
	p.Up()
	t.Cleanup(p.Down)
	return p
}

// Up listens (again, on the same address) and forwards to the server.
func (p *Proxy) Up() {
	addr := p.addr
	if addr == "" {
		addr = "127.0.0.1:0"
	}
	ln, err := net.Listen("tcp", addr)
	if err != nil {
		p.t.Fatal(err)
	}
	p.mu.Lock()
	p.ln, p.addr = ln, ln.Addr().String()
	p.mu.Unlock()
	go func() {
		for {
			c, err := ln.Accept()
			if err != nil {
				return
			}
			s, err := net.Dial("tcp", p.target)
			if err != nil {
				c.Close()
				continue
			}
			p.mu.Lock()
			p.conns = append(p.conns, c, s)
			p.mu.Unlock()
			go func() { _, _ = io.Copy(s, c); s.Close() }()
			go func() { _, _ = io.Copy(c, s); c.Close() }()
		}
	}()
}

// Down closes the listener and every connection: the server is gone.
func (p *Proxy) Down() {
	p.mu.Lock()
	defer p.mu.Unlock()
	if p.ln != nil {
		p.ln.Close()
		p.ln = nil
	}
	for _, c := range p.conns {
		c.Close()
	}
	p.conns = nil
}

// Via is u going through the proxy.
func (p *Proxy) Via(t testing.TB, u string) string {
	pu, err := url.Parse(u)
	if err != nil {
		t.Fatal(err)
	}
	pu.Host = p.addr
	return pu.String()
}
