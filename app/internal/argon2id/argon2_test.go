package argon2id

import (
	"bytes"
	"encoding/hex"
	"math/rand/v2"
	"runtime"
	"sync"
	"testing"
	"time"

	"golang.org/x/crypto/argon2"
)

// withEachBlockFunc runs f with the SSE4 assembly (when the processor has
// it) and without (on amd64, SSE2 assembly around Go's blamka; elsewhere,
// or with -tags purego, the pure Go code in both).
func withEachBlockFunc(t *testing.T, f func(t *testing.T)) {
	defer func(sse4 bool) { useSSE4 = sse4 }(useSSE4)
	if useSSE4 {
		t.Run("sse4", f)
		useSSE4 = false
	}
	t.Run("nosse4", f)
}

// TestPureGoBlockSameAsProcessBlock checks the pure Go block function
// (the one of -tags purego and of other processors) against the one this
// build uses, on random blocks.
func TestPureGoBlockSameAsProcessBlock(t *testing.T) {
	r := rand.New(rand.NewPCG(3, 4))
	var in1, in2, out1, out2 block
	for range 200 {
		for i := range in1 {
			in1[i], in2[i], out1[i] = r.Uint64(), r.Uint64(), r.Uint64()
		}
		out2 = out1
		xor := r.IntN(2) == 0
		processBlockGeneric(&out1, &in1, &in2, xor)
		if xor {
			processBlockXOR(&out2, &in1, &in2)
		} else {
			processBlock(&out2, &in1, &in2)
		}
		if out1 != out2 {
			t.Fatalf("xor=%v: pure Go and processBlock differ", xor)
		}
	}
}

// TestRFC9106 checks the three test vectors of RFC 9106 section 5 (with a
// secret and associated data), each in a fresh and in a dirty buffer.
func TestRFC9106(t *testing.T) {
	password := bytes.Repeat([]byte{1}, 32)
	salt := bytes.Repeat([]byte{2}, 16)
	secret := bytes.Repeat([]byte{3}, 8)
	ad := bytes.Repeat([]byte{4}, 12)
	vectors := []struct {
		name string
		mode int
		tag  string
	}{
		{"Argon2d", argon2d, "512b391b6f1162975371d30919734294f868e3be3984f3c1a13a4db9fabe4acb"},
		{"Argon2i", argon2i, "c814d9d1dc7f37aa13f0d77f2494bda1c8de6b016dd388d29952a4c4672b6ce8"},
		{"Argon2id", argon2id, "0d640df58d78766c08c037a34a8b53c9d01ef0452d75b65eb52520e96b01e659"},
	}
	withEachBlockFunc(t, func(t *testing.T) {
		for _, v := range vectors {
			for _, b := range []*Buffer{{}, dirty(64)} {
				got := hex.EncodeToString(b.deriveKey(v.mode, password, salt, secret, ad, 3, 32, 4, 32))
				if got != v.tag {
					t.Errorf("%s: got %s, want %s", v.name, got, v.tag)
				}
			}
		}
	})
}

// TestUpstreamVectors checks the vectors of x/crypto's own tests (made
// with the reference implementation's command), threads 1 to 8.
func TestUpstreamVectors(t *testing.T) {
	vectors := []struct {
		mode         int
		time, memory uint32
		threads      uint8
		hash         string
	}{
		{argon2i, 1, 64, 1, "b9c401d1844a67d50eae3967dc28870b22e508092e861a37"},
		{argon2d, 1, 64, 1, "8727405fd07c32c78d64f547f24150d3f2e703a89f981a19"},
		{argon2id, 1, 64, 1, "655ad15eac652dc59f7170a7332bf49b8469be1fdb9c28bb"},
		{argon2i, 2, 64, 1, "8cf3d8f76a6617afe35fac48eb0b7433a9a670ca4a07ed64"},
		{argon2d, 2, 64, 1, "3be9ec79a69b75d3752acb59a1fbb8b295a46529c48fbb75"},
		{argon2id, 2, 64, 1, "068d62b26455936aa6ebe60060b0a65870dbfa3ddf8d41f7"},
		{argon2i, 2, 64, 2, "2089f3e78a799720f80af806553128f29b132cafe40d059f"},
		{argon2d, 2, 64, 2, "68e2462c98b8bc6bb60ec68db418ae2c9ed24fc6748a40e9"},
		{argon2id, 2, 64, 2, "350ac37222f436ccb5c0972f1ebd3bf6b958bf2071841362"},
		{argon2i, 3, 256, 2, "f5bbf5d4c3836af13193053155b73ec7476a6a2eb93fd5e6"},
		{argon2d, 3, 256, 2, "f4f0669218eaf3641f39cc97efb915721102f4b128211ef2"},
		{argon2id, 3, 256, 2, "4668d30ac4187e6878eedeacf0fd83c5a0a30db2cc16ef0b"},
		{argon2i, 4, 4096, 4, "a11f7b7f3f93f02ad4bddb59ab62d121e278369288a0d0e7"},
		{argon2d, 4, 4096, 4, "935598181aa8dc2b720914aa6435ac8d3e3a4210c5b0fb2d"},
		{argon2id, 4, 4096, 4, "145db9733a9f4ee43edf33c509be96b934d505a4efb33c5a"},
		{argon2i, 4, 1024, 8, "0cdd3956aa35e6b475a7b0c63488822f774f15b43f6e6e17"},
		{argon2d, 4, 1024, 8, "83604fc2ad0589b9d055578f4d3cc55bc616df3578a896e9"},
		{argon2id, 4, 1024, 8, "8dafa8e004f8ea96bf7c0f93eecf67a6047476143d15577f"},
		{argon2i, 2, 64, 3, "5cab452fe6b8479c8661def8cd703b611a3905a6d5477fe6"},
		{argon2d, 2, 64, 3, "22474a423bda2ccd36ec9afd5119e5c8949798cadf659f51"},
		{argon2id, 2, 64, 3, "4a15b31aec7c2590b87d1f520be7d96f56658172deaa3079"},
		{argon2i, 3, 1024, 6, "d236b29c2b2a09babee842b0dec6aa1e83ccbdea8023dced"},
		{argon2d, 3, 1024, 6, "a3351b0319a53229152023d9206902f4ef59661cdca89481"},
		{argon2id, 3, 1024, 6, "1640b932f4b60e272f5d2207b9a9c626ffa1bd88d2349016"},
	}
	withEachBlockFunc(t, func(t *testing.T) {
		var b Buffer // one buffer for all: each vector finds the last one's memory
		for i, v := range vectors {
			want, _ := hex.DecodeString(v.hash)
			got := b.deriveKey(v.mode, []byte("password"), []byte("somesalt"), nil, nil, v.time, v.memory, v.threads, uint32(len(want)))
			if !bytes.Equal(got, want) {
				t.Errorf("vector %d: got %x, want %s", i, got, v.hash)
			}
		}
	})
}

// dirty is a buffer of at least kib KiB full of random bytes, as if a
// previous hash had been left in it.
func dirty(kib uint32) *Buffer {
	b := &Buffer{blocks: make([]block, kib)}
	for i := range b.blocks {
		for j := range b.blocks[i] {
			b.blocks[i][j] = rand.Uint64()
		}
	}
	return b
}

// TestSameAsXCrypto compares IDKey with argon2.IDKey on random passwords,
// salts and parameters (threads above one, memory sizes that are not a
// multiple of 4 × threads or below its minimum, key lengths around
// blake2b's 64 bytes), the buffer reused from one to the next (so grown,
// shrunk and dirty), and wiped from time to time.
func TestSameAsXCrypto(t *testing.T) {
	n := 300
	if testing.Short() {
		n = 60
	}
	withEachBlockFunc(t, func(t *testing.T) {
		r := rand.New(rand.NewPCG(1, 2))
		var b Buffer
		for i := range n {
			password := randomBytes(r, r.IntN(80))
			salt := randomBytes(r, 8+r.IntN(40))
			time := 1 + r.Uint32N(4)
			threads := uint8(1 + r.IntN(6))
			memory := r.Uint32N(600)
			keyLen := 4 + r.Uint32N(130)
			want := argon2.IDKey(password, salt, time, memory, threads, keyLen)
			got := b.IDKey(password, salt, time, memory, threads, keyLen)
			if !bytes.Equal(got, want) {
				t.Fatalf("IDKey(%x, %x, t=%d, m=%d, p=%d, %d) = %x, x/crypto says %x", password, salt, time, memory, threads, keyLen, got, want)
			}
			if i%7 == 0 {
				b.Wipe()
			}
		}
	})
}

// TestSameAsXCryptoAtAppCost compares the two at the app's parameters
// (19 MiB, t=2, p=1), in a dirty buffer.
func TestSameAsXCryptoAtAppCost(t *testing.T) {
	b := dirty(19*1024 + 5)
	password, salt := []byte("Un mot de passe temporaire"), []byte("0123456789abcdef")
	want := argon2.IDKey(password, salt, 2, 19*1024, 1, 32)
	if got := b.IDKey(password, salt, 2, 19*1024, 1, 32); !bytes.Equal(got, want) {
		t.Fatalf("got %x, want %x", got, want)
	}
}

// TestConcurrentBuffers hashes on several goroutines, each with its own
// buffer (for the race detector), some with threads > 1.
func TestConcurrentBuffers(t *testing.T) {
	var wg sync.WaitGroup
	for g := range 4 {
		wg.Go(func() {
			var b Buffer
			for i := range 10 {
				password := []byte{byte(g), byte(i)}
				threads := uint8(1 + (g+i)%3)
				want := argon2.IDKey(password, []byte("somesaltsomesalt"), 2, 256, threads, 32)
				if got := b.IDKey(password, []byte("somesaltsomesalt"), 2, 256, threads, 32); !bytes.Equal(got, want) {
					t.Errorf("goroutine %d, hash %d: got %x, want %x", g, i, got, want)
				}
			}
		})
	}
	wg.Wait()
}

func TestWipe(t *testing.T) {
	var b Buffer
	b.IDKey([]byte("password"), []byte("somesalt"), 1, 100, 1, 32)
	b.IDKey([]byte("password"), []byte("somesalt"), 1, 64, 1, 32) // a smaller one: 100 KiB still held
	if b.Size() != 100*1024 {
		t.Fatalf("size %d, want %d", b.Size(), 100*1024)
	}
	b.Wipe()
	for i, blk := range b.blocks[:cap(b.blocks)] {
		if blk != (block{}) {
			t.Fatalf("block %d not zero after Wipe", i)
		}
	}
	var empty Buffer
	empty.Wipe() // no memory yet: nothing to do, no panic
}

func TestBadParametersPanicLikeXCrypto(t *testing.T) {
	for _, c := range []struct {
		time    uint32
		threads uint8
	}{{0, 1}, {1, 0}} {
		func() {
			defer func() {
				if recover() == nil {
					t.Errorf("t=%d p=%d did not panic", c.time, c.threads)
				}
			}()
			var b Buffer
			b.IDKey([]byte("p"), []byte("somesalt"), c.time, 64, c.threads, 32)
		}()
	}
}

func randomBytes(r *rand.Rand, n int) []byte {
	p := make([]byte, n)
	for i := range p {
		p[i] = byte(r.Uint32())
	}
	return p
}

// FuzzSameAsXCrypto compares IDKey with argon2.IDKey; the buffer is shared
// by every input, so each finds the previous one's memory.
//
//	go test -run '^$' -fuzz FuzzSameAsXCrypto ./app/internal/argon2id/
func FuzzSameAsXCrypto(f *testing.F) {
	f.Add([]byte("password"), []byte("somesalt"), uint8(2), uint16(64), uint8(1), uint8(32))
	f.Add([]byte(""), []byte("0123456789abcdef"), uint8(1), uint16(0), uint8(3), uint8(65))
	f.Add([]byte("Un mot de passe temporaire"), []byte("sel"), uint8(3), uint16(257), uint8(4), uint8(1))
	var b Buffer
	var mu sync.Mutex
	f.Fuzz(func(t *testing.T, password, salt []byte, time uint8, memory uint16, threads, keyLen uint8) {
		tm := 1 + uint32(time%4)
		mem := uint32(memory % 1024)
		p := 1 + threads%8
		kl := 1 + uint32(keyLen)
		want := argon2.IDKey(password, salt, tm, mem, p, kl)
		mu.Lock()
		got := b.IDKey(password, salt, tm, mem, p, kl)
		mu.Unlock()
		if !bytes.Equal(got, want) {
			t.Fatalf("t=%d m=%d p=%d keyLen=%d: got %x, want %x", tm, mem, p, kl, got, want)
		}
	})
}

// BenchmarkIDKey compares with x/crypto at the app's parameters (19 MiB,
// t=2, p=1): ns/op and allocations per hash, with the SSE assembly and
// without SSE4 (SSE2 around Go's blamka), and the cost of wiping the
// buffer. The pure Go code: the same with -tags purego.
//
//	go test -run '^$' -bench IDKey -benchmem ./app/internal/argon2id/
func BenchmarkIDKey(b *testing.B) {
	password, salt := []byte("Un mot de passe temporaire"), []byte("0123456789abcdef")
	const time, memory, threads, keyLen = 2, 19 * 1024, 1, 32
	b.Run("xcrypto", func(b *testing.B) {
		b.ReportAllocs()
		for b.Loop() {
			argon2.IDKey(password, salt, time, memory, threads, keyLen)
		}
	})
	for _, sse4 := range []bool{true, false} {
		name := map[bool]string{true: "fork-sse4", false: "fork-nosse4"}[sse4]
		b.Run(name, func(b *testing.B) {
			if sse4 && !useSSE4 {
				b.Skip("no SSE4.1")
			}
			defer func(old bool) { useSSE4 = old }(useSSE4)
			useSSE4 = sse4
			var buf Buffer
			buf.IDKey(password, salt, time, memory, threads, keyLen)
			b.ReportAllocs()
			for b.Loop() {
				buf.IDKey(password, salt, time, memory, threads, keyLen)
			}
		})
		b.Run(name+"+wipe", func(b *testing.B) {
			if sse4 && !useSSE4 {
				b.Skip("no SSE4.1")
			}
			defer func(old bool) { useSSE4 = old }(useSSE4)
			useSSE4 = sse4
			var buf Buffer
			buf.IDKey(password, salt, time, memory, threads, keyLen)
			b.ReportAllocs()
			for b.Loop() {
				buf.IDKey(password, salt, time, memory, threads, keyLen)
				buf.Wipe()
			}
		})
	}
	b.Run("wipe", func(b *testing.B) {
		var buf Buffer
		buf.IDKey(password, salt, time, memory, threads, keyLen)
		for b.Loop() {
			buf.Wipe()
		}
	})
}

// BenchmarkTwoGoroutines is 2 goroutines hashing 20 passwords at the app's
// parameters against one hashing them: the ratio metric is the time on two
// over the time on one (0.5 would be perfect scaling), for x/crypto and
// for the fork (one buffer per goroutine, wiped after each hash).
//
//	go test -run '^$' -bench TwoGoroutines -benchtime 3x ./app/internal/argon2id/
func BenchmarkTwoGoroutines(b *testing.B) {
	password, salt := []byte("Un mot de passe temporaire"), []byte("0123456789abcdef")
	const n = 20
	run := func(workers int, hash func(*Buffer)) float64 {
		start := time.Now()
		var wg sync.WaitGroup
		next := make(chan struct{})
		for range workers {
			wg.Go(func() {
				var buf Buffer
				for range next {
					hash(&buf)
				}
			})
		}
		for range n {
			next <- struct{}{}
		}
		close(next)
		wg.Wait()
		return float64(time.Since(start))
	}
	for _, c := range []struct {
		name string
		hash func(*Buffer)
	}{
		{"xcrypto", func(*Buffer) { argon2.IDKey(password, salt, 2, 19*1024, 1, 32) }},
		{"fork", func(buf *Buffer) { buf.IDKey(password, salt, 2, 19*1024, 1, 32); buf.Wipe() }},
	} {
		b.Run(c.name, func(b *testing.B) {
			if runtime.GOMAXPROCS(0) < 2 {
				b.Skip("needs 2 processors")
			}
			var one, two float64
			for b.Loop() {
				one += run(1, c.hash)
				two += run(2, c.hash)
			}
			b.ReportMetric(two/one, "ratio")
			b.ReportMetric(one/float64(b.N)/n/1e6, "ms/hash-1")
			b.ReportMetric(two/float64(b.N)/n/1e6, "ms/hash-2")
		})
	}
}
