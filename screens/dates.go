package screens

import (
	"time"

	"fyne.io/fyne/v2/lang"

	"github.com/apetitspas/apetitspas/assets"
)

// Dates and times as a person in Québec writes them, in local time:
// « 26 nov. 2026 », « 20 h 50 », « 26 nov. 2026, 20 h 50 » (and
// "Nov 26, 2026, 8:50 PM" in English): assets' one formatter, in the
// language the screens speak.

// formatDate is a day: « 26 nov. 2026 ».
func formatDate(t time.Time) string { return assets.FormatDate(journalLocale(), t) }

// formatTime is a time of day: « 20 h 50 » ("8:50 PM").
func formatTime(t time.Time) string { return assets.FormatTime(journalLocale(), t) }

// formatDateTime is a day and a time: « 26 nov. 2026, 20 h 50 ».
func formatDateTime(t time.Time) string { return assets.FormatDateTime(journalLocale(), t) }

// formatUntil is the end of a wait: the time alone today, else the day too.
func formatUntil(t, now time.Time) string { return assets.FormatUntil(journalLocale(), t, now) }

// daysText is a number of days with its noun: « 1 jour », « 7 jours ».
func daysText(n int) string {
	if n == 1 || n == 0 && lang.X("plural.zero_is_one", "oui") == "oui" {
		return lang.X("days.one", "{{.N}}\u00a0jour", map[string]any{"N": n})
	}
	return lang.X("days.other", "{{.N}}\u00a0jours", map[string]any{"N": n})
}
