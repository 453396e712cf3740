//go:build unix

package data_test

import (
	"os"
	"path/filepath"
	"syscall"
	"testing"

	"github.com/apetitspas/apetitspas/app"
	"github.com/apetitspas/apetitspas/data"
)

// ownedBy checks path's owner and group.
func ownedBy(t *testing.T, path string, uid, gid int) {
	t.Helper()
	fi, err := os.Lstat(path)
	if err != nil {
		t.Fatal(err)
	}
	if st := fi.Sys().(*syscall.Stat_t); int(st.Uid) != uid || int(st.Gid) != gid {
		t.Errorf("%s belongs to %d:%d, want %d:%d", path, st.Uid, st.Gid, uid, gid)
	}
}

// chownAll gives path and everything below it to uid:gid.
func chownAll(t *testing.T, path string, uid, gid int) {
	t.Helper()
	err := filepath.Walk(path, func(p string, _ os.FileInfo, err error) error {
		if err != nil {
			return err
		}
		return os.Lchown(p, uid, gid)
	})
	if err != nil {
		t.Fatal(err)
	}
}

// As root (service install): a user's own daycare, her files, adopted for
// the service's account; a key file that is not hers is refused.
func TestAdoptedFilesBelongToTheServicesAccount(t *testing.T) {
	if os.Geteuid() != 0 {
		t.Skip("giving files to another account needs root (CI runs as root)")
	}
	const userID, serviceID = 2, 1 // bin and daemon: accounts of every Debian
	home := t.TempDir()
	src := data.UserAdoptSource(home)
	keys := data.NewKeyRing(src.KeyDir, false)
	adoptDaycare(t, src.DB, keys, "Garderie de Julie")
	chownAll(t, filepath.Dir(src.DB), userID, userID)

	// Her key file given to root: not hers, refused.
	entries, _ := os.ReadDir(src.KeyDir)
	keyFile := filepath.Join(src.KeyDir, entries[0].Name())
	chown(t, keyFile, 0, 0)
	dir := data.ServiceDir(filepath.Join(t.TempDir(), "service"))
	if _, err := data.Adopt(ctx, dir, src, data.Owner{UID: serviceID, GID: serviceID}, technicien, trustedOf); app.ErrorReason(err) != app.ReasonKeyInsecure {
		t.Fatalf("Adopt with a key file that is not the user's: %v; want key_insecure", err)
	}
	chown(t, keyFile, userID, userID)

	rep, err := data.Adopt(ctx, dir, src, data.Owner{UID: serviceID, GID: serviceID}, technicien, trustedOf)
	if err != nil || rep.MarkErr != nil {
		t.Fatalf("Adopt: %+v, %v", rep, err)
	}
	for _, p := range []string{string(dir), dir.DB(), dir.KeyDir(), filepath.Join(dir.KeyDir(), rep.KeyID+".key")} {
		ownedBy(t, p, serviceID, serviceID)
	}
	// The old database stays hers, and root left nothing of its own in
	// her folder (SQLite's -wal and -shm go when the last connection
	// closes).
	ownedBy(t, src.DB, userID, userID)
	for _, suffix := range []string{"-wal", "-shm"} {
		if _, err := os.Stat(src.DB + suffix); !os.IsNotExist(err) {
			t.Errorf("%s%s was left in the user's folder: %v", src.DB, suffix, err)
		}
	}
}

// A strict umask (077) would make new folders their maker's alone: the
// folders made above the service's are opened on purpose.
func TestFoldersAboveTheServicesStayOpen(t *testing.T) {
	old := syscall.Umask(0o077)
	defer syscall.Umask(old)
	root := t.TempDir()
	deep := filepath.Join(root, "var", "lib", "apetitspas")
	if err := data.MakeOpenFolders(deep); err != nil {
		t.Fatal(err)
	}
	for _, p := range []string{filepath.Join(root, "var"), filepath.Join(root, "var", "lib"), deep} {
		mode(t, p, 0o755)
	}
	mode(t, root, 0o700) // there already: left as it was
}
