//go:build linux || darwin

package main

import (
	"context"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"os"
	"os/exec"
	"os/user"
	"path/filepath"
	"strconv"
	"strings"
	"syscall"

	apetitspas "github.com/apetitspas/apetitspas/app"
	"github.com/apetitspas/apetitspas/data"
)

// The flow of service install, uninstall and status, the same on Linux
// and macOS; what differs (the account, the unit, the service manager)
// is in service_linux.go and service_darwin.go.
//
// install, in this order, so that a refusal comes before anything is
// changed and a failure leaves the computer as it was or easy to finish by
// running the command again:
//
//  1. root only; the service's program must be there (--binary);
//  2. the daycare to adopt, found without changing anything: the
//     machine-wide configuration's SQLite database, else (--from) the
//     database named, else the own database of the user who ran sudo;
//     a configuration naming a PostgreSQL server is refused for now;
//  3. the account (useradd --system, or dscl), never root nor a person's;
//  4. the adoption (data.Adopt) into the data folder, 0700, the
//     account's; an old data folder inside it is set aside whole first,
//     and put back if the adoption fails;
//  5. the machine-wide configuration: service = "unix:…" alone (the
//     clients now go through the service; an older version of the app,
//     which does not know that line, refuses the file rather than opening
//     the old database);
//  6. the program and the unit, each written beside and renamed;
//  7. the service manager: enabled, started (restarted when it was
//     running: a new program).

// serviceInstall: service install [--binary PATH] [--from PATH [--from-keys DIR] | --from-backup FILE].
func (c *cli) serviceInstall(f serviceFlags) int {
	l := f.layout()
	if !osUser().Elevated {
		return c.refuse("cli.service_not_elevated", nil)
	}
	binary, err := serviceBinary(f.binary)
	if err != nil {
		return c.refuse("cli.service_no_binary", map[string]any{"File": binary})
	}
	if f.fromBackup != "" {
		// The backup is unpacked and checked as restore does, in a folder
		// of root's alone, then adopted from there like any daycare.
		db, keys, cleanup, exit, ok := c.unpackForService(f.fromBackup)
		if !ok {
			return exit
		}
		defer cleanup()
		f.from, f.fromKeys = db, keys
	}
	configPath := l.configPath()
	src, adopt, exit, ok := c.adoptionSource(l, f, configPath)
	if !ok {
		return exit
	}
	uid, gid, created, err := ensureServiceUser(l)
	if err != nil {
		var taken *userTakenError
		if errors.As(err, &taken) {
			return c.refuse("cli.service_user_taken", map[string]any{"User": l.User, "UID": taken.uid})
		}
		return c.refuse("cli.service_user_failed", map[string]any{"User": l.User, "Error": err.Error()})
	}
	if created {
		c.say("cli.service_user_created", map[string]any{"User": l.User})
	}
	m := newServiceManager(l)
	_, wasActive := m.state()
	dir := data.ServiceDir(l.at(l.DataDir))
	// retire is the machine-wide daycare adopted, closed to the group
	// once the configuration names the service.
	var retire data.AdoptSource
	if adopt && alreadyTheServices(dir, src, uid) {
		adopt = false
	}
	if adopt {
		if wasActive {
			// Its folder is about to change under it.
			if err := m.stop(); err != nil {
				return c.managerFailed(err)
			}
		}
		var exit int
		if retire, exit, ok = c.adoptInto(dir, src, uid, gid); !ok {
			return exit
		}
	}
	if err := prepareServiceDir(string(dir), uid, gid); err != nil {
		return c.fail(err)
	}
	if err := prepareServiceDir(l.at(l.Backups), uid, gid); err != nil {
		return c.fail(err)
	}
	if err := prepareServiceRuntime(l, uid, gid); err != nil {
		return c.fail(err)
	}
	if err := data.MakeOpenFolders(filepath.Dir(configPath)); err != nil {
		return c.fail(prepareFolderError(filepath.Dir(configPath), err))
	}
	if err := data.WriteConfig(configPath, data.Config{Service: data.NetworkUnix + ":" + l.Socket}, 0o644); err != nil {
		return c.fail(err)
	}
	// Read back as every account will (config_insecure said now).
	if _, _, err := data.ReadConfig(configPath); err != nil {
		return c.fail(err)
	}
	if retire.Shared {
		c.retireShared(retire)
	}
	if err := installFile(binary, l.at(l.Binary), 0o755); err != nil {
		return c.fail(err)
	}
	if err := writeFileAtomic(l.at(l.Unit), []byte(serviceUnitText(l)), 0o644); err != nil {
		return c.fail(err)
	}
	if err := m.start(wasActive); err != nil {
		return c.managerFailed(err)
	}
	c.say("cli.service_installed", map[string]any{"Unit": l.at(l.Unit), "Binary": l.at(l.Binary), "DataDir": string(dir),
		"User": l.User, "Config": configPath, "Socket": l.Socket})
	c.say("cli.service_backups", map[string]any{"Dir": l.Backups})
	return exitOK
}

// configPath is the machine-wide configuration the clients read
// (data.ConfigPath), or the layout's under a test root.
func (l serviceLayout) configPath() string {
	if l.Root != "" {
		return l.at(l.Config)
	}
	return data.ConfigPath()
}

// serviceBinary is the service's program to install: --binary, else
// apetitspas-service beside this tool. It must be an executable file.
func serviceBinary(flagPath string) (string, error) {
	path := flagPath
	if path == "" {
		self, err := os.Executable()
		if err != nil {
			return "apetitspas-service", err
		}
		path = filepath.Join(filepath.Dir(self), "apetitspas-service")
	}
	abs, err := filepath.Abs(path)
	if err != nil {
		return path, err
	}
	fi, err := os.Stat(abs)
	if err != nil {
		return abs, err
	}
	if !fi.Mode().IsRegular() || fi.Mode().Perm()&0o111 == 0 {
		return abs, errors.New("not an executable file")
	}
	return abs, nil
}

// adoptionSource finds the daycare to adopt (see the top of this file);
// adopt is false when there is none. ok is false after a refusal.
func (c *cli) adoptionSource(l serviceLayout, f serviceFlags, configPath string) (src data.AdoptSource, adopt bool, exit int, ok bool) {
	cfg, found, err := data.ReadConfig(configPath)
	if err != nil {
		return src, false, c.fail(err), false
	}
	if found && cfg.DB != "" && data.IsPostgresURL(cfg.DB) {
		// Several computers on one server: the server stays where it is;
		// the service takes its address and this computer's key.
		if f.from != "" {
			return src, false, c.refuse("cli.service_postgres_from", map[string]any{"Config": configPath}), false
		}
		kd := cfg.KeyDir
		if kd == "" {
			kd = data.DefaultSharedKeyDir(configPath)
		}
		return data.AdoptSource{DB: cfg.DB, KeyDir: kd, Shared: true}, true, exitOK, true
	}
	if f.from != "" {
		db, err := filepath.Abs(f.from)
		if err != nil {
			return src, false, c.fail(err), false
		}
		if fi, err := os.Stat(db); err != nil || !fi.Mode().IsRegular() {
			return src, false, c.refuse("cli.service_from_missing", map[string]any{"File": db}), false
		}
		if m, isMachine := data.MachineAdoptSource(cfg, configPath); found && isMachine {
			if samePath(m.DB, db) {
				return m, true, exitOK, true
			}
			// The machine-wide daycare is the one every account uses: a
			// user's own never takes its place (two daycares).
			if taken, err := holdsDaycare(m.DB); err != nil {
				return src, false, c.fail(err), false
			} else if taken {
				return src, false, c.refuse("cli.service_two_daycares", map[string]any{"Config": configPath, "DB": m.DB}), false
			}
		}
		keys := f.fromKeys
		if keys == "" {
			keys = filepath.Join(filepath.Dir(db), "keys")
		}
		return data.AdoptSource{DB: db, KeyDir: keys}, true, exitOK, true
	}
	if found {
		// configure run, the app never opened: no database yet, nothing
		// to adopt.
		if m, isMachine := data.MachineAdoptSource(cfg, configPath); isMachine && cfg.Service == "" && exists(m.DB) {
			return m, true, exitOK, true
		}
		return src, false, exitOK, true
	}
	// Nothing machine-wide: the own daycare of the user who ran sudo.
	// Never under a test root: home folders are outside it.
	if name := os.Getenv("SUDO_USER"); name != "" && name != "root" && l.Root == "" {
		if u, err := user.Lookup(name); err == nil && u.HomeDir != "" {
			s := data.UserAdoptSource(u.HomeDir)
			if _, err := os.Stat(s.DB); err == nil {
				return s, true, exitOK, true
			}
		}
	}
	return src, false, exitOK, true
}

// unpackForService reads the passphrase (standard input, line 1), unpacks
// the backup at from into a new folder only root may read, checks it as
// restore does (its key, its journal; migrated if older; backup.restored
// journaled in it), and puts its key in a key folder beside: a daycare
// ready for adoption. cleanup removes the folder.
func (c *cli) unpackForService(from string) (db, keyDir string, cleanup func(), exit int, ok bool) {
	passphrase, got, err := c.in.line()
	if err != nil {
		return "", "", nil, c.fail(err), false
	}
	if !got || passphrase == "" {
		fmt.Fprintln(c.stderr, "apetitspas-admin:", c.text("cli.no_passphrase", nil))
		return "", "", nil, exitRefused, false
	}
	if !c.inputEnds() {
		return "", "", nil, exitUsage, false
	}
	if fi, err := os.Stat(from); err != nil || !fi.Mode().IsRegular() {
		return "", "", nil, c.refuse("cli.service_from_missing", map[string]any{"File": from}), false
	}
	work, err := os.MkdirTemp("", "apetitspas-reprise-")
	if err != nil {
		return "", "", nil, c.fail(err), false
	}
	cleanup = func() { os.RemoveAll(work) }
	m, key, err := apetitspas.ReadBackupFile(from, passphrase, work, data.SchemaVersion)
	if err == nil && m.Kind == apetitspas.KindKey {
		err = &apetitspas.Error{Code: apetitspas.EINVALID, Reason: apetitspas.ReasonBackupDamaged,
			Err: errors.New("a key file, not a backup: use keys import")}
	}
	db = filepath.Join(work, apetitspas.BackupDBName)
	if err == nil {
		err = c.checkRestored(db, from, m, key)
	}
	keyDir = filepath.Join(work, "keys")
	if err == nil {
		err = data.NewKeyRing(keyDir, false).ImportKey(key.ID, key.Key)
	}
	if err != nil {
		cleanup()
		return "", "", nil, c.fail(err), false
	}
	return db, keyDir, cleanup, exitOK, true
}

// holdsDaycare reports whether the database file at path holds a daycare
// (a missing or empty file holds none).
func holdsDaycare(path string) (bool, error) {
	if fi, err := os.Stat(path); errors.Is(err, fs.ErrNotExist) || err == nil && fi.Size() == 0 {
		return false, nil
	}
	db, err := data.Open(path)
	if err != nil {
		return false, err
	}
	defer db.Close()
	fresh, err := adopter(db, nil).IsNew(context.Background())
	return !fresh, err
}

// alreadyTheServices: the configuration still names, as its database,
// the service's own (an install stopped between the adoption and the
// configuration, run again): the folder is already the account's, 0700.
// It must not be set aside as an old folder.
func alreadyTheServices(dir data.ServiceDir, src data.AdoptSource, uid int) bool {
	if !samePath(src.DB, dir.DB()) {
		return false
	}
	fi, err := os.Stat(string(dir))
	if err != nil {
		return false
	}
	st, ok := fi.Sys().(*syscall.Stat_t)
	return ok && int(st.Uid) == uid && fi.Mode().Perm() == 0o700
}

// adoptInto adopts src into dir for the account uid:gid, and says what it
// did. ok is false after a refusal (the old folder put back).
func (c *cli) adoptInto(dir data.ServiceDir, src data.AdoptSource, uid, gid int) (retire data.AdoptSource, exit int, ok bool) {
	if data.IsPostgresURL(src.DB) {
		rep, err := data.AdoptServer(context.Background(), dir, src.DB, src.KeyDir, data.Owner{UID: uid, GID: gid}, osUser(), adopter)
		if err != nil {
			return retire, c.fail(err), false
		}
		switch {
		case rep.Already:
			c.say("cli.service_adopt_already", map[string]any{"From": rep.From, "To": dir.ConfigPath()})
		case rep.Nothing:
			c.say("cli.service_server_empty", map[string]any{"From": rep.From, "Config": dir.ConfigPath()})
		default:
			c.say("cli.service_server_adopted", map[string]any{"From": rep.From, "Daycare": rep.Daycare, "Config": dir.ConfigPath()})
		}
		return data.AdoptSource{KeyDir: src.KeyDir, Shared: src.Shared}, exitOK, true
	}
	moved, aside, err := data.SetAside(dir, src)
	if err != nil {
		return retire, c.fail(err), false
	}
	rep, err := data.Adopt(context.Background(), dir, moved, data.Owner{UID: uid, GID: gid}, osUser(), adopter)
	if err != nil {
		if uerr := data.UndoSetAside(dir, aside); uerr != nil {
			c.warn("cli.service_undo_failed", map[string]any{"Aside": aside, "Dir": string(dir), "Error": uerr.Error()})
		}
		return retire, c.fail(err), false
	}
	if aside != "" {
		c.say("cli.service_set_aside", map[string]any{"Dir": string(dir), "Aside": aside})
	}
	switch {
	case rep.Nothing:
		c.say("cli.service_adopt_nothing", map[string]any{"From": rep.From})
	case rep.Already:
		c.say("cli.service_adopt_already", map[string]any{"From": rep.From, "To": rep.To})
	default:
		c.say("cli.service_adopted", map[string]any{"From": rep.From, "To": rep.To, "Daycare": rep.Daycare,
			"Accounts": rep.Accounts, "Rows": rep.Rows})
		retire = moved
	}
	if rep.Aside != "" {
		c.say("cli.move_aside", map[string]any{"File": rep.Aside})
	}
	if rep.MarkErr != nil {
		c.warn("cli.service_adopt_unmarked", map[string]any{"File": rep.From, "Error": c.message(rep.MarkErr)})
	}
	return retire, exitOK, true
}

// retireShared closes the machine-wide daycare the service adopted to
// every account but root: its key folder and key files, and its database
// file with -wal and -shm (root's, 0700 and 0600). They were the group's
// to read; left so, any member could still read the key (with the old
// copy of the database, every TOTP secret) after the service took over.
// A failure is said, never fatal: the service is the daycare already.
func (c *cli) retireShared(src data.AdoptSource) {
	var paths []string
	if src.KeyDir != "" {
		paths = append(paths, src.KeyDir)
		if entries, err := os.ReadDir(src.KeyDir); err == nil {
			for _, e := range entries {
				paths = append(paths, filepath.Join(src.KeyDir, e.Name()))
			}
		}
	}
	if src.DB != "" && !data.IsPostgresURL(src.DB) {
		for _, suffix := range []string{"", "-wal", "-shm"} {
			paths = append(paths, src.DB+suffix)
		}
	}
	closed := 0
	for _, p := range paths {
		fi, err := os.Lstat(p)
		if errors.Is(err, fs.ErrNotExist) {
			continue
		}
		if err == nil && fi.Mode()&fs.ModeSymlink == 0 {
			mode := fs.FileMode(0o600)
			if fi.IsDir() {
				mode = 0o700
			}
			if err = os.Lchown(p, 0, 0); err == nil {
				err = os.Chmod(p, mode)
			}
		}
		if err != nil {
			c.warn("cli.service_retire_failed", map[string]any{"File": p, "Error": err.Error()})
			continue
		}
		closed++
	}
	switch {
	case closed == 0:
	case src.DB == "":
		c.say("cli.service_retired_key", map[string]any{"Keys": src.KeyDir})
	default:
		c.say("cli.service_retired", map[string]any{"Keys": src.KeyDir, "DB": src.DB})
	}
}

// adopter builds the daycare's rules for data.Adopt. No witness: the
// computer's administrator copies the database once, and the copy is the
// service's, which keeps its own.
func adopter(st apetitspas.Store, keys apetitspas.KeyRing) *apetitspas.Trusted {
	return apetitspas.NewTrusted(apetitspas.New(apetitspas.Params{Store: st, Keys: keys, Now: clock}))
}

// prepareServiceDir makes the data folder the account's alone, 0700; the
// folders above it stay root's, readable.
func prepareServiceDir(dir string, uid, gid int) error {
	if err := data.MakeOpenFolders(filepath.Dir(dir)); err != nil {
		return prepareFolderError(dir, err)
	}
	if err := os.Mkdir(dir, 0o700); err != nil && !errors.Is(err, fs.ErrExist) {
		return prepareFolderError(dir, err)
	}
	fi, err := os.Lstat(dir)
	if err != nil {
		return prepareFolderError(dir, err)
	}
	if !fi.IsDir() { // a link would give its target to the service
		return prepareFolderError(dir, errors.New("not a folder"))
	}
	if err := os.Chmod(dir, 0o700); err != nil {
		return prepareFolderError(dir, err)
	}
	if err := os.Lchown(dir, uid, gid); err != nil {
		return prepareFolderError(dir, err)
	}
	return nil
}

// installFile copies the program src to dst with mode perm, root's,
// written beside and renamed: a running service keeps the old one until
// it restarts.
func installFile(src, dst string, perm os.FileMode) error {
	in, err := os.Open(src)
	if err != nil {
		return prepareFolderError(src, err)
	}
	defer in.Close()
	return writeAtomic(dst, perm, func(w io.Writer) error {
		_, err := io.Copy(w, in)
		return err
	})
}

// writeFileAtomic writes b to path (mode perm), beside and renamed.
func writeFileAtomic(path string, b []byte, perm os.FileMode) error {
	return writeAtomic(path, perm, func(w io.Writer) error {
		_, err := w.Write(b)
		return err
	})
}

func writeAtomic(path string, perm os.FileMode, fill func(io.Writer) error) error {
	dir := filepath.Dir(path)
	// The program's folder must stay open: the service's account runs it.
	if err := data.MakeOpenFolders(dir); err != nil {
		return prepareFolderError(dir, err)
	}
	tmp, err := os.CreateTemp(dir, ".apetitspas-*")
	if err != nil {
		return prepareFolderError(dir, err)
	}
	defer os.Remove(tmp.Name())
	err = fill(tmp)
	if err == nil {
		err = tmp.Chmod(perm)
	}
	if err == nil {
		err = tmp.Sync()
	}
	if cerr := tmp.Close(); err == nil {
		err = cerr
	}
	if err == nil {
		err = os.Rename(tmp.Name(), path)
	}
	if err != nil {
		return prepareFolderError(path, err)
	}
	return nil
}

// serviceUninstall: service uninstall. Stops and disables the service,
// removes its unit and program; keeps its data, its account and the
// configuration's service line (a new install finds everything again).
func (c *cli) serviceUninstall(f serviceFlags) int {
	l := f.layout()
	if !osUser().Elevated {
		return c.refuse("cli.service_not_elevated", nil)
	}
	unit, binary := l.at(l.Unit), l.at(l.Binary)
	if !exists(unit) && !exists(binary) {
		c.say("cli.service_not_installed", map[string]any{"DataDir": l.at(l.DataDir)})
		return exitOK
	}
	m := newServiceManager(l)
	if err := m.stop(); err != nil {
		c.warnManager(err)
	}
	for _, p := range []string{unit, binary} {
		if err := os.Remove(p); err != nil && !errors.Is(err, fs.ErrNotExist) {
			return c.fail(prepareFolderError(p, err))
		}
	}
	os.Remove(filepath.Dir(binary)) // its folder, when empty
	if err := m.reload(); err != nil {
		c.warnManager(err)
	}
	c.say("cli.service_uninstalled", map[string]any{"DataDir": l.at(l.DataDir), "User": l.User})
	if cfg, found, err := data.ReadConfig(l.configPath()); err == nil && found && cfg.Service != "" {
		c.say("cli.service_uninstall_config", map[string]any{"Config": l.configPath()})
	}
	return exitOK
}

// serviceStatus: service status [--json]. Anyone may ask.
func (c *cli) serviceStatus(f serviceFlags) int {
	l := f.layout()
	st := serviceState{Installed: exists(l.at(l.Unit)) && exists(l.at(l.Binary)), Socket: l.at(l.Socket), DataDir: l.at(l.DataDir)}
	st.Enabled, st.Active = newServiceManager(l).state()
	if f.json {
		return c.writeJSON(st)
	}
	c.say("cli.service_status", map[string]any{"Installed": yesNo(c.language, st.Installed),
		"Enabled": yesNo(c.language, st.Enabled), "Active": yesNo(c.language, st.Active)})
	c.say("cli.service_status_paths", map[string]any{"Socket": st.Socket, "DataDir": st.DataDir, "User": l.User})
	return exitOK
}

func exists(path string) bool {
	_, err := os.Lstat(path)
	return err == nil
}

// samePath reports whether two spellings name the same file.
func samePath(a, b string) bool {
	aa, err1 := filepath.Abs(a)
	bb, err2 := filepath.Abs(b)
	return err1 == nil && err2 == nil && aa == bb
}

// commandError is a service manager's command that failed, with what it
// said.
type commandError struct {
	command string
	out     string
	err     error
}

func (e *commandError) Error() string { return e.command + ": " + e.detail() }

// detail is what the command said, else how it failed.
func (e *commandError) detail() string {
	if out := strings.TrimSpace(e.out); out != "" {
		return out
	}
	return e.err.Error()
}

func (e *commandError) Unwrap() error { return e.err }

// managerFailed says which command of the service manager failed, and
// what it said; the files are in place, the command may be run again.
func (c *cli) managerFailed(err error) int {
	var ce *commandError
	if !errors.As(err, &ce) {
		return c.fail(err)
	}
	return c.refuse("cli.service_start_failed", map[string]any{"Command": ce.command, "Error": ce.detail()})
}

// warnManager says which command of the service manager failed during an
// uninstall, which goes on.
func (c *cli) warnManager(err error) {
	command, detail := "", err.Error()
	var ce *commandError
	if errors.As(err, &ce) {
		command, detail = ce.command, ce.detail()
	}
	c.warn("cli.service_stop_failed", map[string]any{"Command": command, "Error": detail})
}

// runCommand runs a system command (the service manager, useradd),
// returning a commandError when it fails.
func runCommand(name string, args ...string) (string, error) {
	out, err := exec.Command(name, args...).CombinedOutput()
	if err != nil {
		return string(out), &commandError{command: strings.Join(append([]string{filepath.Base(name)}, args...), " "), out: string(out), err: err}
	}
	return string(out), nil
}

// userTakenError: the account exists and is root or a person's.
type userTakenError struct{ uid int }

func (e *userTakenError) Error() string {
	return "uid " + strconv.Itoa(e.uid) + " is not a system account"
}

// existingServiceUser returns the account name if it exists: a system
// account (below firstPersonUID), never root.
func existingServiceUser(name string) (uid, gid int, found bool, err error) {
	u, err := user.Lookup(name)
	if err != nil {
		return 0, 0, false, nil
	}
	uid, err1 := strconv.Atoi(u.Uid)
	gid, err2 := strconv.Atoi(u.Gid)
	if err1 != nil || err2 != nil {
		return 0, 0, false, errors.New("account " + name + ": uid or gid is not a number")
	}
	if uid == 0 || uid >= firstPersonUID {
		return uid, gid, true, &userTakenError{uid: uid}
	}
	return uid, gid, true, nil
}
