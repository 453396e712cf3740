package data_test

import (
	"context"
	"path/filepath"
	"testing"
	"time"

	"github.com/apetitspas/apetitspas/data/datatest"
)

// A SQLite file has no clock of its own.
func TestASQLiteFileHasNoServerClock(t *testing.T) {
	db := openPath(t, filepath.Join(t.TempDir(), "a.db"))
	if at, ok, err := db.ServerNow(ctx); ok || err != nil || !at.IsZero() {
		t.Fatalf("ServerNow = %v, %v, %v: want no clock", at, ok, err)
	}
}

// PostgreSQL's clock is read as it is at the reading (clock_timestamp, not
// a transaction's start): the test server runs on this computer, so it
// agrees with this clock within the round trip.
func TestThePostgreSQLServersClockIsRead(t *testing.T) {
	db := openPath(t, datatest.NewPGDaycareDB(t).AppURL)
	before := time.Now()
	at, ok, err := db.ServerNow(ctx)
	after := time.Now()
	if err != nil || !ok {
		t.Fatalf("ServerNow: %v, %v", ok, err)
	}
	if at.Before(before.Add(-time.Second)) || at.After(after.Add(time.Second)) {
		t.Fatalf("server clock %v, this computer's %v … %v", at, before, after)
	}
	time.Sleep(20 * time.Millisecond)
	if again, _, _ := db.ServerNow(ctx); !again.After(at) {
		t.Fatalf("the server clock did not move: %v then %v", at, again)
	}
	// A reading that cannot be done is an error, never a zero time.
	c, cancel := context.WithCancel(ctx)
	cancel()
	if _, ok, err := db.ServerNow(c); ok || err == nil {
		t.Fatalf("cancelled: %v, %v", ok, err)
	}
}
