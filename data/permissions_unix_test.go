//go:build unix

package data_test

import (
	"io"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strings"
	"syscall"
	"testing"

	"github.com/apetitspas/apetitspas/app"
	"github.com/apetitspas/apetitspas/data"
)

// childEnv marks the child process of asUnprivileged.
const childEnv = "APETITSPAS_DATA_TEST_UNPRIVILEGED"

// nobody is the user and group the child process runs as.
const nobody = 65534

// asUnprivileged runs body as the current user, unless that is root: root
// ignores permission bits, so the test is run again in a child process as
// uid/gid 65534, and fails if the child fails.
func asUnprivileged(t *testing.T, body func(t *testing.T)) {
	t.Helper()
	if os.Geteuid() != 0 {
		body(t)
		return
	}
	if os.Getenv(childEnv) != "" {
		t.Fatal("the child process still runs as root")
	}

	// A folder the child can reach and write, holding a copy of the test
	// binary (the go build folder is private to root).
	shared := t.TempDir()
	for _, d := range []string{filepath.Dir(shared), shared} {
		if err := os.Chmod(d, 0o755); err != nil {
			t.Fatal(err)
		}
	}
	if err := os.Chmod(shared, 0o777); err != nil {
		t.Fatal(err)
	}
	bin := filepath.Join(shared, "data.test")
	copyExecutable(t, bin)

	cmd := exec.Command(bin, "-test.run=^"+regexp.QuoteMeta(t.Name())+"$", "-test.count=1", "-test.v")
	cmd.Dir = shared
	cmd.Env = append(os.Environ(), childEnv+"=1", "TMPDIR="+shared, "HOME="+shared)
	cmd.SysProcAttr = &syscall.SysProcAttr{Credential: &syscall.Credential{Uid: nobody, Gid: nobody}}
	out, err := cmd.CombinedOutput()
	if err != nil {
		t.Fatalf("%s as uid %d: %v\n%s", t.Name(), nobody, err, out)
	}
	if !strings.Contains(string(out), "--- PASS: "+t.Name()) {
		t.Fatalf("%s did not run as uid %d:\n%s", t.Name(), nobody, out)
	}
	t.Logf("passed as uid %d:\n%s", nobody, out)
}

func copyExecutable(t *testing.T, dst string) {
	t.Helper()
	src, err := os.Executable()
	if err != nil {
		t.Fatal(err)
	}
	in, err := os.Open(src)
	if err != nil {
		t.Fatal(err)
	}
	defer in.Close()
	out, err := os.OpenFile(dst, os.O_WRONLY|os.O_CREATE|os.O_EXCL, 0o755)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := io.Copy(out, in); err != nil {
		t.Fatal(err)
	}
	if err := out.Close(); err != nil {
		t.Fatal(err)
	}
}

// chmod changes the mode of path and returns a function restoring it,
// also called when the test ends so that the folder can be removed.
func chmod(t *testing.T, path string, mode os.FileMode) (restore func()) {
	t.Helper()
	fi, err := os.Stat(path)
	if err != nil {
		t.Fatal(err)
	}
	if err := os.Chmod(path, mode); err != nil {
		t.Fatal(err)
	}
	restore = func() { _ = os.Chmod(path, fi.Mode().Perm()) }
	t.Cleanup(restore)
	return restore
}

// permissionCase takes a permission away from a database file or its
// folder.
type permissionCase struct {
	name   string
	file   string // database path inside a temporary folder
	exists bool   // whether a database of ours is there beforehand
	// lock takes the permission away and returns how to give it back.
	lock func(t *testing.T, dir, path string) (restore func())
}

// runPermissionCases checks that Open refuses each case with reason and
// leaves the place as it was.
func runPermissionCases(t *testing.T, reason string, cases []permissionCase) {
	asUnprivileged(t, func(t *testing.T) {
		for _, c := range cases {
			t.Run(c.name, func(t *testing.T) {
				dir := t.TempDir()
				path := filepath.Join(dir, c.file)
				var before [32]byte
				if c.exists {
					db := openPath(t, path)
					insertUsers(t, db, newUser("ana@example.ca", "Ana", app.RoleAdmin))
					if err := db.Close(); err != nil {
						t.Fatal(err)
					}
					before = sum(t, path)
				}
				restore := c.lock(t, dir, path)

				db, err := data.Open(path)
				if err == nil {
					db.Close()
					t.Fatalf("Open succeeded, want reason %q", reason)
				}
				ae := wantReason(t, err, reason)
				if !strings.Contains(ae.Detail, path) {
					t.Errorf("Detail %q does not name the file", ae.Detail)
				}

				restore()
				if !c.exists {
					if _, err := os.Stat(path); err == nil {
						t.Error("Open created the file")
					}
					return
				}
				if sum(t, path) != before {
					t.Error("the file was modified")
				}
				if s := sidecars(path); len(s) != 0 {
					t.Errorf("Open left %v behind", s)
				}
			})
		}
	})
}

func TestOpenInAPlaceThatCannotBeWrittenIsReadOnly(t *testing.T) {
	lockDir := func(t *testing.T, dir, _ string) func() { return chmod(t, dir, 0o555) }
	runPermissionCases(t, app.ReasonDBReadOnly, []permissionCase{
		{name: "new database in a read-only folder", file: "apetitspas.db", lock: lockDir},
		{name: "new folder inside a read-only folder", file: "sub/apetitspas.db", lock: lockDir},
		{name: "existing database in a read-only folder", file: "apetitspas.db", exists: true, lock: lockDir},
		{name: "read-only database file", file: "apetitspas.db", exists: true,
			lock: func(t *testing.T, _, path string) func() { return chmod(t, path, 0o444) }},
	})
}

func TestOpenOnAFileThatCannotBeReadIsUnreadable(t *testing.T) {
	runPermissionCases(t, app.ReasonDBUnreadable, []permissionCase{
		{name: "database file without read permission", file: "apetitspas.db", exists: true,
			lock: func(t *testing.T, _, path string) func() { return chmod(t, path, 0o200) }},
		{name: "database in a folder that cannot be entered", file: "apetitspas.db", exists: true,
			lock: func(t *testing.T, dir, _ string) func() { return chmod(t, dir, 0o600) }},
	})
}
