package app_test

import (
	"context"
	"fmt"
	"os"
	"os/exec"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/apetitspas/apetitspas/app"
	"github.com/apetitspas/apetitspas/data"
)

// The lockout must hold when many processes (the technician's tool run
// many times at once, or two copies of the app) guess at the same time.
// The test binary runs itself as the child processes.

const (
	hammerDB      = "APETITSPAS_HAMMER_DB"
	hammerThreads = "APETITSPAS_HAMMER_GOROUTINES"
	hammerTries   = "APETITSPAS_HAMMER_TRIES"
	hammerBusyOK  = "APETITSPAS_HAMMER_BUSY_OK"
	hammerKeys    = "APETITSPAS_HAMMER_KEYS"
)

// TestHammerChild is the body of one child process; in a normal run (no
// hammerDB in the environment) it has nothing to do and returns.
func TestHammerChild(t *testing.T) {
	path := os.Getenv(hammerDB)
	if path == "" {
		return
	}
	goroutines, _ := strconv.Atoi(os.Getenv(hammerThreads))
	tries, _ := strconv.Atoi(os.Getenv(hammerTries))
	db, err := data.Open(path)
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	svc := app.New(app.Params{Store: db, Keys: data.NewKeyRing(os.Getenv(hammerKeys), false)})
	var wg sync.WaitGroup
	var mu sync.Mutex
	busy := 0
	for g := 0; g < goroutines; g++ {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for i := 0; i < tries; i++ {
				_, err := svc.Login(context.Background(), "p@cpe.ca", fmt.Sprintf("mauvais-%d-%d-%d", os.Getpid(), g, i))
				switch r := app.ErrorReason(err); {
				case r == app.ReasonBadCredentials || r == app.ReasonAccountLocked:
				case r == app.ReasonStorage && os.Getenv(hammerBusyOK) != "":
					// The database stayed busy past its timeout: refused
					// unjudged (counted by the benchmark).
					mu.Lock()
					busy++
					mu.Unlock()
				default:
					t.Errorf("attempt: %v", err)
				}
			}
		}()
	}
	wg.Wait()
	fmt.Printf("busy=%d\n", busy)
}

// hammer runs procs processes of goroutines goroutines, each trying tries
// wrong passwords on one account, and returns how many were judged.
func hammer(t testing.TB, procs, goroutines, tries int, busyOK bool) (judged, busy int, elapsed time.Duration) {
	t.Helper()
	e := newEnv(t)
	e.clock = nil
	e.svc = app.New(app.Params{Store: e.db, Keys: e.keys}) // the real clock, like the children
	e.tr = app.NewTrusted(e.svc)
	if _, err := e.svc.CreateUserForTest(e.ctx, app.NewUser{Role: app.RoleParent, Email: "p@cpe.ca", Name: "P", Password: goodPassword}); err != nil {
		t.Fatal(err)
	}
	start := time.Now()
	var wg sync.WaitGroup
	errs := make([]error, procs)
	busies := make([]int, procs)
	for p := 0; p < procs; p++ {
		wg.Add(1)
		go func() {
			defer wg.Done()
			cmd := exec.Command(os.Args[0], "-test.run=^TestHammerChild$", "-test.count=1")
			cmd.Env = append(os.Environ(), hammerDB+"="+e.path, hammerKeys+"="+e.kit.KeyDir,
				hammerThreads+"="+strconv.Itoa(goroutines), hammerTries+"="+strconv.Itoa(tries))
			if busyOK {
				cmd.Env = append(cmd.Env, hammerBusyOK+"=1")
			}
			out, err := cmd.CombinedOutput()
			if err != nil {
				errs[p] = fmt.Errorf("child %d: %v\n%s", p, err, out)
			}
			if _, rest, ok := strings.Cut(string(out), "busy="); ok {
				busies[p], _ = strconv.Atoi(strings.Fields(rest)[0])
			}
		}()
	}
	wg.Wait()
	elapsed = time.Since(start)
	for p, err := range errs {
		if err != nil {
			t.Fatal(err)
		}
		busy += busies[p]
	}
	return judgedWrong(t, e), busy, elapsed
}

func TestTheLockoutHoldsAcrossProcesses(t *testing.T) {
	procs, goroutines, tries := 6, 4, 3 // 72 wrong guesses at once
	if testing.Short() {
		procs, goroutines = 3, 2 // 18: still more than ten
	}
	judged, _, _ := hammer(t, procs, goroutines, tries, false)
	if judged > app.MaxFailedLogins {
		t.Fatalf("%d wrong passwords judged in one lock window by %d processes × %d goroutines, want at most %d",
			judged, procs, goroutines, app.MaxFailedLogins)
	}
	if judged < app.MaxFailedLogins {
		t.Fatalf("only %d judged: the test did not reach the lock", judged)
	}
}

// BenchmarkLockoutAcrossProcesses reports the figure of the issue:
// APETITSPAS_HAMMER_PROCS processes (default 100) × 4 goroutines × 2 wrong
// passwords each; "judged" must stay at or below 10. "busy" counts the
// attempts refused unjudged because the database stayed locked past its
// busy timeout (30 s) under that load.
//
//	go test -run '^$' -bench LockoutAcrossProcesses -benchtime 1x ./app/
func BenchmarkLockoutAcrossProcesses(b *testing.B) {
	procs := 100
	if n, err := strconv.Atoi(os.Getenv("APETITSPAS_HAMMER_PROCS")); err == nil && n > 0 {
		procs = n
	}
	for i := 0; i < b.N; i++ {
		judged, busy, elapsed := hammer(b, procs, 4, 2, true)
		b.ReportMetric(float64(judged), "judged")
		b.ReportMetric(float64(busy), "busy")
		b.ReportMetric(float64(procs*4*2), "attempts")
		b.ReportMetric(elapsed.Seconds(), "s/run")
		if judged > app.MaxFailedLogins {
			b.Fatalf("%d judged", judged)
		}
	}
}
