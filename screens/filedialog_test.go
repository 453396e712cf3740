package screens

import (
	"bytes"
	"errors"
	"io"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"fyne.io/fyne/v2/storage"
)

// The tests use Fyne's dialogs (the test switch), or a fake system
// dialog (useFakeFiles): no zenity window opens under go test.
func init() { nativeFiles = nil }

// fakeFiles answers every system dialog with path (or err), and notes
// what it was asked.
type fakeFiles struct {
	path  string
	err   error
	asked string
}

func (f *fakeFiles) save(title, name string, kind fileKind) (string, error) {
	f.asked = "save " + name + " " + strings.Join(kind.exts, ",")
	return f.path, f.err
}

func (f *fakeFiles) open(title string, kind fileKind) (string, error) {
	f.asked = "open " + strings.Join(kind.exts, ",")
	return f.path, f.err
}

func (f *fakeFiles) folder(title string) (string, error) {
	f.asked = "folder"
	return f.path, f.err
}

// useFakeFiles makes the system's dialogs a fake answering path, for the
// test.
func useFakeFiles(t *testing.T, path string) *fakeFiles {
	t.Helper()
	f := &fakeFiles{path: path}
	old := nativeFiles
	nativeFiles = f
	t.Cleanup(func() { nativeFiles = old })
	return f
}

func TestTheSystemsSaveDialogWritesTheFileItNames(t *testing.T) {
	h := newHarness(t, nil)
	dir := t.TempDir()
	for _, c := range []struct {
		name, answer, file string
		err                error
		want               string
	}{
		{"a chosen file is written", filepath.Join(dir, "a.csv"), "a.csv", nil, "a.csv"},
		{"a name without its extension gets it", filepath.Join(dir, "b"), "b.csv", nil, "b.csv"},
		{"cancelled: nothing written, nothing said", "", "", nil, ""},
		{"a folder that cannot be written says so", filepath.Join(dir, "nope", "c.csv"), "", nil, "error"},
		{"the dialog failing says so", "", "", errors.New("zenity: exit status 255"), "error"},
	} {
		t.Run(c.name, func(t *testing.T) {
			f := useFakeFiles(t, c.answer)
			f.err = c.err
			got, chosen := "unanswered", false
			d := saveFile(h.ui, saveRequest{title: "T", name: "x.csv", kind: kindCSV,
				chosen: func() { chosen = true },
				write:  func(w io.Writer) error { _, err := io.WriteString(w, "a;b\r\n"); return err },
				done: func(file string, err error) {
					got = file
					if err != nil {
						got = "error"
					}
				}})
			if d != nil {
				t.Fatal("Fyne's dialog shown with a system dialog here")
			}
			h.ui.wait()
			if got != c.want {
				t.Fatalf("done(%q), want %q", got, c.want)
			}
			if f.asked != "save x.csv .csv" {
				t.Fatalf("asked %q", f.asked)
			}
			if c.file != "" {
				b, err := os.ReadFile(filepath.Join(dir, c.file))
				if err != nil || string(b) != "a;b\r\n" || !chosen {
					t.Fatalf("%q %v, chosen %v", b, err, chosen)
				}
			}
		})
	}
}

func TestTheSystemsOpenAndFolderDialogsGiveTheirAnswer(t *testing.T) {
	h := newHarness(t, nil)
	dir := t.TempDir()
	small := filepath.Join(dir, "comptes.CSV")
	os.WriteFile(small, []byte("rôle;courriel;nom\r\n"), 0o600)
	big := filepath.Join(dir, "gros.csv")
	os.WriteFile(big, bytes.Repeat([]byte("x"), 100), 0o600)

	useFakeFiles(t, small)
	var name string
	var data []byte
	var err error
	openFile(h.ui, "T", kindCSVText, 50, func(n string, d []byte, e error) { name, data, err = n, d, e })
	h.ui.wait()
	if name != "comptes.CSV" || string(data) != "rôle;courriel;nom\r\n" || err != nil {
		t.Fatalf("open: %q %q %v", name, data, err)
	}
	useFakeFiles(t, big)
	openFile(h.ui, "T", kindCSVText, 50, func(n string, d []byte, e error) { name, data, err = n, d, e })
	h.ui.wait()
	if !errors.Is(err, errTooBig) || len(data) != 51 {
		t.Fatalf("a file over the limit: %d bytes, %v", len(data), err)
	}
	useFakeFiles(t, "")
	called := false
	openFile(h.ui, "T", kindCSVText, 50, func(string, []byte, error) { called = true })
	chooseFolder(h.ui, "T", func(string) { called = true })
	savePath(h.ui, "T", "g.apetitspas", kindBackup, func(string) { called = true })
	h.ui.wait()
	if called {
		t.Fatal("a cancelled dialog answered")
	}
	useFakeFiles(t, dir)
	folder := ""
	chooseFolder(h.ui, "T", func(p string) { folder = p })
	h.ui.wait()
	if folder != dir {
		t.Fatalf("folder %q", folder)
	}
	useFakeFiles(t, filepath.Join(dir, "garderie"))
	path := ""
	savePath(h.ui, "T", "g.apetitspas", kindBackup, func(p string) { path = p })
	h.ui.wait()
	if path != filepath.Join(dir, "garderie.apetitspas") {
		t.Fatalf("backup path %q", path)
	}
	if _, err := os.Stat(path); !os.IsNotExist(err) {
		t.Fatal("a file was left where the backup goes")
	}
}

// Without a system dialog (the test switch), Fyne's dialog is shown, in
// French, and what it hands over is written.
func TestFynesDialogIsTheFallback(t *testing.T) {
	h := newHarness(t, nil)
	d := saveFile(h.ui, saveRequest{title: "T", name: "x.csv", kind: kindCSV,
		write: func(w io.Writer) error { return nil }, done: func(string, error) {}})
	if d == nil {
		t.Fatal("no dialog shown")
	}
	d.Hide()
	path := filepath.Join(t.TempDir(), "y.csv")
	w, err := storage.Writer(storage.NewFileURI(path))
	if err != nil {
		t.Fatal(err)
	}
	got := ""
	saveRequest{kind: kindCSV,
		write: func(w io.Writer) error { _, err := io.WriteString(w, "ok"); return err },
		done:  func(file string, err error) { got = file }}.savedTo(h.ui, w, nil)
	h.ui.wait()
	if b, _ := os.ReadFile(path); string(b) != "ok" || got != "y.csv" {
		t.Fatalf("%q, done(%q)", b, got)
	}
}

// While a system dialog is up (it is not modal), a second is not opened.
func TestOneSystemDialogAtATime(t *testing.T) {
	h := newHarness(t, nil)
	useFakeFiles(t, "")
	nativeOpen.Store(true)
	defer nativeOpen.Store(false)
	asked := false
	chooseFolder(h.ui, "T", func(string) { asked = true })
	h.ui.wait()
	if asked || nativeFiles.(*fakeFiles).asked != "" {
		t.Fatal("a second dialog opened")
	}
}
