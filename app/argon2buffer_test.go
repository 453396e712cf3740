package app_test

import (
	"runtime"
	"testing"

	"github.com/apetitspas/apetitspas/app"
)

// Issue 17: every argon2id computation took a new memory block (19 MiB at
// the app's cost), so an import on two cores spent its time in the
// garbage collector and in fresh pages. The memory is now reused: ten
// hashes and their verifications (twenty computations) allocate less than
// two blocks, where they took twenty, also under the race detector (a
// sync.Pool drops a quarter of what it is given there: CI, stop 23).
func TestHashesReuseTheirMemory(t *testing.T) {
	p := app.Argon2Params{MemoryKiB: 4 * 1024, Time: 1, Threads: 1, SaltLen: 16, KeyLen: 32}
	block := uint64(p.MemoryKiB) * 1024
	if _, err := app.HashPassword("premier", p); err != nil { // takes the block
		t.Fatal(err)
	}
	var before, after runtime.MemStats
	runtime.ReadMemStats(&before)
	for range 10 {
		h, err := app.HashPassword("Un mot de passe temporaire", p)
		if err != nil || !app.VerifyPassword("Un mot de passe temporaire", h) {
			t.Fatalf("%q, %v", h, err)
		}
	}
	runtime.ReadMemStats(&after)
	got := after.TotalAlloc - before.TotalAlloc
	if got >= 2*block {
		t.Errorf("20 argon2id computations allocated %d KiB, want less than %d KiB", got/1024, 2*block/1024)
	}
	t.Logf("20 argon2id computations of %d KiB each allocated %d KiB in all", p.MemoryKiB, got/1024)
}

// An idle service does not keep the memories: after argon2Idle they are
// dropped, and the next computation takes a new one.
func TestIdleHashMemoryIsDropped(t *testing.T) {
	p := app.Argon2Params{MemoryKiB: 1024, Time: 1, Threads: 1, SaltLen: 16, KeyLen: 32}
	if _, err := app.HashPassword("premier", p); err != nil {
		t.Fatal(err)
	}
	if n := app.Argon2BuffersKeptForTest(false); n < 1 {
		t.Fatalf("%d memories kept after a hash, want at least 1", n)
	}
	if n := app.Argon2BuffersKeptForTest(true); n != 0 {
		t.Fatalf("%d memories kept once idle, want 0", n)
	}
	if _, err := app.HashPassword("second", p); err != nil {
		t.Fatal(err)
	}
	if n := app.Argon2BuffersKeptForTest(false); n < 1 {
		t.Fatalf("%d memories kept after a new hash, want at least 1", n)
	}
}
