package screens

import (
	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/theme"
)

// Layouts of the Journal page. None of them asks for more than the window
// has: the page never makes the window grow (800×600 and up), and what
// does not fit wraps, ends with "…" (the detail pane shows it whole) or
// scrolls.

// journalMaxWidth is the widest the page gets: at 1920 px, sentences and
// columns stay where the eye finds them.
const journalMaxWidth = 1500

// journalWideFrom is the page width from which the detail pane sits to
// the right of the list rather than under it.
const journalWideFrom = 1000

// journalColumns lays cells side by side: fixed widths first (0 is a
// share of what is left, by weight), the rest sharing by weight. Its
// minimum is the fixed widths plus the cells' own minimums, so labels
// that end with "…" let it shrink.
type journalColumns struct {
	fixed   []float32 // per cell; 0 = flexible
	weights []float32 // per cell, for the flexible ones (1 when missing)
}

func (c journalColumns) Layout(objs []fyne.CanvasObject, size fyne.Size) {
	pad := theme.Padding()
	avail := size.Width - pad*float32(max(len(objs)-1, 0))
	var total float32
	for i := range objs {
		if f := c.fixedAt(i); f > 0 {
			avail -= f
		} else {
			total += c.weightAt(i)
		}
	}
	avail = max(avail, 0)
	x := float32(0)
	for i, o := range objs {
		w := c.fixedAt(i)
		if w == 0 && total > 0 {
			w = avail * c.weightAt(i) / total
		}
		o.Resize(fyne.NewSize(w, size.Height))
		o.Move(fyne.NewPos(x, 0))
		x += w + pad
	}
}

func (c journalColumns) MinSize(objs []fyne.CanvasObject) fyne.Size {
	var w, h float32
	for i, o := range objs {
		m := o.MinSize()
		if f := c.fixedAt(i); f > 0 {
			w += f
		} else {
			w += m.Width
		}
		h = max(h, m.Height)
	}
	return fyne.NewSize(w+theme.Padding()*float32(max(len(objs)-1, 0)), h)
}

func (c journalColumns) fixedAt(i int) float32 {
	if i < len(c.fixed) {
		return c.fixed[i]
	}
	return 0
}

func (c journalColumns) weightAt(i int) float32 {
	if i < len(c.weights) && c.weights[i] > 0 {
		return c.weights[i]
	}
	return 1
}

// journalTimeWidth is the width of the time column: the longest time
// this language writes, on one line.
func journalTimeWidth() float32 {
	longest := float32(0)
	for _, sample := range []string{
		"30 sept. 2026, 23 h 59", "30 juill. 2026, 23 h 59", "Sep 30, 2026, 12:59 PM",
	} {
		longest = max(longest, fyne.MeasureText(sample, theme.TextSize(), fyne.TextStyle{}).Width)
	}
	return longest + 2*theme.InnerPadding()
}

// journalRowHeight is two lines of text: a long sentence wraps once, then
// ends with "…".
type twoLineCell struct{}

func (twoLineCell) Layout(objs []fyne.CanvasObject, size fyne.Size) {
	for _, o := range objs {
		o.Resize(size)
		o.Move(fyne.NewPos(0, 0))
	}
}

func (twoLineCell) MinSize([]fyne.CanvasObject) fyne.Size {
	line := fyne.MeasureText("Ég", theme.TextSize(), fyne.TextStyle{}).Height
	return fyne.NewSize(0, 2*line+2*theme.InnerPadding())
}

// journalSplit holds the list (first object) and the detail pane (second):
// on a wide page the pane is to the right, on a narrow one under the list
// with a share of the height; a hidden pane leaves the list everything.
type journalSplit struct{}

func (journalSplit) Layout(objs []fyne.CanvasObject, size fyne.Size) {
	if len(objs) != 2 {
		return
	}
	list, pane := objs[0], objs[1]
	if !pane.Visible() {
		list.Move(fyne.NewPos(0, 0))
		list.Resize(size)
		return
	}
	pad := theme.Padding()
	if size.Width >= journalWideFrom {
		w := min(max(size.Width*0.34, 340), 480)
		list.Move(fyne.NewPos(0, 0))
		list.Resize(fyne.NewSize(size.Width-w-pad, size.Height))
		pane.Move(fyne.NewPos(size.Width-w, 0))
		pane.Resize(fyne.NewSize(w, size.Height))
		return
	}
	h := max(size.Height*0.45, min(pane.MinSize().Height, size.Height/2))
	list.Move(fyne.NewPos(0, 0))
	list.Resize(fyne.NewSize(size.Width, size.Height-h-pad))
	pane.Move(fyne.NewPos(0, size.Height-h))
	pane.Resize(fyne.NewSize(size.Width, h))
}

func (journalSplit) MinSize(objs []fyne.CanvasObject) fyne.Size {
	var m fyne.Size
	for _, o := range objs {
		if o.Visible() {
			m = m.Max(o.MinSize())
		}
	}
	return m
}

// firstLineIcon puts an icon level with the first line of text of its row.
type firstLineIcon struct{}

func (firstLineIcon) Layout(objs []fyne.CanvasObject, size fyne.Size) {
	icon := theme.IconInlineSize()
	line := fyne.MeasureText("Ég", theme.TextSize(), fyne.TextStyle{}).Height
	for _, o := range objs {
		o.Resize(fyne.NewSquareSize(icon))
		o.Move(fyne.NewPos((size.Width-icon)/2, theme.InnerPadding()+(line-icon)/2))
	}
}

func (firstLineIcon) MinSize([]fyne.CanvasObject) fyne.Size {
	return fyne.NewSquareSize(theme.IconInlineSize())
}
