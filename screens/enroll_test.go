package screens

import (
	"fmt"
	"strings"
	"testing"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/test"
	"fyne.io/fyne/v2/widget"
)

// rect is where an object is drawn on the canvas.
type rect struct{ x0, y0, x1, y1 float32 }

func rectOf(o fyne.CanvasObject) rect {
	p := fyne.CurrentApp().Driver().AbsolutePositionForObject(o)
	s := o.Size()
	return rect{p.X, p.Y, p.X + s.Width, p.Y + s.Height}
}

func (a rect) overlaps(b rect) bool {
	return a.x0 < b.x1 && b.x0 < a.x1 && a.y0 < b.y1 && b.y0 < a.y1
}

func (a rect) inside(b rect) bool {
	return a.x0 >= b.x0-0.5 && a.y0 >= b.y0-0.5 && a.x1 <= b.x1+0.5 && a.y1 <= b.y1+0.5
}

func (a rect) String() string { return fmt.Sprintf("(%.0f,%.0f)-(%.0f,%.0f)", a.x0, a.y0, a.x1, a.y1) }

// openQRDialog signs Anne in with her AMF pending: the QR dialog shows.
func openQRDialog(t *testing.T, size fyne.Size) (*harness, *enrollScreen) {
	t.Helper()
	h := newHarness(t, withDaycare)
	h.win.Resize(size)
	a := h.openAccount("anne@parents.ca")
	test.Tap(a.mfaSwitch)
	test.Tap(a.confirm.activate)
	test.Tap(a.logoutNow)
	h.signIn("anne@parents.ca", pw)
	if h.ui.enroll == nil {
		t.Fatal("no QR dialog")
	}
	return h, h.ui.enroll
}

func TestAt800x600NothingInTheQRDialogOverlapsOrLeavesTheWindowAndTheKeyIsWhole(t *testing.T) {
	for _, size := range screenSizes {
		t.Run(fmt.Sprintf("%.0fx%.0f", size.Width, size.Height), func(t *testing.T) {
			h, en := openQRDialog(t, size)
			// The longest error there is, and the grace period's buttons.
			en.showMessage(strings.Repeat("Le code est refusé : vérifiez l'heure de votre téléphone. ", 3), widget.DangerImportance)
			en.later.Show()
			en.scroll.Refresh()
			win := rect{0, 0, size.Width, size.Height}
			view := rectOf(en.scroll)
			named := map[string]fyne.CanvasObject{
				"QR": en.qr, "compte": en.account, "clé": en.key, "Copier": en.copy, "code": en.code,
				"Valider": en.submitButton, "message": en.message,
				"aide": en.help, "Plus tard": en.later, "Fermer": en.cancel,
			}
			buttons := map[string]bool{"aide": true, "Plus tard": true, "Fermer": true}
			rects := map[string]rect{}
			for name, o := range named {
				r := rectOf(o)
				rects[name] = r
				if !r.inside(win) {
					t.Errorf("%s %v leaves the window %v", name, r, win)
				}
				if buttons[name] && r.overlaps(view) {
					t.Errorf("button %s %v is drawn over the scrolling part %v", name, r, view)
				}
			}
			for a, ra := range rects {
				for b, rb := range rects {
					if a < b && ra.overlaps(rb) {
						t.Errorf("%s %v overlaps %s %v", a, ra, b, rb)
					}
				}
			}
			// The key is whole, where it is seen without scrolling.
			key := rects["clé"]
			if !key.inside(view) {
				t.Errorf("the key %v is not all visible in %v", key, view)
			}
			if m := en.key.MinSize(); en.key.Size().Width < m.Width || en.key.Size().Height < m.Height {
				t.Errorf("the key is cut: drawn %v, needs %v", en.key.Size(), m)
			}
			if got := strings.Fields(en.key.Text); len(got) != 8 {
				t.Errorf("key %q", en.key.Text)
			}
			_ = h
		})
	}
}

func TestReturnAndEscapeCloseTheCongratulations(t *testing.T) {
	for _, key := range []fyne.KeyName{fyne.KeyReturn, fyne.KeyEscape} {
		t.Run(string(key), func(t *testing.T) {
			h, en := openQRDialog(t, fyne.NewSize(800, 600))
			test.Type(en.code, h.phoneCode(en.key.Text, 0))
			en.code.TypedKey(&fyne.KeyEvent{Name: fyne.KeyReturn})
			h.ui.wait()
			if h.ui.shell == nil || h.ui.noticeButton == nil || !strings.Contains(h.ui.noticeText, "30 secondes") {
				t.Fatal("no congratulations after the first code")
			}
			pressKeyOn(h.win.Canvas(), key)
			if h.win.Canvas().Overlays().Top() != nil {
				t.Fatalf("%s left the congratulations open", key)
			}
		})
	}
}

func TestNoCongratulationsBeforeTheAMFIsOn(t *testing.T) {
	h := newHarness(t, withDaycare)
	a := h.openAccount("anne@parents.ca")
	test.Tap(a.mfaSwitch)
	if strings.Contains(a.confirm.message.Text, "Félicitations") {
		t.Fatalf("the confirmation congratulates before anything is on: %q", a.confirm.message.Text)
	}
}
