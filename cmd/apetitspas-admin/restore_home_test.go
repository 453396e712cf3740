package main

import (
	"context"
	"encoding/json"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"testing"
	"time"

	apetitspas "github.com/apetitspas/apetitspas/app"
	"github.com/apetitspas/apetitspas/data"
)

// oathtool computes a code independently, for the real time at plus.
func oathtool(t *testing.T, secret string, plus time.Duration) string {
	t.Helper()
	out, err := exec.Command("oathtool", "--totp", "-b", "--now", "@"+strconv.FormatInt(time.Now().Add(plus).Unix(), 10), secret).Output()
	if err != nil {
		t.Fatalf("oathtool: %v", err)
	}
	return strings.TrimSpace(string(out))
}

// A backup restored by the real tool, as its own process, in a home
// folder that never saw the key: every enrolled account signs in with the
// next code oathtool computes.
func TestARestoreInAFreshHomeSignsEveryoneInWithOathtoolCodes(t *testing.T) {
	db, _, secretA := daycare(t)
	// Enrolled on the real clock, codes from oathtool.
	store, err := data.Open(db)
	if err != nil {
		t.Fatal(err)
	}
	real := apetitspas.New(apetitspas.Params{Store: store, Keys: data.NewKeyRing(os.Getenv("APETITSPAS_KEY_DIR"), false)})
	ctx := context.Background()
	secrets := map[string]string{}
	for _, email := range []string{"k@cpe.ca", "p@cpe.ca"} {
		s, err := real.Login(ctx, email, pw)
		if err == nil {
			err = real.RequestMFAActivation(ctx, s)
		}
		if err == nil {
			s, err = real.Login(ctx, email, pw)
		}
		var en apetitspas.Enrollment
		if err == nil {
			en, err = real.BeginEnrollment(ctx, s)
		}
		if err == nil {
			err = real.ConfirmEnrollment(ctx, s, oathtool(t, en.Secret, 0))
		}
		if err != nil {
			t.Fatalf("%s: %v", email, err)
		}
		secrets[email] = en.Secret
	}
	store.Close()
	file := filepath.Join(t.TempDir(), "garderie.apetitspas")
	must(t, db, creds(codeFor(t, secretA), passphrase), "backup", "--out", file, "--by", "a@cpe.ca")

	home := t.TempDir()
	argv, _ := json.Marshal([]string{"restore", "--from", file})
	cmd := exec.Command(os.Args[0])
	cmd.Env = []string{"APETITSPAS_AS_TOOL=" + string(argv), "HOME=" + home, "XDG_CONFIG_HOME=" + filepath.Join(home, ".config"),
		"APETITSPAS_KEYRING=file", "PATH=" + os.Getenv("PATH"), "LANG=fr_CA.UTF-8"}
	cmd.Stdin = strings.NewReader(passphrase + "\n")
	if out, err := cmd.CombinedOutput(); err != nil || !strings.Contains(string(out), "restaurée dans") {
		t.Fatalf("restore in a fresh home: %v\n%s", err, out)
	}
	target := filepath.Join(home, ".config", "apetitspas", "apetitspas.db")
	t.Setenv("XDG_CONFIG_HOME", filepath.Join(home, ".config"))
	t.Setenv("APETITSPAS_KEY_DIR", "")
	restored, err := data.Open(target)
	if err != nil {
		t.Fatal(err)
	}
	defer restored.Close()
	svc := apetitspas.New(apetitspas.Params{Store: restored, Keys: data.DefaultKeyRing(target)})
	for email, secret := range secrets {
		s, err := svc.Login(ctx, email, pw)
		if err != nil || s.Step() != apetitspas.StepCode {
			t.Fatalf("%s: %v, step %v", email, err, s.Step())
		}
		if err := svc.VerifyCode(ctx, s, oathtool(t, secret, 30*time.Second)); err != nil {
			t.Fatalf("%s with the next oathtool code after the restore: %v", email, err)
		}
	}
}
