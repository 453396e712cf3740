package rpc

import (
	"context"
	"fmt"
	"net/http"
	"reflect"
	"sort"
	"strings"
	"testing"
	"time"

	"github.com/apetitspas/apetitspas/app"
)

// The kit of the API's tests: a daycare (real SQLite in a temporary
// folder, fake clock) reached in-process (app.Local) or through the
// service (Client → socket → NewHandler(app.Local)), and a transcript of
// what each call gave, to compare the two.

// serveHTTP serves h at path on a socket of dir.
func serveHTTP(t testing.TB, dir, name, path string, h http.Handler) string {
	t.Helper()
	addr := testAddr(dir)
	if strings.HasPrefix(addr, "unix:") {
		addr = "unix:" + dir + "/" + name
	}
	l, err := Listen(addr)
	if err != nil {
		t.Fatal(err)
	}
	srv := newServer(path, h, nil)
	go srv.Serve(l)
	t.Cleanup(func() { srv.Close() })
	return addr
}

// asCaller is h with every call taken for u's, whoever connected: a
// second OS account without a second account on the machine (the real
// one: TestSessionOfOneOSAccountRefusedToAnother).
func asCaller(h http.Handler, u app.OSUser) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		f := peerFunc(func() (app.OSUser, error) { return u, nil })
		h.ServeHTTP(w, r.WithContext(context.WithValue(r.Context(), peerKey{}, f)))
	})
}

func newTestClient(t testing.TB, addr string) *Client {
	t.Helper()
	c, err := NewClient(addr)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(c.Close)
	return c
}

// transcript is what a scenario's calls gave, one line a call, with the
// values that are random in each daycare (secrets, temporary passwords,
// recovery codes, key ids…) replaced by their order of appearance.
type transcript struct {
	lines   []string
	randoms []string
}

// random declares v a random value of this run.
func (r *transcript) random(vs ...string) {
	for _, v := range vs {
		if v != "" {
			r.randoms = append(r.randoms, v)
		}
	}
}

// note records a step: its name and what it gave.
func (r *transcript) note(step string, vals ...any) {
	parts := make([]string, len(vals))
	for i, v := range vals {
		parts[i] = dump(v)
	}
	r.lines = append(r.lines, step+": "+strings.Join(parts, " | "))
}

// text is the transcript with its random values masked.
func (r *transcript) text() []string {
	idx := make([]int, len(r.randoms))
	for i := range idx {
		idx[i] = i
	}
	// Longest first: a value is never masked inside another.
	sort.SliceStable(idx, func(a, b int) bool { return len(r.randoms[idx[a]]) > len(r.randoms[idx[b]]) })
	out := make([]string, len(r.lines))
	for i, l := range r.lines {
		for _, j := range idx {
			l = strings.ReplaceAll(l, r.randoms[j], fmt.Sprintf("<random %d>", j))
		}
		out[i] = l
	}
	return out
}

// never lists the fields that never cross the wire by design: a User's
// secrets and MAC, an AuditEvent's MAC.
var never = map[reflect.Type]map[string]bool{
	reflect.TypeOf(app.User{}):       {"PasswordHash": true, "MFASecret": true, "Recovery": true, "MAC": true},
	reflect.TypeOf(app.AuditEvent{}): {"MAC": true},
}

// dump is v as the transcript shows it: exported fields only, times as
// instants (UTC; zero as "zero"), an error as an *app.Error's code,
// reason, until, line, detail, skew, limit and word, a handle as its view, and nil and
// empty slices alike.
func dump(v any) string {
	var b strings.Builder
	dumpValue(&b, reflect.ValueOf(v))
	return b.String()
}

var (
	timeType   = reflect.TypeOf(time.Time{})
	errorType  = reflect.TypeOf((*error)(nil)).Elem()
	handleType = reflect.TypeOf(&app.Handle{})
)

func dumpValue(b *strings.Builder, v reflect.Value) {
	if !v.IsValid() {
		b.WriteString("nil")
		return
	}
	if v.Type() == handleType {
		if v.IsNil() {
			b.WriteString("nil-handle")
			return
		}
		dumpValue(b, reflect.ValueOf(v.Interface().(*app.Handle).View()))
		return
	}
	if v.Type().Implements(errorType) && (v.Kind() != reflect.Pointer && v.Kind() != reflect.Interface || !v.IsNil()) {
		err := v.Interface().(error)
		ae := asAppError(err)
		fmt.Fprintf(b, "error{%s %s until=%s line=%d detail=%q skew=%v limit=%d word=%q}", ae.Code, ae.Reason, timeText(ae.Until), ae.Line, ae.Detail,
			ae.Skew, ae.Limit, ae.Word)
		return
	}
	switch v.Kind() {
	case reflect.Interface, reflect.Pointer:
		if v.IsNil() {
			b.WriteString("nil")
			return
		}
		dumpValue(b, v.Elem())
	case reflect.Struct:
		if v.Type() == timeType {
			b.WriteString(timeText(v.Interface().(time.Time)))
			return
		}
		b.WriteString(v.Type().Name() + "{")
		skip := never[v.Type()]
		first := true
		for i := 0; i < v.NumField(); i++ {
			f := v.Type().Field(i)
			if !f.IsExported() || skip[f.Name] {
				continue
			}
			if !first {
				b.WriteString(" ")
			}
			first = false
			b.WriteString(f.Name + "=")
			dumpValue(b, v.Field(i))
		}
		b.WriteString("}")
	case reflect.Slice, reflect.Array:
		b.WriteString("[")
		for i := 0; i < v.Len(); i++ {
			if i > 0 {
				b.WriteString(", ")
			}
			dumpValue(b, v.Index(i))
		}
		b.WriteString("]")
	case reflect.String:
		fmt.Fprintf(b, "%q", v.String())
	case reflect.Int64:
		if v.Type() == reflect.TypeOf(time.Duration(0)) {
			b.WriteString(time.Duration(v.Int()).String())
			return
		}
		fmt.Fprintf(b, "%d", v.Int())
	default:
		fmt.Fprintf(b, "%v", v.Interface())
	}
}

func timeText(t time.Time) string {
	if t.IsZero() {
		return "zero"
	}
	return t.UTC().Format(time.RFC3339Nano)
}

// compare fails t at each line where the two transcripts differ.
func compare(t *testing.T, local, wire *transcript) {
	t.Helper()
	a, b := local.text(), wire.text()
	for i := 0; i < max(len(a), len(b)); i++ {
		var la, lb string
		if i < len(a) {
			la = a[i]
		}
		if i < len(b) {
			lb = b[i]
		}
		if la != lb {
			t.Errorf("step %d:\n local: %s\n  wire: %s", i, la, lb)
		}
	}
	if testing.Verbose() {
		for _, l := range a {
			t.Log(l)
		}
	}
}
