package app_test

import (
	"context"
	"os"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/apetitspas/apetitspas/app"
	"github.com/apetitspas/apetitspas/data/datatest"
)

// month is a month and a bit: what is "more than N months" in the tests.
const month = 31 * 24 * time.Hour

func (e *env) disable(admin *app.Session, email string) {
	e.t.Helper()
	if err := e.svc.SetDisabled(e.ctx, admin, email, true, ""); err != nil {
		e.t.Fatalf("disable %s: %v", email, err)
	}
}

func (e *env) retention(sess *app.Session) app.Retention {
	e.t.Helper()
	r, err := e.svc.Retention(e.ctx, sess)
	if err != nil {
		e.t.Fatal(err)
	}
	return r
}

func listed(r app.Retention) []string {
	var out []string
	for _, d := range r.Disabled {
		out = append(out, d.Email)
	}
	return out
}

func (e *env) verifies() {
	e.t.Helper()
	r, err := e.tr.Verify(e.ctx)
	if err != nil || r.JournalBroken() || len(r.Accounts)+len(r.Missing)+len(r.RolledBack) > 0 || r.Root != app.RootOK {
		e.t.Fatalf("verify: %+v %v", r, err)
	}
}

func TestRetentionSettingsAreCheckedAndJournaledWithTheirOldValue(t *testing.T) {
	e := newEnv(t)
	admin, _ := e.mfaAdmin("a@cpe.ca")
	r := e.retention(admin)
	if r.DisabledMonths != 24 || r.JournalYears != 5 || len(r.Disabled) != 0 {
		t.Fatalf("defaults = %+v", r)
	}
	before := len(e.journal(app.AuditFilter{Event: app.EventSettingChanged}))
	for _, bad := range [][2]int{{0, 5}, {121, 5}, {-1, 5}, {24, 0}, {24, 51}, {24, -1}} {
		err := e.svc.SetRetention(e.ctx, admin, bad[0], bad[1], "")
		if app.ErrorCode(err) != app.EINVALID {
			t.Fatalf("%v accepted: %v", bad, err)
		}
		if bad[0] == 24 {
			wantReason(t, err, app.ReasonRetentionYears)
		} else {
			wantReason(t, err, app.ReasonRetentionMonths)
		}
	}
	wantReason(t, errOf(e.svc.EraseDisabled(e.ctx, admin, nil, goodPassword, "")), app.ReasonNoneChosen)
	for _, good := range [][2]int{{1, 1}, {120, 50}} {
		if err := app.CheckRetention(good[0], good[1]); err != nil {
			t.Fatalf("%v refused: %v", good, err)
		}
	}
	if r := e.retention(admin); r.DisabledMonths != 24 || r.JournalYears != 5 {
		t.Fatalf("a refused value changed the settings: %+v", r)
	}
	if len(e.journal(app.AuditFilter{Event: app.EventSettingChanged})) != before {
		t.Fatal("a refused value was journaled")
	}
	if err := e.svc.SetRetention(e.ctx, admin, 12, 5, ""); err != nil {
		t.Fatal(err)
	}
	rows := e.journal(app.AuditFilter{Event: app.EventSettingChanged})
	if len(rows) != before+1 || rows[0].Field(app.FieldSetting) != app.SettingRetentionDisabledMonths ||
		rows[0].Field(app.FieldValue) != "12" || rows[0].Field(app.FieldOldValue) != "24" || rows[0].Actor != "a@cpe.ca" {
		t.Fatalf("setting.changed = %+v", rows)
	}
	if err := e.svc.SetRetention(e.ctx, admin, 12, 7, ""); err != nil {
		t.Fatal(err)
	}
	rows = e.journal(app.AuditFilter{Event: app.EventSettingChanged})
	if len(rows) != before+2 || rows[0].Field(app.FieldSetting) != app.SettingRetentionJournalYears ||
		rows[0].Field(app.FieldValue) != "7" || rows[0].Field(app.FieldOldValue) != "5" {
		t.Fatalf("setting.changed = %+v", rows)
	}
	// The same values again: nothing changed, nothing journaled.
	if err := e.svc.SetRetention(e.ctx, admin, 12, 7, ""); err != nil {
		t.Fatal(err)
	}
	if n := len(e.journal(app.AuditFilter{Event: app.EventSettingChanged})); n != before+2 {
		t.Fatalf("%d rows, want %d", n, before+2)
	}
	if r := e.retention(admin); r.DisabledMonths != 12 || r.JournalYears != 7 {
		t.Fatalf("settings = %+v", r)
	}
	// Administrators only.
	e.addUser(app.RoleEmployee, "emp@cpe.ca")
	emp := e.signedIn("emp@cpe.ca", "")
	wantReason(t, errOf(e.svc.Retention(e.ctx, emp)), app.ReasonNotAdmin)
	wantReason(t, e.svc.SetRetention(e.ctx, emp, 1, 1, ""), app.ReasonNotAdmin)
	wantReason(t, errOf(e.svc.EraseDisabled(e.ctx, emp, []string{"a@cpe.ca"}, goodPassword, "")), app.ReasonNotAdmin)
	if r := e.retention(admin); r.DisabledMonths != 12 || r.JournalYears != 7 {
		t.Fatalf("an employee changed the settings: %+v", r)
	}
}

// Changing a retention delay is a strong action: with the code stale,
// nothing changes without a good code (a wrong one counts toward the
// lock); the values already in force save without one; an administrator
// without her own AMF changes nothing.
func TestChangingARetentionDelayAsksForTheCode(t *testing.T) {
	e := newEnv(t)
	admin, secret := e.mfaAdmin("a@cpe.ca")
	e.clock.Advance(app.FreshCodeWindow + time.Second)
	before := len(e.journal(app.AuditFilter{Event: app.EventSettingChanged}))
	wantReason(t, e.svc.SetRetention(e.ctx, admin, 24, 1, ""), app.ReasonAdminCodeRequired)
	wantReason(t, e.svc.SetRetention(e.ctx, admin, 24, 1, "000000"), app.ReasonCodeWrong)
	if r := e.retention(admin); r.JournalYears != 5 {
		t.Fatalf("changed without the code: %+v", r)
	}
	if n := len(e.journal(app.AuditFilter{Event: app.EventMFACodeFailed, Person: "a@cpe.ca"})); n != 1 {
		t.Fatalf("the wrong code was not counted: %d mfa.code_failed", n)
	}
	if err := e.svc.SetRetention(e.ctx, admin, 24, 5, ""); err != nil {
		t.Fatalf("the values in force asked for a code: %v", err)
	}
	if n := len(e.journal(app.AuditFilter{Event: app.EventSettingChanged})); n != before {
		t.Fatalf("%d setting.changed, want %d", n, before)
	}
	e.clock.Advance(app.CodePeriod)
	if err := e.svc.SetRetention(e.ctx, admin, 24, 1, e.code(secret, 0)); err != nil {
		t.Fatal(err)
	}
	if r := e.retention(admin); r.JournalYears != 1 {
		t.Fatalf("after the code: %+v", r)
	}
	e.addUser(app.RoleAdmin, "b@cpe.ca")
	b := e.signedIn("b@cpe.ca", "")
	wantReason(t, e.svc.SetRetention(e.ctx, b, 12, 1, ""), app.ReasonAdminMFARequired)
	if r := e.retention(admin); r.DisabledMonths != 24 {
		t.Fatalf("an administrator without AMF changed it: %+v", r)
	}
}

// Two administrators saving at once: each change is journaled with the
// value it replaced, and the last one stays.
func TestRetentionSettingsSavedAtOnceAreEachJournaled(t *testing.T) {
	e := newEnv(t)
	a, _ := e.mfaAdmin("a@cpe.ca")
	b, _ := e.mfaAdmin("b@cpe.ca")
	var wg sync.WaitGroup
	errs := make([]error, 2)
	for i, s := range []*app.Session{a, b} {
		wg.Add(1)
		go func() {
			defer wg.Done()
			errs[i] = e.svc.SetRetention(e.ctx, s, 6+i, 5, "")
		}()
	}
	wg.Wait()
	for _, err := range errs {
		if err != nil {
			t.Fatal(err)
		}
	}
	rows := e.journal(app.AuditFilter{Event: app.EventSettingChanged})
	if len(rows) != 2 || rows[1].Field(app.FieldOldValue) != "24" || rows[0].Field(app.FieldOldValue) != rows[1].Field(app.FieldValue) ||
		e.retention(a).DisabledMonths != atoi(t, rows[0].Field(app.FieldValue)) {
		t.Fatalf("rows = %+v", rows)
	}
}

func atoi(t *testing.T, s string) int {
	t.Helper()
	n := 0
	for _, c := range s {
		if c < '0' || c > '9' {
			t.Fatalf("not a number: %q", s)
		}
		n = n*10 + int(c-'0')
	}
	return n
}

// The list: disabled for more than N months (from the newest user.disabled
// row about her), only what the permission table lets this administrator
// erase, the longest disabled first.
func TestRetentionListsTheAccountsDisabledLongerThanTheSetting(t *testing.T) {
	e := newEnv(t)
	admin, _ := e.mfaAdmin("a@cpe.ca")
	for _, p := range []string{"p1@cpe.ca", "p2@cpe.ca", "p3@cpe.ca", "p4@cpe.ca", "actif@cpe.ca"} {
		e.addUser(app.RoleParent, p)
	}
	e.addUser(app.RoleEmployee, "emp@cpe.ca")
	start := e.clock.Now()
	e.disable(admin, "p1@cpe.ca")
	e.disable(admin, "p4@cpe.ca")
	e.clock.Advance(time.Hour)
	e.disable(admin, "emp@cpe.ca")
	// p4 comes back, then leaves again 20 months later: that is her date.
	if err := e.svc.SetDisabled(e.ctx, admin, "p4@cpe.ca", false, ""); err != nil {
		t.Fatal(err)
	}
	e.clock.Advance(20 * month)
	p4since := e.clock.Now()
	e.disable(admin, "p4@cpe.ca")
	e.disable(admin, "p2@cpe.ca")
	e.clock.Advance(5 * month) // p1 and emp: 25 months; p2 and p4: 5
	admin, _ = e.mfaAdmin("b@cpe.ca")
	r := e.retention(admin)
	if got := strings.Join(listed(r), " "); got != "p1@cpe.ca emp@cpe.ca" {
		t.Fatalf("listed = %q", got)
	}
	p1 := r.Disabled[0]
	if !p1.Since.Equal(start) || p1.Name != "Personne p1@cpe.ca" || p1.Role != app.RoleParent || r.Disabled[1].Role != app.RoleEmployee {
		t.Fatalf("p1 = %+v", r.Disabled)
	}
	if err := e.svc.SetRetention(e.ctx, admin, 4, 5, ""); err != nil {
		t.Fatal(err)
	}
	r = e.retention(admin)
	if got := strings.Join(listed(r), " "); got != "p1@cpe.ca emp@cpe.ca p2@cpe.ca p4@cpe.ca" {
		t.Fatalf("listed at 4 months = %q", got)
	}
	if !r.Disabled[3].Since.Equal(p4since) {
		t.Fatalf("p4 since %v, want her newest deactivation %v", r.Disabled[3].Since, p4since)
	}
	// Enabled again: no longer listed.
	if err := e.svc.SetDisabled(e.ctx, admin, "p1@cpe.ca", false, ""); err != nil {
		t.Fatal(err)
	}
	if got := strings.Join(listed(e.retention(admin)), " "); strings.Contains(got, "p1@") {
		t.Fatalf("an enabled account is listed: %q", got)
	}
}

// An administrator who made you is not listed for you, and is refused
// if asked for anyway; the others in the same confirmation are erased,
// each journaled as user.erased; the journal still verifies.
func TestEraseDisabledErasesEachOneAndNamesTheRefused(t *testing.T) {
	e := newEnv(t)
	l := app.NewLocal(e.svc, true)
	ctx := e.as(alice)
	e.addUser(app.RoleAdmin, "t@cpe.ca")
	ts := e.enroll("t@cpe.ca")
	ht := e.apiSignedIn(l, ctx, "t@cpe.ca", ts)
	if _, err := l.CreateAccount(ctx, ht, app.NewUser{Role: app.RoleAdmin, Email: "a@cpe.ca", Name: "Alice Admin", Password: goodPassword}, ""); err != nil {
		t.Fatal(err)
	}
	as := e.enroll("a@cpe.ca")
	for _, p := range []string{"p1@cpe.ca", "p2@cpe.ca", "recent@cpe.ca"} {
		e.addUser(app.RoleParent, p)
	}
	ha := e.apiSignedIn(l, ctx, "a@cpe.ca", as)
	for _, email := range []string{"p1@cpe.ca", "p2@cpe.ca"} {
		if err := l.SetDisabled(ctx, ha, email, true, ""); err != nil {
			t.Fatal(err)
		}
	}
	e.clock.Advance(app.CodePeriod)
	if err := l.SetDisabled(ctx, ha, "t@cpe.ca", true, e.code(as, 0)); err != nil {
		t.Fatal(err)
	}
	e.clock.Advance(25 * month)
	if err := l.SetDisabled(ctx, e.apiSignedIn(l, ctx, "a@cpe.ca", as), "recent@cpe.ca", true, ""); err != nil {
		t.Fatal(err)
	}
	e.clock.Advance(app.FreshCodeWindow)
	ha = e.apiSignedIn(l, ctx, "a@cpe.ca", as)
	r, err := l.Retention(ctx, ha)
	if err != nil {
		t.Fatal(err)
	}
	if got := strings.Join(listed(r), " "); got != "p1@cpe.ca p2@cpe.ca" {
		t.Fatalf("listed = %q (not the one who made her, not the recent one)", got)
	}
	e.clock.Advance(app.FreshCodeWindow)
	asked := []string{"p1@cpe.ca", "t@cpe.ca", "recent@cpe.ca", "P2@cpe.ca", "personne@cpe.ca"}
	// A wrong password, a stale code: nothing at all.
	wantReason(t, errOf(l.EraseDisabled(ctx, ha, asked, "mauvais-mot-de-passe", e.code(as, 0))), app.ReasonWrongPassword)
	wantReason(t, errOf(l.EraseDisabled(ctx, ha, asked, goodPassword, "")), app.ReasonAdminCodeRequired)
	if n := len(e.journal(app.AuditFilter{Event: app.EventUserErased})); n != 0 {
		t.Fatalf("%d erased after refusals", n)
	}
	e.clock.Advance(app.CodePeriod)
	out, err := l.EraseDisabled(ctx, ha, asked, goodPassword, e.code(as, 0))
	if err != nil {
		t.Fatal(err)
	}
	want := map[string]string{"p1@cpe.ca": "", "t@cpe.ca": app.ReasonResetByOwnAdmin, "recent@cpe.ca": app.ReasonNotPastRetention,
		"p2@cpe.ca": "", "personne@cpe.ca": app.ReasonUserNotFound}
	if len(out) != len(want) {
		t.Fatalf("result = %+v", out)
	}
	for _, o := range out {
		w, ok := want[o.Email]
		if !ok || o.Reason != w || (w == "") != (o.Person != 0) {
			t.Fatalf("%s: %+v, want reason %q", o.Email, o, w)
		}
	}
	erased := e.journal(app.AuditFilter{Event: app.EventUserErased})
	if len(erased) != 2 || erased[0].Actor != "a@cpe.ca" {
		t.Fatalf("user.erased = %+v", erased)
	}
	for _, email := range []string{"t@cpe.ca", "recent@cpe.ca"} {
		if u := e.user(email); !u.Disabled {
			t.Fatalf("%s changed", email)
		}
	}
	b := e.fileBytes()
	for _, email := range []string{"p1@cpe.ca", "p2@cpe.ca"} {
		if strings.Contains(b, email) {
			t.Errorf("%s is still in the database", email)
		}
	}
	e.verifies()
	if r, err := l.Retention(ctx, ha); err != nil || len(r.Disabled) != 0 {
		t.Fatalf("after: %+v %v", r, err)
	}
}

// Two administrators confirming the same list at once: each person is
// erased once (one user.erased each); the other is told she is gone.
func TestEraseDisabledTwiceAtOnceErasesEachPersonOnce(t *testing.T) {
	e := newEnv(t)
	a, _ := e.mfaAdmin("a@cpe.ca")
	emails := []string{"p1@cpe.ca", "p2@cpe.ca", "p3@cpe.ca"}
	for _, p := range emails {
		e.addUser(app.RoleParent, p)
		e.disable(a, p)
	}
	e.clock.Advance(25 * month)
	a, _ = e.mfaAdmin("b@cpe.ca")
	b, _ := e.mfaAdmin("c@cpe.ca")
	var wg sync.WaitGroup
	outs := make([][]app.ErasedAccount, 2)
	errs := make([]error, 2)
	for i, s := range []*app.Session{a, b} {
		wg.Add(1)
		go func() {
			defer wg.Done()
			outs[i], errs[i] = e.svc.EraseDisabled(e.ctx, s, emails, goodPassword, "")
		}()
	}
	wg.Wait()
	erased := map[string]int{}
	for i := range outs {
		if errs[i] != nil {
			t.Fatal(errs[i])
		}
		for _, o := range outs[i] {
			switch {
			case o.Reason == "" && o.Person != 0:
				erased[o.Email]++
			case o.Reason != app.ReasonUserNotFound:
				t.Fatalf("%+v", o)
			}
		}
	}
	for _, p := range emails {
		if erased[p] != 1 {
			t.Fatalf("erased %v", erased)
		}
	}
	if n := len(e.journal(app.AuditFilter{Event: app.EventUserErased})); n != len(emails) {
		t.Fatalf("%d user.erased", n)
	}
	e.verifies()
}

// The date comes from the journal row, checked by its MAC: a user.disabled
// row moved back in time in the file does not put an account on the list.
func TestRetentionDoesNotTrustAForgedDisableDate(t *testing.T) {
	sqliteOnly(t)
	e := newEnv(t)
	admin, _ := e.mfaAdmin("a@cpe.ca")
	e.addUser(app.RoleParent, "p@cpe.ca")
	e.disable(admin, "p@cpe.ca")
	e.clock.Advance(month)
	admin, _ = e.mfaAdmin("b@cpe.ca")
	if n := len(e.retention(admin).Disabled); n != 0 {
		t.Fatalf("%d listed after a month", n)
	}
	db := e.sqlite()
	e.exec(db, "DROP TRIGGER audit_no_update")
	e.exec(db, "UPDATE audit SET time = time - ? WHERE event = 'user.disabled'", int64(30*month/time.Millisecond))
	db.Close()
	if n := len(e.retention(admin).Disabled); n != 0 {
		t.Fatalf("a forged date listed %d accounts", n)
	}
	if _, err := e.svc.EraseDisabled(e.ctx, admin, []string{"p@cpe.ca"}, goodPassword, ""); err != nil {
		t.Fatal(err)
	}
	if !e.user("p@cpe.ca").Disabled {
		t.Fatal("gone")
	}
}

// The journal's pass: a person without an account whom no row of the
// last N years names loses her e-mail (the rows stay and verify); a
// person with an account, or named recently, keeps hers. Once a day.
func TestPseudonymisationClearsOnlyOldPersonsWithoutAccount(t *testing.T) {
	e := newEnv(t)
	_, adminSecret := e.mfaAdmin("a@cpe.ca")
	e.addUser(app.RoleParent, "parent@cpe.ca")
	if n, err := e.tr.PseudonymiseJournal(e.ctx); err != nil || n != 0 {
		t.Fatalf("new daycare: %d %v", n, err)
	}
	// Persons the journal names without an account: e-mails typed for a
	// break-glass by someone who is not the computer's administrator.
	ghost := func(email string) {
		t.Helper()
		if _, err := e.tr.BreakGlassReset(e.ctx, app.OSUser{Name: "x"}, email, "oubli"); app.ErrorReason(err) != app.ReasonNotElevated {
			t.Fatal(err)
		}
	}
	e.clock.Advance(2 * 24 * time.Hour)
	ghost("ancien@cpe.ca")
	e.clock.Advance(3 * 365 * 24 * time.Hour)
	ghost("recent@cpe.ca")
	e.clock.Advance(2*366*24*time.Hour + 24*time.Hour) // ancien: 5 years (a leap day among them) and a day
	if !strings.Contains(e.fileBytes(), "ancien@cpe.ca") {
		t.Fatal("the test looks for nothing")
	}
	n, err := e.tr.PseudonymiseJournal(e.ctx)
	if err != nil || n != 1 {
		t.Fatalf("pass: %d %v", n, err)
	}
	rows := e.journal(app.AuditFilter{Event: app.EventJournalPseudonymised})
	if len(rows) != 1 || rows[0].Field(app.FieldCount) != "1" || rows[0].Field(app.FieldYears) != "5" ||
		rows[0].Actor != "" || rows[0].Target != "" || strings.Contains(rows[0].Detail, "@") ||
		rows[0].Field(app.FieldPersons) == "" || strings.Contains(rows[0].Field(app.FieldPersons), "@") {
		t.Fatalf("audit.pseudonymised = %+v", rows)
	}
	denied := e.journal(app.AuditFilter{Event: app.EventAuthzDenied})
	var old, recent bool
	for _, d := range denied {
		old = old || d.TargetErased != 0 && d.Target == ""
		recent = recent || d.Target == "recent@cpe.ca"
	}
	if !old || !recent {
		t.Fatalf("rows = %+v", denied)
	}
	if strings.Contains(e.fileBytes(), "ancien@cpe.ca") {
		t.Fatal("her e-mail is still in the file")
	}
	e.verifies()
	for _, email := range []string{"a@cpe.ca", "parent@cpe.ca"} {
		e.user(email) // accounts stay, whatever their age
	}
	if got := e.journal(app.AuditFilter{Person: "parent@cpe.ca"}); len(got) == 0 || got[0].Target != "parent@cpe.ca" {
		t.Fatalf("a person with an account lost her name: %+v", got)
	}
	// Once a day.
	e.clock.Advance(time.Hour)
	if err := e.svc.SetRetention(e.ctx, e.signedIn("a@cpe.ca", adminSecret), 24, 1, ""); err != nil {
		t.Fatal(err)
	}
	if n, err := e.tr.PseudonymiseJournal(e.ctx); err != nil || n != 0 {
		t.Fatalf("again within the day: %d %v", n, err)
	}
	e.clock.Advance(app.PseudonymiseEvery)
	if n, err := e.tr.PseudonymiseJournal(e.ctx); err != nil || n != 1 {
		t.Fatalf("the next day, at 1 year: %d %v", n, err)
	}
	if rows := e.journal(app.AuditFilter{Event: app.EventJournalPseudonymised}); len(rows) != 2 || rows[0].Field(app.FieldYears) != "1" {
		t.Fatalf("rows = %+v", rows)
	}
	e.verifies()
	e.clock.Advance(app.PseudonymiseEvery)
	if n, err := e.tr.PseudonymiseJournal(e.ctx); err != nil || n != 0 {
		t.Fatalf("nobody left: %d %v", n, err)
	}
	if rows := e.journal(app.AuditFilter{Event: app.EventJournalPseudonymised}); len(rows) != 2 {
		t.Fatalf("a pass with nobody was journaled: %+v", rows)
	}
}

// benchEnv is the whole number in the environment variable name, or def.
func benchEnv(name string, def int) int {
	if n, err := strconv.Atoi(os.Getenv(name)); err == nil && n > 0 {
		return n
	}
	return def
}

func (e *env) fillJournal(b *testing.B, rows int) {
	for done := 0; done < rows; done += 50000 {
		if err := e.svc.AppendForTest(e.ctx, min(50000, rows-done)); err != nil {
			b.Fatal(err)
		}
	}
}

// BenchmarkRetentionList is Sécurité → Conservation des renseignements
// opened on a daycare with APETITSPAS_RETENTION_ACCOUNTS (2,000) accounts
// disabled past the delay and APETITSPAS_RETENTION_ROWS (1,000,000)
// journal rows:
//
//	go test -run '^$' -bench RetentionList -benchtime 3x ./app/
func BenchmarkRetentionList(b *testing.B) {
	accounts := benchEnv("APETITSPAS_RETENTION_ACCOUNTS", 2000)
	rows := benchEnv("APETITSPAS_RETENTION_ROWS", 1000000)
	e := &env{t: b, kit: datatest.NewDaycare(b, datatest.Options{Argon2: datatest.QuickArgon2}), ctx: context.Background()}
	e.sync()
	admin, _ := e.mfaAdmin("a@cpe.ca")
	for i := 0; i < accounts; i++ {
		email := "p" + strconv.Itoa(i) + "@cpe.ca"
		e.addUser(app.RoleParent, email)
		e.disable(admin, email)
	}
	e.fillJournal(b, rows)
	e.clock.Advance(25 * month)
	admin, _ = e.mfaAdmin("b@cpe.ca")
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		if r := e.retention(admin); len(r.Disabled) != accounts {
			b.Fatalf("%d listed", len(r.Disabled))
		}
	}
	b.ReportMetric(float64(accounts), "accounts")
	b.ReportMetric(float64(rows), "rows")
}

// BenchmarkPseudonymiseJournal is the daily pass over
// APETITSPAS_RETENTION_ROWS (1,000,000) journal rows with a person
// without an account to look at (the whole journal is read):
//
//	go test -run '^$' -bench PseudonymiseJournal -benchtime 3x ./app/
func BenchmarkPseudonymiseJournal(b *testing.B) {
	rows := benchEnv("APETITSPAS_RETENTION_ROWS", 1000000)
	e := &env{t: b, kit: datatest.NewDaycare(b, datatest.Options{Argon2: datatest.QuickArgon2}), ctx: context.Background()}
	e.sync()
	e.addUser(app.RoleParent, "p@cpe.ca")
	e.fillJournal(b, rows)
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		b.StopTimer()
		e.clock.Advance(app.PseudonymiseEvery)
		_, _ = e.tr.BreakGlassReset(e.ctx, app.OSUser{Name: "x"}, "fantome"+strconv.Itoa(i)+"@cpe.ca", "oubli")
		b.StartTimer()
		if n, err := e.tr.PseudonymiseJournal(e.ctx); err != nil || n != 0 {
			b.Fatalf("%d %v", n, err)
		}
	}
	b.ReportMetric(float64(rows), "rows")
}
