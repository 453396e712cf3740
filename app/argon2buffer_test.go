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
// two blocks (one more may be taken if a garbage collection frees the one
// kept), where they took twenty.
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
