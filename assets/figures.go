package assets

import (
	"embed"
	"strconv"
	"strings"
	"time"

	apetitspas "github.com/apetitspas/apetitspas/app"
)

// Figures are the numbers of the rules that the sentences name (« 15
// minutes », « 12 caractères », « 90 jours »…), each from its constant in
// package app, never copied into fr.json or en.json: a sentence writes
// {{.LockMinutes}} where it names the lock's length. Changing a rule's
// constant changes every sentence that names it.
//
// They are filled in when a table is read (Translations.ReadFile, which
// screens hands to Fyne's lang, and Table, which Message and the tool
// use), so the other placeholders ({{.Until}}, {{.Line}}…) stay for the
// data of each call.
func Figures(language string) map[string]string {
	n := func(i int) string { return strconv.Itoa(i) }
	return map[string]string{
		"CodeDigits":       n(apetitspas.CodeDigits),
		"CodeSeconds":      n(int(apetitspas.CodePeriod / time.Second)),
		"LockMinutes":      n(int(apetitspas.LockDuration / time.Minute)),
		"EnrollMinutes":    n(int(apetitspas.EnrollmentTTL / time.Minute)),
		"MaxGraceDays":     n(apetitspas.MaxGraceDays),
		"MaxNameLen":       n(apetitspas.MaxNameLen),
		"MinPassphrase":    n(apetitspas.MinPassphraseRunes),
		"MinReasonLetters": n(apetitspas.MinReasonLetters),
		"MaxReasonLen":     n(apetitspas.MaxReasonLen),
		"RecoveryCodeLen":  n(apetitspas.RecoveryCodeLen),
		"RecoveryCodes":    n(apetitspas.RecoveryCodeCount),
		"ReactivationLen":  n(apetitspas.ReactivationCodeLen),
		"ReactivationDays": n(int(apetitspas.ReactivationTTL / (24 * time.Hour))),
		"MinIdleMinutes":   n(apetitspas.MinIdleMinutes),
		"MaxIdleMinutes":   n(apetitspas.MaxIdleMinutes),
		"MaxImportMB":      n(apetitspas.MaxImportBytes >> 20),
		"MaxImportRows":    groupThousands(language, apetitspas.MaxImportRows),
		"AutoBackupKeep":   n(apetitspas.AutoBackupKeep),
		"MinPasswordLen":   n(apetitspas.MinPasswordLen),
		"MinPasswordMFA":   n(apetitspas.MinPasswordLenMFA),
		"MaxPasswordLen":   n(apetitspas.MaxPasswordLen),
		"MaxEmailLen":      n(apetitspas.MaxEmailLen),
		"MaxFailedLogins":  n(apetitspas.MaxFailedLogins),
		"DefaultIdle":      n(apetitspas.DefaultIdleMinutes),
		// Sécurité → Conservation des renseignements.
		"MinRetentionMonths": n(apetitspas.MinRetentionDisabledMonths),
		"MaxRetentionMonths": n(apetitspas.MaxRetentionDisabledMonths),
		"MinRetentionYears":  n(apetitspas.MinRetentionJournalYears),
		"MaxRetentionYears":  n(apetitspas.MaxRetentionJournalYears),
	}
}

// groupThousands writes i as a person reads it: « 20 000 » in French (a
// space between groups), « 20,000 » in English.
func groupThousands(language string, i int) string {
	s := strconv.Itoa(i)
	sep := " "
	if language == "en" {
		sep = ","
	}
	for j := len(s) - 3; j > 0; j -= 3 {
		s = s[:j] + sep + s[j:]
	}
	return s
}

// figureFiller replaces each {{.Figure}} of a language's sentences by its
// value.
func figureFiller(language string) *strings.Replacer {
	var pairs []string
	for name, value := range Figures(language) {
		pairs = append(pairs, "{{."+name+"}}", value)
	}
	return strings.NewReplacer(pairs...)
}

//go:embed translations/*.json
var translationFiles embed.FS

// translationsFS reads the translation files with their figures filled in.
type translationsFS struct{}

// ReadFile returns translations/fr.json or translations/en.json (name as
// in the embedded folder) with every {{.Figure}} replaced by its value.
func (translationsFS) ReadFile(name string) ([]byte, error) {
	b, err := translationFiles.ReadFile(name)
	if err != nil {
		return nil, err
	}
	language := strings.TrimSuffix(strings.TrimPrefix(name, "translations/"), ".json")
	return []byte(figureFiller(Normalize(language)).Replace(string(b))), nil
}

// RawTranslation is a translation file as written, figures unfilled (for
// the tests that check no sentence copies a figure).
func RawTranslation(language string) ([]byte, error) {
	return translationFiles.ReadFile("translations/" + language + ".json")
}
