package screens

import (
	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/lang"

	"github.com/apetitspas/apetitspas/assets"
)

// UseLanguage chooses the language of the screens: "fr" (the default:
// French is written in the code as the fallback of every lang.X call, so
// nothing needs loading) or "en". Call it before building any screen.
func UseLanguage(language string) error {
	if assets.Normalize(language) != "en" {
		return nil
	}
	data, err := assets.Translations.ReadFile("translations/en.json")
	if err != nil {
		return err
	}
	// Fyne picks the translation closest to the system locale; register the
	// English table under that locale too, so English wins on a French PC.
	if err := lang.AddTranslationsForLocale(data, fyne.Locale("en")); err != nil {
		return err
	}
	return lang.AddTranslationsForLocale(data, lang.SystemLocale())
}
