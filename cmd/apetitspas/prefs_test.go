package main

import (
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"

	fyneapp "fyne.io/fyne/v2/app"

	"github.com/apetitspas/apetitspas/assets"
)

func TestDamagedPreferencesAreSetAsideBeforeFyneReadsThem(t *testing.T) {
	path := filepath.Join(t.TempDir(), "preferences.json")
	if setAsideDamagedPreferences(path) {
		t.Fatal("no file, yet something was set aside")
	}
	for _, c := range []struct {
		content string
		aside   bool
	}{
		{"", true},                  // a kill before the first byte
		{`{"users.tab":"sta`, true}, // a kill in the middle
		{"\x00\x00\x00", true},      // a file system that kept zeroes
		{`[1,2]`, true},             // not an object
		{`{"users.tab":"staff"}`, false},
		{`{}`, false},
	} {
		os.Remove(path + ".damaged")
		if err := os.WriteFile(path, []byte(c.content), 0o600); err != nil {
			t.Fatal(err)
		}
		if got := setAsideDamagedPreferences(path); got != c.aside {
			t.Fatalf("%q: set aside %v, want %v", c.content, got, c.aside)
		}
		_, errNow := os.Stat(path)
		kept, errAside := os.ReadFile(path + ".damaged")
		if c.aside && (errNow == nil || errAside != nil || string(kept) != c.content) {
			t.Fatalf("%q: still there %v, kept aside %q (%v)", c.content, errNow == nil, kept, errAside)
		}
		if !c.aside && errNow != nil {
			t.Fatalf("%q: a good file was moved", c.content)
		}
	}
}

// The window's start-up, in a new process whose preferences file a kill
// left empty, prints no « Preferences load error »; without the repair
// the same start-up does (the test can see the defect).
func TestACutPreferencesFileLogsNothingAtStartUp(t *testing.T) {
	if os.Getenv("APETITSPAS_PREFS_CHILD") != "" {
		return
	}
	for _, mode := range []string{"fixed", "raw"} {
		home := t.TempDir()
		dir := filepath.Join(home, "fyne", assets.AppID)
		if err := os.MkdirAll(dir, 0o700); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(filepath.Join(dir, "preferences.json"), nil, 0o600); err != nil {
			t.Fatal(err)
		}
		cmd := exec.Command(os.Args[0], "-test.run=^TestPreferencesChild$", "-test.count=1")
		cmd.Env = append(os.Environ(), "APETITSPAS_PREFS_CHILD="+mode, "XDG_CONFIG_HOME="+home)
		out, err := cmd.CombinedOutput()
		if err != nil {
			t.Fatalf("%s: %v\n%s", mode, err, out)
		}
		logged := strings.Contains(string(out), "Preferences load error")
		if mode == "fixed" && logged || mode == "raw" && !logged {
			t.Errorf("%s start-up, logged %v:\n%s", mode, logged, out)
		}
	}
}

// TestPreferencesChild is the child of TestACutPreferencesFileLogsNothingAtStartUp:
// main's first steps (the repair, then Fyne's app reading its preferences).
func TestPreferencesChild(t *testing.T) {
	mode := os.Getenv("APETITSPAS_PREFS_CHILD")
	if mode == "" {
		return // only as the child of TestACutPreferencesFileLogsNothingAtStartUp
	}
	if mode == "fixed" {
		path, err := preferencesFile()
		if err != nil {
			t.Fatal(err)
		}
		setAsideDamagedPreferences(path)
	}
	fyneapp.NewWithID(assets.AppID)
}
