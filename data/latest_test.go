package data_test

import (
	"context"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/apetitspas/apetitspas/app"
	"github.com/apetitspas/apetitspas/data"
)

// LatestByTarget gives the newest event of a kind per person, whatever the
// case of the e-mail written, from the covering index alone (the MFA
// report over a journal of a million rows).
func TestLatestByTargetIsTheNewestPerPersonFromTheIndex(t *testing.T) {
	path := filepath.Join(t.TempDir(), "a.db")
	db := openPath(t, path)
	ctx := context.Background()
	err := db.Update(ctx, func(tx app.Tx) error {
		for i, e := range []app.AuditEvent{
			{Time: t0, Event: app.EventLoginSucceeded, Target: "a@cpe.ca"},
			{Time: t0.Add(time.Hour), Event: app.EventLoginSucceeded, Target: "A@cpe.ca"},
			{Time: t0.Add(2 * time.Hour), Event: app.EventLoginFailed, Target: "a@cpe.ca"},
			{Time: t0.Add(3 * time.Hour), Event: app.EventLoginSucceeded, Target: "b@cpe.ca"},
			{Time: t0.Add(4 * time.Hour), Event: app.EventLoginSucceeded, Target: ""},
		} {
			e.ID = int64(i + 1)
			if err := tx.AppendAudit(&e); err != nil {
				return err
			}
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	var got map[string]time.Time
	if err := db.View(ctx, func(tx app.Tx) error {
		var err error
		got, err = tx.LatestByTarget(app.EventLoginSucceeded)
		return err
	}); err != nil {
		t.Fatal(err)
	}
	if len(got) != 2 || !got["a@cpe.ca"].Equal(ms(t0.Add(time.Hour))) || !got["b@cpe.ca"].Equal(ms(t0.Add(3*time.Hour))) {
		t.Fatalf("LatestByTarget = %v", got)
	}
	if db.SchemaVersion() != data.SchemaVersion {
		t.Fatalf("schema %d", db.SchemaVersion())
	}
	var plan strings.Builder
	rows, err := data.RawDB(db).Query(`EXPLAIN QUERY PLAN SELECT target, MAX(time) FROM audit WHERE event = ? AND target <> '' GROUP BY target COLLATE NOCASE`, app.EventLoginSucceeded)
	if err != nil {
		t.Fatal(err)
	}
	defer rows.Close()
	for rows.Next() {
		var id, parent, unused int
		var detail string
		if err := rows.Scan(&id, &parent, &unused, &detail); err != nil {
			t.Fatal(err)
		}
		plan.WriteString(detail + "\n")
	}
	if !strings.Contains(plan.String(), "COVERING INDEX audit_event_target_time") || strings.Contains(plan.String(), "TEMP B-TREE") {
		t.Fatalf("query plan:\n%s", plan.String())
	}
}
