package data

import "testing"

func TestNetworkFileSystemsOfLinuxAreRecognized(t *testing.T) {
	for magic, want := range map[int64]bool{0x6969: true, 0xff534d42: true, 0xfe534d42: true, 0x517b: true,
		0xef53: false /* ext4 */, 0x58465342: false /* xfs */, 0x01021994: false /* tmpfs */, 0x65735546: false /* fuse */} {
		if got, _ := isNetworkMagic(magic); got != want {
			t.Errorf("magic %#x: %v, want %v", magic, got, want)
		}
	}
	if remote, what := networkFS(t.TempDir()); remote {
		t.Fatalf("the test's own temporary folder is taken for a network share (%s)", what)
	}
}
