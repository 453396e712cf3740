package screens

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// A stand-in zenity (a shell script first on PATH) answers as the real
// one does: the path on standard output, exit status 1 when cancelled.
func TestZenityIsRunAndReadLikeTheRealOne(t *testing.T) {
	dir := t.TempDir()
	script := `#!/bin/sh
printf '%s\n' "$@" > "$0.args"
[ -n "$ANSWER" ] || exit "${STATUS:-1}"
printf '%s\n' "$ANSWER"
`
	for _, name := range []string{"zenity", "kdialog"} {
		if err := os.WriteFile(filepath.Join(dir, name), []byte(script), 0o700); err != nil {
			t.Fatal(err)
		}
	}
	t.Setenv("PATH", dir)
	t.Setenv("DISPLAY", ":99")
	t.Setenv("XDG_CURRENT_DESKTOP", "GNOME")
	f := systemFiles()
	z, ok := f.(execFiles)
	if !ok || z.kdialog {
		t.Fatalf("with zenity and kdialog on GNOME: %#v", f)
	}
	args := func(prog string) string {
		b, _ := os.ReadFile(filepath.Join(dir, prog+".args"))
		return string(b)
	}

	t.Setenv("ANSWER", "/home/marie/Documents/journal é.csv")
	got, err := z.save("Exporter le journal", "journal.csv", kindCSV)
	if err != nil || got != "/home/marie/Documents/journal é.csv" {
		t.Fatalf("save: %q %v", got, err)
	}
	for _, want := range []string{"--save", "--title=Exporter le journal", "journal.csv", "--file-filter=Fichiers CSV (Excel) | *.csv *.CSV"} {
		if !strings.Contains(args("zenity"), want) {
			t.Errorf("zenity was not given %q:\n%s", want, args("zenity"))
		}
	}
	t.Setenv("ANSWER", "")
	if got, err := z.open("T", kindCSVText); got != "" || err != nil {
		t.Fatalf("cancelled: %q %v", got, err)
	}
	t.Setenv("STATUS", "5")
	if _, err := z.folder("T"); err == nil {
		t.Fatal("zenity failing is no error")
	}

	t.Setenv("XDG_CURRENT_DESKTOP", "KDE")
	k, _ := systemFiles().(execFiles)
	if !k.kdialog {
		t.Fatal("on KDE, kdialog")
	}
	t.Setenv("ANSWER", "/tmp/sauvegardes")
	if got, err := k.folder("Dossier"); got != "/tmp/sauvegardes" || err != nil || !strings.Contains(args("kdialog"), "--getexistingdirectory") {
		t.Fatalf("kdialog folder: %q %v\n%s", got, err, args("kdialog"))
	}
	t.Setenv("DISPLAY", "")
	t.Setenv("WAYLAND_DISPLAY", "")
	if systemFiles() != nil {
		t.Fatal("no display, yet a system dialog")
	}
}
