package assets

import (
	"strings"
	"testing"
	"time"

	apetitspas "github.com/apetitspas/apetitspas/app"
)

// One formatter for every date and time a person reads, in both
// languages.
func TestDatesAndTimesAsPeopleReadThem(t *testing.T) {
	nb := func(s string) string { return strings.ReplaceAll(s, "_", "\u00a0") }
	at := time.Date(2026, 12, 1, 9, 5, 0, 0, time.Local)
	pm := time.Date(2026, 12, 3, 16, 59, 0, 0, time.Local)
	midnight := time.Date(2027, 7, 14, 0, 0, 0, 0, time.Local)
	for _, c := range []struct{ lang, got, want string }{
		{"fr", FormatDate("fr", at), nb("1er_déc._2026")},
		{"fr", FormatDate("fr", pm), nb("3_déc._2026")},
		{"fr", FormatTime("fr", at), nb("9_h_05")},
		{"fr", FormatDateTime("fr", pm), nb("3_déc._2026, 16_h_59")},
		{"fr", FormatDateTime("fr", midnight), nb("14_juill._2027, 0_h_00")},
		{"en", FormatDate("en", at), "Dec 1, 2026"},
		{"en", FormatTime("en", at), nb("9:05_AM")},
		{"en", FormatDateTime("en", pm), nb("Dec 3, 2026, 4:59_PM")},
		{"en", FormatDateTime("en", midnight), nb("Jul 14, 2027, 12:00_AM")},
		// The end of a wait: the time alone the same day, the day too
		// otherwise.
		{"fr", FormatUntil("fr", pm, pm.Add(-10*time.Minute)), nb("16_h_59")},
		{"fr", FormatUntil("fr", pm, pm.Add(-24*time.Hour)), nb("3_déc._2026, 16_h_59")},
		{"en", FormatUntil("en", pm, pm.Add(-time.Minute)), nb("4:59_PM")},
		{"fr", SpreadsheetTime(pm), "2026-12-03 16:59:00"},
	} {
		if c.got != c.want {
			t.Errorf("%s: %q, want %q", c.lang, c.got, c.want)
		}
	}
}

// A lock's message names its end the way the rest of the product does
// (« Réessayez après 9 h 15 »), never "09:15".
func TestALockSaysItsEndAsPeopleWriteIt(t *testing.T) {
	until := time.Now().Add(15 * time.Minute)
	err := &apetitspas.Error{Code: apetitspas.EUNAUTHORIZED, Reason: apetitspas.ReasonAccountLocked, Until: until}
	for _, lang := range []string{"fr", "en"} {
		key, data := ErrorKey(lang, err)
		msg := Message(lang, key, data)
		if want := FormatUntil(lang, until, time.Now()); !strings.Contains(msg, want) {
			t.Errorf("%s: %q lacks %q", lang, msg, want)
		}
		if strings.Contains(msg, until.Format("15:04")) && lang == "fr" {
			t.Errorf("%s: %q still has the bare time", lang, msg)
		}
	}
}
