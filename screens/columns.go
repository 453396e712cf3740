package screens

import (
	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/theme"
	"fyne.io/fyne/v2/widget"
)

// The table layout of the users list and the journal: columns with
// their share of the width, header cells, cells two lines high.

// weightedColumns lays objects side by side, each with its share of the
// width (rows and their header line up).
type weightedColumns struct{ weights []float32 }

func (c *weightedColumns) Layout(objs []fyne.CanvasObject, size fyne.Size) {
	pad := theme.Padding()
	total := float32(0)
	for i := range objs {
		total += c.weight(i)
	}
	if total <= 0 {
		return
	}
	avail := size.Width - pad*float32(max(len(objs)-1, 0))
	x := float32(0)
	for i, o := range objs {
		w := avail * c.weight(i) / total
		o.Resize(fyne.NewSize(w, size.Height))
		o.Move(fyne.NewPos(x, 0))
		x += w + pad
	}
}

func (c *weightedColumns) MinSize(objs []fyne.CanvasObject) fyne.Size {
	var w, h float32
	for _, o := range objs {
		m := o.MinSize()
		w += m.Width
		h = max(h, m.Height)
	}
	return fyne.NewSize(w+theme.Padding()*float32(max(len(objs)-1, 0)), h)
}

func (c *weightedColumns) weight(i int) float32 {
	if i < len(c.weights) {
		return c.weights[i]
	}
	return 1
}

var _ fyne.Layout = (*weightedColumns)(nil)

func columnHead(text string) *widget.Label {
	l := widget.NewLabelWithStyle(text, fyne.TextAlignLeading, fyne.TextStyle{Bold: true})
	l.Truncation = fyne.TextTruncateEllipsis
	return l
}

// twoLines gives a cell the height of two lines of text.
type twoLines struct{}

func (twoLines) Layout(objs []fyne.CanvasObject, size fyne.Size) {
	for _, o := range objs {
		o.Resize(size)
		o.Move(fyne.NewPos(0, 0))
	}
}

func (twoLines) MinSize([]fyne.CanvasObject) fyne.Size {
	line := fyne.MeasureText("Ég", theme.TextSize(), fyne.TextStyle{}).Height
	return fyne.NewSize(0, 2*line+2*theme.InnerPadding())
}
