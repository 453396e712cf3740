package screens

import (
	"context"
	"strings"
	"testing"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/test"

	apetitspas "github.com/apetitspas/apetitspas/app"
)

func TestSignInOpensWithTheCursorInTheEmailFieldAndTabGoesToThePassword(t *testing.T) {
	h := newHarness(t, withDaycare)
	l := h.ui.login
	if h.win.Canvas().Focused() != l.email {
		t.Fatalf("focused = %T, want the e-mail entry", h.win.Canvas().Focused())
	}
	test.Type(l.email, "anne@parents.ca")
	h.win.Canvas().FocusNext()
	if h.win.Canvas().Focused() != l.password {
		t.Fatal("Tab did not move to the password")
	}
	test.Type(l.password, pw)
	l.password.TypedKey(&fyne.KeyEvent{Name: fyne.KeyReturn})
	h.ui.wait()
	if h.ui.shell == nil {
		t.Fatalf("Return did not sign in: %q", l.status.message.Text)
	}
	if !strings.Contains(h.win.Title(), "CPE Les Lucioles") {
		t.Fatalf("title = %q", h.win.Title())
	}
}

func TestAWrongPasswordAndAnUnknownEmailShowTheSameMessage(t *testing.T) {
	h := newHarness(t, withDaycare)
	h.signIn("anne@parents.ca", "pas-le-bon-mot")
	wrong := h.ui.login.status.message.Text
	h.signIn("personne@parents.ca", pw)
	unknown := h.ui.login.status.message.Text
	if wrong == "" || wrong != unknown {
		t.Fatalf("messages differ: %q vs %q", wrong, unknown)
	}
	if wrong != "Courriel ou mot de passe incorrect." {
		t.Fatalf("message = %q", wrong)
	}
	if h.ui.login.password.Text != "" || h.win.Canvas().Focused() != h.ui.login.password {
		t.Fatal("the password field should be emptied and focused after a failure")
	}
}

func TestEmptyFieldsAreExplainedWithoutCheckingAnything(t *testing.T) {
	h := newHarness(t, withDaycare)
	test.Tap(h.ui.login.button)
	h.ui.wait()
	if got := h.ui.login.status.message.Text; got != "Entrez votre courriel et votre mot de passe." {
		t.Fatalf("message = %q", got)
	}
	if h.events(apetitspas.EventLoginFailed) != 0 {
		t.Fatal("an empty form counted as a failed sign-in")
	}
}

func TestTheButtonIsDisabledWithAProgressBarWhileThePasswordIsChecked(t *testing.T) {
	gate := make(chan struct{})
	h := newHarness(t, withDaycare)
	h.useService(apetitspas.New(apetitspas.Params{Store: &gatedStore{Store: h.store, gate: gate}, Now: h.clock.Now, Keys: h.keys, Argon2: testArgon2, Witness: h.kit.Witness}))
	before := h.events(apetitspas.EventLoginSucceeded)
	l := h.ui.login
	h.typeInto(l.email, "anne@parents.ca")
	h.typeInto(l.password, pw)
	test.Tap(l.button)
	if !l.button.Disabled() || !l.status.progress.Visible() || !l.email.Disabled() {
		t.Fatal("while checking: the button should be disabled and the progress bar shown")
	}
	test.Tap(l.button) // a second tap does nothing
	close(gate)
	h.ui.wait()
	if h.ui.shell == nil {
		t.Fatal("did not sign in")
	}
	if n := h.events(apetitspas.EventLoginSucceeded) - before; n != 1 {
		t.Fatalf("%d sign-ins for one tap", n)
	}
}

func TestTenWrongPasswordsLockTheAccountAndTheMessageSaysSo(t *testing.T) {
	h := newHarness(t, withDaycare)
	for i := 0; i < 10; i++ {
		h.signIn("karim@lucioles.ca", "mauvais-mot-de-passe")
	}
	if got := h.ui.login.status.message.Text; !strings.Contains(got, "verrouillé") {
		t.Fatalf("message = %q", got)
	}
	h.signIn("karim@lucioles.ca", pw)
	if h.ui.shell != nil {
		t.Fatal("a locked account signed in")
	}
	if got := h.ui.login.status.message.Text; !strings.Contains(got, "verrouillé") {
		t.Fatalf("message = %q", got)
	}
}

func TestTheFirstRunCreatesTheAdministratorThenAsksToSignIn(t *testing.T) {
	h := newHarness(t, nil)
	s := h.ui.setupScreen
	if s == nil {
		t.Fatal("an empty database should open the first-run screen")
	}
	if h.win.Canvas().Focused() != s.daycare {
		t.Fatal("the cursor should start in the daycare name")
	}
	h.typeInto(s.daycare, "CPE Les Lucioles")
	h.typeInto(s.name, "Élodie D'Amour")
	h.typeInto(s.email, "Elodie@Lucioles.ca")
	h.typeInto(s.password, pw)
	h.typeInto(s.confirm, pw+"x")
	test.Tap(s.button)
	h.ui.wait()
	if got := s.status.message.Text; got != "Les deux mots de passe ne sont pas identiques." {
		t.Fatalf("message = %q", got)
	}
	s.confirm.SetText(pw)
	test.Tap(s.button)
	h.ui.wait()
	if h.ui.login == nil {
		t.Fatal("setup did not go to the sign-in screen")
	}
	if h.ui.login.email.Text != "elodie@lucioles.ca" || h.win.Canvas().Focused() != h.ui.login.password {
		t.Fatal("the sign-in should be ready with the new e-mail and the cursor in the password")
	}
	if !strings.Contains(h.win.Title(), "CPE Les Lucioles") {
		t.Fatalf("title = %q", h.win.Title())
	}
	h.signIn("elodie@lucioles.ca", pw)
	if h.ui.shell == nil {
		t.Fatal("the new administrator could not sign in")
	}
}

// newHarnessWithTempParent is the daycare with a parent an administrator
// just imported (nouveau@parents.ca), and her temporary password.
func newHarnessWithTempParent(t *testing.T) (*harness, string) {
	t.Helper()
	var temp string
	h := newHarness(t, func(h *harness) {
		withDaycare(h)
		out, err := h.svc.ImportCSV(context.Background(), h.session("elodie@lucioles.ca"), strings.NewReader("parent,nouveau@parents.ca,Nouveau Parent\n"), "")
		if err != nil {
			t.Fatal(err)
		}
		temp = out[0].TempPassword
	})
	return h, temp
}

func TestATemporaryPasswordMustBeReplacedBeforeTheMainWindow(t *testing.T) {
	h, temp := newHarnessWithTempParent(t)
	h.signIn("nouveau@parents.ca", temp)
	np := h.ui.newPassword
	if np == nil || h.ui.shell != nil {
		t.Fatal("a temporary password should lead to the new-password screen")
	}
	h.typeInto(np.password, "mon-propre-mot-de-passe")
	h.typeInto(np.confirm, "mon-propre-mot-de-passe")
	test.Tap(np.button)
	h.ui.wait()
	if h.ui.shell == nil {
		t.Fatalf("not in the main window: %q", np.status.message.Text)
	}
}
