package app

import (
	"context"
	"fmt"
	"strconv"
)

const (
	// EventDBMoved: the daycare was moved from its SQLite file to a
	// PostgreSQL server (apetitspas-admin db move), journaled in the
	// server's database.
	EventDBMoved = "db.moved"
)

// ReasonMoveDamaged: the daycare to move does not verify (accounts or
// journal changed outside the app, or not this computer's key).
const ReasonMoveDamaged = "move_damaged"

// AcceptMove verifies the daycare a move has just copied, before it is
// committed: every account's MAC and the journal's whole chain under the
// key this computer holds, then journals the move in it (from which file,
// by which computer user, how many accounts and journal rows). The store
// is the move's own transaction (data.Move): a copy that does not verify
// is never committed.
func (t *Trusted) AcceptMove(ctx context.Context, from string, by OSUser, accounts, rows int64) error {
	r, err := t.s.verifyAll(ctx)
	if err != nil {
		return err
	}
	if r.KeyProblem != nil {
		return r.KeyProblem
	}
	if !r.OK() && !r.Acknowledged {
		return &Error{Code: EINVALID, Reason: ReasonMoveDamaged, Err: fmt.Errorf("the copy does not verify: %s", r.summary())}
	}
	return t.s.update(ctx, func(tx Tx) error {
		return tx.AppendAudit(t.s.audit(EventDBMoved, "", "",
			fmt.Sprintf("file=%s, os_user=%s, accounts=%d, journal_rows=%d", from, by.Name, accounts, rows),
			kv(FieldFile, from), kv(FieldOSUser, by.Name),
			kv(FieldAccounts, strconv.FormatInt(accounts, 10)), kv(FieldRows, strconv.FormatInt(rows, 10))))
	})
}
