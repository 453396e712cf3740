package main

import (
	"bytes"
	"context"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"sync"
	"syscall"
	"testing"
	"time"

	apetitspas "github.com/apetitspas/apetitspas/app"
	"github.com/apetitspas/apetitspas/assets"
	"github.com/apetitspas/apetitspas/cmd/internal/rpc"
	"github.com/apetitspas/apetitspas/data"
	"github.com/apetitspas/apetitspas/data/datatest"
)

var (
	buildOnce sync.Once
	binary    string
	buildErr  error
)

// serviceBinary builds the real program once per test run.
func serviceBinary(t *testing.T) string {
	t.Helper()
	buildOnce.Do(func() {
		dir, err := os.MkdirTemp("", "apetitspas-service-test-")
		if err != nil {
			buildErr = err
			return
		}
		binary = filepath.Join(dir, "apetitspas-service")
		out, err := exec.Command("go", "build", "-o", binary, ".").CombinedOutput()
		if err != nil {
			buildErr = err
			binary = string(out)
		}
	})
	if buildErr != nil {
		t.Fatalf("build: %v\n%s", buildErr, binary)
	}
	return binary
}

// startService runs the real service on a fresh folder and socket; it
// returns the socket's address and the process's output so far.
func startService(t *testing.T, dir string) (addr string, cmd *exec.Cmd, out *bytes.Buffer) {
	t.Helper()
	sock := filepath.Join(t.TempDir(), "service.sock")
	addr = "unix:" + sock
	out = new(bytes.Buffer)
	cmd = exec.Command(serviceBinary(t), "run", "--data", dir, "--listen", addr)
	cmd.Stdout, cmd.Stderr = out, out
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { cmd.Process.Kill(); cmd.Wait() })
	deadline := time.Now().Add(60 * time.Second)
	for time.Now().Before(deadline) {
		if _, err := os.Stat(sock); err == nil {
			return addr, cmd, out
		}
		time.Sleep(20 * time.Millisecond)
	}
	t.Fatalf("no socket after 60 s: %s", out)
	return
}

func TestTheServiceAnswersOnItsSocketAndStopsCleanly(t *testing.T) {
	dir := filepath.Join(t.TempDir(), "data")
	addr, cmd, out := startService(t, dir)
	client, err := rpc.NewClient(addr)
	if err != nil {
		t.Fatal(err)
	}
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	resp, err := client.Hello(ctx, assets.Version)
	if err != nil {
		t.Fatalf("hello: %v (%s)", err, out)
	}
	if resp.GetAppVersion() != assets.Version {
		t.Fatalf("hello = %+v", resp)
	}
	// The whole API: a first run, then a sign-in, through the process.
	if need, err := client.NeedsSetup(ctx); err != nil || !need {
		t.Fatalf("needs setup: %v %v", need, err)
	}
	pw := "un mot de passe assez long"
	if _, err := client.Setup(ctx, "CPE Les Petits Pas", apetitspas.NewUser{Email: "dir@cpe.ca", Name: "Directrice", Password: pw}, pw); err != nil {
		t.Fatal(err)
	}
	h, err := client.Login(ctx, "dir@cpe.ca", pw)
	if err != nil || h.Step() != apetitspas.StepSignedIn || h.User().Email != "dir@cpe.ca" {
		t.Fatalf("login: %v %v", h.View(), err)
	}
	// Its folder and what it made there are its account's alone.
	for _, p := range []string{dir, filepath.Join(dir, dbName)} {
		fi, err := os.Stat(p)
		if err != nil {
			t.Fatal(err)
		}
		if fi.Mode().Perm()&0o077 != 0 {
			t.Errorf("%s: mode %v", p, fi.Mode().Perm())
		}
	}
	if err := cmd.Process.Signal(syscall.SIGTERM); err != nil {
		t.Fatal(err)
	}
	if err := cmd.Wait(); err != nil {
		t.Fatalf("stopped by SIGTERM: %v (%s)", err, out)
	}
	if _, err := os.Stat(strings.TrimPrefix(addr, "unix:")); err == nil {
		t.Error("the socket is left behind")
	}
}

func TestTheServiceRefusesAFolderOthersCanRead(t *testing.T) {
	dir := filepath.Join(t.TempDir(), "data")
	if err := os.Mkdir(dir, 0o755); err != nil {
		t.Fatal(err)
	}
	if err := os.Chmod(dir, 0o755); err != nil {
		t.Fatal(err)
	}
	cmd := exec.Command(serviceBinary(t), "run", "--data", dir, "--listen", "unix:"+filepath.Join(t.TempDir(), "s.sock"))
	out, err := cmd.CombinedOutput()
	if err == nil || !strings.Contains(string(out), "readable or writable by other accounts") {
		t.Fatalf("a shared folder: %v %s", err, out)
	}
	if _, err := os.Stat(filepath.Join(dir, dbName)); err == nil {
		t.Error("a database was made in a shared folder")
	}
	// A configuration (the PostgreSQL password) others may read: refused too.
	os.Chmod(dir, 0o700)
	cfg := filepath.Join(dir, configName)
	os.WriteFile(cfg, []byte(`db = "postgres://app:secret@db.example/apetitspas?sslmode=verify-full"`+"\n"), 0o644)
	os.Chmod(cfg, 0o644)
	out, err = exec.Command(serviceBinary(t), "run", "--data", dir, "--listen", "unix:"+filepath.Join(t.TempDir(), "s.sock")).CombinedOutput()
	if err == nil || !strings.Contains(string(out), configName) {
		t.Fatalf("a shared configuration: %v %s", err, out)
	}
}

func TestUsage(t *testing.T) {
	var b bytes.Buffer
	for _, args := range [][]string{nil, {"serve"}, {"run"}, {"run", "--data", "/x"}, {"run", "--listen", "unix:/x"}} {
		b.Reset()
		if code := run(args, &b); code != 2 || !strings.Contains(b.String(), "--listen") {
			t.Errorf("%q: %d %q", args, code, b.String())
		}
	}
	// Asking for the help is no mistake: the usage on standard output, 0.
	for _, args := range [][]string{{"--help"}, {"-h"}, {"help"}, {"run", "--help"}, {"run", "-h"}} {
		var out, errOut bytes.Buffer
		if code := runTo(args, &out, &errOut); code != 0 || !strings.Contains(out.String(), "--listen") || errOut.Len() != 0 {
			t.Errorf("%q: %d stdout %q stderr %q", args, code, out.String(), errOut.String())
		}
	}
}

// Several computers: the service's configuration names a PostgreSQL
// server (the app role's address, the service's alone); the service
// serves it as it serves its SQLite file, and makes no file of its own.
func TestTheServiceServesAPostgreSQLDaycare(t *testing.T) {
	pg := datatest.NewPGDaycareDB(t)
	dir := filepath.Join(t.TempDir(), "data")
	if err := os.Mkdir(dir, 0o700); err != nil {
		t.Fatal(err)
	}
	text, err := data.FormatConfig(data.Config{DB: pg.AppURL})
	if err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(filepath.Join(dir, configName), []byte(text), 0o600); err != nil {
		t.Fatal(err)
	}
	addr, _, out := startService(t, dir)
	client, err := rpc.NewClient(addr)
	if err != nil {
		t.Fatal(err)
	}
	ctx, cancel := context.WithTimeout(context.Background(), 60*time.Second)
	defer cancel()
	pw := "un mot de passe assez long"
	if _, err := client.Setup(ctx, "CPE Les Lucioles", apetitspas.NewUser{Email: "dir@cpe.ca", Name: "Directrice", Password: pw}, pw); err != nil {
		t.Fatalf("setup: %v (%s)", err, out)
	}
	h, err := client.Login(ctx, "dir@cpe.ca", pw)
	if err != nil || h.Step() != apetitspas.StepSignedIn {
		t.Fatalf("login: %v %v", h.View(), err)
	}
	if _, err := os.Stat(filepath.Join(dir, dbName)); err == nil {
		t.Error("a SQLite database was made beside the server's address")
	}
	// The daycare is on the server: another program with the service's
	// key reads it there.
	st, err := data.Open(pg.AppURL)
	if err != nil {
		t.Fatal(err)
	}
	defer st.Close()
	tr := apetitspas.NewTrusted(apetitspas.New(apetitspas.Params{Store: st, Keys: data.ServiceDir(dir).KeyRing()}))
	if us, err := tr.Users(ctx, apetitspas.UserFilter{}); err != nil || len(us) != 1 || us[0].Email != "dir@cpe.ca" {
		t.Fatalf("the server's accounts: %+v %v", us, err)
	}
}
