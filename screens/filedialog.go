package screens

import (
	"errors"
	"io"
	"os"
	"path/filepath"
	"strings"
	"sync/atomic"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/dialog"
	"fyne.io/fyne/v2/lang"
	"fyne.io/fyne/v2/storage"
)

// Files are chosen in the operating system's own dialogs (osFiles: the
// Windows and macOS dialogs, zenity or kdialog on Linux), in the
// system's language. Where there is none (no zenity, another system,
// APETITSPAS_FILE_DIALOGS=fyne, the tests) Fyne's dialog is used, with
// its words in the app's language as far as Fyne lets them be.

// fileKind is what a dialog saves or opens: its extensions (the first
// is the one a new file takes) and the words naming it in the filter.
type fileKind struct {
	exts  []string
	key   string
	label string
}

func (k fileKind) name() string { return lang.X(k.key, k.label) }

var (
	kindCSV     = fileKind{[]string{".csv"}, "files.kind_csv", "Fichiers CSV (Excel)"}
	kindCSVText = fileKind{[]string{".csv", ".txt"}, "files.kind_csv_text", "Fichiers CSV ou texte"}
	kindText    = fileKind{[]string{".txt"}, "files.kind_text", "Fichiers texte"}
	kindPDF     = fileKind{[]string{".pdf"}, "files.kind_pdf", "Fichiers PDF"}
	kindBackup  = fileKind{[]string{".apetitspas"}, "files.kind_backup", "Sauvegardes À petits pas"}
	kindJSON    = fileKind{[]string{".json"}, "files.kind_json", "Fichiers JSON"}
)

// osFiles is the operating system's file dialogs. Each call blocks until
// the person answers (it runs off the UI goroutine) and gives the chosen
// path, "" when cancelled.
type osFiles interface {
	save(title, name string, kind fileKind) (string, error)
	open(title string, kind fileKind) (string, error)
	folder(title string) (string, error)
}

// nativeFiles is this system's dialogs (nil: Fyne's). The tests set it to
// nil or to a fake.
var nativeFiles = func() osFiles {
	if os.Getenv("APETITSPAS_FILE_DIALOGS") == "fyne" {
		return nil
	}
	return systemFiles()
}()

// nativeOpen is true while a system dialog is up: it is not modal to the
// window, and a second one is not opened over it.
var nativeOpen atomic.Bool

// runNative runs ask (a system dialog) off the UI goroutine, then then on
// it (u.background). false, and nothing run, when there is no system dialog here or one
// is already up.
func runNative(u *UI, ask func(osFiles) (string, error), then func(path string, err error)) bool {
	n := nativeFiles
	if n == nil {
		return false
	}
	if !nativeOpen.CompareAndSwap(false, true) {
		return true
	}
	var path string
	u.background(func() (err error) {
		defer nativeOpen.Store(false)
		path, err = ask(n)
		return err
	}, func(err error) { then(path, err) })
	return true
}

// saveRequest is a file to save.
type saveRequest struct {
	title   string // the dialog's title
	name    string // the suggested file name
	kind    fileKind
	private bool                         // readable by its owner only (writePrivate)
	chosen  func()                       // on the UI goroutine once a file is chosen, before write
	write   func(io.Writer) error        // fills the file, off the UI goroutine
	done    func(file string, err error) // on the UI goroutine: the file's name, "" when cancelled
}

// saveFile asks where to save, then writes the file off the UI goroutine
// and says how it went (done). It returns Fyne's dialog when that is the
// one shown (nil for the system's).
func saveFile(u *UI, r saveRequest) *dialog.FileDialog {
	win := u.win
	if runNative(u, func(n osFiles) (string, error) { return n.save(r.title, r.name, r.kind) },
		func(path string, err error) {
			if err != nil || path == "" {
				r.done("", err)
				return
			}
			r.writePath(u, path)
		}) {
		return nil
	}
	d := dialog.NewFileSave(func(w fyne.URIWriteCloser, err error) { r.savedTo(u, w, err) }, win)
	d.SetFileName(r.name)
	d.SetFilter(storage.NewExtensionFileFilter(r.kind.exts))
	d.SetConfirmText(lang.X("journal.save", "Enregistrer"))
	d.SetDismissText(lang.X("journal.cancel", "Annuler"))
	d.Resize(win.Canvas().Size())
	d.Show()
	return d
}

// writePath writes the file at path (a system dialog's answer).
func (r saveRequest) writePath(u *UI, path string) {
	if filepath.Ext(path) == "" && len(r.kind.exts) > 0 {
		path += r.kind.exts[0]
	}
	r.started()
	u.background(func() error {
		if r.private {
			return writePrivate(path, r.write)
		}
		return writeFile(path, r.write)
	}, func(err error) { r.done(filepath.Base(path), err) })
}

// savedTo writes the file Fyne's dialog made (w; nil when cancelled). A
// private file on this computer replaces it, never fills it.
func (r saveRequest) savedTo(u *UI, w fyne.URIWriteCloser, err error) {
	if err != nil || w == nil {
		r.done("", err)
		return
	}
	name := w.URI().Name()
	if path, ok := localPath(w.URI()); ok && r.private {
		w.Close() // the dialog's file, empty: replaced by the private one
		r.writePath(u, path)
		return
	}
	r.started()
	u.background(func() error {
		err := r.write(w)
		if cerr := w.Close(); err == nil {
			err = cerr
		}
		return err
	}, func(err error) { r.done(name, err) })
}

func (r saveRequest) started() {
	if r.chosen != nil {
		r.chosen()
	}
}

// writeFile writes path through write (made or emptied, as any program
// saving a file does).
func writeFile(path string, write func(io.Writer) error) error {
	f, err := os.Create(path)
	if err != nil {
		return err
	}
	if err := write(f); err != nil {
		f.Close()
		return err
	}
	return f.Close()
}

// savePath asks where a file is to be written by someone else (the
// backup, written whole by the service): chosen gets its path, and is
// not called when the person cancels. No file is left at path.
func savePath(u *UI, title, name string, kind fileKind, chosen func(path string)) {
	win := u.win
	if runNative(u, func(n osFiles) (string, error) { return n.save(title, name, kind) },
		func(path string, err error) {
			if err == nil && path != "" {
				if filepath.Ext(path) == "" && len(kind.exts) > 0 {
					path += kind.exts[0]
				}
				chosen(path)
			}
		}) {
		return
	}
	d := dialog.NewFileSave(func(w fyne.URIWriteCloser, err error) {
		if err != nil || w == nil {
			return
		}
		path := w.URI().Path()
		w.Close()
		// The dialog made (or emptied, after asking) the file: it is
		// written in its place, whole or not at all.
		os.Remove(path)
		chosen(path)
	}, win)
	d.SetFileName(name)
	d.SetFilter(storage.NewExtensionFileFilter(kind.exts))
	d.SetConfirmText(lang.X("journal.save", "Enregistrer"))
	d.SetDismissText(lang.X("journal.cancel", "Annuler"))
	d.Resize(win.Canvas().Size())
	d.Show()
}

// errTooBig is a chosen file longer than openFile's limit.
var errTooBig = errors.New("file too big")

// openFile asks for a file of kind and reads it (at most limit bytes, then
// errTooBig) off the UI goroutine; done gets its name and bytes on the UI
// goroutine, and is not called when the person cancels.
func openFile(u *UI, title string, kind fileKind, limit int64, done func(name string, data []byte, err error)) {
	win := u.win
	read := func(r io.Reader) ([]byte, error) {
		data, err := io.ReadAll(io.LimitReader(r, limit+1))
		if err == nil && int64(len(data)) > limit {
			err = errTooBig
		}
		return data, err
	}
	if runNative(u, func(n osFiles) (string, error) { return n.open(title, kind) },
		func(path string, err error) {
			if err != nil {
				done("", nil, err)
				return
			}
			if path == "" {
				return
			}
			var data []byte
			u.background(func() error {
				f, err := os.Open(path)
				if err != nil {
					return err
				}
				defer f.Close()
				data, err = read(f)
				return err
			}, func(err error) { done(filepath.Base(path), data, err) })
		}) {
		return
	}
	d := dialog.NewFileOpen(func(r fyne.URIReadCloser, err error) {
		if err != nil {
			done("", nil, err)
			return
		}
		if r == nil {
			return // cancelled
		}
		defer r.Close()
		data, err := read(r)
		done(r.URI().Name(), data, err)
	}, win)
	// Fyne's filter is exact: both cases.
	exts := append([]string(nil), kind.exts...)
	for _, e := range kind.exts {
		exts = append(exts, strings.ToUpper(e))
	}
	d.SetFilter(storage.NewExtensionFileFilter(exts))
	d.SetConfirmText(lang.X("import.open", "Ouvrir"))
	d.SetDismissText(lang.X("mfa.confirm_cancel", "Annuler"))
	d.Resize(win.Canvas().Size())
	d.Show()
}

// chooseFolder asks for a folder; chosen gets its path, and is not called
// when the person cancels.
func chooseFolder(u *UI, title string, chosen func(path string)) {
	win := u.win
	if runNative(u, func(n osFiles) (string, error) { return n.folder(title) },
		func(path string, err error) {
			if err == nil && path != "" {
				chosen(path)
			}
		}) {
		return
	}
	d := dialog.NewFolderOpen(func(l fyne.ListableURI, err error) {
		if err != nil || l == nil {
			return
		}
		chosen(l.Path())
	}, win)
	d.SetConfirmText(lang.X("backups.choose", "Choisir"))
	d.SetDismissText(lang.X("mfa.confirm_cancel", "Annuler"))
	d.Resize(win.Canvas().Size())
	d.Show()
}

// startDir is where a system dialog opens: the Documents folder when
// there is one, else the home folder.
func startDir() string {
	home, err := os.UserHomeDir()
	if err != nil {
		return ""
	}
	if fi, err := os.Stat(filepath.Join(home, "Documents")); err == nil && fi.IsDir() {
		return filepath.Join(home, "Documents")
	}
	return home
}
