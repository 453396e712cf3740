package screens

import (
	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/widget"
)

// usersTabs are the two tabs of Utilisateurs (Parents; Employés et
// administrateurs) as buttons: Tab reaches them, Space or Return opens
// one (container.AppTabs cannot take the keyboard focus). The open tab is
// the primary-coloured one.
type usersTabs struct {
	buttons  []*button
	selected int
	// onSelected runs after a tab is opened by a person (not by
	// selectIndex with the same tab).
	onSelected func(index int)
	bar        *fyne.Container
}

func newUsersTabs(labels []string, icons []fyne.Resource) *usersTabs {
	t := &usersTabs{}
	objs := make([]fyne.CanvasObject, len(labels))
	for i, label := range labels {
		i := i
		b := newButton(label, icons[i], func() { t.selectIndex(i) })
		b.Importance = widget.LowImportance
		t.buttons = append(t.buttons, b)
		objs[i] = b
	}
	t.bar = container.NewHBox(objs...)
	t.style()
	return t
}

// selectedIndex is the open tab.
func (t *usersTabs) selectedIndex() int { return t.selected }

// selectIndex opens tab i (as a tap on it does).
func (t *usersTabs) selectIndex(i int) {
	if i < 0 || i >= len(t.buttons) {
		return
	}
	changed := i != t.selected
	t.selected = i
	t.style()
	if changed && t.onSelected != nil {
		t.onSelected(i)
	}
}

func (t *usersTabs) style() {
	for i, b := range t.buttons {
		if i == t.selected {
			b.Importance = widget.HighImportance
		} else {
			b.Importance = widget.LowImportance
		}
		b.Refresh()
	}
}
