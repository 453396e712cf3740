package screens

import (
	"bytes"
	"os"
	"path/filepath"
	"runtime"
	"strings"
	"testing"
	"time"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/storage"
	"fyne.io/fyne/v2/test"

	apetitspas "github.com/apetitspas/apetitspas/app"
)

// Issue 18, « what I will check »: a draft appears in Sécurité → Registre
// des incidents after someone edits the database file; the director
// completes it through the form (a refusal first, which keeps what she
// typed), and the entry is in the register, its PDF and its CSV.
func TestADraftIncidentAppearsAfterTamperingAndIsCompleted(t *testing.T) {
	h := newHarness(t, withEnrolledDirector)
	h.editDatabase("UPDATE users SET role = 'admin' WHERE email = 'karim@lucioles.ca'")
	if _, err := h.svc.Login(t.Context(), "karim@lucioles.ca", pw); apetitspas.ErrorReason(err) != apetitspas.ReasonAccountTampered {
		t.Fatalf("the edit was not seen: %v", err)
	}
	p := h.openSecurity()
	h.ui.wait()
	c := p.incidents
	if !c.count.Visible() || !strings.Contains(c.count.Text, "1") {
		t.Fatalf("Sécurité does not say a draft waits: %q", c.count.Text)
	}
	test.Tap(c.open)
	h.ui.wait()
	r := c.dialog
	if r == nil || len(r.reg) != 1 || r.reg[0].Status != apetitspas.IncidentDraft {
		t.Fatalf("register = %+v", r)
	}
	title, line := incidentRowText(r.reg[0])
	if !strings.Contains(title, "Brouillon") || !strings.Contains(line, "karim@lucioles.ca") {
		t.Fatalf("row = %q / %q", title, line)
	}
	r.list.Select(0)
	f := r.form
	if f == nil || f.x.Status != apetitspas.IncidentDraft || f.knownOn.day() == "" {
		t.Fatalf("form = %+v", f)
	}
	if h.win.Canvas().Focused() != f.information {
		t.Fatal("the form does not start on its first field")
	}
	// The circumstances left empty: refused, nothing written, the rest kept.
	h.typeInto(f.information, "Rôle du compte de Karim")
	test.Tap(f.save)
	h.ui.wait()
	if !strings.Contains(f.status.message.Text, "circonstances") || f.information.Text != "Rôle du compte de Karim" {
		t.Fatalf("after a refusal: %q, %q", f.status.message.Text, f.information.Text)
	}
	if n := h.events(apetitspas.EventIncidentRecorded); n != 0 {
		t.Fatalf("%d entries written on a refusal", n)
	}
	h.typeInto(f.circumstances, "Quelqu'un a modifié le fichier de la base sur le poste de l'accueil.")
	f.people.SetText("1")
	f.risk.SetSelectedIndex(2)
	test.Tap(f.save)
	h.ui.wait()
	if r.form != nil {
		t.Fatalf("the form is still open: %q", f.status.message.Text)
	}
	if len(r.reg) != 1 || r.reg[0].Status != apetitspas.IncidentRecorded || r.reg[0].Risk != apetitspas.RiskNotSerious ||
		r.reg[0].SourceEvent != apetitspas.EventAccountTampered {
		t.Fatalf("register after = %+v", r.reg)
	}
	// The notice to the Commission, chosen on the calendar by keyboard
	// (Space opens it on today, Return chooses): never typed.
	r.list.Select(0)
	f = r.form
	if f == nil || f.caiNotified.day() != "" || f.knownOn.day() != r.reg[0].KnownOn {
		t.Fatalf("the entry's form: %+v", f)
	}
	cv := h.win.Canvas()
	cv.Focus(f.caiNotified.button)
	pressSpaceOn(cv)
	if f.caiNotified.popUp == nil {
		t.Fatal("Space on the date should open the calendar")
	}
	cv.Focused().TypedKey(&fyne.KeyEvent{Name: fyne.KeyReturn})
	test.Tap(f.save)
	h.ui.wait()
	if today := h.clock.Now().Local().Format(time.DateOnly); r.form != nil || r.reg[0].CAINotified != today {
		t.Fatalf("CAI notified = %q, want %q", r.reg[0].CAINotified, today)
	}
	dir := t.TempDir()
	for _, c := range []struct{ format, name, want string }{
		{apetitspas.ReportPDF, "registre.pdf", "%PDF-"},
		{apetitspas.ReportCSV, "registre.csv", "\uFEFFN°;"},
	} {
		path := filepath.Join(dir, c.name)
		w, err := storage.Writer(storage.NewFileURI(path))
		if err != nil {
			t.Fatal(err)
		}
		r.saveRequest(c.format).savedTo(h.ui, w, nil)
		h.ui.wait()
		b, err := os.ReadFile(path)
		if err != nil || !bytes.HasPrefix(b, []byte(c.want)) {
			t.Fatalf("%s: %q, %v", c.name, b[:min(len(b), 12)], err)
		}
		if c.format == apetitspas.ReportCSV && !bytes.Contains(b, []byte("Quelqu'un a modifié le fichier")) {
			t.Fatalf("the CSV lacks the entry:\n%s", b)
		}
		if fi, _ := os.Stat(path); runtime.GOOS != "windows" && fi.Mode().Perm() != 0o600 {
			t.Fatalf("%s: mode %o", c.name, fi.Mode().Perm())
		}
	}
	test.Tap(r.close)
	h.ui.wait()
	if c.count.Visible() {
		t.Fatalf("a draft still said to wait: %q", c.count.Text)
	}
}

// A draft that is no incident is dismissed with a reason, asked in its
// own dialog; a reason of one word is refused there.
func TestADraftIncidentIsDismissedWithAReason(t *testing.T) {
	h := newHarness(t, func(h *harness) {
		withEnrolledDirector(h)
		for i := 0; i < apetitspas.MaxFailedLogins; i++ {
			h.svc.Login(t.Context(), "anne@parents.ca", "mauvais mot de passe")
		}
	})
	p := h.openSecurity()
	h.ui.wait()
	test.Tap(p.incidents.open)
	h.ui.wait()
	r := p.incidents.dialog
	r.list.Select(0)
	f := r.form
	test.Tap(f.dismiss)
	if f.reasonDialog == nil || h.win.Canvas().Focused() != f.reason {
		t.Fatal("no reason asked, or not focused")
	}
	h.typeInto(f.reason, "non")
	test.Tap(f.reasonConfirm)
	h.ui.wait()
	if r.form == nil {
		t.Fatal("dismissed with a one-word reason")
	}
	f.reason.SetText("")
	h.typeInto(f.reason, "Anne avait oublié son mot de passe, confirmé au téléphone.")
	test.Tap(f.reasonConfirm)
	h.ui.wait()
	if r.form != nil || len(r.reg) != 1 || r.reg[0].Status != apetitspas.IncidentDismissed {
		t.Fatalf("register = %+v", r.reg)
	}
	if n := h.events(apetitspas.EventIncidentDismissed); n != 1 {
		t.Fatalf("%d incident.dismissed, want 1", n)
	}
}
