package main

import (
	"encoding/json"
	"os"
	"path/filepath"

	"github.com/apetitspas/apetitspas/assets"
)

// A window killed while Fyne wrote its preferences (preferences.json: the
// last Utilisateurs tab and the like, nothing the daycare depends on)
// leaves the file empty or cut, and every start after that printed
// "Fyne error: Preferences load error: EOF" and ran without them. The
// start-up now sets such a file aside before Fyne reads it: the
// preferences start afresh, quietly, and the cut file is kept next to it
// (preferences.json.damaged) for whoever wants to look.

// preferencesFile is where Fyne 2.7 keeps this app's preferences on a
// desktop: <config>/fyne/<app id>/preferences.json.
func preferencesFile() (string, error) {
	dir, err := os.UserConfigDir()
	if err != nil {
		return "", err
	}
	return filepath.Join(dir, "fyne", assets.AppID, "preferences.json"), nil
}

// setAsideDamagedPreferences moves path aside when it exists but is not
// a JSON object (empty, cut by a kill, or garbage). It reports whether it
// did.
func setAsideDamagedPreferences(path string) bool {
	b, err := os.ReadFile(path)
	if err != nil {
		return false
	}
	var values map[string]any
	if json.Unmarshal(b, &values) == nil {
		return false
	}
	return os.Rename(path, path+".damaged") == nil
}
