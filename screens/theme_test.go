package screens

import (
	"image/color"
	"math"
	"testing"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/theme"
)

// luminance is WCAG 2's relative luminance of an opaque colour.
func luminance(c color.Color) float64 {
	r, g, b, _ := c.RGBA()
	lin := func(v uint32) float64 {
		s := float64(v) / 0xffff
		if s <= 0.03928 {
			return s / 12.92
		}
		return math.Pow((s+0.055)/1.055, 2.4)
	}
	return 0.2126*lin(r) + 0.7152*lin(g) + 0.0722*lin(b)
}

func contrast(a, b color.Color) float64 {
	la, lb := luminance(a), luminance(b)
	if la < lb {
		la, lb = lb, la
	}
	return (la + 0.05) / (lb + 0.05)
}

// Every text colour of the theme is readable (WCAG AA, 4.5:1) on the
// backgrounds it is drawn on, in both variants; and the focus ring stands
// out from every background (3:1, WCAG's non-text contrast).
func TestTheThemesTextIsReadableInLightAndDark(t *testing.T) {
	th := Theme()
	for _, v := range []fyne.ThemeVariant{theme.VariantLight, theme.VariantDark} {
		c := func(n fyne.ThemeColorName) color.Color { return th.Color(n, v) }
		for _, bg := range []fyne.ThemeColorName{theme.ColorNameBackground, theme.ColorNameInputBackground,
			theme.ColorNameOverlayBackground, theme.ColorNameMenuBackground, theme.ColorNameHeaderBackground, theme.ColorNameButton} {
			for _, fg := range []fyne.ThemeColorName{theme.ColorNameForeground, theme.ColorNameHyperlink,
				theme.ColorNameSuccess, theme.ColorNameWarning, theme.ColorNameError, theme.ColorNamePlaceHolder} {
				if r := contrast(c(fg), c(bg)); r < 4.5 {
					t.Errorf("%s: %s on %s = %.2f:1, want ≥ 4.5", variantName(v), fg, bg, r)
				}
			}
		}
		for _, pair := range [][2]fyne.ThemeColorName{
			{theme.ColorNameForegroundOnPrimary, theme.ColorNamePrimary},
			{theme.ColorNameForegroundOnSuccess, theme.ColorNameSuccess},
			{theme.ColorNameForegroundOnWarning, theme.ColorNameWarning},
			{theme.ColorNameForegroundOnError, theme.ColorNameError},
		} {
			if r := contrast(c(pair[0]), c(pair[1])); r < 4.5 {
				t.Errorf("%s: %s on %s = %.2f:1, want ≥ 4.5", variantName(v), pair[0], pair[1], r)
			}
		}
		// The ring is drawn on the page, a gap away from the widget: its
		// neighbours are the backgrounds a page or a dialog has.
		for _, bg := range []fyne.ThemeColorName{theme.ColorNameBackground, theme.ColorNameInputBackground,
			theme.ColorNameOverlayBackground, theme.ColorNameMenuBackground, theme.ColorNameHeaderBackground} {
			if r := contrast(c(colorFocusRing), c(bg)); r < 3 {
				t.Errorf("%s: focus ring = %.2f:1 against %s, want ≥ 3", variantName(v), r, bg)
			}
			// The focus tint (a focused select, a menu item) stays under
			// readable text.
			if r := contrast(c(theme.ColorNameForeground), blend(c(theme.ColorNameFocus), c(bg))); r < 4.5 {
				t.Errorf("%s: text on the focus tint over %s = %.2f:1, want ≥ 4.5", variantName(v), bg, r)
			}
		}
	}
}

// blend draws the non-premultiplied colour fg over the opaque bg.
func blend(fg, bg color.Color) color.Color {
	f := color.NRGBAModel.Convert(fg).(color.NRGBA)
	b := color.NRGBAModel.Convert(bg).(color.NRGBA)
	a := float64(f.A) / 255
	mix := func(x, y uint8) uint8 { return uint8(math.Round(float64(x)*a + float64(y)*(1-a))) }
	return color.NRGBA{R: mix(f.R, b.R), G: mix(f.G, b.G), B: mix(f.B, b.B), A: 0xff}
}

func variantName(v fyne.ThemeVariant) string {
	if v == theme.VariantDark {
		return "dark"
	}
	return "light"
}
