package screens

import (
	"regexp"
	"strings"
	"time"
	"unicode"

	"fyne.io/fyne/v2/lang"

	"github.com/apetitspas/apetitspas/assets"
)

// Dates and times as a person in Québec writes them, in local time:
// « 26 nov. 2026 », « 20 h 50 », « 26 nov. 2026, 20 h 50 » (and
// "Nov 26, 2026, 8:50 PM" in English): assets' one formatter, in the
// language the screens speak.

// formatDate is a day: « 26 nov. 2026 ».
func formatDate(t time.Time) string { return assets.FormatDate(journalLocale(), t) }

// formatDateTime is a day and a time: « 26 nov. 2026, 20 h 50 ».
func formatDateTime(t time.Time) string { return assets.FormatDateTime(journalLocale(), t) }

// formatUntil is the end of a wait: the time alone today, else the day too.
func formatUntil(t, now time.Time) string { return assets.FormatUntil(journalLocale(), t, now) }

// minutesText is a number of minutes with its noun: « 1 minute », « 5 minutes ».
func minutesText(n int) string {
	if n == 1 || n == 0 && lang.X("plural.zero_is_one", "oui") == "oui" {
		return lang.X("minutes.one", "{{.N}}\u00a0minute", map[string]any{"N": n})
	}
	return lang.X("minutes.other", "{{.N}}\u00a0minutes", map[string]any{"N": n})
}

// daysText is a number of days with its noun: « 1 jour », « 7 jours ».
func daysText(n int) string {
	if n == 1 || n == 0 && lang.X("plural.zero_is_one", "oui") == "oui" {
		return lang.X("days.one", "{{.N}}\u00a0jour", map[string]any{"N": n})
	}
	return lang.X("days.other", "{{.N}}\u00a0jours", map[string]any{"N": n})
}

// frenchElision finds « de » before a word that starts with a vowel: a
// name or an e-mail put into a sentence (« Codes de récupération de
// Élodie »), which French writes « d'Élodie ». The translations' own text
// never has such a pair (tested), so only what was put in is changed.
var frenchElision = regexp.MustCompile(`(^|[\s(«\x{00a0}])([Dd])e ([AEIOUYÀÂÄÉÈÊËÎÏÔÖÛÙÜŸÆŒaeiouyàâäéèêëîïôöûùüÿæœ])`)

// elide applies French elision to a sentence that names someone, when the
// screens speak French: « d'Anne », « d'Élodie ». An e-mail is left as it
// is (« de anne@parents.ca »): the address must read exactly.
func elide(s string) string {
	if journalLocale() != "fr" {
		return s
	}
	var b strings.Builder
	last := 0
	for _, m := range frenchElision.FindAllStringSubmatchIndex(s, -1) {
		word := s[m[6]:]
		if i := strings.IndexFunc(word, unicode.IsSpace); i >= 0 {
			word = word[:i]
		}
		if strings.Contains(word, "@") {
			continue
		}
		b.WriteString(s[last:m[4]])
		b.WriteString(s[m[4]:m[5]] + "'")
		last = m[6]
	}
	b.WriteString(s[last:])
	return b.String()
}
