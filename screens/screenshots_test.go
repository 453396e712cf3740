package screens

import (
	"context"
	"database/sql"
	"fmt"
	"image/color"
	"image/png"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/container"
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
	{"move", withEnrolledDirector, func(h *harness) { h.moveScreen(nil) }},
	{"move-error", withEnrolledDirector, func(h *harness) {
		m, _ := h.moveScreen(nil)
		h.typeInto(m.email, "elodie@lucioles.ca")
		h.typeInto(m.password, pw)
		h.typeInto(m.code, "000000")
		test.Tap(m.move)
		m.wait()
	}},
	{"login", withDaycare, func(h *harness) {}},
	// In-person reactivation after a reset (issue 17): the code first,
	// then the QR code; the administrator sees the code once.
	{"reactivation-step", withKarimReset, func(h *harness) { h.signIn("karim@lucioles.ca", pw) }},
	{"reactivation-step-expired", withKarimReset, func(h *harness) {
		h.clock.Advance(apetitspas.ReactivationTTL)
		h.signIn("karim@lucioles.ca", pw)
		h.typeInto(h.ui.reactivate.code, lastReactivation.Code)
		test.Tap(h.ui.reactivate.submitButton)
		h.ui.wait()
	}},
	{"reactivation-code", withEnrolledDirector, func(h *harness) {
		h.enroll("karim@lucioles.ca")
		p := h.openUsers()
		p.tabs.selectIndex(usersTabStaff)
		h.pick(p, "karim@lucioles.ca")
		test.Tap(p.resetMFA)
		test.Tap(p.confirming.confirm)
		h.ui.wait()
	}},
	{"reactivation-users", withKarimReset, func(h *harness) {
		p := h.openUsers()
		p.tabs.selectIndex(usersTabStaff)
		h.pick(p, "karim@lucioles.ca")
	}},
	{"login-error", withDaycare, func(h *harness) { h.signIn("anne@parents.ca", "pas-le-bon") }},
	{"code", withEnrolledDirector, func(h *harness) { h.signIn("elodie@lucioles.ca", pw) }},
	{"qr", withDaycare, func(h *harness) {
		en := h.qrDialog()
		test.Type(en.code, "12345")
		en.submit()
		h.ui.wait()
	}},
	{"qr-grace", withStaffPolicy, func(h *harness) { h.signIn("karim@lucioles.ca", pw) }},
	{"qr-help", withDaycare, func(h *harness) { test.Tap(h.qrDialog().help) }},
	{"congratulations", withDaycare, func(h *harness) {
		en := h.qrDialog()
		test.Type(en.code, h.phoneCode(en.key.Text, 0))
		en.submit()
		h.ui.wait()
	}},
	{"home", withDaycare, func(h *harness) { h.signIn("anne@parents.ca", pw) }},
	{"home-admin", withStaffPolicy, func(h *harness) { h.signInWithCode("elodie@lucioles.ca") }},
	{"report-mfa", withReportStaff, func(h *harness) {
		h.signInWithCode("elodie@lucioles.ca")
		test.Tap(h.ui.shell.home.report)
		h.ui.wait()
	}},
	{"menu", withEnrolledDirector, func(h *harness) {
		h.signInWithCode("elodie@lucioles.ca")
		test.Tap(h.ui.shell.hamburger)
	}},
	{"account", withDaycare, func(h *harness) { h.openAccount("anne@parents.ca") }},
	{"account-confirm", withDaycare, func(h *harness) { test.Tap(h.openAccount("anne@parents.ca").mfaSwitch) }},
	// After the confirmation: the focus on Me déconnecter maintenant, in view.
	{"account-confirmed", withDaycare, func(h *harness) {
		a := h.openAccount("anne@parents.ca")
		test.Tap(a.mfaSwitch)
		test.Tap(a.confirm.activate)
	}},
	// Tab down to the switch: the page scrolled to show it.
	{"account-tab", withDaycare, func(h *harness) {
		a := h.openAccount("elodie@lucioles.ca")
		c := h.win.Canvas()
		for i := 0; i < 40 && c.Focused() != a.mfaSwitch; i++ {
			test.FocusNext(c)
			h.ui.followFocus()
		}
	}},
	{"account-pending", withStaffPolicy, func(h *harness) {
		h.signIn("karim@lucioles.ca", pw)
		test.Tap(h.ui.enroll.later)
		h.ui.shell.show(pageAccount)
	}},
	{"account-on", withEnrolledDirector, func(h *harness) {
		h.signInWithCode("elodie@lucioles.ca")
		h.ui.shell.show(pageAccount)
	}},
	{"help", withDaycare, func(h *harness) {
		h.signIn("anne@parents.ca", pw)
		h.ui.shell.show(pageHelp)
	}},
	{"about", withDaycare, func(h *harness) {
		h.signIn("anne@parents.ca", pw)
		h.ui.shell.show(pageAbout)
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
		h.openAdmin(pageSecurity)
	}},
	{"journal", withEnrolledDirector, func(h *harness) {
		h.signInWithCode("elodie@lucioles.ca")
		h.openJournal()
	}},
	{"main-banners", adminWithoutAMFAndBreakGlass, func(h *harness) { h.signIn("martin@lucioles.ca", pw) }},
	{"main-banners-details", adminWithoutAMFAndBreakGlass, func(h *harness) {
		h.signIn("martin@lucioles.ca", pw)
		h.ui.wait()
		test.Tap(h.ui.integrity.details)
	}},
	{"security-remember", withEnrolledDirector, func(h *harness) {
		p := h.openSecurity()
		test.Tap(p.remember)
	}},
	{"login-tampered", adminWithoutAMFAndBreakGlass, func(h *harness) { h.signIn("karim@lucioles.ca", pw) }},
	{"users-tampered", adminWithoutAMFAndBreakGlass, func(h *harness) {
		h.signIn("martin@lucioles.ca", pw)
		p := h.openUsers()
		p.tabs.selectIndex(usersTabStaff)
		h.pick(p, "karim@lucioles.ca")
	}},
	// The users page no longer offers what the service would refuse (its
	// permission table); the acknowledgement of the warning still asks,
	// and says why it cannot be done yet.
	{"confirm-mfa-required", adminWithoutAMFAndBreakGlass, func(h *harness) {
		h.signIn("martin@lucioles.ca", pw)
		h.ui.wait()
		test.Tap(h.ui.integrity.ack)
		test.Tap(h.ui.integrity.confirm.confirm)
		h.ui.wait()
	}},
	{"integrity-rolled-back", rolledBackEmployee, func(h *harness) { h.signInWithCode("elodie@lucioles.ca") }},
	{"reseal-code", tamperedAdmin, func(h *harness) {
		p := h.openUsers()
		p.tabs.selectIndex(usersTabStaff)
		h.pick(p, "karim@lucioles.ca")
		h.staleCode()
		test.Tap(p.reseal)
	}},
	{"role-confirm", withEnrolledDirector, func(h *harness) {
		p := h.openUsers()
		p.tabs.selectIndex(usersTabParents)
		h.pick(p, "anne@parents.ca")
		p.role.SetSelected(roleText(apetitspas.RoleEmployee))
	}},
	{"reset-confirm", func(h *harness) {
		withEnrolledDirector(h)
		h.enroll("karim@lucioles.ca")
	}, func(h *harness) {
		p := h.openUsers()
		p.tabs.selectIndex(usersTabStaff)
		h.pick(p, "karim@lucioles.ca")
		test.Tap(p.resetMFA)
	}},
	{"erase-confirm", withEnrolledDirector, func(h *harness) {
		p := h.openUsers()
		p.tabs.selectIndex(usersTabParents)
		h.pick(p, "anne@parents.ca")
		h.staleCode()
		test.Tap(p.eraseBtn)
	}},
	{"person-export", withEnrolledDirector, func(h *harness) {
		p := h.openUsers()
		p.tabs.selectIndex(usersTabParents)
		h.pick(p, "anne@parents.ca")
		test.Tap(p.exportBtn)
	}},
	{"incident-register", func(h *harness) {
		withEnrolledDirector(h)
		for i := 0; i < apetitspas.MaxFailedLogins; i++ {
			h.svc.Login(context.Background(), "anne@parents.ca", "mauvais mot de passe")
		}
		h.editDatabase("UPDATE users SET role = 'admin' WHERE email = 'karim@lucioles.ca'")
		h.svc.Login(context.Background(), "karim@lucioles.ca", pw)
	}, func(h *harness) {
		p := h.openSecurity()
		h.ui.wait()
		test.Tap(p.incidents.open)
		h.ui.wait()
	}},
	{"incident-form", func(h *harness) {
		withEnrolledDirector(h)
		h.editDatabase("UPDATE users SET role = 'admin' WHERE email = 'karim@lucioles.ca'")
		h.svc.Login(context.Background(), "karim@lucioles.ca", pw)
	}, func(h *harness) {
		p := h.openSecurity()
		h.ui.wait()
		test.Tap(p.incidents.open)
		h.ui.wait()
		p.incidents.dialog.list.Select(0)
	}},
	{"new-admin", withEnrolledDirector, func(h *harness) {
		p := h.openUsers()
		test.Tap(p.newAccount)
		p.creating.role.SetSelected(roleText(apetitspas.RoleAdmin))
	}},
	{"security-backups", withEnrolledDirector, func(h *harness) {
		h.signInWithCode("elodie@lucioles.ca")
		s, _ := h.openAdmin(pageSecurity).(*securityPage)
		s.content.(*container.Scroll).ScrollToBottom()
	}},
	{"backup-passphrase", withEnrolledDirector, func(h *harness) {
		h.signInWithCode("elodie@lucioles.ca")
		s, _ := h.openAdmin(pageSecurity).(*securityPage)
		h.staleCode()
		s.backups.backupTo("/home/elodie/Documents/garderie-2026-11-26.apetitspas")
		test.Type(s.backups.passphrase.first, "trois petits chats")
	}},
	{"security-retention", withLeavers, func(h *harness) {
		h.signInWithCode("elodie@lucioles.ca")
		s, _ := h.openAdmin(pageSecurity).(*securityPage)
		s.content.(*container.Scroll).ScrollToOffset(fyne.NewPos(0, s.retention.card.Position().Y))
	}},
	{"retention-confirm", withLeavers, func(h *harness) {
		h.signInWithCode("elodie@lucioles.ca")
		s, _ := h.openAdmin(pageSecurity).(*securityPage)
		h.staleCode()
		test.Tap(s.retention.erase)
	}},
	{"retention-delays", withLeavers, func(h *harness) {
		h.signInWithCode("elodie@lucioles.ca")
		s, _ := h.openAdmin(pageSecurity).(*securityPage)
		h.staleCode()
		s.retention.years.SetText("2")
		test.Tap(s.retention.save)
	}},
	{"security-enforce", withEnrolledDirector, func(h *harness) {
		h.signInWithCode("elodie@lucioles.ca")
		s, _ := h.openAdmin(pageSecurity).(*securityPage)
		test.Tap(s.enforce)
	}},
	{"login-locked", withDaycare, func(h *harness) {
		a := h.openAccount("anne@parents.ca")
		for i := 0; i < apetitspas.MaxFailedLogins; i++ {
			a.current.SetText("pas-le-bon")
			a.newPassword.SetText("un-nouveau-mot-de-passe")
			a.confirmPassword.SetText("un-nouveau-mot-de-passe")
			test.Tap(a.changePasswordButton)
			h.ui.wait()
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

func (t variantTheme) ringColor(fyne.ThemeVariant) color.Color {
	return ringColorOf(t.Theme, t.variant)
}

// shotSuffix names the language and variant of the shots being taken.
var shotSuffix = ""

// shoot saves the window at every size in $SCREENS_SHOTS.
func (h *harness) shoot(name string) {
	h.t.Helper()
	dir := os.Getenv("SCREENS_SHOTS")
	for _, s := range screenSizes {
		h.win.Resize(s)
		h.ui.followFocus() // the focus kept in view, as the window's watch does
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
					h.ui.wait()
					h.shoot(s.name)
				})
			}
		}
	}
}

// qrDialog opens the QR dialog of Anne, who just turned her AMF on.
func (h *harness) qrDialog() *enrollScreen {
	h.t.Helper()
	a := h.openAccount("anne@parents.ca")
	test.Tap(a.mfaSwitch)
	test.Tap(a.confirm.activate)
	test.Tap(a.logoutNow)
	h.signIn("anne@parents.ca", pw)
	if h.ui.enroll == nil {
		h.t.Fatal("no QR dialog")
	}
	return h.ui.enroll
}

// withStaffPolicy is withEnrolledDirector with the AMF imposed on the
// staff, 7 days to set it up.
func withStaffPolicy(h *harness) {
	withEnrolledDirector(h)
	if err := h.svc.SetStaffPolicy(context.Background(), h.session("elodie@lucioles.ca"), true, 7, ""); err != nil {
		h.t.Fatal(err)
	}
}

// withReportStaff is withStaffPolicy with more staff for « Rapport AMF »:
// one who asked for the AMF herself, one enrolled, a parent (not shown).
func withReportStaff(h *harness) {
	withStaffPolicy(h)
	h.create("elodie@lucioles.ca", apetitspas.RoleEmployee, "Geneviève Tremblay-Bouchard", "genevieve@lucioles.ca")
	h.create("elodie@lucioles.ca", apetitspas.RoleEmployee, "François Côté", "francois@lucioles.ca")
	h.enroll("francois@lucioles.ca")
	h.create("elodie@lucioles.ca", apetitspas.RoleParent, "Marc Parent", "marc@parents.ca")
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

// rolledBackEmployee: an older copy of Karim's row (from before a wrong
// password) put back in the file.
func rolledBackEmployee(h *harness) {
	withEnrolledDirector(h)
	db, err := sql.Open("sqlite3", h.dbPath)
	if err != nil {
		h.t.Fatal(err)
	}
	defer db.Close()
	var failed, gen int64
	var mac []byte
	if err := db.QueryRow(`SELECT failed_logins, generation, mac FROM users WHERE email = ?`, "karim@lucioles.ca").Scan(&failed, &gen, &mac); err != nil {
		h.t.Fatal(err)
	}
	h.svc.Login(context.Background(), "karim@lucioles.ca", "pas-le-bon-mot-de-passe") //nolint:errcheck // a wrong password, on purpose
	h.editDatabase(`UPDATE users SET failed_logins = ?, generation = ?, mac = ? WHERE email = ?`, failed, gen, mac, "karim@lucioles.ca")
}

// TestScreenshotsOfTheUsersPage draws the users page, the import dialog
// and Sécurité as a director sees them (SCREENS_SHOTS as TestScreenshots).
func TestScreenshotsOfTheUsersPage(t *testing.T) {
	if os.Getenv("SCREENS_SHOTS") == "" {
		t.Skip("set SCREENS_SHOTS to a folder to write the screenshots")
	}

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
	p.tabs.selectIndex(usersTabStaff)
	h.pick(p, "marie-eve.gagnon-tremblay@cpe-les-lucioles.qc.ca")
	h.shoot("users-staff")
	h.win.Resize(fyne.NewSize(1000, 700))
	h.shootAs("users-staff-1000x700")
	p.tabs.selectIndex(usersTabParents)
	h.shoot("users-parents")
	test.Tap(p.importBtn)
	h.shoot("import-start")
	// As Excel in French saves them: semicolons, Windows-1252 (é = E9, ô = F4).
	p.importing.load("parents.csv", []byte("r\xf4le;courriel;nom\r\nparent;julie.tremblay@parents.ca;Julie Tremblay\r\n"+
		"parente;marc@parents.ca;Marc Roy\r\nparent;anne@parents.ca;Anne encore\r\nparent;sophie.lavoie@parents.ca;Sophie Lavoie\r\nparent;oups;Oups\r\n"))
	h.shoot("import-errors")
	p.importing.load("parents.csv", []byte("r\xf4le;courriel;nom\r\nparent;julie.tremblay@parents.ca;Julie Tremblay\r\n"+
		"parent;marc@parents.ca;Marc Roy\r\nparent;sophie.lavoie@parents.ca;Sophie Lavoie\r\nparent;karine.bouchard-gagnon@parents.ca;Karine Bouchard-Gagnon\r\n"+
		"parent;luc@parents.ca;Luc C\xf4t\xe9\r\nparent;chloe@parents.ca;Chlo\xe9 Fortin\r\nparent;samuel@parents.ca;Samuel Morin\r\n"))
	h.shoot("import-preview")
	test.Tap(p.importing.start)
	p.importing.hashed = 3
	p.importing.progress.SetValue(3.0 / 7)
	h.shoot("import-progress")
	h.ui.wait()
	h.shoot("import-passwords")
	test.Tap(p.importing.close)
	s, _ := h.openAdmin(pageSecurity).(*securityPage)
	s.graceEntry.SetText("120")
	test.Tap(s.enforce)
	h.shoot("security")

}
