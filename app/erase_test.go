package app_test

import (
	"fmt"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/apetitspas/apetitspas/app"
	"github.com/apetitspas/apetitspas/data/datatest"
)

const (
	leaverEmail = "famille.dupuis@cpe.ca"
	leaverName  = "Geneviève Dupuis-Tremblay"
)

// family makes the account of a family that will leave, with its AMF on
// and a few journal rows; it returns her TOTP secret and its sealed form.
func (e *env) family() (secret string, sealed []byte) {
	e.t.Helper()
	if _, err := e.svc.CreateUserForTest(e.ctx, app.NewUser{Role: app.RoleEmployee, Email: leaverEmail, Name: leaverName, Password: goodPassword}); err != nil {
		e.t.Fatal(err)
	}
	secret = e.enroll(leaverEmail)
	e.signedIn(leaverEmail, secret)
	e.svc.Login(e.ctx, leaverEmail, "mauvais-mot-de-passe")
	return secret, e.user(leaverEmail).MFASecret
}

func (e *env) erase(sess *app.Session, secret, email string) (int64, error) {
	e.clock.Advance(app.CodePeriod)
	return e.svc.EraseUser(e.ctx, sess, email, goodPassword, e.code(secret, 0))
}

// After an erasure her e-mail, name and TOTP secret are nowhere in the
// file, its -wal or a backup made after; the journal still verifies and
// names her by her number only.
func TestAnErasedPersonIsNowhereAndTheJournalStillVerifies(t *testing.T) {
	e := newEnv(t)
	admin, adminSecret := e.mfaAdmin("a@cpe.ca")
	secret, sealed := e.family()
	if len(sealed) == 0 {
		t.Fatal("no sealed secret")
	}
	if !strings.Contains(e.fileBytes(), leaverEmail) {
		t.Fatal("the test looks for nothing: her e-mail is not in the file before")
	}
	person, err := e.erase(admin, adminSecret, leaverEmail)
	if err != nil {
		t.Fatal(err)
	}
	if person == 0 {
		t.Fatal("no person number")
	}
	look := func(where, b string) {
		t.Helper()
		low := strings.ToLower(b)
		for _, s := range []string{leaverEmail, strings.ToLower(leaverName), "genevieve dupuis", secret, strings.ToLower(secret), string(sealed)} {
			if strings.Contains(low, strings.ToLower(s)) {
				t.Errorf("%s still holds %q", where, s)
			}
		}
	}
	look("the database (on PostgreSQL: every row)", e.fileBytes())
	if !datatest.Postgres() {
		backup := filepath.Join(t.TempDir(), "copie.db")
		if err := e.db.Snapshot(e.ctx, backup); err != nil {
			t.Fatal(err)
		}
		b, _ := os.ReadFile(backup)
		look("a backup made after", string(b))
	}
	r, err := e.tr.Verify(e.ctx)
	if err != nil || r.JournalBroken() || len(r.Accounts)+len(r.Missing)+len(r.RolledBack) > 0 || r.Root != app.RootOK {
		t.Fatalf("verify after the erasure: %+v %v", r, err)
	}
	erased := e.journal(app.AuditFilter{Event: app.EventUserErased})
	if len(erased) != 1 || erased[0].TargetErased != person || erased[0].Target != "" || erased[0].Actor != "a@cpe.ca" ||
		erased[0].Field(app.FieldPerson) == "" {
		t.Fatalf("user.erased: %+v", erased)
	}
	n := 0
	for _, ev := range e.journal(app.AuditFilter{}) {
		if ev.TargetErased == person || ev.ActorErased == person {
			n++
			if ev.Target != "" && ev.TargetErased == person {
				t.Errorf("row %d names her: %+v", ev.ID, ev)
			}
		}
	}
	if n < 4 {
		t.Fatalf("%d rows about the erased person, want her creation, enrollment, sign-ins and erasure", n)
	}
	if _, err := e.svc.Login(e.ctx, leaverEmail, goodPassword); err == nil {
		t.Fatal("she still signs in")
	}
	// Her e-mail can be used again: a new person, another number.
	e.addUser(app.RoleParent, leaverEmail)
	if r, err := e.tr.Verify(e.ctx); err != nil || r.JournalBroken() {
		t.Fatalf("verify after a new account: %+v %v", r, err)
	}
}

// A journal row about an erased person is still checked: rewriting it,
// or putting an e-mail back into a person's row, is caught.
func TestRowsAboutPersonsAreStillCheckedAfterAnErasure(t *testing.T) {
	if datatest.Postgres() {
		t.Skip("edits the SQLite file")
	}
	for _, edit := range []struct{ name, query string }{
		{"rewritten row", `UPDATE audit SET detail = 'x' WHERE event = 'user.erased'`},
		{"person's e-mail changed", `UPDATE person SET email = 'autre@cpe.ca' WHERE email = 'a@cpe.ca'`},
		{"erased person named again", `UPDATE person SET email = 'x@cpe.ca', salt = x'00' WHERE email IS NULL`},
		{"rows swapped", `UPDATE audit SET target = (SELECT ref FROM person WHERE email = 'a@cpe.ca') WHERE event = 'user.erased'`},
	} {
		t.Run(edit.name, func(t *testing.T) {
			e := newEnv(t)
			admin, adminSecret := e.mfaAdmin("a@cpe.ca")
			e.family()
			if _, err := e.erase(admin, adminSecret, leaverEmail); err != nil {
				t.Fatal(err)
			}
			db := e.sqlite()
			for _, q := range []string{"DROP TRIGGER audit_no_update", "DROP TRIGGER person_fixed", edit.query} {
				e.exec(db, q)
			}
			db.Close()
			r, err := e.tr.Verify(e.ctx)
			if err != nil || !r.JournalBroken() {
				t.Fatalf("not caught: %+v %v", r, err)
			}
		})
	}
}

func TestNobodyErasesHerselfAndTheStrongActionIsChecked(t *testing.T) {
	e := newEnv(t)
	admin, secret := e.mfaAdmin("a@cpe.ca")
	_, err := e.erase(admin, secret, "a@cpe.ca")
	wantReason(t, err, app.ReasonSelfErase)
	e.family()
	e.clock.Advance(app.FreshCodeWindow + app.CodePeriod)
	_, err = e.svc.EraseUser(e.ctx, admin, leaverEmail, goodPassword, "")
	wantReason(t, err, app.ReasonAdminCodeRequired)
	_, err = e.svc.EraseUser(e.ctx, admin, leaverEmail, "mauvais", e.code(secret, 0))
	wantReason(t, err, app.ReasonWrongPassword)
	if e.user(leaverEmail).Email != leaverEmail {
		t.Fatal("erased after a refusal")
	}
	// A parent is no administrator.
	e.addUser(app.RoleParent, "p@cpe.ca")
	p := e.signedIn("p@cpe.ca", "")
	_, err = e.svc.EraseUser(e.ctx, p, leaverEmail, goodPassword, "123456")
	if err == nil {
		t.Fatal("a parent erased someone")
	}
}

// Two administrators erasing each other at once: one wins, at least one
// enabled administrator remains.
func TestTwoAdministratorsErasingEachOtherLeaveOne(t *testing.T) {
	e := newEnv(t)
	a, as := e.mfaAdmin("a@cpe.ca")
	b, bs := e.mfaAdmin("b@cpe.ca")
	e.clock.Advance(app.CodePeriod)
	ca, cb := e.code(as, 0), e.code(bs, 0)
	var wg sync.WaitGroup
	errs := make([]error, 2)
	wg.Add(2)
	go func() { defer wg.Done(); _, errs[0] = e.svc.EraseUser(e.ctx, a, "b@cpe.ca", goodPassword, ca) }()
	go func() { defer wg.Done(); _, errs[1] = e.svc.EraseUser(e.ctx, b, "a@cpe.ca", goodPassword, cb) }()
	wg.Wait()
	if (errs[0] == nil) == (errs[1] == nil) {
		t.Fatalf("want one erasure, got %v and %v", errs[0], errs[1])
	}
	var admins int
	e.db.View(e.ctx, func(tx app.Tx) error {
		us, _ := tx.Users(app.UserFilter{Role: app.RoleAdmin})
		for _, u := range us {
			if !u.Disabled {
				admins++
			}
		}
		return nil
	})
	if admins != 1 {
		t.Fatalf("%d administrators left", admins)
	}
	if r, err := e.tr.Verify(e.ctx); err != nil || r.JournalBroken() {
		t.Fatalf("verify: %+v %v", r, err)
	}
}

// A journal written before persons were kept apart holds e-mails in its
// rows: the first erasure hands it over once (its chain verified, the
// hand-over journaled with the old head), then nothing of her is left.
func TestTheFirstErasureHandsTheOlderJournalOverOnce(t *testing.T) {
	e := newEnv(t)
	e.svc.FirstFormForTest(true)
	admin, adminSecret := e.mfaAdmin("a@cpe.ca")
	e.family()
	e.addUser(app.RoleParent, "p@cpe.ca")
	e.svc.FirstFormForTest(false)
	if e.auditRowsNaming(leaverEmail) == 0 {
		t.Fatal("no row of the first form names her")
	}
	if r, err := e.tr.Verify(e.ctx); err != nil || r.JournalBroken() {
		t.Fatalf("verify before: %+v %v", r, err)
	}
	// On PostgreSQL through migration 0012's audit_hand_over: the app's
	// role still has no UPDATE on the journal.
	_, err := e.erase(admin, adminSecret, leaverEmail)
	if err != nil {
		t.Fatal(err)
	}
	if strings.Contains(strings.ToLower(e.fileBytes()), leaverEmail) {
		t.Fatal("her e-mail is still in the file")
	}
	h := e.journal(app.AuditFilter{Event: app.EventJournalHandedOver})
	if len(h) != 1 || h[0].Field(app.FieldOldHead) == "" || h[0].Actor != "a@cpe.ca" {
		t.Fatalf("hand-over: %+v", h)
	}
	if r, err := e.tr.Verify(e.ctx); err != nil || r.JournalBroken() || len(r.Missing) > 0 {
		t.Fatalf("verify after: %+v %v", r, err)
	}
	// Rows of others read as before.
	if len(e.journal(app.AuditFilter{Event: app.EventUserCreated, Person: "p@cpe.ca"})) != 1 {
		t.Fatal("p@cpe.ca's creation is not found by her e-mail")
	}
	// Once: the next erasure hands nothing over.
	if _, err := e.erase(admin, adminSecret, "p@cpe.ca"); err != nil {
		t.Fatal(err)
	}
	if n := len(e.journal(app.AuditFilter{Event: app.EventJournalHandedOver})); n != 1 {
		t.Fatalf("%d hand-overs", n)
	}
}

// A broken chain is never handed over (that would bless the edit): the
// erasure is refused and nothing changes.
func TestABrokenOlderJournalIsNotHandedOver(t *testing.T) {
	if datatest.Postgres() {
		t.Skip("edits the SQLite file")
	}
	e := newEnv(t)
	e.svc.FirstFormForTest(true)
	admin, adminSecret := e.mfaAdmin("a@cpe.ca")
	e.family()
	e.svc.FirstFormForTest(false)
	db := e.sqlite()
	for _, q := range []string{"DROP TRIGGER audit_no_update", "UPDATE audit SET detail = 'x' WHERE id = 2"} {
		e.exec(db, q)
	}
	db.Close()
	_, err := e.erase(admin, adminSecret, leaverEmail)
	wantReason(t, err, app.ReasonJournalBroken)
	if e.user(leaverEmail).Email != leaverEmail || len(e.journal(app.AuditFilter{Event: app.EventJournalHandedOver})) != 0 {
		t.Fatal("changed after the refusal")
	}
}

// BenchmarkEraseOneOf50000 is the erasure of one person in a daycare of
// 50,000 accounts and a journal of 1,000,000 rows (APETITSPAS_ERASE_ROWS
// to change it), each erasure then audit verify's time (verify_s).
// APETITSPAS_ERASE_HANDOVER=1 writes the journal in the first form: the
// first erasure then hands all of it over.
//
//	go test -run '^$' -bench EraseOneOf50000 -benchtime 3x -timeout 60m ./app/
func BenchmarkEraseOneOf50000(b *testing.B) {
	rows := 1000000
	if n, err := strconv.Atoi(os.Getenv("APETITSPAS_ERASE_ROWS")); err == nil && n > 0 {
		rows = n
	}
	e := newEnv(b)
	handOver := os.Getenv("APETITSPAS_ERASE_HANDOVER") == "1"
	e.svc.FirstFormForTest(handOver)
	admin, secret := e.mfaAdmin("a@cpe.ca")
	hash := e.user("a@cpe.ca").PasswordHash
	const accounts = 50000
	for done := 0; done < accounts; done += 5000 {
		ns := make([]app.NewUser, 5000)
		for i := range ns {
			ns[i] = app.NewUser{Role: app.RoleParent, Email: fmt.Sprintf("personne%05d@cpe.ca", done+i), Name: fmt.Sprintf("Personne %05d", done+i)}
		}
		if err := e.svc.CreateUsersForTestWithHash(e.ctx, ns, hash); err != nil {
			b.Fatal(err)
		}
	}
	for done := 0; done < rows; done += 50000 {
		n := min(50000, rows-done)
		err := e.svc.AppendEventsForTest(e.ctx, app.EventLoginSucceeded, n, func(i int) string {
			return fmt.Sprintf("personne%05d@cpe.ca", (done+i)*7919%accounts)
		})
		if err != nil {
			b.Fatal(err)
		}
	}
	e.svc.FirstFormForTest(false)
	var verify time.Duration
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		b.StopTimer()
		e.clock.Advance(app.CodePeriod)
		code := e.code(secret, 0)
		b.StartTimer()
		if _, err := e.svc.EraseUser(e.ctx, admin, fmt.Sprintf("personne%05d@cpe.ca", i*13), goodPassword, code); err != nil {
			b.Fatal(err)
		}
		b.StopTimer()
		start := time.Now()
		r, err := e.tr.Verify(e.ctx)
		verify += time.Since(start)
		if err != nil || r.JournalBroken() || len(r.Accounts)+len(r.Missing) > 0 || r.JournalRows < rows {
			b.Fatalf("verify: %v %v %d", err, r.JournalBreaks, r.JournalRows)
		}
		b.StartTimer()
	}
	b.ReportMetric(verify.Seconds()/float64(b.N), "verify_s")
	b.ReportMetric(float64(rows), "journal_rows")
}
