package localeenv

import (
	"bufio"
	"os"
	"strings"
	"testing"

	"github.com/jeandeaual/go-locale"
	"golang.org/x/text/language"
)

// mapEnv is an environment of a test.
type mapEnv map[string]string

func (e mapEnv) Getenv(k string) string { return e[k] }
func (e mapEnv) Setenv(k, v string)     { e[k] = v }
func (e mapEnv) Unsetenv(k string)      { delete(e, k) }
func (e mapEnv) String() (s string) {
	for _, k := range []string{"LC_ALL", "LC_MESSAGES", "LANG", "LANGUAGE"} {
		if v, ok := e[k]; ok {
			s += k + "=" + v + " "
		}
	}
	return s
}

var cases = []struct {
	name      string
	env, want mapEnv
}{
	{"nothing set: French in LC_MESSAGES", mapEnv{}, mapEnv{"LC_MESSAGES": Fallback}},
	{"LANG=C: LC_MESSAGES, LANG kept for the character type", mapEnv{"LANG": "C"}, mapEnv{"LANG": "C", "LC_MESSAGES": Fallback}},
	{"LANG=POSIX", mapEnv{"LANG": "POSIX"}, mapEnv{"LANG": "POSIX", "LC_MESSAGES": Fallback}},
	{"LANG=C.UTF-8: LANGUAGE, LANG kept", mapEnv{"LANG": "C.UTF-8"}, mapEnv{"LANG": "C.UTF-8", "LANGUAGE": "fr_CA"}},
	{"LANG=C.utf8", mapEnv{"LANG": "C.utf8"}, mapEnv{"LANG": "C.utf8", "LANGUAGE": "fr_CA"}},
	{"LANG=garbage", mapEnv{"LANG": "garbage"}, mapEnv{"LANG": "garbage", "LANGUAGE": "fr_CA"}},
	{"LANG with a modifier", mapEnv{"LANG": "sr_RS@latin"}, mapEnv{"LANG": "sr_RS@latin", "LANGUAGE": "fr_CA"}},
	{"LC_ALL=C hides the rest: LC_ALL itself", mapEnv{"LC_ALL": "C", "LANG": "en_US.UTF-8"}, mapEnv{"LC_ALL": Fallback, "LANG": "en_US.UTF-8"}},
	{"LC_ALL=C.UTF-8", mapEnv{"LC_ALL": "C.UTF-8", "LANG": "en_US.UTF-8"}, mapEnv{"LC_ALL": "C.UTF-8", "LANG": "en_US.UTF-8", "LANGUAGE": "fr_CA"}},
	{"LC_MESSAGES=C over a real LANG", mapEnv{"LC_MESSAGES": "C", "LANG": "de_DE.UTF-8"}, mapEnv{"LC_MESSAGES": Fallback, "LANG": "de_DE.UTF-8"}},
	{"a real locale is kept", mapEnv{"LANG": "fr_CA.UTF-8"}, mapEnv{"LANG": "fr_CA.UTF-8"}},
	{"an English one too", mapEnv{"LANG": "en_US.UTF-8"}, mapEnv{"LANG": "en_US.UTF-8"}},
	{"Latin American Spanish", mapEnv{"LANG": "es_419.UTF-8"}, mapEnv{"LANG": "es_419.UTF-8"}},
	{"LANGUAGE keeps its tags", mapEnv{"LANG": "C.UTF-8", "LANGUAGE": "en_CA:C:fr"}, mapEnv{"LANG": "C.UTF-8", "LANGUAGE": "en_CA:fr"}},
	{"an empty LANGUAGE entry goes", mapEnv{"LANG": "fr_CA.UTF-8", "LANGUAGE": "fr::en"}, mapEnv{"LANG": "fr_CA.UTF-8", "LANGUAGE": "fr:en"}},
	{"a LANGUAGE without tags goes", mapEnv{"LANG": "fr_CA.UTF-8", "LANGUAGE": "C.UTF-8"}, mapEnv{"LANG": "fr_CA.UTF-8"}},
	{"a LANGUAGE without tags over a bad LANG", mapEnv{"LANG": "C.UTF-8", "LANGUAGE": "nimporte quoi"}, mapEnv{"LANG": "C.UTF-8", "LANGUAGE": "fr_CA"}},
}

func TestTheEnvironmentBecomesOneFyneReads(t *testing.T) {
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			env := mapEnv{}
			for k, v := range c.env {
				env[k] = v
			}
			Normalise(env)
			if env.String() != c.want.String() {
				t.Fatalf("%v became %v, want %v", c.env, env, c.want)
			}
		})
	}
}

// The contract itself: after Normalise, what go-locale gives Fyne (its
// real code, on the real environment) parses without an error, and names
// a language. With a value that would fall back, that language is French.
func TestGoLocaleThenGivesFyneTagsItParses(t *testing.T) {
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			for _, k := range []string{"LC_ALL", "LC_MESSAGES", "LANG", "LANGUAGE"} {
				t.Setenv(k, c.env[k])
				if _, ok := c.env[k]; !ok {
					os.Unsetenv(k)
				}
			}
			Normalise(osEnv{})
			all, err := locale.GetLocales()
			if err != nil || len(all) == 0 {
				t.Fatalf("GetLocales = %v, %v", all, err)
			}
			for _, l := range all {
				if _, err := language.Parse(l); err != nil {
					t.Errorf("%q: %v", l, err)
				}
			}
			one, _ := locale.GetLocale()
			if _, set := c.want["LANGUAGE"]; set && c.want["LANGUAGE"] == "fr_CA" && one != "fr-CA" {
				t.Errorf("GetLocale = %q, want fr-CA", one)
			}
		})
	}
}

// Every locale glibc can make (its SUPPORTED list) that Readable accepts
// is one golang.org/x/text parses as Fyne will, so none is logged; the
// few it refuses (modifiers like @latin) fall back to French.
func TestReadableLocalesOfGlibcParse(t *testing.T) {
	f, err := os.Open("/usr/share/i18n/SUPPORTED")
	if err != nil {
		t.Skip("no glibc SUPPORTED list here:", err)
	}
	defer f.Close()
	s := bufio.NewScanner(f)
	accepted, refused := 0, 0
	for s.Scan() {
		l, _, _ := strings.Cut(s.Text(), " ")
		if !Readable(l) {
			refused++
			continue
		}
		accepted++
		base, _, _ := strings.Cut(l, ".")
		tag := strings.Replace(base, "_", "-", 1)
		if _, err := language.Parse(tag); err != nil {
			t.Errorf("Readable(%q) but x/text says %v", l, err)
		}
	}
	if accepted < 300 {
		t.Fatalf("only %d locales accepted (%d refused)", accepted, refused)
	}
}

func TestReadable(t *testing.T) {
	for l, want := range map[string]bool{
		"fr_CA.UTF-8": true, "fr": true, "en-US": true, "zh_Hans": true, "es_419": true, "tlh": true,
		"C": false, "C.UTF-8": false, "POSIX": false, "": false, "garbage": false, "de_DE@euro": false,
		"i": false, "fr_CAN": false, "en_US_POSIX": false, "fr CA": false, "é": false,
	} {
		if Readable(l) != want {
			t.Errorf("Readable(%q) = %v", l, !want)
		}
	}
}
