package screens

import (
	"fmt"
	"image/png"
	"os"
	"path/filepath"
	"testing"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/test"
	"fyne.io/fyne/v2/theme"

	apetitspas "github.com/apetitspas/apetitspas/app"
)

// screenSizes are the window sizes the screenshots are taken at: a small
// laptop, the most common office screen, a full HD one.
var screenSizes = []fyne.Size{{Width: 800, Height: 600}, {Width: 1366, Height: 768}, {Width: 1920, Height: 1080}}

// shoot saves the window at every size in $SCREENS_SHOTS.
func (h *harness) shoot(name string) {
	h.t.Helper()
	dir := os.Getenv("SCREENS_SHOTS")
	for _, s := range screenSizes {
		h.win.Resize(s)
		img := h.win.Canvas().Capture()
		f, err := os.Create(filepath.Join(dir, fmt.Sprintf("%s-%dx%d.png", name, int(s.Width), int(s.Height))))
		if err != nil {
			h.t.Fatal(err)
		}
		if err := png.Encode(f, img); err != nil {
			h.t.Fatal(err)
		}
		f.Close()
	}
	h.win.Resize(screenSizes[1])
}

// TestScreenshots draws the screens changed for the strong actions and the
// tamper warning, headless, at three sizes, to look at them:
//
//	SCREENS_SHOTS=/tmp/shots go test -run TestScreenshots ./screens/
func TestScreenshots(t *testing.T) {
	if os.Getenv("SCREENS_SHOTS") == "" {
		t.Skip("set SCREENS_SHOTS to a folder to write the screenshots")
	}
	t.Run("an administrator without AMF sees both warnings", func(t *testing.T) {
		h := newHarness(t, func(h *harness) {
			withBreakGlass(h)
			h.editDatabase(`UPDATE users SET role = 'admin' WHERE email = ?`, "karim@lucioles.ca")
		})
		fyne.CurrentApp().Settings().SetTheme(theme.DefaultTheme())
		h.signIn("karim@lucioles.ca", pw)
		h.shoot("login-tampered")
		h.signIn("martin@lucioles.ca", pw)
		h.shoot("main-banners")
		p := h.openUsers()
		p.Tabs.SelectIndex(UsersTabStaff)
		p.Select("karim@lucioles.ca")
		h.shoot("users-tampered")
		test.Tap(p.Reseal)
		test.Tap(p.Confirm.Confirm)
		h.ui.Wait()
		h.shoot("confirm-mfa-required")
	})
	t.Run("an administrator with AMF", func(t *testing.T) {
		h := newHarness(t, func(h *harness) {
			withEnrolledDirector(h)
			h.editDatabase(`UPDATE users SET role = 'admin' WHERE email = ?`, "karim@lucioles.ca")
		})
		fyne.CurrentApp().Settings().SetTheme(theme.DefaultTheme())
		p := h.openUsers()
		p.Tabs.SelectIndex(UsersTabStaff)
		p.Select("karim@lucioles.ca")
		h.staleCode()
		test.Tap(p.Reseal)
		h.shoot("reseal-code")
		test.Tap(p.Confirm.Cancel)
		p.Tabs.SelectIndex(UsersTabParents)
		p.Select("anne@parents.ca")
		p.Role.SetSelected("Employé")
		h.shoot("role-confirm")
		test.Tap(p.Confirm.Cancel)
		test.Tap(p.NewAccount)
		p.Create.Role.SetSelected("Administrateur")
		h.shoot("new-admin")
		test.Tap(p.Create.Cancel)
		s, _ := h.openAdmin(PageSecurity).(*SecurityPage)
		test.Tap(s.Enforce)
		h.shoot("security-enforce")
		test.Tap(s.Confirm.Cancel)
		h.openJournal()
		h.shoot("journal")
	})
	t.Run("the lock in Mon compte", func(t *testing.T) {
		h := newHarness(t, withDaycare)
		fyne.CurrentApp().Settings().SetTheme(theme.DefaultTheme())
		h.signIn("anne@parents.ca", pw)
		h.ui.Shell.Show(PageAccount)
		a := h.ui.Shell.Account
		for i := 0; i < apetitspas.MaxFailedLogins; i++ {
			a.Current.SetText("pas-le-bon")
			a.NewPassword.SetText("un-nouveau-mot-de-passe")
			a.ConfirmPassword.SetText("un-nouveau-mot-de-passe")
			test.Tap(a.ChangePassword)
			h.ui.Wait()
		}
		h.shoot("login-locked")
	})
}
