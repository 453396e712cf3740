//go:build linux || darwin

package rpc

import (
	"fmt"
	"net"
	"os/user"
	"strconv"

	"github.com/apetitspas/apetitspas/app"
)

// connPeer asks the kernel who connected: the effective uid of the
// process at its connect(2), kept by the kernel whatever the process
// became or says since.
func connPeer(c net.Conn) peerFunc {
	u, err := socketPeer(c)
	return func() (app.OSUser, error) { return u, err }
}

func socketPeer(c net.Conn) (app.OSUser, error) {
	uc, ok := c.(*net.UnixConn)
	if !ok {
		return app.OSUser{}, fmt.Errorf("rpc: a %T has no peer credentials", c)
	}
	raw, err := uc.SyscallConn()
	if err != nil {
		return app.OSUser{}, fmt.Errorf("rpc: peer credentials: %w", err)
	}
	var uid uint32
	var uidErr error
	if err := raw.Control(func(fd uintptr) { uid, uidErr = peerUID(int(fd)) }); err != nil {
		return app.OSUser{}, fmt.Errorf("rpc: peer credentials: %w", err)
	}
	if uidErr != nil {
		return app.OSUser{}, fmt.Errorf("rpc: peer credentials: %w", uidErr)
	}
	return unixUser(uid), nil
}

// unixUser is the account of a uid: root is elevated; the name is looked
// up, and a uid without a name is named as the tool names it ("uid=N").
func unixUser(uid uint32) app.OSUser {
	id := strconv.FormatUint(uint64(uid), 10)
	u := app.OSUser{Elevated: uid == 0, Name: "uid=" + id}
	if found, err := user.LookupId(id); err == nil && found.Username != "" {
		u.Name = found.Username
	}
	return u
}
