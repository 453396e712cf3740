//go:build windows

package main

import (
	"context"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"time"
	"unsafe"

	"golang.org/x/sys/windows"

	"golang.org/x/sys/windows/svc"

	"github.com/apetitspas/apetitspas/assets"
)

// servicePipe is where the Windows service listens.
const servicePipe = "pipe:" + serviceName

// logName is the Windows service's log, in its folder (it has no
// console): start, stop, scheduled backups, the integrity check at start,
// never a password or a code. Begun again when it passed logMax.
const (
	logName = "service.log"
	logMax  = 4 << 20
)

// platformRun is what only Windows has: the service started by the
// Service Control Manager (no arguments), and install, stop, uninstall
// (install_windows.go). done is false for the commands every system has.
func platformRun(args []string, stderr io.Writer) (code int, done bool) {
	if len(args) == 0 {
		if startedByManager() {
			return runService(), true
		}
		return 0, false
	}
	switch args[0] {
	case "install":
		return installService(args[1:], stderr), true
	case "uninstall":
		return uninstallService(args[1:], stderr), true
	case "stop":
		return stopCommand(stderr), true
	}
	return 0, false
}

// startedByManager: the Service Control Manager started this program
// (svc.IsWindowsService: its parent is services.exe, in session 0). Wine
// runs its services.exe in another session: there the parent's name is
// enough.
func startedByManager() bool {
	if isSvc, err := svc.IsWindowsService(); err == nil && isSvc {
		return true
	}
	return onWine() && parentIs("services.exe")
}

// parentIs: this process's parent runs the program name.
func parentIs(name string) bool {
	snap, err := windows.CreateToolhelp32Snapshot(windows.TH32CS_SNAPPROCESS, 0)
	if err != nil {
		return false
	}
	defer windows.CloseHandle(snap)
	me := windows.GetCurrentProcessId()
	procs := map[uint32]windows.ProcessEntry32{}
	var e windows.ProcessEntry32
	e.Size = uint32(unsafe.Sizeof(e))
	for err := windows.Process32First(snap, &e); err == nil; err = windows.Process32Next(snap, &e) {
		procs[e.ProcessID] = e
	}
	parent, ok := procs[procs[me].ParentProcessID]
	return ok && procs[me].ProcessID == me && strings.EqualFold(windows.UTF16ToString(parent.ExeFile[:]), name)
}

// runService runs the same server as "run" for the Service Control
// Manager: data in defaultDataDir, pipe:ApetitsPas; Stop and Shutdown
// stop it gracefully (the calls under way finish, 10 seconds at most).
func runService() int {
	dir := defaultDataDir()
	log := io.Writer(io.Discard)
	if err := makeDataDir(dir); err == nil {
		if f, err := openLog(filepath.Join(dir, logName)); err == nil {
			defer f.Close()
			log = &lockedWriter{w: f}
		}
	}
	err := svc.Run(serviceName, &handler{dir: dir, listen: servicePipe, log: log})
	if err != nil {
		fmt.Fprintf(log, "%s apetitspas-service: %v\n", stamp(), err)
		return 1
	}
	return 0
}

func openLog(path string) (*os.File, error) {
	if fi, err := os.Stat(path); err == nil && fi.Size() > logMax {
		os.Rename(path, path+".1")
	}
	return os.OpenFile(path, os.O_WRONLY|os.O_CREATE|os.O_APPEND, 0o600)
}

func stamp() string { return time.Now().Format("2006-01-02 15:04:05") }

// lockedWriter dates each line and lets goroutines write side by side.
type lockedWriter struct {
	mu sync.Mutex
	w  io.Writer
}

func (l *lockedWriter) Write(b []byte) (int, error) {
	l.mu.Lock()
	defer l.mu.Unlock()
	if _, err := io.WriteString(l.w, stamp()+" "); err != nil {
		return 0, err
	}
	return l.w.Write(b)
}

// handler is the service as the Service Control Manager sees it.
type handler struct {
	dir, listen string
	log         io.Writer
}

func (h *handler) Execute(_ []string, req <-chan svc.ChangeRequest, status chan<- svc.Status) (bool, uint32) {
	status <- svc.Status{State: svc.StartPending, WaitHint: 30000}
	ctx, stop := context.WithCancel(context.Background())
	defer stop()
	done := make(chan error, 1)
	go func() { done <- serveData(ctx, h.dir, h.listen, h.log) }()
	const accepts = svc.AcceptStop | svc.AcceptShutdown
	status <- svc.Status{State: svc.Running, Accepts: accepts}
	fmt.Fprintf(h.log, "apetitspas-service %s (build %d): started by the Service Control Manager, data in %s\n",
		assets.Version, assets.Build, h.dir)
	for {
		select {
		case err := <-done:
			// It stopped by itself: the manager is told it failed, and
			// restarts it (the recovery actions set by install).
			fmt.Fprintf(h.log, "apetitspas-service: stopped: %v\n", err)
			return false, 1
		case c := <-req:
			switch c.Cmd {
			case svc.Interrogate:
				status <- c.CurrentStatus
			case svc.Stop, svc.Shutdown:
				status <- svc.Status{State: svc.StopPending, WaitHint: 15000}
				stop()
				err := <-done
				if err != nil {
					fmt.Fprintf(h.log, "apetitspas-service: stop: %v\n", err)
					return false, 1
				}
				fmt.Fprintln(h.log, "apetitspas-service: stopped")
				return false, 0
			}
		}
	}
}
