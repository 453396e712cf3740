package data

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"strings"
	"time"

	"github.com/jackc/pgx/v5"
	"github.com/mattn/go-sqlite3"

	"github.com/apetitspas/apetitspas/app"
)

// tx implements app.Tx over one *sql.Tx.
type tx struct {
	ctx      context.Context
	tx       *sql.Tx
	readOnly bool
	pg       bool // PostgreSQL: $n parameters and a few spellings (pg.go)
}

// q returns query for the engine: PostgreSQL numbers its parameters
// ($1, $2, …) where SQLite takes ?. No query of this package has a ? in a
// string literal.
func (t *tx) q(query string) string {
	if !t.pg {
		return query
	}
	var b strings.Builder
	b.Grow(len(query) + 16)
	n := 0
	for i := 0; i < len(query); i++ {
		if query[i] == '?' {
			n++
			fmt.Fprintf(&b, "$%d", n)
			continue
		}
		b.WriteByte(query[i])
	}
	return b.String()
}

// emailIs is the condition "column is this e-mail, whatever its case".
func (t *tx) emailIs(column string) string {
	if t.pg {
		return `lower(` + column + `) = lower(?)`
	}
	return column + ` = ? COLLATE NOCASE`
}

// lowerOf is column in lower case where LIKE is case-sensitive
// (PostgreSQL); SQLite's LIKE already ignores the case of ASCII.
func (t *tx) lowerOf(column string) string {
	if t.pg {
		return `lower(` + column + `)`
	}
	return column
}

var _ app.Tx = (*tx)(nil)

// errReadOnly is returned by the writing methods of a View transaction.
var errReadOnly = errors.New("data: write in a read-only transaction (use Update)")

const userColumns = `id, email, name, role, password_hash, must_change_password,
	disabled, failed_logins, locked_until, mfa, mfa_secret, mfa_secret_since, mfa_last_step,
	mfa_failures, mfa_reset_by, mfa_reset_at, mfa_due, mac, recovery, created_at, updated_at,
	generation, created_by, reactivation`

// scanner is *sql.Row or *sql.Rows.
type scanner interface{ Scan(dest ...any) error }

func scanUser(s scanner) (app.User, error) {
	var (
		u                               app.User
		role, mfa                       string
		locked, since, created, updated int64
		resetAt, due                    int64
	)
	err := s.Scan(&u.ID, &u.Email, &u.Name, &role, &u.PasswordHash, &u.MustChangePassword,
		&u.Disabled, &u.FailedLogins, &locked, &mfa, &u.MFASecret, &since, &u.MFALastStep,
		&u.MFAFailures, &u.MFAResetBy, &resetAt, &due, &u.MAC, &u.Recovery, &created, &updated,
		&u.Generation, &u.CreatedBy, &u.Reactivation)
	if err != nil {
		return app.User{}, err
	}
	u.Role = app.Role(role)
	u.MFA = app.MFAState(mfa)
	if len(u.MFASecret) == 0 {
		u.MFASecret = nil
	}
	if len(u.MAC) == 0 {
		u.MAC = nil
	}
	if len(u.Recovery) == 0 {
		u.Recovery = nil
	}
	if len(u.Reactivation) == 0 {
		u.Reactivation = nil
	}
	u.LockedUntil = fromMillis(locked)
	u.MFASecretSince = fromMillis(since)
	u.MFAResetAt = fromMillis(resetAt)
	u.MFADue = fromMillis(due)
	u.CreatedAt = fromMillis(created)
	u.UpdatedAt = fromMillis(updated)
	return u, nil
}

// blob stores an empty secret or MAC as NULL.
func blob(b []byte) any {
	if len(b) == 0 {
		return nil
	}
	return b
}

func (t *tx) user(query string, arg any) (app.User, error) {
	u, err := scanUser(t.tx.QueryRowContext(t.ctx, t.q(`SELECT `+userColumns+` FROM users WHERE `+query), arg))
	if errors.Is(err, sql.ErrNoRows) {
		return app.User{}, app.ErrNotFound
	}
	if err != nil {
		return app.User{}, fmt.Errorf("data: read user: %w", err)
	}
	return u, nil
}

// UserByEmail finds an account by e-mail, ignoring case and surrounding
// spaces (app.ErrNotFound).
func (t *tx) UserByEmail(email string) (app.User, error) {
	return t.user(t.emailIs(`email`), app.NormalizeEmail(email))
}

// UserByID finds an account by ID (app.ErrNotFound).
func (t *tx) UserByID(id int64) (app.User, error) {
	return t.user(`id = ?`, id)
}

// Users lists the accounts matching f, ordered by name then e-mail,
// ignoring case and accents. f.Query is a substring of the name or the
// e-mail, ignoring case and, for names, accents.
func (t *tx) Users(f app.UserFilter) ([]app.User, error) {
	var (
		where []string
		args  []any
	)
	if f.Role != "" {
		where = append(where, `role = ?`)
		args = append(args, string(f.Role))
	}
	if f.Staff {
		where = append(where, `role IN (?, ?)`)
		args = append(args, string(app.RoleEmployee), string(app.RoleAdmin))
	}
	if q := strings.TrimSpace(f.Query); q != "" {
		// Names are searched by their key (no case, no accents); e-mails
		// are stored in lower case, and LIKE ignores the case of ASCII.
		key, lower := fold(q), strings.ToLower(q)
		cond := `name_key LIKE ? ESCAPE '\' OR email LIKE ? ESCAPE '\'`
		args = append(args, likeContains(key), likeContains(lower))
		if key != lower {
			cond += ` OR email LIKE ? ESCAPE '\'`
			args = append(args, likeContains(key))
		}
		where = append(where, `(`+cond+`)`)
	}
	query := `SELECT ` + userColumns + ` FROM users`
	if len(where) > 0 {
		query += ` WHERE ` + strings.Join(where, ` AND `)
	}
	query += ` ORDER BY name_key, email`
	if f.Limit > 0 {
		query += ` LIMIT ?`
		args = append(args, f.Limit)
	}
	if t.pg && strings.TrimSpace(f.Query) != "" {
		// A plan made for the typed text, never a reused generic one:
		// LIKE '%…%' then keeps to the trigram indexes (pgmigrations).
		args = append([]any{pgx.QueryExecModeExec}, args...)
	}
	rows, err := t.tx.QueryContext(t.ctx, t.q(query), args...)
	if err != nil {
		return nil, fmt.Errorf("data: list users: %w", err)
	}
	defer rows.Close()
	var us []app.User
	for rows.Next() {
		u, err := scanUser(rows)
		if err != nil {
			return nil, fmt.Errorf("data: list users: %w", err)
		}
		us = append(us, u)
	}
	if err := rows.Err(); err != nil {
		return nil, fmt.Errorf("data: list users: %w", err)
	}
	return us, nil
}

// CountUsers counts the accounts having role (all accounts if role is "").
func (t *tx) CountUsers(role app.Role) (int, error) {
	var n int
	var err error
	if role == "" {
		err = t.tx.QueryRowContext(t.ctx, `SELECT count(*) FROM users`).Scan(&n)
	} else {
		err = t.tx.QueryRowContext(t.ctx, t.q(`SELECT count(*) FROM users WHERE role = ?`), string(role)).Scan(&n)
	}
	if err != nil {
		return 0, fmt.Errorf("data: count users: %w", err)
	}
	return n, nil
}

// InsertUser stores a new account and sets u.ID (app.ErrEmailTaken if
// another account has the same e-mail, whatever its case). An empty MFA
// state is stored (and set) as app.MFAOff, an empty MFASecret or MAC as
// none. u.Tampered is not stored.
func (t *tx) InsertUser(u *app.User) error {
	if t.readOnly {
		return errReadOnly
	}
	if u == nil {
		return errors.New("data: InsertUser(nil)")
	}
	if u.MFA == "" {
		u.MFA = app.MFAOff
	}
	// SQLite gives the next ID after the highest; PostgreSQL is told to do
	// the same (no sequence: one writer at a time, see pg.go).
	idColumn, idValue := "", ""
	if t.pg {
		idColumn, idValue = "id, ", "(SELECT coalesce(max(id), 0) + 1 FROM users), "
	}
	var id int64
	err := t.tx.QueryRowContext(t.ctx, t.q(`INSERT INTO users (`+idColumn+`email, name, role, password_hash,
		must_change_password, disabled, failed_logins, locked_until, mfa, mfa_secret,
		mfa_secret_since, mfa_last_step, mfa_failures, mfa_reset_by, mfa_reset_at,
		mfa_due, mac, recovery, created_at, updated_at, name_key, generation, created_by, reactivation)
		VALUES (`+idValue+`?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?) RETURNING id`),
		u.Email, u.Name, string(u.Role), u.PasswordHash, u.MustChangePassword, u.Disabled,
		u.FailedLogins, toMillis(u.LockedUntil), string(u.MFA), blob(u.MFASecret),
		toMillis(u.MFASecretSince), u.MFALastStep, u.MFAFailures, u.MFAResetBy, toMillis(u.MFAResetAt),
		toMillis(u.MFADue), blob(u.MAC), blob(u.Recovery), toMillis(u.CreatedAt), toMillis(u.UpdatedAt), fold(u.Name),
		u.Generation, u.CreatedBy, blob(u.Reactivation)).Scan(&id)
	if err != nil {
		if isUniqueViolation(err) {
			return app.ErrEmailTaken
		}
		return fmt.Errorf("data: insert user: %w", err)
	}
	u.ID = id
	return nil
}

// UpdateUser writes every field of u but CreatedAt (and Tampered, never
// stored), finding the account by u.ID (app.ErrNotFound,
// app.ErrEmailTaken). An empty MFA state is stored as app.MFAOff, an empty
// MFASecret or MAC as none (nil).
func (t *tx) UpdateUser(u app.User) error {
	if t.readOnly {
		return errReadOnly
	}
	if u.MFA == "" {
		u.MFA = app.MFAOff
	}
	res, err := t.tx.ExecContext(t.ctx, t.q(`UPDATE users SET email = ?, name = ?, role = ?,
		password_hash = ?, must_change_password = ?, disabled = ?, failed_logins = ?,
		locked_until = ?, mfa = ?, mfa_secret = ?, mfa_secret_since = ?, mfa_last_step = ?,
		mfa_failures = ?, mfa_reset_by = ?, mfa_reset_at = ?, mfa_due = ?, mac = ?,
		recovery = ?, updated_at = ?, name_key = ?, generation = ?, created_by = ?, reactivation = ? WHERE id = ?`),
		u.Email, u.Name, string(u.Role), u.PasswordHash, u.MustChangePassword, u.Disabled,
		u.FailedLogins, toMillis(u.LockedUntil), string(u.MFA), blob(u.MFASecret),
		toMillis(u.MFASecretSince), u.MFALastStep, u.MFAFailures, u.MFAResetBy, toMillis(u.MFAResetAt),
		toMillis(u.MFADue), blob(u.MAC), blob(u.Recovery), toMillis(u.UpdatedAt), fold(u.Name),
		u.Generation, u.CreatedBy, blob(u.Reactivation), u.ID)
	if err != nil {
		if isUniqueViolation(err) {
			return app.ErrEmailTaken
		}
		return fmt.Errorf("data: update user: %w", err)
	}
	n, err := res.RowsAffected()
	if err != nil {
		return fmt.Errorf("data: update user: %w", err)
	}
	if n == 0 {
		return app.ErrNotFound
	}
	return nil
}

// Setting returns a setting's value and whether it is set.
func (t *tx) Setting(key string) (string, bool, error) {
	var v string
	err := t.tx.QueryRowContext(t.ctx, t.q(`SELECT value FROM settings WHERE key = ?`), key).Scan(&v)
	if errors.Is(err, sql.ErrNoRows) {
		return "", false, nil
	}
	if err != nil {
		return "", false, fmt.Errorf("data: read setting %q: %w", key, err)
	}
	return v, true, nil
}

// SetSetting writes a setting, replacing its previous value.
func (t *tx) SetSetting(key, value string) error {
	if t.readOnly {
		return errReadOnly
	}
	_, err := t.tx.ExecContext(t.ctx, t.q(`INSERT INTO settings (key, value) VALUES (?, ?)
		ON CONFLICT (key) DO UPDATE SET value = excluded.value`), key, value)
	if err != nil {
		return fmt.Errorf("data: write setting %q: %w", key, err)
	}
	return nil
}

// AppendAudit adds an event to the journal with e.ID and e.MAC as given
// (an empty MAC is stored as none). When e.ID is 0, SQLite chooses the
// next ID and e.ID is set to it. An ID already in the journal is refused:
// rows are never replaced. e.Time must be set: the store does not read
// the clock.
func (t *tx) AppendAudit(e *app.AuditEvent) error {
	if t.readOnly {
		return errReadOnly
	}
	if e == nil {
		return errors.New("data: AppendAudit(nil)")
	}
	if e.Time.IsZero() {
		return fmt.Errorf("data: audit event %q without a time", e.Event)
	}
	var id any // NULL: the next ID after the highest
	if e.ID != 0 {
		id = e.ID
	}
	fields, err := encodeFields(e.Fields)
	if err != nil {
		return fmt.Errorf("data: append audit: %w", err)
	}
	var newID int64
	err = t.tx.QueryRowContext(t.ctx, t.q(`INSERT INTO audit (id, time, event, actor, target, detail, mac, fields)
		VALUES (coalesce(?, (SELECT coalesce(max(id), 0) + 1 FROM audit)), ?, ?, ?, ?, ?, ?, ?) RETURNING id`),
		id, toMillis(e.Time), e.Event, e.Actor, e.Target, e.Detail, blob(e.MAC), fields).Scan(&newID)
	if err != nil {
		return fmt.Errorf("data: append audit: %w", err)
	}
	e.ID = newID
	return nil
}

// Audit lists the events matching f, newest first (then by decreasing ID),
// with the names of the accounts that acted and were concerned, when they
// exist. f.Person matches the actor or the target, ignoring case; f.Who
// a part of their e-mail or of their account's name, ignoring case and
// accents.
func (t *tx) Audit(f app.AuditFilter) ([]app.AuditEvent, error) {
	var (
		where []string
		args  []any
	)
	if f.Event != "" {
		where = append(where, `a.event = ?`)
		args = append(args, f.Event)
	}
	if p := strings.TrimSpace(f.Person); p != "" {
		// Rows of the personal form name her by her reference (migration
		// 0011); rows from before it, by her e-mail.
		where = append(where, `(`+t.emailIs(`a.actor`)+` OR `+t.emailIs(`a.target`)+`
			OR a.actor IN (SELECT ref FROM person WHERE `+t.emailIs(`email`)+`)
			OR a.target IN (SELECT ref FROM person WHERE `+t.emailIs(`email`)+`))`)
		args = append(args, p, p, p, p)
	}
	if w := strings.Join(strings.Fields(f.Who), " "); w != "" {
		mail, name := likeContains(strings.ToLower(w)), likeContains(fold(w))
		where = append(where, `(`+t.lowerOf(`coalesce(pa.email, a.actor)`)+` LIKE ? ESCAPE '\' OR `+t.lowerOf(`coalesce(pt.email, a.target)`)+` LIKE ? ESCAPE '\'
			OR ua.name_key LIKE ? ESCAPE '\' OR ut.name_key LIKE ? ESCAPE '\')`)
		args = append(args, mail, mail, name, name)
	}
	if !f.Since.IsZero() {
		where = append(where, `a.time >= ?`)
		args = append(args, toMillis(f.Since))
	}
	if !f.Until.IsZero() {
		where = append(where, `a.time < ?`)
		args = append(args, toMillis(f.Until))
	}
	// A person's reference is given back as her e-mail while she has one
	// (the app puts her e-mail back into the details, app/person.go).
	query := `SELECT a.id, a.time, a.event, coalesce(pa.email, a.actor), coalesce(pt.email, a.target),
		a.detail, a.mac, a.fields, coalesce(ua.name, ''), coalesce(ut.name, '')
		FROM audit AS a
		LEFT JOIN person AS pa ON pa.ref = a.actor
		LEFT JOIN person AS pt ON pt.ref = a.target
		LEFT JOIN users AS ua ON ` + t.sameEmail(`ua.email`, `coalesce(pa.email, a.actor)`) + ` AND a.actor <> ''
		LEFT JOIN users AS ut ON ` + t.sameEmail(`ut.email`, `coalesce(pt.email, a.target)`) + ` AND a.target <> ''`
	if len(where) > 0 {
		query += ` WHERE ` + strings.Join(where, ` AND `)
	}
	query += ` ORDER BY a.time DESC, a.id DESC`
	if f.Limit > 0 {
		query += ` LIMIT ?`
		args = append(args, f.Limit)
	}
	rows, err := t.tx.QueryContext(t.ctx, t.q(query), args...)
	if err != nil {
		return nil, fmt.Errorf("data: list audit: %w", err)
	}
	defer rows.Close()
	var es []app.AuditEvent
	for rows.Next() {
		var actorName, targetName string
		e, err := scanAudit(rows, &actorName, &targetName)
		if err != nil {
			return nil, fmt.Errorf("data: list audit: %w", err)
		}
		e.ActorName, e.TargetName = actorName, targetName
		es = append(es, e)
	}
	if err := rows.Err(); err != nil {
		return nil, fmt.Errorf("data: list audit: %w", err)
	}
	return es, nil
}

// toMillis stores a time as UTC unix milliseconds, the zero time as 0.
func toMillis(t time.Time) int64 {
	if t.IsZero() {
		return 0
	}
	return t.UnixMilli()
}

// fromMillis is the inverse of toMillis; times are returned in UTC.
func fromMillis(ms int64) time.Time {
	if ms == 0 {
		return time.Time{}
	}
	return time.UnixMilli(ms).UTC()
}

// escapeLike escapes the LIKE wildcards of s for ESCAPE '\'.
func escapeLike(s string) string {
	return strings.NewReplacer(`\`, `\\`, `%`, `\%`, `_`, `\_`).Replace(s)
}

// likeContains is a LIKE pattern matching strings containing s.
func likeContains(s string) string { return "%" + escapeLike(s) + "%" }

func isUniqueViolation(err error) bool {
	var se sqlite3.Error
	return errors.As(err, &se) && se.ExtendedCode == sqlite3.ErrConstraintUnique || isPGUniqueViolation(err)
}

// sameEmail is the join condition "account column a is e-mail column b"
// (the accounts' e-mails ignore case, see the schemas).
func (t *tx) sameEmail(a, b string) string {
	if t.pg {
		return `lower(` + a + `) = lower(` + b + `)`
	}
	return a + ` = ` + b
}

// LatestByTarget returns, for each person the journal names as target of
// an event with code event, the time of the newest such event, keyed by
// the e-mail in lower case. One covering index scan (audit_event_target_time,
// migration 0010), whatever the size of the journal.
func (t *tx) LatestByTarget(event string) (map[string]time.Time, error) {
	// A person's reference becomes her e-mail (an erased person's stays
	// her reference, which no account has).
	query := `SELECT coalesce(p.email, x.target), x.t FROM
		(SELECT target, MAX(time) AS t FROM audit WHERE event = ? AND target <> '' GROUP BY target COLLATE NOCASE) AS x
		LEFT JOIN person AS p ON p.ref = x.target`
	if t.pg {
		query = `SELECT coalesce(p.email, x.target), x.t FROM
		(SELECT lower(target) AS target, MAX(time) AS t FROM audit WHERE event = ? AND target <> '' GROUP BY lower(target)) AS x
		LEFT JOIN person AS p ON lower(p.ref) = x.target`
	}
	rows, err := t.tx.QueryContext(t.ctx, t.q(query), event)
	if err != nil {
		return nil, fmt.Errorf("data: latest %s: %w", event, err)
	}
	defer rows.Close()
	out := make(map[string]time.Time)
	for rows.Next() {
		var (
			target string
			ms     int64
		)
		if err := rows.Scan(&target, &ms); err != nil {
			return nil, fmt.Errorf("data: latest %s: %w", event, err)
		}
		key := strings.ToLower(target)
		if at := fromMillis(ms); at.After(out[key]) {
			out[key] = at
		}
	}
	if err := rows.Err(); err != nil {
		return nil, fmt.Errorf("data: latest %s: %w", event, err)
	}
	return out, nil
}
