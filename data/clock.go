package data

import (
	"context"
	"fmt"
	"time"

	"github.com/apetitspas/apetitspas/app"
)

var _ app.ServerClock = (*DB)(nil)

// ServerNow reads the PostgreSQL server's clock (clock_timestamp(): the
// time of the reading itself, not of a transaction's start). A SQLite
// file has no clock of its own: ok is false.
func (d *DB) ServerNow(ctx context.Context) (t time.Time, ok bool, err error) {
	if !d.pg {
		return time.Time{}, false, nil
	}
	if ctx == nil {
		ctx = context.Background()
	}
	if _, has := ctx.Deadline(); !has {
		var cancel context.CancelFunc
		ctx, cancel = context.WithTimeout(ctx, pgTimeout)
		defer cancel()
	}
	if err := d.db.QueryRowContext(ctx, `SELECT clock_timestamp()`).Scan(&t); err != nil {
		return time.Time{}, false, d.mapErr(fmt.Errorf("data: server clock: %w", err))
	}
	return t, true, nil
}
