package main

import (
	"os"
	"path/filepath"
	"unsafe"

	"golang.org/x/sys/windows"
	"golang.org/x/sys/windows/svc"
	"golang.org/x/sys/windows/svc/mgr"
)

// On Windows the installer installs, starts and removes the local service
// (apetitspas-service install|uninstall, under the service's virtual
// account NT SERVICE\ApetitsPas); the tool only says so, and tells its
// state (status), which anyone may ask the Service Control Manager.

const managerFlag = "sc"

// The Windows service: its name in the manager, where it listens and
// keeps its data (cmd/apetitspas-service).
const (
	windowsServiceName = "ApetitsPas"
	windowsServicePipe = "pipe:ApetitsPas"
)

func defaultServiceLayout() serviceLayout {
	dir, err := windows.KnownFolderPath(windows.FOLDERID_ProgramData, 0)
	if err != nil || dir == "" {
		dir = os.Getenv("ProgramData")
	}
	return serviceLayout{User: `NT SERVICE\` + windowsServiceName, Socket: windowsServicePipe,
		DataDir: filepath.Join(dir, windowsServiceName, "service")}
}

func (c *cli) serviceInstall(f serviceFlags) int   { return c.refuse("cli.service_windows", nil) }
func (c *cli) serviceUninstall(f serviceFlags) int { return c.refuse("cli.service_windows", nil) }

// serviceStatus: service status [--json], from the Service Control
// Manager (connected for reading only: any account may).
func (c *cli) serviceStatus(f serviceFlags) int {
	l := defaultServiceLayout()
	st := serviceState{Socket: l.Socket, DataDir: l.DataDir}
	st.Installed, st.Enabled, st.Active = windowsServiceState()
	if f.json {
		return c.writeJSON(st)
	}
	c.say("cli.service_status", map[string]any{"Installed": yesNo(c.language, st.Installed),
		"Enabled": yesNo(c.language, st.Enabled), "Active": yesNo(c.language, st.Active)})
	c.say("cli.service_status_paths", map[string]any{"Socket": st.Socket, "DataDir": st.DataDir, "User": l.User})
	return exitOK
}

// windowsServiceState: registered, started with the computer, running.
func windowsServiceState() (installed, enabled, active bool) {
	h, err := windows.OpenSCManager(nil, nil, windows.SC_MANAGER_CONNECT)
	if err != nil {
		return false, false, false
	}
	m := &mgr.Mgr{Handle: h}
	defer m.Disconnect()
	sh, err := windows.OpenService(h, windows.StringToUTF16Ptr(windowsServiceName), windows.SERVICE_QUERY_CONFIG|windows.SERVICE_QUERY_STATUS)
	if err != nil {
		return false, false, false
	}
	s := &mgr.Service{Name: windowsServiceName, Handle: sh}
	defer s.Close()
	installed = true
	// QueryServiceConfig alone: mgr's Config asks for the description
	// too, which Wine's manager may not answer.
	var need uint32
	buf := make([]byte, 1024)
	for {
		cfg := (*windows.QUERY_SERVICE_CONFIG)(unsafe.Pointer(&buf[0]))
		err := windows.QueryServiceConfig(sh, cfg, uint32(len(buf)), &need)
		if err == nil {
			enabled = cfg.StartType == mgr.StartAutomatic
			break
		}
		if err != windows.ERROR_INSUFFICIENT_BUFFER || need <= uint32(len(buf)) {
			break
		}
		buf = make([]byte, need)
	}
	if q, err := s.Query(); err == nil {
		active = q.State == svc.Running
	}
	return installed, enabled, active
}
