package app_test

import (
	"os"
	"strings"
	"sync"
	"testing"

	"github.com/apetitspas/apetitspas/app"
	"github.com/apetitspas/apetitspas/data/datatest"
)

// anIncident is an entry with every required field.
func anIncident() app.Incident {
	return app.Incident{
		Information:   "Courriels et noms de 3 parents",
		Circumstances: "Le fichier de la base a été modifié en dehors de l'application sur le poste de l'accueil.",
		KnownOn:       "2026-11-26", People: 3, Risk: app.RiskNotSerious,
		RiskAssessment: "Aucune donnée sensible ; les comptes ont été vérifiés.",
		Measures:       "Mot de passe du poste changé, comptes vérifiés et rétablis.",
	}
}

// drafts are the register's drafts opened by event.
func drafts(t *testing.T, e *env, admin *app.Session, event string) []app.Incident {
	t.Helper()
	reg, err := e.svc.Incidents(e.ctx, admin)
	if err != nil {
		t.Fatal(err)
	}
	var out []app.Incident
	for _, x := range reg {
		if x.Status == app.IncidentDraft && x.SourceEvent == event {
			out = append(out, x)
		}
	}
	return out
}

// Issue 18: a draft opens by itself for each detection the product makes
// (one case each): the file changed (an account, the journal), the journal
// rolled back, a break-glass reset, the key replaced, a burst of failed
// sign-ins or codes on one account, a restore.
func TestEachDetectionOpensADraft(t *testing.T) {
	reactivation := map[string]string{} // the key replacement's codes
	for _, c := range []struct {
		event  string
		target string
		detect func(t *testing.T, e *env)
	}{
		{app.EventAccountTampered, "k@cpe.ca", func(t *testing.T, e *env) {
			e.exec(e.sqlite(), "UPDATE users SET role = 'admin' WHERE email = 'k@cpe.ca'")
			e.svc.Login(e.ctx, "k@cpe.ca", goodPassword)
		}},
		{app.EventAuditTampered, "", func(t *testing.T, e *env) {
			e.exec(e.sqlite(), "DROP TRIGGER audit_no_update")
			e.exec(e.sqlite(), "UPDATE audit SET detail = 'rien' WHERE id = 2")
			e.tr.Verify(e.ctx)
		}},
		{app.EventAuditRolledBack, "", func(t *testing.T, e *env) {
			e.kit.DB.Close()
			copyFile(t, e.path, e.path+".copie")
			e.kit.Open()
			e.sync()
			e.svc.Login(e.ctx, "k@cpe.ca", goodPassword)
			e.kit.DB.Close()
			os.Remove(e.path + "-wal")
			os.Remove(e.path + "-shm")
			copyFile(t, e.path+".copie", e.path)
			e.kit.Open()
			e.sync()
			e.tr.Verify(e.ctx)
		}},
		{app.EventMFAResetBreakGlass, "a@cpe.ca", func(t *testing.T, e *env) {
			rc, err := e.tr.BreakGlassReset(e.ctx, app.OSUser{Name: "technicien", Elevated: true}, "a@cpe.ca", "Téléphone perdu, urgence au bureau")
			if err != nil {
				t.Fatal(err)
			}
			reactivation["a@cpe.ca"] = rc.Code
		}},
		{app.EventKeyReplaced, "", func(t *testing.T, e *env) {
			os.RemoveAll(e.kit.KeyDir)
			e.reopen()
			rep, err := e.tr.ReplaceKey(e.ctx, root, replaceReason)
			if err != nil {
				t.Fatal(err)
			}
			for _, c := range rep.Codes {
				reactivation[c.Email] = c.Code
			}
		}},
		{app.EventLoginLocked, "k@cpe.ca", func(t *testing.T, e *env) {
			for i := 0; i < app.MaxFailedLogins; i++ {
				e.svc.Login(e.ctx, "k@cpe.ca", "mauvais-mot-de-passe")
			}
		}},
		{app.EventMFALocked, "m@cpe.ca", func(t *testing.T, e *env) {
			e.addUser(app.RoleEmployee, "m@cpe.ca")
			secret := e.enroll("m@cpe.ca")
			sess := e.passwordStep("m@cpe.ca")
			for i := 0; i < 10; i++ {
				e.svc.VerifyCode(e.ctx, sess, e.wrongCode(secret))
			}
		}},
		{app.EventBackupRestored, "", func(t *testing.T, e *env) {
			if err := e.tr.RecordRestore(e.ctx, "sauvegarde.apetitspas", app.BackupManifest{Created: "2026-11-20T10:00:00Z", CreatedBy: "a@cpe.ca"}); err != nil {
				t.Fatal(err)
			}
		}},
	} {
		t.Run(c.event, func(t *testing.T) {
			if c.event == app.EventAuditRolledBack && datatest.Postgres() {
				t.Skip("PostgreSQL: a copy of the file is SQLite's (the SQLite pass runs it)")
			}
			e := newEnv(t)
			var secret string
			if c.event == app.EventKeyReplaced {
				// An administrator with her codes restores the key instead.
				e.addUser(app.RoleAdmin, "a@cpe.ca")
			} else {
				_, secret = e.mfaAdmin("a@cpe.ca")
			}
			e.addUser(app.RoleEmployee, "k@cpe.ca")
			c.detect(t, e)
			if n := len(e.events(app.AuditFilter{Event: c.event})); n < 1 {
				t.Fatalf("the detection was not journaled (%s)", c.event)
			}
			e.clock.Advance(app.CodePeriod)
			admin := e.signedInForIncidents("a@cpe.ca", secret, reactivation["a@cpe.ca"])
			got := drafts(t, e, admin, c.event)
			if len(got) != 1 {
				t.Fatalf("%d drafts for %s, want 1", len(got), c.event)
			}
			d := got[0]
			if d.Source == 0 || d.Number != 0 || d.Detected.IsZero() || d.KnownOn == "" || d.Risk != app.RiskToAssess {
				t.Fatalf("draft = %+v", d)
			}
			if c.target != "" && d.SourceTarget != c.target {
				t.Fatalf("the draft concerns %q, want %q", d.SourceTarget, c.target)
			}
			// Completed, it is an entry; the draft is gone.
			in := anIncident()
			in.Source = d.Source
			x, err := e.svc.SaveIncident(e.ctx, admin, in)
			if err != nil {
				t.Fatal(err)
			}
			if x.Status != app.IncidentRecorded || x.Number == 0 || x.Source != d.Source || x.SourceEvent != c.event || x.By != "a@cpe.ca" {
				t.Fatalf("entry = %+v", x)
			}
			if len(drafts(t, e, admin, c.event)) != 0 {
				t.Fatal("the draft is still open once recorded")
			}
		})
	}
}

// signedInForIncidents signs an administrator in after a detection that
// may have reset her AMF (a new QR code, after the key replacement's
// reactivation code): the
// register needs only a completed sign-in.
func (e *env) signedInForIncidents(email, secret, reactivation string) *app.Session {
	e.t.Helper()
	sess, err := e.svc.Login(e.ctx, email, goodPassword)
	if err != nil {
		e.t.Fatal(err)
	}
	if sess.Step() == app.StepReactivate {
		if err := e.svc.UseReactivationCode(e.ctx, sess, reactivation); err != nil {
			e.t.Fatal(err)
		}
	}
	switch sess.Step() {
	case app.StepCode:
		if err := e.svc.VerifyCode(e.ctx, sess, e.code(secret, 0)); err != nil {
			e.t.Fatal(err)
		}
	case app.StepSignedIn:
	default:
		e.finishEnrollment(sess)
	}
	if sess.Step() != app.StepSignedIn {
		e.t.Fatalf("step %v after sign-in", sess.Step())
	}
	return sess
}

// An entry changed keeps its number and first date; its newest state is
// the register's, and every change is a journal row.
func TestAnIncidentChangedKeepsItsNumberAndEveryChangeIsJournaled(t *testing.T) {
	e := newEnv(t)
	admin, _ := e.mfaAdmin("a@cpe.ca")
	x, err := e.svc.SaveIncident(e.ctx, admin, anIncident())
	if err != nil {
		t.Fatal(err)
	}
	if x.Number == 0 || x.Source != 0 || x.Changes != 1 {
		t.Fatalf("new entry = %+v", x)
	}
	first := x.RecordedAt
	e.clock.Advance(24 * 60 * 60e9)
	x.CAINotified, x.PeopleNotified, x.Risk = "2026-11-27", "2026-11-27", app.RiskSerious
	y, err := e.svc.SaveIncident(e.ctx, admin, x)
	if err != nil {
		t.Fatal(err)
	}
	if y.Number != x.Number || !y.RecordedAt.Equal(first) || y.Changes != 2 || y.Risk != app.RiskSerious || y.CAINotified != "2026-11-27" {
		t.Fatalf("changed entry = %+v", y)
	}
	reg, _ := e.svc.Incidents(e.ctx, admin)
	if len(reg) != 1 || reg[0].Number != x.Number {
		t.Fatalf("register = %+v", reg)
	}
	if n := len(e.events(app.AuditFilter{Event: app.EventIncidentRecorded})); n != 2 {
		t.Fatalf("%d incident.recorded rows, want 2", n)
	}
	bad := y
	bad.Number = 999999
	wantReason(t, errOf(e.svc.SaveIncident(e.ctx, admin, bad)), app.ReasonIncidentUnknown)
}

// Bad input gets its reason and writes nothing.
func TestBadIncidentInputChangesNothing(t *testing.T) {
	e := newEnv(t)
	admin, _ := e.mfaAdmin("a@cpe.ca")
	for _, c := range []struct {
		name   string
		edit   func(*app.Incident)
		reason string
	}{
		{"no information", func(x *app.Incident) { x.Information = "  " }, app.ReasonIncidentRequired},
		{"no circumstances", func(x *app.Incident) { x.Circumstances = "" }, app.ReasonIncidentRequired},
		{"no date known", func(x *app.Incident) { x.KnownOn = "" }, app.ReasonIncidentRequired},
		{"a date that is none", func(x *app.Incident) { x.KnownOn = "2026-02-30" }, app.ReasonIncidentDate},
		{"a French date", func(x *app.Incident) { x.KnownOn = "26 nov. 2026" }, app.ReasonIncidentDate},
		{"a date to come", func(x *app.Incident) { x.CAINotified = "2027-01-15" }, app.ReasonIncidentDate},
		{"people below zero", func(x *app.Incident) { x.People = -1 }, app.ReasonIncidentPeople},
		{"an unknown risk", func(x *app.Incident) { x.Risk = "moyen" }, app.ReasonIncidentRisk},
		{"a control character", func(x *app.Incident) { x.Measures = "ok\x1b[2J" }, app.ReasonIncidentText},
		{"a bidirectional override", func(x *app.Incident) { x.Information = "courriel \u202eliam" }, app.ReasonIncidentText},
		{"too long", func(x *app.Incident) { x.Circumstances = strings.Repeat("é", app.MaxIncidentText+1) }, app.ReasonIncidentTooLong},
		{"a draft that is none", func(x *app.Incident) { x.Source = 1 }, app.ReasonIncidentUnknown},
	} {
		before := len(e.events(app.AuditFilter{}))
		in := anIncident()
		c.edit(&in)
		_, err := e.svc.SaveIncident(e.ctx, admin, in)
		wantReason(t, err, c.reason)
		if after := len(e.events(app.AuditFilter{})); after != before {
			t.Errorf("%s: %d journal rows written", c.name, after-before)
		}
	}
	wantReason(t, e.svc.DismissIncident(e.ctx, admin, 1, "non"), app.ReasonDismissReason)
	wantReason(t, e.svc.DismissIncident(e.ctx, admin, 1, "Ce n'était pas un incident"), app.ReasonIncidentUnknown)
}

// A draft dismissed needs a reason; it is then listed as dismissed, with
// its reason, after the entries; it cannot be dismissed or completed
// again.
func TestADraftIsDismissedWithAReason(t *testing.T) {
	e := newEnv(t)
	admin, _ := e.mfaAdmin("a@cpe.ca")
	e.addUser(app.RoleEmployee, "k@cpe.ca")
	for i := 0; i < app.MaxFailedLogins; i++ {
		e.svc.Login(e.ctx, "k@cpe.ca", "mauvais-mot-de-passe")
	}
	d := drafts(t, e, admin, app.EventLoginLocked)
	if len(d) != 1 {
		t.Fatalf("%d drafts", len(d))
	}
	reason := "Karim avait oublié son mot de passe : il l'a confirmé en personne."
	if err := e.svc.DismissIncident(e.ctx, admin, d[0].Source, reason); err != nil {
		t.Fatal(err)
	}
	reg, _ := e.svc.Incidents(e.ctx, admin)
	if len(reg) != 1 || reg[0].Status != app.IncidentDismissed || reg[0].Reason != reason || reg[0].By != "a@cpe.ca" {
		t.Fatalf("register = %+v", reg)
	}
	wantReason(t, e.svc.DismissIncident(e.ctx, admin, d[0].Source, reason), app.ReasonIncidentDone)
	in := anIncident()
	in.Source = d[0].Source
	wantReason(t, errOf(e.svc.SaveIncident(e.ctx, admin, in)), app.ReasonIncidentDone)
}

// Two administrators completing (or one dismissing) the same draft at
// once make exactly one outcome: the others are told it is done.
func TestADraftHasOneOutcomeUnderConcurrency(t *testing.T) {
	e := newEnv(t)
	_, secretA := e.mfaAdmin("a@cpe.ca")
	e.addUser(app.RoleAdmin, "b@cpe.ca")
	secretB := e.enroll("b@cpe.ca")
	e.addUser(app.RoleEmployee, "k@cpe.ca")
	for i := 0; i < app.MaxFailedLogins; i++ {
		e.svc.Login(e.ctx, "k@cpe.ca", "mauvais-mot-de-passe")
	}
	e.clock.Advance(app.CodePeriod)
	a := e.signedIn("a@cpe.ca", secretA)
	b := e.signedIn("b@cpe.ca", secretB)
	src := drafts(t, e, a, app.EventLoginLocked)[0].Source
	const n = 8
	errs := make([]error, n)
	var wg sync.WaitGroup
	for i := range n {
		wg.Add(1)
		go func() {
			defer wg.Done()
			sess := a
			if i%2 == 1 {
				sess = b
			}
			if i%4 == 3 {
				errs[i] = e.svc.DismissIncident(e.ctx, sess, src, "Oubli de mot de passe confirmé")
				return
			}
			in := anIncident()
			in.Source = src
			_, errs[i] = e.svc.SaveIncident(e.ctx, sess, in)
		}()
	}
	wg.Wait()
	ok := 0
	for _, err := range errs {
		switch {
		case err == nil:
			ok++
		case app.ErrorReason(err) != app.ReasonIncidentDone:
			t.Fatalf("unexpected refusal: %v", err)
		}
	}
	if ok != 1 {
		t.Fatalf("%d outcomes for one draft, want 1", ok)
	}
	rows := len(e.events(app.AuditFilter{Event: app.EventIncidentRecorded})) + len(e.events(app.AuditFilter{Event: app.EventIncidentDismissed}))
	if rows != 1 {
		t.Fatalf("%d register rows journaled, want 1", rows)
	}
}

// Only administrators read or write the register.
func TestOnlyAdministratorsKeepTheRegister(t *testing.T) {
	e := newEnv(t)
	e.mfaAdmin("a@cpe.ca")
	e.addUser(app.RoleEmployee, "k@cpe.ca")
	k, err := e.svc.Login(e.ctx, "k@cpe.ca", goodPassword)
	if err != nil {
		t.Fatal(err)
	}
	wantReason(t, errOf(e.svc.Incidents(e.ctx, k)), app.ReasonNotAdmin)
	wantReason(t, errOf(e.svc.SaveIncident(e.ctx, k, anIncident())), app.ReasonNotAdmin)
	wantReason(t, e.svc.DismissIncident(e.ctx, k, 1, "Ce n'était pas un incident"), app.ReasonNotAdmin)
}

// lockOut locks k@cpe.ca with wrong passwords, then lets the lock end.
func (e *env) lockOut(email string) {
	e.t.Helper()
	for i := 0; i < app.MaxFailedLogins; i++ {
		e.svc.Login(e.ctx, email, "mauvais-mot-de-passe")
	}
	e.clock.Advance(app.LockDuration + 60e9)
}

// One event seen again and again is one draft: the same kind about the
// same account within a day of the first, until the draft is handled; a
// detection after it was handled, or a day later, opens a new one.
func TestRepeatedDetectionsMakeOneDraft(t *testing.T) {
	e := newEnv(t)
	admin, _ := e.mfaAdmin("a@cpe.ca")
	e.addUser(app.RoleEmployee, "k@cpe.ca")
	e.addUser(app.RoleEmployee, "m@cpe.ca")
	e.lockOut("k@cpe.ca")
	e.lockOut("k@cpe.ca")
	e.lockOut("m@cpe.ca")
	d := drafts(t, e, admin, app.EventLoginLocked)
	if len(d) != 2 {
		t.Fatalf("%d drafts, want one per account: %+v", len(d), d)
	}
	for _, x := range d {
		want := map[string]int{"k@cpe.ca": 2, "m@cpe.ca": 1}[x.SourceTarget]
		if x.Detections != want {
			t.Fatalf("%s: %d detections, want %d", x.SourceTarget, x.Detections, want)
		}
	}
	k := d[0]
	if k.SourceTarget != "k@cpe.ca" {
		k = d[1]
	}
	if err := e.svc.DismissIncident(e.ctx, admin, k.Source, "Karim avait oublié son mot de passe"); err != nil {
		t.Fatal(err)
	}
	e.lockOut("k@cpe.ca") // after the dismissal, within the day
	if got := drafts(t, e, admin, app.EventLoginLocked); len(got) != 2 {
		t.Fatalf("a lock after the dismissal: %d drafts, want 2 (m and the new one of k)", len(got))
	}
	e.clock.Advance(app.IncidentGroupWindow)
	e.lockOut("m@cpe.ca") // a day later
	if got := drafts(t, e, admin, app.EventLoginLocked); len(got) != 3 {
		t.Fatalf("a lock a day later: %d drafts, want 3", len(got))
	}
}

// A person emptied in the file without an erasure (her e-mail and salt
// set to NULL with a SQLite tool, to hide who did something) no longer
// passes for an erased one: every journal row naming her is reported,
// and a draft incident opens. An erasure through the application still
// verifies.
func TestAPersonEmptiedOutsideTheApplicationIsCaught(t *testing.T) {
	if datatest.Postgres() {
		t.Skip("PostgreSQL: the app role cannot write the person table; the SQLite pass runs it")
	}
	e := newEnv(t)
	admin, secret := e.mfaAdmin("a@cpe.ca")
	e.addUser(app.RoleEmployee, "k@cpe.ca")
	e.addUser(app.RoleParent, "p@cpe.ca")
	e.svc.Login(e.ctx, "k@cpe.ca", "mauvais-mot-de-passe")
	e.svc.Login(e.ctx, "p@cpe.ca", goodPassword)
	if _, err := e.erase(admin, secret, "p@cpe.ca"); err != nil {
		t.Fatal(err)
	}
	if r, err := e.tr.Verify(e.ctx); err != nil || !r.OK() {
		t.Fatalf("after an erasure by the application: %+v, %v", r, err)
	}
	e.exec(e.sqlite(), "UPDATE person SET email = NULL, salt = NULL WHERE email = 'k@cpe.ca'")
	r, err := e.tr.Verify(e.ctx)
	if err != nil || r.OK() || len(r.JournalBreaks) == 0 {
		t.Fatalf("a person emptied outside the application passes: %+v, %v", r, err)
	}
	if len(drafts(t, e, admin, app.EventAuditTampered)) != 1 {
		t.Fatal("no draft incident for it")
	}
}

// An e-mail typed in an entry names the person by her reference: once
// she is erased, the register says « {p:N} » where her e-mail was (the
// screens write « Personne effacée (n° N) »), and the journal verifies.
func TestAnEntryForgetsAnErasedPersonsEmail(t *testing.T) {
	e := newEnv(t)
	admin, secret := e.mfaAdmin("a@cpe.ca")
	e.addUser(app.RoleParent, "p@cpe.ca")
	in := anIncident()
	in.Circumstances = "Le courriel p@cpe.ca a été envoyé à une autre famille."
	x, err := e.svc.SaveIncident(e.ctx, admin, in)
	if err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(x.Circumstances, "p@cpe.ca") {
		t.Fatalf("before the erasure: %q", x.Circumstances)
	}
	n, err := e.erase(admin, secret, "p@cpe.ca")
	if err != nil {
		t.Fatal(err)
	}
	reg, _ := e.svc.Incidents(e.ctx, admin)
	if len(reg) != 1 || strings.Contains(reg[0].Circumstances, "p@cpe.ca") || !strings.Contains(reg[0].Circumstances, app.PersonRef(n)) {
		t.Fatalf("after the erasure: %+v", reg)
	}
	if r, err := e.tr.Verify(e.ctx); err != nil || !r.OK() {
		t.Fatalf("verify: %+v, %v", r, err)
	}
}
