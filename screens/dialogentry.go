package screens

import (
	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/dialog"
	"fyne.io/fyne/v2/widget"
)

// dialogEntry is a field of a dialog: Return runs OnSubmitted (moves on
// or submits), Escape runs onEscape (the dialog's cancel), as the
// dialog's Buttons do.
type dialogEntry struct {
	widget.Entry
	onEscape func()
}

// newDialogEntry returns a dialog field that reports typing to the idle
// watch; escape is the dialog's cancel.
func (u *UI) newDialogEntry(password bool, escape func()) *dialogEntry {
	e := &dialogEntry{onEscape: escape}
	e.Password, e.Wrapping = password, fyne.TextWrap(fyne.TextTruncateClip) // as widget.NewEntry
	e.ExtendBaseWidget(e)
	e.OnChanged = func(string) { u.idle.touch() }
	return e
}

// TypedKey runs the dialog's cancel on Escape.
func (e *dialogEntry) TypedKey(ev *fyne.KeyEvent) {
	if ev.Name == fyne.KeyEscape && e.onEscape != nil {
		e.onEscape()
		return
	}
	e.Entry.TypedKey(ev)
}

// keptCheck is the check box of a dialog that must be ticked before going
// on: Space ticks it, Return runs onReturn (going on, once ticked). Its
// focus is the ring of every focused widget (focusring.go).
type keptCheck struct {
	widget.Check
	onReturn func()
	focused  bool
}

func (c *keptCheck) FocusGained() {
	c.focused = true
	c.Check.FocusGained()
	reveal(c)
}

func (c *keptCheck) FocusLost() {
	c.focused = false
	c.Check.FocusLost()
}

func (c *keptCheck) CreateRenderer() fyne.WidgetRenderer {
	return newRingRenderer(c.Check.CreateRenderer(), c, func() bool { return c.focused && !c.Disabled() })
}

func newKeptCheck(label string, changed func(bool), onReturn func()) *keptCheck {
	c := &keptCheck{onReturn: onReturn}
	c.Text, c.OnChanged = label, changed
	c.ExtendBaseWidget(c)
	return c
}

// TypedKey goes on with Return.
func (c *keptCheck) TypedKey(ev *fyne.KeyEvent) {
	if (ev.Name == fyne.KeyReturn || ev.Name == fyne.KeyEnter) && c.onReturn != nil {
		c.onReturn()
	}
}

// refit lays a dialog out again at width after a wrapped message appeared
// or changed in it: a wrapped label knows its height only once it has its
// width, hence two passes (as bannerLayout does).
func refit(d *dialog.CustomDialog, width float32) {
	for i := 0; i < 2; i++ {
		d.Resize(fyne.NewSize(width, 0))
	}
}
