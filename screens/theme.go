package screens

import (
	"image/color"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/theme"
)

// Theme is the app's look: the colours of the icon (teal to blue, the sun's
// yellow, the footprints' cream) in a light and a dark variant that follow
// the system's choice. Sizes, fonts and icons are Fyne's.
//
// Every text colour keeps at least the 4.5:1 contrast of WCAG AA with the
// background it is drawn on (tested), and the focus ring (colorFocusRing)
// is strong enough to be seen from across a desk.
func Theme() fyne.Theme { return appTheme{} }

type appTheme struct{}

var _ fyne.Theme = appTheme{}

// The icon's sun yellow.
var iconSun = color.NRGBA{R: 0xff, G: 0xd1, B: 0x66, A: 0xff}

// palette is one variant's colours.
type palette struct {
	background, inputBackground, overlay, menu, header      color.Color
	foreground, placeholder, disabled, disabledButton       color.Color
	primary, onPrimary, focus, hover, pressed, selection    color.Color
	separator, inputBorder, scrollBar, shadow, hyperlink    color.Color
	success, warning, errorC, onSuccess, onWarning, onError color.Color
	buttonBackground, focusRing                             color.Color
}

// colorFocusRing is the colour of the ring around the widget that has
// the keyboard focus (focusring.go): a blue apart from the teal of the
// primary buttons, at least 3:1 against every background.
const colorFocusRing fyne.ThemeColorName = "apetitspasFocusRing"

var light = palette{
	background:       color.NRGBA{R: 0xfa, G: 0xf8, B: 0xf3, A: 0xff}, // cream, from the footprints
	inputBackground:  color.NRGBA{R: 0xff, G: 0xff, B: 0xff, A: 0xff},
	overlay:          color.NRGBA{R: 0xff, G: 0xfd, B: 0xf8, A: 0xff},
	menu:             color.NRGBA{R: 0xff, G: 0xfd, B: 0xf8, A: 0xff},
	header:           color.NRGBA{R: 0xee, G: 0xf3, B: 0xf2, A: 0xff},
	foreground:       color.NRGBA{R: 0x1f, G: 0x2a, B: 0x30, A: 0xff},
	placeholder:      color.NRGBA{R: 0x5e, G: 0x6b, B: 0x72, A: 0xff},
	disabled:         color.NRGBA{R: 0x8a, G: 0x94, B: 0x99, A: 0xff},
	disabledButton:   color.NRGBA{R: 0xe4, G: 0xe4, B: 0xe0, A: 0xff},
	primary:          color.NRGBA{R: 0x1b, G: 0x76, B: 0x73, A: 0xff}, // the icon's teal, darkened for white text
	onPrimary:        color.NRGBA{R: 0xff, G: 0xff, B: 0xff, A: 0xff},
	focus:            color.NRGBA{R: 0x1f, G: 0x4e, B: 0x8c, A: 0x2e}, // a tint under text (select, menu): the ring is focusRing
	hover:            color.NRGBA{R: 0x2a, G: 0xa1, B: 0x9d, A: 0x22},
	pressed:          color.NRGBA{R: 0x2a, G: 0xa1, B: 0x9d, A: 0x44},
	selection:        color.NRGBA{R: 0x2a, G: 0xa1, B: 0x9d, A: 0x40},
	separator:        color.NRGBA{R: 0xdc, G: 0xe1, B: 0xe0, A: 0xff},
	inputBorder:      color.NRGBA{R: 0xa9, G: 0xb4, B: 0xb6, A: 0xff},
	scrollBar:        color.NRGBA{R: 0x1f, G: 0x2a, B: 0x30, A: 0x66},
	shadow:           color.NRGBA{R: 0x00, G: 0x00, B: 0x00, A: 0x33},
	hyperlink:        color.NRGBA{R: 0x2c, G: 0x62, B: 0x93, A: 0xff}, // the icon's blue, darkened
	success:          color.NRGBA{R: 0x23, G: 0x7a, B: 0x4b, A: 0xff},
	warning:          color.NRGBA{R: 0x9a, G: 0x5b, B: 0x00, A: 0xff},
	errorC:           color.NRGBA{R: 0xb3, G: 0x26, B: 0x1e, A: 0xff},
	onSuccess:        color.NRGBA{R: 0xff, G: 0xff, B: 0xff, A: 0xff},
	onWarning:        color.NRGBA{R: 0xff, G: 0xff, B: 0xff, A: 0xff},
	onError:          color.NRGBA{R: 0xff, G: 0xff, B: 0xff, A: 0xff},
	buttonBackground: color.NRGBA{R: 0xea, G: 0xee, B: 0xec, A: 0xff},
	focusRing:        color.NRGBA{R: 0x1f, G: 0x4e, B: 0x8c, A: 0xff},
}

var dark = palette{
	background:       color.NRGBA{R: 0x14, G: 0x1e, B: 0x22, A: 0xff},
	inputBackground:  color.NRGBA{R: 0x1d, G: 0x2a, B: 0x30, A: 0xff},
	overlay:          color.NRGBA{R: 0x1b, G: 0x27, B: 0x2c, A: 0xff},
	menu:             color.NRGBA{R: 0x1b, G: 0x27, B: 0x2c, A: 0xff},
	header:           color.NRGBA{R: 0x1d, G: 0x2e, B: 0x33, A: 0xff},
	foreground:       color.NRGBA{R: 0xec, G: 0xf0, B: 0xef, A: 0xff},
	placeholder:      color.NRGBA{R: 0xa3, G: 0xb0, B: 0xb3, A: 0xff},
	disabled:         color.NRGBA{R: 0x74, G: 0x82, B: 0x86, A: 0xff},
	disabledButton:   color.NRGBA{R: 0x26, G: 0x33, B: 0x38, A: 0xff},
	primary:          color.NRGBA{R: 0x4f, G: 0xc8, B: 0xc1, A: 0xff}, // the icon's teal, lightened
	onPrimary:        color.NRGBA{R: 0x0c, G: 0x1a, B: 0x1c, A: 0xff},
	focus:            color.NRGBA{R: 0x9c, G: 0xc7, B: 0xf0, A: 0x33},
	hover:            color.NRGBA{R: 0x4f, G: 0xc8, B: 0xc1, A: 0x22},
	pressed:          color.NRGBA{R: 0x4f, G: 0xc8, B: 0xc1, A: 0x44},
	selection:        color.NRGBA{R: 0x4f, G: 0xc8, B: 0xc1, A: 0x40},
	separator:        color.NRGBA{R: 0x2c, G: 0x3a, B: 0x3f, A: 0xff},
	inputBorder:      color.NRGBA{R: 0x55, G: 0x66, B: 0x6b, A: 0xff},
	scrollBar:        color.NRGBA{R: 0xec, G: 0xf0, B: 0xef, A: 0x66},
	shadow:           color.NRGBA{R: 0x00, G: 0x00, B: 0x00, A: 0x66},
	hyperlink:        color.NRGBA{R: 0x8c, G: 0xbc, B: 0xe6, A: 0xff}, // the icon's blue, lightened
	success:          color.NRGBA{R: 0x6f, G: 0xd0, B: 0x97, A: 0xff},
	warning:          iconSun,
	errorC:           color.NRGBA{R: 0xff, G: 0x8a, B: 0x80, A: 0xff},
	onSuccess:        color.NRGBA{R: 0x0c, G: 0x1a, B: 0x1c, A: 0xff},
	onWarning:        color.NRGBA{R: 0x0c, G: 0x1a, B: 0x1c, A: 0xff},
	onError:          color.NRGBA{R: 0x0c, G: 0x1a, B: 0x1c, A: 0xff},
	buttonBackground: color.NRGBA{R: 0x24, G: 0x33, B: 0x39, A: 0xff},
	focusRing:        color.NRGBA{R: 0x9c, G: 0xc7, B: 0xf0, A: 0xff},
}

func paletteOf(v fyne.ThemeVariant) *palette {
	if v == theme.VariantDark {
		return &dark
	}
	return &light
}

func (appTheme) Color(n fyne.ThemeColorName, v fyne.ThemeVariant) color.Color {
	p := paletteOf(v)
	switch n {
	case theme.ColorNameBackground:
		return p.background
	case theme.ColorNameInputBackground:
		return p.inputBackground
	case theme.ColorNameOverlayBackground:
		return p.overlay
	case theme.ColorNameMenuBackground:
		return p.menu
	case theme.ColorNameHeaderBackground:
		return p.header
	case theme.ColorNameForeground:
		return p.foreground
	case theme.ColorNamePlaceHolder:
		return p.placeholder
	case theme.ColorNameDisabled:
		return p.disabled
	case theme.ColorNameDisabledButton:
		return p.disabledButton
	case theme.ColorNameButton:
		return p.buttonBackground
	case theme.ColorNamePrimary:
		return p.primary
	case theme.ColorNameForegroundOnPrimary:
		return p.onPrimary
	case theme.ColorNameFocus:
		return p.focus
	case theme.ColorNameHover:
		return p.hover
	case theme.ColorNamePressed:
		return p.pressed
	case theme.ColorNameSelection:
		return p.selection
	case theme.ColorNameSeparator:
		return p.separator
	case theme.ColorNameInputBorder:
		return p.inputBorder
	case theme.ColorNameScrollBar:
		return p.scrollBar
	case theme.ColorNameShadow:
		return p.shadow
	case theme.ColorNameHyperlink:
		return p.hyperlink
	case theme.ColorNameSuccess:
		return p.success
	case theme.ColorNameWarning:
		return p.warning
	case theme.ColorNameError:
		return p.errorC
	case theme.ColorNameForegroundOnSuccess:
		return p.onSuccess
	case theme.ColorNameForegroundOnWarning:
		return p.onWarning
	case theme.ColorNameForegroundOnError:
		return p.onError
	case colorFocusRing:
		return p.focusRing
	}
	return theme.DefaultTheme().Color(n, v)
}

func (appTheme) Font(s fyne.TextStyle) fyne.Resource     { return theme.DefaultTheme().Font(s) }
func (appTheme) Icon(n fyne.ThemeIconName) fyne.Resource { return theme.DefaultTheme().Icon(n) }
func (appTheme) Size(n fyne.ThemeSizeName) float32 {
	switch n {
	case theme.SizeNameInputRadius, theme.SizeNameSelectionRadius:
		return 6
	case theme.SizeNameInputBorder:
		return 2 // a border and a focus ring that are seen
	case sizePageTitle:
		return pageTitlePoints // the heading scale (headings.go)
	case sizeSection:
		return sectionPoints
	}
	return theme.DefaultTheme().Size(n)
}
