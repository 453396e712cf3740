//go:build !windows

package rpc

import (
	"errors"
	"net"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/apetitspas/apetitspas/app"
)

// staleSocket leaves in dir the socket file of a service that died, and
// returns its address.
func staleSocket(t *testing.T, dir string) string {
	t.Helper()
	path := filepath.Join(dir, "stale.sock")
	l, err := net.ListenUnix("unix", &net.UnixAddr{Name: path, Net: "unix"})
	if err != nil {
		t.Fatal(err)
	}
	l.SetUnlinkOnClose(false)
	l.Close()
	if _, err := os.Lstat(path); err != nil {
		t.Fatal(err)
	}
	return "unix:" + path
}

func TestStaleSocketIsServiceDown(t *testing.T) {
	_, err := client(t, staleSocket(t, t.TempDir())).Hello(t.Context(), hello())
	appError(t, err, app.EUNAVAILABLE, ReasonServiceUnavailable)
}

func TestListen(t *testing.T) {
	dir := t.TempDir()

	// Everyone may connect: the folder decides who reaches it.
	addr := "unix:" + filepath.Join(dir, "a.sock")
	l, err := Listen(addr)
	if err != nil {
		t.Fatal(err)
	}
	defer l.Close()
	if fi, err := os.Stat(filepath.Join(dir, "a.sock")); err != nil || fi.Mode().Perm() != 0o666 {
		t.Errorf("socket mode %v (%v), want 0666", fi.Mode(), err)
	}

	// A second service does not take a live socket.
	if l2, err := Listen(addr); err == nil {
		l2.Close()
		t.Error("a second Listen on a live socket succeeded")
	}

	// A dead service's socket is taken over.
	l3, err := Listen(staleSocket(t, dir))
	if err != nil {
		t.Fatalf("stale socket: %v", err)
	}
	l3.Close()

	// Anything but a socket is left alone.
	file := filepath.Join(dir, "file")
	if err := os.WriteFile(file, []byte("keep"), 0o600); err != nil {
		t.Fatal(err)
	}
	if l4, err := Listen("unix:" + file); err == nil {
		l4.Close()
		t.Error("Listen replaced a file")
	}
	if b, err := os.ReadFile(file); err != nil || string(b) != "keep" {
		t.Errorf("the file became %q (%v)", b, err)
	}

	// Closing removes the socket.
	l.Close()
	if _, err := os.Lstat(filepath.Join(dir, "a.sock")); !errors.Is(err, os.ErrNotExist) {
		t.Errorf("the socket outlived its listener: %v", err)
	}
}

func TestAddresses(t *testing.T) {
	for _, addr := range []string{"", "unix:", "pipe:", "tcp:127.0.0.1:1", "/run/apetitspas.sock", "http://x"} {
		if l, err := Listen(addr); err == nil {
			l.Close()
			t.Errorf("Listen(%q) succeeded", addr)
		}
		if _, _, err := Dial(addr); err == nil {
			t.Errorf("Dial(%q) succeeded", addr)
		}
	}
	// Pipes are Windows'.
	if _, err := Listen("pipe:apetitspas"); err == nil || !strings.Contains(err.Error(), "unix:") {
		t.Errorf("Listen(pipe:) = %v", err)
	}
}
