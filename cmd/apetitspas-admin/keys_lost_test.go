package main

import (
	"context"
	"encoding/json"
	"os"
	"path/filepath"
	"runtime"
	"strings"
	"testing"
	"time"

	apetitspas "github.com/apetitspas/apetitspas/app"
)

// The lone director lost the key and her paper codes: the technician
// replaces the key with --recovery-codes-lost, the computer's
// administrator rights and a real reason; the refusal without it names
// the option; the statement is journaled.
func TestKeysReplaceBreakGlassWithRecoveryCodesLost(t *testing.T) {
	db, svc, secretA := daycare(t)
	ctx := context.Background()
	sess, err := svc.SignInAdmin(ctx, "a@cpe.ca", pw, codeFor(t, secretA))
	if err != nil {
		t.Fatal(err)
	}
	if _, err := svc.NewRecoveryCodes(ctx, sess, pw, ""); err != nil {
		t.Fatal(err)
	}
	os.RemoveAll(os.Getenv("APETITSPAS_KEY_DIR"))
	const reason = "la directrice a perdu la clé et ses codes de récupération"
	replace := func(extra ...string) (int, string, string) {
		return runCLI(t, db, "", append([]string{"keys", "replace", "--break-glass", "--reason", reason}, extra...)...)
	}
	asOSUser(t, apetitspas.OSUser{Name: "root (sudo: technicien)", Elevated: true})
	code, _, errs := replace()
	if code != 1 || !strings.Contains(errs, "encore des codes de récupération") || !strings.Contains(errs, "--recovery-codes-lost") {
		t.Fatalf("without the statement: %d %q", code, errs)
	}
	if code, _, _ := runCLI(t, db, "", "keys", "replace", "--by", "a@cpe.ca", "--recovery-codes-lost"); code != exitUsage {
		t.Fatalf("--recovery-codes-lost with --by: exit %d", code)
	}
	asOSUser(t, apetitspas.OSUser{Name: "secretaire"})
	if code, _, errs := replace("--recovery-codes-lost"); code != 1 || !strings.Contains(errs, "droits d'administrateur") {
		t.Fatalf("not elevated: %d %q", code, errs)
	}
	asOSUser(t, apetitspas.OSUser{Name: "root (sudo: technicien)", Elevated: true})
	if code, _, errs := runCLI(t, db, "", "keys", "replace", "--break-glass", "--reason", "urgence", "--recovery-codes-lost"); code != 1 || !strings.Contains(errs, "une vraie phrase") {
		t.Fatalf("no real reason: %d %q", code, errs)
	}
	if evs := journal(t, db, "mfa.key_replaced"); len(evs) != 0 {
		t.Fatalf("replaced by a refused command: %v", evs)
	}
	code, out, errs := replace("--recovery-codes-lost")
	if code != 0 || !strings.Contains(out, "Nouvelle clé de sécurité en place") {
		t.Fatalf("with the statement: %d %q %q", code, out, errs)
	}
	evs := journal(t, db, "mfa.key_replaced")
	if len(evs) != 1 || evs[0]["fields.recovery_codes_lost"] != "true" || evs[0]["fields.recovery_codes_of"] != "a@cpe.ca" ||
		evs[0]["fields.os_user"] != "root (sudo: technicien)" || evs[0]["fields.reason"] != reason {
		t.Fatalf("journal: %v", evs)
	}
	if code, _, _ := verify(t, db); code != 0 {
		t.Fatal("audit verify after the replacement")
	}
	if st := status(t, db, "a@cpe.ca"); st["mfa"] != "pending" {
		t.Fatalf("a@cpe.ca: %v", st)
	}
}

// A replaced key resets every AMF: the tool prints each account's
// reactivation code for the technician to hand over (a table; with
// --json the field reactivation_codes), each journaled
// mfa.reactivation_code_created, and the code lets its person on to a
// new QR code. Before, no code was made and nothing was printed.
func TestKeysReplaceBreakGlassPrintsAReactivationCodePerResetAccount(t *testing.T) {
	for _, asJSON := range []bool{false, true} {
		t.Run(map[bool]string{false: "table", true: "json"}[asJSON], func(t *testing.T) {
			db, svc, secretA := daycare(t)
			enroll(t, svc, "k@cpe.ca")
			os.RemoveAll(os.Getenv("APETITSPAS_KEY_DIR"))
			asOSUser(t, apetitspas.OSUser{Name: "root (sudo: technicien)", Elevated: true})
			args := []string{"keys", "replace", "--break-glass", "--recovery-codes-lost", "--reason",
				"le disque est mort et aucune sauvegarde ne contient la clé"}
			if asJSON {
				args = append(args, "--json")
			}
			out := must(t, db, "", args...)
			codes := map[string]string{}
			if asJSON {
				var got struct {
					Pending int `json:"pending"`
					Codes   []struct {
						Email     string `json:"email"`
						Code      string `json:"code"`
						ExpiresAt string `json:"expires_at"`
					} `json:"reactivation_codes"`
				}
				if err := json.Unmarshal([]byte(out), &got); err != nil {
					t.Fatalf("%v: %q", err, out)
				}
				for _, c := range got.Codes {
					at, err := time.Parse(time.RFC3339, c.ExpiresAt)
					if err != nil || !at.Equal(testClock.Now().Add(apetitspas.ReactivationTTL).Truncate(time.Second)) {
						t.Fatalf("expires_at %q: %v", c.ExpiresAt, err)
					}
					codes[c.Email] = c.Code
				}
				if got.Pending != 2 {
					t.Fatalf("pending %d", got.Pending)
				}
			} else {
				if !strings.Contains(out, "Nouvelle clé de sécurité en place") || !strings.Contains(out, "Codes de réactivation") ||
					!strings.Contains(out, "Courriel") || !strings.Contains(out, "Valide jusqu'au") {
					t.Fatalf("output %q", out)
				}
				for _, line := range strings.Split(out, "\n") {
					if f := strings.Fields(line); len(f) >= 3 && strings.Contains(f[0], "@") {
						codes[f[0]] = f[1]
					}
				}
			}
			if len(codes) != 2 || codes["a@cpe.ca"] == "" || codes["k@cpe.ca"] == "" {
				t.Fatalf("codes %v in %q", codes, out)
			}
			evs := journal(t, db, apetitspas.EventReactivationCodeCreated)
			if len(evs) != 2 {
				t.Fatalf("mfa.reactivation_code_created × %d", len(evs))
			}
			for _, ev := range evs {
				if codes[ev["target"]] == "" || ev["fields.by"] != apetitspas.KeyReplacedActor {
					t.Fatalf("event %v", ev)
				}
			}
			// Karim signs in with his password and the code read out to
			// him: on to the new QR code.
			svc = service(t, db)
			ctx := context.Background()
			sess, err := svc.Login(ctx, "k@cpe.ca", pw)
			if err != nil || sess.Step() != apetitspas.StepReactivate {
				t.Fatalf("step %v %v", sess.Step(), err)
			}
			if err := svc.UseReactivationCode(ctx, sess, codes["k@cpe.ca"]); err != nil || sess.Step() != apetitspas.StepEnroll {
				t.Fatalf("reactivation code: %v, step %v", err, sess.Step())
			}
			_ = secretA
		})
	}
}

// --codes-out writes the table into a file readable by its owner only;
// the terminal shows no code.
func TestKeysReplaceBreakGlassWritesTheCodesToAnOwnerOnlyFile(t *testing.T) {
	db, svc, _ := daycare(t)
	enroll(t, svc, "k@cpe.ca")
	os.RemoveAll(os.Getenv("APETITSPAS_KEY_DIR"))
	asOSUser(t, apetitspas.OSUser{Name: "root (sudo: technicien)", Elevated: true})
	file := filepath.Join(t.TempDir(), "codes.txt")
	out := must(t, db, "", "keys", "replace", "--break-glass", "--recovery-codes-lost", "--reason",
		"le disque est mort et aucune sauvegarde ne contient la clé", "--codes-out", file)
	b, err := os.ReadFile(file)
	if err != nil {
		t.Fatal(err)
	}
	fi, _ := os.Stat(file)
	if runtime.GOOS != "windows" && fi.Mode().Perm() != 0o600 {
		t.Fatalf("mode %v", fi.Mode().Perm())
	}
	if !strings.Contains(string(b), "k@cpe.ca") || !strings.Contains(string(b), "a@cpe.ca") || !strings.Contains(out, file) {
		t.Fatalf("file %q, output %q", b, out)
	}
	for _, line := range strings.Split(string(b), "\n") {
		if f := strings.Fields(line); len(f) >= 3 && strings.Contains(f[0], "@") && strings.Contains(out, f[1]) {
			t.Fatalf("a code on the terminal: %q", out)
		}
	}
}
