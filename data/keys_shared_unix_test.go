//go:build unix

package data_test

import (
	"errors"
	"os"
	"path/filepath"
	"strings"
	"syscall"
	"testing"

	"github.com/apetitspas/apetitspas/app"
	"github.com/apetitspas/apetitspas/data"
)

// newSharedKey makes the machine-wide key folder (mode 0750) and its key
// (mode 0640, the folder's group), as "apetitspas-admin configure" does.
func newSharedKey(t *testing.T) (k *data.SharedKeyRing, id string, key []byte, path string) {
	t.Helper()
	dir := filepath.Join(t.TempDir(), "keys")
	if err := os.Mkdir(dir, 0o750); err != nil {
		t.Fatal(err)
	}
	chmod(t, dir, 0o750)
	k = data.NewSharedKeyRing(dir)
	id, err := k.NewKey()
	if err != nil {
		t.Fatal(err)
	}
	path = filepath.Join(dir, id+".key")
	fi, err := os.Lstat(path)
	if err != nil || fi.Mode() != 0o640 {
		t.Fatalf("NewKey made %s with mode %v (%v), want 0640", path, fi.Mode(), err)
	}
	dfi, _ := os.Stat(dir)
	if fi.Sys().(*syscall.Stat_t).Gid != dfi.Sys().(*syscall.Stat_t).Gid {
		t.Errorf("the key file's group is not its folder's")
	}
	key, err = k.Key(id)
	if err != nil || len(key) != 32 {
		t.Fatalf("Key = %x, %v", key, err)
	}
	return k, id, key, path
}

func TestTheSharedKeyRingGivesEveryoneTheKeyAlreadyThere(t *testing.T) {
	k, id, key, path := newSharedKey(t)
	for i := 0; i < 3; i++ {
		again, err := data.NewSharedKeyRing(filepath.Dir(path)).NewKey()
		if err != nil || again != id {
			t.Fatalf("NewKey with a key in the folder = %q, %v; want that key %q", again, err, id)
		}
	}
	if entries, _ := os.ReadDir(filepath.Dir(path)); len(entries) != 1 {
		t.Errorf("the folder holds %d files, want the one key", len(entries))
	}
	// Importing it again is a no-op; another key under its name is refused.
	if err := k.ImportKey(id, key); err != nil {
		t.Errorf("ImportKey of the same key: %v", err)
	}
	other := make([]byte, 32)
	if err := k.ImportKey(id, other); !errors.Is(err, app.ErrKeyConflict) {
		t.Errorf("ImportKey of another key under the same id: %v", err)
	}
	// A key imported (a daycare moved in) is kept with the same rules.
	moved := "00112233445566778899aabbccddeeff"
	if err := k.ImportKey(moved, other); err != nil {
		t.Fatal(err)
	}
	if fi, err := os.Stat(filepath.Join(filepath.Dir(path), moved+".key")); err != nil || fi.Mode() != 0o640 {
		t.Errorf("imported key file mode %v, %v; want 0640", fi.Mode(), err)
	}
	if got, err := k.Key(moved); err != nil || string(got) != string(other) {
		t.Errorf("Key of the imported key = %x, %v", got, err)
	}
}

func TestASharedKeyFileOthersCanReadOrChangeIsInsecure(t *testing.T) {
	cases := []struct {
		name  string
		spoil func(t *testing.T, dir, path string)
		says  string
	}{
		{"file readable by others 0644", func(t *testing.T, _, path string) { chmod(t, path, 0o644) }, "has mode 0644"},
		{"file writable by the group 0660", func(t *testing.T, _, path string) { chmod(t, path, 0o660) }, "has mode 0660"},
		{"file writable by others 0642", func(t *testing.T, _, path string) { chmod(t, path, 0o642) }, "has mode 0642"},
		{"file of another user", func(t *testing.T, _, path string) { chownToNobody(t, path) }, "belongs to uid 65534"},
		{"folder writable by the group 0770", func(t *testing.T, dir, _ string) { chmod(t, dir, 0o770) }, "has mode 0770"},
		{"folder writable by others 0757", func(t *testing.T, dir, _ string) { chmod(t, dir, 0o757) }, "has mode 0757"},
		{"folder of another user", func(t *testing.T, dir, _ string) { chownToNobody(t, dir) }, "belongs to uid 65534"},
		{"symbolic link", func(t *testing.T, dir, path string) {
			target := filepath.Join(dir, "elsewhere")
			if err := os.Rename(path, target); err != nil {
				t.Fatal(err)
			}
			if err := os.Symlink(target, path); err != nil {
				t.Fatal(err)
			}
		}, "is a symbolic link"},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			k, id, want, path := newSharedKey(t)
			dir := filepath.Dir(path)
			c.spoil(t, dir, path)
			key, err := k.Key(id)
			if !errors.Is(err, app.ErrKeyInsecure) || errors.Is(err, app.ErrKeyMissing) {
				t.Fatalf("Key error = %v, want one wrapping only ErrKeyInsecure", err)
			}
			if string(key) != string(want) {
				t.Errorf("Key = %x, want the key with the error", key)
			}
			named := path
			if strings.HasPrefix(c.name, "folder") {
				named = dir
			}
			if !strings.Contains(err.Error(), named+" "+c.says) {
				t.Errorf("error %q does not say %q", err, named+" "+c.says)
			}
			// NewKey does not hand out an insecure key, nor make another.
			if got, err := k.NewKey(); err == nil {
				t.Errorf("NewKey with an insecure key in the folder = %q", got)
			}
		})
	}
}

func TestSafeSharedKeyFilesAreAccepted(t *testing.T) {
	k, id, want, path := newSharedKey(t)
	for _, dmode := range []os.FileMode{0o750, 0o755, 0o710, 0o700, 0o550} {
		chmod(t, filepath.Dir(path), dmode)
		for _, fmode := range []os.FileMode{0o640, 0o600, 0o440, 0o400} {
			chmod(t, path, fmode)
			if key, err := k.Key(id); err != nil || string(key) != string(want) {
				t.Errorf("folder %04o, file %04o: Key = %x, %v", dmode, fmode, key, err)
			}
		}
	}
	// The user's own key ring keeps its stricter rules: a 0640 file there
	// is refused.
	chmod(t, filepath.Dir(path), 0o700)
	chmod(t, path, 0o640)
	if _, err := data.NewKeyRing(filepath.Dir(path), false).Key(id); !errors.Is(err, app.ErrKeyInsecure) {
		t.Errorf("the user's key ring accepted a 0640 key file: %v", err)
	}
}

func TestASharedKeyOwnedByRootIsAcceptedForAMember(t *testing.T) {
	// Made by root, read by an unprivileged account (uid 65534) that may
	// read it through the group (here: others may not, the group is
	// nobody's group).
	if os.Geteuid() != 0 && os.Getenv(childEnv) == "" {
		t.Skip("needs root to make root's key and run as another user")
	}
	if os.Getenv(childEnv) == "" {
		dir := filepath.Join(t.TempDir(), "keys")
		if err := os.Mkdir(dir, 0o750); err != nil {
			t.Fatal(err)
		}
		os.Chmod(filepath.Dir(dir), 0o755)
		os.Chmod(filepath.Dir(filepath.Dir(dir)), 0o755)
		if err := os.Chown(dir, 0, nobody); err != nil {
			t.Fatal(err)
		}
		id, err := data.NewSharedKeyRing(dir).NewKey()
		if err != nil {
			t.Fatal(err)
		}
		t.Setenv("APETITSPAS_TEST_SHARED_KEYS", dir+"|"+id)
	}
	asUnprivileged(t, func(t *testing.T) {
		dir, id, _ := strings.Cut(os.Getenv("APETITSPAS_TEST_SHARED_KEYS"), "|")
		k := data.NewSharedKeyRing(dir)
		if key, err := k.Key(id); err != nil || len(key) != 32 {
			t.Fatalf("a member reading root's key: %x, %v", key, err)
		}
		if got, err := k.NewKey(); err != nil || got != id {
			t.Errorf("NewKey as a member = %q, %v; want root's key %q", got, err, id)
		}
		// A member cannot add a key (only root writes the folder).
		if err := k.ImportKey("00112233445566778899aabbccddeeff", make([]byte, 32)); err == nil {
			t.Error("a member wrote into the machine-wide key folder")
		}
	})
}
