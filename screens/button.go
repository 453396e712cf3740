package screens

import (
	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/driver/desktop"
	"fyne.io/fyne/v2/widget"
)

// button is the button of every screen: a widget.Button that a keyboard
// presses without leaking into the next field.
//
// A desktop driver delivers one Space press three ways, in this order, to
// whatever has the focus at that moment: KeyDown and TypedKey(KeySpace),
// then TypedRune(' '), then KeyUp. widget.Button acts on TypedKey; when
// its action moves the focus (a dialog closes, the screen changes), the
// rune that follows lands in the newly focused entry (a password starting
// with a space) or switch (the AMF confirmation opening again). Button
// waits for the rune instead and swallows it: the press acts once the
// whole key has arrived. A rune that arrives without its key (sent by a
// press that another widget already acted on) is dropped; a key whose
// rune never comes acts on KeyUp.
//
// Return and Enter press the focused button too, and Escape runs onEscape
// when set (the cancel of a dialog).
//
// The focus is a ring of its own around the button (colorFocusRing, at
// least 3:1 against the page and against the button itself), never a
// change of the button's colour: widget.Button blends the focus colour into
// its background, which made a focused primary button look unfocused and a
// focused secondary one (the « Annuler » a confirmation focuses first) look
// primary.
type button struct {
	widget.Button
	space   spacePress
	focused bool

	// OnEscape, when set, runs on Escape while the button has the focus.
	onEscape func()
}

var (
	_ fyne.Focusable  = (*button)(nil)
	_ desktop.Keyable = (*button)(nil)
)

// newButton returns a button with a label, an optional icon and an action.
func newButton(label string, icon fyne.Resource, tapped func()) *button {
	b := &button{}
	b.Text, b.Icon, b.OnTapped = label, icon, tapped
	b.ExtendBaseWidget(b)
	return b
}

// TypedKey handles Return, Enter and Escape; Space waits for its rune.
func (b *button) TypedKey(ev *fyne.KeyEvent) {
	switch ev.Name {
	case fyne.KeySpace:
		b.space.key()
	case fyne.KeyReturn, fyne.KeyEnter:
		b.press()
	case fyne.KeyEscape:
		if b.onEscape != nil && !b.Disabled() {
			b.onEscape()
		}
	}
}

// TypedRune presses the button on the rune of a Space key it received.
func (b *button) TypedRune(r rune) {
	if b.space.rune(r) {
		b.press()
	}
}

// KeyDown is part of desktop.Keyable.
func (b *button) KeyDown(*fyne.KeyEvent) {}

// KeyUp presses the button when a Space key came without its rune.
func (b *button) KeyUp(ev *fyne.KeyEvent) {
	if b.space.up(ev) {
		b.press()
	}
}

// FocusGained draws the ring; the button keeps its colours.
func (b *button) FocusGained() {
	b.focused = true
	b.Refresh()
	reveal(b)
}

// FocusLost forgets a half-received Space press and takes the ring away.
func (b *button) FocusLost() {
	b.space = spacePress{}
	b.focused = false
	b.Refresh()
}

// CreateRenderer is widget.Button's renderer with the focus ring around it.
func (b *button) CreateRenderer() fyne.WidgetRenderer {
	return newRingRenderer(b.Button.CreateRenderer(), b, func() bool { return b.focused && !b.Disabled() })
}

func (b *button) press() {
	if b.Disabled() || b.OnTapped == nil {
		return
	}
	b.Tapped(nil)
}

// spacePress follows one Space press from its key to its rune (or its
// release): the press counts once, and only when its key reached the
// same widget as its rune.
type spacePress struct{ pending bool }

// key notes a Space key.
func (p *spacePress) key() { p.pending = true }

// rune reports whether r completes a Space press.
func (p *spacePress) rune(r rune) bool {
	if r != ' ' || !p.pending {
		return false
	}
	p.pending = false
	return true
}

// up reports whether a Space key is released without its rune having come.
func (p *spacePress) up(ev *fyne.KeyEvent) bool {
	if ev.Name != fyne.KeySpace || !p.pending {
		return false
	}
	p.pending = false
	return true
}
