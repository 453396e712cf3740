package screens

import (
	"context"
	"testing"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/driver/desktop"
	"fyne.io/fyne/v2/test"
	"fyne.io/fyne/v2/widget"

	apetitspas "github.com/apetitspas/apetitspas/app"
	"github.com/apetitspas/apetitspas/data/datatest"
)

// harness is the real UI over a real database file, in a test window.
type harness struct {
	t   *testing.T
	kit *datatest.Daycare
	svc *apetitspas.Service // the tests' own, to set the daycare up
	tr  *apetitspas.Trusted // the tests' own: screens never get one
	// api is what the UI calls: the service in-process, sessions kept
	// there (as cmd/apetitspas builds it).
	api    *apetitspas.Local
	store  apetitspas.Store
	dbPath string
	keyDir string
	keys   apetitspas.KeyRing
	ui     *UI
	win    fyne.Window
	clock  *datatest.Clock
	// secrets are the TOTP secrets of the accounts enrolled by the tests.
	secrets map[string]string
}

const pw = datatest.Password

// testArgon2 keeps password hashing quick in the screen tests (the costs
// are the service's business, tested in package app).
var testArgon2 = datatest.QuickArgon2

// newHarness opens a database in a temporary folder, runs setup (accounts
// and such, through the services), then shows the UI in a test window.
func newHarness(t *testing.T, setup func(h *harness)) *harness {
	t.Helper()
	test.NewTempApp(t)
	kit := datatest.NewDaycare(t, datatest.Options{Argon2: testArgon2})
	h := &harness{t: t, kit: kit, clock: kit.Clock, store: kit.DB, dbPath: kit.Path, keyDir: kit.KeyDir, keys: kit.Keys,
		svc: kit.Svc, tr: kit.Trusted, secrets: kit.Secrets}
	if setup != nil {
		setup(h)
	}
	h.win = test.NewTempWindow(t, nil)
	h.win.Resize(fyne.NewSize(1000, 700))
	h.api = apetitspas.NewLocal(h.svc, true)
	h.ui = New(h.api, h.win, h.api.Setup)
	h.ui.runUIOnTestGoroutine()
	h.ui.idle.byHand = true
	t.Cleanup(h.ui.idle.stop)
	h.ui.Start()
	return h
}

// useService makes the UI call svc from now on (as the next start of the
// application would, or a store the test controls), through a new
// in-process API: sessions signed in before are not known to it.
func (h *harness) useService(svc *apetitspas.Service) {
	h.t.Helper()
	h.ui.wait()
	h.api = apetitspas.NewLocal(svc, true)
	h.ui.calls.api = h.api
}

// withDaycare creates the first administrator (Élodie, AMF off), a parent
// (Anne) and an employee (Karim).
func withDaycare(h *harness) {
	h.t.Helper()
	ctx := context.Background()
	if _, err := h.tr.Setup(ctx, "CPE Les Lucioles", apetitspas.NewUser{Name: "Élodie D'Amour", Email: "elodie@lucioles.ca", Password: pw}, pw); err != nil {
		h.t.Fatal(err)
	}
	h.create("elodie@lucioles.ca", apetitspas.RoleParent, "Anne Parent", "anne@parents.ca")
	h.create("elodie@lucioles.ca", apetitspas.RoleEmployee, "Karim Benali", "karim@lucioles.ca")
}

// withEnrolledDirector is withDaycare with Élodie's AMF on.
func withEnrolledDirector(h *harness) {
	withDaycare(h)
	h.enroll("elodie@lucioles.ca")
}

// session signs an account in through the services, with its code when
// its multi-factor sign-in is on (half a minute later: a code works once).
func (h *harness) session(email string) *apetitspas.Session {
	h.t.Helper()
	return h.kit.SignIn(email)
}

// create makes an account with the password pw, as the administrator by
// (who must have her AMF on to create an administrator).
func (h *harness) create(by string, role apetitspas.Role, name, email string) {
	h.t.Helper()
	_, err := h.svc.CreateAccount(context.Background(), h.session(by),
		apetitspas.NewUser{Role: role, Name: name, Email: email, Password: pw}, "")
	if err != nil {
		h.t.Fatalf("create %s: %v", email, err)
	}
}

// enroll turns an account's multi-factor sign-in on through the services
// and keeps its secret in h.secrets.
func (h *harness) enroll(email string) string {
	h.t.Helper()
	secret, _ := h.kit.Enroll(email)
	return secret
}

// typeInto focuses an entry and types text the way a keyboard does.
func (h *harness) typeInto(e *widget.Entry, text string) {
	h.win.Canvas().Focus(e)
	test.Type(e, text)
}

// pressSpaceOn presses Space the way GLFW delivers it: KeyDown and
// TypedKey(KeySpace), then TypedRune(' '), then KeyUp, each to whatever
// has the focus at that moment (the press may have moved it).
func pressSpaceOn(c fyne.Canvas) {
	ev := &fyne.KeyEvent{Name: fyne.KeySpace}
	if k, ok := c.Focused().(desktop.Keyable); ok {
		k.KeyDown(ev)
	}
	if f := c.Focused(); f != nil {
		f.TypedKey(ev)
	}
	if f := c.Focused(); f != nil {
		f.TypedRune(' ')
	}
	if k, ok := c.Focused().(desktop.Keyable); ok {
		k.KeyUp(ev)
	}
}

// pressKey presses a key (Return, Escape…) on the focused widget.
func pressKeyOn(c fyne.Canvas, name fyne.KeyName) {
	if f := c.Focused(); f != nil {
		f.TypedKey(&fyne.KeyEvent{Name: name})
	}
}

// signIn types credentials in the sign-in screen and presses the button.
func (h *harness) signIn(email, password string) {
	h.t.Helper()
	l := h.ui.login
	if l == nil {
		h.t.Fatal("not on the sign-in screen")
	}
	l.email.SetText("") // like selecting the field's text before typing
	l.password.SetText("")
	h.typeInto(l.email, email)
	h.typeInto(l.password, password)
	test.Tap(l.button)
	h.ui.wait()
}

// signOut signs out through the menu.
func (h *harness) signOut() {
	h.t.Helper()
	if h.ui.shell == nil {
		h.t.Fatal("not in the main window")
	}
	test.Tap(h.ui.shell.hamburger)
	test.Tap(h.ui.shell.logout)
}

func (h *harness) events(event string) int {
	h.t.Helper()
	evs, err := h.tr.Audit(context.Background(), apetitspas.AuditFilter{Event: event})
	if err != nil {
		h.t.Fatal(err)
	}
	return len(evs)
}

// user reads an account through the services (Tampered is set when it
// was changed outside the application).
func (h *harness) user(email string) apetitspas.User {
	h.t.Helper()
	users, err := h.tr.Users(context.Background(), apetitspas.UserFilter{Query: email})
	if err != nil {
		h.t.Fatal(err)
	}
	for _, u := range users {
		if u.Email == email {
			return u
		}
	}
	h.t.Fatalf("no account %s", email)
	return apetitspas.User{}
}
