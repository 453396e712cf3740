package screens

import (
	"context"
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

// shootAs saves the window, at the size it has, in $SCREENS_SHOTS.
func (h *harness) shootAs(name string) {
	h.t.Helper()
	f, err := os.Create(filepath.Join(os.Getenv("SCREENS_SHOTS"), name+".png"))
	if err != nil {
		h.t.Fatal(err)
	}
	defer f.Close()
	if err := png.Encode(f, h.win.Canvas().Capture()); err != nil {
		h.t.Fatal(err)
	}
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
		p.tabs.SelectIndex(UsersTabStaff)
		p.Select("karim@lucioles.ca")
		h.shoot("users-tampered")
		test.Tap(p.reseal)
		test.Tap(p.confirming.confirm)
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
		p.tabs.SelectIndex(UsersTabStaff)
		p.Select("karim@lucioles.ca")
		h.staleCode()
		test.Tap(p.reseal)
		h.shoot("reseal-code")
		test.Tap(p.confirming.cancel)
		p.tabs.SelectIndex(UsersTabParents)
		p.Select("anne@parents.ca")
		p.role.SetSelected("Employé")
		h.shoot("role-confirm")
		test.Tap(p.confirming.cancel)
		test.Tap(p.newAccount)
		p.creating.role.SetSelected("Administrateur")
		h.shoot("new-admin")
		test.Tap(p.creating.cancel)
		s, _ := h.openAdmin(PageSecurity).(*SecurityPage)
		test.Tap(s.enforce)
		h.shoot("security-enforce")
		test.Tap(s.confirming.cancel)
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
	t.Run("the users page", func(t *testing.T) {
		h := newHarness(t, func(h *harness) {
			withEnrolledDirector(h)
			h.create("elodie@lucioles.ca", apetitspas.RoleAdmin, "Marie-Ève Gagnon-Tremblay", "marie-eve.gagnon-tremblay@cpe-les-lucioles.qc.ca")
			h.create("elodie@lucioles.ca", apetitspas.RoleEmployee, "Œlise Bouchard", "oelise@lucioles.ca")
			h.create("elodie@lucioles.ca", apetitspas.RoleEmployee, "Zoé Roy", "zoe@lucioles.ca")
			if err := h.svc.SetStaffPolicy(context.Background(), h.session("elodie@lucioles.ca"), true, 7, ""); err != nil {
				t.Fatal(err)
			}
			h.enroll("zoe@lucioles.ca")
			for i := 0; i < apetitspas.MaxFailedLogins; i++ {
				h.svc.Login(context.Background(), "oelise@lucioles.ca", "pas-le-bon-mot")
			}
			if err := h.svc.SetDisabled(context.Background(), h.session("elodie@lucioles.ca"), "karim@lucioles.ca", true, ""); err != nil {
				t.Fatal(err)
			}
		})
		fyne.CurrentApp().Settings().SetTheme(theme.DefaultTheme())
		p := h.openUsers()
		p.tabs.SelectIndex(UsersTabStaff)
		p.Select("marie-eve.gagnon-tremblay@cpe-les-lucioles.qc.ca")
		h.shoot("users-staff")
		h.win.Resize(fyne.NewSize(1000, 700))
		h.shootAs("users-staff-1000x700")
		p.tabs.SelectIndex(UsersTabParents)
		h.shoot("users-parents")
		test.Tap(p.importBtn)
		h.shoot("import-start")
		p.importing.load("parents.csv", []byte("role,email,name\nparent,julie.tremblay@parents.ca,Julie Tremblay\n"+
			"parente,marc@parents.ca,Marc Roy\nparent,anne@parents.ca,Anne encore\nparent,sophie.lavoie@parents.ca,Sophie Lavoie\nparent,oups,Oups\n"))
		h.shoot("import-errors")
		p.importing.load("parents.csv", []byte("role,email,name\nparent,julie.tremblay@parents.ca,Julie Tremblay\n"+
			"parent,marc@parents.ca,Marc Roy\nparent,sophie.lavoie@parents.ca,Sophie Lavoie\nparent,karine.bouchard-gagnon@parents.ca,Karine Bouchard-Gagnon\n"+
			"parent,luc@parents.ca,Luc Côté\nparent,chloe@parents.ca,Chloé Fortin\nparent,samuel@parents.ca,Samuel Morin\n"))
		h.shoot("import-preview")
		test.Tap(p.importing.start)
		p.importing.hashed = 3
		p.importing.progress.SetValue(3.0 / 7)
		h.shoot("import-progress")
		h.ui.Wait()
		h.shoot("import-passwords")
		test.Tap(p.importing.close)
		s, _ := h.openAdmin(PageSecurity).(*SecurityPage)
		s.graceEntry.SetText("120")
		test.Tap(s.enforce)
		h.shoot("security")
	})
}
