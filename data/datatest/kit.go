package datatest

import (
	"context"
	"path/filepath"
	"sync"
	"testing"
	"time"

	"github.com/apetitspas/apetitspas/app"
	"github.com/apetitspas/apetitspas/data"
)

// The test kit of app/, screens/ and cmd/: a fake clock, a daycare over a
// real SQLite file with its own key folder, and people made and enrolled
// in one line each, through the services as the app does.

// Clock is a fake clock, safe for concurrent use. It moves only when a
// test moves it.
type Clock struct {
	mu sync.Mutex
	t  time.Time
}

// Start is where a new Clock starts: a Thursday morning in Québec.
var Start = time.Date(2026, 11, 26, 9, 0, 0, 0, time.UTC)

// NewClock returns a Clock at Start.
func NewClock() *Clock { return &Clock{t: Start} }

// NewClockAt returns a Clock at t.
func NewClockAt(t time.Time) *Clock { return &Clock{t: t} }

// Now is the clock's time (a method value serves as app.Params.Now).
func (c *Clock) Now() time.Time {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.t
}

// Advance moves the clock on by d and returns the new time.
func (c *Clock) Advance(d time.Duration) time.Time {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.t = c.t.Add(d)
	return c.t
}

// QuickArgon2 keeps password hashing fast where its cost is not what is
// tested (the costs are package app's business).
var QuickArgon2 = app.Argon2Params{MemoryKiB: 64, Time: 1, Threads: 1, SaltLen: 16, KeyLen: 32}

// Password is every kit-made account's password.
const Password = "bonjour-les-amis"

// Daycare is a service over a real database file in a temporary folder,
// with key files in a folder of its own (never the OS keyring) and a
// fake clock.
type Daycare struct {
	T       testing.TB
	Path    string
	KeyDir  string
	DB      *data.DB
	Keys    *data.KeyRing
	Clock   *Clock
	Svc     *app.Service
	Trusted *app.Trusted
	// Secrets are the TOTP secrets of the accounts Enroll enrolled.
	Secrets map[string]string
	// Witness is this test computer's witness (its own folder).
	Witness *data.Witness
	argon2  app.Argon2Params
}

// Options change a new Daycare.
type Options struct {
	// Argon2 are the hashing costs (the service's default when zero).
	Argon2 app.Argon2Params
	// Clock, when set, is used instead of a new one.
	Clock *Clock
	// Postgres puts the daycare on the test server whatever the pass
	// (tests of what only a server does: several computers at once).
	Postgres bool
	// URL, when set, is the database to open (a daycare already made).
	URL string
}

// NewDaycare opens a new database and its service; both close when the
// test ends.
func NewDaycare(t testing.TB, o Options) *Daycare {
	t.Helper()
	dir := t.TempDir()
	d := &Daycare{T: t, Path: filepath.Join(dir, "apetitspas.db"), KeyDir: filepath.Join(dir, "keys"),
		Clock: o.Clock, Secrets: map[string]string{}, argon2: o.Argon2}
	switch {
	case o.URL != "":
		d.Path = o.URL
	case Postgres() || o.Postgres:
		d.Path = NewPGDaycareDB(t).AppURL
	}
	if d.Clock == nil {
		d.Clock = NewClock()
	}
	d.Keys = data.NewKeyRing(d.KeyDir, false)
	d.Witness = data.NewWitness(filepath.Join(dir, "witness"))
	d.Open()
	t.Cleanup(func() { d.DB.Close() })
	return d
}

// Open opens the database file (again) with a new service.
func (d *Daycare) Open() {
	d.T.Helper()
	db, err := data.Open(d.Path)
	if err != nil {
		d.T.Fatalf("datatest: open %s: %v", d.Path, err)
	}
	d.DB = db
	d.Svc = app.New(app.Params{Store: db, Now: d.Clock.Now, Keys: d.Keys, Argon2: d.argon2, Witness: d.Witness})
	d.Trusted = app.NewTrusted(d.Svc)
}

// Reopen closes the database and opens it again, like a restart.
func (d *Daycare) Reopen() {
	d.T.Helper()
	if err := d.DB.Close(); err != nil {
		d.T.Fatal(err)
	}
	d.Open()
}

// Code is the phone's code for secret, offset steps from the clock.
func (d *Daycare) Code(secret string, offset int) string {
	d.T.Helper()
	c, err := app.TOTPCode(secret, d.Clock.Now().Add(time.Duration(offset)*app.CodePeriod), app.CodeDigits)
	if err != nil {
		d.T.Fatal(err)
	}
	return c
}

// Enroll turns email's AMF on as a person would (activation, sign-in, QR
// code, first code) and returns the secret, also kept in Secrets, and the
// recovery codes the session got (administrators only). The clock is then
// one step on, so the next code is not a replay.
func (d *Daycare) Enroll(email string) (string, []string) {
	d.T.Helper()
	ctx := context.Background()
	sess, err := d.Svc.Login(ctx, email, Password)
	if err != nil {
		d.T.Fatalf("datatest: %s: %v", email, err)
	}
	if sess.Step() == app.StepSignedIn {
		if err := d.Svc.RequestMFAActivation(ctx, sess); err != nil {
			d.T.Fatal(err)
		}
		if sess, err = d.Svc.Login(ctx, email, Password); err != nil {
			d.T.Fatal(err)
		}
	}
	if sess.Step() != app.StepEnroll {
		d.T.Fatalf("datatest: %s: step %v, want the QR code", email, sess.Step())
	}
	en, err := d.Svc.BeginEnrollment(ctx, sess)
	if err != nil {
		d.T.Fatal(err)
	}
	if err := d.Svc.ConfirmEnrollment(ctx, sess, d.Code(en.Secret, 0)); err != nil {
		d.T.Fatal(err)
	}
	d.Clock.Advance(app.CodePeriod)
	d.Secrets[email] = en.Secret
	return en.Secret, sess.TakeRecoveryCodes()
}

// SignIn signs email in through the services, with its next code when its
// AMF is on.
func (d *Daycare) SignIn(email string) *app.Session {
	d.T.Helper()
	ctx := context.Background()
	s, err := d.Svc.Login(ctx, email, Password)
	if err != nil {
		d.T.Fatalf("datatest: %s: %v", email, err)
	}
	if s.Step() == app.StepCode {
		d.Clock.Advance(app.CodePeriod)
		if err := d.Svc.VerifyCode(ctx, s, d.Code(d.Secrets[email], 0)); err != nil {
			d.T.Fatalf("datatest: %s: code: %v", email, err)
		}
	}
	if s.Step() != app.StepSignedIn {
		d.T.Fatalf("datatest: %s: step %v", email, s.Step())
	}
	return s
}
