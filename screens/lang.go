package screens

import (
	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/lang"

	"github.com/apetitspas/apetitspas/assets"
)

// UseLanguage chooses the language of the screens: "fr" (the default) or
// "en"; anything else means French. Every lang.X call in the code carries
// the French text as its fallback, so French shows even if loading fails.
// Call it once, before building any screen.
func UseLanguage(language string) error {
	language = assets.Normalize(language)
	data, err := assets.Translations.ReadFile("translations/" + language + ".json")
	if err != nil {
		return err
	}
	// Fyne picks the table closest to the system locale: register the chosen
	// language under its own name and under that locale, so that the choice
	// wins whatever the PC's language (French on an English PC, and so on).
	if err := lang.AddTranslationsForLocale(data, fyne.Locale(language)); err != nil {
		return err
	}
	return lang.AddTranslationsForLocale(data, lang.SystemLocale())
}
