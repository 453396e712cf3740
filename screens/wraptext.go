package screens

import (
	"strings"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/theme"
	"fyne.io/fyne/v2/widget"
)

// Fyne 2.7 wraps text at any rune unicode.IsSpace accepts, the
// non-breaking space U+00A0 (and U+202F, U+2007) included, and at the
// boundary of two segments even with no space there. So « 15 minutes »,
// « 3 déc. », « et » glued to its next word or the « , puis » after a
// bold word could end up split or alone at a line end. The wrapping here
// breaks at ordinary spaces (U+0020) only: it picks the line ends
// itself, writes them as '\n' into a copy of the segments, and lets a
// RichText that does not wrap draw them.

// wrapText is a RichText (e.g. Markdown) that wraps at ordinary spaces
// only: what a non-breaking space or a bold word and its punctuation join
// stays on one line.
type wrapText struct {
	widget.BaseWidget
	// segments are the text as written (without line ends); call Refresh
	// after changing them.
	segments []widget.RichTextSegment
	rt       *widget.RichText
	width    float32
}

// newWrapMarkdown is Markdown text that keeps non-breaking spaces.
func newWrapMarkdown(md string) *wrapText {
	w := &wrapText{segments: widget.NewRichTextFromMarkdown(md).Segments}
	w.ExtendBaseWidget(w)
	return w
}

// CreateRenderer draws the text broken at the widget's width.
func (w *wrapText) CreateRenderer() fyne.WidgetRenderer {
	w.rt = widget.NewRichText()
	w.rt.Wrapping = fyne.TextWrapOff
	w.relayout(w.Size().Width)
	return &wrapRenderer{rt: w.rt, layout: w.relayout}
}

// Refresh breaks the text again (after segments changed).
func (w *wrapText) Refresh() {
	if w.rt != nil {
		w.width = -1
		w.relayout(w.Size().Width)
	}
	w.BaseWidget.Refresh()
}

func (w *wrapText) relayout(width float32) {
	if width == w.width {
		return
	}
	w.width = width
	w.rt.Segments = breakLines(w.segments, width-2*w.Theme().Size(theme.SizeNameInnerPadding), w.Theme())
	w.rt.Refresh()
}

// wrapLabel is a label that wraps at ordinary spaces only (see wrapText):
// Text, Importance, TextStyle, Alignment and SetText work as a Label's.
type wrapLabel struct {
	widget.Label
	rt    *widget.RichText
	width float32
}

// wrapped is a label that wraps at its width, never at a non-breaking
// space.
func wrapped(text string) *wrapLabel {
	l := &wrapLabel{}
	l.Text = text
	l.Wrapping = fyne.TextWrapWord
	l.ExtendBaseWidget(l)
	return l
}

// CreateRenderer draws the label's text broken at the widget's width.
func (l *wrapLabel) CreateRenderer() fyne.WidgetRenderer {
	// The Label's own renderer is not drawn, but building it lets
	// Label.SetText and Label.Refresh reach this one.
	l.Label.CreateRenderer()
	l.rt = widget.NewRichText()
	l.rt.Wrapping = fyne.TextWrapOff
	l.width = -1
	l.relayout(l.Size().Width)
	return &wrapRenderer{rt: l.rt, layout: l.relayout, refresh: func() {
		l.width = -1
		l.relayout(l.Size().Width)
	}}
}

func (l *wrapLabel) relayout(width float32) {
	if width == l.width {
		return
	}
	l.width = width
	seg := &widget.TextSegment{Text: l.Text, Style: widget.RichTextStyle{
		Alignment: l.Alignment,
		ColorName: importanceColor(l.Importance),
		Inline:    true,
		TextStyle: l.TextStyle,
		SizeName:  l.SizeName,
	}}
	if l.Wrapping == fyne.TextWrapOff {
		l.rt.Segments = []widget.RichTextSegment{seg}
	} else {
		l.rt.Segments = breakLines([]widget.RichTextSegment{seg}, width-2*l.Theme().Size(theme.SizeNameInnerPadding), l.Theme())
	}
	l.rt.Refresh()
}

// importanceColor is the text colour a Label gives its importance.
func importanceColor(i widget.Importance) fyne.ThemeColorName {
	switch i {
	case widget.LowImportance:
		return theme.ColorNameDisabled
	case widget.HighImportance:
		return theme.ColorNamePrimary
	case widget.DangerImportance:
		return theme.ColorNameError
	case widget.WarningImportance:
		return theme.ColorNameWarning
	case widget.SuccessImportance:
		return theme.ColorNameSuccess
	}
	return theme.ColorNameForeground
}

// wrapRenderer lays out the RichText that draws a wrapText or wrapLabel.
type wrapRenderer struct {
	rt      *widget.RichText
	layout  func(width float32)
	refresh func()
}

func (r *wrapRenderer) Destroy()                     {}
func (r *wrapRenderer) Objects() []fyne.CanvasObject { return []fyne.CanvasObject{r.rt} }

func (r *wrapRenderer) Layout(size fyne.Size) {
	r.layout(size.Width)
	r.rt.Resize(size)
}

// MinSize is as tall as the text broken at the current width, and as
// narrow as a wrapping label: the width comes from the container.
func (r *wrapRenderer) MinSize() fyne.Size {
	m := r.rt.MinSize()
	pad := 2 * theme.InnerPadding()
	return fyne.NewSize(min(m.Width, pad+theme.TextSize()), m.Height)
}

func (r *wrapRenderer) Refresh() {
	if r.refresh != nil {
		r.refresh()
	}
	r.rt.Refresh()
}

// breakLines returns a copy of segs in which the ordinary spaces chosen
// as line ends, for lines at most width wide, are '\n'. Only U+0020 is a
// break; a word wider than a line stays whole. A width of 0 or less
// breaks nothing (the text is laid out before its width is known).
func breakLines(segs []widget.RichTextSegment, width float32, th fyne.Theme) []widget.RichTextSegment {
	out := cloneSegments(segs)
	if width <= 0 {
		return out
	}
	b := &breaker{width: width, th: th}
	b.walk(out)
	b.endRow()
	return out
}

// cloneSegments copies the text segments (and the blocks holding them)
// so that line ends can be written into the copies.
func cloneSegments(segs []widget.RichTextSegment) []widget.RichTextSegment {
	out := make([]widget.RichTextSegment, len(segs))
	for i, s := range segs {
		switch s := s.(type) {
		case *widget.TextSegment:
			c := *s
			out[i] = &c
		case *widget.ParagraphSegment:
			out[i] = &widget.ParagraphSegment{Texts: cloneSegments(s.Texts)}
		case *widget.ListSegment:
			c := *s
			c.Items = cloneSegments(s.Items)
			out[i] = &c
		default:
			out[i] = s
		}
	}
	return out
}

// highPunctuation never starts a line: French puts a space before it
// (« existent : votre »), which is no break even when typed as an
// ordinary space.
const highPunctuation = ":;!?»"

// breaker walks the segments in the order RichText lays them out.
type breaker struct {
	width float32
	th    fyne.Theme
	// line is the width of the words already on the line; word the width
	// of the word being read; gap the width of the space before it.
	line, word, gap float32
	// at is that space (nil at a line start): where to break.
	at    *widget.TextSegment
	atIdx int
	// owned are the segments this walk may write into (not the bullets
	// a ListSegment makes afresh each time).
	owned map[*widget.TextSegment]bool
	runes map[*widget.TextSegment][]rune
}

func (b *breaker) walk(segs []widget.RichTextSegment) {
	if b.owned == nil {
		b.owned, b.runes = map[*widget.TextSegment]bool{}, map[*widget.TextSegment][]rune{}
		b.own(segs)
	}
	for _, s := range segs {
		if block, ok := s.(widget.RichTextBlock); ok {
			children := block.Segments()
			b.walk(children)
			if len(children) > 0 && !children[len(children)-1].Inline() {
				b.endRow()
			}
			continue
		}
		if t, ok := s.(*widget.TextSegment); ok {
			b.text(t)
		} else if s.Visual() != nil {
			b.word += s.Visual().MinSize().Width
		}
		if !s.Inline() {
			b.endRow()
		}
	}
}

func (b *breaker) own(segs []widget.RichTextSegment) {
	for _, s := range segs {
		switch s := s.(type) {
		case *widget.TextSegment:
			b.owned[s] = true
		case *widget.ParagraphSegment:
			b.own(s.Texts)
		case *widget.ListSegment:
			b.own(s.Items)
		}
	}
}

// text reads one segment: its words, its spaces (breaks) and its own
// line ends.
func (b *breaker) text(t *widget.TextSegment) {
	runes := []rune(t.Text)
	b.runes[t] = runes
	size := b.th.Size(theme.SizeNameText)
	if t.Style.SizeName != "" {
		size = b.th.Size(t.Style.SizeName)
	}
	measure := func(from, to int) float32 {
		if from >= to {
			return 0
		}
		return fyne.MeasureText(string(runes[from:to]), size, t.Style.TextStyle).Width
	}
	start := 0 // of the piece of word in this segment
	for i, r := range runes {
		switch {
		case r == '\n':
			b.word += measure(start, i)
			b.endRow()
			start = i + 1
		case r == ' ' && b.owned[t] && !(i+1 < len(runes) && strings.ContainsRune(highPunctuation, runes[i+1])):
			b.word += measure(start, i)
			b.endWord()
			b.gap, b.at, b.atIdx = measure(i, i+1), t, i
			start = i + 1
		}
	}
	b.word += measure(start, len(runes))
}

// endWord puts the word read so far on the line, or on the next one when
// it does not fit (breaking at the space before it).
func (b *breaker) endWord() {
	switch {
	case b.at == nil:
		b.line += b.word
	case b.line+b.gap+b.word <= b.width:
		b.line += b.gap + b.word
	default:
		b.breakAt()
		b.line = b.word
	}
	b.word, b.gap, b.at = 0, 0, nil
}

func (b *breaker) breakAt() {
	runes := b.runes[b.at]
	runes[b.atIdx] = '\n'
	b.at.Text = string(runes)
}

// endRow ends a row (a line end in the text, a heading, a paragraph).
func (b *breaker) endRow() {
	b.endWord()
	b.line = 0
}
