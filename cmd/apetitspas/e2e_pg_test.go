//go:build e2e

// End-to-end run with two "PCs" on one PostgreSQL server: two app
// processes, each with its own home, configuration and key folders and its
// own X display, both on the app's role URL of one database that the real
// `apetitspas-admin db migrate` made. The key goes from PC A to PC B with
// `keys export` / `keys import`. Run by `make e2e-pg` (a throwaway server
// from .ci/with-pg.sh):
//
//	.ci/with-pg.sh go test -tags e2e -run TestTwoPCsOnPostgreSQL -v ./cmd/apetitspas
//
// Without a server (APETITSPAS_TEST_PG) the test is skipped, unless
// APETITSPAS_REQUIRE_PG=1.
package main

import (
	"bytes"
	"fmt"
	"net/url"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/apetitspas/apetitspas/data/datatest"
)

// pc is one computer of the daycare: the harness of e2e_test.go (its own
// Xvfb display, binaries and folders) with its own HOME and key folder, on
// the shared server.
type pc struct {
	*e2e
	name string
	home string
}

func newPC(t *testing.T, name, appURL string) *pc {
	t.Helper()
	e := newE2E(t)
	e.db = appURL
	p := &pc{e2e: e, name: name, home: filepath.Join(e.dir, "home")}
	if err := os.MkdirAll(p.home, 0o700); err != nil {
		t.Fatal(err)
	}
	return p
}

// env is the harness's environment (display, XDG folders, the key
// folder in this PC's own directory) with this PC's HOME and the key kept
// in a key file. Later entries win (os/exec keeps the last of a name).
func (p *pc) env() []string {
	return append(p.e2e.env(), "HOME="+p.home, "APETITSPAS_KEYRING=file")
}

func (p *pc) shot(name string) string { return p.screenshot(p.name + "-" + name) }

// tool runs this PC's apetitspas-admin on url with stdin.
func (p *pc) toolAt(url, stdin string, args ...string) (string, error) {
	cmd := exec.Command(p.admin, append([]string{"--db", url}, args...)...)
	cmd.Env = p.env()
	cmd.Stdin = strings.NewReader(stdin)
	var out, errb bytes.Buffer
	cmd.Stdout, cmd.Stderr = &out, &errb
	if err := cmd.Run(); err != nil {
		return out.String(), fmt.Errorf("%s: apetitspas-admin %s: %v: %s", p.name, strings.Join(args, " "), err, errb.String())
	}
	return out.String(), nil
}

func (p *pc) tool(stdin string, args ...string) (string, error) {
	return p.toolAt(p.db, stdin, args...)
}

// launch starts this PC's app (--db APP_URL) and waits for its window, as
// the harness's launch does, with this PC's environment.
func (p *pc) launch() {
	p.t.Helper()
	for attempt := 1; ; attempt++ {
		gui := exec.Command(p.app, "--db", p.db)
		gui.Env = p.env()
		log := &bytes.Buffer{}
		gui.Stdout, gui.Stderr = log, log
		if err := gui.Start(); err != nil {
			p.t.Fatal(err)
		}
		exited := make(chan struct{})
		go func() { gui.Wait(); close(exited) }()
		p.t.Cleanup(func() { gui.Process.Kill(); <-exited })
		p.gui, p.guiLog, p.exited = gui, log, exited
		if p.waitWindow(attempt) {
			return
		}
		time.Sleep(time.Second)
	}
}

// waitWindow waits for the window of the app just started; false when the
// app stopped before showing it and may be started once more.
func (p *pc) waitWindow(attempt int) bool {
	p.t.Helper()
	deadline := time.Now().Add(30 * time.Second)
	for time.Now().Before(deadline) {
		select {
		case <-p.exited:
			if attempt < 3 {
				p.t.Logf("%s: the app stopped before its window (attempt %d): %s", p.name, attempt, p.guiLog)
				return false
			}
			p.t.Fatalf("%s: the app stopped before its window:\n%s", p.name, p.guiLog)
		default:
		}
		out, _ := p.xdo("search", "--onlyvisible", "--name", "petits pas")
		if id := strings.TrimSpace(out); id != "" {
			p.windowID = strings.Fields(id)[0]
			p.xdo("mousemove", "--window", p.windowID, "500", "150")
			time.Sleep(700 * time.Millisecond)
			return true
		}
		time.Sleep(50 * time.Millisecond)
	}
	p.t.Fatalf("%s: the window did not appear; log:\n%s", p.name, p.guiLog)
	return false
}

// clearEmail goes back from the password field to the e-mail and empties
// it, like a person would after a refusal or a sign-out.
func (p *pc) clearEmail() {
	p.key("shift+Tab")
	p.key("ctrl+a")
	p.key("BackSpace")
}

// signOut signs a parent or an employee out by keyboard from Accueil: the
// hamburger, then Accueil, Aide, À propos, Se déconnecter.
func (p *pc) signOut(email string, n int) {
	p.t.Helper()
	time.Sleep(500 * time.Millisecond)
	p.key("Tab")
	p.key("space")
	time.Sleep(300 * time.Millisecond)
	for i := 0; i < 3; i++ {
		p.key("Tab")
	}
	p.key("space")
	p.waitEvent("logout", email, n)
	time.Sleep(400 * time.Millisecond)
}

// count is how many events of a kind the journal holds for target.
func (e *e2e) count(kind, target string) int {
	n := 0
	for _, ev := range e.audit() {
		if ev.Event == kind && ev.Target == target {
			n++
		}
	}
	return n
}

func TestTwoPCsOnPostgreSQL(t *testing.T) {
	const (
		elodie, adminPW = "elodie@lucioles.ca", "motdepasse-admin"
		karim, julie    = "karim@lucioles.ca", "julie@lucioles.ca"
		anne, userPW    = "anne@parents.ca", "girafe-verte-marche"
		paul            = "paul@parents.ca"
		passphrase      = "une phrase de passe pour la clé"
	)
	pg := datatest.NewPGDatabase(t)
	a := newPC(t, "pcA", pg.AppURL)
	b := newPC(t, "pcB", pg.AppURL)
	if a.display == b.display || a.dir == b.dir {
		t.Fatal("the two PCs share a display or a folder")
	}

	// The technician: the schema by its owner, the app's role granted its
	// rights; then the daycare and its accounts from PC A.
	if out, err := a.toolAt(pg.OwnerURL, "", "db", "migrate", "--app-role", datatest.AppRole); err != nil {
		t.Fatal(err)
	} else if strings.Contains(out, "apetitspas-test-pw") {
		t.Fatalf("db migrate printed the password:\n%s", out)
	}
	if _, err := a.tool(adminPW+"\n", "setup", "--daycare", "CPE Les Lucioles",
		"--email", elodie, "--name", "Élodie D'Amour"); err != nil {
		t.Fatal(err)
	}
	for _, u := range [][3]string{
		{"employee", karim, "Karim Benali"}, {"employee", julie, "Julie Côté"}, {"parent", anne, "Anne Parent"},
		{"parent", paul, "Paul Parent"},
	} {
		if _, err := a.tool(adminPW+"\n\n"+userPW+"\n", "users", "add", "--role", u[0],
			"--email", u[1], "--name", u[2], "--by", elodie); err != nil {
			t.Fatal(err)
		}
	}

	// Élodie's codes: each one a later time step than the last.
	var elodieSecret string
	var elodieStep int64
	elodieCode := func() string { return a.nextCode(elodieSecret, &elodieStep) }

	t.Run("the administrator turns her AMF on in PC A's window; the key goes to PC B with keys export and import", func(t *testing.T) {
		a.launch()
		a.shot("signin")
		a.signIn(elodie, adminPW)
		a.waitEvent("login.succeeded", elodie, 1)
		a.activateInMonCompte(elodie, a.name+"-admin-mfa")
		a.quit()
		a.launch()
		a.signIn(elodie, adminPW)
		a.waitEvent("mfa.secret_created", elodie, 1)
		elodieSecret = a.readQR(a.name + "-admin-mfa-qr")
		a.typeText(totp(t, elodieSecret, "now"))
		elodieStep = time.Now().Unix() / 30
		a.key("Return")
		a.waitEvent("mfa.enrolled", elodie, 1)
		a.quit()

		keyFile := filepath.Join(a.dir, "cle-garderie.age")
		if _, err := a.tool(adminPW+"\n"+elodieCode()+"\n"+passphrase+"\n", "keys", "export",
			"--out", keyFile, "--by", elodie); err != nil {
			t.Fatal(err)
		}
		if _, err := b.tool("pas la bonne phrase\n", "keys", "import", "--from", keyFile); err == nil {
			t.Fatal("keys import took a wrong passphrase")
		}
		if _, err := b.tool(passphrase+"\n", "keys", "import", "--from", keyFile); err != nil {
			t.Fatal(err)
		}
		keysA, _ := filepath.Glob(filepath.Join(a.dir, "keys", "*.key"))
		keysB, _ := filepath.Glob(filepath.Join(b.dir, "keys", "*.key"))
		if len(keysA) != 1 || len(keysB) != 1 || filepath.Base(keysA[0]) != filepath.Base(keysB[0]) {
			t.Fatalf("key files: PC A %v, PC B %v", keysA, keysB)
		}
		if fi, err := os.Stat(keysB[0]); err != nil || fi.Mode().Perm() != 0o600 {
			t.Fatalf("PC B's key file: %v %v", fi.Mode(), err)
		}
		if a.count("key.exported", "") != 1 || b.count("key.imported", "") != 1 {
			t.Fatal("key.exported and key.imported are not both in the journal")
		}
	})

	t.Run("ten wrong passwords split between both PCs lock the account", func(t *testing.T) {
		a.launch()
		b.launch()
		for i := 0; i < 10; i++ {
			p := a
			if i%2 == 1 {
				p = b
			}
			p.signIn(anne, "pas-le-bon-mot")
			a.waitEvent("login.failed", anne, i+1)
			if i < 9 && a.count("login.locked", anne) != 0 {
				t.Fatalf("locked after %d wrong passwords", i+1)
			}
			p.clearEmail()
		}
		a.waitEvent("login.locked", anne, 1)
		b.shot("locked")
		// The right password, now, on either PC: refused.
		b.signIn(anne, userPW)
		a.waitEvent("login.refused", anne, 1)
		b.clearEmail()
		a.signIn(anne, userPW)
		a.waitEvent("login.refused", anne, 2)
		a.shot("locked-refused")
		a.clearEmail()
		if n := a.count("login.succeeded", anne); n != 0 {
			t.Fatalf("a locked account signed in (%d×)", n)
		}
		if n := a.count("login.failed", anne); n != 10 {
			t.Fatalf("%d wrong passwords judged, want 10", n)
		}
		b.quit()
	})

	t.Run("imposing AMF on PC B sends a signed-out employee on PC A to the QR code", func(t *testing.T) {
		// Julie signs in on PC A (no AMF asked yet) and signs out; PC A's
		// app stays open on its sign-in screen.
		a.signIn(julie, userPW)
		a.waitEvent("login.succeeded", julie, 1)
		a.shot("julie-home")
		a.signOut(julie, 1)
		a.shot("julie-signed-out")

		// Élodie signs in on PC B's window with her code: the imported key
		// opens her secret there.
		b.launch()
		b.signIn(elodie, adminPW)
		time.Sleep(700 * time.Millisecond)
		b.typeText(elodieCode())
		b.key("Return")
		b.waitEvent("mfa.code_accepted", elodie, 1)
		time.Sleep(700 * time.Millisecond)
		b.shot("admin-home")
		// …and imposes AMF on the staff (the tool of PC B, her next code).
		if _, err := b.tool(adminPW+"\n"+elodieCode()+"\n", "policy", "enforce-staff", "on", "--by", elodie); err != nil {
			t.Fatal(err)
		}
		// PC A's app, open all along (its sign-in screen empty since Julie
		// signed out): Julie's next sign-in shows a QR code.
		a.signIn(julie, userPW)
		a.waitEvent("mfa.secret_created", julie, 1)
		secret := a.readQR(a.name + "-julie-qr")
		a.typeText(totp(t, secret, "now"))
		a.key("Return")
		a.waitEvent("mfa.enrolled", julie, 1)
		a.quit()
	})

	t.Run("the administrator on PC B resets the employee, whose next sign-in on PC A shows a new QR code", func(t *testing.T) {
		a.launch()
		a.signIn(karim, userPW)
		a.waitEvent("mfa.secret_created", karim, 1)
		first := a.readQR(a.name + "-karim-first-qr")
		a.typeText(totp(t, first, "now"))
		a.key("Return")
		a.waitEvent("mfa.enrolled", karim, 1)
		a.quit()
		a.launch()

		// Lost phone: Élodie resets Karim's AMF on PC B.
		out, err := b.tool(adminPW+"\n"+elodieCode()+"\n", "mfa", "reset", "--email", karim, "--by", elodie, "--json")
		if err != nil {
			t.Fatal(err)
		}
		b.quit()

		a.signIn(karim, userPW)
		a.reactivate(karim, reactivationCode(t, out), 1)
		a.waitEvent("mfa.secret_created", karim, 2)
		second := a.readQR(a.name + "-karim-reset-qr")
		if second == first {
			t.Fatal("the reset on PC B kept the old secret")
		}
		a.typeText(totp(t, second, "now + 30 seconds"))
		a.key("Return")
		a.waitEvent("mfa.enrolled", karim, 2)
		a.shot("karim-enrolled-again")
		a.quit()
	})

	t.Run("a PC whose server goes away waits, fails the sign-in closed and comes back without a restart", func(t *testing.T) {
		// PC C reaches the server through a link the test can cut; it gets
		// the key from the file PC B imported.
		link := datatest.NewProxy(t, hostOf(t, pg.AppURL))
		c := newPC(t, "pcC", link.Via(t, pg.AppURL))
		if _, err := c.tool(passphrase+"\n", "keys", "import", "--from", filepath.Join(a.dir, "cle-garderie.age")); err != nil {
			t.Fatal(err)
		}

		// Started while the server does not answer: the waiting screen,
		// then the sign-in screen once it answers (a try every 5 s).
		link.Down()
		c.launch()
		c.shot("server-wait")
		link.Up()
		time.Sleep(7 * time.Second)
		c.signIn(paul, userPW)
		a.waitEvent("login.succeeded", paul, 1)
		c.shot("after-wait")
		c.signOut(paul, 1)

		// Lost while the window is open: the sign-in fails, nothing is
		// written; back again: the same window signs in.
		link.Down()
		c.signIn(paul, userPW)
		time.Sleep(3 * time.Second)
		c.shot("server-lost")
		if n := a.count("login.succeeded", paul); n != 1 {
			t.Fatalf("a sign-in went through while the server was gone (%d)", n)
		}
		link.Up()
		c.clearEmail()
		c.signIn(paul, userPW)
		a.waitEvent("login.succeeded", paul, 2)
		c.shot("server-back")
		c.quit()
	})

	t.Run("both PCs verify the journal's MAC chain with their own copy of the key", func(t *testing.T) {
		for _, p := range []*pc{a, b} {
			if out, err := p.tool("", "audit", "verify"); err != nil {
				t.Fatalf("%v\n%s", err, out)
			}
		}
	})
	t.Logf("screenshots in %s", a.shots)
}

// hostOf is the host:port of a URL.
func hostOf(t *testing.T, u string) string {
	t.Helper()
	pu, err := url.Parse(u)
	if err != nil {
		t.Fatal(err)
	}
	return pu.Host
}
