package data

import (
	"database/sql"
	"errors"
	"fmt"
	"time"

	"github.com/apetitspas/apetitspas/app"
)

// The persons the journal names (migration 0011, app/person.go).

const personColumns = `id, ref, coalesce(email, ''), salt, commitment, erased_at`

func scanPerson(s scanner) (app.Person, error) {
	var (
		p  app.Person
		ms int64
	)
	if err := s.Scan(&p.ID, &p.Ref, &p.Email, &p.Salt, &p.Commitment, &ms); err != nil {
		return app.Person{}, err
	}
	p.ErasedAt = fromMillis(ms)
	return p, nil
}

// PersonByEmail finds the person of an e-mail, whatever its case.
func (t *tx) PersonByEmail(email string) (app.Person, bool, error) {
	p, err := scanPerson(t.tx.QueryRowContext(t.ctx,
		t.q(`SELECT `+personColumns+` FROM person WHERE `+t.emailIs(`email`)), email))
	if errors.Is(err, sql.ErrNoRows) {
		return app.Person{}, false, nil
	}
	if err != nil {
		return app.Person{}, false, fmt.Errorf("data: read person: %w", err)
	}
	return p, true, nil
}

// NextPersonID is the number the next person gets.
func (t *tx) NextPersonID() (int64, error) {
	var id int64
	if err := t.tx.QueryRowContext(t.ctx, `SELECT coalesce(max(id), 0) + 1 FROM person`).Scan(&id); err != nil {
		return 0, fmt.Errorf("data: next person: %w", err)
	}
	return id, nil
}

// InsertPerson stores a new person as given.
func (t *tx) InsertPerson(p app.Person) error {
	if t.readOnly {
		return errReadOnly
	}
	_, err := t.tx.ExecContext(t.ctx, t.q(`INSERT INTO person (id, ref, email, salt, commitment, erased_at)
		VALUES (?, ?, ?, ?, ?, 0)`), p.ID, p.Ref, p.Email, p.Salt, p.Commitment)
	if err != nil {
		return fmt.Errorf("data: add person: %w", err)
	}
	return nil
}

// Persons returns every person, erased ones included, by number.
func (t *tx) Persons() (map[int64]app.Person, error) {
	rows, err := t.tx.QueryContext(t.ctx, `SELECT `+personColumns+` FROM person`)
	if err != nil {
		return nil, fmt.Errorf("data: read persons: %w", err)
	}
	defer rows.Close()
	out := map[int64]app.Person{}
	for rows.Next() {
		p, err := scanPerson(rows)
		if err != nil {
			return nil, fmt.Errorf("data: read persons: %w", err)
		}
		out[p.ID] = p
	}
	if err := rows.Err(); err != nil {
		return nil, fmt.Errorf("data: read persons: %w", err)
	}
	return out, nil
}

// ErasePerson empties the e-mail and salt of person id (ErrNotFound).
func (t *tx) ErasePerson(id int64, at time.Time) error {
	if t.readOnly {
		return errReadOnly
	}
	res, err := t.tx.ExecContext(t.ctx, t.q(`UPDATE person SET email = NULL, salt = NULL, erased_at = ? WHERE id = ?`),
		toMillis(at), id)
	if err != nil {
		return fmt.Errorf("data: erase person %d: %w", id, err)
	}
	if n, err := res.RowsAffected(); err != nil || n != 1 {
		return fmt.Errorf("data: erase person %d: %w", id, app.ErrNotFound)
	}
	return nil
}

// DeleteUser removes account id (ErrNotFound): an erasure.
func (t *tx) DeleteUser(id int64) error {
	if t.readOnly {
		return errReadOnly
	}
	res, err := t.tx.ExecContext(t.ctx, t.q(`DELETE FROM users WHERE id = ?`), id)
	if err != nil {
		return fmt.Errorf("data: delete account %d: %w", id, err)
	}
	if n, err := res.RowsAffected(); err != nil || n != 1 {
		return fmt.Errorf("data: delete account %d: %w", id, app.ErrNotFound)
	}
	return nil
}

// Scrub moves everything the write-ahead log holds into the database
// file and empties the log (SQLite; nothing to do on PostgreSQL): after
// an erasure, with secure_delete on, nothing erased is left in either.
func (d *DB) Scrub() error {
	if d.pg {
		return nil
	}
	var busy, logged, moved int
	if err := d.db.QueryRow(`PRAGMA wal_checkpoint(TRUNCATE)`).Scan(&busy, &logged, &moved); err != nil {
		return fmt.Errorf("data: checkpoint: %w", err)
	}
	if busy != 0 {
		return errors.New("data: checkpoint: the database is busy")
	}
	return nil
}

// RewriteAudit writes rows over the journal rows of the same IDs, for the
// one-time hand-over of the journal to the personal form (app/erase.go).
// On SQLite the append-only trigger is lifted for these statements only,
// inside this transaction, and put back as migration 0006 made it. On
// PostgreSQL the app's role has no right to change the journal: each row
// goes through migration 0012's audit_hand_over, which the journal's
// trigger lets through only in the transaction that journaled the
// hand-over, once ever.
func (t *tx) RewriteAudit(rows []app.AuditEvent) error {
	if t.readOnly {
		return errReadOnly
	}
	if t.pg {
		for _, e := range rows {
			fields, err := encodeFields(e.Fields)
			if err != nil {
				return fmt.Errorf("data: hand over the journal: %w", err)
			}
			if _, err := t.tx.ExecContext(t.ctx, `SELECT audit_hand_over($1, $2, $3, $4, $5, $6, $7, $8)`,
				e.ID, toMillis(e.Time), e.Event, e.Actor, e.Target, e.Detail, fields, blob(e.MAC)); err != nil {
				return fmt.Errorf("data: hand over journal row %d: %w", e.ID, err)
			}
		}
		return nil
	}
	if _, err := t.tx.ExecContext(t.ctx, `DROP TRIGGER audit_no_update`); err != nil {
		return fmt.Errorf("data: hand over the journal: %w", err)
	}
	for _, e := range rows {
		fields, err := encodeFields(e.Fields)
		if err != nil {
			return fmt.Errorf("data: hand over the journal: %w", err)
		}
		res, err := t.tx.ExecContext(t.ctx, `UPDATE audit SET actor = ?, target = ?, detail = ?, fields = ?, mac = ?
			WHERE id = ? AND time = ? AND event = ?`,
			e.Actor, e.Target, e.Detail, fields, blob(e.MAC), e.ID, toMillis(e.Time), e.Event)
		if err != nil {
			return fmt.Errorf("data: hand over journal row %d: %w", e.ID, err)
		}
		if n, err := res.RowsAffected(); err != nil || n != 1 {
			return fmt.Errorf("data: hand over journal row %d: %w", e.ID, app.ErrNotFound)
		}
	}
	if _, err := t.tx.ExecContext(t.ctx, auditNoUpdate); err != nil {
		return fmt.Errorf("data: hand over the journal: %w", err)
	}
	return nil
}

// auditNoUpdate is the trigger of migration 0006.
const auditNoUpdate = `CREATE TRIGGER audit_no_update BEFORE UPDATE ON audit
WHEN NOT (
    OLD.mac IS NULL
    AND typeof(NEW.mac) = 'blob' AND length(NEW.mac) > 0
    AND NEW.id IS OLD.id
    AND NEW.time IS OLD.time
    AND NEW.event IS OLD.event
    AND NEW.actor IS OLD.actor
    AND NEW.target IS OLD.target
    AND NEW.detail IS OLD.detail
    AND NEW.fields IS OLD.fields
)
BEGIN
    SELECT RAISE(ABORT, 'audit rows are append-only');
END`
