package screens

import (
	"strconv"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/canvas"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/lang"
	"fyne.io/fyne/v2/theme"
	"fyne.io/fyne/v2/widget"

	apetitspas "github.com/apetitspas/apetitspas/app"
)

// journalDetail is the pane showing one event whole: its sentence, then
// each of its details under its name, and the technical code in small
// print for technicians. Everything wraps; the pane scrolls.
type journalDetail struct {
	widget.BaseWidget

	// event is the event shown.
	event apetitspas.AuditEvent
	// sentence is the event in words.
	sentence *widget.Label
	// lines hold a caption and a value per detail (when, who…).
	lines *fyne.Container
	// code is the event code and row number, for technicians.
	code  *widget.Label
	close *button

	content fyne.CanvasObject
}

func newJournalDetail(onClose func()) *journalDetail {
	d := &journalDetail{}
	d.sentence = widget.NewLabelWithStyle("", fyne.TextAlignLeading, fyne.TextStyle{Bold: true})
	d.sentence.Wrapping = fyne.TextWrapWord
	d.sentence.Selectable = true
	d.lines = container.New(wrappedColumn{})
	d.code = widget.NewLabel("")
	d.code.SizeName = theme.SizeNameCaptionText
	d.code.Wrapping = fyne.TextWrapBreak
	d.code.Selectable = true
	d.close = newButton("", theme.CancelIcon(), func() {
		d.Hide()
		if onClose != nil {
			onClose()
		}
	})
	d.close.Importance = widget.LowImportance
	title := widget.NewLabelWithStyle(lang.X("journal.detail_title", "Détails de l'événement"), fyne.TextAlignLeading, fyne.TextStyle{Bold: true})
	title.Truncation = fyne.TextTruncateEllipsis
	title.SizeName = theme.SizeNameSubHeadingText
	bg := canvas.NewRectangle(theme.Color(theme.ColorNameInputBackground))
	bg.CornerRadius = theme.InputRadiusSize()
	d.content = container.NewStack(bg, container.NewBorder(
		container.NewBorder(nil, nil, nil, d.close, title), nil, nil, nil,
		container.NewVScroll(container.New(wrappedColumn{}, d.sentence, widget.NewSeparator(), d.lines, d.code))))
	d.ExtendBaseWidget(d)
	d.Hide()
	return d
}

func (d *journalDetail) CreateRenderer() fyne.WidgetRenderer {
	return widget.NewSimpleRenderer(d.content)
}

// show fills the pane with e and shows it.
func (d *journalDetail) show(e apetitspas.AuditEvent) {
	d.event = e
	d.sentence.SetText(sentenceOf(e))
	var objs []fyne.CanvasObject
	for _, f := range detailFields(e) {
		caption := widget.NewLabelWithStyle(f.label, fyne.TextAlignLeading, fyne.TextStyle{Bold: true})
		caption.SizeName = theme.SizeNameCaptionText
		caption.Wrapping = fyne.TextWrapWord
		value := widget.NewLabel(f.value)
		value.Wrapping = fyne.TextWrapWord
		value.Selectable = true
		objs = append(objs, container.New(tightLines{}, caption, value))
	}
	d.lines.Objects = objs
	d.lines.Refresh()
	d.code.SetText(lang.X("journal.code", "Code technique : {{.Code}} · n° {{.ID}}",
		map[string]any{"Code": e.Event, "ID": strconv.FormatInt(e.ID, 10)}))
	d.Show()
	d.Refresh()
}

// text is everything the pane shows, one line per detail.
func (d *journalDetail) text() string {
	s := d.sentence.Text
	for _, o := range d.lines.Objects {
		c := o.(*fyne.Container)
		s += "\n" + c.Objects[0].(*widget.Label).Text + " : " + c.Objects[1].(*widget.Label).Text
	}
	return s + "\n" + d.code.Text
}

// tightLines stacks a caption right over its value (a VBox would put a
// padding between them).
type tightLines struct{}

func (tightLines) Layout(objs []fyne.CanvasObject, size fyne.Size) {
	y := float32(0)
	gap := theme.InnerPadding()
	for i, o := range objs {
		o.Resize(fyne.NewSize(size.Width, o.Size().Height)) // wrapped text measures at its width
		h := o.MinSize().Height
		if i > 0 {
			y -= gap
		}
		o.Move(fyne.NewPos(0, y))
		o.Resize(fyne.NewSize(size.Width, h))
		y += h
	}
}

func (tightLines) MinSize(objs []fyne.CanvasObject) fyne.Size {
	var w, h float32
	gap := theme.InnerPadding()
	for i, o := range objs {
		m := o.MinSize()
		w = max(w, m.Width)
		h += m.Height
		if i > 0 {
			h -= gap
		}
	}
	return fyne.NewSize(w, h)
}

// wrappedColumn stacks objects like a VBox, but gives each its width
// before asking its height: wrapped text then takes the lines it needs
// (a VBox asks first, and a sentence on two lines overlaps what follows).
type wrappedColumn struct{}

func (wrappedColumn) Layout(objs []fyne.CanvasObject, size fyne.Size) {
	y := float32(0)
	for _, o := range objs {
		if !o.Visible() {
			continue
		}
		o.Resize(fyne.NewSize(size.Width, o.Size().Height))
		h := o.MinSize().Height
		o.Move(fyne.NewPos(0, y))
		o.Resize(fyne.NewSize(size.Width, h))
		y += h + theme.Padding()
	}
}

func (wrappedColumn) MinSize(objs []fyne.CanvasObject) fyne.Size {
	var w, h float32
	n := 0
	for _, o := range objs {
		if !o.Visible() {
			continue
		}
		m := o.MinSize()
		w = max(w, m.Width)
		h += m.Height
		n++
	}
	return fyne.NewSize(w, h+theme.Padding()*float32(max(n-1, 0)))
}
