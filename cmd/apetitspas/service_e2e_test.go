//go:build e2e && linux

package main

import (
	"database/sql"
	"encoding/json"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
	"time"

	app "github.com/apetitspas/apetitspas/app"
	"github.com/apetitspas/apetitspas/cmd/internal/ostest"
	"github.com/apetitspas/apetitspas/data"
)

// The window as a client of the computer's service, for real: the service
// runs as a system account of its own; the window and the tool run as an
// ordinary Unix account under Xvfb. The first run is made in the window,
// the director turns her AMF on and scans the QR code (oathtool's codes),
// the tool imposes AMF on the staff, an employee enrolls in the window,
// the director resets her with the tool and writes a backup (hers, 0600);
// the service killed under the open window shows the waiting screen, and
// the window carries on when it is back (sign-in again: the sessions went
// with the process). Loi 25: a family that left gets her data (JSON and
// PDF), is erased, and neither the service's file, its -wal nor a backup
// made after holds her; an account changed in the file by the computer's
// administrator opens a draft in the register. The attacks on the files are TestTheServiceHoldsThe
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
	sock, dataDir := svc.Sock, svc.DataDir
	e.service = "unix:" + sock
	const director, pw = "elodie@lucioles.ca", "motdepasse-admin"

	personTool := func(t *testing.T, stdin string, args ...string) string {
		t.Helper()
		c := ostest.Command(person, append([]string{e.admin, "--service", e.service}, args...)...)
		c.Env, c.Stdin = e.env(), strings.NewReader(stdin)
		out, err := c.CombinedOutput()
		if err != nil {
			t.Fatalf("%v as %s: %v\n%s\nservice: %s", args, person, err, out, svc.Out.String())
		}
		return string(out)
	}
	top := t
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
		personTool(t, pw+"\n"+code()+"\ntrois-pommes-velo\n", "users", "add", "--role", "employee",
			"--email", "julie@lucioles.ca", "--name", "Julie Côté", "--by", director)
		personTool(t, pw+"\n"+code()+"\n", "policy", "enforce-staff", "on", "--by", director)
		e.launch()
		e.signIn("julie@lucioles.ca", "trois-pommes-velo")
		e.waitEvent("mfa.secret_created", "julie@lucioles.ca", 1)
		julie := e.readQR("service-enforced-qr")
		e.typeText(totp(t, julie, "now"))
		e.key("Return")
		e.waitEvent("mfa.enrolled", "julie@lucioles.ca", 1)
		e.quit()
		personTool(t, pw+"\n"+code()+"\n", "mfa", "reset", "--email", "julie@lucioles.ca", "--by", director)
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
		personTool(t, pw+"\n"+code()+"\nune phrase de passe assez longue\n", "backup", "--out", backup, "--by", director)
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
		// Started for the rest of the test (the next step needs it).
		svc = ostest.StartService(top, service, svcUser, work)
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

	t.Run("Loi 25: a family that left gets its data, is erased, and no file of the service holds it; a change in the file opens a draft incident", func(t *testing.T) {
		const family, name = "famille.gagnon@lucioles.ca", "Famille Gagnon"
		personTool(t, pw+"\n"+code()+"\ntrois-pommes-velo-bleu\n", "users", "add", "--role", "parent",
			"--email", family, "--name", name, "--by", director)
		// Her data, as JSON and PDF, the person's own files.
		export := filepath.Join(e.home, "donnees-gagnon")
		personTool(t, pw+"\n"+code()+"\n", "users", "export", "--email", family, "--out", export, "--by", director)
		for _, f := range []string{export + ".json", export + ".pdf"} {
			b, err := os.ReadFile(f)
			fi, _ := os.Stat(f)
			if err != nil || fi.Mode().Perm() != 0o600 {
				t.Fatalf("%s: %v %v", f, fi, err)
			}
			if strings.HasSuffix(f, ".pdf") && !strings.HasPrefix(string(b), "%PDF-") {
				t.Fatalf("%s is no PDF", f)
			}
			if strings.HasSuffix(f, ".json") && (!json.Valid(b) || !strings.Contains(string(b), family)) {
				t.Fatalf("%s: %s", f, b)
			}
		}
		personTool(t, pw+"\n"+code()+"\n", "users", "erase", "--email", family, "--by", director)
		// Nothing of her in the service's file, its -wal, or a backup made
		// now (opened with its passphrase).
		backup := filepath.Join(e.home, "apres-effacement.apetitspas")
		personTool(t, pw+"\n"+code()+"\nune phrase de passe assez longue\n", "backup", "--out", backup, "--by", director)
		opened := t.TempDir()
		if _, _, err := app.ReadBackupFile(backup, "une phrase de passe assez longue", opened, data.SchemaVersion); err != nil {
			t.Fatal(err)
		}
		db := filepath.Join(dataDir, "apetitspas.db")
		for _, f := range []string{db, db + "-wal", filepath.Join(opened, app.BackupDBName)} {
			b, err := os.ReadFile(f)
			if err != nil && !os.IsNotExist(err) {
				t.Fatal(err)
			}
			for _, what := range []string{family, name} {
				if strings.Contains(string(b), what) {
					t.Errorf("%s still holds %q", f, what)
				}
			}
		}
		if out, err := e.adminTool("", "audit", "verify", "--json"); err != nil || !strings.Contains(out, `"ok": true`) {
			t.Fatalf("audit verify after the erasure: %v %s", err, out)
		}
		// The computer's administrator changes an account in the file:
		// the check says so and the register has a draft.
		sq, err := sql.Open("sqlite3", "file:"+db+"?_busy_timeout=5000")
		if err != nil {
			t.Fatal(err)
		}
		if _, err := sq.Exec(`UPDATE users SET role = 'admin' WHERE email = 'julie@lucioles.ca'`); err != nil {
			t.Fatal(err)
		}
		sq.Close()
		if out, err := e.adminTool("", "audit", "verify", "--json"); err == nil {
			t.Fatalf("audit verify after the change: %s", out)
		}
		var reg []struct {
			Status       string `json:"status"`
			SourceEvent  string `json:"source_event"`
			SourceTarget string `json:"source_target"`
		}
		out := personTool(t, pw+"\n"+code()+"\n", "incidents", "list", "--json", "--by", director)
		if err := json.Unmarshal([]byte(out), &reg); err != nil {
			t.Fatalf("%v: %s", err, out)
		}
		found := false
		for _, x := range reg {
			found = found || (x.Status == "draft" && x.SourceEvent == "account.tampered" && x.SourceTarget == "julie@lucioles.ca")
		}
		if !found {
			t.Fatalf("no draft for the changed account: %s", out)
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
