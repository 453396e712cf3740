package data_test

import (
	"errors"
	"os"
	"path/filepath"
	"runtime"
	"strings"
	"testing"

	"github.com/apetitspas/apetitspas/app"
	"github.com/apetitspas/apetitspas/data"
)

// placeEnv points every place of Locate into temporary folders: the user's
// configuration folder and the machine-wide configuration file, which is
// not written.
func placeEnv(t *testing.T) (userDir, config string) {
	t.Helper()
	root := t.TempDir()
	userDir = filepath.Join(root, "user-config")
	config = filepath.Join(root, "etc", "apetitspas", "config.toml")
	t.Setenv("XDG_CONFIG_HOME", userDir)
	t.Setenv("HOME", filepath.Join(root, "home"))
	t.Setenv("AppData", userDir)
	t.Setenv("APETITSPAS_CONFIG", config)
	t.Setenv("APETITSPAS_DB", "")
	t.Setenv("APETITSPAS_KEY_DIR", "")
	return userDir, config
}

func writeConfig(t *testing.T, path, text string) {
	t.Helper()
	if err := os.MkdirAll(filepath.Dir(path), 0o755); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(path, []byte(text), 0o644); err != nil {
		t.Fatal(err)
	}
}

func TestWithoutConfigurationTheDataStaysInTheUsersFolder(t *testing.T) {
	if runtime.GOOS != "linux" {
		t.Skip("XDG_CONFIG_HOME is the user's configuration folder on Linux")
	}
	userDir, config := placeEnv(t)
	p, err := data.Locate("", false)
	if err != nil {
		t.Fatal(err)
	}
	want := data.Place{DB: filepath.Join(userDir, "apetitspas", "apetitspas.db"),
		KeyDir: filepath.Join(userDir, "apetitspas", "keys"), Source: data.SourceUser, Config: config}
	if p != want {
		t.Errorf("Locate = %+v, want %+v (as before the machine-wide configuration)", p, want)
	}
	if _, ok := p.KeyRing().(*data.KeyRing); !ok {
		t.Errorf("the user's place has key ring %T, want the user's *data.KeyRing", p.KeyRing())
	}
	demo, err := data.Locate("", true)
	if err != nil || demo.DB != filepath.Join(userDir, "apetitspas", "demo.db") {
		t.Errorf("Locate(demo) = %+v, %v", demo, err)
	}
}

func TestTheFlagThenTheEnvironmentThenTheConfigurationThenTheUser(t *testing.T) {
	_, config := placeEnv(t)
	root := filepath.Dir(config)
	shared := filepath.Join(root, "data", "apetitspas.db")
	writeConfig(t, config, "# la garderie\ndb = '"+shared+"'\n")

	p, err := data.Locate("", false)
	if err != nil {
		t.Fatal(err)
	}
	if p.DB != shared || !p.Shared || p.Source != data.SourceConfig || p.KeyDir != filepath.Join(root, "keys") {
		t.Errorf("with a configuration: %+v", p)
	}
	if k, ok := p.KeyRing().(*data.SharedKeyRing); !ok || k.Dir() != filepath.Join(root, "keys") {
		t.Errorf("the machine-wide place has key ring %T, want the shared one in %s", p.KeyRing(), filepath.Join(root, "keys"))
	}

	t.Setenv("APETITSPAS_DB", "/tmp/env.db")
	if p, err := data.Locate("", false); err != nil || p.DB != "/tmp/env.db" || p.Shared || p.Source != data.SourceEnv {
		t.Errorf("with $APETITSPAS_DB: %+v, %v", p, err)
	}
	if p, err := data.Locate("/tmp/flag.db", false); err != nil || p.DB != "/tmp/flag.db" || p.Shared || p.Source != data.SourceFlag {
		t.Errorf("with --db: %+v, %v", p, err)
	}
	// --db naming the machine-wide database keeps its key folder.
	if p, err := data.Locate(filepath.Join(root, "data", ".", "apetitspas.db"), false); err != nil || !p.Shared || p.KeyDir != filepath.Join(root, "keys") || p.Source != data.SourceFlag {
		t.Errorf("--db naming the machine-wide database: %+v, %v", p, err)
	}
	// The demonstration never opens the daycare's database.
	if p, err := data.Locate("", true); err != nil || p.DB == shared || p.DB == "/tmp/env.db" || p.Source != data.SourceUser {
		t.Errorf("demo: %+v, %v", p, err)
	}

	// key_dir and a postgres URL.
	t.Setenv("APETITSPAS_DB", "")
	writeConfig(t, config, "db = \"postgres://app@db.cpe.local/apetitspas?sslmode=verify-full\"\nkey_dir = \"/srv/cles\" # les clés\n")
	if p, err := data.Locate("", false); err != nil || p.DB != "postgres://app@db.cpe.local/apetitspas?sslmode=verify-full" || p.KeyDir != "/srv/cles" || !p.Shared {
		t.Errorf("with a URL and key_dir: %+v, %v", p, err)
	}
}

func TestABrokenConfigurationIsAnErrorNeverTheUsersDatabase(t *testing.T) {
	_, config := placeEnv(t)
	cases := []struct {
		name, text string
		line       int
	}{
		{"unknown key", "db = '/x/a.db'\nbase = '/y'\n", 2},
		{"no quotes", "db = /x/a.db\n", 1},
		{"unclosed", "db = \"/x/a.db\n", 1},
		{"twice", "db = '/x/a.db'\ndb = '/y/b.db'\n", 2},
		{"relative path", "db = 'a.db'\n", 1},
		{"table", "[base]\ndb = '/x/a.db'\n", 1},
		{"Windows path in double quotes", "db = \"C:\\ProgramData\\ApetitsPas\\data\\apetitspas.db\"\n", 1},
		{"no db", "key_dir = '/x/keys'\n", 0},
		{"empty file", "", 0},
		{"not UTF-8", "db = '/x/\xff.db'\n", 0},
		{"text after the value", "db = '/x/a.db' '/y'\n", 1},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			writeConfig(t, config, c.text)
			p, err := data.Locate("", false)
			var ae *app.Error
			if !errors.As(err, &ae) || ae.Reason != app.ReasonConfigInvalid || ae.Detail != config || ae.Line != c.line {
				t.Fatalf("Locate = %+v, %v; want ReasonConfigInvalid naming %s, line %d", p, err, config, c.line)
			}
		})
	}
	// --db is the way out: it works whatever the configuration file.
	writeConfig(t, config, "db = pas entre guillemets\n")
	if p, err := data.Locate("/tmp/ailleurs.db", false); err != nil || p.DB != "/tmp/ailleurs.db" {
		t.Errorf("--db with a broken configuration: %+v, %v", p, err)
	}
	t.Run("a folder", func(t *testing.T) {
		os.Remove(config)
		if err := os.Mkdir(config, 0o755); err != nil {
			t.Fatal(err)
		}
		defer os.Remove(config)
		if _, err := data.Locate("", false); app.ErrorReason(err) != app.ReasonConfigInvalid {
			t.Errorf("Locate with a folder as configuration: %v", err)
		}
	})
	t.Run("unreadable", func(t *testing.T) {
		if os.Geteuid() == 0 || runtime.GOOS == "windows" {
			t.Skip("root reads every file; the folder case covers an unreadable configuration")
		}
		writeConfig(t, config, "db = '/x/a.db'\n")
		if err := os.Chmod(config, 0); err != nil {
			t.Fatal(err)
		}
		defer os.Chmod(config, 0o644)
		if _, err := data.Locate("", false); app.ErrorReason(err) != app.ReasonConfigInvalid {
			t.Errorf("Locate with an unreadable configuration: %v", err)
		}
	})
}

func TestConfigurationsReadBackWhatWasWritten(t *testing.T) {
	cases := []data.Config{
		{DB: "/var/lib/apetitspas/apetitspas.db"},
		{DB: "/var/lib/apetitspas/l'été.db", KeyDir: "/etc/apetitspas/keys"},
		{DB: "postgres://app@serveur/apetitspas?sslmode=verify-full&sslrootcert=/etc/ssl/ca.pem"},
		{DB: `/data/a "b" \c.db`},
	}
	dir := t.TempDir()
	for i, cfg := range cases {
		path := filepath.Join(dir, "config.toml")
		if err := data.WriteConfig(path, cfg, 0o644); err != nil {
			t.Fatalf("%d: WriteConfig(%+v): %v", i, cfg, err)
		}
		got, found, err := data.ReadConfig(path)
		if err != nil || !found || got != cfg {
			t.Errorf("%d: ReadConfig = %+v, %v, %v; want %+v", i, got, found, err, cfg)
		}
		if runtime.GOOS != "windows" {
			if fi, err := os.Stat(path); err != nil || fi.Mode().Perm() != 0o644 {
				t.Errorf("%d: config mode %v, %v; want 0644", i, fi.Mode(), err)
			}
		}
	}
	entries, _ := os.ReadDir(dir)
	if len(entries) != 1 {
		t.Errorf("WriteConfig left %d files, want the configuration alone", len(entries))
	}
	if err := data.WriteConfig(filepath.Join(dir, "x.toml"), data.Config{DB: "relative.db"}, 0o644); err == nil {
		t.Error("WriteConfig accepted a relative database path")
	}
	if _, err := os.Stat(filepath.Join(dir, "x.toml")); !errors.Is(err, os.ErrNotExist) {
		t.Error("a refused configuration was written")
	}
}

func TestTheParserReadsTheTOMLSubset(t *testing.T) {
	text := "\ufeff# commentaire\r\n\r\n  db = \"/a/\\u00e9t\\u00E9 \\\"x\\\".db\"   # fin\r\nkey_dir='C:\\keys'\r\n"
	cfg, err := data.ParseConfig([]byte(text))
	if runtime.GOOS == "windows" {
		t.Skip("the paths of this text are Unix paths")
	}
	if err == nil {
		t.Fatalf("a Windows key_dir on Unix was accepted: %+v", cfg)
	}
	text = strings.Replace(text, `C:\keys`, `/k`, 1)
	cfg, err = data.ParseConfig([]byte(text))
	if err != nil || cfg.DB != `/a/été "x".db` || cfg.KeyDir != "/k" {
		t.Errorf("ParseConfig = %+v, %v", cfg, err)
	}
}

func FuzzParseConfig(f *testing.F) {
	for _, s := range []string{
		"db = '/x/a.db'\n", "db = \"/x/\\u00e9.db\"\nkey_dir = '/k'\n", "# c\n\ndb=\"postgres://u@h/d\" # x\n",
		"db = \"\\U0001F600\"", "[t]\n", "db = 'a' 'b'", "db = \"\\", "\ufeffdb='/a'\r\n",
		"service = 'unix:/run/apetitspas/service.sock'\n", "service = \"pipe:ApetitsPas\"\ndb = '/x/a.db'\n",
	} {
		f.Add([]byte(s))
	}
	f.Fuzz(func(t *testing.T, b []byte) {
		cfg, err := data.ParseConfig(b)
		if err != nil {
			return
		}
		if cfg.DB == "" && cfg.Service == "" {
			t.Fatalf("accepted without db nor service: %q", b)
		}
		text, err := data.FormatConfig(cfg)
		if err != nil {
			t.Fatalf("FormatConfig(%+v) of %q: %v", cfg, b, err)
		}
		again, err := data.ParseConfig([]byte(text))
		if err != nil || again != cfg {
			t.Fatalf("%q read back as %+v, %v; want %+v", text, again, err, cfg)
		}
	})
}
