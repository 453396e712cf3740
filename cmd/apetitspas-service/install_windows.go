//go:build windows

package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"os"
	"os/user"
	"time"
	"unsafe"

	"golang.org/x/sys/windows"
	"golang.org/x/sys/windows/svc"
	"golang.org/x/sys/windows/svc/mgr"

	apetitspas "github.com/apetitspas/apetitspas/app"
	"github.com/apetitspas/apetitspas/assets"
	"github.com/apetitspas/apetitspas/data"
)

// The NSIS installer registers the service through this program
// ("apetitspas-service install", "stop", "uninstall") rather than with
// sc.exe: the service's registration (virtual account, automatic start,
// restart on failure), its folder's DACL (built from dataDirSDDL, the
// same code the tests read back), the adoption of the daycare already on
// the computer (data.Adopt, as "apetitspas-admin service install" on
// Linux) and the configuration's service line are done in one place, in
// order, each step checked, with errors in French; and an install run
// again (an update) finds everything where it was. sc.exe could do the
// first step only, and says nothing NSIS can read but an exit code.

// serviceDisplay is the name in services.msc.
const serviceDisplay = "À petits pas"

// waitState waits until the service is in state (the manager says so),
// at most d.
func waitState(s *mgr.Service, state svc.State, d time.Duration) error {
	deadline := time.Now().Add(d)
	for {
		st, err := s.Query()
		if err != nil {
			return err
		}
		if st.State == state {
			return nil
		}
		if time.Now().After(deadline) {
			return fmt.Errorf("still in state %d after %v", st.State, d)
		}
		time.Sleep(200 * time.Millisecond)
	}
}

// say prints the sentence of key (French unless $APETITSPAS_LANG says
// otherwise).
func say(w io.Writer, key string, data map[string]any) {
	fmt.Fprintln(w, assets.Message(assets.Normalize(os.Getenv("APETITSPAS_LANG")), key, data))
}

// failed says which step failed and returns 1: running the command again
// goes on from there.
func failed(w io.Writer, step string, err error) int {
	say(w, "cli.service_start_failed", map[string]any{"Command": step, "Error": err.Error()})
	return 1
}

// connect opens the Service Control Manager for changes: only an
// elevated administrator may.
func connect(w io.Writer) (*mgr.Mgr, bool) {
	m, err := mgr.Connect()
	if err != nil {
		if errors.Is(err, windows.ERROR_ACCESS_DENIED) {
			say(w, "cli.service_windows_not_elevated", nil)
		} else {
			failed(w, "OpenSCManager", err)
		}
		return nil, false
	}
	return m, true
}

// stopService stops the service when it runs and waits for it (30 s).
func stopService(s *mgr.Service) error {
	st, err := s.Query()
	if err != nil {
		return err
	}
	if st.State == svc.Stopped {
		return nil
	}
	if st.State != svc.StopPending {
		if _, err := s.Control(svc.Stop); err != nil && !errors.Is(err, windows.ERROR_SERVICE_NOT_ACTIVE) {
			return err
		}
	}
	return waitState(s, svc.Stopped, 30*time.Second)
}

// installService: install [--data DIR]. The folder, the daycare already
// on the computer adopted, the configuration's service line, the service
// registered (or updated) and started.
func installService(args []string, stderr io.Writer) int {
	fs := flag.NewFlagSet("install", flag.ContinueOnError)
	fs.SetOutput(stderr)
	dirFlag := fs.String("data", defaultDataDir(), "")
	if err := fs.Parse(args); err != nil || fs.NArg() > 0 {
		fmt.Fprint(stderr, usage)
		return 2
	}
	out := os.Stdout
	exe, err := os.Executable()
	if err != nil {
		return failed(stderr, "os.Executable", err)
	}
	m, ok := connect(stderr)
	if !ok {
		return 1
	}
	defer m.Disconnect()
	s, err := m.OpenService(serviceName)
	if err == nil {
		defer s.Close()
		// An update: its folder may change under it, its program too.
		if err := stopService(s); err != nil {
			return failed(stderr, "stop "+serviceName, err)
		}
	}

	dir := data.ServiceDir(*dirFlag)
	if err := prepareServiceDir(string(dir)); err != nil {
		return failed(stderr, "icacls "+string(dir), err)
	}
	configPath := data.ConfigPath()
	if code, ok := adoptMachineDaycare(dir, configPath, out, stderr); !ok {
		return code
	}
	if err := data.WriteConfig(configPath, data.Config{Service: servicePipe}, 0o644); err != nil {
		return failed(stderr, configPath, err)
	}
	if _, _, err := data.ReadConfig(configPath); err != nil {
		return failed(stderr, configPath, err)
	}

	cfg := mgr.Config{
		ServiceType:      windows.SERVICE_WIN32_OWN_PROCESS,
		StartType:        mgr.StartAutomatic,
		ErrorControl:     mgr.ErrorNormal,
		BinaryPathName:   `"` + exe + `"`,
		ServiceStartName: `NT SERVICE\` + serviceName,
		DisplayName:      serviceDisplay,
		Description:      "Le service d'À petits pas : seul programme de l'ordinateur qui ouvre les données de la garderie.",
	}
	if s == nil {
		c := cfg
		c.Description = "" // set below: Wine's manager may refuse it
		s, err = m.CreateService(serviceName, exe, c)
		if err != nil {
			return failed(stderr, "CreateService "+serviceName, err)
		}
		defer s.Close()
	} else if err := changeConfig(s, cfg); err != nil {
		return failed(stderr, "ChangeServiceConfig "+serviceName, err)
	}
	// What the manager may not know (Wine): said, not fatal.
	if err := updateExtras(s, cfg.Description); err != nil {
		fmt.Fprintf(stderr, "apetitspas-service: %v\n", err)
	}
	if err := s.Start(); err != nil && !errors.Is(err, windows.ERROR_SERVICE_ALREADY_RUNNING) {
		return failed(stderr, "StartService "+serviceName, err)
	}
	if err := waitState(s, svc.Running, 60*time.Second); err != nil {
		return failed(stderr, "StartService "+serviceName, err)
	}
	say(out, "cli.service_installed", map[string]any{"Unit": serviceName, "Binary": exe, "DataDir": string(dir),
		"User": cfg.ServiceStartName, "Config": configPath, "Socket": servicePipe})
	return 0
}

// updateExtras: the description, the service SID (unrestricted: the
// folder's DACL names it) and restarts after a failure (5 s, three times
// a day).
func updateExtras(s *mgr.Service, description string) error {
	var errs []error
	d := windows.SERVICE_DESCRIPTION{Description: windows.StringToUTF16Ptr(description)}
	errs = append(errs, windows.ChangeServiceConfig2(s.Handle, windows.SERVICE_CONFIG_DESCRIPTION, (*byte)(unsafe.Pointer(&d))))
	sid := struct{ ServiceSidType uint32 }{windows.SERVICE_SID_TYPE_UNRESTRICTED} // SERVICE_SID_INFO
	if err := windows.ChangeServiceConfig2(s.Handle, windows.SERVICE_CONFIG_SERVICE_SID_INFO, (*byte)(unsafe.Pointer(&sid))); err != nil {
		errs = append(errs, fmt.Errorf("service SID: %w", err))
	}
	errs = append(errs, s.SetRecoveryActions([]mgr.RecoveryAction{
		{Type: mgr.ServiceRestart, Delay: 5 * time.Second},
		{Type: mgr.ServiceRestart, Delay: 5 * time.Second},
		{Type: mgr.ServiceRestart, Delay: time.Minute},
	}, 24*60*60))
	return errors.Join(errs...)
}

// changeConfig is mgr's UpdateConfig without what Wine's manager refuses
// (the description, SID type and delayed start: updateExtras).
func changeConfig(s *mgr.Service, c mgr.Config) error {
	p := func(v string) *uint16 { return windows.StringToUTF16Ptr(v) }
	return windows.ChangeServiceConfig(s.Handle, c.ServiceType, c.StartType, c.ErrorControl,
		p(c.BinaryPathName), nil, nil, nil, p(c.ServiceStartName), nil, p(c.DisplayName))
}

// prepareServiceDir makes the folder and (again) gives it its DACL:
// SYSTEM, the administrators and NT SERVICE\ApetitsPas only, passed on to
// everything inside.
func prepareServiceDir(dir string) error {
	if err := os.MkdirAll(dir, 0o700); err != nil {
		return err
	}
	return setSecurity(dir, dataDirSecurity(serviceSID))
}

// adoptMachineDaycare adopts the daycare the machine-wide configuration
// names (the installers before the service: %ProgramData%\ApetitsPas\data
// and keys, or a PostgreSQL server), as "apetitspas-admin service install"
// does on Linux; then closes its old files to everyone but the
// administrators. Nothing to do when the configuration names the service
// already, or nothing.
func adoptMachineDaycare(dir data.ServiceDir, configPath string, out, stderr io.Writer) (int, bool) {
	cfg, found, err := data.ReadConfig(configPath)
	if err != nil {
		return failed(stderr, configPath, err), false
	}
	if !found || cfg.Service != "" || cfg.DB == "" {
		return 0, true
	}
	by := installer()
	ctx := context.Background()
	if data.IsPostgresURL(cfg.DB) {
		kd := cfg.KeyDir
		if kd == "" {
			kd = data.DefaultSharedKeyDir(configPath)
		}
		rep, err := data.AdoptServer(ctx, dir, cfg.DB, kd, data.NoOwner, by, adopter)
		if err != nil {
			return failed(stderr, "data.adopted", err), false
		}
		switch {
		case rep.Already:
			say(out, "cli.service_adopt_already", map[string]any{"From": rep.From, "To": dir.ConfigPath()})
		case rep.Nothing:
			say(out, "cli.service_server_empty", map[string]any{"From": rep.From, "Config": dir.ConfigPath()})
		default:
			say(out, "cli.service_server_adopted", map[string]any{"From": rep.From, "Daycare": rep.Daycare, "Config": dir.ConfigPath()})
		}
		retire(out, stderr, kd, "")
		return 0, true
	}
	src, ok := data.MachineAdoptSource(cfg, configPath)
	if !ok {
		return 0, true
	}
	if _, err := os.Stat(src.DB); errors.Is(err, os.ErrNotExist) {
		return 0, true // configured, never used: nothing to adopt
	}
	rep, err := data.Adopt(ctx, dir, src, data.NoOwner, by, adopter)
	if err != nil {
		return failed(stderr, "data.adopted", err), false
	}
	switch {
	case rep.Nothing:
		say(out, "cli.service_adopt_nothing", map[string]any{"From": rep.From})
	case rep.Already:
		say(out, "cli.service_adopt_already", map[string]any{"From": rep.From, "To": rep.To})
	default:
		say(out, "cli.service_adopted", map[string]any{"From": rep.From, "To": rep.To, "Daycare": rep.Daycare,
			"Accounts": rep.Accounts, "Rows": rep.Rows})
		retire(out, stderr, src.KeyDir, src.DB)
	}
	if rep.Aside != "" {
		say(out, "cli.move_aside", map[string]any{"File": rep.Aside})
	}
	if rep.MarkErr != nil {
		say(stderr, "cli.service_adopt_unmarked", map[string]any{"File": rep.From, "Error": rep.MarkErr.Error()})
	}
	return 0, true
}

// retire closes the adopted daycare's key folder and database files to
// everyone but SYSTEM and the administrators (every account of the
// computer could read them). A failure is said, never fatal.
func retire(out, stderr io.Writer, keyDir, db string) {
	var paths []string
	if keyDir != "" {
		paths = append(paths, keyDir)
	}
	if db != "" {
		for _, suffix := range []string{"", "-wal", "-shm"} {
			paths = append(paths, db+suffix)
		}
	}
	closed := 0
	for _, p := range paths {
		if _, err := os.Stat(p); err != nil {
			continue
		}
		if err := setSecurity(p, retiredSDDL); err != nil {
			say(stderr, "cli.service_windows_retire_failed", map[string]any{"File": p, "Error": err.Error()})
			continue
		}
		closed++
	}
	if closed > 0 {
		say(out, "cli.service_windows_retired", map[string]any{"Keys": keyDir, "DB": db})
	}
}

// installer is the account running the install, journaled with
// data.adopted (an administrator: the manager let it in).
func installer() apetitspas.OSUser {
	name := "administrator"
	if u, err := user.Current(); err == nil && u.Username != "" {
		name = u.Username
	}
	return apetitspas.OSUser{Name: name, Elevated: true}
}

// adopter builds the daycare's rules for data.Adopt (no witness: the
// copy is the service's, which keeps its own).
func adopter(st apetitspas.Store, keys apetitspas.KeyRing) *apetitspas.Trusted {
	return apetitspas.NewTrusted(apetitspas.New(apetitspas.Params{Store: st, Keys: keys}))
}

// stopCommand: stop. What the installer runs before it replaces the
// program (Windows keeps a running program's file). Not installed is fine.
func stopCommand(stderr io.Writer) int {
	m, ok := connect(stderr)
	if !ok {
		return 1
	}
	defer m.Disconnect()
	s, err := m.OpenService(serviceName)
	if err != nil {
		return 0
	}
	defer s.Close()
	if err := stopService(s); err != nil {
		return failed(stderr, "stop "+serviceName, err)
	}
	return 0
}

// uninstallService: uninstall. Stops the service and removes it from the
// manager; its data, and the configuration's service line, are kept (a
// new install finds everything again).
func uninstallService(args []string, stderr io.Writer) int {
	if len(args) > 0 {
		fmt.Fprint(stderr, usage)
		return 2
	}
	m, ok := connect(stderr)
	if !ok {
		return 1
	}
	defer m.Disconnect()
	dir := defaultDataDir()
	s, err := m.OpenService(serviceName)
	if err != nil {
		say(os.Stdout, "cli.service_not_installed", map[string]any{"DataDir": dir})
		return 0
	}
	defer s.Close()
	if err := stopService(s); err != nil {
		say(stderr, "cli.service_stop_failed", map[string]any{"Command": "stop " + serviceName, "Error": err.Error()})
	}
	if err := s.Delete(); err != nil {
		return failed(stderr, "DeleteService "+serviceName, err)
	}
	say(os.Stdout, "cli.service_uninstalled", map[string]any{"DataDir": dir, "User": `NT SERVICE\` + serviceName})
	say(os.Stdout, "cli.service_uninstall_config", map[string]any{"Config": data.ConfigPath()})
	return 0
}
