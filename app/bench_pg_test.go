package app_test

import (
	"context"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/apetitspas/apetitspas/app"
	"github.com/apetitspas/apetitspas/data"
	"github.com/apetitspas/apetitspas/data/datatest"
)

// The figures of the PostgreSQL issue (make bench-pg, on a throwaway
// server from .ci/with-pg.sh):
//
//	.ci/with-pg.sh go test -run '^$' -bench 'SignInPCs' -benchtime 10x ./app/
//	.ci/with-pg.sh env APETITSPAS_TEST_STORE=postgres go test -run '^$' -bench 'LockoutSpread' -benchtime 1x ./app/

// timedStore measures the time a PC spends in its store's transactions
// (waiting for the server and the write lock included): the part of a
// sign-in the shared server is responsible for, apart from the argon2id
// work each PC does on its own processor.
type timedStore struct {
	app.Store
	spent time.Duration
}

func (s *timedStore) View(ctx context.Context, fn func(app.Tx) error) error {
	t0 := time.Now()
	err := s.Store.View(ctx, fn)
	s.spent += time.Since(t0)
	return err
}

func (s *timedStore) Update(ctx context.Context, fn func(app.Tx) error) error {
	t0 := time.Now()
	err := s.Store.Update(ctx, fn)
	s.spent += time.Since(t0)
	return err
}

// percentile is the q-quantile (0 < q ≤ 1) of sorted durations, in
// milliseconds (nearest rank).
func percentile(sorted []time.Duration, q float64) float64 {
	if len(sorted) == 0 {
		return 0
	}
	i := int(float64(len(sorted))*q+0.999999) - 1
	i = max(0, min(i, len(sorted)-1))
	return float64(sorted[i].Microseconds()) / 1000
}

// BenchmarkSignInPCs is a whole sign-in with AMF (Login, then VerifyCode
// with the next code), with the service's default argon2id costs, by pcs
// "PCs" at once: each its own *data.DB (its own connection pool, as a
// separate app process would have) and its own account, all starting
// together; b.N sign-ins per PC. It reports the median and the 95th
// percentile of one sign-in (p50-ms, p95-ms) and of the time spent in
// the store's transactions alone (tx-p50-ms, tx-p95-ms).
//
// On this machine the argon2id work of every PC shares the same two
// cores: with 20 PCs, the whole sign-in measures mostly that contention,
// which real PCs, each with its own processor, do not have; the tx
// figures are the server's share.
func BenchmarkSignInPCs(b *testing.B) {
	b.Run("engine=sqlite/pcs=1", func(b *testing.B) {
		benchSignIn(b, filepath.Join(b.TempDir(), "apetitspas.db"), 1, app.Argon2Params{})
	})
	b.Run("engine=postgres/pcs=1", func(b *testing.B) {
		benchSignIn(b, datatest.NewPGDaycareDB(b).AppURL, 1, app.Argon2Params{})
	})
	b.Run("engine=postgres/pcs=20", func(b *testing.B) {
		benchSignIn(b, datatest.NewPGDaycareDB(b).AppURL, 20, app.Argon2Params{})
	})
	// The same with the passwords hashed at a tiny cost: what is left is
	// the server and its one writer at a time, as 20 PCs each with its
	// own processor would see it (add one PC's argon2id time,
	// engine=sqlite/pcs=1 minus its tx time).
	b.Run("engine=postgres/pcs=20/argon2=quick", func(b *testing.B) {
		benchSignIn(b, datatest.NewPGDaycareDB(b).AppURL, 20, datatest.QuickArgon2)
	})
}

// benchSignIn: the accounts' passwords hashed with costs (the service's
// default when zero).
func benchSignIn(b *testing.B, path string, pcs int, costs app.Argon2Params) {
	ctx := context.Background()
	d := &datatest.Daycare{T: b, Path: path, KeyDir: filepath.Join(b.TempDir(), "keys"),
		Clock: datatest.NewClockAt(time.Now().UTC()), Secrets: map[string]string{}}
	d.Keys = data.NewKeyRing(d.KeyDir, false)
	d.Open()
	b.Cleanup(func() { d.DB.Close() })
	d.Svc = app.New(app.Params{Store: d.DB, Keys: d.Keys, Now: d.Clock.Now, Argon2: costs})
	emails := make([]string, pcs)
	for p := range pcs {
		emails[p] = fmt.Sprintf("pc%02d@cpe.ca", p)
		if _, err := d.Svc.CreateUserForTest(ctx, app.NewUser{Role: app.RoleEmployee, Email: emails[p],
			Name: fmt.Sprintf("Poste %d", p), Password: datatest.Password}); err != nil {
			b.Fatal(err)
		}
		d.Enroll(emails[p])
	}

	// Each PC: its own pool, store and service, and a clock of its own
	// that moves one code period before each sign-in (a new code each
	// time, never a replay; its account signs in on that PC only).
	type pcRun struct {
		store *timedStore
		svc   *app.Service
		clock *datatest.Clock
		total []time.Duration
		tx    []time.Duration
		err   error
	}
	runs := make([]*pcRun, pcs)
	for p := range pcs {
		db, err := data.Open(path)
		if err != nil {
			b.Fatal(err)
		}
		b.Cleanup(func() { db.Close() })
		r := &pcRun{store: &timedStore{Store: db}, clock: datatest.NewClockAt(d.Clock.Now())}
		r.svc = app.New(app.Params{Store: r.store, Keys: data.NewKeyRing(d.KeyDir, false), Now: r.clock.Now})
		// A first sign-in outside the figures: the pool's connection.
		if _, err := r.svc.Login(ctx, "personne@cpe.ca", "mauvais-mot-de-passe"); app.ErrorReason(err) != app.ReasonBadCredentials {
			b.Fatal(err)
		}
		runs[p] = r
	}
	start := make(chan struct{})
	var wg sync.WaitGroup
	b.ResetTimer()
	for p, r := range runs {
		wg.Add(1)
		go func() {
			defer wg.Done()
			<-start
			for range b.N {
				now := r.clock.Advance(app.CodePeriod)
				code, err := app.TOTPCode(d.Secrets[emails[p]], now, app.CodeDigits)
				if err != nil {
					r.err = err
					return
				}
				r.store.spent = 0
				t0 := time.Now()
				sess, err := r.svc.Login(ctx, emails[p], datatest.Password)
				if err == nil {
					err = r.svc.VerifyCode(ctx, sess, code)
				}
				elapsed := time.Since(t0)
				if err == nil && sess.Step() != app.StepSignedIn {
					err = fmt.Errorf("step %v", sess.Step())
				}
				if err != nil {
					r.err = fmt.Errorf("PC %d: %w", p, err)
					return
				}
				r.total = append(r.total, elapsed)
				r.tx = append(r.tx, r.store.spent)
			}
		}()
	}
	close(start)
	wg.Wait()
	b.StopTimer()
	var total, tx []time.Duration
	for _, r := range runs {
		if r.err != nil {
			b.Fatal(r.err)
		}
		total, tx = append(total, r.total...), append(tx, r.tx...)
	}
	slices.Sort(total)
	slices.Sort(tx)
	b.ReportMetric(percentile(total, 0.5), "p50-ms")
	b.ReportMetric(percentile(total, 0.95), "p95-ms")
	b.ReportMetric(percentile(tx, 0.5), "tx-p50-ms")
	b.ReportMetric(percentile(tx, 0.95), "tx-p95-ms")
	b.ReportMetric(float64(len(total)), "sign-ins")
}

// The lockout across 4 processes × 16 connections: each child process
// opens one *data.DB per goroutine (16 pools, 16 server connections) and
// every goroutine tries wrong passwords on one account at once.
const (
	spreadURL   = "APETITSPAS_SPREAD_DB"
	spreadKeys  = "APETITSPAS_SPREAD_KEYS"
	spreadConns = "APETITSPAS_SPREAD_CONNS"
	spreadTries = "APETITSPAS_SPREAD_TRIES"
)

// TestLockoutSpreadChild is one child process of BenchmarkLockoutSpread;
// without spreadURL in the environment it has nothing to do.
func TestLockoutSpreadChild(t *testing.T) {
	path := os.Getenv(spreadURL)
	if path == "" {
		return
	}
	conns, _ := strconv.Atoi(os.Getenv(spreadConns))
	tries, _ := strconv.Atoi(os.Getenv(spreadTries))
	svcs := make([]*app.Service, conns)
	for c := range conns {
		db, err := data.Open(path)
		if err != nil {
			t.Fatal(err)
		}
		defer db.Close()
		svcs[c] = app.New(app.Params{Store: db, Keys: data.NewKeyRing(os.Getenv(spreadKeys), false)})
	}
	var wg sync.WaitGroup
	var mu sync.Mutex
	busy := 0
	for c, svc := range svcs {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for i := range tries {
				_, err := svc.Login(context.Background(), "p@cpe.ca", fmt.Sprintf("mauvais-%d-%d-%d", os.Getpid(), c, i))
				switch r := app.ErrorReason(err); r {
				case app.ReasonBadCredentials, app.ReasonAccountLocked:
				case app.ReasonStorage:
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

// BenchmarkLockoutSpread: wrong passwords on one account from 4 processes
// × 16 connections (APETITSPAS_SPREAD_PROCS, APETITSPAS_SPREAD_CONNS,
// APETITSPAS_SPREAD_TRIES to change them; 4 × 16 × 4 = 256 attempts by
// default), all inside one lock window. "judged" (wrong passwords actually
// checked) must stay at or below 10. On the engine of the test run
// (APETITSPAS_TEST_STORE=postgres for the server).
func BenchmarkLockoutSpread(b *testing.B) {
	procs := figureEnv("APETITSPAS_SPREAD_PROCS", 4)
	conns := figureEnv("APETITSPAS_SPREAD_CONNS", 16)
	tries := figureEnv("APETITSPAS_SPREAD_TRIES", 4)
	for range b.N {
		e := newEnv(b)
		e.clock = nil
		e.svc = app.New(app.Params{Store: e.db, Keys: e.keys}) // the real clock, like the children
		e.tr = app.NewTrusted(e.svc)
		if _, err := e.svc.CreateUserForTest(e.ctx, app.NewUser{Role: app.RoleParent, Email: "p@cpe.ca", Name: "P", Password: goodPassword}); err != nil {
			b.Fatal(err)
		}
		start := time.Now()
		var wg sync.WaitGroup
		outs := make([]string, procs)
		errs := make([]error, procs)
		for p := range procs {
			wg.Add(1)
			go func() {
				defer wg.Done()
				cmd := exec.Command(os.Args[0], "-test.run=^TestLockoutSpreadChild$", "-test.count=1")
				cmd.Env = append(os.Environ(), spreadURL+"="+e.path, spreadKeys+"="+e.kit.KeyDir,
					spreadConns+"="+strconv.Itoa(conns), spreadTries+"="+strconv.Itoa(tries))
				out, err := cmd.CombinedOutput()
				outs[p] = string(out)
				if err != nil {
					errs[p] = fmt.Errorf("child %d: %v\n%s", p, err, out)
				}
			}()
		}
		wg.Wait()
		elapsed := time.Since(start)
		busy := 0
		for p, err := range errs {
			if err != nil {
				b.Fatal(err)
			}
			if _, rest, ok := strings.Cut(outs[p], "busy="); ok {
				n, _ := strconv.Atoi(strings.Fields(rest)[0])
				busy += n
			}
		}
		if elapsed >= app.LockDuration {
			b.Fatalf("the run took %v, longer than one lock window", elapsed)
		}
		judged := judgedWrong(b, e)
		b.ReportMetric(float64(judged), "judged")
		b.ReportMetric(float64(busy), "busy")
		b.ReportMetric(float64(procs*conns*tries), "attempts")
		b.ReportMetric(elapsed.Seconds(), "s/run")
		if judged > app.MaxFailedLogins {
			b.Fatalf("%d wrong passwords judged in one lock window, want at most %d", judged, app.MaxFailedLogins)
		}
		if judged < app.MaxFailedLogins {
			b.Fatalf("only %d judged: the run did not reach the lock", judged)
		}
	}
}

func figureEnv(name string, def int) int {
	if n, err := strconv.Atoi(os.Getenv(name)); err == nil && n > 0 {
		return n
	}
	return def
}
