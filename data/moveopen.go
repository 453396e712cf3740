package data

import (
	"context"
	"database/sql"
	"fmt"
	"path/filepath"

	"github.com/apetitspas/apetitspas/app"
)

// OpenSource opens the SQLite file at path read-only, to be moved to a
// server (Move): nothing is migrated nor written, so the file is left as
// it was. A file at another schema version than SchemaVersion is refused
// (ReasonMoveUnsealed: open it once with this version of the app first);
// files that are not ours as Open refuses them.
func OpenSource(path string) (*DB, error) {
	if IsPostgresURL(path) {
		return nil, &app.Error{Code: app.EINVALID, Reason: app.ReasonDBURL, Detail: RedactURL(path),
			Err: fmt.Errorf("data: db move goes from a SQLite file (--db) to a postgres:// URL (--to)")}
	}
	if abs, err := filepath.Abs(path); err == nil {
		path = abs
	}
	exists, err := inspect(path)
	if err != nil {
		return nil, err
	}
	if !exists {
		return nil, unavailable(app.ReasonStorage, path, fmt.Errorf("data: %s does not exist", path))
	}
	sdb, err := sql.Open(driverName, fileURI(path)+"?mode=ro&_busy_timeout=30000&_foreign_keys=on")
	if err != nil {
		return nil, openError(path, err)
	}
	sdb.SetMaxOpenConns(1)
	d := &DB{db: sdb, path: path}
	id, version, objects, err := readIdentity(context.Background(), sdb)
	if err == nil {
		var v int
		if v, err = judge(path, id, version, objects); err == nil && v != SchemaVersion {
			err = &app.Error{Code: app.EINVALID, Reason: app.ReasonMoveUnsealed, Detail: path,
				Err: fmt.Errorf("data: schema version %d, not %d", v, SchemaVersion)}
		}
	}
	if err != nil {
		sdb.Close()
		return nil, openError(path, err)
	}
	d.version = SchemaVersion
	return d, nil
}
