package assets

import (
	"errors"
	"time"

	apetitspas "github.com/apetitspas/apetitspas/app"
)

// ErrorKey returns the translation key of an error from package app
// ("error.<reason>"; a storage problem for reasons without a sentence) and
// the values its sentence may use, written in language: Until (a lock's
// end, « 9 h 15 » today, else with its day), Line (a CSV line), Minutes
// (how far a clock is off, for a wrong code that is the right one a few
// minutes away) and Limit (a password's fewest or most characters). A
// password built on its context has a sentence per kind of word
// ("error.password_context_<word>"). Both faces, screens and command-line
// tool, use it.
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
	if errors.As(err, &te) && te.Skew != 0 && (te.Reason == apetitspas.ReasonCodeWrong || te.Reason == apetitspas.ReasonCodeWrongClock) {
		key, data["Minutes"] = clockSkewKey(te.Skew)
	}
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

// clockSkewKey is the sentence of a code refused as the right one a few
// minutes away (app.Error.Skew): this computer's clock ahead of the
// phone's or behind it, by about so many minutes (at least 1).
func clockSkewKey(skew time.Duration) (key string, minutes int64) {
	minutes = max(int64(skew.Abs().Round(time.Minute)/time.Minute), 1)
	key = "error.code_clock_ahead"
	if skew < 0 {
		key = "error.code_clock_behind"
	}
	if minutes == 1 {
		key += "_one"
	}
	return key, minutes
}
