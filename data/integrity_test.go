package data_test

import (
	"errors"
	"fmt"
	"maps"
	"runtime"
	"testing"
	"time"

	"github.com/apetitspas/apetitspas/app"
	"github.com/apetitspas/apetitspas/data"
	"github.com/apetitspas/apetitspas/data/datatest"
)

func TestAppendAuditKeepsTheIDAndMACTheAppGives(t *testing.T) {
	db := datatest.NewDB(t)
	es := appendEvents(t, db,
		app.AuditEvent{ID: 7, Time: t0, Event: app.EventLogout, MAC: []byte{7}},
		app.AuditEvent{Time: t0, Event: app.EventLogout},        // SQLite chooses: 8
		app.AuditEvent{ID: 3, Time: t0, Event: app.EventLogout}, // below: still fine
		app.AuditEvent{Time: t0, Event: app.EventLogout, MAC: []byte{}},
	)
	if es[0].ID != 7 || es[1].ID != 8 || es[2].ID != 3 || es[3].ID != 9 {
		t.Errorf("IDs = %d, %d, %d, %d; want 7, 8, 3, 9", es[0].ID, es[1].ID, es[2].ID, es[3].ID)
	}
	if n := queryInt(t, db, "SELECT count(*) FROM audit WHERE mac IS NULL"); n != 3 {
		t.Errorf("%d rows without a MAC, want 3 (an empty MAC is none)", n)
	}
	err := db.Update(ctx, func(tx app.Tx) error {
		return tx.AppendAudit(&app.AuditEvent{ID: 7, Time: t0, Event: "again"})
	})
	if err == nil {
		t.Error("AppendAudit with an ID already in the journal succeeded")
	}
	if n := queryInt(t, db, "SELECT count(*) FROM audit WHERE event = 'again'"); n != 0 {
		t.Error("a row was replaced")
	}
}

func TestLastAuditIsTheRowWithTheHighestID(t *testing.T) {
	db := datatest.NewDB(t)
	last := func() (app.AuditEvent, bool) {
		t.Helper()
		var (
			e  app.AuditEvent
			ok bool
		)
		err := db.View(ctx, func(tx app.Tx) (err error) {
			e, ok, err = tx.LastAudit()
			return err
		})
		if err != nil {
			t.Fatal(err)
		}
		return e, ok
	}
	if e, ok := last(); ok || e.ID != 0 {
		t.Errorf("LastAudit on an empty journal = %+v, %v; want nothing", e, ok)
	}
	appendEvents(t, db,
		app.AuditEvent{ID: 5, Time: t0, Event: "five", Actor: "a@x.ca", MAC: []byte("m5")},
		// Newer in time but a lower ID: the ID decides.
		app.AuditEvent{ID: 2, Time: t0.Add(time.Second), Event: "two"},
	)
	e, ok := last()
	if !ok || e.ID != 5 || e.Event != "five" || e.Actor != "a@x.ca" || string(e.MAC) != "m5" || !e.Time.Equal(ms(t0)) {
		t.Errorf("LastAudit = %+v, %v; want row 5 with its MAC", e, ok)
	}
	appendEvents(t, db, app.AuditEvent{Time: t0, Event: "next"})
	if e, ok := last(); !ok || e.ID != 6 || e.Event != "next" || e.MAC != nil {
		t.Errorf("LastAudit = %+v, %v; want row 6 without a MAC", e, ok)
	}
}

// eachAudit collects the IDs EachAudit gives after afterID.
func eachAudit(t *testing.T, db *data.DB, afterID int64) []int64 {
	t.Helper()
	var ids []int64
	err := db.View(ctx, func(tx app.Tx) error {
		return tx.EachAudit(afterID, func(e app.AuditEvent) error {
			ids = append(ids, e.ID)
			return nil
		})
	})
	if err != nil {
		t.Fatal(err)
	}
	return ids
}

func TestEachAuditGivesTheRowsAfterAnIDInIDOrder(t *testing.T) {
	db := datatest.NewDB(t)
	if ids := eachAudit(t, db, 0); len(ids) != 0 {
		t.Errorf("EachAudit on an empty journal gave %v", ids)
	}
	// Appended out of ID order, and with times out of order.
	for _, id := range []int64{4, 1, 9, 2, 7} {
		appendEvents(t, db, app.AuditEvent{ID: id, Time: t0.Add(-time.Duration(id) * time.Minute), Event: "e"})
	}
	for _, c := range []struct {
		after int64
		want  string
	}{{0, "[1 2 4 7 9]"}, {-5, "[1 2 4 7 9]"}, {1, "[2 4 7 9]"}, {3, "[4 7 9]"}, {7, "[9]"}, {9, "[]"}, {100, "[]"}} {
		if got := fmt.Sprint(eachAudit(t, db, c.after)); got != c.want {
			t.Errorf("EachAudit(%d) gave %s, want %s", c.after, got, c.want)
		}
	}
}

func TestEachAuditStopsAtTheFirstErrorOfFnAndReturnsIt(t *testing.T) {
	db := datatest.NewDB(t)
	appendEvents(t, db, app.AuditEvent{Time: t0, Event: "a"}, app.AuditEvent{Time: t0, Event: "b"},
		app.AuditEvent{Time: t0, Event: "c"})
	stop := errors.New("stop")
	var seen []string
	err := db.View(ctx, func(tx app.Tx) error {
		return tx.EachAudit(0, func(e app.AuditEvent) error {
			seen = append(seen, e.Event)
			if e.Event == "b" {
				return stop
			}
			return nil
		})
	})
	if err != stop || fmt.Sprint(seen) != "[a b]" {
		t.Errorf("EachAudit error = %v after %v; want fn's error itself after [a b]", err, seen)
	}
}

func TestEachAuditLetsFnGiveEachRowItsMAC(t *testing.T) {
	sqliteOnly(t)
	db := datatest.NewDB(t)
	const n = 3000
	err := db.Update(ctx, func(tx app.Tx) error {
		for i := range n {
			if err := tx.AppendAudit(&app.AuditEvent{Time: t0, Event: "e", Detail: fmt.Sprint(i)}); err != nil {
				return err
			}
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	calls := 0
	err = db.Update(ctx, func(tx app.Tx) error {
		return tx.EachAudit(0, func(e app.AuditEvent) error {
			calls++
			if e.MAC != nil {
				return fmt.Errorf("row %d already has a MAC", e.ID)
			}
			return tx.SetAuditMAC(e.ID, []byte(fmt.Sprintf("mac-%d", e.ID)))
		})
	})
	if err != nil {
		t.Fatal(err)
	}
	if calls != n {
		t.Errorf("fn called %d times, want %d", calls, n)
	}
	if got := queryInt(t, db, "SELECT count(*) FROM audit WHERE mac = CAST('mac-' || id AS BLOB)"); got != n {
		t.Errorf("%d rows have their MAC, want %d", got, n)
	}
}

func TestSetAuditMACOnlyGivesAMACToARowWithout(t *testing.T) {
	sqliteOnly(t)
	db := datatest.NewDB(t)
	appendEvents(t, db, app.AuditEvent{Time: t0, Event: "a"}, app.AuditEvent{Time: t0, Event: "b", MAC: []byte("b")})
	set := func(id int64, mac []byte) error {
		return db.Update(ctx, func(tx app.Tx) error { return tx.SetAuditMAC(id, mac) })
	}
	if err := set(1, nil); err == nil {
		t.Error("SetAuditMAC with an empty MAC succeeded")
	}
	if err := set(2, []byte("other")); err == nil {
		t.Error("SetAuditMAC replaced a MAC")
	}
	if err := set(3, []byte("x")); !errors.Is(err, app.ErrNotFound) {
		t.Errorf("SetAuditMAC on a missing row: error = %v, want app.ErrNotFound", err)
	}
	if err := db.View(ctx, func(tx app.Tx) error { return tx.SetAuditMAC(1, []byte("v")) }); err == nil {
		t.Error("SetAuditMAC in View succeeded")
	}
	if err := set(1, []byte("a")); err != nil {
		t.Fatalf("SetAuditMAC: %v", err)
	}
	if err := set(1, []byte("a2")); err == nil {
		t.Error("SetAuditMAC twice on a row succeeded")
	}
	if got := queryInt(t, db, "SELECT count(*) FROM audit WHERE (id = 1 AND mac = x'61') OR (id = 2 AND mac = x'62')"); got != 2 {
		t.Error("the MACs are not what was first given")
	}
}

func TestHasMACsLooksAtTheAccountsAndTheJournal(t *testing.T) {
	sqliteOnly(t)
	has := func(db *data.DB) bool {
		t.Helper()
		var h bool
		err := db.View(ctx, func(tx app.Tx) (err error) {
			h, err = tx.HasMACs()
			return err
		})
		if err != nil {
			t.Fatal(err)
		}
		return h
	}

	db := datatest.NewDB(t)
	if has(db) {
		t.Error("HasMACs on an empty database")
	}
	insertUsers(t, db, newUser("a@x.ca", "A", app.RoleAdmin))
	appendEvents(t, db, app.AuditEvent{Time: t0, Event: "a"}, app.AuditEvent{Time: t0, Event: "b"})
	if has(db) {
		t.Error("HasMACs without any MAC")
	}
	if err := db.Update(ctx, func(tx app.Tx) error { return tx.SetAuditMAC(1, []byte("m")) }); err != nil {
		t.Fatal(err)
	}
	if !has(db) {
		t.Error("HasMACs missed the MAC of the first journal row")
	}

	db = datatest.NewDB(t)
	u := newUser("a@x.ca", "A", app.RoleAdmin)
	u.MAC = []byte("m")
	insertUsers(t, db, newUser("b@x.ca", "B", app.RoleAdmin), u)
	if !has(db) {
		t.Error("HasMACs missed the MAC of an account")
	}
}

func TestSettingsReturnsEverySetting(t *testing.T) {
	db := datatest.NewDB(t)
	read := func() map[string]string {
		t.Helper()
		var m map[string]string
		err := db.View(ctx, func(tx app.Tx) (err error) {
			m, err = tx.Settings()
			return err
		})
		if err != nil {
			t.Fatal(err)
		}
		return m
	}
	if m := read(); m == nil || len(m) != 0 {
		t.Errorf("Settings() on an empty database = %#v, want an empty map", m)
	}
	want := map[string]string{app.SettingDaycareName: "Les Petits Pas", app.SettingIdleMinutes: "10", "empty": ""}
	err := db.Update(ctx, func(tx app.Tx) error {
		for k, v := range want {
			if err := tx.SetSetting(k, v); err != nil {
				return err
			}
		}
		return tx.SetSetting(app.SettingIdleMinutes, "10")
	})
	if err != nil {
		t.Fatal(err)
	}
	if m := read(); !maps.Equal(m, want) {
		t.Errorf("Settings() = %v, want %v", m, want)
	}
}

func TestViewRefusesSetAuditMAC(t *testing.T) {
	db := datatest.NewDB(t)
	appendEvents(t, db, app.AuditEvent{Time: t0, Event: "a"})
	if err := db.View(ctx, func(tx app.Tx) error { return tx.SetAuditMAC(1, []byte("m")) }); err == nil {
		t.Error("SetAuditMAC in View succeeded")
	}
	if n := queryInt(t, db, "SELECT count(*) FROM audit WHERE mac IS NOT NULL"); n != 0 {
		t.Error("View stored a MAC")
	}
}

// A journal of a million rows is walked without holding it in memory.
func TestEachAuditStreamsAMillionRows(t *testing.T) {
	if testing.Short() {
		t.Skip("a million rows")
	}
	const n = 1_000_000
	db := datatest.NewDB(t)
	fill := `WITH RECURSIVE k(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM k WHERE i < ?)
		INSERT INTO audit (id, time, event, actor, target, detail, mac)
		SELECT i, i, 'login.succeeded', 'someone.with.a.long.name@example.ca', '', 'detail of row ' || i,
			randomblob(32) FROM k`
	if datatest.Postgres() {
		fill = `INSERT INTO audit (id, time, event, actor, target, detail, mac)
		SELECT i, i, 'login.succeeded', 'someone.with.a.long.name@example.ca', '', 'detail of row ' || i,
			sha256(i::text::bytea) FROM generate_series(1, $1::bigint) AS i`
	}
	_, err := data.RawDB(db).Exec(fill, n)
	if err != nil {
		t.Fatal(err)
	}
	runtime.GC()
	var before, now runtime.MemStats
	runtime.ReadMemStats(&before)
	var (
		count, last int64
		peak        uint64
	)
	err = db.View(ctx, func(tx app.Tx) error {
		return tx.EachAudit(0, func(e app.AuditEvent) error {
			if e.ID != last+1 {
				return fmt.Errorf("row %d after row %d", e.ID, last)
			}
			last = e.ID
			count++
			if count%100_000 == 0 {
				runtime.ReadMemStats(&now)
				peak = max(peak, now.HeapInuse)
			}
			return nil
		})
	})
	if err != nil {
		t.Fatal(err)
	}
	if count != n {
		t.Fatalf("EachAudit gave %d rows, want %d", count, n)
	}
	// The rows would take well over 150 MB; allow the GC its slack.
	if grew := int64(peak) - int64(before.HeapInuse); grew > 64<<20 {
		t.Errorf("the heap grew by %d MB while walking the journal", grew>>20)
	}
}
