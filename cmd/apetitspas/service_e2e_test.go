//go:build e2e && linux

package main

import (
	"encoding/json"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/apetitspas/apetitspas/cmd/internal/ostest"
)

// The window as a client of the computer's service, for real: the service
// runs as a system account of its own; the window and the tool run as an
// ordinary Unix account under Xvfb. The first run is made in the window,
// the director turns her AMF on and scans the QR code (oathtool's codes),
// the tool imposes AMF on the staff, an employee enrolls in the window,
// the director resets her with the tool and writes a backup (hers, 0600);
// the service killed under the open window shows the waiting screen, and
// the window carries on when it is back (sign-in again: the sessions went
// with the process). The attacks on the files are TestTheServiceHoldsThe
// DataAgainstAnOrdinaryAccount's (make service-users).
//
// Run by `make service-e2e` (part of make test), as root: it adds two
// accounts to this computer and removes them.
func TestEndToEndThroughTheService(t *testing.T) {
	ostest.Need(t, "zbarimg", "oathtool")
	e := newE2E(t)
	// The binaries and the screenshots' folder are the person's to run and
	// read: the test's folders open (the data is in the service's folder).
	ostest.Open(t, filepath.Dir(e.dir))
	ostest.Open(t, e.dir)
	service := filepath.Join(e.dir, "apetitspas-service")
	cmd := exec.Command("go", "build", "-o", service, "./cmd/apetitspas-service")
	cmd.Dir = filepath.Join("..", "..")
	if b, err := cmd.CombinedOutput(); err != nil {
		t.Fatalf("build the service: %v\n%s", err, b)
	}
	work := filepath.Join(e.dir, "service")
	ostest.Open(t, work)
	e.home = filepath.Join(e.dir, "home")
	svcUser, person := ostest.Accounts(t, e.home)
	e.person = person
	svc := ostest.StartService(t, service, svcUser, work)
	sock, dataDir, svcOut := svc.Sock, svc.DataDir, svc.Out
	e.service = "unix:" + sock
	const director, pw = "elodie@lucioles.ca", "motdepasse-admin"

	personTool := func(stdin string, args ...string) string {
		t.Helper()
		c := ostest.Command(person, append([]string{e.admin, "--service", e.service}, args...)...)
		c.Env, c.Stdin = e.env(), strings.NewReader(stdin)
		out, err := c.CombinedOutput()
		if err != nil {
			t.Fatalf("%v as %s: %v\n%s\nservice: %s", args, person, err, out, svcOut.String())
		}
		return string(out)
	}
	var secret string
	var step int64
	code := func() string { return e.nextCode(secret, &step) }

	t.Run("the first run in the window, as an ordinary account", func(t *testing.T) {
		e.launch()
		e.screenshot("service-setup")
		for _, field := range []string{"CPE Les Lucioles", "Nadia Lévesque", director, pw, pw} {
			e.typeText(field)
			e.key("Return")
		}
		e.waitEvent("setup.completed", "", 1) // its actor is the director; no target
		time.Sleep(500 * time.Millisecond)
		// The sign-in screen, the e-mail filled in, the cursor in the
		// password.
		e.typeText(pw)
		e.key("Return")
		e.waitEvent("login.succeeded", director, 1)
		time.Sleep(500 * time.Millisecond)
		e.screenshot("service-accueil")
		e.activateInMonCompte(director, "service-mfa")
		e.quit()
	})

	t.Run("the director scans her QR code and signs in with oathtool's codes", func(t *testing.T) {
		e.launch()
		e.signIn(director, pw)
		e.waitEvent("mfa.secret_created", director, 1)
		secret = e.readQR("service-qr")
		step = time.Now().Unix() / 30
		e.typeText(totp(t, secret, "now"))
		e.key("Return")
		e.waitEvent("mfa.enrolled", director, 1)
		e.quit()
		e.launch()
		e.signIn(director, pw)
		time.Sleep(700 * time.Millisecond)
		e.typeText(code())
		e.key("Return")
		e.waitEvent("mfa.code_accepted", director, 1)
		e.quit()
	})

	t.Run("the tool imposes AMF; an employee enrolls in the window; the director resets her", func(t *testing.T) {
		personTool(pw+"\n"+code()+"\ntrois-pommes-velo\n", "users", "add", "--role", "employee",
			"--email", "julie@lucioles.ca", "--name", "Julie Côté", "--by", director)
		personTool(pw+"\n"+code()+"\n", "policy", "enforce-staff", "on", "--by", director)
		e.launch()
		e.signIn("julie@lucioles.ca", "trois-pommes-velo")
		e.waitEvent("mfa.secret_created", "julie@lucioles.ca", 1)
		julie := e.readQR("service-enforced-qr")
		e.typeText(totp(t, julie, "now"))
		e.key("Return")
		e.waitEvent("mfa.enrolled", "julie@lucioles.ca", 1)
		e.quit()
		personTool(pw+"\n"+code()+"\n", "mfa", "reset", "--email", "julie@lucioles.ca", "--by", director)
		e.waitEvent("mfa.reset", "julie@lucioles.ca", 1)
		out, err := e.adminTool("", "mfa", "status", "--email", "julie@lucioles.ca", "--json")
		var st struct {
			MFA string `json:"mfa"`
		}
		if err != nil || json.Unmarshal([]byte(out), &st) != nil || st.MFA == "on" {
			t.Fatalf("after the reset: %v %s", err, out)
		}
	})

	t.Run("a backup through the service is the person's file", func(t *testing.T) {
		backup := filepath.Join(e.home, "sauvegarde.apetitspas")
		personTool(pw+"\n"+code()+"\nune phrase de passe assez longue\n", "backup", "--out", backup, "--by", director)
		fi, err := os.Stat(backup)
		if err != nil || fi.Mode().Perm() != 0o600 || fi.Size() == 0 {
			t.Fatalf("the backup: %v %v", fi, err)
		}
		if owner, _ := exec.Command("stat", "-c", "%U", backup).Output(); strings.TrimSpace(string(owner)) != person {
			t.Fatalf("the backup belongs to %s", owner)
		}
		// Its passphrase is stretched at age's own work factor (2^18): the
		// real program, not a test's cheaper one.
		head, _ := os.ReadFile(backup)
		if line := scryptStanza(head); !strings.HasSuffix(line, " 18") {
			t.Fatalf("the backup's scrypt stanza is %q, want work factor 18", line)
		}
		// The person opens none of the service's files.
		for _, p := range []string{dataDir, filepath.Join(dataDir, "apetitspas.db"), filepath.Join(dataDir, "keys")} {
			if err := ostest.Command(person, "ls", p).Run(); err == nil {
				t.Errorf("%s reads %s", person, p)
			}
		}
	})

	t.Run("the service killed under the open window: the waiting screen, then the window carries on", func(t *testing.T) {
		e.launch()
		e.signIn(director, pw)
		time.Sleep(700 * time.Millisecond)
		e.typeText(code())
		e.key("Return")
		e.waitEvent("mfa.code_accepted", director, 2)
		time.Sleep(500 * time.Millisecond)
		// The service goes; a click on the menu asks it for nothing, so
		// open Mon compte (it asks the service).
		svc.Kill()
		e.xdo("mousemove", "--window", e.windowID, "22", "22", "click", "1")
		time.Sleep(300 * time.Millisecond)
		e.xdo("mousemove", "--window", e.windowID, "80", "676", "click", "1")
		time.Sleep(1500 * time.Millisecond)
		e.screenshot("service-lost")
		svc = ostest.StartService(t, service, svcUser, work)
		// The window tries again by itself within 5 seconds; the sign-in
		// went with the old process: the sign-in screen, the e-mail filled
		// in, the cursor in the password.
		time.Sleep(7 * time.Second)
		e.screenshot("service-back")
		e.typeText(pw)
		e.key("Return")
		time.Sleep(700 * time.Millisecond)
		e.typeText(code())
		e.key("Return")
		e.waitEvent("mfa.code_accepted", director, 3)
		e.quit()
		out, err := e.adminTool("", "audit", "verify", "--json")
		if err != nil || !strings.Contains(out, `"ok": true`) {
			t.Fatalf("audit verify: %v %s", err, out)
		}
	})
}

// scryptStanza is the "-> scrypt SALT LOGN" line of an age file's header.
func scryptStanza(b []byte) string {
	for _, l := range strings.SplitN(string(b[:min(len(b), 512)]), "\n", 8) {
		if strings.HasPrefix(l, "-> scrypt ") {
			return l
		}
	}
	return ""
}
