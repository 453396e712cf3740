package screens

import (
	"bytes"
	"errors"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
)

// On Linux the system's dialogs are zenity's (GNOME and most desktops)
// or kdialog's (KDE), run as programs: linking GTK into the window would
// cost its start-up time and memory for a dialog opened now and then.

// systemFiles is kdialog on KDE when it is there, else zenity, else
// kdialog; nil without either or without a display.
func systemFiles() osFiles {
	if os.Getenv("DISPLAY") == "" && os.Getenv("WAYLAND_DISPLAY") == "" {
		return nil
	}
	zenity, zerr := exec.LookPath("zenity")
	kdialog, kerr := exec.LookPath("kdialog")
	kde := strings.Contains(strings.ToUpper(os.Getenv("XDG_CURRENT_DESKTOP")), "KDE")
	switch {
	case kerr == nil && (kde || zerr != nil):
		return execFiles{prog: kdialog, kdialog: true}
	case zerr == nil:
		return execFiles{prog: zenity}
	}
	return nil
}

// execFiles runs zenity or kdialog: the path on standard output, exit
// status 1 when cancelled.
type execFiles struct {
	prog    string
	kdialog bool
}

// filter is the kind's filter: "Label | *.csv *.CSV" for zenity,
// "*.csv *.CSV|Label" for kdialog.
func (e execFiles) filter(kind fileKind) string {
	var globs []string
	for _, x := range kind.exts {
		globs = append(globs, "*"+x, "*"+strings.ToUpper(x))
	}
	if e.kdialog {
		return strings.Join(globs, " ") + "|" + kind.name()
	}
	return kind.name() + " | " + strings.Join(globs, " ")
}

func (e execFiles) save(title, name string, kind fileKind) (string, error) {
	start := filepath.Join(startDir(), name)
	if e.kdialog {
		return e.run("--title", title, "--getsavefilename", start, e.filter(kind))
	}
	return e.run("--file-selection", "--save", "--confirm-overwrite", "--title="+title, "--filename="+start, "--file-filter="+e.filter(kind))
}

func (e execFiles) open(title string, kind fileKind) (string, error) {
	if e.kdialog {
		return e.run("--title", title, "--getopenfilename", startDir(), e.filter(kind))
	}
	return e.run("--file-selection", "--title="+title, "--filename="+startDir()+"/", "--file-filter="+e.filter(kind))
}

func (e execFiles) folder(title string) (string, error) {
	if e.kdialog {
		return e.run("--title", title, "--getexistingdirectory", startDir())
	}
	return e.run("--file-selection", "--directory", "--title="+title, "--filename="+startDir()+"/")
}

func (e execFiles) run(args ...string) (string, error) {
	var out, errOut bytes.Buffer
	cmd := exec.Command(e.prog, args...)
	cmd.Stdout, cmd.Stderr = &out, &errOut
	err := cmd.Run()
	var exit *exec.ExitError
	if errors.As(err, &exit) && exit.ExitCode() == 1 {
		return "", nil // cancelled
	}
	if err != nil {
		return "", fmt.Errorf("%s: %w: %s", filepath.Base(e.prog), err, strings.TrimSpace(errOut.String()))
	}
	return strings.TrimRight(out.String(), "\r\n"), nil
}
