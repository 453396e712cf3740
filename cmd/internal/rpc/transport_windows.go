package rpc

import (
	"context"
	"errors"
	"fmt"
	"io"
	"net"
	"os"
	"runtime"
	"sync"
	"syscall"
	"time"
	"unsafe"

	"golang.org/x/sys/windows"

	"github.com/apetitspas/apetitspas/app"
)

// The named pipe is written on golang.org/x/sys/windows alone. go-winio's
// listener does not work under Wine 8: it makes the pipe's first instance
// without read or write access, counting on Windows to keep clients off
// that instance until the next one is made; Wine lets the first client
// connect to it, and nobody ever reads it (the client's first write waits
// forever, Accept too). Here every instance is a real one.
//
// Each handle is overlapped; an operation waits for its result on its
// goroutine's thread (GetOverlappedResult), so a read and a write go on
// side by side on one connection, as HTTP/2 needs. Close and deadlines
// cancel what is pending (CancelIoEx).

// pipeSDDL is who may do what with the service's pipe: the service's own
// account, SYSTEM and elevated administrators everything; any signed-in
// account only read and write data (not FILE_CREATE_PIPE_INSTANCE, which
// generic write would give and which would let it serve a second instance
// of the pipe to the next client); nobody from the network.
const pipeSDDL = "D:P(D;;GA;;;NU)(A;;GA;;;SY)(A;;GA;;;BA)(A;;GA;;;OW)(A;;0x12008b;;;AU)"

// pipeAccess is what the client asks for: exactly what pipeSDDL grants
// to everyone (generic read, which holds READ_CONTROL to read the pipe's
// owner, and write data).
const pipeAccess = windows.FILE_GENERIC_READ | windows.FILE_WRITE_DATA

// pipeBuffer is the size of each direction's buffer in the pipe.
const pipeBuffer = 64 << 10

// pipeSecurity is pipeSDDL with this process's account as the pipe's
// owner, said rather than left to the token's default owner (which may be
// the administrators' group, or under Wine the primary group): the owner
// is what the client checks (pipeOwnerAllowed).
func pipeSecurity() (*windows.SECURITY_DESCRIPTOR, error) {
	me, err := windows.GetCurrentProcessToken().GetTokenUser()
	if err != nil {
		return nil, err
	}
	return windows.SecurityDescriptorFromString("O:" + me.User.Sid.String() + pipeSDDL)
}

func pipePath(name string) string { return `\\.\pipe\` + name }

func listenPipe(name string) (net.Listener, error) {
	sd, err := pipeSecurity()
	if err != nil {
		return nil, fmt.Errorf("rpc: the pipe's security: %w", err)
	}
	path, err := windows.UTF16PtrFromString(pipePath(name))
	if err != nil {
		return nil, fmt.Errorf("rpc: %w", err)
	}
	l := &pipeListener{name: name, path: path, sd: sd}
	// The first instance is made with FILE_FLAG_FIRST_PIPE_INSTANCE: if
	// another program holds the name, this fails instead of sharing it.
	if l.next, err = l.instance(true); err != nil {
		return nil, fmt.Errorf("rpc: %s: %w", pipePath(name), err)
	}
	return l, nil
}

// pipeListener keeps one instance of the pipe waiting for the next client
// at all times, so that the name is never free for another program while
// the service listens.
type pipeListener struct {
	name string
	path *uint16
	sd   *windows.SECURITY_DESCRIPTOR

	accept sync.Mutex // one Accept at a time: it uses next

	mu      sync.Mutex
	next    windows.Handle // the instance a client connects to next
	pending *windows.Overlapped
	err     error // why there is no next instance
	closed  bool
}

// instance makes one instance of the pipe: bytes both ways, local clients
// only, its own security descriptor (the first instance's is the pipe's).
func (l *pipeListener) instance(first bool) (windows.Handle, error) {
	sa := &windows.SecurityAttributes{SecurityDescriptor: l.sd}
	sa.Length = uint32(unsafe.Sizeof(*sa))
	mode := uint32(windows.PIPE_ACCESS_DUPLEX | windows.FILE_FLAG_OVERLAPPED)
	if first {
		mode |= windows.FILE_FLAG_FIRST_PIPE_INSTANCE
	}
	h, err := windows.CreateNamedPipe(l.path, mode,
		windows.PIPE_TYPE_BYTE|windows.PIPE_READMODE_BYTE|windows.PIPE_WAIT|windows.PIPE_REJECT_REMOTE_CLIENTS,
		windows.PIPE_UNLIMITED_INSTANCES, pipeBuffer, pipeBuffer, 0, sa)
	runtime.KeepAlive(l.sd)
	if err != nil {
		return 0, os.NewSyscallError("CreateNamedPipe", err)
	}
	return h, nil
}

func (l *pipeListener) Accept() (net.Conn, error) {
	l.accept.Lock()
	defer l.accept.Unlock()
	l.mu.Lock()
	h, err, closed := l.next, l.err, l.closed
	l.mu.Unlock()
	switch {
	case closed:
		return nil, net.ErrClosed
	case err != nil:
		return nil, err
	}
	ev, err := windows.CreateEvent(nil, 1, 0, nil)
	if err != nil {
		return nil, os.NewSyscallError("CreateEvent", err)
	}
	defer windows.CloseHandle(ev)
	for {
		err := l.connect(h, ev)
		if err == nil {
			break
		}
		if errors.Is(err, windows.ERROR_NO_DATA) {
			// The client came and went before it was accepted.
			windows.DisconnectNamedPipe(h)
			continue
		}
		l.mu.Lock()
		closed := l.closed
		l.mu.Unlock()
		if closed {
			return nil, net.ErrClosed
		}
		return nil, err
	}
	// The next instance before this one is handed out: the name stays
	// ours. When it cannot be made, this client is still served and the
	// next Accept says why there is nobody after it.
	next, err := l.instance(false)
	l.mu.Lock()
	if l.closed {
		// Close came while a client connected: it is not served.
		l.mu.Unlock()
		if err == nil {
			windows.CloseHandle(next)
		}
		return nil, net.ErrClosed
	}
	l.next, l.err = next, err
	l.mu.Unlock()
	c, err := newPipe(h, l.name)
	if err != nil {
		windows.CloseHandle(h)
		return nil, err
	}
	return &pipeConn{pipe: c}, nil
}

// connect waits for a client on h; Close cancels it.
func (l *pipeListener) connect(h, ev windows.Handle) error {
	o := &windows.Overlapped{HEvent: ev}
	windows.ResetEvent(ev)
	l.mu.Lock()
	if l.closed {
		l.mu.Unlock()
		return net.ErrClosed
	}
	l.pending = o
	l.mu.Unlock()
	defer func() {
		l.mu.Lock()
		l.pending = nil
		l.mu.Unlock()
	}()
	err := windows.ConnectNamedPipe(h, o)
	switch {
	case err == nil, errors.Is(err, windows.ERROR_PIPE_CONNECTED):
		return nil
	case !errors.Is(err, windows.ERROR_IO_PENDING):
		return os.NewSyscallError("ConnectNamedPipe", err)
	}
	// Close may have come between pending and ConnectNamedPipe, when
	// there was nothing yet to cancel.
	l.mu.Lock()
	if l.closed {
		windows.CancelIoEx(h, o)
	}
	l.mu.Unlock()
	var n uint32
	if err := windows.GetOverlappedResult(h, o, &n, true); err != nil {
		return os.NewSyscallError("ConnectNamedPipe", err)
	}
	return nil
}

// Close stops listening: a pending Accept returns net.ErrClosed, and the
// name is free once it did. Connections already accepted go on.
func (l *pipeListener) Close() error {
	l.mu.Lock()
	if l.closed {
		l.mu.Unlock()
		return nil
	}
	l.closed = true
	if l.pending != nil {
		windows.CancelIoEx(l.next, l.pending)
	}
	l.mu.Unlock()
	l.accept.Lock() // the pending Accept is over
	defer l.accept.Unlock()
	if l.next != 0 {
		windows.CloseHandle(l.next)
		l.next = 0
	}
	return nil
}

func (l *pipeListener) Addr() net.Addr { return pipeAddr(l.name) }

// pipeAddr is a pipe's name, as net.Addr.
type pipeAddr string

func (pipeAddr) Network() string  { return "pipe" }
func (a pipeAddr) String() string { return pipePath(string(a)) }

// dialPipe connects at the identification level: the service may read
// who the client is (never act as it), which is how it learns its account.
// While every instance is busy it waits for one, until ctx is done. The
// pipe must belong to the service (pipeOwnerAllowed): a program started
// before the service could hold the name.
func dialPipe(ctx context.Context, name string) (net.Conn, error) {
	path, err := windows.UTF16PtrFromString(pipePath(name))
	if err != nil {
		return nil, fmt.Errorf("rpc: %w", err)
	}
	for {
		h, err := windows.CreateFile(path, pipeAccess, 0, nil, windows.OPEN_EXISTING,
			windows.FILE_FLAG_OVERLAPPED|windows.SECURITY_SQOS_PRESENT|windows.SECURITY_IDENTIFICATION, 0)
		if err == nil {
			if err := checkPipeOwner(h, name); err != nil {
				windows.CloseHandle(h)
				return nil, err
			}
			c, err := newPipe(h, name)
			if err != nil {
				windows.CloseHandle(h)
				return nil, err
			}
			return c, nil
		}
		if !errors.Is(err, windows.ERROR_PIPE_BUSY) {
			return nil, &net.OpError{Op: "dial", Net: "pipe", Addr: pipeAddr(name), Err: os.NewSyscallError("CreateFile", err)}
		}
		// Every instance is taken: wait for one, a little at a time so
		// that the context is heard.
		wait := 250 * time.Millisecond
		if d, ok := ctx.Deadline(); ok && time.Until(d) < wait {
			wait = time.Until(d)
		}
		if err := ctx.Err(); err != nil || wait <= 0 {
			if err == nil {
				err = context.DeadlineExceeded
			}
			return nil, &net.OpError{Op: "dial", Net: "pipe", Addr: pipeAddr(name), Err: err}
		}
		waitNamedPipe(path, uint32(wait/time.Millisecond)+1)
	}
}

var procWaitNamedPipeW = windows.NewLazySystemDLL("kernel32.dll").NewProc("WaitNamedPipeW")

// waitNamedPipe waits at most ms milliseconds for an instance of the pipe
// to be free; its answer does not matter, CreateFile tries again.
func waitNamedPipe(path *uint16, ms uint32) {
	procWaitNamedPipeW.Call(uintptr(unsafe.Pointer(path)), uintptr(ms))
}

// checkPipeOwner refuses a pipe that another account made.
func checkPipeOwner(h windows.Handle, name string) error {
	sd, err := windows.GetSecurityInfo(h, windows.SE_KERNEL_OBJECT, windows.OWNER_SECURITY_INFORMATION)
	if err != nil {
		return fmt.Errorf("rpc: the pipe's owner: %w", err)
	}
	owner, _, err := sd.Owner()
	if err != nil {
		return fmt.Errorf("rpc: the pipe's owner: %w", err)
	}
	me, err := windows.GetCurrentProcessToken().GetTokenUser()
	if err != nil {
		return fmt.Errorf("rpc: this program's account: %w", err)
	}
	if !pipeOwnerAllowed(owner.String(), me.User.Sid.String(), name) {
		return fmt.Errorf("rpc: %s belongs to %s, not to the service: refused", pipePath(name), accountName(owner))
	}
	return nil
}

func listenUnix(string) (net.Listener, error) {
	return nil, errors.New("rpc: on Windows the service listens on a named pipe: use pipe:NAME")
}

func dialUnix(context.Context, string) (net.Conn, error) {
	return nil, errors.New("rpc: on Windows the service listens on a named pipe: use pipe:NAME")
}

// pipe is one end of a connected pipe, either side's.
type pipe struct {
	h    windows.Handle
	name string
	r, w direction

	mu     sync.Mutex
	closed bool
	ops    sync.WaitGroup // operations under way: Close waits for them
}

// direction is what reads (or writes) have of their own: one at a time,
// an event to wait on, and the deadline.
type direction struct {
	sync.Mutex // one operation at a time
	ev         windows.Handle

	// Under pipe.mu:
	deadline time.Time
	timer    *time.Timer
	expired  bool
	pending  *windows.Overlapped
}

func newPipe(h windows.Handle, name string) (*pipe, error) {
	p := &pipe{h: h, name: name}
	for _, d := range []*direction{&p.r, &p.w} {
		ev, err := windows.CreateEvent(nil, 1, 0, nil)
		if err != nil {
			p.closeEvents()
			return nil, os.NewSyscallError("CreateEvent", err)
		}
		d.ev = ev
	}
	return p, nil
}

func (p *pipe) closeEvents() {
	for _, d := range []*direction{&p.r, &p.w} {
		if d.ev != 0 {
			windows.CloseHandle(d.ev)
			d.ev = 0
		}
	}
}

// io runs one ReadFile or WriteFile and waits for its result. Its error
// is net.ErrClosed after Close and os.ErrDeadlineExceeded past the
// direction's deadline.
func (p *pipe) io(d *direction, b []byte, op func(windows.Handle, []byte, *uint32, *windows.Overlapped) error) (int, error) {
	d.Lock()
	defer d.Unlock()
	o := &windows.Overlapped{HEvent: d.ev}
	windows.ResetEvent(d.ev)
	p.mu.Lock()
	switch {
	case p.closed:
		p.mu.Unlock()
		return 0, net.ErrClosed
	case d.expired:
		p.mu.Unlock()
		return 0, os.ErrDeadlineExceeded
	}
	p.ops.Add(1)
	defer p.ops.Done()
	d.pending = o
	p.mu.Unlock()

	var n uint32
	err := op(p.h, b, &n, o)
	if errors.Is(err, windows.ERROR_IO_PENDING) {
		// Close or the deadline may have come before there was
		// anything to cancel.
		p.mu.Lock()
		if p.closed || d.expired {
			windows.CancelIoEx(p.h, o)
		}
		p.mu.Unlock()
		err = windows.GetOverlappedResult(p.h, o, &n, true)
	}
	runtime.KeepAlive(b)
	p.mu.Lock()
	d.pending = nil
	closed, expired := p.closed, d.expired
	p.mu.Unlock()
	if errors.Is(err, windows.ERROR_OPERATION_ABORTED) {
		switch {
		case closed:
			err = net.ErrClosed
		case expired:
			err = os.ErrDeadlineExceeded
		}
	}
	return int(n), err
}

func (p *pipe) Read(b []byte) (int, error) {
	if len(b) == 0 {
		return 0, nil
	}
	if len(b) > 1<<30 {
		b = b[:1<<30]
	}
	n, err := p.io(&p.r, b, windows.ReadFile)
	switch {
	case errors.Is(err, windows.ERROR_BROKEN_PIPE), errors.Is(err, windows.ERROR_PIPE_NOT_CONNECTED):
		// The other end closed its handle.
		return n, io.EOF
	case err == nil && n == 0:
		return 0, io.EOF
	case err != nil && !errors.Is(err, net.ErrClosed) && !errors.Is(err, os.ErrDeadlineExceeded):
		err = &net.OpError{Op: "read", Net: "pipe", Addr: pipeAddr(p.name), Err: os.NewSyscallError("ReadFile", err)}
	}
	return n, err
}

func (p *pipe) Write(b []byte) (int, error) {
	done := 0
	for done < len(b) {
		chunk := b[done:]
		if len(chunk) > 1<<30 {
			chunk = chunk[:1<<30]
		}
		n, err := p.io(&p.w, chunk, windows.WriteFile)
		done += n
		switch {
		case errors.Is(err, windows.ERROR_BROKEN_PIPE), errors.Is(err, windows.ERROR_NO_DATA), errors.Is(err, windows.ERROR_PIPE_NOT_CONNECTED):
			// The other end is gone: EPIPE, as on a socket.
			return done, &net.OpError{Op: "write", Net: "pipe", Addr: pipeAddr(p.name), Err: os.NewSyscallError("WriteFile", syscall.EPIPE)}
		case err != nil && !errors.Is(err, net.ErrClosed) && !errors.Is(err, os.ErrDeadlineExceeded):
			return done, &net.OpError{Op: "write", Net: "pipe", Addr: pipeAddr(p.name), Err: os.NewSyscallError("WriteFile", err)}
		case err != nil:
			return done, err
		}
	}
	return done, nil
}

// Close cancels what is pending, waits for it to end and closes the
// handle.
func (p *pipe) Close() error {
	p.mu.Lock()
	if p.closed {
		p.mu.Unlock()
		return net.ErrClosed
	}
	p.closed = true
	for _, d := range []*direction{&p.r, &p.w} {
		if d.timer != nil {
			d.timer.Stop()
		}
	}
	windows.CancelIoEx(p.h, nil)
	p.mu.Unlock()
	p.ops.Wait()
	err := windows.CloseHandle(p.h)
	p.closeEvents()
	return err
}

func (p *pipe) LocalAddr() net.Addr  { return pipeAddr(p.name) }
func (p *pipe) RemoteAddr() net.Addr { return pipeAddr(p.name) }

func (p *pipe) SetDeadline(t time.Time) error {
	p.SetReadDeadline(t)
	return p.SetWriteDeadline(t)
}

func (p *pipe) SetReadDeadline(t time.Time) error  { return p.setDeadline(&p.r, t) }
func (p *pipe) SetWriteDeadline(t time.Time) error { return p.setDeadline(&p.w, t) }

// setDeadline: past t, the direction's pending operation is cancelled and
// the next ones fail at once, until another deadline is set.
func (p *pipe) setDeadline(d *direction, t time.Time) error {
	p.mu.Lock()
	defer p.mu.Unlock()
	if p.closed {
		return net.ErrClosed
	}
	if d.timer != nil {
		d.timer.Stop()
		d.timer = nil
	}
	d.deadline, d.expired = t, false
	if t.IsZero() {
		return nil
	}
	expire := func() {
		p.mu.Lock()
		defer p.mu.Unlock()
		if !d.deadline.Equal(t) || p.closed {
			return // another deadline was set since
		}
		d.expired = true
		if d.pending != nil {
			windows.CancelIoEx(p.h, d.pending)
		}
	}
	if wait := time.Until(t); wait > 0 {
		d.timer = time.AfterFunc(wait, expire)
		return nil
	}
	d.expired = true
	if d.pending != nil {
		windows.CancelIoEx(p.h, d.pending)
	}
	return nil
}

// pipeConn is the service's end of a connection. It learns its client's
// account after the first bytes it reads: Windows lets a pipe's server
// take the client's identity only once it has read from the pipe, so it
// cannot be done when the connection is accepted.
type pipeConn struct {
	*pipe
	once sync.Once
	user app.OSUser
	err  error
}

func (c *pipeConn) Read(b []byte) (int, error) {
	n, err := c.pipe.Read(b)
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
	return app.OSUser{Name: accountName(sid), Elevated: tok.IsElevated()}, nil
}

// accountName is DOMAIN\account, as os/user names the current user, or
// the SID when it has no name.
func accountName(sid *windows.SID) string {
	account, domain, _, err := sid.LookupAccount("")
	switch {
	case err != nil:
		return sid.String()
	case domain != "":
		return domain + `\` + account
	}
	return account
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
