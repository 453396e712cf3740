//go:build unix

package data_test

import (
	"os"
	"path/filepath"
	"strings"
	"syscall"
	"testing"

	"github.com/apetitspas/apetitspas/app"
	"github.com/apetitspas/apetitspas/data"
)

// wantInsecure checks that Locate refuses the configuration with
// ReasonConfigInsecure naming the file, and opens nothing instead.
func wantInsecure(t *testing.T, config string) {
	t.Helper()
	p, err := data.Locate("", false)
	ae := wantReason(t, err, app.ReasonConfigInsecure)
	if ae.Detail != config {
		t.Errorf("Detail = %q, want the configuration file %s", ae.Detail, config)
	}
	if p != (data.Place{}) {
		t.Errorf("Locate gave %+v with an insecure configuration, want nothing", p)
	}
	if _, found, err := data.ReadConfig(config); !found || app.ErrorReason(err) != app.ReasonConfigInsecure {
		t.Errorf("ReadConfig = %v, %v; want ReasonConfigInsecure", found, err)
	}
}

// wantTrusted checks that Locate takes the configuration.
func wantTrusted(t *testing.T, shared string) {
	t.Helper()
	p, err := data.Locate("", false)
	if err != nil || p.DB != shared || !p.Shared || p.Source != data.SourceConfig {
		t.Fatalf("Locate = %+v, %v; want the machine-wide place %s", p, err, shared)
	}
}

func chown(t *testing.T, path string, uid, gid int) {
	t.Helper()
	if err := os.Lchown(path, uid, gid); err != nil {
		t.Fatal(err)
	}
}

// A configuration that another account may write, or that lives in a
// folder where another account may replace it, sends every account of
// the computer (root's tool included) where that account chose: it is
// refused with config_insecure, never replaced by the user's own place.
func TestAConfigurationOthersMayWriteIsRefused(t *testing.T) {
	_, config := placeEnv(t)
	dir := filepath.Dir(config)
	shared := filepath.Join(t.TempDir(), "apetitspas.db")
	writeConfig(t, config, "db = '"+shared+"'\n")
	chmod(t, dir, 0o755)
	wantTrusted(t, shared)

	t.Run("the file writable by every account (0666)", func(t *testing.T) {
		restore := chmod(t, config, 0o666)
		wantInsecure(t, config)
		// --db is still the way out, and does not take the file's key folder.
		if p, err := data.Locate(shared, false); err != nil || p.DB != shared || p.Shared {
			t.Errorf("--db with an insecure configuration: %+v, %v", p, err)
		}
		restore()
		wantTrusted(t, shared)
	})
	t.Run("the file writable by its group", func(t *testing.T) {
		if os.Geteuid() != 0 {
			t.Skip("chown to another group needs root")
		}
		chown(t, config, 0, 65534)
		defer chown(t, config, 0, 0)
		chmod(t, config, 0o664)
		wantInsecure(t, config)
		chown(t, config, 0, 0) // root's group: only root is in it
		wantTrusted(t, shared)
	})
	t.Run("the file owned by another account", func(t *testing.T) {
		if os.Geteuid() != 0 {
			t.Skip("chown to another account needs root")
		}
		chown(t, config, 65534, 65534)
		defer chown(t, config, 0, 0)
		chmod(t, config, 0o644)
		wantInsecure(t, config)
	})
	t.Run("the folder writable by every account, no sticky bit", func(t *testing.T) {
		restore := chmod(t, dir, 0o777)
		wantInsecure(t, config)
		// With the sticky bit (as /tmp) nobody but its owner may rename or
		// remove the file.
		chmod(t, dir, 0o777|os.ModeSticky)
		wantTrusted(t, shared)
		restore()
	})
	t.Run("a folder above it writable by every account", func(t *testing.T) {
		restore := chmod(t, filepath.Dir(dir), 0o777)
		wantInsecure(t, config)
		restore()
		wantTrusted(t, shared)
	})
	t.Run("the folder owned by another account", func(t *testing.T) {
		if os.Geteuid() != 0 {
			t.Skip("chown to another account needs root")
		}
		chown(t, dir, 65534, 65534)
		defer chown(t, dir, 0, 0)
		wantInsecure(t, config)
	})
	t.Run("reached through a link to a folder others may write", func(t *testing.T) {
		open := filepath.Join(t.TempDir(), "open")
		if err := os.Mkdir(open, 0o755); err != nil {
			t.Fatal(err)
		}
		chmod(t, open, 0o777)
		writeConfig(t, filepath.Join(open, "config.toml"), "db = '"+shared+"'\n")
		link := filepath.Join(t.TempDir(), "etc")
		if err := os.Symlink(open, link); err != nil {
			t.Fatal(err)
		}
		linked := filepath.Join(link, "config.toml")
		t.Setenv("APETITSPAS_CONFIG", linked)
		wantInsecure(t, linked)
	})
}

// What configure writes (root's, 0644; or 0640 for the group when a URL
// carries a password) is trusted, by root and by the group's members.
func TestWhatConfigureWritesIsTrusted(t *testing.T) {
	_, config := placeEnv(t)
	shared := filepath.Join(t.TempDir(), "apetitspas.db")
	for _, perm := range []os.FileMode{0o644, 0o640, 0o600} {
		if err := data.WriteConfig(config, data.Config{DB: shared}, perm); err != nil {
			t.Fatal(err)
		}
		wantTrusted(t, shared)
	}
	fi, err := os.Stat(config)
	if err != nil {
		t.Fatal(err)
	}
	if st := fi.Sys().(*syscall.Stat_t); int(st.Uid) != os.Geteuid() {
		t.Fatalf("WriteConfig made a file of uid %d", st.Uid)
	}
	// The error names what is wrong, for the technician's log.
	chmod(t, config, 0o646)
	_, _, err = data.ReadConfig(config)
	if err == nil || !strings.Contains(err.Error(), "0646") {
		t.Errorf("ReadConfig of a 0646 file: %v", err)
	}
}
