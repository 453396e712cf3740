package passwords

import (
	"runtime"
	"testing"
	"time"
)

// TestLoadCostsLittle reads the list as a process does (once) and says
// what it costs: time, and the memory it keeps.
func TestLoadCostsLittle(t *testing.T) {
	var before, after runtime.MemStats
	runtime.GC()
	runtime.ReadMemStats(&before)
	start := time.Now()
	list, err := decode(gz)
	took := time.Since(start)
	if err != nil {
		t.Fatal(err)
	}
	runtime.GC()
	runtime.ReadMemStats(&after)
	kept := int64(after.HeapAlloc) - int64(before.HeapAlloc)
	t.Logf("%d entries from %d bytes gzipped: %v, %.1f MiB kept", len(list), len(gz), took, float64(kept)/(1<<20))
	runtime.KeepAlive(list)
	if kept > 8<<20 {
		t.Errorf("the list keeps %d bytes", kept)
	}
}

// BenchmarkLoad is reading the embedded list (gunzip and cut), done once
// per process at the first password chosen.
func BenchmarkLoad(b *testing.B) {
	b.ReportAllocs()
	for b.Loop() {
		if _, err := decode(gz); err != nil {
			b.Fatal(err)
		}
	}
}

func TestBadDataIsAnErrorNotAPanic(t *testing.T) {
	for _, b := range [][]byte{nil, []byte("not gzip"), gz[:len(gz)/2]} {
		if _, err := decode(b); err == nil {
			t.Errorf("decode(%d bytes) = nil error", len(b))
		}
	}
}
