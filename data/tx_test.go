package data_test

import (
	"context"
	"errors"
	"fmt"
	"sync"
	"testing"

	"github.com/apetitspas/apetitspas/app"
	"github.com/apetitspas/apetitspas/data"
	"github.com/apetitspas/apetitspas/data/datatest"
)

// stored counts the rows written by writeAll.
func stored(t *testing.T, db *data.DB) int64 {
	t.Helper()
	return queryInt(t, db, "SELECT (SELECT count(*) FROM users) + (SELECT count(*) FROM audit) + (SELECT count(*) FROM settings)")
}

// writeAll writes a user, an audit event and a setting.
func writeAll(tx app.Tx) error {
	u := newUser("a@example.ca", "A", app.RoleAdmin)
	if err := tx.InsertUser(&u); err != nil {
		return err
	}
	if err := tx.AppendAudit(&app.AuditEvent{Time: t0, Event: app.EventUserCreated, Target: u.Email}); err != nil {
		return err
	}
	return tx.SetSetting(app.SettingDaycareName, "Garderie")
}

func TestUpdateCommitsWhenFnSucceeds(t *testing.T) {
	db := datatest.NewDB(t)
	if err := db.Update(ctx, writeAll); err != nil {
		t.Fatal(err)
	}
	if n := stored(t, db); n != 3 {
		t.Errorf("%d rows stored, want 3", n)
	}
}

func TestUpdateRollsBackEverythingWhenFnFails(t *testing.T) {
	db := datatest.NewDB(t)
	boom := errors.New("boom")
	err := db.Update(ctx, func(tx app.Tx) error {
		if err := writeAll(tx); err != nil {
			return err
		}
		return boom
	})
	if !errors.Is(err, boom) {
		t.Errorf("Update error = %v, want fn's error", err)
	}
	if n := stored(t, db); n != 0 {
		t.Errorf("%d rows stored after rollback, want 0", n)
	}
}

func TestUpdateReturnsStoreErrorsUnchanged(t *testing.T) {
	db := datatest.NewDB(t)
	err := db.Update(ctx, func(tx app.Tx) error {
		_, err := tx.UserByID(1)
		return err
	})
	if err != app.ErrNotFound { // the sentinel itself, not a wrapper
		t.Errorf("Update error = %v, want app.ErrNotFound itself", err)
	}
}

func TestUpdateRollsBackAndPanicsAgainWhenFnPanics(t *testing.T) {
	db := datatest.NewDB(t)
	func() {
		defer func() {
			if r := recover(); r != "boom" {
				t.Errorf("recovered %v, want the panic of fn", r)
			}
		}()
		_ = db.Update(ctx, func(tx app.Tx) error {
			if err := writeAll(tx); err != nil {
				return err
			}
			panic("boom")
		})
	}()
	if n := stored(t, db); n != 0 {
		t.Errorf("%d rows stored after panic, want 0", n)
	}
	// The connection is free again.
	if err := db.Update(ctx, writeAll); err != nil {
		t.Fatalf("Update after a panic: %v", err)
	}
}

func TestViewRefusesWritesAndStoresNothing(t *testing.T) {
	db := datatest.NewDB(t)
	writes := map[string]func(app.Tx) error{
		"InsertUser": func(tx app.Tx) error {
			u := newUser("a@example.ca", "A", app.RoleAdmin)
			return tx.InsertUser(&u)
		},
		"UpdateUser":  func(tx app.Tx) error { return tx.UpdateUser(newUser("a@example.ca", "A", app.RoleAdmin)) },
		"SetSetting":  func(tx app.Tx) error { return tx.SetSetting("k", "v") },
		"AppendAudit": func(tx app.Tx) error { return tx.AppendAudit(&app.AuditEvent{Time: t0, Event: "x"}) },
	}
	for name, w := range writes {
		if err := db.View(ctx, w); err == nil {
			t.Errorf("%s in View succeeded", name)
		}
	}
	if n := stored(t, db); n != 0 {
		t.Errorf("%d rows stored by View, want 0", n)
	}
}

func TestATransactionOnACanceledContextFails(t *testing.T) {
	db := datatest.NewDB(t)
	c, cancel := context.WithCancel(ctx)
	cancel()
	called := false
	err := db.Update(c, func(app.Tx) error { called = true; return nil })
	if !errors.Is(err, context.Canceled) || called {
		t.Errorf("Update on a canceled context: error %v, fn called %v", err, called)
	}
}

func TestConcurrentTransactionsAreSerialized(t *testing.T) {
	db := datatest.NewDB(t)
	var wg sync.WaitGroup
	for i := range 8 {
		wg.Go(func() {
			err := db.Update(ctx, func(tx app.Tx) error {
				n, err := tx.CountUsers("")
				if err != nil {
					return err
				}
				u := newUser(fmt.Sprintf("u%d@example.ca", i), fmt.Sprintf("User %d", n), app.RoleParent)
				return tx.InsertUser(&u)
			})
			if err != nil {
				t.Error(err)
			}
		})
		wg.Go(func() {
			if err := db.View(ctx, func(tx app.Tx) error { _, err := tx.Users(app.UserFilter{}); return err }); err != nil {
				t.Error(err)
			}
		})
	}
	wg.Wait()
	// Each Update saw the ones before it: the names are User 0 … User 7.
	if n := queryInt(t, db, "SELECT count(DISTINCT name) FROM users"); n != 8 {
		t.Errorf("%d distinct names, want 8 (transactions overlapped)", n)
	}
}
