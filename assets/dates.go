package assets

import (
	"strconv"
	"strings"
	"time"
)

// Dates and times as people read them, one formatter for the window and
// the tool, in local time. French (Québec): « 1er déc. 2026 », « 9 h 05 »,
// « 3 déc. 2026, 16 h 59 »; English: "Dec 1, 2026", "9:05 AM",
// "Dec 3, 2026, 4:59 PM". The patterns and month names are translations
// (date.*); the non-breaking spaces keep « 16 h 59 » and « 3 déc. 2026 »
// together where the text can be wrapped elsewhere.

// FormatDate is a day: « 26 nov. 2026 », « 1er déc. 2026 ».
func FormatDate(language string, t time.Time) string {
	t = t.Local()
	day := strconv.Itoa(t.Day())
	if t.Day() == 1 {
		day = Message(language, "date.first_day", nil)
	}
	return Message(language, "date.date", map[string]any{"Day": day, "Month": monthName(language, t.Month()), "Year": t.Year()})
}

// FormatTime is a time of day: « 9 h 05 », "9:05 AM".
func FormatTime(language string, t time.Time) string {
	t = t.Local()
	hour, suffix := t.Hour(), ""
	if Message(language, "date.clock", nil) == "12" {
		hour, suffix = t.Hour()%12, "\u00a0AM"
		if hour == 0 {
			hour = 12
		}
		if t.Hour() >= 12 {
			suffix = "\u00a0PM"
		}
	}
	return Message(language, "date.time", map[string]any{"Hour": hour, "Minute": t.Format("04"), "Suffix": suffix})
}

// FormatDateTime is a day and a time: « 3 déc. 2026, 16 h 59 ».
func FormatDateTime(language string, t time.Time) string {
	return Message(language, "date.datetime", map[string]any{"Date": FormatDate(language, t), "Time": FormatTime(language, t)})
}

// FormatUntil is the end of a wait as a sentence needs it: the time alone
// when it is the same day as now (« Réessayez après 9 h 15 »), else the day
// and the time.
func FormatUntil(language string, t, now time.Time) string {
	lt, ln := t.Local(), now.Local()
	if lt.Year() == ln.Year() && lt.YearDay() == ln.YearDay() {
		return FormatTime(language, t)
	}
	return FormatDateTime(language, t)
}

// SpreadsheetTime is a moment as a spreadsheet reads it as a date and a
// time whatever its language (Excel in fr-CA and en-CA): local time,
// "2026-12-03 16:59:00".
func SpreadsheetTime(t time.Time) string { return t.Local().Format("2006-01-02 15:04:05") }

func monthName(language string, m time.Month) string {
	names := strings.Split(Message(language, "date.months", nil), ",")
	if len(names) != 12 || m < 1 || m > 12 {
		return strconv.Itoa(int(m))
	}
	return names[m-1]
}
