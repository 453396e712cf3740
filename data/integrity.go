package data

import (
	"database/sql"
	"encoding/json"
	"errors"
	"fmt"

	"github.com/apetitspas/apetitspas/app"
)

// This file holds what the app's integrity checks (MACs of the accounts
// and of the journal) need from the store.

const auditColumns = `id, time, event, actor, target, detail, mac, fields`

func scanAudit(s scanner, more ...any) (app.AuditEvent, error) {
	var (
		e      app.AuditEvent
		ms     int64
		fields sql.NullString
	)
	dest := append([]any{&e.ID, &ms, &e.Event, &e.Actor, &e.Target, &e.Detail, &e.MAC, &fields}, more...)
	if err := s.Scan(dest...); err != nil {
		return app.AuditEvent{}, err
	}
	e.Time = fromMillis(ms)
	if len(e.MAC) == 0 {
		e.MAC = nil
	}
	e.Fields = decodeFields(fields)
	return e, nil
}

// unreadableFields is the key under which fields that are not what
// encodeFields writes are given back, as they are: the row's MAC then
// fails (the app never writes such a key), so the row is reported as
// changed, rather than the whole journal becoming unreadable.
const unreadableFields = "\x00unreadable"

// encodeFields stores a row's fields as a JSON array of [key, value]
// pairs (their order kept); none is NULL.
func encodeFields(fs []app.AuditField) (any, error) {
	if len(fs) == 0 {
		return nil, nil
	}
	pairs := make([][2]string, len(fs))
	for i, f := range fs {
		pairs[i] = [2]string{f.Key, f.Value}
	}
	b, err := json.Marshal(pairs)
	if err != nil {
		return nil, err
	}
	return string(b), nil
}

// decodeFields reads what encodeFields stored. Anything else (edited in
// the file) comes back under unreadableFields, never as no fields.
func decodeFields(s sql.NullString) []app.AuditField {
	if !s.Valid {
		return nil
	}
	var pairs [][2]string
	if err := json.Unmarshal([]byte(s.String), &pairs); err != nil || len(pairs) == 0 {
		return []app.AuditField{{Key: unreadableFields, Value: s.String}}
	}
	fs := make([]app.AuditField, len(pairs))
	for i, p := range pairs {
		fs[i] = app.AuditField{Key: p[0], Value: p[1]}
	}
	return fs
}

// LastAudit returns the journal row with the highest ID; ok is false when
// the journal is empty.
func (t *tx) LastAudit() (app.AuditEvent, bool, error) {
	e, err := scanAudit(t.tx.QueryRowContext(t.ctx,
		`SELECT `+auditColumns+` FROM audit ORDER BY id DESC LIMIT 1`))
	if errors.Is(err, sql.ErrNoRows) {
		return app.AuditEvent{}, false, nil
	}
	if err != nil {
		return app.AuditEvent{}, false, fmt.Errorf("data: last audit row: %w", err)
	}
	return e, true, nil
}

// EachAudit calls fn for every journal row with an ID above afterID, in
// increasing ID order. Rows are read one at a time as fn asks for the
// next: the journal is never held in memory. fn may use the transaction
// (SetAuditMAC on the row it is given, say) but must not start another
// View or Update; rows fn appends may or may not be given to it. An error
// from fn stops the walk and is returned as is.
func (t *tx) EachAudit(afterID int64, fn func(app.AuditEvent) error) error {
	if fn == nil {
		return errors.New("data: EachAudit(nil)")
	}
	if t.pg {
		return t.eachAuditBatched(afterID, fn)
	}
	rows, err := t.tx.QueryContext(t.ctx,
		`SELECT `+auditColumns+` FROM audit WHERE id > ? ORDER BY id`, afterID)
	if err != nil {
		return fmt.Errorf("data: read audit: %w", err)
	}
	defer rows.Close()
	for rows.Next() {
		e, err := scanAudit(rows)
		if err != nil {
			return fmt.Errorf("data: read audit: %w", err)
		}
		if err := fn(e); err != nil {
			return err
		}
	}
	if err := rows.Err(); err != nil {
		return fmt.Errorf("data: read audit: %w", err)
	}
	return nil
}

// auditBatch is how many journal rows EachAudit reads at a time from
// PostgreSQL, whose connection cannot run fn's statements while a result
// is still being read.
const auditBatch = 2000

func (t *tx) eachAuditBatched(afterID int64, fn func(app.AuditEvent) error) error {
	for {
		rows, err := t.tx.QueryContext(t.ctx,
			`SELECT `+auditColumns+` FROM audit WHERE id > $1 ORDER BY id LIMIT $2`, afterID, auditBatch)
		if err != nil {
			return fmt.Errorf("data: read audit: %w", err)
		}
		batch := make([]app.AuditEvent, 0, auditBatch)
		for rows.Next() {
			e, err := scanAudit(rows)
			if err != nil {
				rows.Close()
				return fmt.Errorf("data: read audit: %w", err)
			}
			batch = append(batch, e)
		}
		rows.Close()
		if err := rows.Err(); err != nil {
			return fmt.Errorf("data: read audit: %w", err)
		}
		for _, e := range batch {
			if err := fn(e); err != nil {
				return err
			}
		}
		if len(batch) < auditBatch {
			return nil
		}
		afterID = batch[len(batch)-1].ID
	}
}

// SetAuditMAC gives the journal row id, written without a MAC, its MAC.
// A row that already has one keeps it (an error, as is a missing row,
// which wraps app.ErrNotFound, and an empty mac): the schema allows no
// other change to the journal.
func (t *tx) SetAuditMAC(id int64, mac []byte) error {
	if t.readOnly {
		return errReadOnly
	}
	if len(mac) == 0 {
		return fmt.Errorf("data: empty MAC for audit row %d", id)
	}
	res, err := t.tx.ExecContext(t.ctx, t.q(`UPDATE audit SET mac = ? WHERE id = ? AND mac IS NULL`), mac, id)
	if err != nil {
		return fmt.Errorf("data: set MAC of audit row %d: %w", id, err)
	}
	n, err := res.RowsAffected()
	if err != nil {
		return fmt.Errorf("data: set MAC of audit row %d: %w", id, err)
	}
	if n == 1 {
		return nil
	}
	var exists bool
	if err := t.tx.QueryRowContext(t.ctx, t.q(`SELECT EXISTS (SELECT 1 FROM audit WHERE id = ?)`), id).Scan(&exists); err != nil {
		return fmt.Errorf("data: set MAC of audit row %d: %w", id, err)
	}
	if !exists {
		return fmt.Errorf("data: audit row %d: %w", id, app.ErrNotFound)
	}
	return fmt.Errorf("data: audit row %d already has a MAC", id)
}

// HasMACs reports whether any account or journal row carries a MAC.
func (t *tx) HasMACs() (bool, error) {
	// Rows written since MACs exist are the newest: look from the end.
	var has bool
	err := t.tx.QueryRowContext(t.ctx, `SELECT
		EXISTS (SELECT 1 FROM users WHERE mac IS NOT NULL)
		OR (SELECT id FROM audit WHERE mac IS NOT NULL ORDER BY id DESC LIMIT 1) IS NOT NULL`).Scan(&has)
	if err != nil {
		return false, fmt.Errorf("data: look for MACs: %w", err)
	}
	return has, nil
}

// Settings returns every setting (an empty map when there is none).
func (t *tx) Settings() (map[string]string, error) {
	rows, err := t.tx.QueryContext(t.ctx, `SELECT key, value FROM settings`)
	if err != nil {
		return nil, fmt.Errorf("data: read settings: %w", err)
	}
	defer rows.Close()
	m := make(map[string]string)
	for rows.Next() {
		var k, v string
		if err := rows.Scan(&k, &v); err != nil {
			return nil, fmt.Errorf("data: read settings: %w", err)
		}
		m[k] = v
	}
	if err := rows.Err(); err != nil {
		return nil, fmt.Errorf("data: read settings: %w", err)
	}
	return m, nil
}

// MaxGeneration is the highest generation of any account (0 when none):
// an account written after the state root was (app/root.go).
func (t *tx) MaxGeneration() (int64, error) {
	var g int64
	err := t.tx.QueryRowContext(t.ctx, `SELECT coalesce(max(generation), 0) FROM users`).Scan(&g)
	if err != nil {
		return 0, fmt.Errorf("data: read generations: %w", err)
	}
	return g, nil
}
