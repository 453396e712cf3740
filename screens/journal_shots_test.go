package screens

import (
	"context"
	"os"
	"testing"
	"time"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/test"
	"fyne.io/fyne/v2/theme"

	apetitspas "github.com/apetitspas/apetitspas/app"
)

// withBusyJournal is withDaycare with a journal a director would read: a
// policy imposed with a grace period, wrong passwords, a disabled account.
func withBusyJournal(h *harness) {
	h.t.Helper()
	withEnrolledDirector(h)
	ctx := context.Background()
	h.clock.Advance(11*time.Hour + 50*time.Minute)
	a := h.session("elodie@lucioles.ca")
	if err := h.svc.SetStaffPolicy(ctx, a, true, 7, ""); err != nil {
		h.t.Fatal(err)
	}
	h.clock.Advance(5 * time.Minute)
	for i := 0; i < 2; i++ {
		_, _ = h.svc.Login(ctx, "anne@parents.ca", "pas-le-bon")
	}
	_, _ = h.svc.Login(ctx, "quelquun@exemple.ca", "pas-le-bon")
	h.clock.Advance(7 * time.Minute)
	if err := h.svc.SetDisabled(ctx, a, "anne@parents.ca", true, ""); err != nil {
		h.t.Fatal(err)
	}
	if err := h.svc.SetIdleMinutes(ctx, a, 10); err != nil {
		h.t.Fatal(err)
	}
	h.clock.Advance(time.Minute)
}

// TestJournalScreenshots draws Journal (the list, then one event's
// details) at the three sizes:
//
//	SCREENS_SHOTS=/tmp/shots go test -run TestJournalScreenshots ./screens/
func TestJournalScreenshots(t *testing.T) {
	if os.Getenv("SCREENS_SHOTS") == "" {
		t.Skip("set SCREENS_SHOTS to a folder to write the screenshots")
	}
	h := newHarness(t, withBusyJournal)
	fyne.CurrentApp().Settings().SetTheme(theme.DefaultTheme())
	h.signInAs("elodie@lucioles.ca")
	p := h.openJournal()
	h.shoot("journal-list")
	for i, e := range p.events {
		if e.Event == apetitspas.EventPolicyEnforced {
			p.list.Select(i)
		}
	}
	h.shoot("journal-detail")
	p.detail.Hide()
	p.list.UnselectAll()
	h.win.Resize(screenSizes[0])
	test.Tap(p.from.button)
	h.shoot("journal-calendar")
	p.from.close()
}

// TestJournalScreenshotsInEnglish draws the list and one event in English.
func TestJournalScreenshotsInEnglish(t *testing.T) {
	if os.Getenv("SCREENS_SHOTS") == "" {
		t.Skip("set SCREENS_SHOTS to a folder to write the screenshots")
	}
	inEnglish(t)
	h := newHarness(t, withBusyJournal)
	fyne.CurrentApp().Settings().SetTheme(theme.DefaultTheme())
	h.signInAs("elodie@lucioles.ca")
	p := h.openJournal()
	for i, e := range p.events {
		if e.Event == apetitspas.EventPolicyEnforced {
			p.list.Select(i)
		}
	}
	h.shoot("journal-en-detail")
}
