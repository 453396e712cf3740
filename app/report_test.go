package app_test

import (
	"fmt"
	"os"
	"strconv"
	"sync"
	"testing"
	"time"

	"github.com/apetitspas/apetitspas/app"
	"github.com/apetitspas/apetitspas/data/datatest"
)

func reportRow(t *testing.T, r app.MFAReport, email string) app.MFAReportRow {
	t.Helper()
	for _, row := range r.Rows {
		if row.Email == email {
			return row
		}
	}
	t.Fatalf("%s is not in the report", email)
	return app.MFAReportRow{}
}

func TestTheMFAReportIsForAdministratorsOnly(t *testing.T) {
	e := newEnv(t)
	e.addUser(app.RoleAdmin, "a@cpe.ca")
	e.addUser(app.RoleEmployee, "emp@cpe.ca")
	e.addUser(app.RoleParent, "parent@cpe.ca")
	for _, who := range []string{"emp@cpe.ca", "parent@cpe.ca"} {
		sess := e.signedIn(who, "")
		_, err := e.svc.MFAReport(e.ctx, sess)
		wantReason(t, err, app.ReasonNotAdmin)
		wantReason(t, e.svc.MFAReportSaved(e.ctx, sess, app.ReportPDF, 3), app.ReasonNotAdmin)
		if p := app.CanReadMFAReport(e.user(who)); p.Allowed || p.Reason != app.ReasonNotAdmin {
			t.Fatalf("permission table lets %s read the report: %+v", who, p)
		}
	}
	if n := count(e.events(app.AuditFilter{}), app.EventMFAReportExported); n != 0 {
		t.Fatalf("a refused save was journaled %d times", n)
	}
	if n := count(e.events(app.AuditFilter{}), app.EventAuthzDenied); n != 4 {
		t.Fatalf("%d refusals journaled, want 4", n)
	}
	if _, err := e.svc.MFAReport(e.ctx, nil); err == nil {
		t.Fatal("no session, a report")
	}
	admin := e.signedIn("a@cpe.ca", "")
	if p := app.CanReadMFAReport(e.user("a@cpe.ca")); !p.Allowed {
		t.Fatalf("an administrator may not read the report: %+v", p)
	}
	r, err := e.svc.MFAReport(e.ctx, admin)
	if err != nil {
		t.Fatal(err)
	}
	for _, row := range r.Rows {
		if row.Role == app.RoleParent {
			t.Fatalf("a parent in the report: %+v", row)
		}
	}
	if len(r.Rows) != 2 {
		t.Fatalf("%d rows, want the 2 staff", len(r.Rows))
	}
}

func TestTheMFAReportSaysEachStateSinceWhenAndTheLastSignIn(t *testing.T) {
	e := newEnv(t)
	start := e.clock.Now()
	admin, secret := e.mfaAdmin("a@cpe.ca")
	signedInAt := e.clock.Now()

	e.clock.Advance(time.Hour)
	e.addUser(app.RoleEmployee, "off@cpe.ca")
	e.addUser(app.RoleEmployee, "asked@cpe.ca")
	e.addUser(app.RoleEmployee, "reset@cpe.ca")
	e.addUser(app.RoleEmployee, "gone@cpe.ca")
	e.addUser(app.RoleParent, "parent@cpe.ca")
	createdAt := e.clock.Now()

	e.clock.Advance(time.Hour)
	askedAt := e.clock.Now()
	if err := e.svc.RequestMFAActivation(e.ctx, e.signedIn("asked@cpe.ca", "")); err != nil {
		t.Fatal(err)
	}
	e.clock.Advance(time.Hour)
	e.enroll("reset@cpe.ca")
	resetSecretAt := e.clock.Now()
	e.clock.Advance(time.Hour)
	resetAt := e.clock.Now()
	if _, err := e.svc.ResetMFA(e.ctx, admin, "reset@cpe.ca", e.code(secret, 0)); err != nil {
		t.Fatal(err)
	}
	e.clock.Advance(time.Hour)
	if err := e.svc.SetDisabled(e.ctx, admin, "gone@cpe.ca", true, e.code(secret, 0)); err != nil {
		t.Fatal(err)
	}
	e.clock.Advance(time.Hour)
	policyAt := e.clock.Now()
	if err := e.svc.SetStaffPolicy(e.ctx, admin, true, 14, e.code(secret, 0)); err != nil {
		t.Fatal(err)
	}
	e.clock.Advance(time.Hour)
	r, err := e.svc.MFAReport(e.ctx, admin)
	if err != nil {
		t.Fatal(err)
	}
	if !r.Made.Equal(e.clock.Now()) {
		t.Fatalf("daycare %q made %v", r.Daycare, r.Made)
	}
	due := policyAt.Add(14 * 24 * time.Hour)
	for _, c := range []struct {
		email    string
		state    app.ReportState
		since    time.Time
		due      time.Time
		last     time.Time
		disabled bool
	}{
		{"a@cpe.ca", app.ReportOn, start, time.Time{}, signedInAt, false},
		{"off@cpe.ca", app.ReportImposed, policyAt, due, time.Time{}, false},
		{"asked@cpe.ca", app.ReportRequested, askedAt, time.Time{}, askedAt, false},
		{"reset@cpe.ca", app.ReportReset, resetAt, time.Time{}, resetSecretAt, false},
		{"gone@cpe.ca", app.ReportImposed, policyAt, due, time.Time{}, true},
	} {
		row := reportRow(t, r, c.email)
		if row.State != c.state || !row.Since.Equal(c.since) || !row.Due.Equal(c.due) || row.Disabled != c.disabled {
			t.Errorf("%s: %s since %v due %v disabled %v; want %s since %v due %v disabled %v", c.email,
				row.State, row.Since, row.Due, row.Disabled, c.state, c.since, c.due, c.disabled)
		}
		if !c.last.IsZero() && !row.LastSignIn.Equal(c.last) && row.LastSignIn.Sub(c.last).Abs() > 2*app.CodePeriod {
			t.Errorf("%s: last sign-in %v, want about %v", c.email, row.LastSignIn, c.last)
		}
		if c.last.IsZero() && !row.LastSignIn.IsZero() {
			t.Errorf("%s: last sign-in %v, never signed in", c.email, row.LastSignIn)
		}
	}
	if len(r.Rows) != 5 {
		t.Fatalf("%d rows, want 5 staff", len(r.Rows))
	}
	_ = createdAt

	// The person signs in again: her last sign-in moves.
	e.clock.Advance(time.Hour)
	e.signedInSkipping("off@cpe.ca")
	again := e.clock.Now()
	r, _ = e.svc.MFAReport(e.ctx, admin)
	if row := reportRow(t, r, "off@cpe.ca"); !row.LastSignIn.Equal(again) {
		t.Fatalf("last sign-in %v, want %v", row.LastSignIn, again)
	}
	// The policy relaxed: nobody's MFA is turned off, off@ stays imposed.
	// A newly enrolled account is on since its enrollment.
	e.clock.Advance(time.Hour)
	enrolled := e.clock.Now()
	e.enroll("off@cpe.ca")
	r, _ = e.svc.MFAReport(e.ctx, admin)
	if row := reportRow(t, r, "off@cpe.ca"); row.State != app.ReportOn || row.Since.Sub(enrolled).Abs() > 2*app.CodePeriod {
		t.Fatalf("after enrollment: %+v", row)
	}
}

func TestSavingTheMFAReportIsJournaledWithItsFormatAndCountOnly(t *testing.T) {
	e := newEnv(t)
	e.addUser(app.RoleAdmin, "a@cpe.ca")
	admin := e.signedIn("a@cpe.ca", "")
	wantReason(t, e.svc.MFAReportSaved(e.ctx, admin, "docx", 1), app.ReasonReportFormat)
	var wg sync.WaitGroup
	// Three saves at once, each from its own sign-in (a Session of the
	// service is one caller's: Local serialises the calls of one handle).
	for i, f := range []string{app.ReportPDF, app.ReportCSV, app.ReportPDF} {
		sess := admin
		if i > 0 {
			sess = e.signedIn("a@cpe.ca", "")
		}
		wg.Add(1)
		go func() {
			defer wg.Done()
			if err := e.svc.MFAReportSaved(e.ctx, sess, f, 12); err != nil {
				t.Error(err)
			}
		}()
	}
	wg.Wait()
	evs := e.journal(app.AuditFilter{Event: app.EventMFAReportExported})
	if len(evs) != 3 {
		t.Fatalf("%d report.mfa_exported, want 3", len(evs))
	}
	formats := map[string]int{}
	for _, ev := range evs {
		f := map[string]string{}
		for _, kv := range ev.Fields {
			f[kv.Key] = kv.Value
		}
		formats[f[app.FieldFormat]]++
		if f[app.FieldCount] != "12" || ev.Actor != "a@cpe.ca" || ev.Target != "" || len(ev.Fields) != 2 {
			t.Fatalf("event %+v", ev)
		}
	}
	if formats["pdf"] != 2 || formats["csv"] != 1 {
		t.Fatalf("formats %v", formats)
	}
}

// BenchmarkMFAReport is the MFA report over 50,000 accounts (5,000 of
// them staff) and a journal of 1,000,000 rows, most of them sign-ins
// (APETITSPAS_REPORT_ROWS to change the journal's size).
//
//	go test -run '^$' -bench MFAReport -benchtime 3x ./app/
func BenchmarkMFAReport(b *testing.B) {
	rows := 1000000
	if n, err := strconv.Atoi(os.Getenv("APETITSPAS_REPORT_ROWS")); err == nil && n > 0 {
		rows = n
	}
	e := newEnv(b)
	e.addUser(app.RoleAdmin, "a@cpe.ca")
	admin := e.signedIn("a@cpe.ca", "")
	const accounts = 50000
	e.fillLargeDaycare(b, accounts, rows)
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		r, err := e.svc.MFAReport(e.ctx, admin)
		if err != nil || len(r.Rows) != accounts/10+1 {
			b.Fatalf("%d rows, %v", len(r.Rows), err)
		}
	}
	b.ReportMetric(float64(rows), "journal_rows")
}

// fillLargeDaycare adds accounts parents and employees (one in ten)
// named personne00000@cpe.ca… with a@cpe.ca's password, and rows
// login.succeeded journal rows spread over them.
func (e *env) fillLargeDaycare(b *testing.B, accounts, rows int) {
	b.Helper()
	hash := e.user("a@cpe.ca").PasswordHash
	// Sealed and journaled as the app makes them (an erasure refuses an
	// account changed outside the application), 5,000 a transaction (500
	// on PostgreSQL: one row is one round trip there, and a transaction
	// has a time limit).
	batch := 5000
	if datatest.Postgres() {
		batch = 500
	}
	for from := 0; from < accounts; from += batch {
		var ns []app.NewUser
		for i := from; i < min(from+batch, accounts); i++ {
			role := app.RoleParent
			if i%10 == 0 {
				role = app.RoleEmployee
			}
			ns = append(ns, app.NewUser{Role: role, Email: fmt.Sprintf("personne%05d@cpe.ca", i), Name: fmt.Sprintf("Personne %05d", i)})
		}
		if err := e.svc.CreateUsersForTestWithHash(e.ctx, ns, hash); err != nil {
			b.Fatal(err)
		}
	}
	for done := 0; done < rows; done += batch {
		n := min(batch, rows-done)
		err := e.svc.AppendEventsForTest(e.ctx, app.EventLoginSucceeded, n, func(i int) string {
			return fmt.Sprintf("personne%05d@cpe.ca", (done+i)*7919%accounts)
		})
		if err != nil {
			b.Fatal(err)
		}
	}
}
