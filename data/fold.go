package data

import (
	"context"
	"database/sql"
	"fmt"
	"strings"
	"unicode"

	"golang.org/x/text/unicode/norm"
)

// fold returns the key names are sorted and searched by: lower case,
// without accents ("Élodie D'Amour" → "elodie d'amour").
func fold(s string) string {
	var b strings.Builder
	b.Grow(len(s))
	for _, r := range norm.NFD.String(s) {
		if unicode.Is(unicode.Mn, r) { // an accent, split off by NFD
			continue
		}
		r = unicode.ToLower(r)
		if l, ok := ligatures[r]; ok {
			b.WriteString(l)
			continue
		}
		b.WriteRune(r)
	}
	return b.String()
}

// ligatures are letters NFD does not split into a base letter and marks.
var ligatures = map[rune]string{
	'œ': "oe", 'æ': "ae", 'ß': "ss", 'ø': "o", 'ł': "l", 'đ': "d", 'ı': "i",
}

// refreshNameKeys recomputes users.name_key where it differs from
// fold(name): after migration 3 and whenever fold changes.
func refreshNameKeys(ctx context.Context, db *sql.DB) error {
	tx, err := db.BeginTx(ctx, nil)
	if err != nil {
		return fmt.Errorf("data: refresh name keys: %w", err)
	}
	defer func() { _ = tx.Rollback() }()
	rows, err := tx.QueryContext(ctx, `SELECT id, name, name_key FROM users`)
	if err != nil {
		return fmt.Errorf("data: refresh name keys: %w", err)
	}
	type change struct {
		id  int64
		key string
	}
	var changes []change
	for rows.Next() {
		var (
			id        int64
			name, key string
		)
		if err := rows.Scan(&id, &name, &key); err != nil {
			rows.Close()
			return fmt.Errorf("data: refresh name keys: %w", err)
		}
		if k := fold(name); k != key {
			changes = append(changes, change{id, k})
		}
	}
	rows.Close()
	if err := rows.Err(); err != nil {
		return fmt.Errorf("data: refresh name keys: %w", err)
	}
	if len(changes) == 0 {
		return nil
	}
	stmt, err := tx.PrepareContext(ctx, `UPDATE users SET name_key = ? WHERE id = ?`)
	if err != nil {
		return fmt.Errorf("data: refresh name keys: %w", err)
	}
	defer stmt.Close()
	for _, c := range changes {
		if _, err := stmt.ExecContext(ctx, c.key, c.id); err != nil {
			return fmt.Errorf("data: refresh name keys: %w", err)
		}
	}
	if err := tx.Commit(); err != nil {
		return fmt.Errorf("data: refresh name keys: %w", err)
	}
	return nil
}
