package assets

import (
	"regexp"
	"strconv"
	"strings"
	"testing"
	"time"

	apetitspas "github.com/apetitspas/apetitspas/app"
)

// figureUnits are the words that follow a figure in a sentence, French
// and English: « 15 minutes », « 12 caractères », « 6-digit »…
var figureUnits = map[string]string{
	"CodeDigits":       `chiffres|-?digits?`,
	"CodeSeconds":      `secondes|seconds`,
	"LockMinutes":      `minutes`,
	"EnrollMinutes":    `minutes`,
	"MaxGraceDays":     `jours|days`,
	"MaxNameLen":       `caractères|characters`,
	"MinPassphrase":    `caractères|characters`,
	"MinReasonLetters": `lettres|letters`,
	"MaxReasonLen":     `caractères|characters`,
	"RecoveryCodeLen":  `caractères|characters|lettres|letters`,
	"RecoveryCodes":    `codes`,
	"ReactivationLen":  `caractères|characters|lettres|letters`,
	"ReactivationDays": `jours|days`,
	"MinIdleMinutes":   `minutes`,
	"MaxIdleMinutes":   `minutes`,
	"MaxImportMB":      `Mo|MB`,
	"MaxImportRows":    `comptes|accounts`,
	"AutoBackupKeep":   `dernières|are kept|kept|sauvegardes|backups`,
	"MinPasswordLen":   `caractères|characters`,
	"MinPasswordMFA":   `caractères|characters`,
	"MaxPasswordLen":   `caractères|characters`,
	"MaxEmailLen":      `caractères|characters`,
	"MaxFailedLogins":  `tentatives|attempts|essais|tries`,
	"DefaultIdle":      `minutes`,

	// Sécurité → Conservation des renseignements.
	"MinRetentionMonths": `mois|months?`,
	"MaxRetentionMonths": `mois|months?`,
	"MinRetentionYears":  `ans|années|years?`,
	"MaxRetentionYears":  `ans|années|years?`,
}

// hardCoded finds the sentences of a raw translation file that write a
// rule's figure instead of its {{.Figure}}: the figure's value followed by
// one of its units (« 15 minutes », « 20 000 comptes »), or a range's ends
// (« entre 1 et 240 », « from 1 to 240 »), or « les 14 dernières ».
func hardCoded(t *testing.T, language string, table map[string]string) []string {
	t.Helper()
	var found []string
	for name, value := range Figures(language) {
		units, ok := figureUnits[name]
		if !ok {
			t.Errorf("figure %s has no units in figureUnits", name)
			continue
		}
		v := regexp.QuoteMeta(value)
		v = strings.ReplaceAll(v, " ", `[\s\x{a0}\x{202f}]`)
		patterns := []string{`(?:entre|de|between|from) ` + v + ` (?:et|à|and|to) \d`, `(?:et|à|and|to) ` + v + `\b`, `(?:les|last) ` + v + `\b`}
		if value != "0" && value != "1" { // « 1 minute » is a plural form, not a figure
			patterns = append(patterns, `(?:^|[^\d.,{])`+v+`[\s\x{a0}\x{202f}]?(?:`+units+`)`)
		}
		for _, p := range patterns {
			re := regexp.MustCompile(p)
			for key, text := range table {
				if m := re.FindString(text); m != "" {
					found = append(found, language+" "+key+": « "+strings.TrimSpace(m)+" » is "+name)
				}
			}
		}
	}
	return found
}

func rawTable(t *testing.T, language string) map[string]string {
	t.Helper()
	b, err := RawTranslation(language)
	if err != nil {
		t.Fatal(err)
	}
	m := map[string]string{}
	for _, line := range strings.Split(string(b), "\n") {
		if k, v, ok := strings.Cut(strings.TrimSpace(line), `": "`); ok {
			m[strings.TrimPrefix(k, `"`)] = v
		}
	}
	if len(m) < 100 {
		t.Fatalf("%s: only %d sentences read", language, len(m))
	}
	return m
}

func TestNoSentenceCopiesARuleFigure(t *testing.T) {
	for _, l := range Languages {
		for _, f := range hardCoded(t, l, rawTable(t, l)) {
			t.Errorf("%s: write its {{.Figure}} (assets.Figures), not the number", f)
		}
	}
}

// The check itself finds a copied figure: a sentence as it was before
// the figures.
func TestTheFigureCheckFindsACopiedNumber(t *testing.T) {
	lock := strconv.Itoa(int(apetitspas.LockDuration / time.Minute))
	for _, c := range []struct{ lang, text string }{
		{"fr", "Réessayez après 9 h 15 (" + lock + " minutes)."},
		{"fr", "Le fichier CSV est trop gros (16 Mo et 20 000 comptes au plus)."},
		{"en", "Enter a number of minutes between 1 and 240."},
		{"en", "Enter your own 6-digit code."},
		{"fr", "les 14 dernières y seront gardées"},
	} {
		if len(hardCoded(t, c.lang, map[string]string{"k": c.text})) == 0 {
			t.Errorf("%s %q: the copied figure is not seen", c.lang, c.text)
		}
	}
	if f := hardCoded(t, "fr", map[string]string{"k": "après 1 minute d'inactivité ; 2 codes ; Version 1.4.0"}); len(f) > 0 {
		t.Errorf("no figure there, found %v", f)
	}
}

func TestSentencesSayTheRulesFiguresFromTheirConstants(t *testing.T) {
	lock := strconv.Itoa(int(apetitspas.LockDuration / time.Minute))
	for _, c := range []struct {
		lang, key string
		data      map[string]any
		want      string
	}{
		{"fr", "error.account_locked", map[string]any{"Until": "9 h 30"}, "9 h 30 (" + lock + " minutes)"},
		{"en", "error.mfa_locked", map[string]any{"Until": "9:30"}, "9:30 (" + lock + " minutes)"},
		{"fr", "error.csv_too_large", nil, strconv.Itoa(apetitspas.MaxImportBytes>>20) + " Mo et 20 000 comptes"},
		{"en", "error.csv_too_large", nil, strconv.Itoa(apetitspas.MaxImportBytes>>20) + " MB and 20,000 accounts"},
		{"fr", "code.label", nil, "Code à " + strconv.Itoa(apetitspas.CodeDigits) + " chiffres"},
		{"en", "error.setting_invalid", nil, "between " + strconv.Itoa(apetitspas.MinIdleMinutes) + " and " + strconv.Itoa(apetitspas.MaxIdleMinutes)},
		{"fr", "error.passphrase_short", nil, "au moins " + strconv.Itoa(apetitspas.MinPassphraseRunes) + " caractères"},
	} {
		if got := Message(c.lang, c.key, c.data); !strings.Contains(got, c.want) {
			t.Errorf("%s %s = %q, want it to contain %q", c.lang, c.key, got, c.want)
		}
	}
	// No figure is left unfilled, in the tables or the files lang reads.
	for _, l := range Languages {
		b, err := Translations.ReadFile("translations/" + l + ".json")
		if err != nil {
			t.Fatal(err)
		}
		for name := range Figures(l) {
			if strings.Contains(string(b), "{{."+name+"}}") {
				t.Errorf("%s: {{.%s}} left unfilled", l, name)
			}
		}
	}
}

func TestGroupThousands(t *testing.T) {
	for _, c := range []struct {
		lang string
		i    int
		want string
	}{{"fr", 20000, "20 000"}, {"en", 20000, "20,000"}, {"fr", 999, "999"}, {"en", 1234567, "1,234,567"}} {
		if got := groupThousands(c.lang, c.i); got != c.want {
			t.Errorf("groupThousands(%s, %d) = %q, want %q", c.lang, c.i, got, c.want)
		}
	}
}
