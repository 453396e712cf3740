package main

import (
	"context"
	"encoding/base64"
	"encoding/json"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"

	apetitspas "github.com/apetitspas/apetitspas/app"
	"github.com/apetitspas/apetitspas/assets/packaging/linux"
	"github.com/apetitspas/apetitspas/data"
	"github.com/apetitspas/apetitspas/data/datatest"
)

// The packaging files say what the tool installs: the unit starts the
// program where install puts it, on the folder and socket it prepares and
// names in the configuration; systemd itself reads them (offline).
func TestTheUnitIsTheLayouts(t *testing.T) {
	l := defaultServiceLayout()
	execStart := "\nExecStart=" + l.Binary + " run --data " + l.DataDir + " --listen unix:" + l.Socket + "\n"
	for _, want := range []string{execStart, "\nUser=" + l.User + "\n", "\nGroup=" + l.User + "\n", "\nStateDirectory=apetitspas\n",
		"\nRuntimeDirectory=" + filepath.Base(filepath.Dir(l.Socket)) + "\n", "\nStateDirectoryMode=0700\n", "\nUMask=0077\n",
		"\nProtectHome=yes\n", "\nRestrictAddressFamilies=AF_UNIX AF_INET AF_INET6\n", "\nRestart=on-failure\n",
		"\nReadWritePaths=-" + l.Backups + "\n"} {
		if !strings.Contains(linux.Unit, want) {
			t.Errorf("the unit lacks %q", strings.TrimSpace(want))
		}
	}
	if filepath.Join("/var/lib", "apetitspas") != l.DataDir {
		t.Errorf("StateDirectory=apetitspas is /var/lib/apetitspas, the layout says %s", l.DataDir)
	}
	if got := serviceUnitText(serviceLayout{User: "aptsvc1"}); !strings.Contains(got, "\nUser=aptsvc1\nGroup=aptsvc1\n") {
		t.Errorf("the unit for another account:\n%s", got)
	}
	if a, err := data.ParseServiceAddress("unix:" + l.Socket); err != nil || a.Path != l.Socket {
		t.Errorf("the socket %s is no service address: %v", l.Socket, err)
	}
	t.Setenv("APETITSPAS_CONFIG", "")
	if data.ConfigPath() != l.Config {
		t.Errorf("the clients read %s, install writes %s", data.ConfigPath(), l.Config)
	}

	if _, err := exec.LookPath("systemd-analyze"); err == nil {
		// systemd checks every line; the program must exist, so /bin/true
		// stands in for it.
		dir := t.TempDir()
		unit := filepath.Join(dir, serviceUnitName)
		text := strings.Replace(linux.Unit, l.Binary, "/bin/true", 1)
		if err := os.WriteFile(unit, []byte(text), 0o644); err != nil {
			t.Fatal(err)
		}
		if out, err := exec.Command("systemd-analyze", "verify", "--man=no", unit).CombinedOutput(); err != nil {
			t.Errorf("systemd-analyze verify: %v\n%s", err, out)
		}
	} else {
		t.Log("systemd-analyze missing: the unit was not read by systemd")
	}
	if _, err := exec.LookPath("systemd-sysusers"); err == nil && os.Geteuid() == 0 {
		dir := t.TempDir()
		if err := os.Mkdir(filepath.Join(dir, "etc"), 0o755); err != nil {
			t.Fatal(err)
		}
		if out, err := exec.Command("systemd-sysusers", "--root="+dir, writeTemp(t, "apetitspas.conf", linux.Sysusers)).CombinedOutput(); err != nil {
			t.Fatalf("systemd-sysusers: %v\n%s", err, out)
		}
		passwd, _ := os.ReadFile(filepath.Join(dir, "etc", "passwd"))
		if !strings.Contains(string(passwd), "apetitspas:x:") || !strings.Contains(string(passwd), ":"+l.DataDir+":/usr/sbin/nologin\n") {
			t.Errorf("the sysusers line made:\n%s", passwd)
		}
	}
}

func writeTemp(t *testing.T, name, text string) string {
	t.Helper()
	p := filepath.Join(t.TempDir(), name)
	if err := os.WriteFile(p, []byte(text), 0o644); err != nil {
		t.Fatal(err)
	}
	return p
}

func TestServiceUsageErrors(t *testing.T) {
	newDB(t)
	for _, args := range [][]string{
		{"service", "install", "--from-keys", "/k"},
		{"service", "install", "--root", "relatif"},
		{"service", "status", "--binary", "/x"},
		{"service", "uninstall", "--json"},
		{"service", "install", "en-trop"},
		{"service", "install", "--from", "/a.db", "--from-backup", "/b.apetitspas"},
	} {
		if code, out, errs := runTool(args, ""); code != exitUsage {
			t.Errorf("%v: exit %d, want 2\n%s%s", args, code, out, errs)
		}
	}
}

// fakeSystemctl is a systemctl for the tests: it logs its arguments and
// remembers what was enabled and started; failOn makes that command fail.
func fakeSystemctl(t *testing.T, failOn string) (path, log string) {
	t.Helper()
	dir := t.TempDir()
	path = filepath.Join(dir, "systemctl")
	script := `#!/bin/sh
d=$(dirname "$0")
echo "$*" >> "$d/log"
[ -n "` + failOn + `" ] && [ "$1" = "` + failOn + `" ] && { echo "Failed to connect to bus: No such file or directory" >&2; exit 1; }
case "$1" in
is-enabled) [ -e "$d/enabled" ]; exit $?;;
is-active) [ -e "$d/active" ]; exit $?;;
enable) touch "$d/enabled"; [ "$2" = --now ] && touch "$d/active";;
disable) rm -f "$d/enabled"; [ "$2" = --now ] && rm -f "$d/active";;
start|restart) touch "$d/active";;
stop) rm -f "$d/active";;
esac
exit 0
`
	if err := os.WriteFile(path, []byte(script), 0o755); err != nil {
		t.Fatal(err)
	}
	return path, filepath.Join(dir, "log")
}

// fakeServiceBinary stands in for apetitspas-service.
func fakeServiceBinary(t *testing.T) string {
	t.Helper()
	p := filepath.Join(t.TempDir(), "apetitspas-service")
	if err := os.WriteFile(p, []byte("#!/bin/sh\nexit 0\n"), 0o755); err != nil {
		t.Fatal(err)
	}
	return p
}

// serviceKeys reads the service's one key (as root: the key ring refuses
// a key file that is another account's).
func serviceKeys(t *testing.T, dir data.ServiceDir) memKeys {
	t.Helper()
	entries, err := os.ReadDir(dir.KeyDir())
	if err != nil || len(entries) != 1 {
		t.Fatalf("service key folder: %v %v", entries, err)
	}
	b, err := os.ReadFile(filepath.Join(dir.KeyDir(), entries[0].Name()))
	if err != nil {
		t.Fatal(err)
	}
	key, err := base64.StdEncoding.DecodeString(strings.TrimSpace(string(b)))
	if err != nil {
		t.Fatal(err)
	}
	return memKeys{apetitspas.BackupKey{ID: strings.TrimSuffix(entries[0].Name(), ".key"), Key: key}}
}

// verifyService opens the service's database as root with its key: every
// MAC holds, data.adopted is journaled.
func verifyService(t *testing.T, dir data.ServiceDir) {
	t.Helper()
	db, err := data.Open(dir.DB())
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	tr := apetitspas.NewTrusted(apetitspas.New(apetitspas.Params{Store: db, Keys: serviceKeys(t, dir)}))
	if r, err := tr.Verify(context.Background()); err != nil || !r.OK() {
		t.Fatalf("audit verify of the service's daycare: %+v %v", r, err)
	}
	if evs, err := tr.Audit(context.Background(), apetitspas.AuditFilter{Event: apetitspas.EventDataAdopted}); err != nil || len(evs) != 1 {
		t.Errorf("data.adopted in the service's daycare: %+v %v", evs, err)
	}
}

func statusOf(t *testing.T, args ...string) serviceState {
	t.Helper()
	code, out, errs := runTool(append([]string{"service", "status", "--json"}, args...), "")
	var st serviceState
	if code != exitOK || json.Unmarshal([]byte(out), &st) != nil {
		t.Fatalf("service status: exit %d\n%s%s", code, out, errs)
	}
	return st
}

func logOf(t *testing.T, log string) string {
	b, _ := os.ReadFile(log)
	return string(b)
}

// The README's machine-wide daycare (its database in /var/lib/apetitspas,
// the service's folder), under a temporary root, for the account daemon:
// install sets the old folder aside, adopts the daycare, writes the
// configuration, the program and the unit, and starts the service;
// install again changes nothing but restarts it; uninstall keeps the data.
func TestServiceInstallAdoptsTheMachineWideDaycareAndUninstallKeepsIt(t *testing.T) {
	if os.Geteuid() != 0 {
		t.Skip("service install needs root (CI runs as root; make service-linux does it with real accounts)")
	}
	newDB(t)
	root := t.TempDir()
	l := defaultServiceLayout()
	config := filepath.Join(root, l.Config)
	t.Setenv("APETITSPAS_CONFIG", config)
	oldDB := filepath.Join(root, l.DataDir, "apetitspas.db")
	if code, out, errs := runTool([]string{"--db", oldDB, "configure", "--group", "root"}, ""); code != exitOK {
		t.Fatalf("configure: exit %d\n%s%s", code, out, errs)
	}
	if code, out, errs := runTool([]string{"setup", "--daycare", "CPE Les Lucioles", "--email", "a@cpe.ca", "--name", "Admin A"}, pw+"\n"); code != exitOK {
		t.Fatalf("setup: exit %d\n%s%s", code, out, errs)
	}
	systemctl, log := fakeSystemctl(t, "")
	bin := fakeServiceBinary(t)
	flags := []string{"--root", root, "--user", "daemon", "--systemctl", systemctl}

	code, out, errs := runTool(append([]string{"service", "install", "--binary", bin}, flags...), "")
	if code != exitOK {
		t.Fatalf("service install: exit %d\n%s%s", code, out, errs)
	}
	t.Logf("service install:\n%s%s", out, errs)
	dir := data.ServiceDir(filepath.Join(root, l.DataDir))
	aside := string(dir) + ".avant-service"
	for _, want := range []string{"est devenu " + aside, "« CPE Les Lucioles »", "1 comptes", "Service installé et démarré", "« daemon »"} {
		if !strings.Contains(out, want) {
			t.Errorf("install did not say %q:\n%s", want, out)
		}
	}
	// The service's folder and its backups' folder: daemon's alone.
	owned(t, string(dir), 1, 1, os.ModeDir|0o700)
	owned(t, filepath.Join(root, l.Backups), 1, 1, os.ModeDir|0o700)
	if !strings.Contains(out, "choisissez le dossier "+l.Backups) {
		t.Errorf("install did not name the backups' folder:\n%s", out)
	}
	owned(t, dir.DB(), 1, 1, 0o600)
	owned(t, dir.KeyDir(), 1, 1, os.ModeDir|0o700)
	verifyService(t, dir)
	for _, suffix := range []string{"-wal", "-shm"} {
		if exists(dir.DB() + suffix) {
			t.Errorf("root left %s%s in the service's folder", dir.DB(), suffix)
		}
	}
	// The old folder, set aside as it was; its database marked.
	owned(t, aside, 0, 0, os.ModeDir|os.ModeSetgid|0o770)
	old, err := data.Open(filepath.Join(aside, "apetitspas.db"))
	if err != nil {
		t.Fatal(err)
	}
	oldTr := apetitspas.NewTrusted(apetitspas.New(apetitspas.Params{Store: old, Keys: data.NewSharedKeyRing(data.DefaultSharedKeyDir(config))}))
	if to, err := oldTr.MovedTo(context.Background()); err != nil || to != dir.DB() {
		t.Errorf("the old database: MovedTo = %q, %v; want %s", to, err, dir.DB())
	}
	old.Close()
	// The old database and key are root's alone now: the group read them
	// (with the key, every TOTP secret of the old copy).
	owned(t, filepath.Join(aside, "apetitspas.db"), 0, 0, 0o600)
	owned(t, data.DefaultSharedKeyDir(config), 0, 0, os.ModeDir|0o700)
	if !strings.Contains(out, "ne sont plus lisibles que par root") {
		t.Errorf("install did not say the old files were closed:\n%s", out)
	}
	// The configuration names the service alone, readable by everyone.
	if cfg, _, err := data.ReadConfig(config); err != nil || cfg != (data.Config{Service: "unix:" + l.Socket}) {
		t.Errorf("configuration after install: %+v, %v", cfg, err)
	}
	owned(t, config, 0, 0, 0o644)
	// The program and the unit.
	owned(t, filepath.Join(root, l.Binary), 0, 0, 0o755)
	unit, _ := os.ReadFile(filepath.Join(root, l.Unit))
	if !strings.Contains(string(unit), "\nUser=daemon\nGroup=daemon\n") || !strings.Contains(string(unit), "ExecStart="+l.Binary) {
		t.Errorf("the unit installed:\n%s", unit)
	}
	if got := logOf(t, log); !strings.Contains(got, "daemon-reload\nenable --now apetitspas.service\n") {
		t.Errorf("systemctl was run as:\n%s", got)
	}
	if st := statusOf(t, flags...); st != (serviceState{Installed: true, Enabled: true, Active: true,
		Socket: filepath.Join(root, l.Socket), DataDir: string(dir)}) {
		t.Errorf("status after install: %+v", st)
	}

	// Again: nothing to adopt (the configuration names the service), the
	// new program restarted.
	code, out, errs = runTool(append([]string{"service", "install", "--binary", bin}, flags...), "")
	if code != exitOK || strings.Contains(out, "garderie") && !strings.Contains(out, "Service installé") {
		t.Fatalf("service install again: exit %d\n%s%s", code, out, errs)
	}
	if strings.Contains(out, "est maintenant celle du service") || !strings.HasSuffix(logOf(t, log), "restart apetitspas.service\n") {
		t.Errorf("install again:\n%s\nsystemctl:\n%s", out, logOf(t, log))
	}
	verifyService(t, dir)

	// Uninstall: stopped, disabled, unit and program gone, data kept.
	code, out, errs = runTool(append([]string{"service", "uninstall"}, flags...), "")
	if code != exitOK {
		t.Fatalf("service uninstall: exit %d\n%s%s", code, out, errs)
	}
	if !strings.Contains(out, "gardées dans "+string(dir)) || !strings.Contains(out, "nomme toujours le service") {
		t.Errorf("uninstall said:\n%s", out)
	}
	if !strings.Contains(logOf(t, log), "disable --now apetitspas.service\ndaemon-reload\n") {
		t.Errorf("systemctl at uninstall:\n%s", logOf(t, log))
	}
	for _, p := range []string{filepath.Join(root, l.Unit), filepath.Join(root, l.Binary), filepath.Dir(filepath.Join(root, l.Binary))} {
		if exists(p) {
			t.Errorf("%s is still there after uninstall", p)
		}
	}
	owned(t, dir.DB(), 1, 1, 0o600)
	verifyService(t, dir)
	if st := statusOf(t, flags...); st.Installed || st.Enabled || st.Active {
		t.Errorf("status after uninstall: %+v", st)
	}
	if code, out, _ := runTool(append([]string{"service", "uninstall"}, flags...), ""); code != exitOK || !strings.Contains(out, "n'est pas installé") {
		t.Errorf("uninstall twice: exit %d, %s", code, out)
	}
}

// A user's own daycare named with --from; systemctl failing (no systemd)
// stops the install after the files, and running it again finishes it.
func TestServiceInstallTakesAUsersDaycareAndResumesAfterSystemctl(t *testing.T) {
	if os.Geteuid() != 0 {
		t.Skip("service install needs root (CI runs as root)")
	}
	db, _, _ := daycare(t)
	root := t.TempDir()
	l := defaultServiceLayout()
	broken, log := fakeSystemctl(t, "enable")
	bin := fakeServiceBinary(t)
	flags := []string{"--root", root, "--user", "daemon", "--binary", bin}

	code, out, errs := runTool(append([]string{"service", "install", "--systemctl", broken, "--from", db, "--from-keys", os.Getenv("APETITSPAS_KEY_DIR")}, flags...), "")
	if code != exitRefused || !strings.Contains(errs, "« systemctl enable --now apetitspas.service » a échoué : Failed to connect to bus") {
		t.Fatalf("install with a failing systemctl: exit %d\n%s%s", code, out, errs)
	}
	if !strings.Contains(out, "4 comptes") {
		t.Errorf("the adoption of 4 accounts was not said:\n%s", out)
	}
	dir := data.ServiceDir(filepath.Join(root, l.DataDir))
	verifyService(t, dir)
	if !strings.Contains(logOf(t, log), "enable --now") {
		t.Errorf("systemctl: %s", logOf(t, log))
	}
	working, log := fakeSystemctl(t, "")
	code, out, errs = runTool(append([]string{"service", "install", "--systemctl", working}, flags...), "")
	if code != exitOK || strings.Contains(out, "4 comptes") {
		t.Fatalf("install again: exit %d\n%s%s", code, out, errs)
	}
	if !strings.Contains(logOf(t, log), "enable --now apetitspas.service") {
		t.Errorf("systemctl: %s", logOf(t, log))
	}
	// The old database is marked: a second --from is done already.
	code, out, errs = runTool(append([]string{"service", "install", "--systemctl", working, "--from", db, "--from-keys", os.Getenv("APETITSPAS_KEY_DIR")}, flags...), "")
	if code != exitOK || !strings.Contains(out, "est déjà celle du service") {
		t.Errorf("install --from again: exit %d\n%s%s", code, out, errs)
	}
}

// Refusals before anything is changed: a PostgreSQL configuration, a
// missing program, another daycare already in the service's folder.
func TestServiceInstallRefusesBeforeChangingAnything(t *testing.T) {
	if os.Geteuid() != 0 {
		t.Skip("service install needs root (CI runs as root)")
	}
	newDB(t)
	root := t.TempDir()
	l := defaultServiceLayout()
	systemctl, log := fakeSystemctl(t, "")
	flags := []string{"--root", root, "--user", "daemon", "--systemctl", systemctl}
	nothingDone := func(what string) {
		t.Helper()
		for _, p := range []string{l.Unit, l.Binary, l.DataDir} {
			if exists(filepath.Join(root, p)) {
				t.Errorf("%s: %s was made", what, p)
			}
		}
		for _, line := range strings.Split(logOf(t, log), "\n") {
			if !strings.HasPrefix(line, "is-") && line != "" {
				t.Errorf("%s: systemctl ran: %s", what, line)
			}
		}
	}

	code, _, errs := runTool(append([]string{"service", "install", "--binary", filepath.Join(root, "absent")}, flags...), "")
	if code != exitRefused || !strings.Contains(errs, "Le programme du service est introuvable") {
		t.Errorf("no program: exit %d %s", code, errs)
	}
	nothingDone("no program")

	bin := fakeServiceBinary(t)
	config := filepath.Join(root, l.Config)
	if err := data.WriteConfig(config, data.Config{DB: "postgres://app@serveur/apetitspas?sslmode=verify-full"}, 0o644); err != nil {
		t.Fatal(err)
	}
	code, _, errs = runTool(append([]string{"service", "install", "--binary", bin}, flags...), "")
	if code != exitRefused || !strings.Contains(errs, "Le serveur de données ne répond pas") {
		t.Errorf("PostgreSQL server away: exit %d %s", code, errs)
	}
	nothingDone("PostgreSQL server away")
	code, _, errs = runTool(append([]string{"service", "install", "--binary", bin, "--from", "/srv/a.db"}, flags...), "")
	if code != exitRefused || !strings.Contains(errs, "nomme un serveur PostgreSQL") {
		t.Errorf("PostgreSQL and --from: exit %d %s", code, errs)
	}
	nothingDone("PostgreSQL and --from")
	os.Remove(config)

	// Another daycare already in the service's folder, and one named by
	// --from: refused, neither touched.
	db, _, _ := daycare(t)
	dir := data.ServiceDir(filepath.Join(root, l.DataDir))
	if code, out, errs := runTool([]string{"--db", dir.DB(), "setup", "--daycare", "CPE Déjà Là", "--email", "z@cpe.ca", "--name", "Zoé"}, pw+"\n"); code != exitOK {
		t.Fatalf("setup in the service's folder: %d %s%s", code, out, errs)
	}
	code, _, errs = runTool(append([]string{"service", "install", "--binary", bin, "--from", db, "--from-keys", os.Getenv("APETITSPAS_KEY_DIR")}, flags...), "")
	if code != exitRefused || !strings.Contains(errs, "contient déjà une garderie") {
		t.Errorf("over a daycare: exit %d %s", code, errs)
	}
	if exists(filepath.Join(root, l.Unit)) || exists(config) {
		t.Error("a refused adoption went on with the install")
	}
}

// configure was run but the app never opened (no database yet), or opened
// once without a first run: nothing to adopt, the service starts anew.
func TestServiceInstallWithNothingToAdopt(t *testing.T) {
	if os.Geteuid() != 0 {
		t.Skip("service install needs root (CI runs as root)")
	}
	newDB(t)
	l := defaultServiceLayout()
	for _, opened := range []bool{false, true} {
		root := t.TempDir()
		config := filepath.Join(root, l.Config)
		old := filepath.Join(root, "srv", "garderie", "apetitspas.db")
		if err := data.WriteConfig(config, data.Config{DB: old}, 0o644); err != nil {
			t.Fatal(err)
		}
		if opened {
			db, err := data.Open(old)
			if err != nil {
				t.Fatal(err)
			}
			db.Close()
		}
		systemctl, _ := fakeSystemctl(t, "")
		code, out, errs := runTool([]string{"service", "install", "--root", root, "--user", "daemon", "--systemctl", systemctl,
			"--binary", fakeServiceBinary(t)}, "")
		if code != exitOK || strings.Contains(out, "est maintenant celle du service") {
			t.Fatalf("install (database opened: %v): exit %d\n%s%s", opened, code, out, errs)
		}
		if opened != strings.Contains(out, "ne contient pas de garderie") {
			t.Errorf("install (database opened: %v) said:\n%s", opened, out)
		}
		owned(t, filepath.Join(root, l.DataDir), 1, 1, os.ModeDir|0o700)
		if exists(filepath.Join(root, l.DataDir, "apetitspas.db")) {
			t.Error("a database was made in the service's folder")
		}
		if cfg, _, err := data.ReadConfig(config); err != nil || cfg != (data.Config{Service: "unix:" + l.Socket}) {
			t.Errorf("configuration: %+v %v", cfg, err)
		}
	}
}

// --from never puts a user's own daycare in the place of the
// machine-wide one, which every account uses.
func TestServiceInstallKeepsTheMachineWideDaycareFirst(t *testing.T) {
	if os.Geteuid() != 0 {
		t.Skip("service install needs root (CI runs as root)")
	}
	own, _, _ := daycare(t)
	root := t.TempDir()
	l := defaultServiceLayout()
	config := filepath.Join(root, l.Config)
	t.Setenv("APETITSPAS_CONFIG", config)
	machine := filepath.Join(root, "srv", "apetitspas.db")
	if code, out, errs := runTool([]string{"--db", machine, "configure", "--group", "root"}, ""); code != exitOK {
		t.Fatalf("configure: %d %s%s", code, out, errs)
	}
	if code, out, errs := runTool([]string{"setup", "--daycare", "CPE Commun", "--email", "c@cpe.ca", "--name", "Commun"}, pw+"\n"); code != exitOK {
		t.Fatalf("setup: %d %s%s", code, out, errs)
	}
	systemctl, _ := fakeSystemctl(t, "")
	code, out, errs := runTool([]string{"service", "install", "--root", root, "--user", "daemon", "--systemctl", systemctl,
		"--binary", fakeServiceBinary(t), "--from", own, "--from-keys", os.Getenv("APETITSPAS_KEY_DIR")}, "")
	if code != exitRefused || !strings.Contains(errs, "nomme déjà une garderie ("+machine+")") {
		t.Fatalf("--from beside a machine-wide daycare: exit %d\n%s%s", code, out, errs)
	}
	if exists(filepath.Join(root, l.DataDir)) || exists(filepath.Join(root, l.Unit)) {
		t.Error("a refused install went on")
	}
	if cfg, _, _ := data.ReadConfig(config); cfg.DB != machine || cfg.Service != "" {
		t.Errorf("the configuration changed: %+v", cfg)
	}
}

// A new computer: a backup (made through the service on the old one)
// becomes the service's daycare with --from-backup: checked with its
// passphrase before anything is installed, journaled (backup.restored,
// data.adopted), the service's alone, and nothing of it left in root's
// temporary folder. A wrong passphrase installs nothing.
func TestServiceInstallFromABackup(t *testing.T) {
	if os.Geteuid() != 0 {
		t.Skip("service install needs root (CI runs as root)")
	}
	_, file, _ := backedUp(t)
	elsewhere(t)
	l := defaultServiceLayout()
	root := t.TempDir()
	t.Setenv("APETITSPAS_CONFIG", filepath.Join(root, l.Config))
	tmp := t.TempDir()
	t.Setenv("TMPDIR", tmp)
	systemctl, log := fakeSystemctl(t, "")
	args := []string{"service", "install", "--root", root, "--user", "daemon", "--systemctl", systemctl,
		"--binary", fakeServiceBinary(t), "--from-backup", file}

	code, out, errs := runTool(args, "une autre phrase de passe\n")
	if code != exitRefused || !strings.Contains(errs, "phrase de passe") {
		t.Fatalf("a wrong passphrase: exit %d\n%s%s", code, out, errs)
	}
	if exists(filepath.Join(root, l.Unit)) || exists(filepath.Join(root, l.DataDir)) || logOf(t, log) != "" {
		t.Fatal("a wrong passphrase installed something")
	}

	code, out, errs = runTool(args, passphrase+"\n")
	if code != exitOK {
		t.Fatalf("install --from-backup: exit %d\n%s%s", code, out, errs)
	}
	dir := data.ServiceDir(filepath.Join(root, l.DataDir))
	owned(t, dir.DB(), 1, 1, 0o600)
	owned(t, dir.KeyDir(), 1, 1, os.ModeDir|0o700)
	verifyService(t, dir)
	db, err := data.Open(dir.DB())
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	tr := apetitspas.NewTrusted(apetitspas.New(apetitspas.Params{Store: db, Keys: serviceKeys(t, dir)}))
	if evs, err := tr.Audit(context.Background(), apetitspas.AuditFilter{Event: apetitspas.EventBackupRestored}); err != nil || len(evs) != 1 {
		t.Errorf("backup.restored: %+v %v", evs, err)
	}
	if us, err := tr.Users(context.Background(), apetitspas.UserFilter{}); err != nil || len(us) == 0 {
		t.Errorf("the accounts of the backup: %d %v", len(us), err)
	}
	if left, _ := os.ReadDir(tmp); len(left) != 0 {
		t.Errorf("left in the temporary folder: %v", left)
	}
	if !strings.Contains(logOf(t, log), "enable") {
		t.Errorf("the service was not started: %s", logOf(t, log))
	}
}

// Several computers on one PostgreSQL server: install leaves the server
// where it is; the service gets the app role's address (its password) in
// its own service.toml and this computer's key, the machine-wide file
// keeps only the service's address, the old key is root's alone, and the
// server journals data.adopted with root's name and no password. Install
// again changes nothing.
func TestServiceInstallTakesAPostgreSQLDaycare(t *testing.T) {
	if os.Geteuid() != 0 {
		t.Skip("service install needs root (CI runs as root)")
	}
	newDB(t)
	pg := datatest.NewPGDaycareDB(t)
	root := t.TempDir()
	l := defaultServiceLayout()
	config := filepath.Join(root, l.Config)
	t.Setenv("APETITSPAS_CONFIG", config)
	if code, out, errs := runTool([]string{"--db", pg.AppURL, "configure", "--group", "root"}, ""); code != exitOK {
		t.Fatalf("configure: exit %d\n%s%s", code, out, errs)
	}
	if code, out, errs := runTool([]string{"setup", "--daycare", "CPE Les Lucioles", "--email", "a@cpe.ca", "--name", "Admin A"}, pw+"\n"); code != exitOK {
		t.Fatalf("setup: exit %d\n%s%s", code, out, errs)
	}
	oldKeys := data.DefaultSharedKeyDir(config)
	systemctl, _ := fakeSystemctl(t, "")
	args := []string{"service", "install", "--root", root, "--user", "daemon", "--systemctl", systemctl, "--binary", fakeServiceBinary(t)}
	code, out, errs := runTool(args, "")
	if code != exitOK || !strings.Contains(out, "Le service utilise maintenant le serveur") || strings.Contains(out+errs, "apetitspas-test-pw") {
		t.Fatalf("install: exit %d\n%s%s", code, out, errs)
	}
	dir := data.ServiceDir(filepath.Join(root, l.DataDir))
	owned(t, dir.ConfigPath(), 1, 1, 0o600)
	owned(t, dir.KeyDir(), 1, 1, os.ModeDir|0o700)
	b, err := os.ReadFile(dir.ConfigPath())
	if err != nil {
		t.Fatal(err)
	}
	if c, err := data.ParseConfig(b); err != nil || c.DB != pg.AppURL {
		t.Fatalf("service.toml: %+v %v", c, err)
	}
	if cfg, _, err := data.ReadConfig(config); err != nil || cfg != (data.Config{Service: "unix:" + l.Socket}) {
		t.Errorf("the machine-wide configuration: %+v %v", cfg, err)
	}
	if b, _ := os.ReadFile(config); strings.Contains(string(b), "apetitspas-test-pw") {
		t.Error("the password stayed in the machine-wide configuration")
	}
	owned(t, oldKeys, 0, 0, os.ModeDir|0o700)
	entries, _ := os.ReadDir(oldKeys)
	for _, e := range entries {
		owned(t, filepath.Join(oldKeys, e.Name()), 0, 0, 0o600)
	}
	if exists(dir.DB()) {
		t.Error("a SQLite database was made beside the server's address")
	}

	// The service's key opens the server's daycare; the adoption is
	// journaled once, with root's name and without the password.
	st, err := data.Open(pg.AppURL)
	if err != nil {
		t.Fatal(err)
	}
	defer st.Close()
	tr := apetitspas.NewTrusted(apetitspas.New(apetitspas.Params{Store: st, Keys: serviceKeys(t, dir)}))
	if r, err := tr.Verify(context.Background()); err != nil || !r.OK() {
		t.Fatalf("audit verify with the service's key: %+v %v", r, err)
	}
	events := func() []apetitspas.AuditEvent {
		evs, err := tr.Audit(context.Background(), apetitspas.AuditFilter{Event: apetitspas.EventDataAdopted})
		if err != nil {
			t.Fatal(err)
		}
		return evs
	}
	evs := events()
	if len(evs) != 1 || evs[0].Field(apetitspas.FieldOSUser) != "root" || strings.Contains(evs[0].Detail, "apetitspas-test-pw") ||
		!strings.Contains(evs[0].Detail, "xxxxx") {
		t.Fatalf("data.adopted: %+v", evs)
	}

	if code, out, errs := runTool(args, ""); code != exitOK {
		t.Fatalf("install again: exit %d\n%s%s", code, out, errs)
	}
	if n := len(events()); n != 1 {
		t.Errorf("install again journaled data.adopted %d times", n)
	}
}

// Where a service holds the daycare, the commands that work on the files
// themselves refuse with a French sentence and change nothing, rather than
// reach around it (restore, keys import, move, db move) or send every
// program of the computer to another database (configure).
func TestFileCommandsRefuseWhereAServiceHoldsTheDaycare(t *testing.T) {
	newDB(t)
	dir := t.TempDir()
	config := filepath.Join(dir, "config.toml")
	t.Setenv("APETITSPAS_CONFIG", config)
	if err := data.WriteConfig(config, data.Config{Service: "unix:" + filepath.Join(dir, "service.sock")}, 0o644); err != nil {
		t.Fatal(err)
	}
	before, _ := os.ReadFile(config)
	file := filepath.Join(dir, "garderie.apetitspas")
	os.WriteFile(file, []byte("pas une sauvegarde"), 0o600)
	for _, c := range []struct {
		stdin string
		args  []string
		by    string
	}{
		{"une phrase de passe\n", []string{"restore", "--from", file}, config},
		{"une phrase de passe\n", []string{"keys", "import", "--from", file}, config},
		{pw + "\n\n", []string{"move", "--by", "a@cpe.ca"}, config},
		{"", []string{"db", "move", "--to", "postgres://app@serveur/garderie?sslmode=verify-full"}, config},
		{"une phrase de passe\n", []string{"--service", "unix:" + filepath.Join(dir, "autre.sock"), "restore", "--from", file}, "--service"},
	} {
		code, out, errs := runTool(c.args, c.stdin)
		if code != exitRefused || !strings.Contains(errs, "c'est le service À petits pas qui garde la garderie ("+c.by+" le nomme)") {
			t.Errorf("%v: exit %d\n%s%s", c.args, code, out, errs)
		}
	}
	if os.Geteuid() == 0 {
		code, out, errs := runTool([]string{"--db", filepath.Join(dir, "autre.db"), "configure", "--group", "root"}, "")
		if code != exitRefused || !strings.Contains(errs, "qui garde la garderie") {
			t.Errorf("configure: exit %d\n%s%s", code, out, errs)
		}
	}
	if after, _ := os.ReadFile(config); string(after) != string(before) {
		t.Errorf("the configuration changed:\n%s", after)
	}
	if entries, _ := os.ReadDir(dir); len(entries) != 2 {
		t.Errorf("files made: %v", entries)
	}
}
