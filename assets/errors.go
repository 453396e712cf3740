package assets

import (
	"errors"
	"time"

	apetitspas "github.com/apetitspas/apetitspas/app"
)

// ErrorKey returns the translation key of an error from package app
// ("error.<reason>"; a storage problem for reasons without a sentence) and
// the values its sentence may use, written in language: Until (a lock's
// end, « 9 h 15 » today, else with its day), Line (a CSV line) and Limit
// (a password's fewest or most characters). A password built on its
// context has a sentence per kind of word ("error.password_context_<word>").
// Both faces, screens and command-line tool, use it.
func ErrorKey(language string, err error) (key string, data map[string]any) {
	key = "error." + apetitspas.ErrorReason(err)
	var te *apetitspas.Error
	if errors.As(err, &te) && te.Reason == apetitspas.ReasonAccountTampered && te.Detail == apetitspas.ReasonStateRoot {
		key = "error." + apetitspas.ReasonStateRoot // every account waits, not this one
	}
	if te != nil && te.Reason == apetitspas.ReasonPasswordContext && te.Word != "" {
		if k := key + "_" + te.Word; Table("fr")[k] != "" {
			key = k
		}
	}
	if _, ok := Table("fr")[key]; !ok {
		key = "error." + apetitspas.ReasonStorage
	}
	data = map[string]any{}
	var e *apetitspas.Error
	if errors.As(err, &e) {
		if !e.Until.IsZero() {
			data["Until"] = FormatUntil(language, e.Until, time.Now())
		}
		if e.Line > 0 {
			data["Line"] = e.Line
		}
		if e.Limit > 0 {
			data["Limit"] = e.Limit
		}
		if e.Detail != "" {
			data["Detail"] = e.Detail // only sentences that name a file use it
		}
	}
	return key, data
}
