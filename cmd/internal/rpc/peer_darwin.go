package rpc

import "golang.org/x/sys/unix"

// peerUID: LOCAL_PEERCRED (the effective uid; the groups are not needed).
func peerUID(fd int) (uint32, error) {
	cred, err := unix.GetsockoptXucred(fd, unix.SOL_LOCAL, unix.LOCAL_PEERCRED)
	if err != nil {
		return 0, err
	}
	return cred.Uid, nil
}
