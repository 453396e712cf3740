// Command apetitspas is the À petits pas desktop application.
//
//	apetitspas [--db PATH] [--demo] [--lang fr|en] [--version]
//
// The database is, in order: --db, $APETITSPAS_DB, the machine-wide
// configuration file (%ProgramData%\ApetitsPas\config.toml on Windows,
// /etc/apetitspas/config.toml on Linux), or apetitspas.db in the user's
// configuration folder (demo.db there with --demo): see data.Locate.
package main

import (
	"context"
	"flag"
	"fmt"
	"os"
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
	"github.com/apetitspas/apetitspas/data"
	"github.com/apetitspas/apetitspas/screens"
)

func main() {
	fs := flag.NewFlagSet("apetitspas", flag.ContinueOnError)
	dbPath := fs.String("db", "", "chemin de la base de données SQLite / SQLite database path")
	demo := fs.Bool("demo", false, "ouvrir la base de démonstration / open the demo database")
	language := fs.String("lang", os.Getenv("APETITSPAS_LANG"), "langue : fr (défaut) ou en / language: fr (default) or en")
	version := fs.Bool("version", false, "afficher la version / print the version")
	if err := fs.Parse(os.Args[1:]); err != nil {
		os.Exit(2)
	}
	if *version {
		fmt.Printf("apetitspas %s (build %d)\n", assets.Version, assets.Build)
		return
	}
	_ = screens.UseLanguage(*language)

	a := fyneapp.NewWithID(assets.AppID)
	a.SetIcon(fyne.NewStaticResource("icon.png", assets.IconPNG))
	// The icon's colours, light or dark as the system chooses.
	a.Settings().SetTheme(screens.Theme())
	// The sign-in screen's fonts (regular, bold, the heading's size) are
	// read on the other core while the window is being made, instead of
	// before the first frame.
	go func() {
		for _, style := range []fyne.TextStyle{{}, {Bold: true}} {
			for _, size := range []float32{theme.TextSize(), theme.TextHeadingSize()} {
				fyne.MeasureText("À petits pas", size, style)
			}
		}
	}()
	w := a.NewWindow(lang.X("app.name", "À petits pas"))
	w.Resize(fyne.NewSize(1000, 700))
	w.SetMaster()

	place, err := data.Locate(*dbPath, *demo)
	if err != nil {
		fmt.Fprintln(os.Stderr, "apetitspas:", err)
		showFatal(w, err)
		w.ShowAndRun()
		os.Exit(1)
	}
	db, err := data.Open(place.DB)
	if err != nil {
		fmt.Fprintln(os.Stderr, "apetitspas:", err)
		showFatal(w, err)
		w.ShowAndRun()
		os.Exit(1)
	}
	defer db.Close()
	svc := apetitspas.New(apetitspas.Params{Store: db, Keys: place.KeyRing()})
	// The operations that trust their caller (first run, demo data) are
	// built here, in cmd/, and never handed to the screens as such: they
	// get the first run alone, as a function.
	trusted := apetitspas.NewTrusted(svc)
	if *demo {
		if err := trusted.SeedDemo(context.Background()); err != nil {
			fmt.Fprintln(os.Stderr, "apetitspas:", err)
			showFatal(w, err)
			w.ShowAndRun()
			os.Exit(1)
		}
	}
	ui := screens.New(svc, w, trusted.Setup)
	ui.Start()
	// On open, off the UI goroutine: check every MAC and journal what was
	// changed outside the app (administrators see it when they sign in).
	// Once the window is up (the first frame is not kept waiting for the
	// database's single connection):
	a.Lifecycle().SetOnStarted(func() {
		go func() {
			if r, err := trusted.Verify(context.Background()); err != nil || !r.OK() {
				fmt.Fprintf(os.Stderr, "apetitspas: integrity: %+v %v\n", r, err)
			}
			// The daily backup an administrator set up (Sécurité → Sauvegardes),
			// checked now and every hour while the app is open.
			for {
				if out, err := trusted.RunScheduledBackup(context.Background(), assets.Version); err != nil {
					fmt.Fprintf(os.Stderr, "apetitspas: scheduled backup: %v\n", err)
				} else if out != "" {
					fmt.Fprintf(os.Stderr, "apetitspas: scheduled backup: %s\n", out)
				}
				time.Sleep(time.Hour)
			}
		}()
	})
	w.ShowAndRun()
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
