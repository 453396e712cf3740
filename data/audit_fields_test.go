package data_test

import (
	"path/filepath"
	"reflect"
	"strings"
	"testing"
	"time"

	"github.com/apetitspas/apetitspas/app"
	"github.com/apetitspas/apetitspas/data"
	"github.com/apetitspas/apetitspas/data/datatest"
)

func listAudit(t *testing.T, db *data.DB, f app.AuditFilter) []app.AuditEvent {
	t.Helper()
	var es []app.AuditEvent
	err := db.View(ctx, func(tx app.Tx) error {
		var err error
		es, err = tx.Audit(f)
		return err
	})
	if err != nil {
		t.Fatal(err)
	}
	return es
}

func TestTheJournalKeepsTheFieldsInTheirOrder(t *testing.T) {
	db := datatest.NewDB(t)
	fields := []app.AuditField{{Key: "grace_days", Value: "7"}, {Key: "made_pending", Value: "3"}, {Key: "a", Value: "« é ; \" »"}}
	appendEvents(t, db,
		app.AuditEvent{Time: t0, Event: app.EventPolicyEnforced, Actor: "a@x.ca", Detail: "d", Fields: fields},
		app.AuditEvent{Time: t0.Add(time.Second), Event: app.EventLogout, Actor: "a@x.ca"},
	)
	if n := queryInt(t, db, "SELECT count(*) FROM audit WHERE fields IS NULL"); n != 1 {
		t.Errorf("%d rows with NULL fields, want 1 (the one without)", n)
	}
	es := listAudit(t, db, app.AuditFilter{})
	if len(es) != 2 || es[0].Fields != nil || !reflect.DeepEqual(es[1].Fields, fields) { // newest first
		t.Fatalf("listed %+v", es)
	}
	var walked []app.AuditEvent
	if err := db.View(ctx, func(tx app.Tx) error {
		return tx.EachAudit(0, func(e app.AuditEvent) error { walked = append(walked, e); return nil })
	}); err != nil {
		t.Fatal(err)
	}
	if !reflect.DeepEqual(walked[0].Fields, fields) || walked[1].Fields != nil {
		t.Errorf("EachAudit gave %+v", walked)
	}
}

func TestARowFromBeforeTheFieldsIsReadWithNone(t *testing.T) {
	path := filepath.Join(t.TempDir(), "apetitspas.db")
	db := openPath(t, path)
	raw := data.RawDB(db)
	if _, err := raw.Exec(`INSERT INTO audit (time, event, actor, target, detail) VALUES (10, 'policy.staff_mfa_enforced', 'a@x.ca', '', 'grace_days=7, accounts_made_pending=1')`); err != nil {
		t.Fatal(err)
	}
	es := listAudit(t, db, app.AuditFilter{})
	if len(es) != 1 || es[0].Fields != nil || es[0].Detail != "grace_days=7, accounts_made_pending=1" {
		t.Fatalf("listed %+v", es)
	}
}

func TestWhoFindsEventsByPartOfANameOrEmail(t *testing.T) {
	db := datatest.NewDB(t)
	insertUsers(t, db,
		newUser("julie@cpe.ca", "Julie Tremblay", app.RoleAdmin),
		newUser("zoe@parents.ca", "Zoé Œlise Côté", app.RoleParent),
	)
	appendEvents(t, db,
		app.AuditEvent{Time: t0, Event: app.EventUserDisabled, Actor: "julie@cpe.ca", Target: "zoe@parents.ca"},
		app.AuditEvent{Time: t0.Add(time.Second), Event: app.EventLogout, Actor: "julie@cpe.ca", Target: "julie@cpe.ca"},
		app.AuditEvent{Time: t0.Add(2 * time.Second), Event: app.EventLoginFailed, Target: "parti@ailleurs.ca"},
		app.AuditEvent{Time: t0.Add(3 * time.Second), Event: app.EventSealed},
	)
	for _, c := range []struct {
		who  string
		want []string
	}{
		{"", []string{app.EventSealed, app.EventLoginFailed, app.EventLogout, app.EventUserDisabled}},
		{"tremb", []string{app.EventLogout, app.EventUserDisabled}},
		{"COTE", []string{app.EventUserDisabled}},   // no accents, any case
		{"oelise", []string{app.EventUserDisabled}}, // ligature
		{"@parents", []string{app.EventUserDisabled}},
		{"parti@", []string{app.EventLoginFailed}}, // an e-mail without an account
		{"100%", nil},
		{"_", nil},
	} {
		var got []string
		for _, e := range listAudit(t, db, app.AuditFilter{Who: c.who}) {
			got = append(got, e.Event)
		}
		if !reflect.DeepEqual(got, c.want) {
			t.Errorf("Who %q: %v, want %v", c.who, got, c.want)
		}
	}
	es := listAudit(t, db, app.AuditFilter{Event: app.EventUserDisabled})
	if len(es) != 1 || es[0].ActorName != "Julie Tremblay" || es[0].TargetName != "Zoé Œlise Côté" {
		t.Errorf("names: %+v", es)
	}
	if es := listAudit(t, db, app.AuditFilter{Event: app.EventLoginFailed}); es[0].TargetName != "" {
		t.Errorf("a target without an account has the name %q", es[0].TargetName)
	}
}

func TestFieldsEditedInTheFileComeBackAsTheyAreNeverAsNone(t *testing.T) {
	path := filepath.Join(t.TempDir(), "apetitspas.db")
	db := openPath(t, path)
	raw := data.RawDB(db)
	for _, v := range []string{"n'importe quoi", "[]", ""} {
		if _, err := raw.Exec(`INSERT INTO audit (time, event, actor, target, detail, fields) VALUES (10, 'logout', 'a@x.ca', '', '', ?)`, v); err != nil {
			t.Fatal(err)
		}
	}
	es := listAudit(t, db, app.AuditFilter{})
	if len(es) != 3 {
		t.Fatalf("listed %d rows", len(es))
	}
	for _, e := range es {
		if len(e.Fields) != 1 || e.Fields[0].Key == "" || e.Fields[0].Key[0] != 0 {
			t.Errorf("fields = %q", e.Fields)
		}
	}
}

func TestMigration6KeepsTheSealedRowsAndTheirMACs(t *testing.T) {
	path := filepath.Join(t.TempDir(), "apetitspas.db")
	if err := data.CreateAtVersion(path, 5); err != nil {
		t.Fatal(err)
	}
	execRaw(t, path,
		`INSERT INTO audit (time, event, actor, target, detail, mac) VALUES (10, 'policy.staff_mfa_enforced', 'a@x.ca', '', 'grace_days=7, accounts_made_pending=1', x'0102')`,
		`INSERT INTO audit (time, event, actor, target, detail) VALUES (20, 'logout', 'a@x.ca', 'a@x.ca', '')`,
	)
	db := openPath(t, path)
	if db.SchemaVersion() != data.SchemaVersion {
		t.Fatalf("version %d", db.SchemaVersion())
	}
	var es []app.AuditEvent
	if err := db.View(ctx, func(tx app.Tx) error {
		return tx.EachAudit(0, func(e app.AuditEvent) error { es = append(es, e); return nil })
	}); err != nil {
		t.Fatal(err)
	}
	if len(es) != 2 || es[0].Fields != nil || string(es[0].MAC) != "\x01\x02" || es[0].Detail != "grace_days=7, accounts_made_pending=1" || es[1].MAC != nil {
		t.Fatalf("rows after the migration: %+v", es)
	}
	raw := data.RawDB(db)
	for _, stmt := range []string{
		`UPDATE audit SET fields = '[["grace_days","0"]]' WHERE id = 1`,
		`UPDATE audit SET mac = x'03', fields = '[["x","y"]]' WHERE id = 2`,
		`INSERT OR REPLACE INTO audit (id, time, event, fields) VALUES (1, 0, 'x', '[]')`,
	} {
		if _, err := raw.Exec(stmt); err == nil || !strings.Contains(err.Error(), "append-only") {
			t.Errorf("%s: %v, want the append-only refusal", stmt, err)
		}
	}
	if _, err := raw.Exec(`UPDATE audit SET mac = x'03' WHERE id = 2`); err != nil {
		t.Errorf("giving row 2 its MAC: %v", err)
	}
}
