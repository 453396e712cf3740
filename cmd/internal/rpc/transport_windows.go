package rpc

import (
	"context"
	"errors"
	"fmt"
	"net"
	"runtime"
	"sync"

	"github.com/Microsoft/go-winio"
	"golang.org/x/sys/windows"

	"github.com/apetitspas/apetitspas/app"
)

// pipeSDDL is who may do what with the service's pipe: the service's own
// account, SYSTEM and elevated administrators everything; any signed-in
// account only read and write data (not FILE_CREATE_PIPE_INSTANCE, which
// generic write would give and which would let it serve a second instance
// of the pipe to the next client); nobody from the network.
const pipeSDDL = "D:P(D;;GA;;;NU)(A;;GA;;;SY)(A;;GA;;;BA)(A;;GA;;;OW)(A;;0x12008b;;;AU)"

// pipeAccess is what the client asks for: exactly what pipeSDDL grants
// to everyone (generic read, write data).
const pipeAccess = windows.FILE_GENERIC_READ | windows.FILE_WRITE_DATA

func pipePath(name string) string { return `\\.\pipe\` + name }

func listenPipe(name string) (net.Listener, error) {
	// The first instance is made with FILE_FLAG_FIRST_PIPE_INSTANCE: if
	// another program holds the name, this fails instead of sharing it.
	l, err := winio.ListenPipe(pipePath(name), &winio.PipeConfig{SecurityDescriptor: pipeSDDL})
	if err != nil {
		return nil, fmt.Errorf("rpc: %w", err)
	}
	return pipeListener{l}, nil
}

// dialPipe connects at the identification level: the service may read
// who the client is (never act as it), which is how it learns its account.
// TODO: check that the pipe's server is the service's account
// (GetNamedPipeServerProcessId) once the service's account is decided: a
// program started before the service could hold the name.
func dialPipe(ctx context.Context, name string) (net.Conn, error) {
	return winio.DialPipeAccessImpLevel(ctx, pipePath(name), pipeAccess, winio.PipeImpLevelIdentification)
}

func listenUnix(string) (net.Listener, error) {
	return nil, errors.New("rpc: on Windows the service listens on a named pipe: use pipe:NAME")
}

func dialUnix(context.Context, string) (net.Conn, error) {
	return nil, errors.New("rpc: on Windows the service listens on a named pipe: use pipe:NAME")
}

// pipeListener hands out pipeConns.
type pipeListener struct{ net.Listener }

func (l pipeListener) Accept() (net.Conn, error) {
	c, err := l.Listener.Accept()
	if err != nil {
		return nil, err
	}
	f, ok := c.(interface{ Fd() uintptr })
	if !ok {
		c.Close()
		return nil, fmt.Errorf("rpc: a %T has no handle", c)
	}
	return &pipeConn{Conn: c, h: windows.Handle(f.Fd())}, nil
}

// pipeConn learns its client's account after the first bytes it reads:
// Windows lets a pipe's server take the client's identity only once it has
// read from the pipe, so it cannot be done when the connection is
// accepted.
type pipeConn struct {
	net.Conn
	h    windows.Handle
	once sync.Once
	user app.OSUser
	err  error
}

func (c *pipeConn) Read(b []byte) (int, error) {
	n, err := c.Conn.Read(b)
	if n > 0 {
		c.once.Do(func() { c.user, c.err = pipeClient(c.h) })
	}
	return n, err
}

// peer is the answer; a request is handled only after its bytes were
// read, so asking before is a mistake that refuses the call.
func (c *pipeConn) peer() (app.OSUser, error) {
	c.once.Do(func() { c.err = errors.New("rpc: the pipe's client asked nothing yet") })
	return c.user, c.err
}

// connPeer: a pipe's client is known after the first read (pipeConn).
func connPeer(c net.Conn) peerFunc {
	pc, ok := c.(*pipeConn)
	if !ok {
		return func() (app.OSUser, error) { return app.OSUser{}, fmt.Errorf("rpc: a %T has no client token", c) }
	}
	return pc.peer
}

var procImpersonateNamedPipeClient = windows.NewLazySystemDLL("advapi32.dll").NewProc("ImpersonateNamedPipeClient")

// pipeClient reads the client's token: this thread takes the client's
// identity (ImpersonateNamedPipeClient), opens its token, and comes back to
// its own. Only the token is read: its user and whether it is elevated.
func pipeClient(h windows.Handle) (app.OSUser, error) {
	tok, err := clientToken(h)
	if err != nil {
		return app.OSUser{}, err
	}
	defer tok.Close()
	tu, err := tok.GetTokenUser()
	if err != nil {
		return app.OSUser{}, fmt.Errorf("rpc: the client's token: %w", err)
	}
	sid := tu.User.Sid
	if sid.IsWellKnown(windows.WinAnonymousSid) {
		return app.OSUser{}, errors.New("rpc: the pipe's client is anonymous")
	}
	name := sid.String()
	if account, domain, _, err := sid.LookupAccount(""); err == nil {
		name = account
		if domain != "" {
			name = domain + `\` + account // as os/user names the current user
		}
	}
	return app.OSUser{Name: name, Elevated: tok.IsElevated()}, nil
}

func clientToken(h windows.Handle) (windows.Token, error) {
	// Impersonation is the thread's, not the goroutine's: keep to one.
	runtime.LockOSThread()
	defer runtime.UnlockOSThread()
	if r, _, err := procImpersonateNamedPipeClient.Call(uintptr(h)); r == 0 {
		return 0, fmt.Errorf("rpc: ImpersonateNamedPipeClient: %w", err)
	}
	var tok windows.Token
	// openAsSelf: the service's own rights open the token, not the
	// client's (identification level may not open anything).
	err := windows.OpenThreadToken(windows.CurrentThread(), windows.TOKEN_QUERY, true, &tok)
	if rerr := windows.RevertToSelf(); rerr != nil {
		// The thread would go on as the client: stop the service
		// rather than serve anyone under someone else's name.
		panic("rpc: RevertToSelf: " + rerr.Error())
	}
	if err != nil {
		return 0, fmt.Errorf("rpc: the client's token: %w", err)
	}
	return tok, nil
}
