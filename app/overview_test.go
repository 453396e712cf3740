package app_test

import (
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/apetitspas/apetitspas/app"
)

func TestTheOverviewSaysSinceWhenAMFIsOnAndWhatWaitsForAnAdministrator(t *testing.T) {
	e := newEnv(t)
	enrolledAt := e.clock.Now()
	admin, _ := e.mfaAdmin("a@cpe.ca")
	e.addUser(app.RoleEmployee, "k@cpe.ca")
	e.addUser(app.RoleEmployee, "off@cpe.ca")
	e.addUser(app.RoleParent, "p@cpe.ca")

	o, err := e.svc.Overview(e.ctx, admin)
	if err != nil {
		t.Fatal(err)
	}
	if d := o.MFASince.Sub(enrolledAt); o.MFA != app.MFAOn || o.MFASince.IsZero() || d < 0 || d > time.Minute {
		t.Fatalf("MFA %s since %v, want on since about %v", o.MFA, o.MFASince, enrolledAt)
	}
	if o.StaffPolicy || o.StaffToSetUp != 0 || o.BreakGlass != 0 {
		t.Fatalf("before the policy: %+v", o)
	}

	if err := e.svc.SetStaffPolicy(e.ctx, admin, true, 7, ""); err != nil {
		t.Fatal(err)
	}
	o, _ = e.svc.Overview(e.ctx, admin)
	if !o.StaffPolicy || o.StaffToSetUp != 2 {
		t.Fatalf("under the policy: %+v, want 2 staff to set up", o)
	}

	emp := e.signedInSkipping("k@cpe.ca")
	o, err = e.svc.Overview(e.ctx, emp)
	if err != nil {
		t.Fatal(err)
	}
	if o.MFA != app.MFAPending || o.MFADue.Sub(e.clock.Now()) <= 6*24*time.Hour || !o.MFASince.IsZero() {
		t.Fatalf("employee: %+v, want pending with a deadline 7 days away", o)
	}
	if o.StaffToSetUp != 0 || o.StaffPolicy {
		t.Fatal("only administrators see the staff figures")
	}

	p := e.signedIn("p@cpe.ca", "")
	if o, _ := e.svc.Overview(e.ctx, p); o.MFA != app.MFAOff || !o.MFADue.IsZero() {
		t.Fatalf("parent: %+v", o)
	}
	var none *app.Session
	if _, err := e.svc.Overview(e.ctx, none); err == nil {
		t.Fatal("an overview without a session")
	}
}

// signedInSkipping signs a pending staff account in through its grace period.
func (e *env) signedInSkipping(email string) *app.Session {
	e.t.Helper()
	sess, err := e.svc.Login(e.ctx, email, goodPassword)
	if err != nil {
		e.t.Fatal(err)
	}
	if err := e.svc.SkipEnrollment(e.ctx, sess); err != nil {
		e.t.Fatal(err)
	}
	return sess
}

// emails is the e-mails of us, in their order.
func emails(us []app.User) []string {
	out := make([]string, len(us))
	for i, u := range us {
		out[i] = u.Email
	}
	return out
}

// Accueil's « Voir les N personnes à configurer » lists exactly the people
// the overview counts: whoever the service says, the count and the list
// agree, after an impose, a set-up and a disabling alike.
func TestStaffToSetUpListsThePeopleTheOverviewCounts(t *testing.T) {
	e := newEnv(t)
	admin, _ := e.mfaAdmin("a@cpe.ca")
	e.addNamed(app.RoleEmployee, "k@cpe.ca", "Karine")
	e.addNamed(app.RoleEmployee, "z@cpe.ca", "Zoé")
	e.addNamed(app.RoleAdmin, "b@cpe.ca", "Béatrice")
	e.addUser(app.RoleParent, "p@cpe.ca")

	agree := func(when string, want ...string) {
		t.Helper()
		o, err := e.svc.Overview(e.ctx, admin)
		if err != nil {
			t.Fatal(err)
		}
		us, err := e.svc.StaffToSetUp(e.ctx, admin)
		if err != nil {
			t.Fatal(err)
		}
		if got := strings.Join(emails(us), " "); got != strings.Join(want, " ") || o.StaffToSetUp != len(us) {
			t.Fatalf("%s: list %q, count %d; want %q", when, got, o.StaffToSetUp, want)
		}
	}
	agree("before the policy") // nobody: the AMF is not imposed
	if err := e.svc.SetStaffPolicy(e.ctx, admin, true, 7, ""); err != nil {
		t.Fatal(err)
	}
	agree("after the impose", "b@cpe.ca", "k@cpe.ca", "z@cpe.ca") // by name: Béatrice, Karine, Zoé
	ks := e.enroll("k@cpe.ca")
	agree("after Karine set it up", "b@cpe.ca", "z@cpe.ca")
	if err := e.svc.SetDisabled(e.ctx, admin, "z@cpe.ca", true, ""); err != nil {
		t.Fatal(err)
	}
	agree("after Zoé was disabled", "b@cpe.ca")
	if err := e.svc.SetStaffPolicy(e.ctx, admin, false, 0, ""); err != nil {
		t.Fatal(err)
	}
	agree("after the policy was lifted")

	// Administrators only.
	emp := e.signedIn("k@cpe.ca", ks)
	_, err := e.svc.StaffToSetUp(e.ctx, emp)
	wantReason(t, err, app.ReasonNotAdmin)
	var none *app.Session
	if _, err := e.svc.StaffToSetUp(e.ctx, none); err == nil {
		t.Fatal("a list without a session")
	}
}

// The backup reminder is the service's: the overview says when the last
// backup was made and whether Accueil reminds of one (none, or one older
// than BackupReminder); the screen only shows it.
func TestTheOverviewSaysWhenABackupIsDue(t *testing.T) {
	e := newEnv(t)
	admin, secret := e.mfaAdmin("a@cpe.ca")
	o, err := e.svc.Overview(e.ctx, admin)
	if err != nil || !o.BackupDue || !o.LastBackup.IsZero() {
		t.Fatalf("no backup yet: due %v, last %v, %v", o.BackupDue, o.LastBackup, err)
	}
	e.clock.Advance(app.CodePeriod)
	out := filepath.Join(t.TempDir(), "b.apetitspas")
	if _, _, err := e.svc.WriteBackup(e.ctx, admin, app.BackupRequest{Out: out, Passphrase: passphrase, Code: e.code(secret, 0), AppVersion: "test"}); err != nil {
		t.Fatal(err)
	}
	made := e.clock.Now()
	o, _ = e.svc.Overview(e.ctx, admin)
	if o.BackupDue || !o.LastBackup.Equal(made) {
		t.Fatalf("just made: due %v, last %v (want %v)", o.BackupDue, o.LastBackup, made)
	}
	e.clock.Advance(app.BackupReminder - (e.clock.Now().Sub(made)))
	if o, _ = e.svc.Overview(e.ctx, admin); o.BackupDue {
		t.Fatal("due at exactly BackupReminder")
	}
	e.clock.Advance(time.Second)
	if o, _ = e.svc.Overview(e.ctx, admin); !o.BackupDue || !o.LastBackup.Equal(made) {
		t.Fatalf("past BackupReminder: due %v, last %v", o.BackupDue, o.LastBackup)
	}
	// Not for the staff: the reminder is an administrator's.
	e.addUser(app.RoleEmployee, "k@cpe.ca")
	if o, _ := e.svc.Overview(e.ctx, e.signedIn("k@cpe.ca", "")); o.BackupDue || !o.LastBackup.IsZero() {
		t.Fatalf("employee: %+v", o)
	}
}
