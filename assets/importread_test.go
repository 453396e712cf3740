package assets

import (
	"testing"

	apetitspas "github.com/apetitspas/apetitspas/app"
)

func TestImportReadSaysSeparatorEncodingAndHeaders(t *testing.T) {
	for _, c := range []struct {
		language string
		check    apetitspas.ImportCheck
		want     string
	}{
		{"fr", apetitspas.ImportCheck{Separator: ";", Encoding: apetitspas.EncodingWindows1252, HeaderLanguage: apetitspas.HeadersFrench},
			"Fichier lu\u00a0: séparateur point-virgule, encodage Windows-1252, en-têtes en français."},
		{"fr", apetitspas.ImportCheck{Separator: ",", Encoding: apetitspas.EncodingUTF8BOM, HeaderLanguage: apetitspas.HeadersNone},
			"Fichier lu\u00a0: séparateur virgule, encodage UTF-8 avec BOM, sans ligne d'en-tête (colonnes rôle, courriel et nom dans cet ordre)."},
		{"fr", apetitspas.ImportCheck{Separator: ",", Encoding: apetitspas.EncodingUTF8, HeaderLanguage: ""},
			"Fichier lu\u00a0: séparateur virgule, encodage UTF-8."},
		{"en", apetitspas.ImportCheck{Separator: ",", Encoding: apetitspas.EncodingUTF8, HeaderLanguage: apetitspas.HeadersMixed},
			"File read: separator comma, encoding UTF-8, headers in French and English."},
		{"en", apetitspas.ImportCheck{Separator: ";", Encoding: apetitspas.EncodingUTF8, HeaderLanguage: apetitspas.HeadersEnglish},
			"File read: separator semicolon, encoding UTF-8, headers in English."},
		{"fr", apetitspas.ImportCheck{}, ""},
	} {
		got := ImportRead(c.check, func(key string, data map[string]any) string { return Message(c.language, key, data) })
		if got != c.want {
			t.Errorf("%s %+v:\n got %q\nwant %q", c.language, c.check, got, c.want)
		}
	}
}
