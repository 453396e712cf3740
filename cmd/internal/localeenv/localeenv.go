// Package localeenv gives Fyne a locale it can read, before Fyne reads it.
// The window imports it for its side effect, first:
//
//	import _ "github.com/apetitspas/apetitspas/cmd/internal/localeenv"
//
// Fyne's lang package reads the locale from the environment (LC_ALL,
// LC_MESSAGES, LANG, then LANGUAGE, through github.com/jeandeaual/go-locale)
// in its own init, and again whenever translations are added, and logs
// « Fyne error: Error parsing user locale C » for each value that is not a
// language tag: LANG=C.UTF-8 (a container's, a minimal server's), a typo.
// With no locale at all (LANG=C, POSIX, nothing) it chooses English for
// its own words. Here, such an environment becomes a Québec French one for
// this process only, quietly: French is the product's default. A locale
// Fyne reads already (fr_CA.UTF-8, en_US.UTF-8, de_DE.UTF-8) is left as it
// is.
//
// Only the variables Fyne reads for messages are changed, so that the
// character type GLFW takes from LC_ALL, LC_CTYPE or LANG (typing « é »)
// stays what it was: LANGUAGE when the locale names one that is not a tag
// (C.UTF-8), LC_MESSAGES when there is none (LANG=C), LC_ALL only when
// LC_ALL=C itself hides everything else.
//
// This package runs before Fyne's because Go initialises packages in
// import-path order among those whose imports are done: it imports only
// os, runtime and strings (go-locale imports os and strings), and its path
// sorts before github.com/jeandeaual, which Fyne's lang waits for. Keep it that way (a
// test runs the window's package with LANG=C.UTF-8 and reads its output).
package localeenv

import (
	"os"
	"runtime"
	"strings"
)

// Fallback is the locale of an environment without a usable one.
const Fallback = "fr_CA.UTF-8"

// fallbackLanguage is Fallback as a LANGUAGE entry (no encoding).
const fallbackLanguage = "fr_CA"

func init() {
	// go-locale asks Windows and macOS themselves, not the environment.
	if runtime.GOOS == "windows" || runtime.GOOS == "darwin" {
		return
	}
	Normalise(osEnv{})
}

// Env is the process environment, or a test's.
type Env interface {
	Getenv(key string) string
	Setenv(key, value string)
	Unsetenv(key string)
}

type osEnv struct{}

func (osEnv) Getenv(key string) string { return os.Getenv(key) }
func (osEnv) Setenv(key, value string) { _ = os.Setenv(key, value) }
func (osEnv) Unsetenv(key string)      { _ = os.Unsetenv(key) }

// Normalise changes env so that every locale Fyne reads from it is a
// language tag, and that there is one (see the package comment).
func Normalise(env Env) {
	// LANGUAGE keeps the entries that are tags, in their order.
	if v := env.Getenv("LANGUAGE"); v != "" {
		var keep []string
		for _, l := range strings.Split(v, ":") {
			if Readable(l) {
				keep = append(keep, l)
			}
		}
		switch {
		case len(keep) == 0:
			env.Unsetenv("LANGUAGE")
		case len(keep) < len(strings.Split(v, ":")):
			env.Setenv("LANGUAGE", strings.Join(keep, ":"))
		}
	}
	name, value := "", ""
	for _, n := range []string{"LC_ALL", "LC_MESSAGES", "LANG"} {
		if v := env.Getenv(n); v != "" {
			name, value = n, v
			break
		}
	}
	switch {
	case value == "" || value == "C" || value == "POSIX":
		// No locale: go-locale ignores LANGUAGE then; a new value in the
		// variable it reads first (LC_MESSAGES rather than LANG, which
		// also sets the character type).
		if name != "LC_ALL" {
			name = "LC_MESSAGES"
		}
		env.Setenv(name, Fallback)
	case env.Getenv("LANGUAGE") != "":
		// LANGUAGE, all tags now, is what go-locale reads.
	case !readableList(value):
		env.Setenv("LANGUAGE", fallbackLanguage)
	}
}

func readableList(v string) bool {
	for _, l := range strings.Split(v, ":") {
		if !Readable(l) {
			return false
		}
	}
	return true
}

// Readable reports whether Fyne reads the locale l (« fr_CA.UTF-8 »,
// « en », « zh_Hans ») as a language tag: go-locale drops the encoding
// after a dot and makes « fr_CA » « fr-CA »; golang.org/x/text parses
// the tag. The check is the tag's shape (a language of 2 or 3 letters,
// then nothing, a region of 2 letters or 3 digits, or a script of 4
// letters), narrower than BCP 47: what it refuses becomes the fallback.
// A well-formed but unknown language (« xx ») passes, and Fyne still logs
// it; no locale glibc makes is one (a test reads glibc's list).
func Readable(l string) bool {
	l, _, _ = strings.Cut(l, ".")
	l = strings.ReplaceAll(l, "-", "_")
	language, rest, _ := strings.Cut(l, "_")
	if !letters(language) || len(language) < 2 || len(language) > 3 {
		return false
	}
	switch {
	case rest == "":
		return true
	case len(rest) == 2 && letters(rest):
		return true
	case len(rest) == 3 && digits(rest):
		return true
	case len(rest) == 4 && letters(rest):
		return true
	}
	return false
}

func letters(s string) bool {
	for _, r := range s {
		if (r < 'a' || r > 'z') && (r < 'A' || r > 'Z') {
			return false
		}
	}
	return s != ""
}

func digits(s string) bool {
	for _, r := range s {
		if r < '0' || r > '9' {
			return false
		}
	}
	return s != ""
}
