package assets

import (
	"strings"
	"testing"

	apetitspas "github.com/apetitspas/apetitspas/app"
)

// Each refusal of the password rule reads as its own sentence, with the
// number of characters from the error (never one copied into the
// translation files) and, for a context word, which one.
func TestThePasswordRulesRefusalsSayWhichRule(t *testing.T) {
	cases := []struct {
		err    *apetitspas.Error
		fr, en string
	}{
		{&apetitspas.Error{Reason: apetitspas.ReasonPasswordTooShort, Limit: 15}, "au moins 15 caractères", "at least 15 characters"},
		{&apetitspas.Error{Reason: apetitspas.ReasonPasswordTooShort, Limit: 8}, "au moins 8 caractères", "at least 8 characters"},
		{&apetitspas.Error{Reason: apetitspas.ReasonPasswordTooLong, Limit: 256}, "256 caractères au plus", "at most"},
		{&apetitspas.Error{Reason: apetitspas.ReasonPasswordCommon}, "trop courant", "too common"},
		{&apetitspas.Error{Reason: apetitspas.ReasonPasswordContext, Word: apetitspas.PasswordWordDaycare}, "le nom de la garderie", "the daycare's name"},
		{&apetitspas.Error{Reason: apetitspas.ReasonPasswordContext, Word: apetitspas.PasswordWordApp}, "le nom de l'application", "the application's name"},
		{&apetitspas.Error{Reason: apetitspas.ReasonPasswordContext, Word: apetitspas.PasswordWordService}, "garderie", "CPE"},
		{&apetitspas.Error{Reason: apetitspas.ReasonPasswordContext, Word: apetitspas.PasswordWordName}, "le nom de la personne", "the person's name"},
		{&apetitspas.Error{Reason: apetitspas.ReasonPasswordContext, Word: apetitspas.PasswordWordEmail}, "l'adresse courriel", "e-mail address"},
		{&apetitspas.Error{Reason: apetitspas.ReasonPasswordContext, Word: "inconnu"}, "facile à deviner ici", "easy to guess here"},
	}
	for _, c := range cases {
		key, data := ErrorKey("fr", c.err)
		fr := Message("fr", key, data)
		key, data = ErrorKey("en", c.err)
		en := Message("en", key, data)
		if !strings.Contains(fr, c.fr) || !strings.Contains(en, c.en) || strings.Contains(fr+en, "{{") || strings.Contains(fr+en, "no value") {
			t.Errorf("%s/%s: %q | %q", c.err.Reason, c.err.Word, fr, en)
		}
	}
}
