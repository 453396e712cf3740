package main

import (
	"os"
	"os/exec"
	"os/user"
	"strings"

	"github.com/apetitspas/apetitspas/assets/packaging/linux"
)

// The Linux service: a system account apetitspas, the systemd unit of
// assets/packaging/linux (apetitspas.service), systemctl.

// managerFlag is the hidden option naming the service manager (tests).
const managerFlag = "systemctl"

// firstPersonUID is Debian's first uid of a person (login.defs UID_MIN):
// below it, system accounts.
const firstPersonUID = 1000

// serviceUnitName is the systemd unit's name.
const serviceUnitName = "apetitspas.service"

// defaultServiceLayout: the paths of the unit's ExecStart (a test keeps
// them equal) and of the machine-wide configuration (data.ConfigPath).
func defaultServiceLayout() serviceLayout {
	return serviceLayout{
		User:    "apetitspas",
		Binary:  "/usr/local/lib/apetitspas/apetitspas-service",
		Unit:    "/etc/systemd/system/" + serviceUnitName,
		DataDir: "/var/lib/apetitspas",
		Backups: "/var/backups/apetitspas",
		Socket:  "/run/apetitspas/service.sock",
		Config:  "/etc/apetitspas/config.toml",
		Manager: "systemctl",
	}
}

// serviceUnitText is the unit of assets/packaging/linux, for the layout's
// account (another one only in the tests).
func serviceUnitText(l serviceLayout) string {
	unit := linux.Unit
	if l.User != "apetitspas" {
		unit = strings.Replace(unit, "\nUser=apetitspas\n", "\nUser="+l.User+"\n", 1)
		unit = strings.Replace(unit, "\nGroup=apetitspas\n", "\nGroup="+l.User+"\n", 1)
	}
	return unit
}

// ensureServiceUser makes the service's system account if it is missing,
// as the sysusers.d line of assets/packaging/linux would: no home folder
// made, no shell, its own group; a group of that name made beforehand
// (configure --group apetitspas) becomes its primary group, as
// systemd-sysusers does. An existing account is used if it is a system
// account, never root nor a person's.
func ensureServiceUser(l serviceLayout) (uid, gid int, created bool, err error) {
	if uid, gid, found, err := existingServiceUser(l.User); found || err != nil {
		return uid, gid, false, err
	}
	args := []string{"--system", "--no-create-home", "--home-dir", l.at(l.DataDir), "--shell", "/usr/sbin/nologin",
		"--comment", "À petits pas (service local)"}
	if _, err := user.LookupGroup(l.User); err == nil {
		args = append(args, "--gid", l.User)
	} else {
		args = append(args, "--user-group")
	}
	if _, err := runCommand("useradd", append(args, l.User)...); err != nil {
		return 0, 0, false, err
	}
	uid, gid, _, err = existingServiceUser(l.User)
	return uid, gid, err == nil, err
}

// prepareServiceRuntime: systemd makes /run/apetitspas (RuntimeDirectory)
// at each start.
func prepareServiceRuntime(l serviceLayout, uid, gid int) error { return nil }

// systemd drives the unit with systemctl.
type systemd struct{ l serviceLayout }

func newServiceManager(l serviceLayout) systemd { return systemd{l: l} }

func (m systemd) run(args ...string) error {
	_, err := runCommand(m.l.Manager, args...)
	return err
}

// start reloads the units, enables and starts the service; restart: it
// was running (a new program, a folder that changed).
func (m systemd) start(restart bool) error {
	if err := m.run("daemon-reload"); err != nil {
		return err
	}
	if err := m.run("enable", "--now", serviceUnitName); err != nil {
		return err
	}
	if restart {
		return m.run("restart", serviceUnitName)
	}
	return nil
}

// stop stops and disables the service.
func (m systemd) stop() error { return m.run("disable", "--now", serviceUnitName) }

// reload makes systemd forget a removed unit.
func (m systemd) reload() error { return m.run("daemon-reload") }

// state: enabled at boot, running now. A systemctl that cannot answer
// (no systemd) says neither.
func (m systemd) state() (enabled, active bool) {
	quiet := func(args ...string) bool {
		cmd := exec.Command(m.l.Manager, args...)
		cmd.Stdout, cmd.Stderr = nil, nil
		cmd.Env = append(os.Environ(), "SYSTEMD_PAGER=")
		return cmd.Run() == nil
	}
	return quiet("is-enabled", "--quiet", serviceUnitName), quiet("is-active", "--quiet", serviceUnitName)
}
