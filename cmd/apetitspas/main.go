// Command apetitspas is the À petits pas desktop application.
//
//	apetitspas [--db PATH | --service unix:PATH|pipe:NAME] [--demo] [--lang fr|en] [--version] [--help]
//
// With a local service (--service, $APETITSPAS_SERVICE, or the service
// line of the machine-wide configuration) the window is its client and
// never opens the data; otherwise it runs the embedded daycare itself.
//
// The database is, in order: --db, $APETITSPAS_DB, the machine-wide
// configuration file (%ProgramData%\ApetitsPas\config.toml on Windows,
// /etc/apetitspas/config.toml on Linux), or apetitspas.db in the user's
// configuration folder (demo.db there with --demo): see data.Locate.
package main

import (
	"context"
	"fmt"
	"os"
	"runtime/debug"
	"sync/atomic"
	"time"

	"fyne.io/fyne/v2"
	fyneapp "fyne.io/fyne/v2/app"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/dialog"
	"fyne.io/fyne/v2/lang"
	"fyne.io/fyne/v2/theme"
	"fyne.io/fyne/v2/widget"

	apetitspas "github.com/apetitspas/apetitspas/app"
	"github.com/apetitspas/apetitspas/assets"
	// Before Fyne reads the locale (LANG=C.UTF-8 and the like): see its
	// package comment.
	_ "github.com/apetitspas/apetitspas/cmd/internal/localeenv"
	"github.com/apetitspas/apetitspas/data"
	"github.com/apetitspas/apetitspas/screens"
)

func main() {
	o, exit, done := parseFlags(os.Args[1:], os.Getenv("APETITSPAS_LANG"), os.Stdout, os.Stderr)
	if done {
		os.Exit(exit)
	}
	if o.version {
		fmt.Printf("apetitspas %s (build %d)\n", assets.Version, assets.Build)
		return
	}
	if path, err := preferencesFile(); err == nil {
		setAsideDamagedPreferences(path) // prefs.go
	}
	a := fyneapp.NewWithID(assets.AppID)
	// Two seconds in, the first screen is drawn (about 0.45 s) and the
	// start-up's garbage (fonts parsed on two goroutines, translations
	// decoded) is handed back to the system rather than kept for later:
	// 9 MB less resident memory at the sign-in screen (of 37 MB more than
	// a bare Fyne window; README, "Mémoire de la fenêtre").
	time.AfterFunc(2*time.Second, debug.FreeOSMemory)
	// What the first screen needs besides the window is made on the other
	// core while GLFW starts (NewWindow): the translations, and the fonts'
	// faces, bold first (the main goroutine measures regular text first,
	// in the sign-in screen's fields; the faces load one style each side).
	// Together they were 60 ms of a 450 ms start-up, one after the other.
	translated := make(chan struct{})
	go func() {
		_ = screens.UseLanguage(o.language)
		close(translated)
	}()
	a.SetIcon(fyne.NewStaticResource("icon.png", assets.WindowIconPNG))
	// The icon's colours, light or dark as the system chooses.
	a.Settings().SetTheme(screens.Theme())
	go func() {
		for _, style := range []fyne.TextStyle{{Bold: true}, {}} {
			for _, size := range []float32{theme.TextHeadingSize(), theme.TextSize()} {
				fyne.MeasureText("À petits pas", size, style)
			}
		}
	}()
	// (GLFW asks nothing of the translations; the name is the same in
	// both languages.)
	w := a.NewWindow("À petits pas")
	<-translated
	w.SetTitle(lang.X("app.name", "À petits pas"))
	w.Resize(defaultWindowSize) // then what was kept, within the screen (windowplace.go)
	w.SetMaster()

	// A local service named by --service, $APETITSPAS_SERVICE or the
	// machine-wide configuration holds the data: the window is its client
	// and never opens the data itself (service.go). --db and --demo ask
	// for a file instead (a bare machine, make run, the technician).
	if o.dbPath == "" && !o.demo || o.service != "" {
		addr, named, err := data.ServiceFor(o.service)
		if err == nil && named {
			var closeClient func()
			closeClient, err = startWithService(w, addr)
			if err == nil {
				defer closeClient()
				showAndRun(w)
				return
			}
		}
		if err != nil {
			fmt.Fprintln(os.Stderr, "apetitspas:", err)
			showFatal(w, err)
			showAndRun(w)
			os.Exit(1)
		}
	}
	place, err := data.Locate(o.dbPath, o.demo)
	if err != nil {
		fmt.Fprintln(os.Stderr, "apetitspas:", err)
		showFatal(w, err)
		showAndRun(w)
		os.Exit(1)
	}
	// A daycare left in this account's own folder, while the machine-wide
	// place holds none: offered for moving first.
	if m := findMove(place); m != nil {
		screens.NewMoveScreen(w, m.offer, m.move, func(moved bool, email string) {
			m.close()
			if closeDB, ok := start(w, place, o.demo, email); ok {
				go checks()
				a.Lifecycle().SetOnStopped(func() { closeDB() })
			}
		}).Show()
		showAndRun(w)
		return
	}
	closeDB, ok := start(w, place, o.demo, "")
	if !ok {
		showAndRun(w)
		os.Exit(1)
	}
	defer closeDB()
	// Once the window is up (the first frame is not kept waiting for the
	// database's single connection):
	a.Lifecycle().SetOnStarted(func() { go checks() })
	showAndRun(w)
}

// showAndRun shows w where it was last (at most 90 % of the screen), then
// runs the app.
func showAndRun(w fyne.Window) {
	w.Show()
	placeWindow(w)
	fyne.CurrentApp().Run()
}

// ready holds the open database's technician operations once the first
// screen is up, for the checks.
var ready atomic.Pointer[technician]

// technician wraps the API's technician operations for an atomic pointer.
type technician struct {
	apetitspas.Technician
	// trusted runs the journal's retention pass (embedded daycares; the
	// service runs its own).
	trusted *apetitspas.Trusted
}

// start opens the daycare's database at place and shows its first screen
// (the sign-in screen after a move, with movedBy filled in). ok is false
// after a fatal explanation was put in the window.
func start(w fyne.Window, place data.Place, demo bool, movedBy string) (closeDB func(), ok bool) {
	fail := func(err error) (func(), bool) {
		fmt.Fprintln(os.Stderr, "apetitspas:", err)
		showFatal(w, err)
		return nil, false
	}
	db, err := data.Open(place.DB)
	if apetitspas.ErrorReason(err) == apetitspas.ReasonDBServer {
		// A PostgreSQL server that does not answer (yet): wait for it
		// with the person, then start as usual (wait.go).
		return waitForServer(w, place, demo, movedBy, err), true
	}
	if err != nil {
		return fail(err)
	}
	svc := apetitspas.New(apetitspas.Params{Store: db, Keys: place.KeyRing(), Witness: data.OwnWitness()})
	// The window is a client of the API, run here in-process: this OS
	// account owns the daycare (embedded). The operations without a
	// sign-in (first run, demo data, the checks) are the API's technician
	// ones; the screens get the first run alone, as a function.
	api := apetitspas.NewLocal(svc, true)
	tech := api.Technician()
	// A database whose daycare was moved into the machine-wide place says
	// where it went, and is not used.
	if to, err := tech.MovedTo(context.Background()); err != nil || to != "" {
		db.Close()
		if err == nil {
			err = &apetitspas.Error{Code: apetitspas.EUNAVAILABLE, Reason: apetitspas.ReasonDBMoved, Detail: to}
		}
		return fail(err)
	}
	if demo {
		if err := tech.SeedDemo(context.Background()); err != nil {
			db.Close()
			return fail(err)
		}
	}
	ui := screens.New(api, w, api.Setup)
	ui.OSAdmin = osAdmin()
	ui.EmailFile = screens.KeptEmailPath()
	if movedBy != "" {
		ui.StartAfterMove(movedBy)
	} else {
		ui.Start()
	}
	ready.Store(&technician{Technician: tech, trusted: apetitspas.NewTrusted(svc)})
	return func() { db.Close() }, true
}

// checks runs off the UI goroutine: the plain snapshots a killed backup
// left in the temporary folder removed, every MAC checked on open (what
// was changed outside the app is journaled; administrators see it when
// they sign in), then the daily backup an administrator set up (Sécurité →
// Sauvegardes), checked now and every hour while the app is open.
func checks() {
	tech := ready.Load()
	if tech == nil {
		return // still waiting for the server: run when it answers (wait.go)
	}
	apetitspas.SweepSnapshots()
	if r, err := tech.Verify(context.Background()); err != nil || !r.OK() {
		fmt.Fprintf(os.Stderr, "apetitspas: integrity: %+v %v\n", r, err)
	}
	for {
		if out, err := tech.RunScheduledBackup(context.Background(), assets.Version); err != nil {
			fmt.Fprintf(os.Stderr, "apetitspas: scheduled backup: %v\n", err)
		} else if out != "" {
			fmt.Fprintf(os.Stderr, "apetitspas: scheduled backup: %s\n", out)
		}
		// The journal's retention (Sécurité → « Conservation des
		// renseignements »): at most once a day, the service's clock.
		if n, err := tech.trusted.PseudonymiseJournal(context.Background()); err != nil {
			fmt.Fprintf(os.Stderr, "apetitspas: journal retention: %v\n", err)
		} else if n > 0 {
			fmt.Fprintf(os.Stderr, "apetitspas: journal retention: %d persons pseudonymised\n", n)
		}
		time.Sleep(time.Hour)
	}
}

// moveOffer is a daycare of this account's own folder that may be moved
// into the machine-wide place.
type moveOffer struct {
	offer apetitspas.MoveOffer
	move  screens.MoveFunc
	close func()
}

// findMove looks for a daycare to move: the machine-wide place comes from
// the configuration file and is a SQLite file holding no daycare, and this
// account's own database holds one, not moved yet. Nil otherwise (and on
// any error: the app then simply opens the machine-wide place).
func findMove(place data.Place) *moveOffer {
	if place.Source != data.SourceConfig || data.IsPostgresURL(place.DB) {
		return nil
	}
	own, err := data.UserPlace()
	if err != nil || own.DB == place.DB {
		return nil
	}
	if _, err := os.Stat(own.DB); err != nil {
		return nil
	}
	db, err := data.Open(own.DB)
	if err != nil {
		fmt.Fprintln(os.Stderr, "apetitspas: own database:", err)
		return nil
	}
	svc := apetitspas.New(apetitspas.Params{Store: db, Keys: own.KeyRing(), Witness: data.OwnWitness()})
	target := place.MoveTarget()
	offer, ok, err := apetitspas.NewTrusted(svc).MoveOffer(context.Background(), own.DB, target)
	if err != nil || !ok {
		if err != nil {
			fmt.Fprintln(os.Stderr, "apetitspas: move offer:", err)
		}
		db.Close()
		return nil
	}
	return &moveOffer{
		offer: offer,
		move: func(ctx context.Context, email, password, code string) error {
			_, err := svc.MoveDaycare(ctx, email, password, code, own.DB, target)
			return err
		},
		close: func() { db.Close() },
	}
}

// showFatal puts a plain French explanation in the window and a dialog
// that closes the application.
func showFatal(w fyne.Window, err error) {
	w.SetContent(container.NewStack(screens.NewFatalContent(err)))
	msg := widget.NewLabel(screens.ErrorText(err))
	msg.Wrapping = fyne.TextWrapWord
	closeButton := widget.NewButton(lang.X("fatal.close", "Fermer"), func() { w.Close() })
	closeButton.Importance = widget.HighImportance
	d := dialog.NewCustomWithoutButtons(lang.X("fatal.title", "À petits pas ne peut pas démarrer"),
		container.NewVBox(msg, closeButton), w)
	d.Resize(fyne.NewSize(520, 0))
	d.Show()
}
