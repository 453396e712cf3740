package data_test

import (
	"context"
	"database/sql"
	"strconv"
	"testing"
	"time"

	"github.com/apetitspas/apetitspas/app"
	"github.com/apetitspas/apetitspas/data"
	"github.com/apetitspas/apetitspas/data/datatest"
)

// Short limits for the tests (the app's are 10 s for a lock, 20 s for a
// statement): a test that waits a second, not ten.
const (
	testLockWait  = time.Second
	testStatement = 2 * time.Second
	// testPatience is how long a test waits before calling the store
	// frozen: well beyond the limits above, well below the 30 s bound of
	// a transaction (which would say db_server, not db_busy).
	testPatience = 15 * time.Second
)

// holder is another connection of the app's role holding something in a
// transaction left open, as a hostile (or stuck) program would.
type holder struct {
	t  *testing.T
	tx *sql.Tx
}

func hold(t *testing.T, appURL string, statements ...string) *holder {
	t.Helper()
	raw, err := sql.Open("pgx", appURL)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { raw.Close() })
	tx, err := raw.BeginTx(ctx, nil)
	if err != nil {
		t.Fatal(err)
	}
	h := &holder{t: t, tx: tx}
	t.Cleanup(h.release)
	for _, s := range statements {
		if _, err := tx.ExecContext(ctx, s); err != nil {
			t.Fatalf("%s: %v", s, err)
		}
	}
	return h
}

func (h *holder) release() { _ = h.tx.Rollback() }

// busy runs fn with a deadline and checks that it fails with db_busy
// within a few seconds, instead of waiting for the lock or the statement.
func busy(t *testing.T, what string, limit time.Duration, fn func(context.Context) error) time.Duration {
	t.Helper()
	c, cancel := context.WithTimeout(ctx, testPatience)
	defer cancel()
	start := time.Now()
	err := fn(c)
	took := time.Since(start)
	if err == nil {
		t.Fatalf("%s succeeded after %v, want db_busy", what, took)
	}
	if app.ErrorReason(err) != app.ReasonDBBusy {
		t.Fatalf("%s: after %v: %v (reason %q), want db_busy within about %v", what, took, err, app.ErrorReason(err), limit)
	}
	if took < limit-100*time.Millisecond || took > limit+3*time.Second {
		t.Errorf("%s gave up after %v, want about %v", what, took, limit)
	}
	t.Logf("%s: db_busy after %v", what, took.Round(time.Millisecond))
	return took
}

// The app's role holding the writers' advisory lock in an open
// transaction no longer freezes every computer: a write gives up after the
// lock limit with db_busy (« Le serveur est occupé… »), writes nothing, and
// works again once the lock is released. Reads take no lock and go on.
func TestAHeldWriteLockMakesTheServerBusyNotFrozen(t *testing.T) {
	pg := datatest.NewPGDaycareDB(t)
	defer data.SetPGLimits(testLockWait, testStatement)()
	db := openPath(t, pg.AppURL)
	insertUsers(t, db, newUser("a@cpe.ca", "A", app.RoleAdmin))

	h := hold(t, pg.AppURL, "SELECT pg_advisory_xact_lock("+strconv.FormatInt(data.PGWriteLock, 10)+")")
	busy(t, "a write while the lock is held", testLockWait, func(c context.Context) error {
		return db.Update(c, func(tx app.Tx) error {
			u := newUser("b@cpe.ca", "B", app.RoleParent)
			return tx.InsertUser(&u)
		})
	})
	// Nothing was written; reads take no lock and go on.
	var n int
	if err := db.View(ctx, func(tx app.Tx) error { var err error; n, err = tx.CountUsers(""); return err }); err != nil || n != 1 {
		t.Fatalf("a read while the lock is held: %d accounts, %v (want 1, b never written)", n, err)
	}

	h.release()
	insertUsers(t, db, newUser("b@cpe.ca", "B", app.RoleParent))
	if n := queryInt(t, db, "SELECT count(*) FROM users"); n != 2 {
		t.Fatalf("after the lock was released: %d accounts, want 2", n)
	}
}

// A read (a sign-in's first step) blocked by a table lock the app's role
// holds gives up too, and so does a statement that runs long: no wait on
// the server is without a limit.
func TestEveryWaitAndEveryStatementHasALimit(t *testing.T) {
	pg := datatest.NewPGDaycareDB(t)
	defer data.SetPGLimits(testLockWait, testStatement)()
	db := openPath(t, pg.AppURL)
	insertUsers(t, db, newUser("a@cpe.ca", "A", app.RoleAdmin))

	h := hold(t, pg.AppURL, "LOCK TABLE apetitspas.users IN ACCESS EXCLUSIVE MODE")
	busy(t, "a read of a locked table", testLockWait, func(c context.Context) error {
		return db.View(c, func(tx app.Tx) error { _, err := tx.UserByEmail("a@cpe.ca"); return err })
	})
	h.release()

	busy(t, "a statement of a read that runs long", testStatement, func(c context.Context) error {
		return db.View(c, func(tx app.Tx) error { return data.ExecIn(tx, "SELECT pg_sleep(10)") })
	})
	// In a write: the statement gives up and what the transaction wrote
	// before it is rolled back.
	busy(t, "a statement of a write that runs long", testStatement, func(c context.Context) error {
		return db.Update(c, func(tx app.Tx) error {
			u := newUser("b@cpe.ca", "B", app.RoleParent)
			if err := tx.InsertUser(&u); err != nil {
				return err
			}
			return data.ExecIn(tx, "SELECT pg_sleep(10)")
		})
	})
	if n := queryInt(t, db, "SELECT count(*) FROM users"); n != 1 {
		t.Fatalf("%d accounts after a write that gave up, want 1 (nothing half-written)", n)
	}
	if err := db.View(ctx, func(tx app.Tx) error { _, err := tx.UserByEmail("a@cpe.ca"); return err }); err != nil {
		t.Fatalf("a read once nothing is held: %v", err)
	}
}
