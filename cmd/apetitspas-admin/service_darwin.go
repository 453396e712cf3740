package main

// The macOS service: a hidden system account _apetitspas made with dscl,
// the LaunchDaemon of assets/packaging/macos, launchctl.
//
// NOT TESTED: written on paper (no Mac here); the macOS package's
// postinstall script (assets/packaging/macos/postinstall) does the same.

import (
	"errors"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"

	"github.com/apetitspas/apetitspas/assets/packaging/macos"
	"github.com/apetitspas/apetitspas/data"
)

// managerFlag is the hidden option naming the service manager (tests).
const managerFlag = "launchctl"

// firstPersonUID: macOS gives people uids from 501; system accounts are
// below 500.
const firstPersonUID = 500

// serviceLabel is the LaunchDaemon's label.
const serviceLabel = "ca.apetitspas.service"

// The range of the service account's uid and gid: hidden system accounts
// (Apple's own take 0-299 mostly, dscl lists them).
const darwinIDFirst, darwinIDLast = 300, 499

func defaultServiceLayout() serviceLayout {
	return serviceLayout{
		User:    "_apetitspas",
		Binary:  "/usr/local/lib/apetitspas/apetitspas-service",
		Unit:    "/Library/LaunchDaemons/" + serviceLabel + ".plist",
		DataDir: "/Library/Application Support/ApetitsPas/service",
		Backups: "/Library/Application Support/ApetitsPas/sauvegardes",
		// Not in /var/run: macOS empties it at boot, and the service's
		// account could not make its folder there again.
		Socket:  "/Library/Application Support/ApetitsPas/run/service.sock",
		Config:  "/Library/Application Support/ApetitsPas/config.toml",
		Manager: "/bin/launchctl",
	}
}

// serviceUnitText is the plist of assets/packaging/macos, for the
// layout's account (another one only in the tests).
func serviceUnitText(l serviceLayout) string {
	if l.User == "_apetitspas" {
		return macos.Plist
	}
	return strings.ReplaceAll(macos.Plist, "<string>_apetitspas</string>", "<string>"+l.User+"</string>")
}

// ensureServiceUser makes the hidden system account and its group with
// dscl when missing: a free id in darwinIDFirst..darwinIDLast for both, no
// shell, no home, no password.
func ensureServiceUser(l serviceLayout) (uid, gid int, created bool, err error) {
	if uid, gid, found, err := existingServiceUser(l.User); found || err != nil {
		return uid, gid, false, err
	}
	id, err := freeDarwinID()
	if err != nil {
		return 0, 0, false, err
	}
	n := strconv.Itoa(id)
	g, u := "/Groups/"+l.User, "/Users/"+l.User
	for _, args := range [][]string{
		{".", "-create", g},
		{".", "-create", g, "PrimaryGroupID", n},
		{".", "-create", g, "RealName", "À petits pas (service local)"},
		{".", "-create", g, "Password", "*"},
		{".", "-create", u},
		{".", "-create", u, "UniqueID", n},
		{".", "-create", u, "PrimaryGroupID", n},
		{".", "-create", u, "UserShell", "/usr/bin/false"},
		{".", "-create", u, "NFSHomeDirectory", "/var/empty"},
		{".", "-create", u, "RealName", "À petits pas (service local)"},
		{".", "-create", u, "Password", "*"},
		{".", "-create", u, "IsHidden", "1"},
	} {
		if _, err := runCommand("/usr/bin/dscl", args...); err != nil {
			return 0, 0, false, err
		}
	}
	uid, gid, _, err = existingServiceUser(l.User)
	return uid, gid, err == nil, err
}

// freeDarwinID is the highest id of the range used by no account and no
// group (dscl lists them).
func freeDarwinID() (int, error) {
	used := map[int]bool{}
	for _, args := range [][]string{{".", "-list", "/Users", "UniqueID"}, {".", "-list", "/Groups", "PrimaryGroupID"}} {
		out, err := runCommand("/usr/bin/dscl", args...)
		if err != nil {
			return 0, err
		}
		for _, line := range strings.Split(out, "\n") {
			f := strings.Fields(line)
			if len(f) == 2 {
				if v, err := strconv.Atoi(f[1]); err == nil {
					used[v] = true
				}
			}
		}
	}
	for id := darwinIDLast; id >= darwinIDFirst; id-- {
		if !used[id] {
			return id, nil
		}
	}
	return 0, errors.New("no free system id between 300 and 499")
}

// prepareServiceRuntime makes the socket's folder (the account's, 0755:
// everyone reaches the socket) and the log folder launchd writes into.
func prepareServiceRuntime(l serviceLayout, uid, gid int) error {
	for _, d := range []struct {
		path string
		perm os.FileMode
	}{
		{l.at(filepath.Dir(l.Socket)), 0o755},
		{l.at("/Library/Logs/ApetitsPas"), 0o750},
	} {
		if err := data.MakeOpenFolders(filepath.Dir(d.path)); err != nil {
			return prepareFolderError(d.path, err)
		}
		if err := os.Mkdir(d.path, d.perm); err != nil && !errors.Is(err, os.ErrExist) {
			return prepareFolderError(d.path, err)
		}
		if err := os.Chmod(d.path, d.perm); err != nil {
			return prepareFolderError(d.path, err)
		}
		if err := os.Lchown(d.path, uid, gid); err != nil {
			return prepareFolderError(d.path, err)
		}
	}
	return nil
}

// launchd drives the daemon with launchctl.
type launchd struct{ l serviceLayout }

func newServiceManager(l serviceLayout) launchd { return launchd{l: l} }

func (m launchd) target() string { return "system/" + serviceLabel }

// start enables and loads the daemon (RunAtLoad starts it); restart: it
// was running, kickstart -k restarts it with the new program.
func (m launchd) start(restart bool) error {
	if _, err := runCommand(m.l.Manager, "enable", m.target()); err != nil {
		return err
	}
	if !m.loaded() {
		if _, err := runCommand(m.l.Manager, "bootstrap", "system", m.l.at(m.l.Unit)); err != nil {
			return err
		}
	} else if restart {
		_, err := runCommand(m.l.Manager, "kickstart", "-k", m.target())
		return err
	}
	return nil
}

// stop unloads the daemon and disables it (it does not come back at
// boot, even if its plist were put back by hand).
func (m launchd) stop() error {
	if m.loaded() {
		if _, err := runCommand(m.l.Manager, "bootout", m.target()); err != nil {
			return err
		}
	}
	_, err := runCommand(m.l.Manager, "disable", m.target())
	return err
}

// reload: launchd reads a plist at bootstrap only.
func (m launchd) reload() error { return nil }

func (m launchd) loaded() bool {
	return exec.Command(m.l.Manager, "print", m.target()).Run() == nil
}

// state: enabled when the plist is there and launchd does not list it as
// disabled; active when launchd says it is running.
func (m launchd) state() (enabled, active bool) {
	if exists(m.l.at(m.l.Unit)) {
		out, err := exec.Command(m.l.Manager, "print-disabled", "system").Output()
		enabled = err == nil && !disabledIn(string(out))
	}
	out, err := exec.Command(m.l.Manager, "print", m.target()).Output()
	active = err == nil && strings.Contains(string(out), "state = running")
	return enabled, active
}

// disabledIn reads launchctl print-disabled: `"LABEL" => disabled` (or
// "=> true" before macOS 11).
func disabledIn(out string) bool {
	for _, line := range strings.Split(out, "\n") {
		if strings.Contains(line, fmt.Sprintf("%q", serviceLabel)) &&
			(strings.Contains(line, "=> disabled") || strings.Contains(line, "=> true")) {
			return true
		}
	}
	return false
}
