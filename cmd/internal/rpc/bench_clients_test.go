//go:build cgo

package rpc

import (
	"bufio"
	"context"
	"fmt"
	"io"
	"os"
	"os/exec"
	"slices"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/apetitspas/apetitspas/app"
	"github.com/apetitspas/apetitspas/data/datatest"
)

// Issue 16's figure "many people sign in at once": n separate processes
// (20 by default), each a client of one service, sign in together with a
// password and a 6-digit code; the same n sign-ins in one process
// (app.Local, n goroutines) for comparison. Passwords are checked with
// argon2id at the service's real cost (DefaultArgon2): that is most of a
// sign-in's work, on as many cores as the computer has.
//
// Run by .ci/bench-service.sh against the real apetitspas-service it
// started (the variables below); without them the service is one served
// by this test process over a socket, on a daycare of the test kit.
//
// Metrics, per sub-benchmark: wall-ms, the median over the rounds of the
// time from "go" to the last of the n signed in; p50-ms and p95-ms, one
// sign-in (Login then VerifyCode) as each client timed it, over every
// round; for the processes, start-ms, the median time from starting the n
// processes to all of them connected (Hello answered), not counted in
// wall-ms. ns/op is one round (wall).
const (
	// benchServiceEnv is the address of a running service (unix:PATH).
	benchServiceEnv = "APETITSPAS_BENCH_SERVICE"
	// benchAdminEnv and benchAdminPasswordEnv are an administrator of
	// that service's daycare whose MFA is off (she creates the accounts).
	benchAdminEnv         = "APETITSPAS_BENCH_ADMIN"
	benchAdminPasswordEnv = "APETITSPAS_BENCH_ADMIN_PASSWORD"
	// benchClientsEnv is how many sign in at once (default 20).
	benchClientsEnv = "APETITSPAS_BENCH_CLIENTS"
	// benchChildEnv, in a child's environment, is what it signs in with:
	// address, e-mail, password and TOTP secret, tab-separated.
	benchChildEnv = "APETITSPAS_BENCH_CHILD"
)

// benchAccount is one person of the benchmark, MFA on.
type benchAccount struct{ email, password, secret string }

func BenchmarkTwentyClientsSignIn(b *testing.B) {
	n := 20
	if v := os.Getenv(benchClientsEnv); v != "" {
		var err error
		if n, err = strconv.Atoi(v); err != nil || n < 1 {
			b.Fatalf("%s=%q", benchClientsEnv, v)
		}
	}
	b.Run("service-processes", func(b *testing.B) {
		addr := os.Getenv(benchServiceEnv)
		admin, adminPW := os.Getenv(benchAdminEnv), os.Getenv(benchAdminPasswordEnv)
		// advance moves the service's clock on: the real one by waiting,
		// the kit's fake one at once.
		advance := func() { time.Sleep(100 * time.Millisecond) }
		var api *Client
		if addr == "" {
			d := datatest.NewDaycare(b, datatest.Options{}) // Argon2 zero: the service's own cost
			path, h := NewHandler(app.NewLocal(d.Svc, false), "bench")
			addr = serveHTTP(b, b.TempDir(), "apetitspas.sock", path, h)
			api = newTestClient(b, addr)
			if _, err := api.Setup(b.Context(), "CPE", app.NewUser{Email: dirEmail, Name: "Diane", Password: pw1}, pw1); err != nil {
				b.Fatal(err)
			}
			admin, adminPW = dirEmail, pw1
			advance = func() { d.Clock.Advance(app.CodePeriod) }
		} else {
			api = newTestClient(b, addr)
		}
		ctx := context.Background()
		accounts := enrollForBench(b, ctx, api, admin, adminPW, n)
		var signIns, walls, starts []time.Duration
		for b.Loop() {
			b.StopTimer()
			nextCodeStep(ctx, api, advance)
			t0 := time.Now()
			kids := startSignInChildren(b, addr, accounts)
			starts = append(starts, time.Since(t0))
			b.StartTimer()
			wall, took := kids.release(b)
			b.StopTimer()
			kids.wait(b)
			walls, signIns = append(walls, wall), append(signIns, took...)
			b.StartTimer()
		}
		reportSignIns(b, walls, signIns)
		b.ReportMetric(msOf(median(starts)), "start-ms")
	})
	b.Run("in-process-goroutines", func(b *testing.B) {
		d := datatest.NewDaycare(b, datatest.Options{})
		s := localSideOf(b, d)
		ctx, api := s.ctx, s.api
		if _, err := api.Setup(ctx, "CPE", app.NewUser{Email: dirEmail, Name: "Diane", Password: pw1}, pw1); err != nil {
			b.Fatal(err)
		}
		accounts := enrollForBench(b, ctx, api, dirEmail, pw1, n)
		advance := func() { d.Clock.Advance(app.CodePeriod) }
		var signIns, walls []time.Duration
		for b.Loop() {
			b.StopTimer()
			nextCodeStep(ctx, api, advance)
			start := make(chan struct{})
			took := make([]time.Duration, len(accounts))
			handles := make([]*app.Handle, len(accounts))
			errs := make(chan error, len(accounts))
			var wg sync.WaitGroup
			for i, a := range accounts {
				wg.Go(func() {
					<-start
					t1 := time.Now()
					h, err := signInWithCode(ctx, api, a)
					took[i], handles[i] = time.Since(t1), h
					if err != nil {
						errs <- fmt.Errorf("%s: %w", a.email, err)
					}
				})
			}
			b.StartTimer()
			t0 := time.Now()
			close(start)
			wg.Wait()
			wall := time.Since(t0)
			b.StopTimer()
			close(errs)
			for err := range errs {
				b.Fatal(err)
			}
			for _, h := range handles {
				api.Logout(ctx, h, app.EventLogout)
			}
			walls, signIns = append(walls, wall), append(signIns, took...)
			b.StartTimer()
		}
		reportSignIns(b, walls, signIns)
	})
}

// signInWithCode is one person's sign-in: her password, then the code her
// phone shows at the service's time.
func signInWithCode(ctx context.Context, api app.API, a benchAccount) (*app.Handle, error) {
	h, err := api.Login(ctx, a.email, a.password)
	if err != nil {
		return nil, err
	}
	if h.Step() != app.StepCode {
		return h, fmt.Errorf("step %v after the password, want the code", h.Step())
	}
	code, err := app.TOTPCode(a.secret, api.Now(), app.CodeDigits)
	if err != nil {
		return h, err
	}
	return h, api.VerifyCode(ctx, h, code)
}

// enrollForBench makes n parents with a password of their own and turns
// their MFA on through the API, as a person does: sign-in, activation,
// sign-in again, QR code (its secret), first code. admin's MFA is off.
// The e-mails are new each time (a service may serve several runs).
func enrollForBench(b *testing.B, ctx context.Context, api app.API, admin, adminPW string, n int) []benchAccount {
	b.Helper()
	if admin == "" || adminPW == "" {
		b.Fatalf("%s and %s name the service's administrator", benchAdminEnv, benchAdminPasswordEnv)
	}
	ah, err := api.Login(ctx, admin, adminPW)
	if err != nil {
		b.Fatalf("the administrator's sign-in: %v", err)
	}
	if ah.Step() != app.StepSignedIn {
		b.Fatalf("the administrator is at step %v after her password (her MFA must be off)", ah.Step())
	}
	defer api.Logout(ctx, ah, app.EventLogout)
	tag := strconv.FormatInt(time.Now().UnixNano()%1e9, 36)
	accounts := make([]benchAccount, n)
	for i := range accounts {
		a := benchAccount{email: fmt.Sprintf("banc%03d-%s@banc.ca", i, tag), password: fmt.Sprintf("mot-de-passe-banc-%03d", i)}
		if _, err := api.CreateAccount(ctx, ah, app.NewUser{Role: app.RoleParent, Email: a.email,
			Name: fmt.Sprintf("Parent Banc %03d", i), Password: a.password}, ""); err != nil {
			b.Fatalf("create %s: %v", a.email, err)
		}
		h, err := api.Login(ctx, a.email, a.password)
		if err != nil {
			b.Fatal(err)
		}
		if err := api.RequestMFAActivation(ctx, h); err != nil {
			b.Fatal(err)
		}
		api.Logout(ctx, h, app.EventLogout)
		if h, err = api.Login(ctx, a.email, a.password); err != nil {
			b.Fatal(err)
		}
		en, err := api.BeginEnrollment(ctx, h)
		if err != nil {
			b.Fatalf("enrollment of %s: %v", a.email, err)
		}
		a.secret = en.Secret
		code, err := app.TOTPCode(a.secret, api.Now(), app.CodeDigits)
		if err != nil {
			b.Fatal(err)
		}
		if err := api.ConfirmEnrollment(ctx, h, code); err != nil {
			b.Fatalf("first code of %s: %v", a.email, err)
		}
		api.Logout(ctx, h, app.EventLogout)
		accounts[i] = a
	}
	return accounts
}

// nextCodeStep waits until the service's clock is in a time step after
// the one it is in now: every code accepted so far is older, so the next
// ones are no replays (a code is accepted once).
func nextCodeStep(ctx context.Context, api app.API, advance func()) {
	now := func() int64 {
		api.DaycareName(ctx) // a client learns the service's clock from an answer
		return api.Now().Unix() / int64(app.CodePeriod/time.Second)
	}
	for last := now(); now() <= last; {
		advance()
	}
}

// signInChildren are the processes of one round, each connected and
// waiting for "go" on its standard input.
type signInChildren struct {
	cmds    []*exec.Cmd
	stdin   []io.WriteCloser
	lines   chan string
	readers sync.WaitGroup // one a child, until its standard output ends
}

// startSignInChildren starts one process per account (this test binary,
// TestSignInChild) and returns once each has said "ready".
func startSignInChildren(b *testing.B, addr string, accounts []benchAccount) *signInChildren {
	b.Helper()
	k := &signInChildren{lines: make(chan string, 16*len(accounts))}
	for _, a := range accounts {
		cmd := exec.Command(os.Args[0], "-test.run=^TestSignInChild$", "-test.count=1")
		cmd.Env = append(os.Environ(), benchChildEnv+"="+strings.Join([]string{addr, a.email, a.password, a.secret}, "\t"))
		cmd.Stderr = os.Stderr
		in, err := cmd.StdinPipe()
		if err != nil {
			b.Fatal(err)
		}
		out, err := cmd.StdoutPipe()
		if err != nil {
			b.Fatal(err)
		}
		k.cmds, k.stdin = append(k.cmds, cmd), append(k.stdin, in)
		k.readers.Go(func() {
			s := bufio.NewScanner(out)
			for s.Scan() {
				select {
				case k.lines <- s.Text():
				default: // never blocks the child (the test framework's own lines)
				}
			}
		})
	}
	for _, cmd := range k.cmds {
		if err := cmd.Start(); err != nil {
			b.Fatal(err)
		}
	}
	b.Cleanup(func() {
		for _, cmd := range k.cmds {
			if cmd.ProcessState == nil {
				cmd.Process.Kill()
				cmd.Wait()
			}
		}
	})
	k.expect(b, "ready", func(string) {})
	return k
}

// expect waits for one line starting with prefix from each child; any
// "error" line fails the benchmark.
func (k *signInChildren) expect(b *testing.B, prefix string, each func(rest string)) {
	b.Helper()
	timeout := time.After(5 * time.Minute)
	for got := 0; got < len(k.cmds); {
		select {
		case l := <-k.lines:
			switch {
			case strings.HasPrefix(l, "error"):
				b.Fatalf("a child: %s", l)
			case strings.HasPrefix(l, prefix):
				each(strings.TrimSpace(strings.TrimPrefix(l, prefix)))
				got++
			}
		case <-timeout:
			b.Fatalf("%d of %d children said %q", got, len(k.cmds), prefix)
		}
	}
}

// release tells every child "go" and waits for all to be signed in: the
// time until the last one, and each one's sign-in as it timed it.
func (k *signInChildren) release(b *testing.B) (time.Duration, []time.Duration) {
	b.Helper()
	t0 := time.Now()
	for _, in := range k.stdin {
		if _, err := io.WriteString(in, "go\n"); err != nil {
			b.Fatal(err)
		}
	}
	var last int64
	var took []time.Duration
	k.expect(b, "signed-in", func(rest string) {
		var end, ns int64
		if _, err := fmt.Sscan(rest, &end, &ns); err != nil {
			b.Fatalf("a child's line %q: %v", rest, err)
		}
		last = max(last, end)
		took = append(took, time.Duration(ns))
	})
	return time.Unix(0, last).Sub(t0), took
}

// wait lets the children sign out and end.
func (k *signInChildren) wait(b *testing.B) {
	b.Helper()
	for _, in := range k.stdin {
		in.Close()
	}
	k.readers.Wait() // Wait closes the pipes: read them to their end first
	for _, cmd := range k.cmds {
		if err := cmd.Wait(); err != nil {
			b.Fatalf("a child: %v", err)
		}
	}
}

// TestSignInChild is one client of BenchmarkTwentyClientsSignIn, in a
// process of its own; by itself it does nothing. It connects (Hello, as
// the window does before its sign-in screen), says "ready", and on "go"
// signs in with the password and the code of the moment, then prints
// "signed-in END DURATION" (Unix nanoseconds, nanoseconds) and signs out.
func TestSignInChild(t *testing.T) {
	v := os.Getenv(benchChildEnv)
	if v == "" {
		t.Skip("a child of BenchmarkTwentyClientsSignIn")
	}
	f := strings.Split(v, "\t")
	if len(f) != 4 {
		t.Fatalf("%s has %d fields", benchChildEnv, len(f))
	}
	fail := func(err error) {
		fmt.Println("error", f[1], err)
		t.Fatal(err)
	}
	c, err := NewClient(f[0])
	if err != nil {
		fail(err)
	}
	defer c.Close()
	ctx := context.Background()
	if _, err := c.Hello(ctx, "bench"); err != nil {
		fail(err)
	}
	fmt.Println("ready")
	in := bufio.NewReader(os.Stdin)
	if l, err := in.ReadString('\n'); err != nil || l != "go\n" {
		fail(fmt.Errorf("read %q (%v), want go", l, err))
	}
	t1 := time.Now()
	h, err := signInWithCode(ctx, c, benchAccount{email: f[1], password: f[2], secret: f[3]})
	t2 := time.Now()
	if err != nil {
		fail(err)
	}
	fmt.Println("signed-in", t2.UnixNano(), t2.Sub(t1).Nanoseconds())
	io.Copy(io.Discard, in) // the parent closes stdin once all are in
	if err := c.Logout(ctx, h, app.EventLogout); err != nil {
		fail(err)
	}
}

func reportSignIns(b *testing.B, walls, signIns []time.Duration) {
	slices.Sort(signIns)
	b.ReportMetric(msOf(median(walls)), "wall-ms")
	b.ReportMetric(msOf(nearestRank(signIns, 0.50)), "p50-ms")
	b.ReportMetric(msOf(nearestRank(signIns, 0.95)), "p95-ms")
	b.ReportMetric(float64(len(signIns)), "sign-ins")
}

func median(ds []time.Duration) time.Duration {
	s := slices.Sorted(slices.Values(ds))
	return nearestRank(s, 0.5)
}

// nearestRank is the q-quantile of sorted (nearest-rank method).
func nearestRank(sorted []time.Duration, q float64) time.Duration {
	if len(sorted) == 0 {
		return 0
	}
	i := int(q*float64(len(sorted))+0.999999) - 1
	return sorted[max(0, min(i, len(sorted)-1))]
}

func msOf(d time.Duration) float64 { return float64(d) / float64(time.Millisecond) }
