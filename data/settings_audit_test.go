package data_test

import (
	"reflect"
	"strings"
	"testing"
	"time"

	"github.com/apetitspas/apetitspas/app"
	"github.com/apetitspas/apetitspas/data"
	"github.com/apetitspas/apetitspas/data/datatest"
)

func TestSettingsAreUnsetUntilWrittenAndOverwritten(t *testing.T) {
	db := datatest.NewDB(t)
	read := func(key string) (string, bool) {
		t.Helper()
		var v string
		var ok bool
		err := db.View(ctx, func(tx app.Tx) error {
			var err error
			v, ok, err = tx.Setting(key)
			return err
		})
		if err != nil {
			t.Fatal(err)
		}
		return v, ok
	}
	write := func(key, value string) {
		t.Helper()
		if err := db.Update(ctx, func(tx app.Tx) error { return tx.SetSetting(key, value) }); err != nil {
			t.Fatal(err)
		}
	}

	if v, ok := read(app.SettingIdleMinutes); ok || v != "" {
		t.Errorf("unset setting = %q, %v; want \"\", false", v, ok)
	}
	write(app.SettingIdleMinutes, "10")
	write(app.SettingDaycareName, "")
	write(app.SettingIdleMinutes, "15")
	if v, ok := read(app.SettingIdleMinutes); !ok || v != "15" {
		t.Errorf("overwritten setting = %q, %v; want \"15\", true", v, ok)
	}
	if v, ok := read(app.SettingDaycareName); !ok || v != "" {
		t.Errorf("empty setting = %q, %v; want \"\", true", v, ok)
	}
	if n := queryInt(t, db, "SELECT count(*) FROM settings"); n != 2 {
		t.Errorf("%d settings rows, want 2", n)
	}
}

// appendEvents stores events in one transaction and returns them with IDs.
func appendEvents(t testing.TB, db *data.DB, es ...app.AuditEvent) []app.AuditEvent {
	t.Helper()
	err := db.Update(ctx, func(tx app.Tx) error {
		for i := range es {
			if err := tx.AppendAudit(&es[i]); err != nil {
				return err
			}
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	return es
}

func TestAppendedAuditEventsComeBackNewestFirstWithTheirFields(t *testing.T) {
	db := datatest.NewDB(t)
	es := appendEvents(t, db,
		app.AuditEvent{Time: t0, Event: app.EventSetupCompleted, Actor: "cli", Detail: "first"},
		app.AuditEvent{Time: t0.Add(time.Minute), Event: app.EventUserCreated, Actor: "a@x.ca", Target: "b@x.ca",
			MAC: []byte{0, 1, 2, 0xff}},
		// Same millisecond as the previous one: the later ID comes first.
		app.AuditEvent{Time: t0.Add(time.Minute + 100*time.Microsecond), Event: app.EventLogout, Actor: "a@x.ca"},
		// Appended later but happened earlier.
		app.AuditEvent{Time: t0.Add(-time.Minute), Event: app.EventLoginFailed, Target: "c@x.ca"},
	)
	for i := 1; i < len(es); i++ {
		if es[i].ID <= es[i-1].ID {
			t.Fatalf("IDs not increasing: %d then %d", es[i-1].ID, es[i].ID)
		}
	}
	var got []app.AuditEvent
	err := db.View(ctx, func(tx app.Tx) (err error) {
		got, err = tx.Audit(app.AuditFilter{})
		return err
	})
	if err != nil {
		t.Fatal(err)
	}
	var want []app.AuditEvent
	for _, i := range []int{2, 1, 0, 3} {
		e := es[i]
		e.Time = ms(e.Time)
		want = append(want, e)
	}
	if !reflect.DeepEqual(got, want) {
		t.Errorf("Audit() =\n%+v, want\n%+v", got, want)
	}
}

func TestAuditIsFilteredByEventPersonTimeAndLimit(t *testing.T) {
	db := datatest.NewDB(t)
	at := func(min int) time.Time { return t0.Add(time.Duration(min) * time.Minute) }
	appendEvents(t, db,
		app.AuditEvent{Time: at(0), Event: app.EventLoginFailed, Target: "ana@x.ca", Detail: "0"},
		app.AuditEvent{Time: at(1), Event: app.EventLoginSucceeded, Actor: "ana@x.ca", Detail: "1"},
		app.AuditEvent{Time: at(2), Event: app.EventUserCreated, Actor: "ana@x.ca", Target: "bob@x.ca", Detail: "2"},
		app.AuditEvent{Time: at(3), Event: app.EventLoginSucceeded, Actor: "Bob@X.ca", Detail: "3"},
		app.AuditEvent{Time: at(4), Event: app.EventLogout, Actor: "bob@x.ca", Detail: "4"},
	)
	cases := []struct {
		name string
		f    app.AuditFilter
		want string // details, newest first
	}{
		{"all", app.AuditFilter{}, "43210"},
		{"one event code", app.AuditFilter{Event: app.EventLoginSucceeded}, "31"},
		{"unknown event code", app.AuditFilter{Event: "login"}, ""},
		{"person as actor or target", app.AuditFilter{Person: "ana@x.ca"}, "210"},
		{"person in another case", app.AuditFilter{Person: "BOB@x.CA"}, "432"},
		{"person is not a substring", app.AuditFilter{Person: "x.ca"}, ""},
		{"since is inclusive", app.AuditFilter{Since: at(3)}, "43"},
		{"until is exclusive", app.AuditFilter{Until: at(1)}, "0"},
		{"between", app.AuditFilter{Since: at(1), Until: at(3)}, "21"},
		{"limit keeps the newest", app.AuditFilter{Limit: 2}, "43"},
		{"everything together", app.AuditFilter{Event: app.EventLoginSucceeded, Person: "bob@x.ca",
			Since: at(0), Until: at(4), Limit: 5}, "3"},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			var got strings.Builder
			err := db.View(ctx, func(tx app.Tx) error {
				es, err := tx.Audit(c.f)
				for _, e := range es {
					got.WriteString(e.Detail)
				}
				return err
			})
			if err != nil {
				t.Fatal(err)
			}
			if got.String() != c.want {
				t.Errorf("Audit(%+v) = events %q, want %q", c.f, got.String(), c.want)
			}
		})
	}
}

func TestAppendAuditWithoutATimeIsAnError(t *testing.T) {
	db := datatest.NewDB(t)
	err := db.Update(ctx, func(tx app.Tx) error {
		return tx.AppendAudit(&app.AuditEvent{Event: app.EventLogout})
	})
	if err == nil {
		t.Fatal("AppendAudit without time succeeded")
	}
	if n := queryInt(t, db, "SELECT count(*) FROM audit"); n != 0 {
		t.Errorf("%d audit rows stored, want 0", n)
	}
}

func TestAuditRowsCannotBeUpdatedOrDeleted(t *testing.T) {
	db := datatest.NewDB(t)
	appendEvents(t, db, app.AuditEvent{Time: t0, Event: app.EventLogout, Actor: "a@x.ca"})
	for _, stmt := range []string{
		"UPDATE audit SET actor = 'someone else'",
		"UPDATE audit SET time = 0 WHERE id = 1",
		"DELETE FROM audit",
		"DELETE FROM audit WHERE id = 1",
	} {
		_, err := data.RawDB(db).Exec(stmt)
		// PostgreSQL: the app's role has not even the privilege
		// (TestTheOwnerCannotChangeTheJournalEither for the triggers).
		want := "append-only"
		if datatest.Postgres() {
			want = "permission denied"
		}
		if err == nil || !strings.Contains(err.Error(), want) {
			t.Errorf("%s: error = %v, want %q", stmt, err, want)
		}
	}
	var actor string
	var n int
	if err := data.RawDB(db).QueryRow("SELECT count(*), max(actor) FROM audit").Scan(&n, &actor); err != nil {
		t.Fatal(err)
	}
	if n != 1 || actor != "a@x.ca" {
		t.Errorf("audit holds %d rows, actor %q; want the row unchanged", n, actor)
	}
}
