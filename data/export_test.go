package data

import (
	"context"
	"database/sql"
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
