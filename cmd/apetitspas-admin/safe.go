package main

import (
	"fmt"
	"strings"
	"unicode"
	"unicode/utf16"
	"unicode/utf8"
)

// Names, e-mails and journal details come from the database, where an
// older version (or someone editing the file) may have left anything. The
// tool never writes them raw to a terminal: control characters (escape
// sequences), invisible format characters (bidirectional overrides, zero
// width…), line and paragraph separators, private-use and invalid bytes
// are shown as visible escapes instead (\x1b, \u202e, \xff).

// hidden reports whether r must not reach a terminal as it is.
func hidden(r rune) bool {
	return unicode.IsControl(r) || unicode.In(r, unicode.Cf, unicode.Co, unicode.Cs, unicode.Zl, unicode.Zp)
}

// safe returns s with every hidden rune and invalid byte escaped.
func safe(s string) string {
	clean := true
	for _, r := range s {
		if r == utf8.RuneError || hidden(r) {
			clean = false
			break
		}
	}
	if clean {
		return s
	}
	var b strings.Builder
	for i := 0; i < len(s); {
		r, size := utf8.DecodeRuneInString(s[i:])
		switch {
		case r == utf8.RuneError && size == 1:
			fmt.Fprintf(&b, `\x%02x`, s[i])
		case r < 0x80 && hidden(r):
			fmt.Fprintf(&b, `\x%02x`, r)
		case r <= 0xffff && (hidden(r) || r == utf8.RuneError):
			fmt.Fprintf(&b, `\u%04x`, r)
		case hidden(r):
			fmt.Fprintf(&b, `\U%08x`, r)
		default:
			b.WriteString(s[i : i+size])
		}
		i += size
	}
	return b.String()
}

// jsonSafe escapes, in encoded JSON, the hidden runes encoding/json
// leaves raw (bidirectional overrides, zero-width and other format
// characters, private use). They can only be inside strings (JSON's own
// syntax is ASCII), where \uXXXX means the same rune: the data is
// unchanged, only its spelling.
func jsonSafe(b []byte) []byte {
	var out []byte
	for i := 0; i < len(b); {
		r, size := utf8.DecodeRune(b[i:])
		if r < utf8.RuneSelf || !(hidden(r) || r == utf8.RuneError) {
			if out != nil {
				out = append(out, b[i:i+size]...)
			}
			i += size
			continue
		}
		if out == nil {
			out = append(make([]byte, 0, len(b)+64), b[:i]...)
		}
		if r1, r2 := utf16.EncodeRune(r); r1 != utf8.RuneError {
			out = fmt.Appendf(out, `\u%04x\u%04x`, r1, r2)
		} else {
			out = fmt.Appendf(out, `\u%04x`, r)
		}
		i += size
	}
	if out == nil {
		return b
	}
	return out
}
