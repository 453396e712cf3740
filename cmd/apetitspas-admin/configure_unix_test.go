//go:build unix

package main

import (
	"os"
	"os/user"
	"path/filepath"
	"strings"
	"syscall"
	"testing"

	"github.com/apetitspas/apetitspas/data"
)

// owned checks the owner, group and mode of path.
func owned(t *testing.T, path string, uid, gid int, mode os.FileMode) {
	t.Helper()
	fi, err := os.Lstat(path)
	if err != nil {
		t.Fatal(err)
	}
	st := fi.Sys().(*syscall.Stat_t)
	if int(st.Uid) != uid || int(st.Gid) != gid || fi.Mode() != mode {
		t.Errorf("%s is %d:%d %v, want %d:%d %v", path, st.Uid, st.Gid, fi.Mode(), uid, gid, mode)
	}
}

func TestConfigurePreparesTheMachineWidePlace(t *testing.T) {
	if os.Geteuid() != 0 {
		t.Skip("configure needs root (CI runs as root; the two-user test covers it end to end)")
	}
	newDB(t)
	root := t.TempDir()
	os.Chmod(root, 0o755)
	config := filepath.Join(root, "etc", "apetitspas", "config.toml")
	t.Setenv("APETITSPAS_CONFIG", config)
	g, err := user.LookupGroupId("65534")
	if err != nil {
		t.Skip("no group 65534 here")
	}
	dbPath := filepath.Join(root, "var", "apetitspas", "apetitspas.db")
	keys := filepath.Join(root, "etc", "apetitspas", "keys")

	// A group that does not exist: nothing written.
	code, _, errs := runTool([]string{"configure", "--db", dbPath, "--group", "pas-de-tel-groupe"}, "")
	if code != exitRefused || !strings.Contains(errs, "«\u00a0pas-de-tel-groupe\u00a0» n'existe pas") {
		t.Fatalf("configure with a missing group: exit %d, %s", code, errs)
	}
	// A network share: refused, nothing written.
	code, _, errs = runTool([]string{"configure", "--db", `\\serveur\partage\apetitspas.db`, "--group", g.Name}, "")
	if code != exitRefused || !strings.Contains(errs, "dossier réseau") {
		t.Fatalf("configure on a network share: exit %d, %s", code, errs)
	}
	if _, err := os.Stat(config); err == nil {
		t.Fatal("a refused configure wrote the configuration")
	}
	if _, err := os.Stat(filepath.Dir(dbPath)); err == nil {
		t.Fatal("a refused configure made the data folder")
	}

	code, out, errs := runTool([]string{"configure", "--db", dbPath, "--group", g.Name}, "")
	if code != exitOK {
		t.Fatalf("configure: exit %d\n%s%s", code, out, errs)
	}
	if !strings.Contains(out, config) || !strings.Contains(out, "usermod -aG "+g.Name) {
		t.Errorf("configure said:\n%s", out)
	}
	cfg, found, err := data.ReadConfig(config)
	if err != nil || !found || cfg != (data.Config{DB: dbPath, KeyDir: keys}) {
		t.Fatalf("configuration = %+v, %v, %v", cfg, found, err)
	}
	owned(t, config, 0, 0, 0o644)
	owned(t, filepath.Dir(dbPath), 0, 65534, os.ModeDir|os.ModeSetgid|0o770)
	owned(t, keys, 0, 65534, os.ModeDir|0o750)
	entries, _ := os.ReadDir(keys)
	if len(entries) != 1 {
		t.Fatalf("key folder holds %v, want one key", entries)
	}
	keyFile := filepath.Join(keys, entries[0].Name())
	owned(t, keyFile, 0, 65534, 0o640)

	// Again (after a restore, say): the same key, nothing else changes.
	if code, out, errs := runTool([]string{"configure", "--db", dbPath, "--group", g.Name}, ""); code != exitOK {
		t.Fatalf("configure again: exit %d\n%s%s", code, out, errs)
	}
	if again, _ := os.ReadDir(keys); len(again) != 1 || again[0].Name() != entries[0].Name() {
		t.Errorf("configure again made another key: %v", again)
	}

	// Both programs now find the daycare there, with no --db.
	t.Setenv("APETITSPAS_KEY_DIR", "")
	p, err := data.Locate("", false)
	if err != nil || p.DB != dbPath || !p.Shared || p.KeyDir != keys {
		t.Fatalf("Locate = %+v, %v", p, err)
	}
	if code, out, errs := runTool([]string{"setup", "--daycare", "CPE Commun", "--email", "a@cpe.ca", "--name", "Alice"}, pw+"\n"); code != exitOK {
		t.Fatalf("setup in the machine-wide place: exit %d\n%s%s", code, out, errs)
	}
	owned(t, dbPath, 0, 65534, 0o660)

	// A postgres URL with a password: the configuration readable by the
	// group only, the password never printed.
	url := "postgres://app:secret-pw@db.cpe.local/apetitspas?sslmode=verify-full"
	code, out, errs = runTool([]string{"configure", "--db", url, "--group", g.Name}, "")
	if code != exitOK || strings.Contains(out+errs, "secret-pw") {
		t.Fatalf("configure with a URL: exit %d\n%s%s", code, out, errs)
	}
	owned(t, config, 0, 65534, 0o640)
	if cfg, _, err := data.ReadConfig(config); err != nil || cfg.DB != url {
		t.Errorf("configuration with a URL: %+v, %v", cfg, err)
	}
}

// On Linux a member cannot add a key to the machine-wide folder: a
// daycare of a user's own place reaches it by a backup, then a restore by
// root, which gives the database and the key to the group.
func TestARestoreIntoTheMachineWidePlaceIsTheGroups(t *testing.T) {
	if os.Geteuid() != 0 {
		t.Skip("configure needs root (CI runs as root)")
	}
	g, err := user.LookupGroupId("65534")
	if err != nil {
		t.Skip("no group 65534 here")
	}
	_, file, secretA := backedUp(t)
	root := t.TempDir()
	os.Chmod(root, 0o755)
	config := filepath.Join(root, "etc", "config.toml")
	t.Setenv("APETITSPAS_CONFIG", config)
	shared := filepath.Join(root, "var", "apetitspas.db")
	keys := filepath.Join(root, "etc", "keys")
	if code, out, errs := runTool([]string{"configure", "--db", shared, "--group", g.Name}, ""); code != exitOK {
		t.Fatalf("configure: exit %d\n%s%s", code, out, errs)
	}
	t.Setenv("APETITSPAS_KEY_DIR", filepath.Join(t.TempDir(), "nobody's"))
	if code, out, errs := runTool([]string{"restore", "--from", file}, passphrase+"\n"); code != exitOK || !strings.Contains(out, shared) {
		t.Fatalf("restore into the machine-wide place: exit %d\n%s%s", code, out, errs)
	}
	owned(t, shared, 0, 65534, 0o660)
	entries, _ := os.ReadDir(keys)
	if len(entries) != 2 {
		t.Fatalf("key folder: %v, want configure's key and the daycare's", entries)
	}
	for _, e := range entries {
		owned(t, filepath.Join(keys, e.Name()), 0, 65534, 0o640)
	}
	// Everyone signs in with their codes, through the machine-wide key.
	if code, out, errs := runTool([]string{"policy", "enforce-staff", "on", "--by", "a@cpe.ca"}, creds(codeFor(t, secretA))); code != exitOK {
		t.Fatalf("a sign-in with AMF after the restore: exit %d\n%s%s", code, out, errs)
	}
}

// configure reads back what it wrote as the app will: in a folder that
// every account may write into, the file would not be trusted, and
// configure says so at once (config_insecure) with the commands to run.
func TestConfigureSaysWhenTheConfigurationsFolderIsOpenToAll(t *testing.T) {
	if os.Geteuid() != 0 {
		t.Skip("configure needs root (CI runs as root)")
	}
	g, err := user.LookupGroupId("65534")
	if err != nil {
		t.Skip("no group 65534 here")
	}
	root := t.TempDir()
	os.Chmod(root, 0o755)
	etc := filepath.Join(root, "etc")
	if err := os.Mkdir(etc, 0o755); err != nil {
		t.Fatal(err)
	}
	os.Chmod(etc, 0o777)
	config := filepath.Join(etc, "config.toml")
	t.Setenv("APETITSPAS_CONFIG", config)
	db := filepath.Join(root, "var", "apetitspas.db")
	code, out, errs := runTool([]string{"configure", "--db", db, "--group", g.Name}, "")
	if code != exitRefused || !strings.Contains(errs, "doivent appartenir à root") || !strings.Contains(errs, "sudo chmod go-w '"+config+"'") {
		t.Fatalf("configure in a folder open to all: exit %d\n%s%s", code, out, errs)
	}
	os.Chmod(etc, 0o755)
	if code, out, errs := runTool([]string{"configure", "--db", db, "--group", g.Name}, ""); code != exitOK {
		t.Fatalf("configure once the folder is root's alone: exit %d\n%s%s", code, out, errs)
	}
	owned(t, config, 0, 0, 0o644)
}
