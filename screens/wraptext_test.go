package screens

import (
	"sort"
	"strings"
	"testing"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/canvas"
	"fyne.io/fyne/v2/test"
	"fyne.io/fyne/v2/widget"
)

// drawnRows reads back the lines of text obj draws, from the canvas.Text
// objects of its renderers (whatever the widget), top to bottom.
func drawnRows(obj fyne.CanvasObject) []string {
	type piece struct {
		x, y float32
		text string
	}
	var pieces []piece
	var walk func(o fyne.CanvasObject, at fyne.Position)
	walk = func(o fyne.CanvasObject, at fyne.Position) {
		if !o.Visible() {
			return
		}
		at = at.Add(o.Position())
		switch o := o.(type) {
		case *canvas.Text:
			pieces = append(pieces, piece{at.X, at.Y, o.Text})
		case fyne.Widget:
			for _, c := range test.WidgetRenderer(o).Objects() {
				walk(c, at)
			}
		case *fyne.Container:
			for _, c := range o.Objects {
				walk(c, at)
			}
		}
	}
	walk(obj, fyne.Position{})
	sort.SliceStable(pieces, func(i, j int) bool {
		if pieces[i].y != pieces[j].y {
			return pieces[i].y < pieces[j].y
		}
		return pieces[i].x < pieces[j].x
	})
	var rows []string
	for i, p := range pieces {
		if i == 0 || p.y != pieces[i-1].y {
			rows = append(rows, "")
		}
		rows[len(rows)-1] += p.text
	}
	return rows
}

// badBreaks lists the lines that start with what should stay glued to the
// line before (« , puis », a closing guillemet) or end with a word glued
// to the next one (a lone « et » or « and », an opening guillemet, a
// number before its unit).
func badBreaks(rows []string) []string {
	var bad []string
	for i, r := range rows {
		t := strings.TrimRight(r, " ")
		switch {
		case i > 0 && (strings.HasPrefix(r, ",") || strings.HasPrefix(r, "»") || strings.HasPrefix(r, "\u00a0") ||
			strings.HasPrefix(strings.TrimLeft(r, " "), ":") || strings.HasPrefix(strings.TrimLeft(r, " "), ";")):
			bad = append(bad, "starts: "+r)
		case strings.HasSuffix(t, " et") || strings.HasSuffix(t, " and") || strings.HasSuffix(t, "«") || strings.HasSuffix(t, "\u00a0"):
			bad = append(bad, "ends: "+r)
		}
		words := strings.Fields(strings.ReplaceAll(t, "\u00a0", "~"))
		if len(words) > 0 && i+1 < len(rows) && strings.Trim(words[len(words)-1], "0123456789") == "" {
			bad = append(bad, "number at the end: "+r)
		}
	}
	return bad
}

func TestTheHelpNeverBreaksWhatANonBreakingSpaceOrABoldWordJoins(t *testing.T) {
	test.NewTempApp(t).Settings().SetTheme(Theme())
	for _, english := range []bool{false, true} {
		if english {
			inEnglish(t)
		}
		help := newHelpContent()
		test.WidgetRenderer(help)
		for width := float32(260); width <= 1000; width += 3 {
			help.Resize(fyne.NewSize(width, help.MinSize().Height))
			rows := drawnRows(help)
			if bad := badBreaks(rows); len(bad) > 0 {
				t.Fatalf("english=%v, at %v px: %q", english, width, bad)
			}
			for _, r := range rows {
				if w := fyne.MeasureText(r, 14, fyne.TextStyle{}).Width; w > width {
					t.Fatalf("at %v px a line is %v px wide: %q", width, w, r)
				}
			}
		}
	}
}

func TestAWrappedLabelKeepsANumberWithItsUnitAndAGuillemetWithItsWord(t *testing.T) {
	test.NewTempApp(t).Settings().SetTheme(Theme())
	text := "L'heure de cet ordinateur diffère de celle du serveur de 15\u00a0minutes : faites-la régler (bouton «\u00a0Vérifier et\u00a0rétablir…\u00a0») avant le 3\u00a0déc. et\u00a0après."
	l := wrapped(text)
	test.WidgetRenderer(l)
	seen := map[int]bool{}
	for width := float32(120); width <= 900; width += 2 {
		l.Resize(fyne.NewSize(width, l.MinSize().Height))
		rows := drawnRows(l)
		seen[len(rows)] = true
		if bad := badBreaks(rows); len(bad) > 0 {
			t.Fatalf("at %v px: %q", width, bad)
		}
		if got := strings.Join(rows, " "); got != text {
			t.Fatalf("at %v px the text reads %q", width, got)
		}
		if l.MinSize().Height < float32(len(rows))*fyne.MeasureText("M", 14, fyne.TextStyle{}).Height {
			t.Fatalf("at %v px %d lines fit in %v px", width, len(rows), l.MinSize().Height)
		}
	}
	if len(seen) < 4 {
		t.Fatalf("the label never wrapped: %v", seen)
	}
	// SetText and Importance reach the drawing.
	l.Importance = widget.WarningImportance
	l.SetText("Court.")
	if rows := drawnRows(l); len(rows) != 1 || rows[0] != "Court." {
		t.Fatalf("after SetText: %q", rows)
	}
}
