package screens

import (
	"strconv"
	"strings"
	"time"

	"fyne.io/fyne/v2/lang"
)

// Dates and times as a person in Québec writes them, in local time:
// « 26 nov. 2026 », « 20 h 50 », « 26 nov. 2026, 20 h 50 » (and
// "Nov 26, 2026, 20:50" in English). The patterns and month names are
// translations.

// monthName is the short name of a month ("nov.").
func monthName(m time.Month) string {
	names := strings.Split(lang.X("date.months", "janv.,févr.,mars,avr.,mai,juin,juill.,août,sept.,oct.,nov.,déc."), ",")
	if len(names) != 12 {
		return strconv.Itoa(int(m))
	}
	return names[m-1]
}

// formatDate is a day: « 26 nov. 2026 ».
func formatDate(t time.Time) string {
	t = t.Local()
	return lang.X("date.date", "{{.Day}}\u00a0{{.Month}}\u00a0{{.Year}}", map[string]any{
		"Day": t.Day(), "Month": monthName(t.Month()), "Year": t.Year()})
}

// formatTime is a time of day: « 20 h 50 » ("20:50").
func formatTime(t time.Time) string {
	t = t.Local()
	return lang.X("date.time", "{{.Hour}}\u00a0h\u00a0{{.Minute}}", map[string]any{
		"Hour": t.Hour(), "Minute": t.Format("04")})
}

// formatDateTime is a day and a time: « 26 nov. 2026, 20 h 50 ».
func formatDateTime(t time.Time) string {
	return lang.X("date.datetime", "{{.Date}}, {{.Time}}", map[string]any{
		"Date": formatDate(t), "Time": formatTime(t)})
}

// daysText is a number of days with its noun: « 1 jour », « 7 jours ».
func daysText(n int) string {
	if n == 1 || n == 0 && lang.X("plural.zero_is_one", "oui") == "oui" {
		return lang.X("days.one", "{{.N}}\u00a0jour", map[string]any{"N": n})
	}
	return lang.X("days.other", "{{.N}}\u00a0jours", map[string]any{"N": n})
}
