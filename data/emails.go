package data

import (
	"context"
	"database/sql"
	"fmt"

	"github.com/apetitspas/apetitspas/app"
)

// normalizeEmails rewrites every users.email that differs from
// app.NormalizeEmail(email), so that an address stored before the
// normalization changed (say, decomposed "e\u0301lodie@x.ca", or
// "ÉLODIE@x.ca") is found again under the form the app now looks up. An
// address whose normalized form another account already has is left as it
// is: two look-alike accounts are not merged, and the migration does not
// fail. Run by migration 5, in its transaction, before any account has a
// MAC. The journal's actor and target are history and are left alone.
func normalizeEmails(ctx context.Context, tx *sql.Tx) error {
	type change struct {
		id    int64
		email string
	}
	var changes []change
	rows, err := tx.QueryContext(ctx, `SELECT id, email FROM users ORDER BY id`)
	if err != nil {
		return fmt.Errorf("normalize e-mails: %w", err)
	}
	for rows.Next() {
		var c change
		if err := rows.Scan(&c.id, &c.email); err != nil {
			rows.Close()
			return fmt.Errorf("normalize e-mails: %w", err)
		}
		if n := app.NormalizeEmail(c.email); n != c.email {
			changes = append(changes, change{c.id, n})
		}
	}
	rows.Close()
	if err := rows.Err(); err != nil {
		return fmt.Errorf("normalize e-mails: %w", err)
	}
	if len(changes) == 0 {
		return nil
	}
	stmt, err := tx.PrepareContext(ctx, `UPDATE users SET email = ? WHERE id = ?`)
	if err != nil {
		return fmt.Errorf("normalize e-mails: %w", err)
	}
	defer stmt.Close()
	for _, c := range changes {
		// A failed statement is undone alone; the transaction goes on.
		if _, err := stmt.ExecContext(ctx, c.email, c.id); err != nil && !isUniqueViolation(err) {
			return fmt.Errorf("normalize e-mails: %w", err)
		}
	}
	return nil
}
