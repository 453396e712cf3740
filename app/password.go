package app

import (
	"crypto/rand"
	"crypto/subtle"
	"encoding/base64"
	"fmt"
	"runtime"
	"strings"
	"sync"
	"sync/atomic"
	"time"

	"github.com/apetitspas/apetitspas/app/internal/argon2id"
)

// Argon2Params are the argon2id cost parameters. They are written into every
// hash (PHC string format), so they can be raised later: a hash made with
// weaker parameters is replaced at the next successful sign-in.
type Argon2Params struct {
	MemoryKiB uint32
	Time      uint32
	Threads   uint8
	SaltLen   int
	KeyLen    int
}

// DefaultArgon2 follows the OWASP minimum for argon2id: 19 MiB, t=2, p=1.
var DefaultArgon2 = Argon2Params{MemoryKiB: 19 * 1024, Time: 2, Threads: 1, SaltLen: 16, KeyLen: 32}

var b64 = base64.RawStdEncoding

// HashPassword returns the PHC-encoded argon2id hash of password:
// $argon2id$v=19$m=19456,t=2,p=1$<salt>$<hash>
func HashPassword(password string, p Argon2Params) (string, error) {
	salt := make([]byte, p.SaltLen)
	if _, err := rand.Read(salt); err != nil {
		return "", fmt.Errorf("read random salt: %w", err)
	}
	key := idKey([]byte(password), salt, p.Time, p.MemoryKiB, p.Threads, uint32(p.KeyLen))
	return fmt.Sprintf("$argon2id$v=%d$m=%d,t=%d,p=%d$%s$%s",
		argon2id.Version, p.MemoryKiB, p.Time, p.Threads, b64.EncodeToString(salt), b64.EncodeToString(key)), nil
}

// parseHash decodes a PHC argon2id string.
func parseHash(encoded string) (p Argon2Params, salt, key []byte, err error) {
	parts := strings.Split(encoded, "$")
	if len(parts) != 6 || parts[0] != "" || parts[1] != "argon2id" {
		return p, nil, nil, fmt.Errorf("not an argon2id hash")
	}
	var version int
	if _, err = fmt.Sscanf(parts[2], "v=%d", &version); err != nil || version != argon2id.Version {
		return p, nil, nil, fmt.Errorf("unsupported argon2 version %q", parts[2])
	}
	if _, err = fmt.Sscanf(parts[3], "m=%d,t=%d,p=%d", &p.MemoryKiB, &p.Time, &p.Threads); err != nil {
		return p, nil, nil, fmt.Errorf("bad argon2 parameters %q", parts[3])
	}
	if p.MemoryKiB == 0 || p.Time == 0 || p.Threads == 0 || p.MemoryKiB > 4*1024*1024 || p.Time > 100 {
		return p, nil, nil, fmt.Errorf("argon2 parameters out of range %q", parts[3])
	}
	if salt, err = b64.DecodeString(parts[4]); err != nil {
		return p, nil, nil, fmt.Errorf("bad salt: %w", err)
	}
	if key, err = b64.DecodeString(parts[5]); err != nil || len(key) < 16 {
		return p, nil, nil, fmt.Errorf("bad key")
	}
	p.SaltLen, p.KeyLen = len(salt), len(key)
	return p, salt, key, nil
}

// VerifyPassword reports whether password matches the PHC-encoded hash, in
// constant time with respect to the key. A malformed hash never matches.
func VerifyPassword(password, encoded string) bool {
	verifications.Add(1)
	p, salt, key, err := parseHash(encoded)
	if err != nil {
		return false
	}
	got := idKey([]byte(password), salt, p.Time, p.MemoryKiB, p.Threads, uint32(len(key)))
	return subtle.ConstantTimeCompare(got, key) == 1
}

// argon2Slots bounds the argon2id computations running at once in this
// process. Each one takes MemoryKiB (19 MiB by default) for its duration:
// with one service serving every window of the computer, twenty people
// (or one program opening twenty connections) signing in at once made the
// service hold 20 × 19 MiB (405 MiB measured); the others now wait their
// turn, which on a CPU-bound computation costs no throughput. As many
// slots as processors, at least 2 and at most 8.
var argon2Slots = make(chan struct{}, min(max(runtime.GOMAXPROCS(0), 2), 8))

// argon2Running and argon2Peak count the computations in progress and
// the most seen at once, for the tests.
var argon2Running, argon2Peak atomic.Int64

// argon2Buffers keeps the argon2id memories between computations:
// golang.org/x/crypto/argon2 took a new one (19 MiB) at every hash, and an
// import on two cores spent its time in the garbage collector, which
// stops both, and in fresh pages (issue 17). There are never more of them
// than argon2Slots; when no computation has run for argon2Idle they are
// all dropped, so an idle service does not keep them. A plain list rather
// than a sync.Pool: the race detector makes a pool drop a quarter of what
// it is given, and a garbage collection empties it in the middle of an
// import.
var argon2Buffers struct {
	sync.Mutex
	free  []*argon2id.Buffer
	timer *time.Timer
}

// argon2Idle is how long the argon2id memories are kept without use.
const argon2Idle = 2 * time.Minute

func takeArgon2Buffer() *argon2id.Buffer {
	argon2Buffers.Lock()
	defer argon2Buffers.Unlock()
	if n := len(argon2Buffers.free); n > 0 {
		b := argon2Buffers.free[n-1]
		argon2Buffers.free = argon2Buffers.free[:n-1]
		return b
	}
	return new(argon2id.Buffer)
}

// giveBackArgon2Buffer wipes b (it held values derived from a password)
// and keeps it for the next computation.
func giveBackArgon2Buffer(b *argon2id.Buffer) {
	b.Wipe()
	argon2Buffers.Lock()
	defer argon2Buffers.Unlock()
	argon2Buffers.free = append(argon2Buffers.free, b)
	if argon2Buffers.timer == nil {
		argon2Buffers.timer = time.AfterFunc(argon2Idle, dropArgon2Buffers)
	} else {
		argon2Buffers.timer.Reset(argon2Idle)
	}
}

func dropArgon2Buffers() {
	argon2Buffers.Lock()
	defer argon2Buffers.Unlock()
	clear(argon2Buffers.free)
	argon2Buffers.free = argon2Buffers.free[:0]
}

// idKey is argon2id (argon2.IDKey's result) within argon2Slots, in a
// reused memory that is wiped before it goes back.
func idKey(password, salt []byte, time, memory uint32, threads uint8, keyLen uint32) []byte {
	argon2Slots <- struct{}{}
	defer func() { <-argon2Slots }()
	n := argon2Running.Add(1)
	defer argon2Running.Add(-1)
	for {
		peak := argon2Peak.Load()
		if n <= peak || argon2Peak.CompareAndSwap(peak, n) {
			break
		}
	}
	buf := takeArgon2Buffer()
	defer giveBackArgon2Buffer(buf)
	return buf.IDKey(password, salt, time, memory, threads, keyLen)
}

// hashIsWeaker reports whether encoded was made with parameters below p.
func hashIsWeaker(encoded string, p Argon2Params) bool {
	hp, _, _, err := parseHash(encoded)
	if err != nil {
		return true
	}
	return hp.MemoryKiB < p.MemoryKiB || hp.Time < p.Time || hp.KeyLen < p.KeyLen
}

// verifications counts argon2id verifications, so that a test can check
// every failed sign-in costs exactly one, whatever its reason.
var verifications atomic.Int64

// dummyHash is verified when the e-mail is unknown or the account locked, so
// that every failed sign-in costs the same time whatever the reason. It is
// the hash of a random password nobody knows, made with DefaultArgon2.
const dummyHash = "$argon2id$v=19$m=19456,t=2,p=1$R23VBHse3f+vxKSOQW2WMQ$XbwyZ1nHLsE6mvKugYKB8Ncy9UWLpEr2/+mRjvNVdwE"
