package screens

import (
	"bytes"
	"context"
	"errors"
	"strings"
	"testing"
	"time"

	"fyne.io/fyne/v2/test"

	apetitspas "github.com/apetitspas/apetitspas/app"
)

// openJournal opens Journal for the signed-in administrator.
func (h *harness) openJournal() *JournalPage {
	h.t.Helper()
	p, ok := h.openAdmin(PageJournal).(*JournalPage)
	if !ok {
		h.t.Fatal("Journal is not the journal page")
	}
	return p
}

func TestTheJournalListsTheEventsNewestFirst(t *testing.T) {
	h := newHarness(t, withDaycare)
	h.signIn("elodie@lucioles.ca", pw)
	h.clock.Advance(time.Hour)
	if err := h.svc.SetDisabled(context.Background(), h.ui.Session(), "anne@parents.ca", true, ""); err != nil {
		t.Fatal(err)
	}
	p := h.openJournal()
	all, _ := h.tr.Audit(context.Background(), apetitspas.AuditFilter{})
	if p.List.Length() != len(all) || len(all) < 6 {
		t.Fatalf("listed %d of %d events", p.List.Length(), len(all))
	}
	for i := 1; i < len(p.Events); i++ {
		if p.Events[i].Time.After(p.Events[i-1].Time) {
			t.Fatalf("event %d is newer than event %d", i, i-1)
		}
	}
	row := p.RowText(0)
	want := []string{h.clock.Now().Local().Format("2006-01-02 15:04"), "Compte désactivé (user.disabled)", "elodie@lucioles.ca", "anne@parents.ca", ""}
	if strings.Join(row, "|") != strings.Join(want, "|") {
		t.Fatalf("first row = %q, want %q", row, want)
	}
	if last := p.Events[len(p.Events)-1]; last.Event != apetitspas.EventSetupCompleted {
		t.Fatalf("the oldest event is %s", last.Event)
	}
	p.List.Select(0)
	if !p.Selected.Visible() || !strings.Contains(p.Selected.Text, "anne@parents.ca") {
		t.Fatal("tapping a row should show the whole event")
	}
	test.Tap(p.Export)
	if p.SaveDialog == nil {
		t.Fatal("Exporter en CSV should ask where to save the file")
	}
	p.SaveDialog.Hide()
}

func TestTheEventAndPersonFiltersNarrowTheList(t *testing.T) {
	h := newHarness(t, withDaycare)
	h.signIn("karim@lucioles.ca", pw)
	test.Tap(h.ui.Shell.Hamburger)
	test.Tap(h.ui.Shell.Logout)
	h.signIn("elodie@lucioles.ca", pw)
	p := h.openJournal()
	total := p.List.Length()

	idx := indexOf(journalEvents, apetitspas.EventLoginSucceeded) + 1
	p.Event.SetSelectedIndex(idx)
	if p.List.Length() != h.events(apetitspas.EventLoginSucceeded) || p.List.Length() >= total {
		t.Fatalf("login.succeeded: %d rows of %d", p.List.Length(), total)
	}
	for i := range p.Events {
		if p.Events[i].Event != apetitspas.EventLoginSucceeded {
			t.Fatalf("row %d is %s", i, p.Events[i].Event)
		}
	}
	h.typeInto(p.Person, " Karim@Lucioles.ca ")
	test.Tap(p.Apply)
	if p.List.Length() != 1 || p.Events[0].Actor != "karim@lucioles.ca" {
		t.Fatalf("karim's sign-ins: %v", p.Events)
	}
	test.Tap(p.Clear)
	if p.List.Length() != total || p.Person.Text != "" || p.Event.SelectedIndex() != 0 {
		t.Fatal("Effacer les filtres should list everything again")
	}
}

func TestAnInvalidDateIsExplainedAndTheFilterIsNotApplied(t *testing.T) {
	h := newHarness(t, withDaycare)
	h.signIn("elodie@lucioles.ca", pw)
	p := h.openJournal()
	n := p.List.Length()
	h.typeInto(p.From, "2026-13-01")
	test.Tap(p.Apply)
	if !p.Status.Message.Visible() || !strings.Contains(p.Status.Message.Text, "La date «\u00a02026-13-01\u00a0» n'est pas valide") ||
		!strings.Contains(p.Status.Message.Text, "AAAA-MM-JJ") {
		t.Fatalf("message = %q", p.Status.Message.Text)
	}
	if p.List.Length() != n || !p.filter.Since.IsZero() {
		t.Fatal("an invalid date should leave the list as it was")
	}
	// A valid range after the events empties the list; the day itself counts.
	today := h.clock.Now().Local().Format("2006-01-02")
	p.From.SetText("2030-01-01")
	test.Tap(p.Apply)
	if p.List.Length() != 0 || !p.Empty.Visible() || p.Status.Message.Visible() {
		t.Fatal("a date after every event should list none, and say so")
	}
	p.From.SetText(today)
	p.To.SetText(today)
	test.Tap(p.Apply)
	if p.List.Length() != n {
		t.Fatalf("today only: %d rows, want %d", p.List.Length(), n)
	}
	p.To.SetText("2026-01-01")
	test.Tap(p.Apply)
	if !strings.Contains(p.Status.Message.Text, "doit venir avant") || p.List.Length() != n {
		t.Fatalf("dates in the wrong order: %q", p.Status.Message.Text)
	}
}

func TestTheJournalStopsAt2000WithANote(t *testing.T) {
	h := newHarness(t, func(h *harness) {
		// Rows from before the MACs: the first write of the application
		// gives them theirs.
		err := h.store.Update(context.Background(), func(tx apetitspas.Tx) error {
			for i := 0; i < 2100; i++ {
				e := &apetitspas.AuditEvent{ID: int64(i + 1), Time: h.clock.Now(), Event: apetitspas.EventLoginFailed, Actor: "x@y.ca"}
				if err := tx.AppendAudit(e); err != nil {
					return err
				}
			}
			return nil
		})
		if err != nil {
			t.Fatal(err)
		}
		withDaycare(h)
	})
	h.signIn("elodie@lucioles.ca", pw)
	p := h.openJournal()
	if p.List.Length() != journalLimit || !p.More.Visible() {
		t.Fatalf("%d rows, note shown %v", p.List.Length(), p.More.Visible())
	}
	h.typeInto(p.Person, "elodie@lucioles.ca")
	test.Tap(p.Apply)
	if p.List.Length() >= 10 || p.More.Visible() {
		t.Fatalf("narrowed: %d rows, note shown %v", p.List.Length(), p.More.Visible())
	}
}

func TestTheCSVExportHasABOMAHeaderAndOneLinePerEvent(t *testing.T) {
	at := time.Date(2026, 11, 26, 14, 5, 0, 0, time.UTC)
	events := []apetitspas.AuditEvent{
		{Time: at, Event: apetitspas.EventMFAReset, Actor: "elodie@lucioles.ca", Target: "karim@lucioles.ca"},
		{Time: at.Add(-time.Hour), Event: apetitspas.EventSetupCompleted, Actor: "elodie@lucioles.ca", Detail: `daycare: CPE « Les Lucioles », "Québec"`},
		{Time: at.Add(-2 * time.Hour), Event: apetitspas.EventMFAResetBreakGlass, Actor: "break-glass", Target: "a@b.ca", Detail: "=HYPERLINK(\"http://x\")"},
	}
	var b bytes.Buffer
	if err := writeJournalCSV(&b, events); err != nil {
		t.Fatal(err)
	}
	out := b.String()
	if !strings.HasPrefix(out, "\uFEFFtime,event,actor,target,detail\r\n") {
		t.Fatalf("start = %q", out[:min(len(out), 60)])
	}
	lines := strings.Split(strings.TrimSuffix(strings.TrimPrefix(out, "\uFEFF"), "\r\n"), "\r\n")
	want := []string{
		"time,event,actor,target,detail",
		at.Local().Format(time.RFC3339) + ",mfa.reset,elodie@lucioles.ca,karim@lucioles.ca,",
		at.Add(-time.Hour).Local().Format(time.RFC3339) + `,setup.completed,elodie@lucioles.ca,,"daycare: CPE « Les Lucioles », ""Québec"""`,
		at.Add(-2*time.Hour).Local().Format(time.RFC3339) + `,mfa.reset_break_glass,break-glass,a@b.ca,"'=HYPERLINK(""http://x"")"`,
	}
	if len(lines) != len(want) {
		t.Fatalf("lines = %q", lines)
	}
	for i := range want {
		if lines[i] != want[i] {
			t.Errorf("line %d = %q, want %q", i, lines[i], want[i])
		}
	}
	if _, err := time.Parse(time.RFC3339, strings.Split(lines[1], ",")[0]); err != nil {
		t.Fatalf("time is not RFC 3339: %v", err)
	}
	if err := writeJournalCSV(failingWriter{}, events); err == nil {
		t.Fatal("a write error should be returned")
	}
}

type failingWriter struct{}

func (failingWriter) Write([]byte) (int, error) { return 0, errors.New("disk full") }

func TestEventsAreNamedInFrenchAndUnknownCodesShownAsTheyAre(t *testing.T) {
	if got := EventText(apetitspas.EventMFAReset); got != "AMF réinitialisée (mfa.reset)" {
		t.Fatalf("mfa.reset = %q", got)
	}
	if got := EventText("nouveau.code"); got != "nouveau.code" {
		t.Fatalf("unknown = %q", got)
	}
	labels := eventLabels()
	for _, code := range journalEvents {
		if labels[code] == "" {
			t.Errorf("%s has no label", code)
		}
	}
	if len(labels) != len(journalEvents) {
		t.Fatalf("%d labels for %d codes in the filter", len(labels), len(journalEvents))
	}
}
