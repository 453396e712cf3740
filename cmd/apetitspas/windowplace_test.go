package main

import (
	"os"
	"path/filepath"
	"runtime"
	"testing"

	"fyne.io/fyne/v2"
)

func TestTheWindowFitsTheScreen(t *testing.T) {
	small := rect{0, 0, 800, 600}
	big := rect{0, 0, 1920, 1040}
	second := rect{1920, 0, 1280, 1024}
	for _, c := range []struct {
		name  string
		kept  *windowPlace
		areas []rect
		scale float32
		size  fyne.Size
		x, y  int
	}{
		{"the first time on 800×600 it takes 90 % of it, centred", nil, []rect{small}, 1, fyne.NewSize(720, 540), 40, 30},
		{"the first time on a big screen it opens at 1000×700, centred", nil, []rect{big}, 1, fyne.NewSize(1000, 700), 460, 170},
		{"at scale 2 the work area holds half as many units", nil, []rect{{0, 0, 1600, 1200}}, 2, fyne.NewSize(720, 540), 80, 60},
		{"a kept place comes back", &windowPlace{X: 100, Y: 50, Width: 1200, Height: 900}, []rect{big}, 1, fyne.NewSize(1200, 900), 100, 50},
		{"a kept place on the second monitor comes back there", &windowPlace{X: 2000, Y: 10, Width: 900, Height: 700}, []rect{big, second}, 1, fyne.NewSize(900, 700), 2000, 10},
		{"a place on an unplugged monitor is centred on the primary", &windowPlace{X: 2000, Y: 10, Width: 900, Height: 700}, []rect{big}, 1, fyne.NewSize(900, 700), 510, 170},
		{"a kept size too big for the screen now is cut to 90 %", &windowPlace{X: 0, Y: 0, Width: 1800, Height: 1000}, []rect{small}, 1, fyne.NewSize(720, 540), 0, 0},
		{"a window hanging off the right edge is brought back in", &windowPlace{X: 600, Y: 100, Width: 700, Height: 500}, []rect{small}, 1, fyne.NewSize(700, 500), 100, 100},
		{"a title bar above the screen is centred", &windowPlace{X: 10, Y: -500, Width: 700, Height: 500}, []rect{small}, 1, fyne.NewSize(700, 500), 50, 50},
		{"no monitor known: the size only", nil, nil, 1, fyne.NewSize(1000, 700), 0, 0},
	} {
		t.Run(c.name, func(t *testing.T) {
			size, x, y := fitWindow(c.kept, c.areas, c.scale)
			if size != c.size || x != c.x || y != c.y {
				t.Fatalf("got %v at %d,%d; want %v at %d,%d", size, x, y, c.size, c.x, c.y)
			}
		})
	}
}

func TestTheWindowsPlaceIsKeptForItsOwnerOnly(t *testing.T) {
	path := filepath.Join(t.TempDir(), "apetitspas", "window.json")
	if readPlace(path) != nil {
		t.Fatal("a place with no file")
	}
	want := windowPlace{X: -20, Y: 30, Width: 900.5, Height: 640}
	if err := writePlace(path, want); err != nil {
		t.Fatal(err)
	}
	got := readPlace(path)
	if got == nil || *got != want {
		t.Fatalf("read back %+v, want %+v", got, want)
	}
	if runtime.GOOS != "windows" {
		fi, err := os.Stat(path)
		if err != nil {
			t.Fatal(err)
		}
		if fi.Mode().Perm() != 0o600 {
			t.Fatalf("window.json is %v", fi.Mode().Perm())
		}
		di, _ := os.Stat(filepath.Dir(path))
		if di.Mode().Perm() != 0o700 {
			t.Fatalf("its folder is %v", di.Mode().Perm())
		}
	}
	for _, bad := range []string{"", "{", `{"Width":0,"Height":5}`, `{"Width":-3,"Height":5}`, `{"Width":1e9,"Height":5}`, "null"} {
		if err := os.WriteFile(path, []byte(bad), 0o600); err != nil {
			t.Fatal(err)
		}
		if p := readPlace(path); p != nil {
			t.Errorf("%q read as %+v", bad, p)
		}
	}
}

func TestAMaximisedWindowComesBackMaximisedAndRestoresToItsPlace(t *testing.T) {
	normal := windowPlace{X: 100, Y: 50, Width: 900, Height: 640}
	full := windowPlace{X: 0, Y: 0, Width: 1920, Height: 1040}

	keep, next := keptPlace(full, true, normal)
	want := normal
	want.Maximized = true
	if keep != want || next != normal {
		t.Fatalf("maximised: kept %+v (next normal %+v), want %+v and %+v", keep, next, want, normal)
	}
	keep, next = keptPlace(windowPlace{X: 30, Y: 40, Width: 800, Height: 600}, false, normal)
	if keep.Maximized || keep.X != 30 || keep.Width != 800 || next != keep {
		t.Fatalf("un-maximised and moved: kept %+v, next normal %+v", keep, next)
	}
	keep, _ = keptPlace(full, true, windowPlace{})
	if !keep.Maximized || keep.Width != 0 {
		t.Fatalf("maximised with no normal place: kept %+v", keep)
	}

	path := filepath.Join(t.TempDir(), "window.json")
	for _, p := range []windowPlace{want, {Maximized: true}} {
		if err := writePlace(path, p); err != nil {
			t.Fatal(err)
		}
		if got := readPlace(path); got == nil || *got != p {
			t.Fatalf("read back %+v, want %+v", got, p)
		}
	}
	if got := readPlace(path); got == nil || fitOf(got) != nil {
		t.Fatalf("a maximised place with no size must be centred, got %+v", got)
	}
}
