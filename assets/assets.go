// Package assets holds what the application embeds: the icon, the
// translation files and (later) the packaging recipes.
//
// It imports no Fyne package, so the command-line tool can use the same
// French and English sentences as the screens.
package assets

import (
	_ "embed"
	"encoding/json"
	"strings"
	"sync"
	"text/template"
)

// IconPNG is the 512×512 application icon.
//
//go:embed icon.png
var IconPNG []byte

// WindowIconPNG is the icon at 256×256, the window's: the window manager
// never shows it larger, and the 512-px one cost the start-up its
// decoding and a 1 MiB property sent to the display.
//
//go:embed icon-256.png
var WindowIconPNG []byte

// LogoPNG is the icon at 160×160, twice the 80 points the forms draw it
// at (sharp on a screen scaled ×2), so that the first frame does not
// decode and scale the 512-px one.
//
//go:embed logo-160.png
var LogoPNG []byte

// Translations holds translations/fr.json and translations/en.json, in the
// go-i18n format Fyne's lang package reads (a flat map key → text), with
// the rules' figures filled in (see Figures).
var Translations translationsFS

var (
	loadOnce sync.Once
	tables   map[string]map[string]string
)

// Languages are the languages the application speaks, French first.
var Languages = []string{"fr", "en"}

// Table returns the translation table of language ("fr" or "en"); nil for
// other languages.
func Table(language string) map[string]string {
	loadOnce.Do(func() {
		tables = map[string]map[string]string{}
		for _, l := range Languages {
			b, err := Translations.ReadFile("translations/" + l + ".json")
			if err != nil {
				continue
			}
			m := map[string]string{}
			if json.Unmarshal(b, &m) == nil {
				tables[l] = m
			}
		}
	})
	return tables[language]
}

// Message returns the text of key in language (French when the language or
// key is unknown), with {{.Name}} placeholders filled from data.
func Message(language, key string, data map[string]any) string {
	text, ok := Table(language)[key]
	if !ok {
		text, ok = Table("fr")[key]
	}
	if !ok {
		return key
	}
	if data == nil || !strings.Contains(text, "{{") {
		return text
	}
	t, err := template.New(key).Parse(text)
	if err != nil {
		return text
	}
	var b strings.Builder
	if err := t.Execute(&b, data); err != nil {
		return text
	}
	return b.String()
}

// Normalize returns "en" for English locales ("en", "en_CA.UTF-8",
// "en-US") and "fr" for everything else: French is the default.
func Normalize(locale string) string {
	l := strings.ToLower(strings.TrimSpace(locale))
	if l == "en" || strings.HasPrefix(l, "en_") || strings.HasPrefix(l, "en-") || strings.HasPrefix(l, "en.") {
		return "en"
	}
	return "fr"
}
