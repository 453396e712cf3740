package rpc

import (
	"bufio"
	"context"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"testing"
	"time"

	"connectrpc.com/connect"

	"github.com/apetitspas/apetitspas/app"
	pb "github.com/apetitspas/apetitspas/cmd/internal/rpc/gen/apetitspasv1"
)

// stuckAddr, in a child's environment, makes TestChildStuckService serve
// a service that never finishes its calls there.
const stuckAddr = "APETITSPAS_RPC_STUCK_ADDR"

// stuck is an app.API whose calls start and never end (only those the
// tests below make): it says "in-call" on its standard output first.
type stuck struct{ app.API }

func (stuck) Now() time.Time { return time.Now() }

func (stuck) DaycareName(ctx context.Context) (string, error) {
	fmt.Println("in-call")
	<-ctx.Done()
	return "", ctx.Err()
}

func (stuck) ImportCSV(ctx context.Context, _ *app.Handle, _ []byte, _ string, progress func(done, total int)) ([]app.Imported, error) {
	progress(1, 100)
	fmt.Println("in-call")
	<-ctx.Done()
	return nil, ctx.Err()
}

// TestChildStuckService is the service of TestKilledServiceMidCall, in a
// process of its own; by itself it does nothing.
func TestChildStuckService(t *testing.T) {
	addr := os.Getenv(stuckAddr)
	if addr == "" {
		t.Skip("the child of TestKilledServiceMidCall")
	}
	l, err := Listen(addr)
	if err != nil {
		t.Fatal(err)
	}
	go NewServer(stuck{}, "stuck").Serve(l)
	fmt.Println("ready")
	time.Sleep(time.Minute) // killed long before
}

// startStuck runs the stuck service in a child process; its lines come on
// the channel.
func startStuck(t *testing.T) (*exec.Cmd, string, <-chan string) {
	t.Helper()
	addr := testAddr(t.TempDir())
	cmd := exec.Command(os.Args[0], "-test.run=^TestChildStuckService$", "-test.count=1")
	cmd.Env = append(os.Environ(), stuckAddr+"="+addr)
	out, err := cmd.StdoutPipe()
	if err != nil {
		t.Fatal(err)
	}
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { cmd.Process.Kill(); cmd.Wait() })
	lines := make(chan string, 10)
	go func() {
		s := bufio.NewScanner(out)
		for s.Scan() {
			lines <- s.Text()
		}
		close(lines)
	}()
	waitFor(t, lines, "ready")
	return cmd, addr, lines
}

func waitFor(t *testing.T, lines <-chan string, want string) {
	t.Helper()
	timeout := time.After(time.Minute)
	for {
		select {
		case l, ok := <-lines:
			if !ok {
				t.Fatalf("the child ended before %q", want)
			}
			if l == want {
				return
			}
		case <-timeout:
			t.Fatalf("no %q from the child", want)
		}
	}
}

// A service killed (SIGKILL on Unix) in the middle of a call, unary or
// streaming, is "service_unavailable" for the client: an error, never a
// panic or a hang.
func TestKilledServiceMidCall(t *testing.T) {
	t.Run("unary", func(t *testing.T) {
		cmd, addr, lines := startStuck(t)
		c := newTestClient(t, addr)
		done := make(chan error, 1)
		go func() {
			_, err := c.DaycareName(t.Context())
			done <- err
		}()
		waitFor(t, lines, "in-call")
		if err := cmd.Process.Kill(); err != nil {
			t.Fatal(err)
		}
		appError(t, <-done, app.EUNAVAILABLE, ReasonServiceUnavailable)
		// And the next call too, the socket still on disk.
		_, err := c.DaycareName(t.Context())
		appError(t, err, app.EUNAVAILABLE, ReasonServiceUnavailable)
	})
	t.Run("stream", func(t *testing.T) {
		cmd, addr, lines := startStuck(t)
		c := newTestClient(t, addr)
		h := app.NewHandle("token", app.HandleView{Step: app.StepSignedIn})
		progressed := make(chan bool, 1)
		done := make(chan error, 1)
		go func() {
			_, err := c.ImportCSV(t.Context(), h, []byte("x"), "", func(int, int) { progressed <- true })
			done <- err
		}()
		waitFor(t, lines, "in-call")
		<-progressed // the stream is open: a message came
		if err := cmd.Process.Kill(); err != nil {
			t.Fatal(err)
		}
		appError(t, <-done, app.EUNAVAILABLE, ReasonServiceUnavailable)
		if h.Step() != app.StepSignedIn {
			t.Errorf("the handle's view changed: %+v", h.View())
		}
	})
}

// halfFile is a service that sends part of a backup, then stops: its
// server is closed under it.
type halfFile struct {
	Base
	sent chan struct{}
}

func (s *halfFile) WriteBackup(ctx context.Context, _ *pb.WriteBackupRequest, stream *connect.ServerStream[pb.WriteBackupResponse]) error {
	if err := stream.Send(&pb.WriteBackupResponse{Part: &pb.WriteBackupResponse_Chunk{Chunk: make([]byte, 1000)}}); err != nil {
		return err
	}
	close(s.sent)
	<-ctx.Done()
	return ctx.Err()
}

// A backup whose stream is cut leaves nothing in the person's folder: no
// file, no temporary file.
func TestCutBackupLeavesNothing(t *testing.T) {
	svc := &halfFile{sent: make(chan struct{})}
	dir := t.TempDir()
	addr := testAddr(dir)
	l, err := Listen(addr)
	if err != nil {
		t.Fatal(err)
	}
	path, h := newHandler(svc, ours, time.Now)
	srv := newServer(path, h, nil)
	go srv.Serve(l)
	c := newTestClient(t, addr)
	out := filepath.Join(t.TempDir(), "garderie.apetitspas")
	done := make(chan error, 1)
	go func() {
		_, _, err := c.WriteBackup(t.Context(), app.NewHandle("t", app.HandleView{}),
			app.BackupRequest{Out: out, Passphrase: "une phrase de passe assez longue"})
		done <- err
	}()
	<-svc.sent
	time.Sleep(50 * time.Millisecond) // the chunk reaches the client's file
	srv.Close()
	err = <-done
	appError(t, err, app.EUNAVAILABLE, ReasonServiceUnavailable)
	entries, _ := os.ReadDir(filepath.Dir(out))
	if len(entries) != 0 {
		t.Errorf("left in the folder: %v", entries)
	}
}
