package data

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"os"
	"strings"

	"github.com/apetitspas/apetitspas/app"
)

// Copying a whole daycare between engines, row for row: IDs, MACs and
// fields as they are, so that the accounts' MACs and the journal's chain
// verify on the other side. Used by Move (SQLite file → PostgreSQL) and by
// Snapshot on PostgreSQL (→ a SQLite file, the backups' format).

// CopyCounts are the rows a copy wrote.
type CopyCounts struct {
	Users, Settings, Events int64
}

// copyBatch is how many rows go in one INSERT.
const copyBatch = 500

// copyAll copies every account, setting and journal row of src into dst,
// which must be empty (ReasonMoveNotEmpty).
func copyAll(ctx context.Context, src, dst *tx) (CopyCounts, error) {
	var c CopyCounts
	var n int64
	if err := dst.tx.QueryRowContext(ctx, `SELECT (SELECT count(*) FROM users) + (SELECT count(*) FROM audit)
		+ (SELECT count(*) FROM settings) + (SELECT count(*) FROM person)`).Scan(&n); err != nil {
		return c, err
	}
	if n != 0 {
		return c, &app.Error{Code: app.ECONFLICT, Reason: app.ReasonMoveNotEmpty,
			Err: fmt.Errorf("data: the destination already holds %d rows", n)}
	}
	var err error
	if c.Users, err = copyTable(ctx, src, dst, "users",
		`id, email, name, role, password_hash, must_change_password, disabled, failed_logins, locked_until,
		mfa, mfa_secret, mfa_secret_since, mfa_last_step, mfa_failures, mfa_reset_by, mfa_reset_at, mfa_due,
		mac, recovery, created_at, updated_at, name_key, generation, created_by, reactivation`,
		func(r *sql.Rows) ([]any, error) {
			var (
				id, locked, since, step, resetAt, due, created, updated int64
				generation, createdBy                                   int64
				failed, mfaFailures                                     int
				email, name, role, hash, mfa, resetBy, nameKey          string
				mustChange, disabled                                    bool
				secret, mac, recovery, reactivation                     []byte
			)
			err := r.Scan(&id, &email, &name, &role, &hash, &mustChange, &disabled, &failed, &locked,
				&mfa, &secret, &since, &step, &mfaFailures, &resetBy, &resetAt, &due, &mac, &recovery,
				&created, &updated, &nameKey, &generation, &createdBy, &reactivation)
			return []any{id, email, name, role, hash, mustChange, disabled, failed, locked, mfa, blob(secret),
				since, step, mfaFailures, resetBy, resetAt, due, blob(mac), blob(recovery), created, updated, nameKey,
				generation, createdBy, blob(reactivation)}, err
		}); err != nil {
		return c, fmt.Errorf("data: copy accounts: %w", err)
	}
	if c.Settings, err = copyTable(ctx, src, dst, "settings", `key, value`,
		func(r *sql.Rows) ([]any, error) {
			var k, v string
			err := r.Scan(&k, &v)
			return []any{k, v}, err
		}); err != nil {
		return c, fmt.Errorf("data: copy settings: %w", err)
	}
	if _, err = copyTable(ctx, src, dst, "person", `id, ref, email, salt, commitment, erased_at`,
		func(r *sql.Rows) ([]any, error) {
			var (
				id, erased       int64
				ref              string
				email            sql.NullString
				salt, commitment []byte
			)
			err := r.Scan(&id, &ref, &email, &salt, &commitment, &erased)
			return []any{id, ref, email, blob(salt), commitment, erased}, err
		}); err != nil {
		return c, fmt.Errorf("data: copy persons: %w", err)
	}
	if c.Events, err = copyTable(ctx, src, dst, "audit", auditColumns,
		func(r *sql.Rows) ([]any, error) {
			var (
				id, ms                       int64
				event, actor, target, detail string
				mac                          []byte
				fields                       sql.NullString
			)
			err := r.Scan(&id, &ms, &event, &actor, &target, &detail, &mac, &fields)
			if err == nil && len(mac) == 0 {
				err = &app.Error{Code: app.EINVALID, Reason: app.ReasonMoveUnsealed,
					Err: fmt.Errorf("data: journal row %d has no MAC", id)}
			}
			return []any{id, ms, event, actor, target, detail, blob(mac), fields}, err
		}); err != nil {
		return c, fmt.Errorf("data: copy journal: %w", err)
	}
	return c, nil
}

// copyTable streams table's rows from src, in key order, into dst in
// batches of multi-row INSERTs.
func copyTable(ctx context.Context, src, dst *tx, table, columns string, scan func(*sql.Rows) ([]any, error)) (int64, error) {
	ncol := len(strings.Split(columns, ","))
	order := "id"
	if table == "settings" {
		order = "key"
	}
	rows, err := src.tx.QueryContext(ctx, `SELECT `+columns+` FROM `+table+` ORDER BY `+order)
	if err != nil {
		return 0, err
	}
	defer rows.Close()
	one := "(" + strings.TrimSuffix(strings.Repeat("?, ", ncol), ", ") + ")"
	var (
		n     int64
		batch []any
		k     int
	)
	flush := func() error {
		if k == 0 {
			return nil
		}
		q := `INSERT INTO ` + table + ` (` + columns + `) VALUES ` + strings.TrimSuffix(strings.Repeat(one+", ", k), ", ")
		if _, err := dst.tx.ExecContext(ctx, dst.q(q), batch...); err != nil {
			return err
		}
		n += int64(k)
		batch, k = batch[:0], 0
		return nil
	}
	for rows.Next() {
		vals, err := scan(rows)
		if err != nil {
			return n, err
		}
		batch = append(batch, vals...)
		if k++; k == copyBatch {
			if err := flush(); err != nil {
				return n, err
			}
		}
	}
	if err := rows.Err(); err != nil {
		return n, err
	}
	return n, flush()
}

// txStore is one open write transaction seen as an app.Store, so that the
// app can verify and journal what a move wrote before it is committed.
type txStore struct{ t *tx }

func (s txStore) View(_ context.Context, fn func(app.Tx) error) error {
	return fn(&tx{ctx: s.t.ctx, tx: s.t.tx, readOnly: true, pg: s.t.pg})
}

func (s txStore) Update(_ context.Context, fn func(app.Tx) error) error { return fn(s.t) }

// Move copies the daycare of the SQLite database src into the empty
// PostgreSQL database dst, all or nothing: one read transaction on src
// (left untouched), one write transaction on dst, in which check (the
// app's verification of the accounts and of the journal's chain, and the
// journaling of the move) runs before the commit. A journal row without a
// MAC is refused (ReasonMoveUnsealed: open the file with the app once); a
// dst holding anything is refused (ReasonMoveNotEmpty).
func Move(ctx context.Context, src, dst *DB, check func(app.Store, CopyCounts) error) (CopyCounts, error) {
	var c CopyCounts
	if src.pg || !dst.pg {
		return c, &app.Error{Code: app.EINVALID, Reason: app.ReasonDBURL,
			Err: errors.New("data: db move goes from a SQLite file to a postgres:// URL")}
	}
	err := src.View(ctx, func(st app.Tx) error {
		return dst.Update(ctx, func(dt app.Tx) error {
			var err error
			if c, err = copyAll(ctx, st.(*tx), dt.(*tx)); err != nil {
				return err
			}
			if check != nil {
				return check(txStore{dt.(*tx)}, c)
			}
			return nil
		})
	})
	return c, err
}

// snapshotPG writes the whole PostgreSQL database, as one consistent
// snapshot, into a new SQLite file at path: a backup is the same file
// whatever the engine.
func (d *DB) snapshotPG(ctx context.Context, path string) (err error) {
	if _, err := os.Lstat(path); err == nil {
		return fmt.Errorf("snapshot %s: %w", path, os.ErrExist)
	}
	out, err := Open(path)
	if err != nil {
		return err
	}
	defer func() {
		if cerr := out.Close(); err == nil {
			err = cerr
		}
		if err != nil {
			os.Remove(path)
			os.Remove(path + "-wal")
			os.Remove(path + "-shm")
		}
	}()
	return d.View(ctx, func(st app.Tx) error {
		return out.Update(ctx, func(dt app.Tx) error {
			_, err := copyAll(ctx, st.(*tx), dt.(*tx))
			return err
		})
	})
}
