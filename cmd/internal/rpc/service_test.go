//go:build cgo

package rpc

import (
	"os"
	"os/exec"
	"path/filepath"
	"runtime"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/apetitspas/apetitspas/app"
	"github.com/apetitspas/apetitspas/data/datatest"
)

func near(a, b time.Time, d time.Duration) bool { return a.Sub(b) < d && b.Sub(a) < d }

// The client's Now is the service's clock (a fake one here, days away
// from the computer's), learnt from the answers: Now itself calls nothing.
func TestNowIsTheServicesClock(t *testing.T) {
	s := wireSide(t, datatest.Options{Clock: datatest.NewClockAt(time.Date(2030, 1, 2, 3, 4, 5, 0, time.UTC))})
	c := s.api.(*Client)
	if !near(c.Now(), time.Now(), time.Minute) {
		t.Errorf("before any answer, Now = %v", c.Now())
	}
	if _, err := c.NeedsSetup(t.Context()); err != nil {
		t.Fatal(err)
	}
	if !near(c.Now(), s.d.Clock.Now(), time.Second) {
		t.Errorf("Now = %v, the service's clock %v", c.Now(), s.d.Clock.Now())
	}
	s.d.Clock.Advance(3 * time.Hour)
	if near(c.Now(), s.d.Clock.Now(), time.Second) {
		t.Error("Now asked the service")
	}
	// A refusal carries the clock too.
	if _, err := c.Login(t.Context(), "personne@cpe.ca", "mauvais"); err == nil {
		t.Fatal("signed in")
	}
	if !near(c.Now(), s.d.Clock.Now(), time.Second) {
		t.Errorf("Now = %v after a refusal, the service's clock %v", c.Now(), s.d.Clock.Now())
	}
	// And a stream, and Hello.
	s.d.Clock.Advance(time.Hour)
	if _, err := c.ImportCSV(t.Context(), app.NewHandle("t", app.HandleView{}), nil, "", nil); err == nil {
		t.Fatal("imported")
	}
	if !near(c.Now(), s.d.Clock.Now(), time.Second) {
		t.Errorf("Now = %v after a stream, the service's clock %v", c.Now(), s.d.Clock.Now())
	}
	s.d.Clock.Advance(time.Hour)
	res, err := c.Hello(t.Context(), "test")
	if err != nil {
		t.Fatal(err)
	}
	if !res.GetNow().AsTime().Equal(s.d.Clock.Now()) || !near(c.Now(), s.d.Clock.Now(), time.Second) {
		t.Errorf("Hello's now %v, Now %v, the service's clock %v", res.GetNow().AsTime(), c.Now(), s.d.Clock.Now())
	}
}

// The service writes a client's backup in a private folder of its own
// (0700) and removes it; a folder left by a service killed mid-stream is
// removed by app's sweep of backup snapshots (same name).
func TestPrivateFolderIsSwept(t *testing.T) {
	if runtime.GOOS == "windows" {
		t.Skip("TMPDIR: the temporary folder of Unix")
	}
	tmp := t.TempDir()
	t.Setenv("TMPDIR", tmp)

	dir, err := privateDir()
	if err != nil {
		t.Fatal(err)
	}
	if fi, err := os.Stat(dir); err != nil || fi.Mode().Perm() != 0o700 || filepath.Dir(dir) != tmp {
		t.Fatalf("%s: %v %v", dir, fi.Mode(), err)
	}
	if app.SweepSnapshots() != 0 {
		t.Fatal("the sweep took the folder of a running service")
	}
	// The same name from a process that is gone.
	gone := exec.Command(os.Args[0], "-test.run=^$")
	if err := gone.Run(); err != nil {
		t.Fatal(err)
	}
	left := strings.Replace(dir, privatePrefix+strconv.Itoa(os.Getpid())+"-", privatePrefix+strconv.Itoa(gone.Process.Pid)+"-", 1)
	if err := os.Rename(dir, left); err != nil {
		t.Fatal(err)
	}
	if n := app.SweepSnapshots(); n != 1 {
		t.Errorf("swept %d folders", n)
	}
	if _, err := os.Stat(left); !os.IsNotExist(err) {
		t.Errorf("%s is still there: %v", left, err)
	}

	// A backup and a key file through the service leave nothing there.
	s := wireSide(t, datatest.Options{})
	admin := signedInAdmin(t, s)
	out := filepath.Join(t.TempDir(), "b.apetitspas")
	if _, _, err := s.api.WriteBackup(s.ctx, admin, app.BackupRequest{Out: out, Passphrase: passBack}); err != nil {
		t.Fatal(err)
	}
	if _, err := s.api.ExportKey(s.ctx, admin, out+".key", passBack, "", "test"); err != nil {
		t.Fatal(err)
	}
	if entries, _ := os.ReadDir(tmp); len(entries) != 0 {
		t.Errorf("left in the service's temporary folder: %v", entries)
	}
}

// signedInAdmin makes the first run's administrator on s, her AMF on,
// signed in with a code (fresh for FreshCodeWindow).
func signedInAdmin(t testing.TB, s *side) *app.Handle {
	t.Helper()
	ctx, api := s.ctx, s.api
	if _, err := api.Setup(ctx, "CPE", app.NewUser{Email: dirEmail, Name: "Diane", Password: pw1}, pw1); err != nil {
		t.Fatal(err)
	}
	h, err := api.Login(ctx, dirEmail, pw1)
	if err != nil {
		t.Fatal(err)
	}
	if err := api.RequestMFAActivation(ctx, h); err != nil {
		t.Fatal(err)
	}
	if h, err = api.Login(ctx, dirEmail, pw1); err != nil {
		t.Fatal(err)
	}
	en, err := api.BeginEnrollment(ctx, h)
	if err != nil {
		t.Fatal(err)
	}
	if err := api.ConfirmEnrollment(ctx, h, s.d.Code(en.Secret, 0)); err != nil {
		t.Fatal(err)
	}
	s.d.Secrets[dirEmail] = en.Secret
	if h.Step() != app.StepSignedIn {
		t.Fatalf("step %v", h.Step())
	}
	return h
}
