package screens

import (
	"strconv"
	"strings"
	"time"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/lang"
	"fyne.io/fyne/v2/theme"
	"fyne.io/fyne/v2/widget"
)

// dateField is a day chosen on a calendar, never typed: a button showing
// the day ("26 nov. 2026") that opens a month in French or English, and a
// button that empties it. Fyne's own DateEntry types dates in the
// system's format and names months in English whatever the language.
type dateField struct {
	widget.BaseWidget

	// button shows the day, or the placeholder; it opens the calendar.
	button *button
	// remove empties the field (shown when a day is chosen).
	remove *button
	// calendar is the month shown while the calendar is open.
	calendar *monthCalendar

	date        time.Time // local midnight; zero = none
	placeholder string
	now         func() time.Time
	onChanged   func()
	popUp       *widget.PopUp
}

func newDateField(placeholder string, now func() time.Time, onChanged func()) *dateField {
	f := &dateField{placeholder: placeholder, now: now, onChanged: onChanged}
	f.button = newButton(placeholder, theme.CalendarIcon(), f.open)
	f.button.Alignment = widget.ButtonAlignLeading
	f.remove = newButton("", theme.ContentClearIcon(), func() { f.setDate(time.Time{}); f.changed() })
	f.remove.Importance = widget.LowImportance
	f.remove.Hide()
	f.ExtendBaseWidget(f)
	return f
}

func (f *dateField) CreateRenderer() fyne.WidgetRenderer {
	return widget.NewSimpleRenderer(container.NewBorder(nil, nil, nil, f.remove, f.button))
}

// MinSize lets the day's text end with "…" rather than widen the page.
func (f *dateField) MinSize() fyne.Size {
	m := f.BaseWidget.MinSize()
	icon := theme.IconInlineSize() + 4*theme.InnerPadding()
	return fyne.NewSize(min(m.Width, 2*icon+theme.Padding()), m.Height)
}

// setDate chooses a day (zero empties the field) without calling back.
func (f *dateField) setDate(d time.Time) {
	if d.IsZero() {
		f.date = time.Time{}
		f.button.SetText(f.placeholder)
		f.remove.Hide()
	} else {
		l := d.Local()
		f.date = time.Date(l.Year(), l.Month(), l.Day(), 0, 0, 0, 0, time.Local)
		f.button.SetText(journalDate(f.date))
		f.remove.Show()
	}
	f.Refresh()
}

// day is the chosen day as YYYY-MM-DD, or "" when none.
func (f *dateField) day() string {
	if f.date.IsZero() {
		return ""
	}
	return f.date.Format(time.DateOnly)
}

// disable leaves the day shown and offers neither the calendar nor the
// button that empties it.
func (f *dateField) disable() {
	f.button.Disable()
	f.remove.Hide()
	f.remove.Disable()
}

func (f *dateField) changed() {
	if f.onChanged != nil {
		f.onChanged()
	}
}

// open shows the month of the chosen day (or of today) under the field.
func (f *dateField) open() {
	c := fyne.CurrentApp().Driver().CanvasForObject(f)
	if c == nil {
		return
	}
	shown := f.date
	if shown.IsZero() {
		shown = f.now().Local()
	}
	f.calendar = newMonthCalendar(shown, f.date, f.now().Local(), func(d time.Time) {
		f.setDate(d)
		f.close()
		f.changed()
	}, f.close)
	f.popUp = widget.NewPopUp(f.calendar, c)
	pos := fyne.CurrentApp().Driver().AbsolutePositionForObject(f)
	size := f.calendar.MinSize()
	// Under the field, moved back inside the window if it would leave it.
	pos.Y += f.Size().Height
	if cs := c.Size(); pos.X+size.Width > cs.Width {
		pos.X = max(cs.Width-size.Width, 0)
	}
	if cs := c.Size(); pos.Y+size.Height > cs.Height {
		pos.Y = max(cs.Height-size.Height, 0)
	}
	f.popUp.ShowAtPosition(pos)
	f.popUp.Resize(size)
	f.calendar.focusDay(c) // a keyboard user goes on with the arrows
}

// close hides the calendar and gives the focus back to the field (a Space
// that chose a day then lands on a button, never in an entry).
func (f *dateField) close() {
	if f.popUp == nil {
		return
	}
	f.popUp.Hide()
	f.popUp = nil
	if c := fyne.CurrentApp().Driver().CanvasForObject(f); c != nil {
		c.Focus(f.button)
	}
}

// monthCalendar is one month, Sunday first (as in Québec), with buttons
// for the days and for the months before and after.
type monthCalendar struct {
	widget.BaseWidget

	previous, next *button
	title          *widget.Label
	// days are the month's day buttons, the 1st first.
	days []*calendarDay

	month, chosen, today time.Time
	onChosen             func(time.Time)
	onEscape             func()
	grid                 *fyne.Container
}

func newMonthCalendar(shown, chosen, today time.Time, onChosen func(time.Time), onEscape func()) *monthCalendar {
	c := &monthCalendar{chosen: chosen, today: today, onChosen: onChosen, onEscape: onEscape,
		month: time.Date(shown.Year(), shown.Month(), 1, 0, 0, 0, 0, time.Local)}
	c.previous = newButton("", theme.NavigateBackIcon(), func() { c.show(c.month.AddDate(0, -1, 0)) })
	c.next = newButton("", theme.NavigateNextIcon(), func() { c.show(c.month.AddDate(0, 1, 0)) })
	c.previous.Importance, c.next.Importance = widget.LowImportance, widget.LowImportance
	c.title = widget.NewLabelWithStyle("", fyne.TextAlignCenter, fyne.TextStyle{Bold: true})
	c.grid = container.NewGridWithColumns(7)
	c.ExtendBaseWidget(c)
	c.show(c.month)
	return c
}

func (c *monthCalendar) CreateRenderer() fyne.WidgetRenderer {
	return widget.NewSimpleRenderer(container.NewPadded(container.NewBorder(
		container.NewBorder(nil, nil, c.previous, c.next, c.title), nil, nil, nil, c.grid)))
}

// show draws month m.
func (c *monthCalendar) show(m time.Time) {
	c.month = time.Date(m.Year(), m.Month(), 1, 0, 0, 0, 0, time.Local)
	months := strings.Fields(lang.X("journal.months_long", "janvier février mars avril mai juin juillet août septembre octobre novembre décembre"))
	name := c.month.Month().String()
	if len(months) == 12 {
		name = months[c.month.Month()-1]
	}
	c.title.SetText(name + " " + strconv.Itoa(c.month.Year()))
	var cells []fyne.CanvasObject
	days := strings.Fields(lang.X("journal.weekdays", "dim. lun. mar. mer. jeu. ven. sam."))
	for i := 0; i < 7; i++ {
		d := ""
		if len(days) == 7 {
			d = days[i]
		}
		l := widget.NewLabelWithStyle(d, fyne.TextAlignCenter, fyne.TextStyle{Italic: true})
		cells = append(cells, l)
	}
	for i := 0; i < int(c.month.Weekday()); i++ {
		cells = append(cells, widget.NewLabel(""))
	}
	c.days = c.days[:0]
	for d := c.month; d.Month() == c.month.Month(); d = d.AddDate(0, 0, 1) {
		day := d
		b := &calendarDay{cal: c, day: d}
		b.Text = strconv.Itoa(d.Day())
		b.OnTapped = func() { c.onChosen(day) }
		b.ExtendBaseWidget(b)
		switch {
		case sameDay(d, c.chosen):
			b.Importance = widget.HighImportance
		case sameDay(d, c.today):
			b.Importance = widget.MediumImportance
		default:
			b.Importance = widget.LowImportance
		}
		c.days = append(c.days, b)
		cells = append(cells, b)
	}
	for len(cells) < 7*7 { // always six weeks: the calendar keeps its size
		cells = append(cells, widget.NewLabel(""))
	}
	c.grid.Objects = cells
	c.grid.Refresh()
}

func sameDay(a, b time.Time) bool {
	if a.IsZero() || b.IsZero() {
		return false
	}
	ay, am, ad := a.Date()
	by, bm, bd := b.Date()
	return ay == by && am == bm && ad == bd
}

// focusDay focuses the chosen day, else today, else the 1st.
func (c *monthCalendar) focusDay(cv fyne.Canvas) {
	if len(c.days) == 0 {
		return
	}
	target := c.days[0]
	for _, b := range c.days {
		if sameDay(b.day, c.chosen) || (c.chosen.IsZero() && sameDay(b.day, c.today)) {
			target = b
		}
	}
	cv.Focus(target)
}

// calendarDay is a day's button: the arrows move to the day before or
// after (a week with up and down, into the next month if need be),
// Escape closes the calendar, Return or Space chooses the day.
type calendarDay struct {
	widget.Button
	cal *monthCalendar
	day time.Time
}

func (b *calendarDay) TypedKey(ev *fyne.KeyEvent) {
	step := 0
	switch ev.Name {
	case fyne.KeyEscape:
		if b.cal.onEscape != nil {
			b.cal.onEscape()
		}
		return
	case fyne.KeyReturn, fyne.KeyEnter:
		b.Tapped(nil)
		return
	case fyne.KeyLeft:
		step = -1
	case fyne.KeyRight:
		step = 1
	case fyne.KeyUp:
		step = -7
	case fyne.KeyDown:
		step = 7
	default:
		b.Button.TypedKey(ev)
		return
	}
	to := b.day.AddDate(0, 0, step)
	if to.Month() != b.cal.month.Month() || to.Year() != b.cal.month.Year() {
		b.cal.show(to)
	}
	cv := fyne.CurrentApp().Driver().CanvasForObject(b.cal)
	if cv == nil || to.Day() > len(b.cal.days) {
		return
	}
	cv.Focus(b.cal.days[to.Day()-1])
}
