//go:build unix

package screens

import (
	"bytes"
	"os"
	"path/filepath"
	"strings"
	"syscall"
	"testing"

	"fyne.io/fyne/v2/storage"
	"fyne.io/fyne/v2/test"

	apetitspas "github.com/apetitspas/apetitspas/app"
)

// Only administrators see « Rapport AMF » on Accueil (the permission
// table's CanReadMFAReport).
func TestOnlyAdministratorsHaveTheMFAReportButton(t *testing.T) {
	h := newHarness(t, withEnrolledDirector)
	for _, who := range []string{"anne@parents.ca", "karim@lucioles.ca"} {
		h.signInAs(who)
		if h.ui.shell.home.report != nil {
			t.Fatalf("%s has the report button", who)
		}
		h.signOut()
	}
	h.signInAs("elodie@lucioles.ca")
	if h.ui.shell.home.report == nil {
		t.Fatal("the administrator has no report button")
	}
}

// The report shows the staff (not the parents) with their state, and
// saves a PDF and a CSV readable by their owner only, each journaled.
func TestTheMFAReportShowsTheStaffAndSavesPDFAndCSV(t *testing.T) {
	old := syscall.Umask(0o022)
	defer syscall.Umask(old)
	h := newHarness(t, withStaffPolicy)
	h.signInAs("elodie@lucioles.ca")
	test.Tap(h.ui.shell.home.report)
	h.ui.wait()
	r := h.ui.mfaReport
	if r == nil {
		t.Fatal("no report dialog")
	}
	if len(r.rows) != 2 {
		t.Fatalf("%d rows, want Élodie and Karim: %v", len(r.rows), r.rows)
	}
	all := ""
	for _, row := range r.rows {
		all += strings.Join(row, "|") + "\n"
	}
	for _, want := range []string{"Élodie D'Amour", "Activée", "Karim Benali", "Imposée, en attente"} {
		if !strings.Contains(all, want) {
			t.Errorf("report lacks %q:\n%s", want, all)
		}
	}
	if strings.Contains(all, "anne@parents.ca") {
		t.Fatal("a parent in the report")
	}
	if r.savePDF.Disabled() || r.saveCSV.Disabled() {
		t.Fatal("save buttons off once the report is read")
	}
	test.Tap(r.savePDF)
	if r.saveDialog == nil {
		t.Fatal("no save dialog")
	}
	dir := t.TempDir()
	for _, c := range []struct{ format, name, head string }{
		{apetitspas.ReportPDF, "rapport.pdf", "%PDF-"},
		{apetitspas.ReportCSV, "rapport.csv", "\uFEFFNom;"},
	} {
		path := filepath.Join(dir, c.name)
		w, err := storage.Writer(storage.NewFileURI(path))
		if err != nil {
			t.Fatal(err)
		}
		r.saveRequest(c.format).savedTo(h.ui, w, nil)
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
		if !strings.Contains(r.status.Text, c.name) {
			t.Fatalf("after saving: %q", r.status.Text)
		}
	}
	if n := h.events(apetitspas.EventMFAReportExported); n != 2 {
		t.Fatalf("%d report.mfa_exported, want 2", n)
	}
	test.Tap(r.close)
}

// The recovery codes saved as a PDF: one page, owner only.
func TestRecoveryCodesSaveAsAPrivatePDF(t *testing.T) {
	old := syscall.Umask(0o022)
	defer syscall.Umask(old)
	h := newHarness(t, withEnrolledDirector)
	codes := h.recoveryCodes("elodie@lucioles.ca")
	r := showRecoveryCodes(h.ui, codes, false, func() {})
	test.Tap(r.savePDFButton)
	if r.saveDialog == nil {
		t.Fatal("no save dialog")
	}
	path := filepath.Join(t.TempDir(), "codes.pdf")
	w, err := storage.Writer(storage.NewFileURI(path))
	if err != nil {
		t.Fatal(err)
	}
	r.saveRequest(".pdf", kindPDF, r.writePDF).savedTo(h.ui, w, nil)
	h.ui.wait()
	fi, err := os.Stat(path)
	if err != nil {
		t.Fatal(err)
	}
	if fi.Mode().Perm() != 0o600 {
		t.Fatalf("mode %o, want 600", fi.Mode().Perm())
	}
	b, _ := os.ReadFile(path)
	if !bytes.HasPrefix(b, []byte("%PDF-")) || !bytes.Contains(b, []byte("/Count 1")) {
		t.Fatalf("not a one-page PDF")
	}
	if !strings.Contains(r.message.Text, "codes.pdf") {
		t.Fatalf("after saving: %q", r.message.Text)
	}
}
