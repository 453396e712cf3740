//go:build unix

package main

// Issue 16, "Faults": the service killed (SIGKILL) at random moments
// during MFA resets, imports and backups leaves no corrupt file and no
// illegal state, and every client recovers; a client killed in the middle
// of one of them leaves nothing half-done either.
//
// Both campaigns run the real service binary on one data folder, set up
// through the service (a director and other administrators with their AMF
// on, employees with theirs, a parent), with the real clock: the
// administrators take turns signing in so that no TOTP code is used twice
// (a code is accepted once per 30-second step). After each kill, with no
// service running, this process looks at the files:
//
//   - PRAGMA integrity_check on the database opened read-only, before
//     anything else opens it; the witness file reads;
//   - audit verification (every MAC, the journal chain, the state root)
//     with the service folder's key ring, as `apetitspas-admin audit
//     verify` does;
//   - each import is wholly there (every account and its user.created
//     event) or wholly absent; each reset is done (AMF pending and one
//     mfa.reset event) or not (AMF on, no event); each backup file is
//     absent or complete and opens (its database passing integrity_check),
//     with no temporary file beside it;
//   - what the client was told agrees: an action answered "done" is done.
//
// Then the service starts again on the same folder and socket, the same
// client signs in again, and the next run begins.
//
// APETITSPAS_FAULT_RUNS and APETITSPAS_FAULT_CLIENT_RUNS change the number
// of runs, APETITSPAS_FAULT_SEED replays a campaign's random choices.

import (
	"bufio"
	"context"
	"database/sql"
	"encoding/json"
	"errors"
	"fmt"
	"math/rand"
	"os"
	"os/exec"
	"path/filepath"
	"slices"
	"sort"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"syscall"
	"testing"
	"time"

	_ "github.com/mattn/go-sqlite3"

	apetitspas "github.com/apetitspas/apetitspas/app"
	"github.com/apetitspas/apetitspas/assets"
	"github.com/apetitspas/apetitspas/cmd/internal/rpc"
	"github.com/apetitspas/apetitspas/data"
)

const (
	faultRunsEnv       = "APETITSPAS_FAULT_RUNS"
	faultClientRunsEnv = "APETITSPAS_FAULT_CLIENT_RUNS"
	faultSeedEnv       = "APETITSPAS_FAULT_SEED"
	// faultChildEnv, in a child's environment, makes TestFaultClientChild
	// the client that TestKillingAClientMidActionLeavesNothingHalfDone kills.
	faultChildEnv = "APETITSPAS_FAULT_CHILD"

	faultPassword   = "un mot de passe assez long"
	faultPassphrase = "une phrase de passe assez longue"
	faultImportRows = 12
	backupName      = "sauvegarde.apetitspas"
)

// faultRuns is the number of runs: normal, or short under -short, or the
// environment's.
func faultRuns(t *testing.T, env string, normal, short int) int {
	t.Helper()
	if s := os.Getenv(env); s != "" {
		n, err := strconv.Atoi(s)
		if err != nil || n < 1 {
			t.Fatalf("%s=%q: want a number of runs", env, s)
		}
		return n
	}
	if testing.Short() {
		return short
	}
	return normal
}

// faultRand is the campaign's random source, its seed logged.
func faultRand(t *testing.T) *rand.Rand {
	t.Helper()
	seed := time.Now().UnixNano()
	if s := os.Getenv(faultSeedEnv); s != "" {
		var err error
		if seed, err = strconv.ParseInt(s, 10, 64); err != nil {
			t.Fatalf("%s=%q", faultSeedEnv, s)
		}
	}
	t.Logf("seed %d (%s=%d replays the choices; the timings are the machine's)", seed, faultSeedEnv, seed)
	return rand.New(rand.NewSource(seed))
}

// lockedBuffer is the service's output, written by exec's copier while
// the test may read it.
type lockedBuffer struct {
	mu sync.Mutex
	b  strings.Builder
}

func (l *lockedBuffer) Write(p []byte) (int, error) {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.b.Write(p)
}

func (l *lockedBuffer) String() string {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.b.String()
}

// faultService is one run of the real service.
type faultService struct {
	cmd    *exec.Cmd
	out    *lockedBuffer
	exited chan struct{}
	err    error // cmd.Wait's, once exited is closed
}

// runService starts the service on dir and addr (a socket a killed service
// may have left behind), its temporary folder tmp, and returns once it
// answers.
func runService(t *testing.T, dir, addr, tmp string) *faultService {
	t.Helper()
	p := &faultService{out: new(lockedBuffer), exited: make(chan struct{})}
	p.cmd = exec.Command(serviceBinary(t), "run", "--data", dir, "--listen", addr)
	p.cmd.Env = append(os.Environ(), "TMPDIR="+tmp)
	p.cmd.Stdout, p.cmd.Stderr = p.out, p.out
	if err := p.cmd.Start(); err != nil {
		t.Fatal(err)
	}
	go func() { p.err = p.cmd.Wait(); close(p.exited) }()
	t.Cleanup(p.kill)
	c, err := rpc.NewClient(addr)
	if err != nil {
		t.Fatal(err)
	}
	defer c.Close()
	hang := time.Now().Add(2 * time.Minute) // not a measure: a service that never answers
	for {
		ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
		_, err := c.Hello(ctx, assets.Version)
		cancel()
		if err == nil {
			return p
		}
		select {
		case <-p.exited:
			t.Fatalf("the service ended before answering (%v): %v\n%s", err, p.err, p.out)
		case <-time.After(20 * time.Millisecond):
		}
		if time.Now().After(hang) {
			t.Fatalf("the service does not answer: %v\n%s", err, p.out)
		}
	}
}

// kill is kill -9, and waits for the process to be gone.
func (p *faultService) kill() {
	p.cmd.Process.Signal(syscall.SIGKILL)
	<-p.exited
}

// stop is a graceful stop (SIGTERM): the calls in progress end first.
func (p *faultService) stop(t *testing.T) {
	t.Helper()
	if err := p.cmd.Process.Signal(syscall.SIGTERM); err != nil {
		t.Fatal(err)
	}
	<-p.exited
	if p.err != nil {
		t.Fatalf("the service stopped by SIGTERM: %v\n%s", p.err, p.out)
	}
}

// faultPerson is an account of the daycare and what the test knows of it.
type faultPerson struct {
	email  string
	secret string // TOTP
	last   int64  // the last TOTP step used
	mfaOn  bool   // as the last look at the files found
}

// faultDaycare is the service's folder and its people.
type faultDaycare struct {
	dir, tmp, addr string
	admins         []*faultPerson // the director first
	employees      []*faultPerson
	parent         *faultPerson
}

// newFaultDaycare starts a service on a new folder and sets up a daycare
// through it: admins administrators (the director included) and employees
// employees, every one with the AMF on, and a parent.
func newFaultDaycare(t *testing.T, admins, employees int) (*faultDaycare, *faultService) {
	t.Helper()
	root := t.TempDir()
	sockDir, err := os.MkdirTemp("", "apf-") // short: a socket path has at most 103 bytes
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { os.RemoveAll(sockDir) })
	d := &faultDaycare{dir: filepath.Join(root, "data"), tmp: filepath.Join(root, "tmp"),
		addr: "unix:" + filepath.Join(sockDir, "s.sock")}
	if err := os.Mkdir(d.tmp, 0o700); err != nil {
		t.Fatal(err)
	}
	svc := runService(t, d.dir, d.addr, d.tmp)
	c, err := rpc.NewClient(d.addr)
	if err != nil {
		t.Fatal(err)
	}
	defer c.Close()
	ctx, cancel := context.WithTimeout(context.Background(), 5*time.Minute)
	defer cancel()
	director := &faultPerson{email: "dir@cpe.ca"}
	if _, err := c.Setup(ctx, "CPE Les Petits Pas", apetitspas.NewUser{Email: director.email, Name: "Diane Directrice",
		Password: faultPassword}, faultPassword); err != nil {
		t.Fatal(err)
	}
	h := d.enroll(t, ctx, c, director)
	d.admins = append(d.admins, director)
	create := func(role apetitspas.Role, email, name string) *faultPerson {
		// An administrator needs the director's code: the one of her
		// enrollment, less than 2 minutes ago.
		if _, err := c.CreateAccount(ctx, h, apetitspas.NewUser{Role: role, Email: email, Name: name, Password: faultPassword}, ""); err != nil {
			t.Fatalf("create %s: %v", email, err)
		}
		return &faultPerson{email: email}
	}
	for i := 1; i < admins; i++ {
		d.admins = append(d.admins, create(apetitspas.RoleAdmin, fmt.Sprintf("admin%d@cpe.ca", i), fmt.Sprintf("Adjointe %d", i)))
	}
	for i := range employees {
		d.employees = append(d.employees, create(apetitspas.RoleEmployee, fmt.Sprintf("educ%d@cpe.ca", i), fmt.Sprintf("Éducatrice %d", i)))
	}
	d.parent = create(apetitspas.RoleParent, "parent@exemple.ca", "Paul Parent")
	for _, p := range append(d.admins[1:], d.employees...) {
		d.enroll(t, ctx, c, p)
	}
	return d, svc
}

// enroll signs p in and turns p's AMF on as the window does (the QR step,
// a first code); p is signed in after it, a code just accepted.
func (d *faultDaycare) enroll(t *testing.T, ctx context.Context, c *rpc.Client, p *faultPerson) *apetitspas.Handle {
	t.Helper()
	h, err := c.Login(ctx, p.email, faultPassword)
	if err != nil {
		t.Fatalf("login %s: %v", p.email, err)
	}
	if h.Step() == apetitspas.StepSignedIn {
		if err := c.RequestMFAActivation(ctx, h); err != nil {
			t.Fatalf("%s: %v", p.email, err)
		}
		if h, err = c.Login(ctx, p.email, faultPassword); err != nil {
			t.Fatalf("login %s: %v", p.email, err)
		}
	}
	if h.Step() == apetitspas.StepReactivate {
		// Reset: an administrator hands over a reactivation code (the one
		// the reset returned may have died with a killed client).
		_, admin := d.signIn(t, ctx, c)
		rc, err := c.NewReactivationCode(ctx, admin, p.email, "")
		if err != nil {
			t.Fatalf("reactivation code for %s: %v", p.email, err)
		}
		if err := c.Logout(ctx, admin, apetitspas.EventLogout); err != nil {
			t.Fatalf("logout: %v", err)
		}
		if err := c.UseReactivationCode(ctx, h, rc.Code); err != nil {
			t.Fatalf("%s: reactivation code: %v", p.email, err)
		}
	}
	if h.Step() != apetitspas.StepEnroll {
		t.Fatalf("%s: step %v, not the enrollment", p.email, h.Step())
	}
	en, err := c.BeginEnrollment(ctx, h)
	if err != nil {
		t.Fatalf("%s: %v", p.email, err)
	}
	p.secret, p.last = en.Secret, 0
	if err := c.ConfirmEnrollment(ctx, h, nextCode(t, p)); err != nil {
		t.Fatalf("%s: %v", p.email, err)
	}
	h.TakeRecoveryCodes()
	p.mfaOn = true
	return h
}

// nextCode is a code of p's that the service accepts now and that no
// earlier sign-in used: its step is after the last one used, and no later
// than the next (the service accepts one step on either side). When p used
// the next step already, it waits for the step to come.
func nextCode(t *testing.T, p *faultPerson) string {
	t.Helper()
	period := int64(apetitspas.CodePeriod / time.Second)
	for {
		cur := time.Now().Unix() / period
		if step := max(p.last+1, cur); step <= cur+1 {
			p.last = step
			code, err := apetitspas.TOTPCode(p.secret, time.Unix(step*period, 0), apetitspas.CodeDigits)
			if err != nil {
				t.Fatal(err)
			}
			return code
		}
		time.Sleep(time.Until(time.Unix((cur+1)*period, 0)))
	}
}

// admin is the administrator whose codes were used least recently, and
// one of her codes.
func (d *faultDaycare) admin(t *testing.T) (*faultPerson, string) {
	t.Helper()
	a := slices.MinFunc(d.admins, func(x, y *faultPerson) int { return int(x.last - y.last) })
	return a, nextCode(t, a)
}

// reenroll turns on again the AMF of the employees a reset left pending.
func (d *faultDaycare) reenroll(t *testing.T, ctx context.Context, c *rpc.Client) {
	t.Helper()
	for _, e := range d.employees {
		if !e.mfaOn {
			h := d.enroll(t, ctx, c, e)
			if err := c.Logout(ctx, h, apetitspas.EventLogout); err != nil {
				t.Fatalf("logout %s: %v", e.email, err)
			}
		}
	}
}

// faultFiles is the daycare as its files say, read in this process with
// no service running.
type faultFiles struct {
	users  map[string]apetitspas.User
	events []apetitspas.AuditEvent // newest first
	lastID int64
}

// since are the events after id of kind event.
func (f faultFiles) since(id int64, event string) []apetitspas.AuditEvent {
	var out []apetitspas.AuditEvent
	for _, e := range f.events {
		if e.ID > id && e.Event == event {
			out = append(out, e)
		}
	}
	return out
}

// faultFigures are a campaign's counts.
type faultFigures struct {
	mu        sync.Mutex
	runs      int
	phases    map[string]int // "import: mid-argon2" → runs
	corrupt   int
	illegal   int
	recovered int
	leftovers int // temporary files a killed client left
	times     []time.Duration
}

func newFigures() *faultFigures { return &faultFigures{phases: map[string]int{}} }

func (f *faultFigures) corruptf(t *testing.T, format string, args ...any) {
	t.Helper()
	f.mu.Lock()
	f.corrupt++
	f.mu.Unlock()
	t.Errorf("CORRUPT: "+format, args...)
}

func (f *faultFigures) illegalf(t *testing.T, format string, args ...any) {
	t.Helper()
	f.mu.Lock()
	f.illegal++
	f.mu.Unlock()
	t.Errorf("ILLEGAL STATE: "+format, args...)
}

func (f *faultFigures) phase(kind, phase string) {
	f.mu.Lock()
	f.phases[kind+": "+phase]++
	f.mu.Unlock()
}

func (f *faultFigures) report(t *testing.T, what string, wall time.Duration) {
	t.Helper()
	var b strings.Builder
	fmt.Fprintf(&b, "%s: %d runs in %v\n", what, f.runs, wall.Round(time.Millisecond))
	keys := make([]string, 0, len(f.phases))
	for k := range f.phases {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	for _, k := range keys {
		fmt.Fprintf(&b, "  %-52s %3d\n", k, f.phases[k])
	}
	fmt.Fprintf(&b, "  corrupt files: %d, illegal states: %d, clients recovered: %d/%d",
		f.corrupt, f.illegal, f.recovered, f.runs)
	if f.leftovers > 0 {
		fmt.Fprintf(&b, ", temporary files left by killed clients: %d", f.leftovers)
	}
	if len(f.times) > 0 {
		ts := slices.Clone(f.times)
		slices.Sort(ts)
		var sum time.Duration
		for _, d := range ts {
			sum += d
		}
		fmt.Fprintf(&b, "\n  time per run: min %v, median %v, mean %v, max %v", ts[0].Round(time.Millisecond),
			ts[len(ts)/2].Round(time.Millisecond), (sum / time.Duration(len(ts))).Round(time.Millisecond),
			ts[len(ts)-1].Round(time.Millisecond))
	}
	t.Log(b.String())
}

// integrityCheck runs PRAGMA integrity_check (and foreign_key_check) on
// the SQLite file at path, opened read-only; it returns what is wrong.
func integrityCheck(path string) error {
	db, err := sql.Open("sqlite3", "file:"+path+"?mode=ro")
	if err != nil {
		return err
	}
	defer db.Close()
	rows, err := db.Query("PRAGMA integrity_check")
	if err != nil {
		return err
	}
	var found []string
	for rows.Next() {
		var s string
		if err := rows.Scan(&s); err != nil {
			rows.Close()
			return err
		}
		found = append(found, s)
	}
	if err := errors.Join(rows.Err(), rows.Close()); err != nil {
		return err
	}
	if len(found) != 1 || found[0] != "ok" {
		return fmt.Errorf("integrity_check: %q", found)
	}
	var fk int
	if err := db.QueryRow("SELECT count(*) FROM pragma_foreign_key_check").Scan(&fk); err != nil {
		return err
	}
	if fk != 0 {
		return fmt.Errorf("foreign_key_check: %d rows", fk)
	}
	return nil
}

// inspect looks at the files of the stopped (or killed) service: any
// damage is counted as a corrupt file.
func (d *faultDaycare) inspect(t *testing.T, f *faultFigures) faultFiles {
	t.Helper()
	sd := data.ServiceDir(d.dir)
	// First, before anything opens it for writing.
	if err := integrityCheck(sd.DB()); err != nil {
		f.corruptf(t, "%s: %v", sd.DB(), err)
	}
	if b, err := os.ReadFile(filepath.Join(d.dir, witnessDir, "witness.json")); err != nil {
		f.corruptf(t, "witness: %v", err)
	} else if err := json.Unmarshal(b, new(apetitspas.WitnessRecord)); err != nil {
		f.corruptf(t, "witness: %v", err)
	}
	db, err := data.Open(sd.DB())
	if err != nil {
		f.corruptf(t, "open %s: %v", sd.DB(), err)
		t.FailNow()
	}
	defer db.Close()
	tr := apetitspas.NewTrusted(apetitspas.New(apetitspas.Params{Store: db, Keys: sd.KeyRing(),
		Witness: data.NewWitness(filepath.Join(d.dir, witnessDir))}))
	ctx := context.Background()
	r, err := tr.Verify(ctx)
	switch {
	case err != nil:
		f.corruptf(t, "audit verify: %v", err)
	case !r.OK() || r.JournalBroken() || r.Root != apetitspas.RootOK || len(r.Accounts) > 0 || len(r.Missing) > 0 ||
		len(r.RolledBack) > 0 || r.JournalRolledBack || r.SettingsRolledBack || r.SettingsChanged || r.SeenCounter > 0:
		f.corruptf(t, "audit verify: %+v", r)
	case r.JournalRows == 0:
		f.corruptf(t, "audit verify checked no journal row")
	}
	users, err := tr.Users(ctx, apetitspas.UserFilter{})
	if err != nil {
		t.Fatal(err)
	}
	events, err := tr.Audit(ctx, apetitspas.AuditFilter{})
	if err != nil {
		t.Fatal(err)
	}
	out := faultFiles{users: map[string]apetitspas.User{}, events: events}
	for _, u := range users {
		out.users[u.Email] = u
	}
	for _, e := range events {
		out.lastID = max(out.lastID, e.ID)
	}
	for _, e := range d.employees {
		e.mfaOn = out.users[e.email].MFA == apetitspas.MFAOn
	}
	return out
}

// faultAction is one action a client started: an import, a reset or a
// backup, and what became of it.
type faultAction struct {
	kind   string // "import", "reset", "backup"
	by     string // the administrator
	emails []string
	target string // reset
	folder string // backup: the person's folder (only the backup goes there)
	// reset: when the target's AMF was last reset before the action
	// (zero when never), as the files said.
	resetBefore time.Time

	progress atomic.Int64 // import: passwords hashed, as the service said
	total    atomic.Int64
	// At the kill: the progress, and whether the backup's temporary file
	// was in the folder (the stream had begun).
	progressAtKill int64
	streaming      bool

	// The client's answer: answered false when the client was killed
	// before it had one.
	answered atomic.Bool
	err      error // set before answered
}

func (a *faultAction) csv() []byte {
	var b strings.Builder
	b.WriteString("role,email,name\n")
	for i, e := range a.emails {
		fmt.Fprintf(&b, "employee,%s,Employé %d\n", e, i)
	}
	return []byte(b.String())
}

func (a *faultAction) out() string { return filepath.Join(a.folder, backupName) }

// atKill notes where the action stood when the kill was sent.
func (a *faultAction) atKill() {
	a.progressAtKill = a.progress.Load()
	a.streaming = a.kind == "backup" && a.streamBegun()
}

// streamBegun: the backup's temporary file is in the person's folder.
func (a *faultAction) streamBegun() bool {
	entries, _ := os.ReadDir(a.folder)
	for _, e := range entries {
		if strings.HasSuffix(e.Name(), ".tmp") {
			return true
		}
	}
	return false
}

// run is the action through c, acting for h.
func (a *faultAction) run(ctx context.Context, c *rpc.Client, h *apetitspas.Handle) error {
	switch a.kind {
	case "import":
		_, err := c.ImportCSV(ctx, h, a.csv(), "", func(done, total int) {
			a.progress.Store(int64(done))
			a.total.Store(int64(total))
		})
		return err
	case "reset":
		_, err := c.ResetMFA(ctx, h, a.target, "")
		return err
	case "backup":
		_, _, err := c.WriteBackup(ctx, h, apetitspas.BackupRequest{Out: a.out(), Passphrase: faultPassphrase,
			AppVersion: assets.Version})
		return err
	}
	return fmt.Errorf("no action %q", a.kind)
}

// judge checks, on the files, that the action is wholly done or wholly
// not, and agrees with what the client was told; it counts the phase the
// kill landed in. since is the journal's last ID before the action.
func (a *faultAction) judge(t *testing.T, f *faultFigures, st faultFiles, since int64, clientAlive bool) {
	t.Helper()
	answered := a.answered.Load()
	ok := answered && a.err == nil
	if answered && a.err != nil && apetitspas.ErrorReason(a.err) != apetitspas.ReasonServiceUnavailable {
		f.illegalf(t, "%s: the client was told %v, not service_unavailable", a.kind, a.err)
	}
	switch a.kind {
	case "import":
		present, created := 0, 0
		set := map[string]bool{}
		for _, e := range a.emails {
			set[e] = true
			if u, ok := st.users[e]; ok {
				present++
				if !u.MustChangePassword || u.Role != apetitspas.RoleEmployee {
					f.illegalf(t, "import: %s is %+v", e, u)
				}
			}
		}
		for _, e := range st.since(since, apetitspas.EventUserCreated) {
			if set[e.Target] {
				created++
			}
		}
		switch {
		case present != 0 && present != len(a.emails):
			f.illegalf(t, "import: %d of its %d accounts exist", present, len(a.emails))
		case created != present:
			f.illegalf(t, "import: %d user.created events for %d accounts", created, present)
		case ok && present == 0:
			f.illegalf(t, "import: answered done, no account made")
		}
		switch {
		case present > 0 && ok:
			f.phase("import", "completed")
		case present > 0:
			f.phase("import", "committed, answer lost")
		case a.progressAtKill == 0:
			f.phase("import", "killed before the hashing")
		case a.progressAtKill < int64(len(a.emails)):
			f.phase("import", "killed mid-argon2")
		default:
			f.phase("import", "killed after the hashing, before the commit")
		}
	case "reset":
		u := st.users[a.target]
		evs := st.since(since, apetitspas.EventMFAReset)
		n := 0
		for _, e := range evs {
			if e.Target == a.target {
				n++
				if e.Actor != a.by {
					f.illegalf(t, "reset of %s: journaled by %s, done by %s", a.target, e.Actor, a.by)
				}
			}
		}
		done := u.MFA == apetitspas.MFAPending && len(u.MFASecret) == 0 && u.MFAResetBy == a.by && u.MFAResetAt.After(a.resetBefore)
		kept := u.MFA == apetitspas.MFAOn && len(u.MFASecret) > 0 && u.MFAResetAt.Equal(a.resetBefore)
		switch {
		case n > 1:
			f.illegalf(t, "reset of %s: %d mfa.reset events", a.target, n)
		case n == 1 && !done:
			f.illegalf(t, "reset of %s: an mfa.reset event, the account %s (reset by %q)", a.target, u.MFA, u.MFAResetBy)
		case n == 0 && !kept:
			f.illegalf(t, "reset of %s: no mfa.reset event, the account %s (reset by %q)", a.target, u.MFA, u.MFAResetBy)
		case ok && n == 0:
			f.illegalf(t, "reset of %s: answered done, not done", a.target)
		}
		switch {
		case n == 1 && ok:
			f.phase("reset", "completed")
		case n == 1:
			f.phase("reset", "committed, answer lost")
		default:
			f.phase("reset", "killed before the commit")
		}
	case "backup":
		n := 0
		for _, e := range st.since(since, apetitspas.EventBackupCreated) {
			if e.Actor == a.by {
				n++
			}
		}
		entries, err := os.ReadDir(a.folder)
		if err != nil {
			t.Fatal(err)
		}
		file := false
		for _, e := range entries {
			switch {
			case e.Name() == backupName:
				file = true
			case clientAlive:
				f.illegalf(t, "backup: %s left in the person's folder", e.Name())
			default:
				// The client was killed: its temporary file stays (it is
				// never taken for a backup; the next one has another name).
				f.mu.Lock()
				f.leftovers++
				f.mu.Unlock()
			}
		}
		switch {
		case n > 1:
			f.illegalf(t, "backup: %d backup.created events", n)
		case file && n == 0:
			f.illegalf(t, "backup: a file, no backup.created event")
		case ok && !file:
			f.illegalf(t, "backup: answered done, no file")
		case file && answered && !ok:
			f.illegalf(t, "backup: a file, the client was told %v", a.err)
		}
		if file {
			checkBackupFile(t, f, a.out(), a.by)
		}
		switch {
		case file && ok:
			f.phase("backup", "completed")
		case file:
			f.phase("backup", "file written, answer lost")
		case n == 0:
			f.phase("backup", "killed before the journal")
		case a.streaming:
			f.phase("backup", "killed mid-stream")
		default:
			f.phase("backup", "killed mid-snapshot or mid-encryption")
		}
	}
}

// checkBackupFile opens a backup as a restore does: it decrypts, its
// database's digest holds, and the database passes integrity_check.
func checkBackupFile(t *testing.T, f *faultFigures, out, by string) {
	t.Helper()
	dir := t.TempDir()
	m, key, err := apetitspas.ReadBackupFile(out, faultPassphrase, dir, data.SchemaVersion)
	if err != nil {
		f.corruptf(t, "backup %s: %v", out, err)
		return
	}
	if m.CreatedBy != by || m.KeyID == "" || key.ID != m.KeyID || len(key.Key) == 0 || m.DBBytes == 0 {
		f.corruptf(t, "backup %s: manifest %+v, key %q", out, m, key.ID)
	}
	if err := integrityCheck(filepath.Join(dir, apetitspas.BackupDBName)); err != nil {
		f.corruptf(t, "backup %s: %v", out, err)
	}
}

// plan draws a run's actions: zero to two resets of employees whose AMF
// is on, an import (seven times in ten), a backup (six in ten); at least
// one action.
func (d *faultDaycare) plan(rng *rand.Rand, st faultFiles, run, admin, root string) []*faultAction {
	var acts []*faultAction
	var on []*faultPerson
	for _, e := range d.employees {
		if e.mfaOn {
			on = append(on, e)
		}
	}
	rng.Shuffle(len(on), func(i, j int) { on[i], on[j] = on[j], on[i] })
	for _, e := range on[:min(len(on), rng.Intn(3))] {
		acts = append(acts, &faultAction{kind: "reset", by: admin, target: e.email, resetBefore: st.users[e.email].MFAResetAt})
	}
	if rng.Intn(10) < 7 || len(acts) == 0 {
		a := &faultAction{kind: "import", by: admin}
		for i := range faultImportRows {
			a.emails = append(a.emails, fmt.Sprintf("%s-%02d@import.cpe.ca", run, i))
		}
		acts = append(acts, a)
	}
	if rng.Intn(10) < 6 {
		folder := filepath.Join(root, run)
		if err := os.Mkdir(folder, 0o700); err == nil {
			acts = append(acts, &faultAction{kind: "backup", by: admin, folder: folder})
		}
	}
	rng.Shuffle(len(acts), func(i, j int) { acts[i], acts[j] = acts[j], acts[i] })
	return acts
}

// killWhen waits for the moment of the kill, drawn at random: half the
// time within 300 ms of the start (mid-transaction, the first hashes, a
// backup's journal and snapshot), a fifth within 3 s (later hashes,
// commits, a backup's encryption, actions done), a fifth just after an
// import's last password was hashed (its commit, its answer), a tenth as
// soon as a backup's stream has begun (the client's temporary file is
// there). It returns what it waited for.
func killWhen(rng *rand.Rand, acts []*faultAction) string {
	start := time.Now()
	var imp, bak *faultAction
	for _, a := range acts {
		switch a.kind {
		case "import":
			imp = a
		case "backup":
			bak = a
		}
	}
	var cond func() bool
	var what string
	switch n := rng.Intn(10); {
	case n >= 7 && n < 9 && imp != nil:
		what = "the last hash"
		cond = func() bool { return imp.progress.Load() == int64(len(imp.emails)) }
	case n == 9 && bak != nil:
		what = "the stream"
		cond = bak.streamBegun
	case n < 5 || n >= 7:
		time.Sleep(time.Duration(rng.Int63n(int64(300 * time.Millisecond))))
		return fmt.Sprintf("after %4dms", time.Since(start).Milliseconds())
	default:
		time.Sleep(300*time.Millisecond + time.Duration(rng.Int63n(int64(2700*time.Millisecond))))
		return fmt.Sprintf("after %4dms", time.Since(start).Milliseconds())
	}
	after := time.Duration(rng.Int63n(int64(20 * time.Millisecond)))
	for !cond() {
		if time.Since(start) > 30*time.Second || !slices.ContainsFunc(acts, func(a *faultAction) bool { return !a.answered.Load() }) {
			return fmt.Sprintf("after %4dms (%s never came)", time.Since(start).Milliseconds(), what)
		}
		time.Sleep(time.Millisecond)
	}
	time.Sleep(after)
	return fmt.Sprintf("after %4dms (%s + %dms)", time.Since(start).Milliseconds(), what, after.Milliseconds())
}

// signIn signs an administrator in through c with a fresh code.
func (d *faultDaycare) signIn(t *testing.T, ctx context.Context, c *rpc.Client) (*faultPerson, *apetitspas.Handle) {
	t.Helper()
	a, code := d.admin(t)
	h, err := c.Login(ctx, a.email, faultPassword)
	if err != nil {
		t.Fatalf("login %s: %v", a.email, err)
	}
	if h.Step() != apetitspas.StepCode {
		t.Fatalf("login %s: step %v", a.email, h.Step())
	}
	if err := c.VerifyCode(ctx, h, code); err != nil {
		t.Fatalf("code of %s: %v", a.email, err)
	}
	return a, h
}

func TestKillingTheServiceMidActionLeavesNothingHalfDone(t *testing.T) {
	runs := faultRuns(t, faultRunsEnv, 50, 10)
	rng := faultRand(t)
	begin := time.Now()
	d, svc := newFaultDaycare(t, 14, 6)
	t.Logf("set-up through the service: %v", time.Since(begin).Round(time.Millisecond))
	f := newFigures()
	ctx, cancel := context.WithTimeout(context.Background(), time.Hour)
	defer cancel()
	// One client for the whole campaign, as a window left open: it must
	// come back after every restart.
	c, err := rpc.NewClient(d.addr)
	if err != nil {
		t.Fatal(err)
	}
	defer c.Close()
	st := d.inspectLive(t, svc, f)
	var old *apetitspas.Handle
	backups := t.TempDir()
	campaign := time.Now()
	for run := range runs {
		start := time.Now()
		svc = runService(t, d.dir, d.addr, d.tmp)
		if old != nil {
			// The sign-ins died with the service: the old one is refused
			// as such, and a new one is made.
			if err := c.Refresh(ctx, old); apetitspas.ErrorReason(err) != apetitspas.ReasonSessionExpired {
				t.Errorf("run %d: the handle of before the kill: %v", run, err)
			}
		}
		d.reenroll(t, ctx, c)
		admin, h := d.signIn(t, ctx, c)
		if old != nil {
			f.recovered++
		}
		old = h
		name := fmt.Sprintf("run%02d", run)
		acts := d.plan(rng, st, name, admin.email, backups)
		var wg sync.WaitGroup
		for _, a := range acts {
			wg.Add(1)
			go func() {
				defer wg.Done()
				a.err = a.run(ctx, c, h)
				a.answered.Store(true)
			}()
		}
		when := killWhen(rng, acts)
		for _, a := range acts {
			a.atKill()
		}
		svc.kill()
		wg.Wait() // every call ends: an answer, or service_unavailable
		since := st.lastID
		st = d.inspect(t, f)
		var kinds []string
		for _, a := range acts {
			a.judge(t, f, st, since, true)
			kinds = append(kinds, a.kind)
		}
		f.runs++
		f.times = append(f.times, time.Since(start))
		t.Logf("run %2d: %-28s killed %s, %v", run, strings.Join(kinds, ","), when,
			time.Since(start).Round(time.Millisecond))
		if t.Failed() {
			t.Logf("service output:\n%s", svc.out)
			break
		}
	}
	wall := time.Since(campaign)

	// After the last kill: the service starts, the client signs in again,
	// another person too, and a backup works (which sweeps the plain
	// snapshots the killed services left in their temporary folder).
	svc = runService(t, d.dir, d.addr, d.tmp)
	admin, h := d.signIn(t, ctx, c)
	f.recovered++
	final := &faultAction{kind: "backup", by: admin.email, folder: filepath.Join(backups, "final")}
	os.Mkdir(final.folder, 0o700)
	if err := final.run(ctx, c, h); err != nil {
		t.Fatalf("a backup after the campaign: %v", err)
	}
	checkBackupFile(t, f, final.out(), admin.email)
	d.otherSignsIn(t, ctx)
	svc.stop(t)
	d.inspect(t, f)
	if left, _ := filepath.Glob(filepath.Join(d.tmp, "apetitspas-backup-*")); len(left) > 0 {
		f.corruptf(t, "plain snapshots left in the service's temporary folder: %v", left)
	}
	f.report(t, "kill -9 of the service", wall)
	if f.corrupt > 0 || f.illegal > 0 {
		t.Errorf("%d corrupt files, %d illegal states", f.corrupt, f.illegal)
	}
}

// inspectLive stops svc gracefully and looks at the files (the state
// before the first run).
func (d *faultDaycare) inspectLive(t *testing.T, svc *faultService, f *faultFigures) faultFiles {
	t.Helper()
	svc.stop(t)
	return d.inspect(t, f)
}

// otherSignsIn is another client, another person (a parent): the service
// serves her.
func (d *faultDaycare) otherSignsIn(t *testing.T, ctx context.Context) {
	t.Helper()
	other, err := rpc.NewClient(d.addr)
	if err != nil {
		t.Fatal(err)
	}
	defer other.Close()
	h, err := other.Login(ctx, d.parent.email, faultPassword)
	if err != nil || h.Step() != apetitspas.StepSignedIn {
		t.Fatalf("another client, another person: %v %v", h.Step(), err)
	}
	if err := other.Logout(ctx, h, apetitspas.EventLogout); err != nil {
		t.Fatal(err)
	}
}

// faultOrder is what the killed client does (its environment, as JSON).
type faultOrder struct {
	Addr, Email, Code string
	Kind              string
	Target            string   // reset
	Emails            []string // import
	Folder            string   // backup
}

// TestFaultClientChild is the client of
// TestKillingAClientMidActionLeavesNothingHalfDone, in a process of its
// own; by itself it does nothing. It signs in, says "started", runs the
// action (saying the import's progress), then says "done" and its error.
func TestFaultClientChild(t *testing.T) {
	raw := os.Getenv(faultChildEnv)
	if raw == "" {
		t.Skip("the client of TestKillingAClientMidActionLeavesNothingHalfDone")
	}
	var o faultOrder
	if err := json.Unmarshal([]byte(raw), &o); err != nil {
		t.Fatal(err)
	}
	c, err := rpc.NewClient(o.Addr)
	if err != nil {
		t.Fatal(err)
	}
	ctx := context.Background()
	h, err := c.SignInAdmin(ctx, o.Email, faultPassword, o.Code)
	if err != nil {
		t.Fatalf("sign-in: %v", err)
	}
	a := &faultAction{kind: o.Kind, target: o.Target, emails: o.Emails, folder: o.Folder}
	fmt.Println("started")
	if a.kind == "import" {
		_, err = c.ImportCSV(ctx, h, a.csv(), "", func(done, total int) { fmt.Println("progress", done, total) })
	} else {
		err = a.run(ctx, c, h)
	}
	fmt.Printf("done %q\n", apetitspas.ErrorReason(err))
}

// killClient runs the order in a child process and kills it (SIGKILL)
// when killWhen says after it said "started"; it fills in what the child
// said, and returns when it was killed.
func killClient(t *testing.T, rng *rand.Rand, o faultOrder, a *faultAction) string {
	t.Helper()
	raw, err := json.Marshal(o)
	if err != nil {
		t.Fatal(err)
	}
	cmd := exec.Command(os.Args[0], "-test.run=^TestFaultClientChild$", "-test.count=1")
	cmd.Env = append(os.Environ(), faultChildEnv+"="+string(raw))
	stdout, err := cmd.StdoutPipe()
	if err != nil {
		t.Fatal(err)
	}
	cmd.Stderr = cmd.Stdout
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	var mu sync.Mutex
	var said []string
	started := make(chan bool, 1)
	ended := make(chan struct{})
	go func() {
		defer close(ended)
		s := bufio.NewScanner(stdout)
		for s.Scan() {
			line := s.Text()
			mu.Lock()
			said = append(said, line)
			mu.Unlock()
			var done, total int64
			switch {
			case line == "started":
				started <- true
			case strings.HasPrefix(line, "progress "):
				fmt.Sscan(strings.TrimPrefix(line, "progress "), &done, &total)
				a.progress.Store(done)
				a.total.Store(total)
			case strings.HasPrefix(line, "done "):
				reason, _ := strconv.Unquote(strings.TrimPrefix(line, "done "))
				if reason != "" {
					a.err = &apetitspas.Error{Reason: reason}
				}
				a.answered.Store(true)
			}
		}
	}()
	select {
	case <-started:
	case <-ended:
		cmd.Wait()
		t.Fatalf("the client ended before starting: %s", strings.Join(said, "\n"))
	}
	when := killWhen(rng, []*faultAction{a})
	a.atKill()
	cmd.Process.Signal(syscall.SIGKILL)
	<-ended
	cmd.Wait()
	return when
}

func TestKillingAClientMidActionLeavesNothingHalfDone(t *testing.T) {
	runs := faultRuns(t, faultClientRunsEnv, 15, 6)
	rng := faultRand(t)
	d, svc := newFaultDaycare(t, 4, 4)
	f := newFigures()
	ctx, cancel := context.WithTimeout(context.Background(), time.Hour)
	defer cancel()
	st := d.inspectLive(t, svc, f)
	c, err := rpc.NewClient(d.addr)
	if err != nil {
		t.Fatal(err)
	}
	defer c.Close()
	backups := t.TempDir()
	kinds := []string{"import", "reset", "backup"}
	campaign := time.Now()
	for run := range runs {
		start := time.Now()
		svc = runService(t, d.dir, d.addr, d.tmp)
		d.reenroll(t, ctx, c)
		admin, code := d.admin(t)
		name := fmt.Sprintf("child%02d", run)
		o := faultOrder{Addr: d.addr, Email: admin.email, Code: code, Kind: kinds[(run+rng.Intn(2))%3]}
		a := &faultAction{kind: o.Kind, by: admin.email}
		switch o.Kind {
		case "import":
			for i := range faultImportRows {
				a.emails = append(a.emails, fmt.Sprintf("%s-%02d@import.cpe.ca", name, i))
			}
			o.Emails = a.emails
		case "reset":
			var on []*faultPerson
			for _, e := range d.employees {
				if e.mfaOn {
					on = append(on, e)
				}
			}
			a.target = on[rng.Intn(len(on))].email
			a.resetBefore = st.users[a.target].MFAResetAt
			o.Target = a.target
		case "backup":
			a.folder = filepath.Join(backups, name)
			if err := os.Mkdir(a.folder, 0o700); err != nil {
				t.Fatal(err)
			}
			o.Folder = a.folder
		}
		when := killClient(t, rng, o, a)
		// The service serves the others: the test's own client, another
		// client of another person.
		if _, err := c.DaycareName(ctx); err != nil {
			t.Errorf("run %d: after a client was killed: %v", run, err)
		}
		d.otherSignsIn(t, ctx)
		f.recovered++
		// A graceful stop: the killed client's call ends in the service
		// (or finishes), then the files are looked at.
		svc.stop(t)
		since := st.lastID
		st = d.inspect(t, f)
		a.judge(t, f, st, since, false)
		f.runs++
		f.times = append(f.times, time.Since(start))
		t.Logf("run %2d: %-7s killed %s of its start (answered: %v), %v", run, a.kind, when,
			a.answered.Load(), time.Since(start).Round(time.Millisecond))
		if t.Failed() {
			t.Logf("service output:\n%s", svc.out)
			break
		}
	}
	f.report(t, "kill -9 of a client", time.Since(campaign))
	if f.corrupt > 0 || f.illegal > 0 {
		t.Errorf("%d corrupt files, %d illegal states", f.corrupt, f.illegal)
	}
}
