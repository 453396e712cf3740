//go:build unix

// Unix modes; on Windows the file gets an owner-only ACL
// (apetitspas.WritePrivateFile).

package screens

import (
	"bytes"
	"encoding/json"
	"os"
	"path/filepath"
	"strings"
	"syscall"
	"testing"

	"fyne.io/fyne/v2/storage"
	"fyne.io/fyne/v2/test"

	apetitspas "github.com/apetitspas/apetitspas/app"
)

// « Exporter les données… » saves her data as a PDF and as JSON, owner
// only, each save journaled (user.exported).
func TestAPersonsDataIsExportedAsPDFAndJSON(t *testing.T) {
	old := syscall.Umask(0o022)
	defer syscall.Umask(old)
	h := newHarness(t, withEnrolledDirector)
	p := h.openUsers()
	p.tabs.selectIndex(usersTabStaff)
	h.pick(p, "karim@lucioles.ca")
	test.Tap(p.exportBtn)
	x := p.exporting
	if x == nil {
		t.Fatal("no export dialog")
	}
	dir := t.TempDir()
	for _, c := range []struct{ format, name, head string }{
		{apetitspas.ReportPDF, "karim.pdf", "%PDF-"},
		{apetitspas.ExportJSON, "karim.json", "{"},
	} {
		path := filepath.Join(dir, c.name)
		w, err := storage.Writer(storage.NewFileURI(path))
		if err != nil {
			t.Fatal(err)
		}
		x.saveRequest(c.format).savedTo(h.ui, w, nil)
		h.ui.wait()
		fi, err := os.Stat(path)
		if err != nil {
			t.Fatal(err)
		}
		if fi.Mode().Perm() != 0o600 {
			t.Fatalf("%s: mode %o, want 600", c.name, fi.Mode().Perm())
		}
		b, _ := os.ReadFile(path)
		if !bytes.HasPrefix(b, []byte(c.head)) {
			t.Fatalf("%s starts with %q", c.name, b[:min(len(b), 10)])
		}
		if c.format == apetitspas.ExportJSON {
			var v map[string]any
			if err := json.Unmarshal(b, &v); err != nil || !bytes.Contains(b, []byte("karim@lucioles.ca")) {
				t.Fatalf("the JSON does not read back or lacks Karim: %v", err)
			}
		}
		if !strings.Contains(x.status.Text, c.name) {
			t.Fatalf("after saving: %q", x.status.Text)
		}
	}
	if n := h.events(apetitspas.EventUserExported); n != 2 {
		t.Fatalf("%d user.exported, want 2", n)
	}
	test.Tap(x.close)
	if p.exporting != nil {
		t.Fatal("the dialog is still kept after Fermer")
	}
}
