package screens

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
	"time"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/lang"
	"fyne.io/fyne/v2/test"
	"fyne.io/fyne/v2/theme"

	apetitspas "github.com/apetitspas/apetitspas/app"
	"github.com/apetitspas/apetitspas/assets"
)

// openJournal opens Journal for the signed-in administrator.
func (h *harness) openJournal() *journalPage {
	h.t.Helper()
	p, ok := h.openAdmin(pageJournal).(*journalPage)
	if !ok {
		h.t.Fatal("Journal is not the journal page")
	}
	return p
}

// inEnglish switches the screens to English until the test ends.
func inEnglish(t *testing.T) {
	t.Helper()
	if err := UseLanguage("en"); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _ = UseLanguage("fr") })
}

func TestTheJournalListsOneSentencePerEventNewestFirst(t *testing.T) {
	h := newHarness(t, withDaycare)
	h.signIn("elodie@lucioles.ca", pw)
	h.clock.Advance(5 * time.Minute) // within the idle lock: the sign-in lives
	if err := h.api.SetDisabled(context.Background(), h.ui.handle, "anne@parents.ca", true, ""); err != nil {
		t.Fatal(err)
	}
	p := h.openJournal()
	all, _ := h.tr.Audit(context.Background(), apetitspas.AuditFilter{})
	if p.list.Length() != len(all) || len(all) < 6 {
		t.Fatalf("listed %d of %d events", p.list.Length(), len(all))
	}
	for i := 1; i < len(p.events); i++ {
		if p.events[i].Time.After(p.events[i-1].Time) {
			t.Fatalf("event %d is newer than event %d", i, i-1)
		}
	}
	want := []string{journalTime(h.clock.Now()), "Élodie D'Amour a désactivé le compte d'Anne Parent"}
	if row := p.rowText(0); strings.Join(row, "|") != strings.Join(want, "|") {
		t.Fatalf("first row = %q, want %q", row, want)
	}
	for i := range p.events {
		for _, code := range []string{"(" + p.events[i].Event + ")", "login.", "user."} {
			if strings.Contains(p.rowText(i)[1], code) {
				t.Errorf("row %d shows a code: %q", i, p.rowText(i)[1])
			}
		}
	}
	if last := p.events[len(p.events)-1]; last.Event != apetitspas.EventSetupCompleted {
		t.Fatalf("the oldest event is %s", last.Event)
	}
	if p.detail.Visible() {
		t.Fatal("the detail pane shows before an event is chosen")
	}
	p.list.Select(0)
	text := p.detail.text()
	for _, want := range []string{"Élodie D'Amour a désactivé le compte d'Anne Parent", "Qui : Élodie D'Amour (elodie@lucioles.ca)",
		"À qui : Anne Parent (anne@parents.ca)", "Quand : " + journalTime(h.clock.Now()), "Code technique : user.disabled"} {
		if !p.detail.Visible() || !strings.Contains(text, want) {
			t.Errorf("the detail pane lacks %q:\n%s", want, text)
		}
	}
	test.Tap(p.detail.close)
	if p.detail.Visible() {
		t.Fatal("the detail pane stays after Fermer")
	}
	test.Tap(p.exportButton)
	if p.saveDialog == nil {
		t.Fatal("Exporter en CSV should ask where to save the file")
	}
	p.saveDialog.Hide()
}

func TestTheEventAndPersonFiltersNarrowTheList(t *testing.T) {
	h := newHarness(t, withDaycare)
	h.signIn("karim@lucioles.ca", pw)
	test.Tap(h.ui.shell.hamburger)
	test.Tap(h.ui.shell.logout)
	h.signIn("elodie@lucioles.ca", pw)
	p := h.openJournal()
	total := p.list.Length()

	idx := indexOf(journalEvents, apetitspas.EventLoginSucceeded) + 1
	p.event.SetSelectedIndex(idx)
	if p.list.Length() != h.events(apetitspas.EventLoginSucceeded) || p.list.Length() >= total {
		t.Fatalf("login.succeeded: %d rows of %d", p.list.Length(), total)
	}
	for i := range p.events {
		if p.events[i].Event != apetitspas.EventLoginSucceeded {
			t.Fatalf("row %d is %s", i, p.events[i].Event)
		}
	}
	// Part of a name, any case, no accents: the person filter finds Karim.
	for _, typed := range []string{"benali", " KARIM ", "Karim@Lucioles.ca", "karim@"} {
		p.person.SetText("")
		h.typeInto(p.person, typed)
		test.Tap(p.applyButton)
		if p.list.Length() != 1 || p.events[0].Actor != "karim@lucioles.ca" {
			t.Fatalf("%q: karim's sign-ins: %v", typed, p.events)
		}
	}
	// Return applies it too.
	p.person.SetText("")
	h.typeInto(p.person, "amour")
	p.person.TypedKey(&fyne.KeyEvent{Name: fyne.KeyReturn})
	if p.list.Length() == 0 || p.events[0].Actor != "elodie@lucioles.ca" {
		t.Fatalf("élodie by her name without accent: %v", p.events)
	}
	test.Tap(p.clearButton)
	if p.list.Length() != total || p.person.Text != "" || p.event.SelectedIndex() != 0 {
		t.Fatal("Effacer les filtres should list everything again")
	}
}

func TestTheDatesArePickedOnACalendarInFrench(t *testing.T) {
	h := newHarness(t, withDaycare)
	h.signIn("elodie@lucioles.ca", pw)
	p := h.openJournal()
	n := p.list.Length()
	if p.from.button.Text != "Choisir…" || p.from.remove.Visible() {
		t.Fatalf("an empty date reads %q", p.from.button.Text)
	}
	// Today only: the day itself counts, both ends included.
	today := h.clock.Now().Local()
	pick := func(f *dateField, d time.Time) {
		t.Helper()
		test.Tap(f.button)
		c := f.calendar
		if c == nil || f.popUp == nil || !f.popUp.Visible() {
			t.Fatal("the calendar did not open")
		}
		for c.month.Year() != d.Year() || c.month.Month() != d.Month() {
			if c.month.Before(d) {
				test.Tap(c.next)
			} else {
				test.Tap(c.previous)
			}
		}
		test.Tap(c.days[d.Day()-1])
		if f.popUp != nil {
			t.Fatal("choosing a day should close the calendar")
		}
	}
	test.Tap(p.from.button)
	if got := p.from.calendar.title.Text; got != "novembre 2026" {
		t.Fatalf("the calendar shows %q", got)
	}
	p.from.close()
	pick(p.from, today)
	pick(p.to, today)
	if p.from.button.Text != journalDate(today) || p.from.button.Text != "26\u00a0nov.\u00a02026" || !p.from.remove.Visible() {
		t.Fatalf("the date reads %q", p.from.button.Text)
	}
	if p.list.Length() != n || p.status.message.Visible() {
		t.Fatalf("today only: %d rows, want %d", p.list.Length(), n)
	}
	// A day after every event empties the list, and says so.
	p.to.setDate(time.Time{})
	pick(p.from, today.AddDate(0, 1, 4))
	if p.list.Length() != 0 || !p.empty.Visible() {
		t.Fatal("a date after every event should list none, and say so")
	}
	if p.from.button.Text != nbsp("30 déc. 2026") {
		t.Fatalf("date = %q", p.from.button.Text)
	}
	// From after To: explained, the list stays.
	pick(p.to, today.AddDate(0, 0, -3))
	if !strings.Contains(p.status.message.Text, "doit venir avant") || p.list.Length() != 0 {
		t.Fatalf("dates in the wrong order: %q", p.status.message.Text)
	}
	test.Tap(p.from.remove)
	test.Tap(p.to.remove)
	if p.list.Length() != n || !p.from.date.IsZero() || p.from.button.Text != "Choisir…" {
		t.Fatalf("after emptying the dates: %d rows", p.list.Length())
	}
	pick(p.from, time.Date(2026, 12, 1, 0, 0, 0, 0, time.Local))
	if p.from.button.Text != nbsp("1er déc. 2026") {
		t.Fatalf("date = %q", p.from.button.Text)
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
	if p.list.Length() != journalLimit || !p.more.Visible() {
		t.Fatalf("%d rows, note shown %v", p.list.Length(), p.more.Visible())
	}
	h.typeInto(p.person, "élodie")
	test.Tap(p.applyButton)
	if p.list.Length() >= 10 || p.more.Visible() {
		t.Fatalf("narrowed: %d rows, note shown %v", p.list.Length(), p.more.Visible())
	}
}

func TestTheCSVExportOpensInColumnsInFrenchExcel(t *testing.T) {
	at := time.Date(2026, 11, 26, 14, 5, 0, 0, time.UTC)
	events := []apetitspas.AuditEvent{
		{Time: at, Event: apetitspas.EventMFAReset, Actor: "elodie@lucioles.ca", ActorName: "Élodie D'Amour", Target: "karim@lucioles.ca"},
		{Time: at.Add(-time.Hour), Event: apetitspas.EventSetupCompleted, Actor: "elodie@lucioles.ca", Detail: `daycare: CPE « Les Lucioles »; "Québec"`,
			Fields: []apetitspas.AuditField{{Key: apetitspas.FieldDaycare, Value: `CPE « Les Lucioles »; "Québec"`}}},
		{Time: at.Add(-2 * time.Hour), Event: apetitspas.EventMFAResetBreakGlass, Actor: "break-glass", Target: "a@b.ca", Detail: "=HYPERLINK(\"http://x\")"},
	}
	var b bytes.Buffer
	if err := writeJournalCSV(&b, events, true); err != nil {
		t.Fatal(err)
	}
	out := b.String()
	header := "Date et heure;Code de l'événement;Qui;À qui;Détails;Description\r\n"
	if !strings.HasPrefix(out, "\uFEFF"+header) {
		t.Fatalf("start = %q", out[:min(len(out), 80)])
	}
	lines := strings.Split(strings.TrimSuffix(strings.TrimPrefix(out, "\uFEFF"), "\r\n"), "\r\n")
	want := []string{
		strings.TrimSuffix(header, "\r\n"),
		assets.SpreadsheetTime(at) + ";mfa.reset;elodie@lucioles.ca;karim@lucioles.ca;;Élodie D'Amour a réinitialisé l'AMF de karim@lucioles.ca",
		assets.SpreadsheetTime(at.Add(-time.Hour)) + `;setup.completed;elodie@lucioles.ca;;"` + fieldLabel(apetitspas.FieldDaycare) + "\u00a0: " + `CPE « Les Lucioles »; ""Québec""";` +
			`"Elodie@lucioles.ca a mis en place le service de garde «` + "\u00a0" + `CPE « Les Lucioles »; ""Québec""` + "\u00a0" + `» (première utilisation)"`,
		assets.SpreadsheetTime(at.Add(-2*time.Hour)) + `;mfa.reset_break_glass;break-glass;a@b.ca;"Détail` + "\u00a0: " + `=HYPERLINK(""http://x"")";Réinitialisation d'urgence de l'AMF de a@b.ca`,
	}
	if len(lines) != len(want) {
		t.Fatalf("lines = %q", lines)
	}
	for i := range want {
		if lines[i] != want[i] {
			t.Errorf("line %d = %q\nwant       %q", i, lines[i], want[i])
		}
	}
	// The time is one Excel reads as a date and time (fr-CA and en-CA):
	// "2026-11-26 14:05:00", local.
	if got, err := time.ParseInLocation("2006-01-02 15:04:05", strings.Split(lines[1], ";")[0], time.Local); err != nil || !got.Equal(at.Truncate(time.Second)) {
		t.Fatalf("time %v (%v), want %v", got, err, at)
	}
	if err := writeJournalCSV(failingWriter{}, events, true); err == nil {
		t.Fatal("a write error should be returned")
	}
	inEnglish(t)
	b.Reset()
	if err := writeJournalCSV(&b, events[:1], true); err != nil {
		t.Fatal(err)
	}
	if !strings.HasPrefix(b.String(), "\uFEFFTime;Event code;Actor;Target;Details;Description\r\n") ||
		!strings.Contains(b.String(), ";Élodie D'Amour reset the MFA of karim@lucioles.ca\r\n") {
		t.Fatalf("English CSV = %q", b.String())
	}
}

// TestTheJournalExportAsksForTechnicalDetails: the page's export leaves
// out the technical columns until « Inclure les détails techniques » is
// ticked (issue 18).
func TestTheJournalExportAsksForTechnicalDetails(t *testing.T) {
	h := newHarness(t, withDaycare)
	h.signIn("elodie@lucioles.ca", pw)
	h.clock.Advance(5 * time.Minute)
	p := h.openJournal()
	if p.technical.Checked {
		t.Fatal("technical details are ticked by default")
	}
	dir := t.TempDir()
	for _, tick := range []bool{false, true} {
		path := filepath.Join(dir, fmt.Sprintf("j%v.csv", tick))
		useFakeFiles(t, path)
		p.technical.SetChecked(tick)
		test.Tap(p.exportButton)
		h.ui.wait()
		data, err := os.ReadFile(path)
		if err != nil {
			t.Fatal(err)
		}
		hasCode := strings.Contains(string(data), "Code de l'événement")
		if hasCode != tick {
			t.Fatalf("ticked %v: the CSV's header is %q", tick, strings.SplitN(string(data), "\r\n", 2)[0])
		}
	}
}

// TestJournalCSVPrivateByDefault: without « Inclure les détails
// techniques » the CSV leaves out the event's code and details (issue 18).
func TestJournalCSVPrivateByDefault(t *testing.T) {
	at := time.Date(2026, 11, 26, 14, 5, 0, 0, time.Local)
	events := []apetitspas.AuditEvent{{Time: at, Event: apetitspas.EventMFAResetBreakGlass, Actor: "break-glass", Target: "a@b.ca", Detail: "secret detail"}}
	var b bytes.Buffer
	if err := writeJournalCSV(&b, events, false); err != nil {
		t.Fatal(err)
	}
	out := b.String()
	if !strings.HasPrefix(out, "\uFEFFDate et heure;Qui;À qui;Description\r\n") {
		t.Fatalf("header = %q", out)
	}
	if strings.Contains(out, "secret detail") || strings.Contains(out, "mfa.reset_break_glass") {
		t.Fatalf("technical details in a private CSV: %q", out)
	}
	if !strings.Contains(out, ";break-glass;a@b.ca;") {
		t.Fatalf("CSV = %q", out)
	}
	b.Reset()
	if err := writeJournalCSV(&b, events, true); err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(b.String(), "secret detail") {
		t.Fatalf("technical CSV without details: %q", b.String())
	}
}

type failingWriter struct{}

func (failingWriter) Write([]byte) (int, error) { return 0, errors.New("disk full") }

func TestTimesAreWrittenAsInQuebec(t *testing.T) {
	at := time.Date(2026, 11, 26, 20, 50, 0, 0, time.Local)
	for _, c := range []struct {
		t      time.Time
		fr, en string
	}{
		{at, "26 nov. 2026, 20 h 50", "Nov 26, 2026, 8:50 PM"}, // nbsp: spaces inside the date and the time
		{time.Date(2026, 12, 1, 9, 5, 0, 0, time.Local), "1er déc. 2026, 9 h 05", "Dec 1, 2026, 9:05 AM"},
		{time.Date(2027, 7, 14, 0, 0, 0, 0, time.Local), "14 juill. 2027, 0 h 00", "Jul 14, 2027, 12:00 AM"},
	} {
		if got := journalTime(c.t); got != nbsp(c.fr) {
			t.Errorf("fr: %q, want %q", got, c.fr)
		}
	}
	inEnglish(t)
	if got := journalTime(at); got != "Nov 26, 2026, 8:50\u00a0PM" {
		t.Errorf("en: %q", got)
	}
	if got := journalTime(time.Date(2026, 12, 1, 9, 5, 0, 0, time.Local)); got != "Dec 1, 2026, 9:05\u00a0AM" {
		t.Errorf("en: %q", got)
	}
}

// ev is an event with fields, as the services journal it.
func ev(event, actor, actorName, target, targetName string, kv ...string) apetitspas.AuditEvent {
	e := apetitspas.AuditEvent{Time: time.Date(2026, 11, 26, 20, 50, 0, 0, time.UTC), Event: event,
		Actor: actor, ActorName: actorName, Target: target, TargetName: targetName}
	for i := 0; i+1 < len(kv); i += 2 {
		e.Fields = append(e.Fields, apetitspas.AuditField{Key: kv[i], Value: kv[i+1]})
	}
	return e
}

func TestEachFamilyOfEventsReadsAsAFrenchSentence(t *testing.T) {
	test.NewTempApp(t)
	const julie, karim = "julie@cpe.ca", "karim@cpe.ca"
	due := time.Date(2026, 12, 3, 20, 50, 0, 0, time.Local).UTC().Format(time.RFC3339)
	for _, c := range []struct {
		family string
		e      apetitspas.AuditEvent
		want   string
	}{
		{"policy", ev(apetitspas.EventPolicyEnforced, julie, "Julie Tremblay", "", "", apetitspas.FieldGraceDays, "7", apetitspas.FieldMadePending, "3"),
			"Julie Tremblay a imposé l'AMF au personnel, délai de grâce 7 jours ; 3 comptes devront la configurer"},
		{"policy without grace", ev(apetitspas.EventPolicyEnforced, julie, "Julie Tremblay", "", "", apetitspas.FieldGraceDays, "0", apetitspas.FieldMadePending, "1"),
			"Julie Tremblay a imposé l'AMF au personnel, sans délai de grâce ; 1 compte devra la configurer"},
		{"policy relaxed", ev(apetitspas.EventPolicyRelaxed, julie, "Julie Tremblay", "", ""),
			"Julie Tremblay n'impose plus l'AMF au personnel (les comptes qui l'ont la gardent)"},
		{"sign-in", ev(apetitspas.EventLoginSucceeded, karim, "Karim Benali", karim, "Karim Benali", apetitspas.FieldVia, apetitspas.ViaPasswordCode),
			"Connexion de Karim Benali avec le mot de passe et un code AMF"},
		{"wrong password", ev(apetitspas.EventLoginFailed, "", "", karim, "Karim Benali", apetitspas.FieldAttempt, "1", apetitspas.FieldMax, "10"),
			"Mot de passe incorrect pour Karim Benali (1 sur 10 avant le verrouillage)"},
		{"unknown e-mail", ev(apetitspas.EventLoginFailed, "", "", "", "", apetitspas.FieldReason, apetitspas.ValueUnknownAccount, apetitspas.FieldFingerprint, "3c59a231fe2d"),
			"Connexion échouée : courriel inconnu"}, // the fingerprint: in the detail pane only
		{"refused", ev(apetitspas.EventLoginRefused, "anne@p.ca", "", "anne@p.ca", "", apetitspas.FieldReason, apetitspas.ReasonAccountDisabled),
			"Connexion refusée à anne@p.ca : le compte est désactivé"},
		{"locked", ev(apetitspas.EventLoginLocked, "", "", karim, "Karim Benali", apetitspas.FieldUntil, due),
			"Compte de Karim Benali verrouillé jusqu'au " + nbsp("3 déc. 2026, "+time.Date(2026, 12, 3, 20, 50, 0, 0, time.Local).Format("15")+" h 50") + " : trop de mots de passe incorrects"},
		{"account created, AMF due", ev(apetitspas.EventUserCreated, julie, "Julie Tremblay", karim, "Karim Benali",
			apetitspas.FieldRole, "employee", apetitspas.FieldMFA, "pending", apetitspas.FieldDue, due),
			"Julie Tremblay a créé le compte de Karim Benali (Employé ou employée) ; AMF à configurer avant le " + journalTime(time.Date(2026, 12, 3, 20, 50, 0, 0, time.Local))},
		{"imported, elided", ev(apetitspas.EventUserCreated, julie, "Julie Tremblay", "anne@p.ca", "Anne Roy", apetitspas.FieldRole, "parent", apetitspas.FieldMFA, "off", apetitspas.FieldVia, apetitspas.ViaImport),
			"Julie Tremblay a importé le compte d'Anne Roy (Parent)"},
		{"role", ev(apetitspas.EventRoleChanged, julie, "Julie Tremblay", karim, "Karim Benali", apetitspas.FieldFrom, "employee", apetitspas.FieldTo, "admin"),
			"Julie Tremblay a changé le rôle de Karim Benali : Employé ou employée → Administrateur ou administratrice"},
		{"setting", ev(apetitspas.EventSettingChanged, julie, "Julie Tremblay", "", "", apetitspas.FieldSetting, apetitspas.SettingIdleMinutes, apetitspas.FieldValue, "10"),
			"Julie Tremblay a réglé le verrouillage après 10 minutes d'inactivité"},
		{"AMF code", ev(apetitspas.EventMFACodeFailed, karim, "", karim, "", apetitspas.FieldAttempt, "3", apetitspas.FieldMax, "10"),
			"Code AMF incorrect pour karim@cpe.ca (3 sur 10 avant le verrouillage)"},
		{"AMF reset, self-named", ev(apetitspas.EventMFAReset, julie, "Julie Tremblay", "elodie@cpe.ca", "Élodie D'Amour"),
			"Julie Tremblay a réinitialisé l'AMF d'Élodie D'Amour"},
		{"break-glass", ev(apetitspas.EventMFAResetBreakGlass, apetitspas.BreakGlassActor, "", julie, "Julie Tremblay", apetitspas.FieldOSUser, "marie", apetitspas.FieldReason, "téléphone perdu"),
			"Réinitialisation d'urgence de l'AMF de Julie Tremblay par «\u00a0marie\u00a0», administrateur de l'ordinateur"},
		{"tampering", ev(apetitspas.EventAccountTampered, "", "", karim, "Karim Benali", apetitspas.FieldWhere, apetitspas.WhereCheck),
			"Le compte de Karim Benali a été modifié hors de l'application"},
		{"sealed", ev(apetitspas.EventSealed, "", "", "", "", apetitspas.FieldAccounts, "4", apetitspas.FieldRows, "12"),
			"Protection de la base mise en place (4 comptes, 12 événements du journal)"},
		{"an account deleted since", ev(apetitspas.EventUserDisabled, julie, "", "parti@cpe.ca", ""),
			"julie@cpe.ca a désactivé le compte de parti@cpe.ca"},
		{"sign-out", ev(apetitspas.EventLogout, karim, "Karim Benali", karim, "Karim Benali"), "Déconnexion de Karim Benali"},
	} {
		t.Run(c.family, func(t *testing.T) {
			if got := sentenceOf(c.e); got != upperFirst(c.want) {
				t.Errorf("got  %q\nwant %q", got, upperFirst(c.want))
			}
		})
	}
}

func TestRowsFromBeforeTheFieldsReadTheSame(t *testing.T) {
	test.NewTempApp(t)
	for _, c := range []struct {
		detail string
		e      apetitspas.AuditEvent
	}{
		{"grace_days=7, accounts_made_pending=3", ev(apetitspas.EventPolicyEnforced, "j@x.ca", "Julie", "", "", apetitspas.FieldGraceDays, "7", apetitspas.FieldMadePending, "3")},
		{"role=parent, mfa=off (import)", ev(apetitspas.EventUserCreated, "j@x.ca", "Julie", "a@x.ca", "", apetitspas.FieldRole, "parent", apetitspas.FieldMFA, "off", apetitspas.FieldVia, "import")},
		{"wrong password (1/10)", ev(apetitspas.EventLoginFailed, "", "", "a@x.ca", "", apetitspas.FieldAttempt, "1", apetitspas.FieldMax, "10")},
		{"wrong code (2/10)", ev(apetitspas.EventMFACodeFailed, "a@x.ca", "", "a@x.ca", "", apetitspas.FieldAttempt, "2", apetitspas.FieldMax, "10")},
		{"password + code", ev(apetitspas.EventLoginSucceeded, "a@x.ca", "", "a@x.ca", "", apetitspas.FieldVia, apetitspas.ViaPasswordCode)},
		{"unknown account #abc", ev(apetitspas.EventLoginFailed, "", "", "", "", apetitspas.FieldReason, apetitspas.ValueUnknownAccount, apetitspas.FieldFingerprint, "abc")},
		{"from=parent, to=employee, mfa=off", ev(apetitspas.EventRoleChanged, "j@x.ca", "", "a@x.ca", "", apetitspas.FieldFrom, "parent", apetitspas.FieldTo, "employee")},
		{"idle_minutes=10", ev(apetitspas.EventSettingChanged, "j@x.ca", "", "", "", apetitspas.FieldSetting, apetitspas.SettingIdleMinutes, apetitspas.FieldValue, "10")},
		{"account disabled", ev(apetitspas.EventLoginRefused, "a@x.ca", "", "a@x.ca", "", apetitspas.FieldReason, apetitspas.ReasonAccountDisabled)},
		{"os_user=marie; reason=perdu", ev(apetitspas.EventMFAResetBreakGlass, "break-glass", "", "a@x.ca", "", apetitspas.FieldOSUser, "marie", apetitspas.FieldReason, "perdu")},
	} {
		old := c.e
		old.Fields, old.Detail = nil, c.detail
		if got, want := sentenceOf(old), sentenceOf(c.e); got != want {
			t.Errorf("%q reads %q, want %q", c.detail, got, want)
		}
		if strings.Contains(detailText(old), "Détail : ") {
			t.Errorf("%q was not read into fields: %s", c.detail, detailText(old))
		}
	}
	// A detail this version cannot read is shown as it is.
	odd := ev(apetitspas.EventAuthzDenied, "j@x.ca", "", "", "")
	odd.Detail = "reset: something new"
	if !strings.Contains(detailText(odd), "Détail : reset: something new") {
		t.Errorf("an unknown detail: %s", detailText(odd))
	}
}

func detailText(e apetitspas.AuditEvent) string {
	var b strings.Builder
	for _, l := range detailFields(e) {
		b.WriteString(l.label + " : " + l.value + "\n")
	}
	return b.String()
}

func TestEveryEventCodeHasASentenceInFrenchAndEnglish(t *testing.T) {
	test.NewTempApp(t)
	full := func(code string) apetitspas.AuditEvent {
		return ev(code, "julie@cpe.ca", "Julie Tremblay", "karim@cpe.ca", "Karim Benali")
	}
	fr := map[string]string{}
	for _, code := range apetitspas.AuditEvents {
		s := sentenceOf(full(code))
		if s == "" || strings.Contains(s, code) || strings.Contains(s, "{{") || strings.Contains(s, "no value") {
			t.Errorf("%s has no French sentence: %q", code, s)
		}
		fr[code] = s
		if indexOf(journalEvents, code) < 0 {
			t.Errorf("%s is not in the journal's filter", code)
		}
	}
	if len(journalEvents) != len(apetitspas.AuditEvents) {
		t.Errorf("the filter has %d kinds, the app journals %d", len(journalEvents), len(apetitspas.AuditEvents))
	}
	inEnglish(t)
	for _, code := range apetitspas.AuditEvents {
		s := sentenceOf(full(code))
		if s == "" || s == fr[code] || strings.Contains(s, code) || strings.Contains(s, "{{") || strings.Contains(s, "no value") {
			t.Errorf("%s has no English sentence: %q (fr %q)", code, s, fr[code])
		}
	}
	if got := sentenceOf(ev(apetitspas.EventPolicyEnforced, "julie@cpe.ca", "Julie Tremblay", "", "", apetitspas.FieldGraceDays, "7", apetitspas.FieldMadePending, "3")); got != "Julie Tremblay required MFA for staff, grace period 7 days; 3 accounts will have to set it up" {
		t.Errorf("en policy: %q", got)
	}
}

func TestTheJournalNeverMakesTheWindowGrow(t *testing.T) {
	for _, language := range []string{"fr", "en"} {
		t.Run(language, func(t *testing.T) {
			if language == "en" {
				inEnglish(t)
			}
			h := newHarness(t, withBusyJournal)
			fyne.CurrentApp().Settings().SetTheme(theme.DefaultTheme())
			h.signInAs("elodie@lucioles.ca")
			p := h.openJournal()
			for _, s := range screenSizes {
				h.win.Resize(s)
				for i := -1; i < len(p.events); i += 3 {
					if i >= 0 {
						p.list.Select(i)
					}
					if m := h.win.Content().MinSize(); m.Width > 800 || m.Height > 600 {
						t.Fatalf("at %v with event %d chosen, the window needs %v", s, i, m)
					}
				}
				test.Tap(p.from.button)
				if m := h.win.Content().MinSize(); m.Width > 800 || m.Height > 600 {
					t.Fatalf("at %v with the calendar open, the window needs %v", s, m)
				}
				p.from.close()
			}
			// Nothing cut at 800 px: the time column holds the longest time.
			longest := fyne.MeasureText("30 sept. 2026, 23 h 59", theme.TextSize(), fyne.TextStyle{}).Width
			if journalTimeWidth() < longest+2*theme.InnerPadding() {
				t.Fatalf("the time column (%v) is narrower than a time (%v)", journalTimeWidth(), longest)
			}
		})
	}
}

func TestAtFullHDThePageKeepsAReadableWidth(t *testing.T) {
	h := newHarness(t, withBusyJournal)
	h.signInAs("elodie@lucioles.ca")
	p := h.openJournal()
	h.win.Resize(fyne.NewSize(1920, 1080))
	p.list.Select(0)
	inner := p.content.(*fyne.Container).Objects[0]
	if w := inner.Size().Width; w > journalMaxWidth || w < 1000 {
		t.Fatalf("the page is %v wide at 1920", w)
	}
	if !p.detail.Visible() || p.detail.Position().X < p.list.Size().Width {
		t.Fatal("at full HD the details sit right of the list")
	}
}

func TestTheCalendarWorksFromTheKeyboard(t *testing.T) {
	h := newHarness(t, withDaycare)
	h.signIn("elodie@lucioles.ca", pw)
	p := h.openJournal()
	n := p.list.Length()
	c := h.win.Canvas()
	press := func(k fyne.KeyName) {
		t.Helper()
		f := c.Focused()
		if f == nil {
			t.Fatalf("nothing focused to press %s", k)
		}
		f.TypedKey(&fyne.KeyEvent{Name: k})
	}
	c.Focus(p.from.button)
	pressSpaceOn(c) // as the window system sends it: key, rune, key up
	if p.from.popUp == nil {
		t.Fatal("Space on the date should open the calendar")
	}
	if d, ok := c.Focused().(*calendarDay); !ok || !sameDay(d.day, h.clock.Now().Local()) {
		t.Fatalf("focused: %T, want today's button", c.Focused())
	}
	press(fyne.KeyEscape)
	if p.from.popUp != nil || !p.from.date.IsZero() || c.Focused() != p.from.button {
		t.Fatal("Escape should close the calendar and choose nothing")
	}
	pressSpaceOn(c)
	press(fyne.KeyRight) // 27 nov.
	press(fyne.KeyDown)  // 4 déc., next month
	if got := p.from.calendar.title.Text; got != "décembre 2026" {
		t.Fatalf("the calendar shows %q", got)
	}
	press(fyne.KeyUp)
	press(fyne.KeyLeft) // 26 nov.
	press(fyne.KeyReturn)
	if p.from.popUp != nil || p.from.button.Text != "26\u00a0nov.\u00a02026" || c.Focused() != p.from.button {
		t.Fatalf("Return should choose the day: %q", p.from.button.Text)
	}
	// GLFW also types the Space as a rune: it lands on the button.
	if f := c.Focused(); f != nil {
		f.TypedRune(' ')
	}
	if p.person.Text != "" || p.list.Length() != n {
		t.Fatalf("person %q, %d rows of %d", p.person.Text, p.list.Length(), n)
	}
}

func TestTheSaveDialogSpeaksTheAppsLanguage(t *testing.T) {
	test.NewTempApp(t)
	t.Cleanup(func() { _ = UseLanguage("fr") })
	for _, c := range []struct{ language, save, cancel, name string }{
		{"fr", "Enregistrer", "Annuler", "Nom du fichier"},
		{"en", "Save", "Cancel", "Enter filename"},
	} {
		if err := UseLanguage(c.language); err != nil {
			t.Fatal(err)
		}
		// Fyne's file dialog asks for these words, whatever the system's language.
		if got := lang.L("Save"); got != c.save {
			t.Errorf("%s: Save = %q", c.language, got)
		}
		if got := lang.L("Cancel"); got != c.cancel {
			t.Errorf("%s: Cancel = %q", c.language, got)
		}
		if got := lang.L("Enter filename"); got != c.name {
			t.Errorf("%s: Enter filename = %q", c.language, got)
		}
	}
}

var eventConst = regexp.MustCompile(`(?m)^\s*(Event\w+)\s*=\s*"([a-z_.]+)"`)

// Every event code declared in package app is in app.AuditEvents, so that
// the test above gives each a sentence.
func TestEveryEventCodeOfTheAppIsListed(t *testing.T) {
	files, _ := filepath.Glob(filepath.Join("..", "app", "*.go"))
	listed := map[string]bool{}
	for _, code := range apetitspas.AuditEvents {
		listed[code] = true
	}
	n := 0
	for _, f := range files {
		if strings.HasSuffix(f, "_test.go") {
			continue
		}
		src, err := os.ReadFile(f)
		if err != nil {
			t.Fatal(err)
		}
		for _, m := range eventConst.FindAllStringSubmatch(string(src), -1) {
			n++
			if !listed[m[2]] {
				t.Errorf("%s (%s) is not in app.AuditEvents", m[1], m[2])
			}
		}
	}
	if n < 30 || n != len(apetitspas.AuditEvents) {
		t.Fatalf("found %d event codes, app.AuditEvents has %d", n, len(apetitspas.AuditEvents))
	}
}

func TestARefusalSaysWhatWasRefused(t *testing.T) {
	test.NewTempApp(t)
	e := ev(apetitspas.EventAuthzDenied, "karim@cpe.ca", "Karim Benali", "", "",
		apetitspas.FieldAction, "staff policy", apetitspas.FieldReason, apetitspas.ReasonNotAdmin)
	if got := sentenceOf(e); got != "Action refusée à Karim Benali : imposer ou non l'AMF au personnel" {
		t.Errorf("sentence %q", got)
	}
	if d := detailText(e); !strings.Contains(d, "Raison : "+reasonText(apetitspas.ReasonNotAdmin)) || reasonText(apetitspas.ReasonNotAdmin) == "" {
		t.Errorf("details:\n%s", d)
	}
}

// nbsp writes a date or time as the formatter does: non-breaking spaces
// inside the day and inside the time, a space after the comma.
func nbsp(s string) string {
	parts := strings.Split(s, ", ")
	for i := range parts {
		parts[i] = strings.ReplaceAll(parts[i], " ", "\u00a0")
	}
	return strings.Join(parts, ", ")
}
