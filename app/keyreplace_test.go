package app_test

import (
	"os"
	"testing"

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
	if err != nil || rep.Pending != 2 || rep.NewKeyID == rep.OldKeyID {
		t.Fatalf("replace: %+v %v", rep, err)
	}
	if r, err := e.tr.Verify(e.ctx); err != nil || !r.OK() || r.BeforeKeyReplaced == 0 || r.JournalRows <= r.BeforeKeyReplaced {
		t.Fatalf("integrity after the hand-over: %+v %v", r, err)
	}
	for _, email := range []string{"p@cpe.ca", "k@cpe.ca"} {
		s, err := e.svc.Login(e.ctx, email, goodPassword)
		if err != nil || s.Step() != app.StepEnroll || s.User().MFAResetBy != app.MFAResetByKeyReplaced {
			t.Fatalf("%s after the replacement: %v, step %v", email, err, s.Step())
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
