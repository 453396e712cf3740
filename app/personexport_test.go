package app_test

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/apetitspas/apetitspas/app"
)

// exportAll runs an export and gathers its pages (checking each holds at
// most PersonExportPage rows).
func (e *env) exportAll(sess *app.Session, email string, formats ...string) (app.PersonData, []app.AuditEvent, error) {
	e.t.Helper()
	var rows []app.AuditEvent
	d, err := e.svc.ExportPerson(e.ctx, sess, email, formats, func(page []app.AuditEvent) error {
		if len(page) == 0 || len(page) > app.PersonExportPage {
			e.t.Fatalf("a page of %d rows", len(page))
		}
		rows = append(rows, page...)
		return nil
	})
	return d, rows, err
}

func TestOnlyAnAdministratorExportsAPersonsData(t *testing.T) {
	e := newEnv(t)
	e.addUser(app.RoleAdmin, "a@cpe.ca")
	e.addUser(app.RoleEmployee, "emp@cpe.ca")
	e.addUser(app.RoleParent, "parent@cpe.ca")
	for _, who := range []string{"emp@cpe.ca", "parent@cpe.ca"} {
		sess := e.signedIn(who, "")
		for _, whom := range []string{who, "a@cpe.ca", "parent@cpe.ca"} {
			called := false
			_, err := e.svc.ExportPerson(e.ctx, sess, whom, []string{app.ExportJSON}, func([]app.AuditEvent) error {
				called = true
				return nil
			})
			wantReason(t, err, app.ReasonNotAdmin)
			if called {
				t.Fatalf("%s got journal rows of %s", who, whom)
			}
		}
		if p := app.CanExportPerson(e.user(who)); p.Allowed || p.Reason != app.ReasonNotAdmin {
			t.Fatalf("the permission table lets %s export: %+v", who, p)
		}
	}
	if _, err := e.svc.ExportPerson(e.ctx, nil, "parent@cpe.ca", []string{app.ExportJSON}, nil); err == nil {
		t.Fatal("no session, an export")
	}
	if n := count(e.events(app.AuditFilter{}), app.EventUserExported); n != 0 {
		t.Fatalf("a refused export was journaled as an export %d times", n)
	}
	// Refusals are journaled like every refused administrative action.
	if n := count(e.events(app.AuditFilter{}), app.EventAuthzDenied); n != 6 {
		t.Fatalf("%d refusals journaled, want 6", n)
	}

	admin := e.signedIn("a@cpe.ca", "")
	for _, whom := range []string{"parent@cpe.ca", "a@cpe.ca", " EMP@cpe.ca "} {
		d, _, err := e.exportAll(admin, whom, app.ExportJSON)
		if err != nil {
			t.Fatalf("export of %s: %v", whom, err)
		}
		if d.Account.Email != strings.ToLower(strings.TrimSpace(whom)) || d.By != "a@cpe.ca" {
			t.Fatalf("export of %s: %+v", whom, d)
		}
	}
	if n := count(e.events(app.AuditFilter{}), app.EventUserExported); n != 3 {
		t.Fatalf("%d exports journaled, want 3", n)
	}
}

func TestAnExportRefusesUnknownFormatsAndPeopleAndJournalsNothing(t *testing.T) {
	e := newEnv(t)
	e.addUser(app.RoleAdmin, "a@cpe.ca")
	e.addUser(app.RoleParent, "parent@cpe.ca")
	admin := e.signedIn("a@cpe.ca", "")
	for _, fs := range [][]string{nil, {}, {"docx"}, {"csv"}, {"json", "json"}, {"json", "pdf", "pdf"}, {"JSON"}, {""}} {
		_, _, err := e.exportAll(admin, "parent@cpe.ca", fs...)
		wantReason(t, err, app.ReasonExportFormat)
	}
	_, _, err := e.exportAll(admin, "nobody@cpe.ca", app.ExportJSON)
	wantReason(t, err, app.ReasonUserNotFound)
	if n := count(e.events(app.AuditFilter{}), app.EventUserExported); n != 0 {
		t.Fatalf("%d exports journaled, want none", n)
	}
	d, _, err := e.exportAll(admin, "parent@cpe.ca", app.ReportPDF, app.ExportJSON)
	if err != nil {
		t.Fatal(err)
	}
	if !slices.Equal(d.Formats, []string{app.ExportJSON, app.ReportPDF}) {
		t.Fatalf("formats %v", d.Formats)
	}
}

func TestAnExportHoldsTheAccountItsMFAAndHerJournalRowsAndIsJournaled(t *testing.T) {
	e := newEnv(t)
	admin, _ := e.mfaAdmin("a@cpe.ca")
	e.clock.Advance(time.Hour)
	e.addUser(app.RoleEmployee, "emp@cpe.ca")
	e.addUser(app.RoleParent, "other@cpe.ca")
	createdAt := e.clock.Now()
	e.clock.Advance(time.Hour)
	secret := e.enroll("emp@cpe.ca")
	e.clock.Advance(time.Hour)
	e.signedIn("emp@cpe.ca", secret)
	signedInAt := e.clock.Now()
	e.signedIn("other@cpe.ca", "")
	e.clock.Advance(time.Hour)
	d, rows, err := e.exportAll(admin, "emp@cpe.ca", app.ExportJSON, app.ReportPDF)
	if err != nil {
		t.Fatal(err)
	}
	a := d.Account
	enrolled, err := e.tr.Audit(e.ctx, app.AuditFilter{Event: app.EventMFAEnrolled, Person: "emp@cpe.ca", Limit: 1})
	if err != nil || len(enrolled) != 1 {
		t.Fatal(enrolled, err)
	}
	enrolledAt := enrolled[0].Time
	if a.Email != "emp@cpe.ca" || a.Name != "Personne emp@cpe.ca" || a.Role != app.RoleEmployee || a.Disabled {
		t.Fatalf("account %+v", a)
	}
	if a.MFA != app.MFAOn || a.MFAState != app.ReportOn || !a.MFASince.Equal(enrolledAt) || a.MFASecretSince.IsZero() {
		t.Fatalf("MFA %q %q since %v (enrolled %v), secret since %v", a.MFA, a.MFAState, a.MFASince, enrolledAt, a.MFASecretSince)
	}
	if !a.CreatedAt.Equal(createdAt) || !a.LastSignIn.Equal(signedInAt) {
		t.Fatalf("created %v (want %v), last sign-in %v (want %v)", a.CreatedAt, createdAt, a.LastSignIn, signedInAt)
	}
	if d.By != "a@cpe.ca" || !d.Made.Equal(e.clock.Now()) {
		t.Fatalf("export %+v", d)
	}

	// Her rows, and hers only, newest first, the export's own first.
	want, err := e.tr.Audit(e.ctx, app.AuditFilter{Person: "emp@cpe.ca"})
	if err != nil {
		t.Fatal(err)
	}
	if len(rows) != len(want) || len(rows) < 5 {
		t.Fatalf("%d rows, the journal has %d about her", len(rows), len(want))
	}
	for i := range rows {
		if rows[i].ID != want[i].ID || rows[i].Event != want[i].Event || rows[i].MAC != nil {
			t.Fatalf("row %d: %+v, want %+v without its MAC", i, rows[i], want[i])
		}
		if rows[i].Actor != "emp@cpe.ca" && rows[i].Target != "emp@cpe.ca" {
			t.Fatalf("row %d is not hers: %+v", i, rows[i])
		}
	}
	first := rows[0]
	if first.Event != app.EventUserExported || first.Actor != "a@cpe.ca" || first.Target != "emp@cpe.ca" ||
		first.Field(app.FieldFormat) != "json,pdf" {
		t.Fatalf("the export is journaled as %+v", first)
	}
}

func TestAnExportHoldsNoSecret(t *testing.T) {
	e := newEnv(t)
	admin, adminSecret := e.mfaAdmin("a@cpe.ca")
	e.addUser(app.RoleAdmin, "b@cpe.ca")
	bSecret, codes := e.enrollWithCodes("b@cpe.ca")
	e.signedIn("b@cpe.ca", bSecret)
	e.clock.Advance(app.CodePeriod)
	e.addUser(app.RoleEmployee, "reset@cpe.ca")
	e.enroll("reset@cpe.ca")
	rc, err := e.svc.ResetMFA(e.ctx, admin, "reset@cpe.ca", e.code(adminSecret, 0))
	if err != nil {
		t.Fatal(err)
	}
	for _, whom := range []string{"b@cpe.ca", "reset@cpe.ca", "a@cpe.ca"} {
		d, rows, err := e.exportAll(admin, whom, app.ExportJSON)
		if err != nil {
			t.Fatal(err)
		}
		blob, err := json.Marshal(struct {
			D    app.PersonData
			Rows []app.AuditEvent
		}{d, rows})
		if err != nil {
			t.Fatal(err)
		}
		u := e.user(whom)
		secrets := map[string][]byte{"password hash": []byte(u.PasswordHash), "sealed secret": u.MFASecret,
			"recovery set": u.Recovery, "reactivation": u.Reactivation, "account MAC": u.MAC}
		if whom == "b@cpe.ca" {
			secrets["TOTP secret"] = []byte(bSecret)
			for i, c := range codes {
				secrets[fmt.Sprint("recovery code ", i)] = []byte(c)
			}
		}
		if whom == "reset@cpe.ca" {
			secrets["reactivation code"] = []byte(rc.Code)
			if !d.Account.ReactivationExpires.After(e.clock.Now()) {
				t.Fatalf("the reactivation's expiry is not exported: %+v", d.Account)
			}
		}
		if whom == "a@cpe.ca" {
			secrets["TOTP secret"] = []byte(adminSecret)
		}
		all, err := e.tr.Audit(e.ctx, app.AuditFilter{Person: whom})
		if err != nil {
			t.Fatal(err)
		}
		for _, r := range all {
			secrets[fmt.Sprint("MAC of row ", r.ID)] = r.MAC
		}
		for name, s := range secrets {
			if len(s) == 0 {
				continue
			}
			// In the clear, in hexadecimal and in base64, as JSON would write bytes.
			for _, form := range [][]byte{s, []byte(fmt.Sprintf("%x", s)), mustJSON(t, s)} {
				if len(form) >= 6 && bytes.Contains(blob, bytes.Trim(form, `"`)) {
					t.Errorf("the export of %s holds the %s", whom, name)
				}
			}
		}
		if whom == "b@cpe.ca" && d.Account.RecoveryCodesLeft != len(codes) {
			t.Errorf("recovery codes left %d, want %d", d.Account.RecoveryCodesLeft, len(codes))
		}
	}
}

func mustJSON(t *testing.T, v any) []byte {
	t.Helper()
	b, err := json.Marshal(v)
	if err != nil {
		t.Fatal(err)
	}
	return b
}

// Rows written at the same millisecond across a page's end are neither
// lost nor repeated, and another person's rows never come in.
func TestAnExportPagesAJournalWithoutLosingOrRepeatingRows(t *testing.T) {
	e := newEnv(t)
	e.addUser(app.RoleAdmin, "a@cpe.ca")
	e.addUser(app.RoleParent, "p@cpe.ca")
	e.addUser(app.RoleParent, "q@cpe.ca")
	admin := e.signedIn("a@cpe.ca", "")
	// 12,345 of hers at one fake-clock time (pages and reads from
	// storage end inside it), then batches at other times mixed with
	// someone else's.
	if err := e.svc.AppendEventsForTest(e.ctx, app.EventLoginFailed, 12345, func(int) string { return "p@cpe.ca" }); err != nil {
		t.Fatal(err)
	}
	for b := 0; b < 7; b++ {
		e.clock.Advance(time.Millisecond)
		if err := e.svc.AppendEventsForTest(e.ctx, app.EventLoginFailed, 173, func(i int) string {
			if i%3 == 0 {
				return "q@cpe.ca"
			}
			return "p@cpe.ca"
		}); err != nil {
			t.Fatal(err)
		}
	}
	_, rows, err := e.exportAll(admin, "p@cpe.ca", app.ExportJSON)
	if err != nil {
		t.Fatal(err)
	}
	want, err := e.tr.Audit(e.ctx, app.AuditFilter{Person: "p@cpe.ca"})
	if err != nil {
		t.Fatal(err)
	}
	if len(rows) != len(want) {
		t.Fatalf("%d rows exported, the journal has %d", len(rows), len(want))
	}
	seen := map[int64]bool{}
	for i := range rows {
		if seen[rows[i].ID] || rows[i].ID != want[i].ID {
			t.Fatalf("row %d: ID %d, want %d (or repeated)", i, rows[i].ID, want[i].ID)
		}
		seen[rows[i].ID] = true
	}

	// An error of the caller stops the export and comes back.
	stop := errors.New("disk full")
	pages := 0
	_, err = e.svc.ExportPerson(e.ctx, admin, "p@cpe.ca", []string{app.ExportJSON}, func([]app.AuditEvent) error {
		pages++
		return stop
	})
	if !errors.Is(err, stop) || pages != 1 {
		t.Fatalf("err %v after %d pages", err, pages)
	}
}

// A person with 10,000 journal rows among 20,000: every row comes, at
// most PersonExportPage at a time, in order, none twice. The figure for
// 100,000 among 200,000 is BenchmarkExportOfAHundredThousandRows.
func TestAnExportOfTenThousandRowsComesPageByPage(t *testing.T) {
	e, admin := personWithRows(t, 20)
	n, pages, biggest := 0, 0, 0
	var last int64
	_, err := e.svc.ExportPerson(e.ctx, admin, "p@cpe.ca", []string{app.ExportJSON}, func(page []app.AuditEvent) error {
		for _, ev := range page {
			if last != 0 && ev.ID == last {
				t.Fatalf("row %d twice", ev.ID)
			}
			last = ev.ID
		}
		n += len(page)
		pages++
		biggest = max(biggest, len(page))
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	if n < 10000 || biggest > app.PersonExportPage || pages < 10000/app.PersonExportPage {
		t.Fatalf("%d rows in %d pages (biggest %d)", n, pages, biggest)
	}
}

// personWithRows is a daycare where p@cpe.ca has batches×500 journal rows
// among batches×1000, and its administrator signed in.
func personWithRows(t testing.TB, batches int) (*env, *app.Session) {
	e := newEnv(t)
	e.addUser(app.RoleAdmin, "a@cpe.ca")
	e.addUser(app.RoleParent, "p@cpe.ca")
	admin := e.signedIn("a@cpe.ca", "")
	for b := 0; b < batches; b++ {
		e.clock.Advance(time.Second)
		if err := e.svc.AppendEventsForTest(e.ctx, app.EventLoginFailed, 1000, func(i int) string {
			if i%2 == 0 {
				return "p@cpe.ca"
			}
			return fmt.Sprintf("x%d@cpe.ca", i%50)
		}); err != nil {
			t.Fatal(err)
		}
	}
	return e, admin
}

// BenchmarkExportOfAHundredThousandRows: a person with 100,000 journal
// rows among 200,000, exported page by page (rows/s and pages reported).
//
//	go test -run '^$' -bench ExportOfAHundredThousandRows -benchtime 3x ./app/
func BenchmarkExportOfAHundredThousandRows(b *testing.B) {
	e, admin := personWithRows(b, 200)
	b.ResetTimer()
	n, pages := 0, 0
	for range b.N {
		_, err := e.svc.ExportPerson(e.ctx, admin, "p@cpe.ca", []string{app.ExportJSON}, func(page []app.AuditEvent) error {
			n += len(page)
			pages++
			return nil
		})
		if err != nil {
			b.Fatal(err)
		}
	}
	b.ReportMetric(float64(n)/b.Elapsed().Seconds(), "rows/s")
	b.ReportMetric(float64(pages)/float64(b.N), "pages")
}
