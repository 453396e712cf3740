package data

import (
	"context"
	"database/sql"
	"time"

	"github.com/apetitspas/apetitspas/app"
)

// RawDB gives tests the connection pool of d, to run SQL the Store does
// not offer (it has a single connection: do not use it inside a View or
// Update).
func RawDB(d *DB) *sql.DB { return d.db }

// CreateAtVersion creates a database at path with only the first v
// migrations applied: what an older version of the app left behind.
func CreateAtVersion(path string, v int) error {
	ms, err := migrations()
	if err != nil {
		return err
	}
	db, err := sql.Open(driverName, fileURI(path)+"?_journal_mode=WAL&_txlock=immediate")
	if err != nil {
		return err
	}
	defer db.Close()
	db.SetMaxOpenConns(1)
	_, err = migrate(context.Background(), db, 0, ms[:v])
	return err
}

// PGWriteLock is the advisory lock key of write transactions.
const PGWriteLock = pgWriteLock

// SetPGLimits sets the lock and statement time limits of the PostgreSQL
// databases opened next (not safe with parallel tests); restore puts the
// app's limits back.
func SetPGLimits(lock, statement time.Duration) (restore func()) {
	oldLock, oldStatement := pgLockWait, pgStatementTime
	pgLockWait, pgStatementTime = lock, statement
	return func() { pgLockWait, pgStatementTime = oldLock, oldStatement }
}

// ExecIn runs query in the store's transaction t (a View or an Update), as
// one of the store's own statements would run.
func ExecIn(t app.Tx, query string) error {
	tt := t.(*tx)
	_, err := tt.tx.ExecContext(tt.ctx, query)
	return err
}
