package main

import (
	"flag"
	"fmt"
	"path/filepath"
)

// service: service install|uninstall|status. The local service
// (apetitspas-service, one per computer) alone opens the daycare's
// database and key, under an account of its own; the window and this
// tool are its clients. On Linux and macOS this command does what the
// installer does on Windows: the account, the program, the systemd unit
// (launchd daemon), the data folder readable by that account only, the
// daycare already on the computer adopted into it, and the machine-wide
// configuration's service line, which tells the clients where it
// listens.
//
// Hidden options, for the tests only (never in the usage): --root PREFIX
// puts every file under PREFIX; --user NAME is the service's account
// (made if missing, as apetitspas is); --systemctl PATH (--launchctl on
// macOS) is the service manager run.

// serviceLayout is where the service's files go. The paths are the real
// ones, as the unit names them; at() puts them under Root.
type serviceLayout struct {
	// Root prefixes every path (tests); "" on the real system.
	Root string
	// User is the service's account (its group has the same name).
	User string
	// Binary is the service's program once installed.
	Binary string
	// Unit is the systemd unit (Linux) or launchd daemon (macOS).
	Unit string
	// DataDir is the service's data folder (data.ServiceDir).
	DataDir string
	// Backups is the folder made for the scheduled backups: the
	// service's account alone writes it (the unit lets it, the file
	// system being read-only to the service elsewhere).
	Backups string
	// Socket is where the service listens.
	Socket string
	// Config is the machine-wide configuration file.
	Config string
	// Manager is the service manager's program (systemctl, launchctl).
	Manager string
}

// at is path under the layout's root.
func (l serviceLayout) at(path string) string {
	if l.Root == "" {
		return path
	}
	return filepath.Join(l.Root, path)
}

// serviceFlags are the options of the service commands.
type serviceFlags struct {
	root, user, manager    string // hidden: tests only
	binary, from, fromKeys string // install
	fromBackup             string // install: a backup file (passphrase on stdin)
	json                   bool   // status
}

// layout is the system's layout with the hidden options applied.
func (f serviceFlags) layout() serviceLayout {
	l := defaultServiceLayout()
	if f.root != "" {
		l.Root = f.root
	}
	if f.user != "" {
		l.User = f.user
	}
	if f.manager != "" {
		l.Manager = f.manager
	}
	return l
}

// serviceState is what "service status" reports (--json: these fields).
type serviceState struct {
	Installed bool   `json:"installed"`
	Enabled   bool   `json:"enabled"`
	Active    bool   `json:"active"`
	Socket    string `json:"socket"`
	DataDir   string `json:"data_dir"`
}

// service dispatches service install|uninstall|status.
func (c *cli) service(sub string, args []string) int {
	var f serviceFlags
	if !c.flags("service "+sub, args, func(fs *flag.FlagSet) {
		fs.StringVar(&f.root, "root", "", "")
		fs.StringVar(&f.user, "user", "", "")
		fs.StringVar(&f.manager, managerFlag, "", "")
		switch sub {
		case "install":
			fs.StringVar(&f.binary, "binary", "", "")
			fs.StringVar(&f.from, "from", "", "")
			fs.StringVar(&f.fromKeys, "from-keys", "", "")
			fs.StringVar(&f.fromBackup, "from-backup", "", "")
		case "status":
			fs.BoolVar(&f.json, "json", false, "")
		}
	}) {
		return exitUsage
	}
	if f.fromKeys != "" && f.from == "" {
		return c.usageError("service install: --from-keys va avec --from / goes with --from")
	}
	if f.fromBackup != "" && f.from != "" {
		return c.usageError("service install: --from ou --from-backup, pas les deux / not both")
	}
	if f.root != "" && !filepath.IsAbs(f.root) {
		return c.usageError("service: --root must be an absolute path")
	}
	switch sub {
	case "install":
		return c.serviceInstall(f)
	case "uninstall":
		return c.serviceUninstall(f)
	default:
		return c.serviceStatus(f)
	}
}

// refuse prints the sentence of key to standard error and returns
// exitRefused.
func (c *cli) refuse(key string, data map[string]any) int {
	fmt.Fprintln(c.stderr, "apetitspas-admin:", c.text(key, data))
	return exitRefused
}

// warn prints the sentence of key to standard error; the command goes on.
func (c *cli) warn(key string, data map[string]any) {
	fmt.Fprintln(c.stderr, "apetitspas-admin:", c.text(key, data))
}
