package data_test

import (
	"errors"
	"path/filepath"
	"runtime"
	"strings"
	"testing"

	"github.com/apetitspas/apetitspas/app"
	"github.com/apetitspas/apetitspas/data"
)

func TestServiceAddressesAreUnixSocketsOrNamedPipes(t *testing.T) {
	if runtime.GOOS == "windows" {
		t.Skip("the socket paths of these cases are Unix paths")
	}
	good := map[string]data.ServiceAddress{
		"unix:/run/apetitspas/service.sock": {Network: data.NetworkUnix, Path: "/run/apetitspas/service.sock"},
		"unix:/Library/Application Support/ApetitsPas/run/service.sock": {Network: data.NetworkUnix,
			Path: "/Library/Application Support/ApetitsPas/run/service.sock"},
		"pipe:ApetitsPas":            {Network: data.NetworkPipe, Path: "ApetitsPas"},
		`pipe:\\.\pipe\apetitspas-1`: {Network: data.NetworkPipe, Path: `\\.\pipe\apetitspas-1`},
	}
	for s, want := range good {
		got, err := data.ParseServiceAddress(s)
		if err != nil || got != want || got.String() != s {
			t.Errorf("ParseServiceAddress(%q) = %+v, %v; want %+v", s, got, err, want)
		}
	}
	for _, s := range []string{
		"", "unix:", "unix:service.sock", "unix:run/service.sock", "/run/apetitspas/service.sock",
		"tcp:127.0.0.1:5000", "unix:/" + strings.Repeat("x", 103), "pipe:", `pipe:a\b`, "pipe:a/b",
		"pipe:nom avec espace", `pipe:\\serveur\pipe\x`, "unix:/run/a\x1b.sock",
	} {
		if got, err := data.ParseServiceAddress(s); err == nil {
			t.Errorf("ParseServiceAddress(%q) = %+v, want an error", s, got)
		}
	}
}

// The machine-wide configuration may name the local service: db is then
// optional, and Locate says where the service is.
func TestTheConfigurationNamesTheLocalService(t *testing.T) {
	_, config := placeEnv(t)
	writeConfig(t, config, "# le service\nservice = \"unix:/run/apetitspas/service.sock\"\n")
	p, err := data.Locate("", false)
	if err != nil {
		t.Fatal(err)
	}
	if p.Service != "unix:/run/apetitspas/service.sock" || p.DB != "" || p.Source != data.SourceConfig || !p.Shared {
		t.Errorf("Locate with a service = %+v", p)
	}
	// --db still comes first, and a path never matches the missing db.
	for _, flag := range []string{"/tmp/flag.db", "."} {
		if p, err := data.Locate(flag, false); err != nil || p.Shared || p.Service != "" || p.Source != data.SourceFlag {
			t.Errorf("--db %s with a service configuration: %+v, %v", flag, p, err)
		}
	}

	// Both: the service and the database it uses (same computer).
	writeConfig(t, config, "db = '/var/lib/apetitspas/apetitspas.db'\nservice = 'unix:/run/apetitspas/service.sock' # le service\n")
	if p, err := data.Locate("", false); err != nil || p.DB != "/var/lib/apetitspas/apetitspas.db" || p.Service != "unix:/run/apetitspas/service.sock" {
		t.Errorf("Locate with db and service = %+v, %v", p, err)
	}

	// Without a service line, nothing changes.
	writeConfig(t, config, "db = '/x/a.db'\n")
	if p, err := data.Locate("", false); err != nil || p.Service != "" || p.DB != "/x/a.db" {
		t.Errorf("Locate without a service = %+v, %v", p, err)
	}
}

func TestABadServiceLineIsRefusedWithItsLine(t *testing.T) {
	_, config := placeEnv(t)
	cases := []struct {
		name, text string
		line       int
	}{
		{"relative socket", "service = 'unix:service.sock'\n", 1},
		{"unknown network", "# x\nservice = 'tcp:127.0.0.1:9'\n", 2},
		{"no quotes", "service = unix:/run/a.sock\n", 1},
		{"twice", "service = 'unix:/a.sock'\nservice = 'unix:/b.sock'\n", 2},
		{"key_dir without db", "service = 'unix:/a.sock'\n\nkey_dir = '/k'\n", 3},
		{"empty", "service = ''\n", 1},
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
}

func TestServiceConfigurationsReadBackWhatWasWritten(t *testing.T) {
	dir := t.TempDir()
	for i, cfg := range []data.Config{
		{Service: "unix:/run/apetitspas/service.sock"},
		{Service: `pipe:\\.\pipe\ApetitsPas`},
		{DB: "/var/lib/apetitspas/apetitspas.db", KeyDir: "/etc/apetitspas/keys", Service: "unix:/run/apetitspas/service.sock"},
	} {
		path := filepath.Join(dir, "config.toml")
		if err := data.WriteConfig(path, cfg, 0o644); err != nil {
			t.Fatalf("%d: WriteConfig(%+v): %v", i, cfg, err)
		}
		got, found, err := data.ReadConfig(path)
		if err != nil || !found || got != cfg {
			t.Errorf("%d: ReadConfig = %+v, %v, %v; want %+v", i, got, found, err, cfg)
		}
	}
	if _, err := data.FormatConfig(data.Config{}); err == nil {
		t.Error("FormatConfig of nothing (no db, no service) succeeded")
	}
	if _, err := data.FormatConfig(data.Config{Service: "tcp:x"}); err == nil {
		t.Error("FormatConfig wrote a bad service address")
	}
}

func TestTheServiceFolderLayout(t *testing.T) {
	d := data.ServiceDir(filepath.FromSlash("/var/lib/apetitspas"))
	if d.DB() != filepath.FromSlash("/var/lib/apetitspas/apetitspas.db") || d.KeyDir() != filepath.FromSlash("/var/lib/apetitspas/keys") ||
		d.ConfigPath() != filepath.FromSlash("/var/lib/apetitspas/service.toml") || d.KeyRing() == nil {
		t.Errorf("service folder layout: %s %s %s", d.DB(), d.KeyDir(), d.ConfigPath())
	}
}

func TestServiceForTakesTheFlagThenTheEnvironment(t *testing.T) {
	t.Setenv(data.ServiceEnv, "")
	t.Setenv("APETITSPAS_CONFIG", filepath.Join(t.TempDir(), "none.toml"))
	if a, named, err := data.ServiceFor("unix:/run/x.sock"); err != nil || !named || a.Path != "/run/x.sock" {
		t.Fatalf("flag: %+v %v %v", a, named, err)
	}
	t.Setenv(data.ServiceEnv, "unix:/run/env.sock")
	if a, named, err := data.ServiceFor(""); err != nil || !named || a.Path != "/run/env.sock" {
		t.Fatalf("env: %+v %v %v", a, named, err)
	}
	if a, _, _ := data.ServiceFor("unix:/run/flag.sock"); a.Path != "/run/flag.sock" {
		t.Fatalf("the flag comes first: %+v", a)
	}
	if _, named, err := data.ServiceFor("tcp:127.0.0.1:80"); err == nil || !named {
		t.Fatalf("a network address: %v %v", named, err)
	}
}
