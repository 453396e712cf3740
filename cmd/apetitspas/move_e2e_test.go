//go:build e2e

package main

import (
	"bytes"
	"context"
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

// The move of a daycare into the machine-wide place, with the real app:
// the user's own database (her administrator with AMF) is found at start
// while the configuration names an empty machine-wide place; the offer is
// answered by keyboard with the password and a code from oathtool; the app
// then signs her in on the machine-wide database; the old one, opened with
// --db, says where the daycare went.
func TestEndToEndMoveIntoTheMachineWidePlace(t *testing.T) {
	e := newE2E(t)
	const email, password = "elodie@lucioles.ca", "motdepasse-admin"
	own := filepath.Join(e.dir, "config", "apetitspas", "apetitspas.db")
	config := filepath.Join(e.dir, "etc", "apetitspas", "config.toml")
	shared := filepath.Join(e.dir, "machine", "data", "apetitspas.db")
	env := append(e.env(), "APETITSPAS_CONFIG="+config)
	tool := func(stdin string, args ...string) (string, error) {
		cmd := exec.Command(e.admin, args...)
		cmd.Env = env
		cmd.Stdin = strings.NewReader(stdin)
		out, err := cmd.CombinedOutput()
		return string(out), err
	}

	// The old installation: the daycare in her own folder, her AMF on
	// (through the services, with oathtool's code).
	if out, err := tool(password+"\n", "--db", own, "setup", "--daycare", "CPE Les Lucioles", "--email", email, "--name", "Élodie D'Amour"); err != nil {
		t.Fatalf("setup: %v\n%s", err, out)
	}
	var last int64
	secret := enrollOwn(t, own, filepath.Join(e.dir, "keys"), email, password, &last)
	// The new installation: a machine-wide configuration, nothing there yet.
	if err := data.WriteConfig(config, data.Config{DB: shared, KeyDir: filepath.Join(e.dir, "machine", "keys")}, 0o644); err != nil {
		t.Fatal(err)
	}

	launch := func(args ...string) (*exec.Cmd, *bytes.Buffer, chan struct{}) {
		t.Helper()
		gui := exec.Command(e.app, args...)
		gui.Env = env
		log := &bytes.Buffer{}
		gui.Stdout, gui.Stderr = log, log
		if err := gui.Start(); err != nil {
			t.Fatal(err)
		}
		exited := make(chan struct{})
		go func() { gui.Wait(); close(exited) }()
		t.Cleanup(func() { gui.Process.Kill(); <-exited })
		deadline := time.Now().Add(30 * time.Second)
		for time.Now().Before(deadline) {
			out, _ := e.xdo("search", "--onlyvisible", "--name", "petits pas")
			if id := strings.TrimSpace(out); id != "" {
				e.windowID = strings.Fields(id)[0]
				e.xdo("mousemove", "--window", e.windowID, "500", "150")
				time.Sleep(700 * time.Millisecond)
				return gui, log, exited
			}
			time.Sleep(50 * time.Millisecond)
		}
		t.Fatalf("the window did not appear; log:\n%s", log)
		return nil, nil, nil
	}
	journal := func(event string) string {
		out, _ := tool("", "audit", "--json", "--event", event)
		return out
	}
	waitFor := func(event, want string) {
		t.Helper()
		for deadline := time.Now().Add(30 * time.Second); time.Now().Before(deadline); time.Sleep(300 * time.Millisecond) {
			if strings.Contains(journal(event), want) {
				return
			}
		}
		e.screenshot("move-failure")
		t.Fatalf("no %s for %s in the machine-wide journal:\n%s", event, want, journal(""))
	}

	// No --db: the offer, answered by keyboard.
	gui, log, exited := launch()
	e.screenshot("move-offer")
	e.typeText(email)
	e.key("Return")
	e.typeText(password)
	e.key("Return")
	e.typeText(e.nextCode(secret, &last))
	e.key("Return")
	waitFor("data.moved", email)
	time.Sleep(500 * time.Millisecond)
	e.screenshot("move-done")
	if _, err := os.Stat(shared); err != nil {
		t.Fatalf("the machine-wide database: %v", err)
	}
	// The sign-in screen, her e-mail filled in: the password, then a code.
	e.typeText(password)
	e.key("Return")
	time.Sleep(800 * time.Millisecond)
	e.typeText(e.nextCode(secret, &last))
	e.key("Return")
	waitFor("mfa.code_accepted", email)
	e.screenshot("move-signed-in")
	gui.Process.Kill()
	<-exited
	if strings.Contains(log.String(), "panic") {
		t.Fatalf("app log:\n%s", log)
	}
	if out, err := tool("", "audit", "verify", "--json"); err != nil || !strings.Contains(out, `"ok": true`) {
		t.Errorf("audit verify of the machine-wide daycare: %v\n%s", err, out)
	}

	// The old database, opened on purpose, says where the daycare went.
	_, log, exited = launch("--db", own)
	e.screenshot("move-old")
	select {
	case <-exited:
	case <-time.After(2 * time.Second):
	}
	if !strings.Contains(log.String(), "db_moved") || !strings.Contains(log.String(), shared) {
		t.Errorf("the old database did not say where the daycare went:\n%s", log)
	}
}

// enrollOwn turns email's AMF on in the database at path through the
// services (the QR code is the main end-to-end test's business) and
// returns the secret; the code comes from oathtool.
func enrollOwn(t *testing.T, path, keyDir, email, password string, last *int64) string {
	t.Helper()
	db, err := data.Open(path)
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	svc := apetitspas.New(apetitspas.Params{Store: db, Keys: data.NewKeyRing(keyDir, false)})
	ctx := context.Background()
	sess, err := svc.Login(ctx, email, password)
	if err != nil {
		t.Fatal(err)
	}
	if err := svc.RequestMFAActivation(ctx, sess); err != nil {
		t.Fatal(err)
	}
	if sess, err = svc.Login(ctx, email, password); err != nil {
		t.Fatal(err)
	}
	en, err := svc.BeginEnrollment(ctx, sess)
	if err != nil {
		t.Fatal(err)
	}
	step := time.Now().Unix() / 30
	*last = step
	if err := svc.ConfirmEnrollment(ctx, sess, totp(t, en.Secret, "@"+strconv.FormatInt(step*30, 10))); err != nil {
		t.Fatal(err)
	}
	return en.Secret
}
