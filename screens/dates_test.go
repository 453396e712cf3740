package screens

import (
	"strings"
	"testing"
	"time"

	"fyne.io/fyne/v2/test"
)

func TestDatesReadTheQuebecWay(t *testing.T) {
	test.NewTempApp(t)
	nb := func(s string) string { return strings.ReplaceAll(s, " ", "\u00a0") }
	at := time.Date(2026, 11, 26, 20, 50, 0, 0, time.Local)
	if got := formatDateTime(at); got != nb("26 nov. 2026,")+" "+nb("20 h 50") {
		t.Errorf("formatDateTime = %q", got)
	}
	if got := formatTime(time.Date(2026, 8, 3, 9, 5, 0, 0, time.Local)); got != nb("9 h 05") {
		t.Errorf("formatTime = %q", got)
	}
	if got := formatDate(time.Date(2026, 2, 1, 0, 0, 0, 0, time.Local)); got != nb("1er févr. 2026") {
		t.Errorf("formatDate = %q", got)
	}
	for n, want := range map[int]string{0: "0 jour", 1: "1 jour", 2: "2 jours", 7: "7 jours"} {
		if got := daysText(n); got != nb(want) {
			t.Errorf("daysText(%d) = %q, want %q", n, got, want)
		}
	}
}
