package assets

import (
	"os"
	"regexp"
	"strconv"
	"testing"
)

func TestVersionBuildAndIDMatchFyneAppToml(t *testing.T) {
	b, err := os.ReadFile("../FyneApp.toml")
	if err != nil {
		t.Fatal(err)
	}
	get := func(key string) string {
		m := regexp.MustCompile(`(?m)^\s*` + key + `\s*=\s*"?([^"\n]*)"?\s*$`).FindSubmatch(b)
		if m == nil {
			t.Fatalf("FyneApp.toml has no %s", key)
		}
		return string(m[1])
	}
	if v := get("Version"); v != Version {
		t.Errorf("FyneApp.toml Version %q, assets.Version %q", v, Version)
	}
	if v := get("Build"); v != strconv.Itoa(Build) {
		t.Errorf("FyneApp.toml Build %q, assets.Build %d", v, Build)
	}
	if v := get("ID"); v != AppID {
		t.Errorf("FyneApp.toml ID %q, assets.AppID %q", v, AppID)
	}
	if v := get("Name"); v != "À petits pas" {
		t.Errorf("FyneApp.toml Name %q", v)
	}
}

func TestTheIconIsA512SquarePNG(t *testing.T) {
	if len(IconPNG) < 8 || string(IconPNG[1:4]) != "PNG" {
		t.Fatal("icon.png is not a PNG")
	}
	// IHDR width and height, big-endian, at bytes 16..24.
	w := int(IconPNG[16])<<24 | int(IconPNG[17])<<16 | int(IconPNG[18])<<8 | int(IconPNG[19])
	h := int(IconPNG[20])<<24 | int(IconPNG[21])<<16 | int(IconPNG[22])<<8 | int(IconPNG[23])
	if w != 512 || h != 512 {
		t.Fatalf("icon is %dx%d, want 512x512", w, h)
	}
}
