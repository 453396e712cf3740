package main

import (
	"os"
	"os/exec"
	"os/user"
	"path/filepath"
	"strconv"
	"strings"
	"testing"

	"github.com/apetitspas/apetitspas/data"
)

// The service's identity for real: `apetitspas-admin service install`
// (the real program, as root) into a temporary root, with a system
// account of its own made by useradd, adopting a person's own daycare.
// Then the data folder is the service's alone: a throwaway person (even in
// the service's group) can neither list, read nor write it, while the
// service's account opens the daycare and verifies it. Uninstall keeps
// the data. No systemd here: a fake systemctl stands in for it (the unit
// itself is read by systemd-analyze in TestTheUnitIsTheLayouts).
//
// Run by `make service-linux`, as root. APETITSPAS_OS_USERS=1 turns it
// on: it adds (and removes) accounts of this computer.

const osUsersEnv = "APETITSPAS_OS_USERS"

func TestServiceInstallWithRealAccounts(t *testing.T) {
	if os.Getenv(osUsersEnv) != "1" {
		t.Skip("make service-linux runs it (as root: it adds accounts to this computer)")
	}
	if os.Geteuid() != 0 {
		t.Fatal("make service-linux runs as root (useradd, service install)")
	}
	for _, tool := range []string{"useradd", "userdel", "groupdel", "setpriv"} {
		if _, err := exec.LookPath(tool); err != nil {
			t.Fatalf("%s is needed: %v", tool, err)
		}
	}
	work, err := os.MkdirTemp("", "apetitspas-service-")
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { os.RemoveAll(work) })
	must0755(t, work)
	bin := filepath.Join(work, "bin")
	must0755(t, bin)
	admin := filepath.Join(bin, "apetitspas-admin")
	if out, err := exec.Command("go", "build", "-o", admin, ".").CombinedOutput(); err != nil {
		t.Fatalf("go build: %v\n%s", err, out)
	}
	service := filepath.Join(bin, "apetitspas-service")
	if err := os.WriteFile(service, []byte("#!/bin/sh\nexit 0\n"), 0o755); err != nil {
		t.Fatal(err)
	}
	systemctl, log := fakeSystemctl(t, "")

	// Unique names: never the real apetitspas, never a clash with a run
	// beside.
	suffix := strconv.Itoa(os.Getpid() % 100000)
	account, person := "aptsvc"+suffix, "aptusr"+suffix
	t.Cleanup(func() {
		exec.Command("userdel", account).Run()
		exec.Command("groupdel", account).Run() // when userdel left it
		exec.Command("userdel", person).Run()
	})
	home := filepath.Join(work, "home-"+person)
	run0(t, "useradd", "--no-create-home", "--home-dir", home, "--shell", "/usr/sbin/nologin", "--user-group", person)
	if err := os.Mkdir(home, 0o700); err != nil {
		t.Fatal(err)
	}
	pu, _ := user.Lookup(person)
	puid, _ := strconv.Atoi(pu.Uid)
	pgid, _ := strconv.Atoi(pu.Gid)
	if err := os.Chown(home, puid, pgid); err != nil {
		t.Fatal(err)
	}

	root := filepath.Join(work, "root")
	must0755(t, root)
	env := []string{"PATH=" + os.Getenv("PATH"), "LANG=C.UTF-8", "APETITSPAS_LANG=", "DBUS_SESSION_BUS_ADDRESS=disabled:",
		"APETITSPAS_CONFIG=" + filepath.Join(root, "etc", "apetitspas", "config.toml")}
	personEnv := append(env, "HOME="+home, "APETITSPAS_KEYRING=file", "TMPDIR="+home)

	// Her own daycare, made in her own account (key files: no session
	// keyring here).
	if out, err := as(admin, person, personEnv, pw+"\n", "setup", "--daycare", "Garderie de Julie", "--email", "julie@cpe.ca", "--name", "Julie Tremblay"); err != nil {
		t.Fatalf("setup as %s: %v\n%s", person, err, out)
	}
	own := data.UserAdoptSource(home)
	owned(t, own.DB, puid, pgid, 0o600)

	// Not root: refused, nothing made.
	flags := []string{"--root", root, "--user", account, "--systemctl", systemctl, "--binary", service}
	out, err := as(admin, person, personEnv, "", append([]string{"service", "install"}, flags...)...)
	if code := exitCode(err); code != exitRefused || !strings.Contains(out, "demande les droits d'administrateur (sudo)") {
		t.Fatalf("service install as %s: exit %d\n%s", person, code, out)
	}
	if _, err := user.Lookup(account); err == nil {
		t.Fatal("a refused install made the account")
	}

	// The group exists already, as "configure --group apetitspas" made
	// it for the people using the app: it becomes the account's primary
	// group (as systemd-sysusers does), and gives its members nothing.
	run0(t, "groupadd", "--system", account)

	// As root, with a technician's strict umask (what is made for the
	// service's account and the clients must be open anyway): the account
	// made, her daycare adopted.
	out, err = as("/bin/sh", "", env, "", append([]string{"-c", `umask 077 && exec "$0" "$@"`, admin, "service", "install", "--from", own.DB}, flags...)...)
	if err != nil {
		t.Fatalf("service install: %v\n%s", err, out)
	}
	t.Logf("service install:\n%s", out)
	if !strings.Contains(out, "Compte système « "+account+" » créé") || !strings.Contains(out, "« Garderie de Julie »") {
		t.Errorf("install did not say it made the account and adopted the daycare:\n%s", out)
	}
	su, err := user.Lookup(account)
	if err != nil {
		t.Fatal(err)
	}
	uid, _ := strconv.Atoi(su.Uid)
	gid, _ := strconv.Atoi(su.Gid)
	if uid == 0 || uid >= firstPersonUID || su.Username != account {
		t.Errorf("the service's account has uid %d, want a system account", uid)
	}
	if g, err := user.LookupGroupId(su.Gid); err != nil || g.Name != account {
		t.Errorf("the service's group: %v, %v; want its own %s", g, err, account)
	}
	passwd, _ := os.ReadFile("/etc/passwd")
	if !strings.Contains(string(passwd), "\n"+account+":x:"+su.Uid+":"+su.Gid+":À petits pas (service local):") ||
		!strings.Contains(string(passwd), ":/usr/sbin/nologin\n") {
		t.Errorf("the account's passwd line is not the sysusers one")
	}

	l := defaultServiceLayout()
	dir := data.ServiceDir(filepath.Join(root, l.DataDir))
	owned(t, string(dir), uid, gid, os.ModeDir|0o700)
	owned(t, dir.DB(), uid, gid, 0o600)
	owned(t, dir.KeyDir(), uid, gid, os.ModeDir|0o700)
	keys, _ := os.ReadDir(dir.KeyDir())
	if len(keys) != 1 {
		t.Fatalf("service key folder: %v", keys)
	}
	owned(t, filepath.Join(dir.KeyDir(), keys[0].Name()), uid, gid, 0o600)
	for _, p := range []string{filepath.Dir(string(dir)), filepath.Dir(filepath.Join(root, l.Binary)), filepath.Dir(filepath.Join(root, l.Config))} {
		owned(t, p, 0, 0, os.ModeDir|0o755)
	}
	owned(t, filepath.Join(root, l.Binary), 0, 0, 0o755)
	owned(t, filepath.Join(root, l.Config), 0, 0, 0o644)
	unit, _ := os.ReadFile(filepath.Join(root, l.Unit))
	if !strings.Contains(string(unit), "\nUser="+account+"\nGroup="+account+"\n") {
		t.Errorf("the unit does not run as %s:\n%s", account, unit)
	}

	// A person, even in the service's group, reaches the folder (every
	// folder above it is open) but can neither list, read nor write it.
	if out, err := as(admin, person, personEnv, "", "--version"); err != nil {
		t.Fatalf("the person cannot run the tool: %v\n%s", err, out)
	}
	for _, groups := range []string{"", account} {
		for _, argv := range [][]string{
			{"ls", string(dir)},
			{"cat", dir.DB()},
			{"cat", filepath.Join(dir.KeyDir(), keys[0].Name())},
			{"touch", filepath.Join(string(dir), "intrus")},
			{"ls", filepath.Dir(string(dir))}, // the one that works
		} {
			cmd := exec.Command("setpriv", append(personPriv(person, pu.Gid, groups), argv...)...)
			cmd.Env = personEnv
			out, err := cmd.CombinedOutput()
			if argv[1] == filepath.Dir(string(dir)) {
				if err != nil {
					t.Errorf("%s cannot list %s (the test's folders are not open enough): %v\n%s", person, argv[1], err, out)
				}
				continue
			}
			if err == nil {
				t.Errorf("%s (groups %q) could %s %s:\n%s", person, groups, argv[0], argv[1], out)
			}
		}
	}
	if exists(filepath.Join(string(dir), "intrus")) {
		t.Error("a person wrote into the service's folder")
	}

	// The service's account opens its daycare: every MAC holds under its
	// own key folder, data.adopted journaled.
	serviceEnv := append(env, "HOME=/nonexistent", "XDG_CONFIG_HOME=/nonexistent", "APETITSPAS_KEYRING=file",
		"APETITSPAS_KEY_DIR="+dir.KeyDir())
	out, err = as(admin, account, serviceEnv, "", "--db", dir.DB(), "audit", "verify", "--json")
	if err != nil || !strings.Contains(out, `"ok": true`) {
		t.Errorf("audit verify as %s: %v\n%s", account, err, out)
	}
	out, err = as(admin, account, serviceEnv, "", "--db", dir.DB(), "audit", "--event", "data.adopted", "--json")
	if err != nil || !strings.Contains(out, "os_user") || !strings.Contains(out, own.DB) {
		t.Errorf("data.adopted in the service's daycare: %v\n%s", err, out)
	}
	for _, suffix := range []string{"-wal", "-shm"} {
		if fi, err := os.Stat(dir.DB() + suffix); err == nil && fi.Mode().Perm()&0o077 != 0 {
			t.Errorf("%s%s has mode %04o", dir.DB(), suffix, fi.Mode().Perm())
		}
	}
	// Her old database: hers still, marked.
	owned(t, own.DB, puid, pgid, 0o600)
	out, err = as(admin, person, personEnv, "", "--db", own.DB, "audit", "--event", "data.adopted", "--json")
	if err != nil || !strings.Contains(out, dir.DB()) {
		t.Errorf("data.adopted in her old database: %v\n%s", err, out)
	}

	// Uninstall: the data stays, the service's.
	out, err = as(admin, "", env, "", "service", "uninstall", "--root", root, "--user", account, "--systemctl", systemctl)
	if err != nil || !strings.Contains(out, string(dir)) {
		t.Fatalf("service uninstall: %v\n%s", err, out)
	}
	owned(t, string(dir), uid, gid, os.ModeDir|0o700)
	owned(t, dir.DB(), uid, gid, 0o600)
	if exists(filepath.Join(root, l.Unit)) || exists(filepath.Join(root, l.Binary)) {
		t.Error("uninstall left the unit or the program")
	}
	if !strings.Contains(logOf(t, log), "disable --now apetitspas.service") {
		t.Errorf("systemctl:\n%s", logOf(t, log))
	}
	t.Logf("service account %s (uid %d) alone reads %s; %s could not", account, uid, dir, person)
}

// as runs the real tool as the account name (setpriv, with its own
// groups), or as root when name is "".
func as(admin, name string, env []string, stdin string, args ...string) (string, error) {
	argv := append([]string{admin}, args...)
	if name != "" {
		argv = append([]string{"setpriv", "--reuid", name, "--regid", name, "--init-groups", "--"}, argv...)
	}
	cmd := exec.Command(argv[0], argv[1:]...)
	cmd.Env = env
	cmd.Stdin = strings.NewReader(stdin)
	out, err := cmd.CombinedOutput()
	return string(out), err
}

// personPriv are setpriv's options to run as person, with her own groups
// only, or with the extra group too.
func personPriv(person, gid, extra string) []string {
	if extra == "" {
		return []string{"--reuid", person, "--regid", gid, "--init-groups", "--"}
	}
	g, _ := user.LookupGroup(extra)
	return []string{"--reuid", person, "--regid", gid, "--groups", gid + "," + g.Gid, "--"}
}

func exitCode(err error) int {
	if err == nil {
		return 0
	}
	if ee, ok := err.(*exec.ExitError); ok {
		return ee.ExitCode()
	}
	return -1
}
