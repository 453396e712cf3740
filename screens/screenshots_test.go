package screens

import (
	"context"
	"fmt"
	"image/color"
	"image/png"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/test"
	"fyne.io/fyne/v2/theme"

	apetitspas "github.com/apetitspas/apetitspas/app"
)

// The screenshot gallery (make screenshots): every screen and dialog,
// headless, at three window sizes, in French and English, light and dark:
//
//	SCREENS_SHOTS=/tmp/shots go test -run TestScreenshots ./screens/
//	SCREENS_SHOTS=/tmp/shots SCREENS_ONLY=qr,home go test -run TestScreenshots ./screens/
//
// Files are named NAME-LANG-VARIANT-WxH.png. To add a screen, add a line
// to gallery: its name, the database before the window opens, and what a
// person does to reach it.

// screenSizes are the window sizes the screenshots are taken at: a small
// laptop, the most common office screen, a full HD one.
var screenSizes = []fyne.Size{{Width: 800, Height: 600}, {Width: 1366, Height: 768}, {Width: 1920, Height: 1080}}

// shot is one screen of the gallery.
type shot struct {
	name  string
	setup func(h *harness) // the database before the window; nil for a new one
	show  func(h *harness) // what a person does to reach the screen
}

var gallery = []shot{
	{"first-run", nil, func(h *harness) {}},
	{"login", withDaycare, func(h *harness) {}},
	{"login-error", withDaycare, func(h *harness) { h.signIn("anne@parents.ca", "pas-le-bon") }},
	{"code", withEnrolledDirector, func(h *harness) { h.signIn("elodie@lucioles.ca", pw) }},
	{"qr", withDaycare, func(h *harness) {
		en := h.qrDialog()
		test.Type(en.Code, "12345")
		en.submit()
		h.ui.Wait()
	}},
	{"qr-grace", withStaffPolicy, func(h *harness) { h.signIn("karim@lucioles.ca", pw) }},
	{"qr-help", withDaycare, func(h *harness) { test.Tap(h.qrDialog().Help) }},
	{"congratulations", withDaycare, func(h *harness) {
		en := h.qrDialog()
		test.Type(en.Code, h.phoneCode(en.Key.Text, 0))
		en.submit()
		h.ui.Wait()
	}},
	{"home", withDaycare, func(h *harness) { h.signIn("anne@parents.ca", pw) }},
	{"home-admin", withStaffPolicy, func(h *harness) { h.signInWithCode("elodie@lucioles.ca") }},
	{"menu", withEnrolledDirector, func(h *harness) {
		h.signInWithCode("elodie@lucioles.ca")
		test.Tap(h.ui.Shell.Hamburger)
	}},
	{"account", withDaycare, func(h *harness) { h.openAccount("anne@parents.ca") }},
	{"account-confirm", withDaycare, func(h *harness) { test.Tap(h.openAccount("anne@parents.ca").MFASwitch) }},
	{"account-pending", withStaffPolicy, func(h *harness) {
		h.signIn("karim@lucioles.ca", pw)
		test.Tap(h.ui.Enroll.Later)
		h.ui.Shell.Show(PageAccount)
	}},
	{"account-on", withEnrolledDirector, func(h *harness) {
		h.signInWithCode("elodie@lucioles.ca")
		h.ui.Shell.Show(PageAccount)
	}},
	{"help", withDaycare, func(h *harness) {
		h.signIn("anne@parents.ca", pw)
		h.ui.Shell.Show(PageHelp)
	}},
	{"about", withDaycare, func(h *harness) {
		h.signIn("anne@parents.ca", pw)
		h.ui.Shell.Show(PageAbout)
	}},
	{"idle-countdown", withDaycare, func(h *harness) {
		h.signIn("anne@parents.ca", pw)
		h.clock.Advance(9*60e9 + 40e9)
		h.ui.idle.check()
	}},
	{"idle-locked", withDaycare, func(h *harness) {
		h.signIn("anne@parents.ca", pw)
		h.clock.Advance(11 * 60e9)
		h.ui.idle.check()
	}},
	{"users", withEnrolledDirector, func(h *harness) { h.openUsers() }},
	{"security", withEnrolledDirector, func(h *harness) {
		h.signInWithCode("elodie@lucioles.ca")
		h.openAdmin(PageSecurity)
	}},
	{"journal", withEnrolledDirector, func(h *harness) {
		h.signInWithCode("elodie@lucioles.ca")
		h.openJournal()
	}},
	{"main-banners", adminWithoutAMFAndBreakGlass, func(h *harness) { h.signIn("martin@lucioles.ca", pw) }},
	{"login-tampered", adminWithoutAMFAndBreakGlass, func(h *harness) { h.signIn("karim@lucioles.ca", pw) }},
	{"users-tampered", adminWithoutAMFAndBreakGlass, func(h *harness) {
		h.signIn("martin@lucioles.ca", pw)
		p := h.openUsers()
		p.Tabs.SelectIndex(UsersTabStaff)
		p.Select("karim@lucioles.ca")
	}},
	{"confirm-mfa-required", adminWithoutAMFAndBreakGlass, func(h *harness) {
		h.signIn("martin@lucioles.ca", pw)
		p := h.openUsers()
		p.Tabs.SelectIndex(UsersTabStaff)
		p.Select("karim@lucioles.ca")
		test.Tap(p.Reseal)
		test.Tap(p.Confirm.Confirm)
		h.ui.Wait()
	}},
	{"reseal-code", tamperedAdmin, func(h *harness) {
		p := h.openUsers()
		p.Tabs.SelectIndex(UsersTabStaff)
		p.Select("karim@lucioles.ca")
		h.staleCode()
		test.Tap(p.Reseal)
	}},
	{"role-confirm", withEnrolledDirector, func(h *harness) {
		p := h.openUsers()
		p.Tabs.SelectIndex(UsersTabParents)
		p.Select("anne@parents.ca")
		p.Role.SetSelected(RoleText(apetitspas.RoleEmployee))
	}},
	{"new-admin", withEnrolledDirector, func(h *harness) {
		p := h.openUsers()
		test.Tap(p.NewAccount)
		p.Create.Role.SetSelected(RoleText(apetitspas.RoleAdmin))
	}},
	{"security-enforce", withEnrolledDirector, func(h *harness) {
		h.signInWithCode("elodie@lucioles.ca")
		s, _ := h.openAdmin(PageSecurity).(*SecurityPage)
		test.Tap(s.Enforce)
	}},
	{"login-locked", withDaycare, func(h *harness) {
		a := h.openAccount("anne@parents.ca")
		for i := 0; i < apetitspas.MaxFailedLogins; i++ {
			a.Current.SetText("pas-le-bon")
			a.NewPassword.SetText("un-nouveau-mot-de-passe")
			a.ConfirmPassword.SetText("un-nouveau-mot-de-passe")
			test.Tap(a.ChangePassword)
			h.ui.Wait()
		}
	}},
}

// galleryTheme is the application's theme, drawn in both variants.
var galleryTheme = Theme

// variantTheme draws a theme in one variant whatever the system's.
type variantTheme struct {
	fyne.Theme
	variant fyne.ThemeVariant
}

func (t variantTheme) Color(n fyne.ThemeColorName, _ fyne.ThemeVariant) color.Color {
	return t.Theme.Color(n, t.variant)
}

// shotSuffix names the language and variant of the shots being taken.
var shotSuffix = ""

// shoot saves the window at every size in $SCREENS_SHOTS.
func (h *harness) shoot(name string) {
	h.t.Helper()
	dir := os.Getenv("SCREENS_SHOTS")
	for _, s := range screenSizes {
		h.win.Resize(s)
		img := h.win.Canvas().Capture()
		f, err := os.Create(filepath.Join(dir, fmt.Sprintf("%s%s-%dx%d.png", name, shotSuffix, int(s.Width), int(s.Height))))
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

func TestScreenshots(t *testing.T) {
	dir := os.Getenv("SCREENS_SHOTS")
	if dir == "" {
		t.Skip("set SCREENS_SHOTS to a folder to write the screenshots")
	}
	if err := os.MkdirAll(dir, 0o755); err != nil {
		t.Fatal(err)
	}
	only := map[string]bool{}
	for _, n := range strings.Split(os.Getenv("SCREENS_ONLY"), ",") {
		if n != "" {
			only[n] = true
		}
	}
	defer func() {
		shotSuffix = ""
		_ = UseLanguage("fr")
	}()
	variants := map[string]fyne.ThemeVariant{"light": theme.VariantLight, "dark": theme.VariantDark}
	for _, language := range []string{"fr", "en"} {
		if err := UseLanguage(language); err != nil {
			t.Fatal(err)
		}
		for _, vname := range []string{"light", "dark"} {
			for _, s := range gallery {
				if len(only) > 0 && !only[s.name] {
					continue
				}
				t.Run(s.name+"-"+language+"-"+vname, func(t *testing.T) {
					h := newHarness(t, s.setup)
					fyne.CurrentApp().Settings().SetTheme(variantTheme{galleryTheme(), variants[vname]})
					shotSuffix = "-" + language + "-" + vname
					s.show(h)
					h.ui.Wait()
					h.shoot(s.name)
				})
			}
		}
	}
}

// qrDialog opens the QR dialog of Anne, who just turned her AMF on.
func (h *harness) qrDialog() *EnrollScreen {
	h.t.Helper()
	a := h.openAccount("anne@parents.ca")
	test.Tap(a.MFASwitch)
	test.Tap(a.Confirm.Activate)
	test.Tap(a.LogoutNow)
	h.signIn("anne@parents.ca", pw)
	if h.ui.Enroll == nil {
		h.t.Fatal("no QR dialog")
	}
	return h.ui.Enroll
}

// withStaffPolicy is withEnrolledDirector with the AMF imposed on the
// staff, 7 days to set it up.
func withStaffPolicy(h *harness) {
	withEnrolledDirector(h)
	if err := h.svc.SetStaffPolicy(context.Background(), h.session("elodie@lucioles.ca"), true, 7, ""); err != nil {
		h.t.Fatal(err)
	}
}

// adminWithoutAMFAndBreakGlass: a break-glass reset waits, and Karim
// was made administrator in the file, outside the application.
func adminWithoutAMFAndBreakGlass(h *harness) {
	withBreakGlass(h)
	h.editDatabase(`UPDATE users SET role = 'admin' WHERE email = ?`, "karim@lucioles.ca")
}

// tamperedAdmin: Élodie (AMF on) and Karim made administrator in the file.
func tamperedAdmin(h *harness) {
	withEnrolledDirector(h)
	h.editDatabase(`UPDATE users SET role = 'admin' WHERE email = ?`, "karim@lucioles.ca")
}
