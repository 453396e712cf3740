package data

import "golang.org/x/sys/unix"

// Linux file-system magic numbers of network file systems (statfs(2)).
var networkMagic = map[int64]string{
	0x6969:     "NFS",
	0x517b:     "SMB",
	0xff534d42: "CIFS",
	0xfe534d42: "SMB2",
	0x564c:     "NCP",
	0x65735546: "FUSE (possibly sshfs)",
	0x01021997: "9P",
	0x73757245: "Coda",
	0x5346414f: "AFS",
	0x6b414653: "kAFS",
}

// networkFS reports whether dir is on a network file system, and which.
// FUSE is not refused: most FUSE file systems are local.
func networkFS(dir string) (bool, string) {
	var st unix.Statfs_t
	if err := unix.Statfs(dir, &st); err != nil {
		return false, ""
	}
	return isNetworkMagic(int64(st.Type))
}

func isNetworkMagic(t int64) (bool, string) {
	name, ok := networkMagic[t]
	if !ok || t == 0x65735546 {
		return false, ""
	}
	return true, name
}
