package data

import (
	"errors"
	"fmt"
	"path/filepath"
	"strconv"
	"strings"
	"unicode/utf8"
)

// The configuration file is a tiny part of TOML: comments (#), blank
// lines and "key = string" lines, the string in double quotes (with TOML's
// escapes) or in single quotes (taken as is: handy for Windows paths).
// Keys: db, key_dir and service (db is required unless service is
// given; key_dir goes with db). Anything else (another key, a table, a
// number, a key given twice) is refused with its line number: a file the
// technician mistyped must not be half understood.
//
// service = "unix:/run/apetitspas/service.sock" (or "pipe:NAME") names the
// local service the programs are clients of (ParseServiceAddress): the
// file stays readable by every account, so it names no secret.

// configLineError is a parse error on one line (1-based).
type configLineError struct {
	line int
	err  error
}

func (e *configLineError) Error() string { return fmt.Sprintf("line %d: %v", e.line, e.err) }
func (e *configLineError) Unwrap() error { return e.err }

// ParseConfig reads the text of a configuration file.
func ParseConfig(b []byte) (Config, error) {
	if !utf8.Valid(b) {
		return Config{}, errors.New("not UTF-8 text")
	}
	s := strings.TrimPrefix(string(b), "\ufeff") // Notepad's byte-order mark
	var cfg Config
	seen := map[string]bool{}
	keyDirLine := 0
	for i, line := range strings.Split(s, "\n") {
		n := i + 1
		line = strings.TrimSuffix(line, "\r")
		rest := strings.TrimLeft(line, " \t")
		if rest == "" || rest[0] == '#' {
			continue
		}
		key, value, err := parseConfigLine(rest)
		if err != nil {
			return Config{}, &configLineError{n, err}
		}
		if seen[key] {
			return Config{}, &configLineError{n, fmt.Errorf("%s is given twice", key)}
		}
		seen[key] = true
		switch key {
		case "db":
			if value == "" {
				return Config{}, &configLineError{n, errors.New("db is empty")}
			}
			if !IsPostgresURL(value) && !filepath.IsAbs(value) {
				return Config{}, &configLineError{n, fmt.Errorf("db %q is neither an absolute path nor a postgres:// URL", value)}
			}
			cfg.DB = value
		case "key_dir":
			if value == "" || !filepath.IsAbs(value) {
				return Config{}, &configLineError{n, fmt.Errorf("key_dir %q is not an absolute path", value)}
			}
			cfg.KeyDir = value
			keyDirLine = n
		case "service":
			if _, err := ParseServiceAddress(value); err != nil {
				return Config{}, &configLineError{n, err}
			}
			cfg.Service = value
		default:
			return Config{}, &configLineError{n, fmt.Errorf("unknown key %q (db, key_dir and service only)", key)}
		}
	}
	if cfg.DB == "" && cfg.Service == "" {
		return Config{}, errors.New(`no db = "…" line (nor service = "…")`)
	}
	// A key folder without a database: the file says something that
	// nothing would use.
	if cfg.DB == "" && cfg.KeyDir != "" {
		return Config{}, &configLineError{keyDirLine, errors.New("key_dir without db")}
	}
	return cfg, nil
}

// parseConfigLine reads `key = "value"  # comment` (leading blanks gone).
func parseConfigLine(s string) (key, value string, err error) {
	i := 0
	for i < len(s) && (s[i] == '_' || s[i] == '-' || s[i] >= 'a' && s[i] <= 'z' || s[i] >= 'A' && s[i] <= 'Z' || s[i] >= '0' && s[i] <= '9') {
		i++
	}
	if i == 0 {
		if s[0] == '[' {
			return "", "", errors.New("tables ([…]) are not used in this file")
		}
		return "", "", errors.New(`expected key = "value"`)
	}
	key, s = s[:i], strings.TrimLeft(s[i:], " \t")
	if !strings.HasPrefix(s, "=") {
		return "", "", fmt.Errorf("expected = after %s", key)
	}
	s = strings.TrimLeft(s[1:], " \t")
	if s == "" {
		return "", "", fmt.Errorf("no value for %s", key)
	}
	var rest string
	switch s[0] {
	case '\'':
		end := strings.IndexByte(s[1:], '\'')
		if end < 0 {
			return "", "", errors.New("the ' string is not closed")
		}
		value, rest = s[1:1+end], s[2+end:]
	case '"':
		value, rest, err = basicString(s[1:])
		if err != nil {
			return "", "", err
		}
	default:
		return "", "", fmt.Errorf("the value of %s must be in quotes", key)
	}
	rest = strings.TrimLeft(rest, " \t")
	if rest != "" && rest[0] != '#' {
		return "", "", fmt.Errorf("unexpected %q after the value", rest)
	}
	for _, r := range value {
		if r < 0x20 || r == 0x7f {
			return "", "", errors.New("control character in the value")
		}
	}
	return key, value, nil
}

// basicString reads a double-quoted TOML string after its opening quote
// and returns it and what follows the closing quote.
func basicString(s string) (value, rest string, err error) {
	var b strings.Builder
	for i := 0; i < len(s); {
		c := s[i]
		switch {
		case c == '"':
			return b.String(), s[i+1:], nil
		case c == '\\':
			if i+1 >= len(s) {
				return "", "", errors.New("the \" string is not closed")
			}
			e := s[i+1]
			i += 2
			switch e {
			case '"', '\\':
				b.WriteByte(e)
			case 'b':
				b.WriteByte('\b')
			case 't':
				b.WriteByte('\t')
			case 'n':
				b.WriteByte('\n')
			case 'f':
				b.WriteByte('\f')
			case 'r':
				b.WriteByte('\r')
			case 'u', 'U':
				size := 4
				if e == 'U' {
					size = 8
				}
				if i+size > len(s) {
					return "", "", errors.New(`\u needs hexadecimal digits`)
				}
				v, perr := strconv.ParseUint(s[i:i+size], 16, 32)
				if perr != nil || !utf8.ValidRune(rune(v)) {
					return "", "", fmt.Errorf(`bad \%c escape %q (a Windows path? use single quotes or \\)`, e, s[i:i+size])
				}
				b.WriteRune(rune(v))
				i += size
			default:
				return "", "", fmt.Errorf(`unknown escape \%c (a Windows path? use single quotes or \\)`, e)
			}
		default:
			b.WriteByte(c)
			i++
		}
	}
	return "", "", errors.New("the \" string is not closed")
}

// FormatConfig writes cfg as ParseConfig reads it back.
func FormatConfig(cfg Config) (string, error) {
	var b strings.Builder
	b.WriteString("# À petits pas : où sont les données de la garderie, pour tous les comptes de cet ordinateur.\n")
	b.WriteString("# Écrit par l'installateur, « apetitspas-admin configure » ou « apetitspas-admin service install ». Where the daycare's data lives.\n")
	if cfg.DB == "" && cfg.Service == "" {
		return "", errors.New("db is empty")
	}
	for _, kv := range [][2]string{{"db", cfg.DB}, {"key_dir", cfg.KeyDir}, {"service", cfg.Service}} {
		if kv[1] == "" {
			continue
		}
		if !utf8.ValidString(kv[1]) {
			return "", fmt.Errorf("%s is not UTF-8", kv[0])
		}
		b.WriteString(kv[0] + " = " + quoteConfig(kv[1]) + "\n")
	}
	out := b.String()
	got, err := ParseConfig([]byte(out))
	if err != nil {
		return "", err
	}
	if got != cfg {
		return "", errors.New("the configuration does not read back the same")
	}
	return out, nil
}

// quoteConfig quotes v: single quotes when that needs no escape (Windows
// paths stay readable), else a double-quoted string.
func quoteConfig(v string) string {
	plain := !strings.ContainsAny(v, "'")
	for _, r := range v {
		if r < 0x20 || r == 0x7f {
			plain = false
		}
	}
	if plain {
		return "'" + v + "'"
	}
	var b strings.Builder
	b.WriteByte('"')
	for _, r := range v {
		switch {
		case r == '"' || r == '\\':
			b.WriteByte('\\')
			b.WriteRune(r)
		case r < 0x20 || r == 0x7f:
			fmt.Fprintf(&b, `\u%04X`, r)
		default:
			b.WriteRune(r)
		}
	}
	b.WriteByte('"')
	return b.String()
}
