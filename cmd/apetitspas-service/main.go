// Command apetitspas-service is the one program of a computer that opens
// the daycare's database and its key. It runs package app with every rule
// and serves the window (apetitspas) and the tool (apetitspas-admin) on a
// local socket only: a Unix domain socket on Linux and macOS, a named pipe
// on Windows. It learns each client's operating system account from the
// operating system (the socket's peer credentials), never from the client.
//
//	apetitspas-service run --data DIR --listen unix:PATH|pipe:NAME
//	apetitspas-service --version
//
// It runs under an account of its own (apetitspas on Linux, _apetitspas on
// macOS, NT SERVICE\ApetitsPas on Windows): systemd, launchd and the
// Windows service wrapper call "run"; so do the tests. DIR is that
// account's alone (see datadir.go).
package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"os"
	"os/signal"
	"syscall"
	"time"

	apetitspas "github.com/apetitspas/apetitspas/app"
	"github.com/apetitspas/apetitspas/assets"
	"github.com/apetitspas/apetitspas/data"
)

func main() {
	os.Exit(runTo(os.Args[1:], os.Stdout, os.Stderr))
}

const usage = `apetitspas-service : le service d'À petits pas / the À petits pas service

  apetitspas-service run --data DOSSIER --listen unix:CHEMIN|pipe:NOM
  apetitspas-service --version
  Windows : apetitspas-service install|stop|uninstall (en administrateur / as an administrator)
`

func run(args []string, stderr io.Writer) int { return runTo(args, os.Stdout, stderr) }

// runTo runs the command line args: the usage and the version go to
// stdout (asked for, exit 0), mistakes to stderr (exit 2).
func runTo(args []string, stdout, stderr io.Writer) int {
	if len(args) == 1 && (args[0] == "--version" || args[0] == "-version") {
		fmt.Fprintf(stdout, "apetitspas-service %s (build %d)\n", assets.Version, assets.Build)
		return 0
	}
	if isHelp(args) || len(args) == 2 && args[0] == "run" && isHelp(args[1:]) {
		fmt.Fprint(stdout, usage)
		return 0
	}
	// Windows: started by the Service Control Manager, or install,
	// uninstall, status (winservice_windows.go).
	if code, done := platformRun(args, stderr); done {
		return code
	}
	if len(args) == 0 || args[0] != "run" {
		fmt.Fprint(stderr, usage)
		return 2
	}
	fs := flag.NewFlagSet("run", flag.ContinueOnError)
	fs.SetOutput(stderr)
	dir := fs.String("data", "", "le dossier des données du service / the service's data folder")
	listen := fs.String("listen", "", "unix:CHEMIN ou pipe:NOM / unix:PATH or pipe:NAME")
	if err := fs.Parse(args[1:]); err != nil || *dir == "" || *listen == "" || fs.NArg() > 0 {
		fmt.Fprint(stderr, usage)
		return 2
	}
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	defer stop()
	if err := serveData(ctx, *dir, *listen, stderr); err != nil {
		fmt.Fprintln(stderr, "apetitspas-service:", err)
		return 1
	}
	return 0
}

// isHelp says whether args is a request for the usage alone.
func isHelp(args []string) bool {
	return len(args) == 1 && (args[0] == "--help" || args[0] == "-help" || args[0] == "-h" || args[0] == "help")
}

// serveData opens the data of dir and serves it on listen until ctx ends.
func serveData(ctx context.Context, dir, listen string, log io.Writer) error {
	place, err := openDataDir(dir)
	if err != nil {
		return err
	}
	db, err := data.Open(place.DB)
	if err != nil {
		return err
	}
	defer db.Close()
	svc := apetitspas.New(apetitspas.Params{Store: db, Keys: data.NewKeyRing(place.KeyDir, false),
		Witness: data.NewWitness(place.Witness)})
	api := apetitspas.NewLocal(svc, false)
	go housekeeping(ctx, api, log)
	err = serve(ctx, api, listen, log)
	if errors.Is(err, context.Canceled) {
		return nil
	}
	return err
}

// housekeeping is what the service does on its own: the plain snapshots a
// killed backup left removed, every MAC checked (what was changed outside
// the app is journaled), then the daily backup an administrator set up,
// checked now and every hour, and the journal's retention pass (at most
// once a day).
func housekeeping(ctx context.Context, api *apetitspas.Local, log io.Writer) {
	apetitspas.SweepSnapshots()
	tech := apetitspas.NewTrusted(api.Service())
	if r, err := tech.Verify(ctx); err != nil || !r.OK() {
		fmt.Fprintf(log, "apetitspas-service: integrity: %+v %v\n", r, err)
	}
	for {
		if out, err := tech.RunScheduledBackup(ctx, assets.Version); err != nil {
			fmt.Fprintf(log, "apetitspas-service: scheduled backup: %v\n", err)
		} else if out != "" {
			fmt.Fprintf(log, "apetitspas-service: scheduled backup: %s\n", out)
		}
		// The journal's retention: at start, then at most once a day.
		if n, err := tech.PseudonymiseJournal(ctx); err != nil {
			fmt.Fprintf(log, "apetitspas-service: journal retention: %v\n", err)
		} else if n > 0 {
			fmt.Fprintf(log, "apetitspas-service: journal retention: %d persons pseudonymised\n", n)
		}
		select {
		case <-ctx.Done():
			return
		case <-time.After(time.Hour):
		}
	}
}
