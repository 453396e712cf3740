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

// newKeyFile makes a key in a key-file ring in a new folder of mode 0700
// and returns the ring, the key id, the key and the key file's path.
func newKeyFile(t *testing.T) (k *data.KeyRing, id string, key []byte, path string) {
	t.Helper()
	dir := filepath.Join(t.TempDir(), "keys")
	k = data.NewKeyRing(dir, false)
	id, err := k.NewKey()
	if err != nil {
		t.Fatal(err)
	}
	path = filepath.Join(dir, id+".key")
	for p, want := range map[string]os.FileMode{dir: os.ModeDir | 0o700, path: 0o600} {
		if fi, err := os.Lstat(p); err != nil || fi.Mode() != want {
			t.Fatalf("NewKey made %s with mode %v (%v), want %v", p, fi.Mode(), err, want)
		}
	}
	key, err = k.Key(id)
	if err != nil || len(key) != 32 {
		t.Fatalf("Key of a safe key file = %x, %v", key, err)
	}
	return k, id, key, path
}

// chown gives path to uid 65534, skipping the test when that is not
// allowed (not root).
func chownToNobody(t *testing.T, path string) {
	t.Helper()
	if err := os.Lchown(path, nobody, nobody); err != nil {
		if errors.Is(err, syscall.EPERM) {
			t.Skipf("cannot give %s to another user: %v", path, err)
		}
		t.Fatal(err)
	}
	t.Cleanup(func() { _ = os.Lchown(path, os.Geteuid(), os.Getegid()) })
}

func TestAKeyFileOthersCanReadOrReplaceIsInsecure(t *testing.T) {
	cases := []struct {
		name string
		// spoil makes the key file or its folder unsafe.
		spoil func(t *testing.T, dir, path string)
		says  string // in the error, after the path
	}{
		{"file of mode 0644", func(t *testing.T, _, path string) { chmod(t, path, 0o644) }, "has mode 0644"},
		{"file of mode 0666", func(t *testing.T, _, path string) { chmod(t, path, 0o666) }, "has mode 0666"},
		{"file of mode 0640", func(t *testing.T, _, path string) { chmod(t, path, 0o640) }, "has mode 0640"},
		{"file of mode 0604", func(t *testing.T, _, path string) { chmod(t, path, 0o604) }, "has mode 0604"},
		{"file of another user", func(t *testing.T, _, path string) { chownToNobody(t, path) }, "belongs to uid 65534"},
		{"folder of mode 0777", func(t *testing.T, dir, _ string) { chmod(t, dir, 0o777) }, "has mode 0777"},
		{"folder of mode 0770", func(t *testing.T, dir, _ string) { chmod(t, dir, 0o770) }, "has mode 0770"},
		{"folder of mode 0703", func(t *testing.T, dir, _ string) { chmod(t, dir, 0o703) }, "has mode 0703"},
		{"folder of another user", func(t *testing.T, dir, _ string) { chownToNobody(t, dir) }, "belongs to uid 65534"},
		{"symbolic link", func(t *testing.T, dir, path string) {
			// To a key file that is safe in itself, in the same folder.
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
			k, id, want, path := newKeyFile(t)
			dir := filepath.Dir(path)
			c.spoil(t, dir, path)
			key, err := k.Key(id)
			if !errors.Is(err, app.ErrKeyInsecure) || errors.Is(err, app.ErrKeyMissing) {
				t.Fatalf("Key error = %v, want one wrapping only ErrKeyInsecure", err)
			}
			if string(key) != string(want) {
				t.Errorf("Key = %x, want the key %x with the error", key, want)
			}
			named := path
			if strings.HasPrefix(c.name, "folder") {
				named = dir
			}
			if !strings.Contains(err.Error(), named+" "+c.says) {
				t.Errorf("error %q does not say %q", err, named+" "+c.says)
			}
		})
	}
}

func TestSafeKeyFoldersAndFilesAreAccepted(t *testing.T) {
	k, id, want, path := newKeyFile(t)
	for _, mode := range []os.FileMode{0o700, 0o755, 0o711, 0o500} {
		chmod(t, filepath.Dir(path), mode)
		for _, fmode := range []os.FileMode{0o600, 0o400} {
			chmod(t, path, fmode)
			if key, err := k.Key(id); err != nil || string(key) != string(want) {
				t.Errorf("folder %04o, file %04o: Key = %x, %v; want the key", mode, fmode, key, err)
			}
		}
	}
}

func TestNewKeyRefusesAFolderOthersCanWriteOrOfAnotherUser(t *testing.T) {
	cases := []struct {
		name  string
		spoil func(t *testing.T, dir string)
		says  string
	}{
		{"mode 0777", func(t *testing.T, dir string) { chmod(t, dir, 0o777) }, "has mode 0777"},
		{"mode 0720", func(t *testing.T, dir string) { chmod(t, dir, 0o720) }, "has mode 0720"},
		{"sticky 1777", func(t *testing.T, dir string) { chmod(t, dir, 0o777|os.ModeSticky) }, "has mode 0777"},
		{"another user's", func(t *testing.T, dir string) { chownToNobody(t, dir) }, "belongs to uid 65534"},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			dir := filepath.Join(t.TempDir(), "keys")
			if err := os.Mkdir(dir, 0o700); err != nil {
				t.Fatal(err)
			}
			c.spoil(t, dir)
			id, err := data.NewKeyRing(dir, false).NewKey()
			if !errors.Is(err, app.ErrKeyInsecure) || id != "" {
				t.Fatalf("NewKey = %q, %v; want a refusal wrapping ErrKeyInsecure", id, err)
			}
			if !strings.Contains(err.Error(), dir+" "+c.says) {
				t.Errorf("error %q does not say %q", err, dir+" "+c.says)
			}
			if entries, err := os.ReadDir(dir); err != nil || len(entries) != 0 {
				t.Errorf("the folder holds %v (%v), want nothing", entries, err)
			}
		})
	}
}

func TestNewKeyMakesAPrivateFolderAndAcceptsAnExistingSafeOne(t *testing.T) {
	newKeyFile(t) // a new folder, checked there
	dir := t.TempDir()
	chmod(t, dir, 0o755)
	k := data.NewKeyRing(dir, false)
	id, err := k.NewKey()
	if err != nil {
		t.Fatalf("NewKey in a folder of mode 0755: %v", err)
	}
	if _, err := k.Key(id); err != nil {
		t.Errorf("Key: %v", err)
	}
}

func TestMissingDamagedOrStrangeKeyFilesAreMissing(t *testing.T) {
	k, id, _, path := newKeyFile(t)
	other := "0123456789abcdef0123456789abcdef"
	if key, err := k.Key(other); !errors.Is(err, app.ErrKeyMissing) || key != nil {
		t.Errorf("Key of an absent key = %x, %v; want ErrKeyMissing", key, err)
	}

	// Damaged and readable by all: no key to give, so missing.
	writeFile(t, path, []byte("not base64\n"))
	chmod(t, path, 0o644)
	if key, err := k.Key(id); !errors.Is(err, app.ErrKeyMissing) || errors.Is(err, app.ErrKeyInsecure) || key != nil {
		t.Errorf("Key of a damaged key file = %x, %v; want ErrKeyMissing only", key, err)
	}

	// A FIFO in place of the key neither hangs nor counts as a key.
	if err := os.Remove(path); err != nil {
		t.Fatal(err)
	}
	if err := syscall.Mkfifo(path, 0o600); err != nil {
		t.Fatal(err)
	}
	if key, err := k.Key(id); !errors.Is(err, app.ErrKeyMissing) || key != nil {
		t.Errorf("Key of a FIFO = %x, %v; want ErrKeyMissing", key, err)
	}

	// A link to nowhere.
	if err := os.Remove(path); err != nil {
		t.Fatal(err)
	}
	if err := os.Symlink(filepath.Join(filepath.Dir(path), "nowhere"), path); err != nil {
		t.Fatal(err)
	}
	if key, err := k.Key(id); !errors.Is(err, app.ErrKeyMissing) || key != nil {
		t.Errorf("Key of a dangling link = %x, %v; want ErrKeyMissing", key, err)
	}
}
