package screens

import (
	"fmt"
	"image/png"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/test"

	apetitspas "github.com/apetitspas/apetitspas/app"
)

func TestTheServerWaitScreenRetriesWhenAskedAndSaysWhy(t *testing.T) {
	test.NewTempApp(t)
	tries := 0
	lost := &apetitspas.Error{Code: apetitspas.EUNAVAILABLE, Reason: apetitspas.ReasonDBServer}
	sw := NewServerWait(lost, func() { tries++ })
	for _, size := range screenSizes {
		w := test.NewWindow(sw.Content())
		w.Resize(size)
		w.Content().Refresh() // as the first frame does
		if got := w.Canvas().Size(); got.Width > size.Width || got.Height > size.Height {
			t.Errorf("at %v the window grew to %v", size, got)
		}
		if dir := os.Getenv("SCREENS_SHOTS"); dir != "" {
			f, err := os.Create(filepath.Join(dir, "server-wait-"+sizeName(size)+".png"))
			if err == nil {
				_ = png.Encode(f, w.Canvas().Capture())
				f.Close()
			}
		}
		w.Close()
	}
	if !strings.Contains(sw.message.Text, "ne répond pas") {
		t.Fatalf("message %q", sw.message.Text)
	}
	test.Tap(sw.retry)
	if tries != 1 {
		t.Fatalf("« Réessayer maintenant » tried %d times", tries)
	}
	sw.Trying()
	test.Tap(sw.retry)
	if tries != 1 {
		t.Fatal("a second try started while one is under way")
	}
	sw.Failed(&apetitspas.Error{Code: apetitspas.EUNAVAILABLE, Reason: apetitspas.ReasonDBLogin})
	if !strings.Contains(sw.message.Text, "mot de passe") || sw.retry.Disabled() {
		t.Fatalf("after a failed try: %q, button disabled %v", sw.message.Text, sw.retry.Disabled())
	}
}

func sizeName(s fyne.Size) string { return fmt.Sprintf("%.0fx%.0f", s.Width, s.Height) }
