package app_test

import (
	"context"
	"os"
	"os/exec"
	"path/filepath"
	"runtime"
	"strconv"
	"strings"
	"testing"

	"github.com/apetitspas/apetitspas/app"
	"github.com/apetitspas/apetitspas/data"
)

// spyStore is the database, with a look at each snapshot right after it
// is written, while the backup still holds it.
type spyStore struct {
	*data.DB
	seen func(path string)
}

func (s spyStore) Snapshot(ctx context.Context, path string) error {
	err := s.DB.Snapshot(ctx, path)
	s.seen(path)
	return err
}

// backupWithSpy makes a backup through a service whose store calls seen
// with each snapshot's path.
func backupWithSpy(t *testing.T, e *env, seen func(path string)) {
	t.Helper()
	e.addUser(app.RoleAdmin, "a@cpe.ca")
	secret := e.enroll("a@cpe.ca")
	e.svc = app.New(app.Params{Store: spyStore{DB: e.db, seen: seen}, Now: e.clock.Now, Keys: e.keys})
	admin := e.signedIn("a@cpe.ca", secret)
	out := filepath.Join(t.TempDir(), "b.apetitspas")
	if _, _, err := e.svc.WriteBackup(e.ctx, admin, app.BackupRequest{Out: out, Passphrase: passphrase, AppVersion: "test"}); err != nil {
		t.Fatal(err)
	}
}

// The plain copy of the database a backup encrypts is its owner's alone
// while it exists, whatever the umask: the file 0600 in a folder 0700.
func TestTheBackupSnapshotIsNeverReadableByOthers(t *testing.T) {
	if runtime.GOOS == "windows" {
		t.Skip("Unix modes (Windows: the user's own temporary folder)")
	}
	t.Setenv("TMPDIR", t.TempDir())
	e := newEnv(t)
	var file, dir os.FileMode
	var snapshot string
	backupWithSpy(t, e, func(path string) {
		snapshot = path
		if fi, err := os.Stat(path); err == nil {
			file = fi.Mode().Perm()
		}
		if fi, err := os.Stat(filepath.Dir(path)); err == nil {
			dir = fi.Mode().Perm()
		}
	})
	if file != 0o600 || dir != 0o700 {
		t.Fatalf("snapshot %s: file %o, folder %o; want 600 and 700", snapshot, file, dir)
	}
	if want := "apetitspas-backup-" + strconv.Itoa(os.Getpid()) + "-"; !strings.HasPrefix(filepath.Base(filepath.Dir(snapshot)), want) {
		t.Fatalf("snapshot folder %s does not start with %s", filepath.Dir(snapshot), want)
	}
	if _, err := os.Stat(filepath.Dir(snapshot)); !os.IsNotExist(err) {
		t.Fatalf("the snapshot folder is still there after the backup: %v", err)
	}
}

// A backup killed mid-way leaves its snapshot behind; the next backup (or
// the next start, SweepSnapshots) removes it, and leaves alone the folders
// of backups still running.
func TestASnapshotLeftByAKilledBackupIsSweptTheNextTime(t *testing.T) {
	tmp := t.TempDir()
	t.Setenv("TMPDIR", tmp)
	t.Setenv("TMP", tmp) // Windows
	gone := exec.Command(os.Args[0], "-test.run=^$")
	if err := gone.Run(); err != nil {
		t.Fatal(err)
	}
	running := exec.Command(os.Args[0], "-test.run=^TestSnapshotHelperWaits$")
	running.Env = append(os.Environ(), "APETITSPAS_TEST_WAIT=1")
	stdin, _ := running.StdinPipe()
	if err := running.Start(); err != nil {
		t.Fatal(err)
	}
	defer func() { stdin.Close(); running.Wait() }()
	leftover := func(pid int) string {
		dir := filepath.Join(tmp, "apetitspas-backup-"+strconv.Itoa(pid)+"-123456")
		if err := os.MkdirAll(dir, 0o700); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(filepath.Join(dir, app.BackupDBName), []byte("SQLite format 3\x00…"), 0o600); err != nil {
			t.Fatal(err)
		}
		return dir
	}
	killed := leftover(gone.Process.Pid)
	alive := leftover(running.Process.Pid)
	mine := leftover(os.Getpid())
	e := newEnv(t)
	backupWithSpy(t, e, func(path string) {
		if _, err := os.Stat(killed); !os.IsNotExist(err) {
			t.Errorf("the killed backup's snapshot is still there while the next backup runs: %v", err)
		}
	})
	for _, dir := range []string{alive, mine} {
		if _, err := os.Stat(filepath.Join(dir, app.BackupDBName)); err != nil {
			t.Fatalf("a running backup's snapshot was swept: %v", err)
		}
	}
	// At the next start.
	again := leftover(gone.Process.Pid)
	if n := app.SweepSnapshots(); n != 1 {
		t.Fatalf("SweepSnapshots removed %d folders, want 1", n)
	}
	if _, err := os.Stat(again); !os.IsNotExist(err) {
		t.Fatalf("still there after SweepSnapshots: %v", err)
	}
}

// TestSnapshotHelperWaits is a process that stays alive until its
// standard input closes (a backup still running).
func TestSnapshotHelperWaits(t *testing.T) {
	if os.Getenv("APETITSPAS_TEST_WAIT") != "1" {
		t.Skip("helper process")
	}
	b := make([]byte, 1)
	os.Stdin.Read(b)
}
