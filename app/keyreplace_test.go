package app_test

import (
	"os"
	"strings"
	"testing"
	"time"

	"github.com/apetitspas/apetitspas/app"
)

const replaceReason = "le profil Windows a été supprimé et aucune sauvegarde ne contient la clé"

func TestReplacingALostKeyIsABreakGlassThatSendsEveryoneToANewQRCode(t *testing.T) {
	e := newEnv(t)
	e.addUser(app.RoleAdmin, "a@cpe.ca") // AMF off: no recovery codes
	e.addUser(app.RoleParent, "p@cpe.ca")
	e.addUser(app.RoleEmployee, "k@cpe.ca")
	e.enrollWithCodes("p@cpe.ca")
	e.enrollWithCodes("k@cpe.ca")
	root := app.OSUser{Name: "root", Elevated: true}
	_, err := e.tr.ReplaceKey(e.ctx, root, replaceReason)
	wantReason(t, err, app.ReasonKeyNotMissing)

	os.RemoveAll(e.kit.KeyDir)
	e.reopen()
	_, err = e.tr.ReplaceKey(e.ctx, app.OSUser{Name: "secretaire"}, replaceReason)
	wantReason(t, err, app.ReasonNotElevated)
	_, err = e.tr.ReplaceKey(e.ctx, root, ".....")
	wantReason(t, err, app.ReasonReasonRequired)
	rep, err := e.tr.ReplaceKey(e.ctx, root, replaceReason)
	if err != nil || rep.Pending != 2 || rep.NewKeyID == rep.OldKeyID || len(rep.Codes) != 2 {
		t.Fatalf("replace: %+v %v", rep, err)
	}
	if r, err := e.tr.Verify(e.ctx); err != nil || !r.OK() || r.BeforeKeyReplaced == 0 || r.JournalRows <= r.BeforeKeyReplaced {
		t.Fatalf("integrity after the hand-over: %+v %v", r, err)
	}
	codes := map[string]app.ReactivationCode{}
	for _, c := range rep.Codes {
		codes[c.Email] = c
	}
	for _, email := range []string{"p@cpe.ca", "k@cpe.ca"} {
		s, err := e.svc.Login(e.ctx, email, goodPassword)
		if err != nil || s.Step() != app.StepReactivate || s.User().MFAResetBy != app.MFAResetByKeyReplaced {
			t.Fatalf("%s after the replacement: %v, step %v", email, err, s.Step())
		}
		if err := e.svc.UseReactivationCode(e.ctx, s, codes[email].Code); err != nil {
			t.Fatalf("%s's reactivation code: %v", email, err)
		}
		e.finishEnrollment(s)
	}
	// The administrator signs in as before; a new account enrolls normally.
	e.signedIn("a@cpe.ca", "")
	e.addUser(app.RoleParent, "new@cpe.ca")
	secret, _ := e.enrollWithCodes("new@cpe.ca")
	s := e.passwordStep("new@cpe.ca")
	if err := e.svc.VerifyCode(e.ctx, s, e.code(secret, 0)); err != nil {
		t.Fatal(err)
	}
	if n := len(e.events(app.AuditFilter{Event: app.EventKeyReplaced})); n != 1 {
		t.Fatalf("mfa.key_replaced = %d", n)
	}
	// The hand-over is under the new key's MAC: moving it is seen.
	e.exec(e.sqlite(), "UPDATE settings SET value = '999999' WHERE key = 'audit_handover'")
	if r, _ := e.tr.Verify(e.ctx); r.OK() || !r.SettingsChanged {
		t.Fatalf("a moved hand-over: %+v", r)
	}
}

// While an administrator has recovery codes, she brings the key back
// instead: nobody loses their AMF.
func TestAKeyIsNotReplacedWhileAnAdministratorCanBringItBack(t *testing.T) {
	e := newEnv(t)
	e.addUser(app.RoleAdmin, "a@cpe.ca")
	e.enrollWithCodes("a@cpe.ca")
	os.RemoveAll(e.kit.KeyDir)
	e.reopen()
	_, err := e.tr.ReplaceKey(e.ctx, app.OSUser{Name: "root", Elevated: true}, replaceReason)
	wantReason(t, err, app.ReasonAdminCanRestoreKey)
}

// The replacement resets everyone's AMF at once; each account gets its
// reactivation code in the same transaction (7 days, shown once, the
// hash only stored, mfa.reactivation_code_created journaled by the
// break-glass): without it the password alone bound a new phone, and a
// code made before, under the old key, matched nothing ever again.
func TestAReplacedKeyGivesEveryResetAccountAReactivationCode(t *testing.T) {
	e := newEnv(t)
	e.addUser(app.RoleAdmin, "a@cpe.ca") // AMF off: nothing to reset
	e.addUser(app.RoleParent, "p@cpe.ca")
	e.addUser(app.RoleEmployee, "k@cpe.ca")
	e.enrollWithCodes("p@cpe.ca")
	e.enrollWithCodes("k@cpe.ca")
	os.RemoveAll(e.kit.KeyDir)
	e.reopen()
	rep, err := e.tr.ReplaceKey(e.ctx, app.OSUser{Name: "root", Elevated: true}, replaceReason)
	if err != nil || len(rep.Codes) != rep.Pending || rep.Pending != 2 {
		t.Fatalf("replace: %+v %v", rep, err)
	}
	want := e.clock.Now().UTC().Add(app.ReactivationTTL).Truncate(time.Millisecond)
	seen := map[string]bool{}
	for _, c := range rep.Codes {
		if !c.Expires.Equal(want) || len(c.Code) != app.ReactivationCodeLen+1 || seen[c.Email] {
			t.Fatalf("code %+v, want one per account until %v", c, want)
		}
		seen[c.Email] = true
		if u := e.user(c.Email); !u.AwaitsReactivation() || !u.ReactivationExpires().Equal(want) ||
			strings.Contains(string(u.Reactivation), strings.ReplaceAll(c.Code, "-", "")) {
			t.Fatalf("%s after the replacement: awaits %v, expires %v", c.Email, u.AwaitsReactivation(), u.ReactivationExpires())
		}
	}
	if !seen["p@cpe.ca"] || !seen["k@cpe.ca"] || seen["a@cpe.ca"] {
		t.Fatalf("codes for %v", seen)
	}
	evs := e.journal(app.AuditFilter{Event: app.EventReactivationCodeCreated})
	if len(evs) != 2 {
		t.Fatalf("mfa.reactivation_code_created × %d", len(evs))
	}
	for _, ev := range evs {
		if ev.Actor != app.KeyReplacedActor || ev.Field(app.FieldBy) != app.KeyReplacedActor || !seen[ev.Target] {
			t.Fatalf("event %+v", ev)
		}
		for _, c := range rep.Codes {
			if strings.Contains(ev.Detail, c.Code) {
				t.Fatal("a code in the journal")
			}
		}
	}
	if r, err := e.tr.Verify(e.ctx); err != nil || !r.OK() {
		t.Fatalf("integrity after the replacement: %+v %v", r, err)
	}
	// The password alone binds no phone; the wrong code is counted; the
	// right one leads to the QR code.
	s, err := e.svc.Login(e.ctx, "k@cpe.ca", goodPassword)
	if err != nil || s.Step() != app.StepReactivate {
		t.Fatalf("step %v %v", s.Step(), err)
	}
	if _, err := e.svc.BeginEnrollment(e.ctx, s); app.ErrorReason(err) != app.ReasonMFAStep {
		t.Fatalf("the QR code before the reactivation code: %v", err)
	}
	codeOf := map[string]string{}
	for _, c := range rep.Codes {
		codeOf[c.Email] = c.Code
	}
	wantReason(t, e.svc.UseReactivationCode(e.ctx, s, codeOf["p@cpe.ca"]), app.ReasonReactivationWrong)
	if err := e.svc.UseReactivationCode(e.ctx, s, codeOf["k@cpe.ca"]); err != nil {
		t.Fatal(err)
	}
	e.finishEnrollment(s)
}
