package screens

import (
	"strings"
	"testing"
	"time"

	"fyne.io/fyne/v2/test"

	"github.com/apetitspas/apetitspas/assets"
)

func TestDatesReadTheQuebecWay(t *testing.T) {
	test.NewTempApp(t)
	nb := func(s string) string { return strings.ReplaceAll(s, " ", "\u00a0") }
	at := time.Date(2026, 11, 26, 20, 50, 0, 0, time.Local)
	if got := formatDateTime(at); got != nb("26 nov. 2026,")+" "+nb("20 h 50") {
		t.Errorf("formatDateTime = %q", got)
	}
	if got := assets.FormatTime(journalLocale(), time.Date(2026, 8, 3, 9, 5, 0, 0, time.Local)); got != nb("9 h 05") {
		t.Errorf("FormatTime = %q", got)
	}
	if got := formatDate(time.Date(2026, 2, 1, 0, 0, 0, 0, time.Local)); got != nb("1er févr. 2026") {
		t.Errorf("formatDate = %q", got)
	}
	for n, want := range map[int]string{1: "1 minute", 2: "2 minutes", 25: "25 minutes"} {
		if got := minutesText(n); got != nb(want) {
			t.Errorf("minutesText(%d) = %q, want %q", n, got, want)
		}
	}
	for n, want := range map[int]string{0: "0 jour", 1: "1 jour", 2: "2 jours", 7: "7 jours"} {
		if got := daysText(n); got != nb(want) {
			t.Errorf("daysText(%d) = %q, want %q", n, got, want)
		}
	}
}

// « de » before a name or an e-mail that starts with a vowel is written
// « d' », in French only; the translations' own words never need it, so
// nothing else changes.
func TestNamesTakeTheFrenchElision(t *testing.T) {
	test.NewTempApp(t)
	for in, want := range map[string]string{
		"Codes de récupération de Élodie D'Amour, créés le 3 déc.":     "Codes de récupération d'Élodie D'Amour, créés le 3 déc.",
		"Le compte de Karim Benali a été créé.":                        "Le compte de Karim Benali a été créé.",
		"Mot de passe temporaire de anne@parents.ca (anne@parents.ca)": "Mot de passe temporaire de anne@parents.ca (anne@parents.ca)",
		"L'AMF de Yvonne est réinitialisée.":                           "L'AMF d'Yvonne est réinitialisée.",
		"De Océane à Karim":                                            "D'Océane à Karim",
		"le compte de\u00a0Isabelle":                                   "le compte de\u00a0Isabelle",
	} {
		if got := elide(in); got != want {
			t.Errorf("elide(%q) = %q, want %q", in, got, want)
		}
	}
	for key, text := range assets.Table("fr") {
		if m := frenchElision.FindString(text); m != "" {
			t.Errorf("%s: the translation itself has %q: write the elision in it", key, m)
		}
	}
}

func TestNamesKeepTheirEnglish(t *testing.T) {
	inEnglish(t)
	if got := elide("Recovery codes de Élodie"); got != "Recovery codes de Élodie" {
		t.Errorf("English changed: %q", got)
	}
}
