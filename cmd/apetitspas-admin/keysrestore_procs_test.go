package main

import (
	"context"
	"encoding/json"
	"os"
	"os/exec"
	"strconv"
	"strings"
	"sync"
	"testing"

	apetitspas "github.com/apetitspas/apetitspas/app"
)

// Issue 15, items 2 and 3, with real processes of the tool (this test
// binary run as apetitspas-admin), as someone at the PC would start them:
// many `keys replace --by` at once with one recovery code bring the key
// back once; many wrong passwords at once while the key is missing are
// judged at most ten times, then refused for 15 minutes.

// toolProcess is the tool as a separate process on db, on the test clock,
// with this test's key folder and configuration folder (its witness).
func toolProcess(db, stdin string, args ...string) *exec.Cmd {
	argv, _ := json.Marshal(append([]string{"--db", db}, args...))
	cmd := exec.Command(os.Args[0])
	cmd.Env = append(os.Environ(), "APETITSPAS_AS_TOOL="+string(argv),
		"APETITSPAS_TOOL_CLOCK="+strconv.FormatInt(testClock.Now().Unix(), 10))
	cmd.Stdin = strings.NewReader(stdin)
	return cmd
}

// lostKey is daycare() with a@cpe.ca's recovery codes, and the key gone.
func lostKey(t *testing.T) (db string, codes []string) {
	db, svc, secretA := daycare(t)
	ctx := context.Background()
	sess, err := svc.SignInAdmin(ctx, "a@cpe.ca", pw, codeFor(t, secretA))
	if err != nil {
		t.Fatal(err)
	}
	if codes, err = svc.NewRecoveryCodes(ctx, sess, pw, ""); err != nil {
		t.Fatal(err)
	}
	os.RemoveAll(os.Getenv("APETITSPAS_KEY_DIR"))
	return db, codes
}

// runAll starts n tool processes at once and returns their exit codes and
// standard errors.
func runAll(t *testing.T, n int, start func(i int) *exec.Cmd) ([]int, []string) {
	cmds := make([]*exec.Cmd, n)
	errs := make([]strings.Builder, n)
	for i := range cmds {
		cmds[i] = start(i)
		cmds[i].Stderr = &errs[i]
	}
	var wg sync.WaitGroup
	for _, c := range cmds {
		if err := c.Start(); err != nil {
			t.Fatal(err)
		}
	}
	codes := make([]int, n)
	for i, c := range cmds {
		wg.Add(1)
		go func(i int, c *exec.Cmd) {
			defer wg.Done()
			c.Wait()
			codes[i] = c.ProcessState.ExitCode()
		}(i, c)
	}
	wg.Wait()
	out := make([]string, n)
	for i := range errs {
		out[i] = errs[i].String()
	}
	return codes, out
}

func TestOneRecoveryCodeBringsTheKeyBackOnceAcrossProcesses(t *testing.T) {
	db, codes := lostKey(t)
	const n = 20
	exits, errs := runAll(t, n, func(int) *exec.Cmd {
		return toolProcess(db, pw+"\n"+codes[3]+"\n", "keys", "replace", "--by", "a@cpe.ca")
	})
	wins := 0
	for i, code := range exits {
		switch {
		case code == 0:
			wins++
		case code == 1 && errs[i] != "":
		default:
			t.Fatalf("process %d: exit %d %q", i, code, errs[i])
		}
	}
	t.Logf("%d processes with one recovery code: %d brought the key back", n, wins)
	if wins != 1 {
		t.Fatalf("%d processes with one code: %d successes", n, wins)
	}
	_, out, _ := runCLI(t, db, "", "audit", "--json", "--event", apetitspas.EventKeyRestored)
	var evs []map[string]any
	if err := json.Unmarshal([]byte(out), &evs); err != nil || len(evs) != 1 {
		t.Fatalf("mfa.key_restored: %v %s", err, out)
	}
}

func TestWrongPasswordsAtOnceAreJudgedAtMostTenTimesAcrossProcesses(t *testing.T) {
	db, codes := lostKey(t)
	n := 100
	if testing.Short() {
		n = 25
	}
	exits, errs := runAll(t, n, func(i int) *exec.Cmd {
		return toolProcess(db, "mauvais-mot-de-passe-"+strconv.Itoa(i)+"\n"+codes[0]+"\n", "keys", "replace", "--by", "a@cpe.ca")
	})
	judged, locked := 0, 0
	for i, code := range exits {
		switch {
		case code == 1 && strings.Contains(errs[i], "ne permettent pas de retrouver la clé"):
			judged++
		case code == 1 && strings.Contains(errs[i], "Trop de tentatives"):
			locked++
		default:
			t.Fatalf("process %d: exit %d %q", i, code, errs[i])
		}
	}
	// Her right password and code are refused too while it is locked.
	code, _, stderr := runCLI(t, db, pw+"\n"+codes[0]+"\n", "keys", "replace", "--by", "a@cpe.ca")
	if code != 1 || !strings.Contains(stderr, "Trop de tentatives") {
		t.Fatalf("while locked: %d %q", code, stderr)
	}
	testClock.Advance(16 * 60 * 1e9)
	must(t, db, pw+"\n"+codes[0]+"\n", "keys", "replace", "--by", "a@cpe.ca")
	_, out, _ := runCLI(t, db, "", "audit", "--json", "--event", apetitspas.EventKeyRestoreFailed)
	var evs []map[string]any
	if err := json.Unmarshal([]byte(out), &evs); err != nil {
		t.Fatal(err)
	}
	t.Logf("%d processes with wrong passwords: %d judged (%d journaled once the key was back), %d refused unjudged", n, judged+1, len(evs), locked-1)
	if len(evs) > apetitspas.MaxFailedLogins || len(evs) != judged+1 || judged+locked != n {
		t.Fatalf("%d journaled, %d refused, %d locked", len(evs), judged, locked)
	}
}
