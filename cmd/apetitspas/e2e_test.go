//go:build e2e

// End-to-end test of the real binaries under Xvfb, driven by xdotool like a
// person at the keyboard. Run by `make e2e` (part of `make test`):
//
//	go test -tags e2e -run TestEndToEnd -v ./cmd/apetitspas
//
// Screenshots are written to $E2E_SCREENSHOTS (default: a temporary folder).
package main

import (
	"bufio"
	"bytes"
	"database/sql"
	"encoding/json"
	"fmt"
	"net/url"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"testing"
	"time"

	_ "github.com/mattn/go-sqlite3"

	"github.com/apetitspas/apetitspas/cmd/internal/ostest"
)

// e2e holds the built binaries, the X display and the database.
type e2e struct {
	t        *testing.T
	dir      string
	app      string
	admin    string
	db       string
	display  string
	shots    string
	gui      *exec.Cmd
	guiLog   *bytes.Buffer
	exited   chan struct{}
	windowID string
	// service, when set, is the address of the computer's service: the
	// window runs as the ordinary account person (home: her home folder)
	// and is its client, as adminTool is (as root, for the technician's
	// listings).
	service, person, home string
}

func newE2E(t *testing.T) *e2e {
	for _, tool := range []string{"Xvfb", "xdotool", "import"} {
		if _, err := exec.LookPath(tool); err != nil {
			t.Fatalf("%s is missing: run `make test`, which installs it", tool)
		}
	}
	e := &e2e{t: t, dir: t.TempDir()}
	e.db = filepath.Join(e.dir, "e2e.db")
	e.shots = os.Getenv("E2E_SCREENSHOTS")
	if e.shots == "" {
		e.shots = filepath.Join(e.dir, "screenshots")
	}
	if err := os.MkdirAll(e.shots, 0o755); err != nil {
		t.Fatal(err)
	}
	e.app = filepath.Join(e.dir, "apetitspas")
	e.admin = filepath.Join(e.dir, "apetitspas-admin")
	build := func(out, pkg string) {
		cmd := exec.Command("go", "build", "-o", out, pkg)
		cmd.Dir = filepath.Join("..", "..")
		if b, err := cmd.CombinedOutput(); err != nil {
			t.Fatalf("build %s: %v\n%s", pkg, err, b)
		}
	}
	build(e.app, "./cmd/apetitspas")
	build(e.admin, "./cmd/apetitspas-admin")
	e.startX()
	return e
}

// startX starts Xvfb on a free display.
func (e *e2e) startX() {
	r, w, err := os.Pipe()
	if err != nil {
		e.t.Fatal(err)
	}
	x := exec.Command("Xvfb", "-displayfd", "3", "-screen", "0", "1280x800x24", "-nolisten", "tcp", "-noreset")
	x.ExtraFiles = []*os.File{w}
	if err := x.Start(); err != nil {
		e.t.Fatalf("start Xvfb: %v", err)
	}
	w.Close()
	e.t.Cleanup(func() { x.Process.Kill(); x.Wait() })
	line, err := bufio.NewReader(r).ReadString('\n')
	if err != nil {
		e.t.Fatalf("Xvfb display: %v", err)
	}
	e.display = ":" + strings.TrimSpace(line)
}

func (e *e2e) env() []string {
	if e.service != "" {
		return []string{"PATH=" + os.Getenv("PATH"), "DISPLAY=" + e.display, "LANG=fr_CA.UTF-8", "APETITSPAS_LANG=",
			"HOME=" + e.home, "TMPDIR=" + e.home,
			"XDG_CONFIG_HOME=" + filepath.Join(e.home, ".config"), "XDG_CACHE_HOME=" + filepath.Join(e.home, ".cache"),
			"APETITSPAS_CONFIG=" + filepath.Join(e.home, "no-config.toml"), "DBUS_SESSION_BUS_ADDRESS=disabled:"}
	}
	return append(os.Environ(),
		"DISPLAY="+e.display,
		"LANG=fr_CA.UTF-8",
		"APETITSPAS_LANG=",
		"XDG_CONFIG_HOME="+filepath.Join(e.dir, "config"),
		"XDG_CACHE_HOME="+filepath.Join(e.dir, "cache"),
		"APETITSPAS_KEY_DIR="+filepath.Join(e.dir, "keys"),
		// No session bus here: the key goes to the 0600 key file.
		"DBUS_SESSION_BUS_ADDRESS=disabled:",
	)
}

// adminTool runs apetitspas-admin with stdin and returns stdout.
func (e *e2e) adminTool(stdin string, args ...string) (string, error) {
	where := []string{"--db", e.db}
	if e.service != "" {
		where = []string{"--service", e.service}
	}
	cmd := exec.Command(e.admin, append(where, args...)...)
	cmd.Env = e.env()
	if e.service != "" {
		// Root's own folders: nothing of root's in the person's home.
		cmd.Env = append(cmd.Env, "HOME="+filepath.Join(e.dir, "root"), "XDG_CONFIG_HOME="+filepath.Join(e.dir, "root", ".config"))
	}
	cmd.Stdin = strings.NewReader(stdin)
	var out, errb bytes.Buffer
	cmd.Stdout, cmd.Stderr = &out, &errb
	err := cmd.Run()
	if err != nil {
		return out.String(), fmt.Errorf("%v: %s", err, errb.String())
	}
	return out.String(), nil
}

type event struct {
	Time, Event, Actor, Target, Detail string
}

func (e *e2e) audit() []event {
	e.t.Helper()
	out, err := e.adminTool("", "audit", "--json")
	if err != nil {
		e.t.Fatal(err)
	}
	var evs []event
	if err := json.Unmarshal([]byte(out), &evs); err != nil {
		e.t.Fatalf("audit --json: %v\n%s", err, out)
	}
	return evs
}

// waitEvent waits until the journal has n events of a kind for target.
func (e *e2e) waitEvent(kind, target string, n int) {
	e.t.Helper()
	deadline := time.Now().Add(30 * time.Second)
	for time.Now().Before(deadline) {
		c := 0
		for _, ev := range e.audit() {
			if ev.Event == kind && ev.Target == target {
				c++
			}
		}
		if c >= n {
			return
		}
		time.Sleep(200 * time.Millisecond)
	}
	e.screenshot("failure")
	e.t.Fatalf("no %d× %s for %s in the journal; app log:\n%s", n, kind, target, e.guiLog)
}

// launch starts the GUI and waits for its window. A program that dies
// before showing it (the X server resetting between two runs) is started
// once more.
func (e *e2e) launch() {
	e.t.Helper()
attempts:
	for attempt := 1; ; attempt++ {
		e.gui = exec.Command(e.app, "--db", e.db)
		if e.service != "" {
			e.gui = ostest.Command(e.person, e.app, "--service", e.service)
		}
		e.gui.Env = e.env()
		e.guiLog = &bytes.Buffer{}
		e.gui.Stdout, e.gui.Stderr = e.guiLog, e.guiLog
		if err := e.gui.Start(); err != nil {
			e.t.Fatal(err)
		}
		gui := e.gui
		exited := make(chan struct{})
		go func() { gui.Wait(); close(exited) }()
		e.t.Cleanup(func() { gui.Process.Kill(); <-exited })
		e.exited = exited
		deadline := time.Now().Add(30 * time.Second)
		for time.Now().Before(deadline) {
			select {
			case <-exited:
				if attempt < 3 {
					e.t.Logf("the app stopped before its window (attempt %d): %s", attempt, e.guiLog)
					time.Sleep(time.Second)
					continue attempts
				}
				e.t.Fatalf("the app stopped before its window:\n%s", e.guiLog)
			default:
			}
			out, _ := e.xdo("search", "--onlyvisible", "--name", "petits pas")
			if id := strings.TrimSpace(out); id != "" {
				e.windowID = strings.Fields(id)[0]
				// No window manager: focus follows the pointer; put it inside.
				e.xdo("mousemove", "--window", e.windowID, "500", "150")
				time.Sleep(700 * time.Millisecond) // first frame and focus
				return
			}
			time.Sleep(50 * time.Millisecond)
		}
		e.t.Fatalf("the window did not appear; log:\n%s", e.guiLog)
	}
}

func (e *e2e) quit() {
	e.gui.Process.Kill()
	<-e.exited
}

func (e *e2e) xdo(args ...string) (string, error) {
	cmd := exec.Command("xdotool", args...)
	cmd.Env = e.env()
	out, err := cmd.CombinedOutput()
	return string(out), err
}

func (e *e2e) typeText(s string) { e.xdo("type", "--delay", "25", s) }
func (e *e2e) key(k string)      { e.xdo("key", "--delay", "60", k) }

func (e *e2e) screenshot(name string) string {
	path := filepath.Join(e.shots, name+".png")
	cmd := exec.Command("import", "-window", "root", "-crop", "1000x700+0+0", "+repage", path)
	cmd.Env = e.env()
	if out, err := cmd.CombinedOutput(); err != nil {
		e.t.Errorf("screenshot %s: %v %s", name, err, out)
	}
	return path
}

// scrollDown scrolls the page under the pointer to its end.
func (e *e2e) scrollDown() {
	e.xdo("mousemove", "--window", e.windowID, "600", "400")
	e.xdo("click", "--repeat", "30", "--delay", "20", "5")
	time.Sleep(300 * time.Millisecond)
}

// activateInMonCompte opens Mon compte by mouse (hamburger, then the name
// at the bottom of the menu), then by keyboard slides the switch and
// confirms « Activer ».
func (e *e2e) activateInMonCompte(email, shot string) {
	e.t.Helper()
	time.Sleep(400 * time.Millisecond)
	e.xdo("mousemove", "--window", e.windowID, "22", "22", "click", "1")
	time.Sleep(300 * time.Millisecond)
	e.xdo("mousemove", "--window", e.windowID, "80", "676", "click", "1")
	time.Sleep(400 * time.Millisecond)
	// From the hamburger: the three password fields, the button, the switch.
	for i := 0; i < 5; i++ {
		e.key("Tab")
	}
	e.key("space")
	time.Sleep(400 * time.Millisecond)
	e.screenshot(shot + "-confirm")
	e.key("Tab") // from « Annuler » to « Activer »
	e.key("space")
	e.waitEvent("mfa.activation_requested", email, 1)
	time.Sleep(300 * time.Millisecond)
	e.scrollDown()
	e.screenshot(shot + "-pending")
}

// readQR screenshots the QR dialog, decodes it with zbarimg, checks the
// otpauth URI and returns its secret.
func (e *e2e) readQR(shot string) string {
	e.t.Helper()
	for _, tool := range []string{"zbarimg", "oathtool"} {
		if _, err := exec.LookPath(tool); err != nil {
			e.t.Fatalf("%s is missing: run `make test`, which installs it", tool)
		}
	}
	time.Sleep(700 * time.Millisecond)
	path := e.screenshot(shot)
	out, err := exec.Command("zbarimg", "--quiet", "--raw", path).Output()
	if err != nil {
		e.t.Fatalf("no QR code readable in %s: %v", path, err)
	}
	uri, err := url.Parse(strings.TrimSpace(string(out)))
	if err != nil || uri.Scheme != "otpauth" || uri.Host != "totp" {
		e.t.Fatalf("QR code holds %q", out)
	}
	if !strings.HasPrefix(uri.EscapedPath(), "/%C3%80%20petits%20pas:") || strings.Contains(uri.String(), "+") {
		e.t.Fatalf("label not percent-encoded as expected: %s", uri)
	}
	q := uri.Query()
	if q.Get("issuer") != "À petits pas" || q.Get("digits") != "6" || q.Get("period") != "30" || q.Get("algorithm") != "SHA1" {
		e.t.Fatalf("QR parameters: %v", q)
	}
	return q.Get("secret")
}

// totp computes the code independently with oathtool.
func totp(t *testing.T, secret, when string) string {
	t.Helper()
	out, err := exec.Command("oathtool", "--totp", "-b", "--now", when, secret).Output()
	if err != nil {
		t.Fatalf("oathtool: %v", err)
	}
	return strings.TrimSpace(string(out))
}

// nextCode waits, if needed, for a time step later than *last within the
// app's window (now or the next one), and returns its code by oathtool.
func (e *e2e) nextCode(secret string, last *int64) string {
	e.t.Helper()
	if secret == "" {
		e.t.Fatal("no secret: the enrollment did not happen")
	}
	for {
		step := time.Now().Unix()/30 + 1
		if step > *last {
			*last = step
			return totp(e.t, secret, "@"+strconv.FormatInt(step*30, 10))
		}
		time.Sleep(time.Second)
	}
}

// reactivationCode is the code a reset printed with --json.
func reactivationCode(t *testing.T, out string) string {
	t.Helper()
	var r struct {
		Code string `json:"reactivation_code"`
	}
	if err := json.Unmarshal([]byte(out), &r); err != nil || r.Code == "" {
		t.Fatalf("no reactivation code in %q (%v)", out, err)
	}
	return r.Code
}

// reactivate types, on the « Code de réactivation » step that follows
// the password after a reset, the code handed over in person, and waits
// until it is used (the nth time for email).
func (e *e2e) reactivate(email, code string, n int) {
	e.t.Helper()
	time.Sleep(2 * time.Second) // the password's argon2id, then the step (its field has the cursor)
	e.screenshot("reactivation-" + strconv.Itoa(n))
	e.typeText(code)
	e.key("Return")
	e.waitEvent("mfa.reactivation_code_used", email, n)
}

// signIn types the e-mail, Tab, the password and Return.
func (e *e2e) signIn(email, password string) {
	e.typeText(email)
	e.key("Tab")
	e.typeText(password)
	e.key("Return")
}

func TestEndToEnd(t *testing.T) {
	e := newE2E(t)

	// Seed the database with the technician's tool.
	if _, err := e.adminTool("motdepasse-admin\n", "setup", "--daycare", "CPE Les Lucioles",
		"--email", "elodie@lucioles.ca", "--name", "Élodie D'Amour"); err != nil {
		t.Fatal(err)
	}
	for _, p := range [][3]string{
		{"parent", "anne@parents.ca", "Anne Parent"}, {"parent", "bruno@parents.ca", "Bruno Côté"},
		{"parent", "chloe@parents.ca", "Chloé Roy"}, {"employee", "karim@lucioles.ca", "Karim Benali"},
		{"employee", "julie@lucioles.ca", "Julie Côté"}, {"parent", "denis@parents.ca", "Denis Roy"},
	} {
		// Élodie's password, an empty code (her MFA is still off), then
		// the new account's password.
		if _, err := e.adminTool("motdepasse-admin\n\ngirafe-verte-marche\n", "users", "add", "--role", p[0],
			"--email", p[1], "--name", p[2], "--by", "elodie@lucioles.ca"); err != nil {
			t.Fatal(err)
		}
	}

	t.Run("an administrator signs in by keyboard and opens Mon compte", func(t *testing.T) {
		e.launch()
		e.screenshot("signin")
		e.signIn("elodie@lucioles.ca", "motdepasse-admin")
		e.waitEvent("login.succeeded", "elodie@lucioles.ca", 1)
		time.Sleep(500 * time.Millisecond)
		e.screenshot("main")
		// Hamburger at the top-left, then the name at the bottom-left of the menu.
		e.xdo("mousemove", "--window", e.windowID, "22", "22", "click", "1")
		time.Sleep(400 * time.Millisecond)
		e.screenshot("menu")
		e.xdo("mousemove", "--window", e.windowID, "80", "676", "click", "1")
		time.Sleep(400 * time.Millisecond)
		e.scrollDown()
		e.screenshot("moncompte")
		e.quit()
	})

	t.Run("a parent uses only the keyboard: menu, Mon compte, switch, Space on Annuler, sign-out, sign-in first time right", func(t *testing.T) {
		const email, password = "denis@parents.ca", "girafe-verte-marche"
		e.launch()
		e.signIn(email, password)
		e.waitEvent("login.succeeded", email, 1)
		time.Sleep(500 * time.Millisecond)
		e.key("Tab")   // the hamburger, first in reading order
		e.key("space") // the menu opens on Accueil
		time.Sleep(300 * time.Millisecond)
		e.screenshot("keyboard-menu")
		for i := 0; i < 4; i++ { // Aide, À propos, Se déconnecter, the name
			e.key("Tab")
		}
		e.key("space") // Mon compte
		time.Sleep(400 * time.Millisecond)
		for i := 0; i < 5; i++ { // the three password fields, the button, the switch
			e.key("Tab")
		}
		e.key("space") // the switch: the confirmation, « Annuler » focused
		time.Sleep(400 * time.Millisecond)
		e.screenshot("keyboard-confirm")
		e.key("space") // « Annuler »: closed for good (no second confirmation)
		time.Sleep(400 * time.Millisecond)
		e.screenshot("keyboard-cancelled")
		// Back to the hamburger, the menu opens on the name; the entry
		// above it signs out. With a confirmation still open, none of
		// this would reach the main window and no sign-out would happen.
		for i := 0; i < 5; i++ {
			e.key("shift+Tab")
		}
		e.key("space")
		time.Sleep(300 * time.Millisecond)
		e.key("shift+Tab")
		e.key("space")
		e.waitEvent("logout", email, 1)
		time.Sleep(400 * time.Millisecond)
		e.screenshot("keyboard-signed-out")
		// The cursor is in the e-mail field, empty (the next person does
		// not see who was there), which the Space left empty.
		e.signIn(email, password)
		e.waitEvent("login.succeeded", email, 2)
		for _, ev := range e.audit() {
			switch {
			case ev.Target != email:
			case ev.Event == "login.failed":
				t.Fatal("the password typed after a sign-out by Space was refused: a space leaked into the field")
			case ev.Event == "mfa.activation_requested":
				t.Fatal("Space on « Annuler » turned the AMF on")
			}
		}
		e.quit()
	})

	t.Run("ten wrong passwords lock the account across a restart", func(t *testing.T) {
		e.launch()
		for i := 0; i < 10; i++ {
			e.signIn("anne@parents.ca", "pas-le-bon-mot")
			e.waitEvent("login.failed", "anne@parents.ca", i+1)
			// After a failure the e-mail stays and the cursor is in the password:
			// go back to the e-mail field and empty it like a person would.
			e.key("shift+Tab")
			e.key("ctrl+a")
			e.key("BackSpace")
		}
		e.waitEvent("login.locked", "anne@parents.ca", 1)
		e.screenshot("locked")
		e.quit()

		e.launch()
		e.signIn("anne@parents.ca", "girafe-verte-marche")
		e.waitEvent("login.refused", "anne@parents.ca", 1)
		for _, ev := range e.audit() {
			if ev.Event == "login.succeeded" && ev.Target == "anne@parents.ca" {
				t.Fatal("a locked account signed in after a restart")
			}
		}
		out, _ := e.adminTool("", "users", "list", "--json")
		var users []struct {
			Email  string `json:"email"`
			Locked bool   `json:"locked"`
		}
		json.Unmarshal([]byte(out), &users)
		for _, u := range users {
			if u.Email == "anne@parents.ca" && !u.Locked {
				t.Fatal("users list --json does not show the lock")
			}
		}
		e.quit()
	})
	t.Run("a parent turns MFA on, scans the QR code and signs in with codes", func(t *testing.T) {
		for _, tool := range []string{"zbarimg", "oathtool"} {
			if _, err := exec.LookPath(tool); err != nil {
				t.Fatalf("%s is missing: run `make test`, which installs it", tool)
			}
		}
		e.launch()
		e.signIn("bruno@parents.ca", "girafe-verte-marche")
		e.waitEvent("login.succeeded", "bruno@parents.ca", 1)
		e.activateInMonCompte("bruno@parents.ca", "mfa")
		e.quit()

		e.launch()
		e.signIn("bruno@parents.ca", "girafe-verte-marche")
		e.waitEvent("mfa.secret_created", "bruno@parents.ca", 1)
		secret := e.readQR("mfa-qr")
		e.typeText(totp(t, secret, "now")) // the cursor is already in « Code à 6 chiffres »
		e.key("Return")
		e.waitEvent("mfa.enrolled", "bruno@parents.ca", 1)
		time.Sleep(400 * time.Millisecond)
		e.screenshot("mfa-congrats")
		e.quit()

		e.launch()
		e.signIn("bruno@parents.ca", "girafe-verte-marche")
		time.Sleep(700 * time.Millisecond)
		e.screenshot("mfa-code")
		// The enrollment code is used up; the next step's code is within the window.
		next := totp(t, secret, "now + 30 seconds")
		e.typeText(next[:3] + " " + next[3:])
		e.key("Return")
		e.waitEvent("mfa.code_accepted", "bruno@parents.ca", 1)
		e.waitEvent("login.succeeded", "bruno@parents.ca", 3)
		out2, _ := e.adminTool("", "users", "list", "--json")
		if !strings.Contains(out2, `"email": "bruno@parents.ca",
    "name": "Bruno Côté",
    "role": "parent",
    "mfa": "on"`) {
			t.Fatalf("users list --json does not show mfa on:\n%s", out2)
		}
		e.quit()
	})

	// Élodie's codes for the tool: each one a later time step than the last.
	var elodieSecret string
	var elodieStep int64
	elodieCode := func() string {
		return e.nextCode(elodieSecret, &elodieStep)
	}

	t.Run("an administrator resets an employee with the tool; the employee sees a new QR code and the notice", func(t *testing.T) {
		e.launch()
		e.signIn("karim@lucioles.ca", "girafe-verte-marche")
		e.waitEvent("login.succeeded", "karim@lucioles.ca", 1)
		e.activateInMonCompte("karim@lucioles.ca", "reset")
		e.quit()
		e.launch()
		e.signIn("karim@lucioles.ca", "girafe-verte-marche")
		e.waitEvent("mfa.secret_created", "karim@lucioles.ca", 1)
		first := e.readQR("reset-first-qr")
		e.typeText(totp(t, first, "now"))
		e.key("Return")
		e.waitEvent("mfa.enrolled", "karim@lucioles.ca", 1)
		e.quit()

		// Resetting someone's AMF needs an administrator whose own AMF is on.
		if _, err := e.adminTool("motdepasse-admin\n\n", "mfa", "reset", "--email", "karim@lucioles.ca", "--by", "elodie@lucioles.ca"); err == nil {
			t.Fatal("an administrator without AMF reset someone's AMF")
		}
		// Élodie turns hers on and scans her QR code.
		e.launch()
		e.signIn("elodie@lucioles.ca", "motdepasse-admin")
		e.waitEvent("login.succeeded", "elodie@lucioles.ca", 2)
		e.activateInMonCompte("elodie@lucioles.ca", "admin-mfa")
		e.quit()
		e.launch()
		e.signIn("elodie@lucioles.ca", "motdepasse-admin")
		e.waitEvent("mfa.secret_created", "elodie@lucioles.ca", 1)
		elodieSecret = e.readQR("admin-mfa-qr")
		e.typeText(totp(t, elodieSecret, "now"))
		elodieStep = time.Now().Unix() / 30
		e.key("Return")
		e.waitEvent("mfa.enrolled", "elodie@lucioles.ca", 1)
		e.quit()

		// Lost phone: Élodie resets Karim with the technician's tool,
		// password and current code on standard input.
		out, err := e.adminTool("motdepasse-admin\n"+elodieCode()+"\n", "mfa", "reset", "--email", "karim@lucioles.ca", "--by", "elodie@lucioles.ca", "--json")
		if err != nil {
			t.Fatal(err)
		}
		code := reactivationCode(t, out)
		// She cannot reset her own.
		if _, err := e.adminTool("motdepasse-admin\n\n", "mfa", "reset", "--email", "elodie@lucioles.ca", "--by", "elodie@lucioles.ca"); err == nil {
			t.Fatal("an administrator reset her own MFA")
		}
		e.launch()
		e.signIn("karim@lucioles.ca", "girafe-verte-marche")
		// The code handed over in person comes before the QR code.
		e.reactivate("karim@lucioles.ca", code, 1)
		e.waitEvent("mfa.secret_created", "karim@lucioles.ca", 2)
		second := e.readQR("reset-notice-qr")
		if second == first {
			t.Fatal("the reset kept the old secret")
		}
		e.typeText(totp(t, second, "now + 30 seconds"))
		e.key("Return")
		e.waitEvent("mfa.enrolled", "karim@lucioles.ca", 2)
		e.quit()
	})

	t.Run("enforcement sends an employee to the QR code while a parent signs in as before", func(t *testing.T) {
		if _, err := e.adminTool("motdepasse-admin\n"+elodieCode()+"\n", "policy", "enforce-staff", "on", "--by", "elodie@lucioles.ca"); err != nil {
			t.Fatal(err)
		}
		e.launch()
		e.signIn("julie@lucioles.ca", "girafe-verte-marche")
		e.waitEvent("mfa.secret_created", "julie@lucioles.ca", 1)
		e.readQR("enforced-qr")
		e.quit()
		e.launch()
		e.signIn("chloe@parents.ca", "girafe-verte-marche")
		e.waitEvent("login.succeeded", "chloe@parents.ca", 1)
		e.quit()
	})
	t.Run("an account changed in the file cannot sign in; the administrator is warned; audit verify fails", func(t *testing.T) {
		if out, err := e.adminTool("", "audit", "verify"); err != nil {
			t.Fatalf("a clean database: %v\n%s", err, out)
		}
		db, err := sql.Open("sqlite3", "file:"+e.db+"?_busy_timeout=5000")
		if err != nil {
			t.Fatal(err)
		}
		if _, err := db.Exec(`UPDATE users SET role = 'admin' WHERE email = 'chloe@parents.ca'`); err != nil {
			t.Fatal(err)
		}
		db.Close()
		out, err := e.adminTool("", "audit", "verify", "--json")
		if err == nil || !strings.Contains(out, "chloe@parents.ca") {
			t.Fatalf("audit verify after the edit: %v\n%s", err, out)
		}
		signIns := func() int {
			n := 0
			for _, ev := range e.audit() {
				if ev.Event == "login.succeeded" && ev.Target == "chloe@parents.ca" {
					n++
				}
			}
			return n
		}
		before := signIns()
		e.launch()
		e.signIn("chloe@parents.ca", "girafe-verte-marche")
		e.waitEvent("login.refused", "chloe@parents.ca", 1)
		time.Sleep(500 * time.Millisecond)
		e.screenshot("tampered-signin")
		e.quit()
		if signIns() != before {
			t.Fatal("the changed account signed in")
		}
		e.launch()
		e.signIn("elodie@lucioles.ca", "motdepasse-admin")
		time.Sleep(700 * time.Millisecond)
		e.typeText(elodieCode())
		e.key("Return")
		e.waitEvent("mfa.code_accepted", "elodie@lucioles.ca", 1)
		time.Sleep(1500 * time.Millisecond)
		e.screenshot("tamper-banner")
		e.quit()
	})
	t.Run("a damaged database file gets a French dialog and is left untouched", func(t *testing.T) {
		bad := filepath.Join(e.dir, "endommagee.db")
		junk := []byte(strings.Repeat("pas une base de données\n", 300))
		if err := os.WriteFile(bad, junk, 0o600); err != nil {
			t.Fatal(err)
		}
		good := e.db
		e.db = bad
		e.launch()
		e.screenshot("damaged-db")
		e.quit()
		e.db = good
		if got, _ := os.ReadFile(bad); string(got) != string(junk) {
			t.Fatal("the damaged file was modified")
		}
		if !strings.Contains(e.guiLog.String(), "db_corrupt") {
			t.Fatalf("log: %s", e.guiLog)
		}
	})
	t.Logf("screenshots in %s", e.shots)
}
