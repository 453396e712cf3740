package main

import (
	"context"
	"encoding/json"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	apetitspas "github.com/apetitspas/apetitspas/app"
	"github.com/apetitspas/apetitspas/data"
)

func TestAddingAnAdministratorNeedsByAndTheAdministratorsMFAAndCode(t *testing.T) {
	db := setupA(t)
	addB := []string{"users", "add", "--role", "admin", "--email", "b@cpe.ca", "--name", "Admin B"}
	by := append(addB, "--by", "a@cpe.ca")

	// Without --by: wrong usage, whatever stdin says.
	if code, _, errs := runCLI(t, db, creds("", pw), addB...); code != 2 || !strings.Contains(errs, "--by") {
		t.Fatalf("without --by: %d %q", code, errs)
	}
	// Wrong credentials: nothing.
	if code, _, _ := runCLI(t, db, "mauvais-mot-de-passe\n\n"+pw+"\n", by...); code != 1 {
		t.Fatal("a wrong password was accepted")
	}
	// The right password, but a's own MFA is off: refused.
	code, _, errs := runCLI(t, db, creds("", pw), by...)
	if code != 1 || !strings.Contains(errs, "votre propre connexion multi-facteurs") {
		t.Fatalf("admin without MFA: %d %q", code, errs)
	}
	if got := emails(t, db); len(got) != 1 {
		t.Fatalf("accounts = %v", got)
	}
	svc := service(t, db)
	secret := enroll(t, svc, "a@cpe.ca")
	// MFA on, no code: refused.
	code, _, errs = runCLI(t, db, creds("", pw), by...)
	if code != 1 || !strings.Contains(errs, "code à 6 chiffres") {
		t.Fatalf("without the code: %d %q", code, errs)
	}
	// A wrong code: refused.
	if code, _, _ = runCLI(t, db, creds("000000", pw), by...); code != 1 {
		t.Fatal("a wrong code was accepted")
	}
	if got := emails(t, db); len(got) != 1 {
		t.Fatalf("accounts after refusals = %v", got)
	}
	// The code, and no third line: a temporary password, printed once, to
	// change at first sign-in.
	out := must(t, db, creds(codeFor(t, secret)), by...)
	if !strings.Contains(out, "Compte créé : b@cpe.ca (admin)") || !strings.Contains(out, "première connexion") {
		t.Fatalf("out = %q", out)
	}
	lines := strings.Split(strings.TrimSpace(out), "\n")
	temp := strings.TrimSpace(lines[len(lines)-1])
	sess, err := svc.Login(context.Background(), "b@cpe.ca", temp)
	if err != nil {
		t.Fatalf("the temporary password %q does not sign in: %v", temp, err)
	}
	if sess.Step() != apetitspas.StepNewPassword {
		t.Fatalf("step = %v, want a new password first", sess.Step())
	}
	if u := find(t, db, "b@cpe.ca"); u.Role != "admin" {
		t.Fatalf("b = %+v", u)
	}
	if !auditHas(t, db, "user.created", "b@cpe.ca") {
		t.Fatal("user.created not journaled")
	}
}

func TestImportWithAnAdministratorRowNeedsMFAAndACode(t *testing.T) {
	db := setupA(t)
	dir := t.TempDir()
	staff := filepath.Join(dir, "staff.csv")
	os.WriteFile(staff, []byte("role,email,name\nemployee,k@cpe.ca,Karim\nadmin,b@cpe.ca,Admin B\n"), 0o600)
	imp := []string{"users", "import", "--csv", staff, "--by", "a@cpe.ca"}

	code, _, errs := runCLI(t, db, creds(""), imp...)
	if code != 1 || !strings.Contains(errs, "votre propre connexion multi-facteurs") {
		t.Fatalf("admin row by an admin without MFA: %d %q", code, errs)
	}
	if got := emails(t, db); len(got) != 1 {
		t.Fatalf("accounts = %v", got)
	}
	secret := enroll(t, service(t, db), "a@cpe.ca")
	code, _, errs = runCLI(t, db, creds(""), imp...)
	if code != 1 || !strings.Contains(errs, "code à 6 chiffres") {
		t.Fatalf("without the code: %d %q", code, errs)
	}
	out := must(t, db, creds(codeFor(t, secret)), imp...)
	if !strings.Contains(out, "2 comptes créés") {
		t.Fatalf("out = %q", out)
	}
	if u := find(t, db, "b@cpe.ca"); u.Role != "admin" {
		t.Fatalf("b = %+v", u)
	}
}

func TestMFAResetFollowsTheTwoPersonRule(t *testing.T) {
	db, svc, secretA := daycare(t)
	enroll(t, svc, "k@cpe.ca")
	reset := func(target, by string) []string { return []string{"mfa", "reset", "--email", target, "--by", by} }

	// Oneself: refused, exit 1, whatever the credentials.
	code, _, errs := runCLI(t, db, creds(codeFor(t, secretA)), reset("A@cpe.ca", "a@cpe.ca")...)
	if code != 1 || !strings.Contains(errs, "Un autre administrateur doit réinitialiser votre AMF") {
		t.Fatalf("self reset: %d %q", code, errs)
	}
	if !auditHas(t, db, "authz.denied", "a@cpe.ca") {
		t.Fatal("the refused self-reset is not in the journal")
	}
	// A non-administrator: refused.
	if code, _, errs = runCLI(t, db, creds(""), reset("k@cpe.ca", "p@cpe.ca")...); code != 1 || !strings.Contains(errs, "Seuls les administrateurs") {
		t.Fatalf("parent reset: %d %q", code, errs)
	}
	// An administrator with MFA on without the code: refused.
	if code, _, errs = runCLI(t, db, creds(""), reset("k@cpe.ca", "a@cpe.ca")...); code != 1 || !strings.Contains(errs, "code à 6 chiffres") {
		t.Fatalf("without code: %d %q", code, errs)
	}
	// A wrong password: refused.
	if code, _, _ = runCLI(t, db, "mauvais-mot-de-passe\n"+codeFor(t, secretA)+"\n", reset("k@cpe.ca", "a@cpe.ca")...); code != 1 {
		t.Fatal("a wrong password reset someone")
	}
	// An administrator whose own MFA is off: refused.
	if code, _, errs = runCLI(t, db, creds(""), reset("k@cpe.ca", "b@cpe.ca")...); code != 1 || !strings.Contains(errs, "votre propre connexion multi-facteurs") {
		t.Fatalf("admin without MFA: %d %q", code, errs)
	}
	if status(t, db, "k@cpe.ca")["mfa"] != "on" {
		t.Fatal("a refused reset changed k")
	}
	// The other administrator, with her code: done.
	out := must(t, db, creds(codeFor(t, secretA)), reset("k@cpe.ca", "a@cpe.ca")...)
	if !strings.Contains(out, "AMF réinitialisée") {
		t.Fatalf("reset: %q", out)
	}
	st := status(t, db, "k@cpe.ca")
	if st["mfa"] != "pending" || st["reset_by"] != "a@cpe.ca" || st["locked"] != false || st["tampered"] != false {
		t.Fatalf("status = %v", st)
	}
	if !auditHas(t, db, "mfa.reset", "k@cpe.ca") {
		t.Fatal("mfa.reset not journaled")
	}
}

func TestPolicyEnforceStaffAndShow(t *testing.T) {
	db, svc, secretA := daycare(t)
	if code, _, errs := runCLI(t, db, creds(""), "policy", "enforce-staff", "on", "--by", "k@cpe.ca"); code != 1 {
		t.Fatalf("an employee enforced the policy: %q", errs)
	}
	if code, _, errs := runCLI(t, db, creds(""), "policy", "enforce-staff", "on", "--by", "b@cpe.ca"); code != 1 || !strings.Contains(errs, "votre propre connexion multi-facteurs") {
		t.Fatalf("an administrator without MFA enforced the policy: %q", errs)
	}
	out := must(t, db, creds(codeFor(t, secretA)), "policy", "enforce-staff", "on", "--by", "a@cpe.ca", "--grace-days", "3")
	if !strings.Contains(out, "imposée") {
		t.Fatalf("enforce: %q", out)
	}
	for email, want := range map[string]string{"a@cpe.ca": "on", "b@cpe.ca": "pending", "k@cpe.ca": "pending", "p@cpe.ca": "off"} {
		if got := status(t, db, email)["mfa"]; got != want {
			t.Errorf("%s: %v, want %s", email, got, want)
		}
	}
	var p map[string]any
	json.Unmarshal([]byte(must(t, db, "", "policy", "show", "--json")), &p)
	if p["enforce_staff"] != true || p["grace_days"] != float64(3) || p["since"] == "" || p["grace_ends"] == "" {
		t.Fatalf("policy = %v", p)
	}
	// A pending administrator is told to finish enrollment in the app first.
	code, _, errs := runCLI(t, db, creds(""), "policy", "enforce-staff", "off", "--by", "b@cpe.ca")
	if code != 1 || !strings.Contains(errs, "code QR") {
		t.Fatalf("off by a pending admin: %d %q", code, errs)
	}
	// Once enrolled, with the code: off, and nobody changes.
	secretB := enrollPending(t, svc, "b@cpe.ca")
	must(t, db, creds(codeFor(t, secretB)), "policy", "enforce-staff", "off", "--by", "b@cpe.ca")
	for email, want := range map[string]string{"a@cpe.ca": "on", "b@cpe.ca": "on", "k@cpe.ca": "pending", "p@cpe.ca": "off"} {
		if got := status(t, db, email)["mfa"]; got != want {
			t.Errorf("after off, %s: %v, want %s", email, got, want)
		}
	}
	if !auditHas(t, db, "policy.staff_mfa_enforced", "") {
		t.Fatal("policy.staff_mfa_enforced not journaled")
	}
}

func TestChangingARoleIsAStrongAction(t *testing.T) {
	db, _, secretA := daycare(t)
	promote := []string{"users", "role", "--email", "k@cpe.ca", "--role", "admin"}
	if code, _, errs := runCLI(t, db, creds(""), append(promote, "--by", "b@cpe.ca")...); code != 1 || !strings.Contains(errs, "votre propre connexion multi-facteurs") {
		t.Fatalf("by an admin without MFA: %d %q", code, errs)
	}
	if code, _, errs := runCLI(t, db, creds(""), "users", "role", "--email", "k@cpe.ca", "--role", "chef", "--by", "a@cpe.ca"); code != 1 || !strings.Contains(errs, "Rôle inconnu") {
		t.Fatalf("unknown role: %d %q", code, errs)
	}
	if u := find(t, db, "k@cpe.ca"); u.Role != "employee" {
		t.Fatalf("k = %+v", u)
	}
	out := must(t, db, creds(codeFor(t, secretA)), append(promote, "--by", "a@cpe.ca")...)
	if !strings.Contains(out, "k@cpe.ca est maintenant admin") {
		t.Fatalf("out = %q", out)
	}
	if u := find(t, db, "k@cpe.ca"); u.Role != "admin" {
		t.Fatalf("k = %+v", u)
	}
	// Nobody changes their own role.
	if code, _, errs := runCLI(t, db, creds(codeFor(t, secretA)), "users", "role", "--email", "a@cpe.ca", "--role", "parent", "--by", "a@cpe.ca"); code != 1 || !strings.Contains(errs, "votre propre rôle") {
		t.Fatalf("own role: %d %q", code, errs)
	}
}

func TestDisableEnableAndUnlock(t *testing.T) {
	db, _, _ := daycare(t)
	// b (MFA off) may do plain actions on a parent.
	must(t, db, creds(""), "users", "disable", "--email", "p@cpe.ca", "--by", "b@cpe.ca")
	if !find(t, db, "p@cpe.ca").Disabled {
		t.Fatal("p is not disabled")
	}
	must(t, db, creds(""), "users", "enable", "--email", "p@cpe.ca", "--by", "b@cpe.ca")
	if find(t, db, "p@cpe.ca").Disabled {
		t.Fatal("p is still disabled")
	}
	// Lock p with ten wrong passwords, then unlock.
	for i := 0; i < apetitspas.MaxFailedLogins; i++ {
		runCLI(t, db, "mauvais-mot-de-passe\n", "users", "unlock", "--email", "k@cpe.ca", "--by", "p@cpe.ca")
	}
	if !find(t, db, "p@cpe.ca").Locked {
		t.Fatal("p is not locked after ten wrong passwords")
	}
	out := must(t, db, creds(""), "users", "unlock", "--email", "p@cpe.ca", "--by", "b@cpe.ca")
	if !strings.Contains(out, "déverrouillé") || find(t, db, "p@cpe.ca").Locked {
		t.Fatalf("unlock: %q", out)
	}
	// Acting on another administrator is strong: b's MFA is off.
	if code, _, errs := runCLI(t, db, creds(""), "users", "disable", "--email", "a@cpe.ca", "--by", "b@cpe.ca"); code != 1 || !strings.Contains(errs, "votre propre connexion multi-facteurs") {
		t.Fatalf("b disabled a: %d %q", code, errs)
	}
	// Nobody disables themself.
	if code, _, errs := runCLI(t, db, creds(""), "users", "disable", "--email", "b@cpe.ca", "--by", "b@cpe.ca"); code != 1 || !strings.Contains(errs, "votre propre compte") {
		t.Fatalf("b disabled herself: %d %q", code, errs)
	}
}

// The other tests move a fake clock; the tool itself runs on the real one.
func TestTheToolWorksOnTheRealClock(t *testing.T) {
	db := setupA(t)
	clock = nil
	store, err := data.Open(db)
	if err != nil {
		t.Fatal(err)
	}
	defer store.Close()
	svc := apetitspas.New(apetitspas.Params{Store: store, Keys: data.NewKeyRing(os.Getenv("APETITSPAS_KEY_DIR"), false)})
	ctx := context.Background()
	sess, err := svc.Login(ctx, "a@cpe.ca", pw)
	if err != nil {
		t.Fatal(err)
	}
	if err := svc.RequestMFAActivation(ctx, sess); err != nil {
		t.Fatal(err)
	}
	if sess, err = svc.Login(ctx, "a@cpe.ca", pw); err != nil {
		t.Fatal(err)
	}
	en, err := svc.BeginEnrollment(ctx, sess)
	if err != nil {
		t.Fatal(err)
	}
	first, _ := apetitspas.TOTPCode(en.Secret, time.Now().Add(-30*time.Second), 6)
	if err := svc.ConfirmEnrollment(ctx, sess, first); err != nil {
		t.Fatal(err)
	}
	code, _ := apetitspas.TOTPCode(en.Secret, time.Now(), 6)
	must(t, db, creds(code, pw), "users", "add", "--role", "admin", "--email", "b@cpe.ca", "--name", "Admin B", "--by", "a@cpe.ca")
	// The same code again is a replay; the next step's code is accepted.
	if c, _, errs := runCLI(t, db, creds(code), "users", "role", "--email", "b@cpe.ca", "--role", "employee", "--by", "a@cpe.ca"); c != 1 {
		t.Fatalf("a replayed code was accepted: %q", errs)
	}
	next, _ := apetitspas.TOTPCode(en.Secret, time.Now().Add(30*time.Second), 6)
	must(t, db, creds(next), "users", "role", "--email", "b@cpe.ca", "--role", "employee", "--by", "a@cpe.ca")
}

// users erase: a strong action of an administrator (password and code);
// afterwards the person is nowhere in the file and audit verify passes.
func TestUsersErase(t *testing.T) {
	db, _, secretA := daycare(t)
	if code, _, errs := runCLI(t, db, creds(codeFor(t, secretA)), "users", "erase", "--email", "a@cpe.ca", "--by", "a@cpe.ca"); code != 1 || !strings.Contains(errs, "vos propres données") {
		t.Fatalf("own erasure: %d %q", code, errs)
	}
	if code, _, errs := runCLI(t, db, creds(""), "users", "erase", "--email", "p@cpe.ca", "--by", "b@cpe.ca"); code != 1 {
		t.Fatalf("b (MFA off) erased p: %d %q", code, errs)
	}
	out := must(t, db, creds(codeFor(t, secretA)), "users", "erase", "--json", "--email", "p@cpe.ca", "--by", "a@cpe.ca")
	var got struct {
		Email  string `json:"email"`
		Person int64  `json:"person"`
	}
	if err := json.Unmarshal([]byte(out), &got); err != nil || got.Email != "p@cpe.ca" || got.Person == 0 {
		t.Fatalf("json: %q %v", out, err)
	}
	for _, u := range list(t, db) {
		if u.Email == "p@cpe.ca" {
			t.Fatal("p is still listed")
		}
	}
	pIsGone(t, db)
}
