//go:build !windows

package rpc

import (
	"context"
	"errors"
	"fmt"
	"io/fs"
	"net"
	"os"
	"syscall"
	"time"
)

func listenUnix(path string) (net.Listener, error) {
	l, err := net.Listen("unix", path)
	if errors.Is(err, syscall.EADDRINUSE) && stale(path) {
		// What a killed service leaves behind: nobody answers on it.
		if err := os.Remove(path); err != nil {
			return nil, fmt.Errorf("rpc: removing the stale socket: %w", err)
		}
		l, err = net.Listen("unix", path)
	}
	if err != nil {
		return nil, fmt.Errorf("rpc: %w", err)
	}
	if err := os.Chmod(path, 0o666); err != nil {
		l.Close()
		return nil, fmt.Errorf("rpc: %w", err)
	}
	return l, nil
}

// stale: path is a socket and connecting to it is refused. A socket that
// answers, is slow to, or cannot be tried is left alone (a second service
// must not take the first one's place), and so is anything but a socket.
func stale(path string) bool {
	fi, err := os.Lstat(path)
	if err != nil || fi.Mode().Type() != fs.ModeSocket {
		return false
	}
	c, err := net.DialTimeout("unix", path, time.Second)
	if err == nil {
		c.Close()
		return false
	}
	return errors.Is(err, syscall.ECONNREFUSED)
}

func dialUnix(ctx context.Context, path string) (net.Conn, error) {
	var d net.Dialer
	return d.DialContext(ctx, "unix", path)
}

func listenPipe(string) (net.Listener, error) {
	return nil, errors.New("rpc: named pipes are Windows': use unix:/path/to/socket")
}

func dialPipe(context.Context, string) (net.Conn, error) {
	return nil, errors.New("rpc: named pipes are Windows': use unix:/path/to/socket")
}
