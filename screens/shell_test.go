package screens

import (
	"context"
	"fmt"
	"strconv"
	"strings"
	"testing"
	"time"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/test"
	"fyne.io/fyne/v2/widget"

	"github.com/apetitspas/apetitspas/assets"

	apetitspas "github.com/apetitspas/apetitspas/app"
)

func TestTheHamburgerOpensTheMenuAndTheNameAtTheBottomOpensMonCompte(t *testing.T) {
	h := newHarness(t, withDaycare)
	h.signIn("elodie@lucioles.ca", pw)
	sh := h.ui.Shell
	if sh.MenuOpen() {
		t.Fatal("the menu should start closed")
	}
	test.Tap(sh.Hamburger)
	if !sh.MenuOpen() {
		t.Fatal("tapping the hamburger did not open the menu")
	}
	for _, id := range []string{PageHome, PageUsers, PageSecurity, PageJournal} {
		if sh.MenuItems[id] == nil {
			t.Fatalf("administrator menu lacks %s", id)
		}
	}
	if sh.UserName.Text != "Élodie D'Amour" {
		t.Fatalf("name at the bottom of the menu = %q", sh.UserName.Text)
	}
	// The name is the last thing of the menu, below "Se déconnecter".
	if sh.UserName.Position().Y <= sh.Logout.Position().Y {
		t.Fatal("the user's name should be at the bottom of the menu")
	}
	test.Tap(sh.UserName)
	if sh.Current() != PageAccount || sh.Account == nil || sh.MenuOpen() {
		t.Fatal("tapping the name should open Mon compte and close the menu")
	}
	if sh.Title.Text != "Mon compte" {
		t.Fatalf("title = %q", sh.Title.Text)
	}
	a := sh.Account
	if a.Name.Text != "Élodie D'Amour" || a.Email.Text != "elodie@lucioles.ca" || a.Role.Text != "Administrateur ou administratrice" {
		t.Fatalf("profile = %q %q %q", a.Name.Text, a.Email.Text, a.Role.Text)
	}
	if a.MFASwitch == nil || a.MFASwitch.Checked() || a.MFASwitch.Disabled() || a.MFAState.Text != "Désactivée" {
		t.Fatal("the multi-factor switch should show the stored state: off")
	}
}

func TestAParentSeesNoAdministrationSections(t *testing.T) {
	h := newHarness(t, withDaycare)
	h.signIn("anne@parents.ca", pw)
	sh := h.ui.Shell
	test.Tap(sh.Hamburger)
	for _, id := range []string{PageUsers, PageSecurity, PageJournal} {
		if sh.MenuItems[id] != nil {
			t.Fatalf("a parent sees %s", id)
		}
	}
	sh.Show(PageUsers) // even asked directly, the page does not open
	if sh.Current() != PageHome {
		t.Fatalf("current = %s", sh.Current())
	}
}

func TestTheJournalOpensFromTheMenu(t *testing.T) {
	h := newHarness(t, withDaycare)
	h.signIn("elodie@lucioles.ca", pw)
	test.Tap(h.ui.Shell.Hamburger)
	test.Tap(h.ui.Shell.MenuItems[PageJournal])
	if h.ui.Shell.Current() != PageJournal || h.ui.Shell.Title.Text != "Journal" {
		t.Fatal("the journal page did not open")
	}
}

func TestChangingThePasswordInMonCompte(t *testing.T) {
	h := newHarness(t, withDaycare)
	h.signIn("anne@parents.ca", pw)
	h.ui.Shell.Show(PageAccount)
	a := h.ui.Shell.Account
	h.typeInto(a.Current, "pas-le-bon")
	h.typeInto(a.NewPassword, "un-nouveau-mot-de-passe")
	h.typeInto(a.ConfirmPassword, "un-nouveau-mot-de-passe")
	test.Tap(a.ChangePassword)
	h.ui.Wait()
	if got := a.passwordStatus.Message.Text; got != "Le mot de passe actuel est incorrect." {
		t.Fatalf("message = %q", got)
	}
	a.Current.SetText(pw)
	test.Tap(a.ChangePassword)
	h.ui.Wait()
	if got := a.passwordStatus.Message.Text; got != "Votre mot de passe a été changé." {
		t.Fatalf("message = %q", got)
	}
	if a.Current.Text != "" || a.NewPassword.Text != "" {
		t.Fatal("the password fields should be emptied")
	}
}

func TestSignOutReturnsToTheSignInScreen(t *testing.T) {
	h := newHarness(t, withDaycare)
	h.signIn("anne@parents.ca", pw)
	test.Tap(h.ui.Shell.Hamburger)
	test.Tap(h.ui.Shell.Logout)
	if h.ui.Login == nil || h.ui.Handle() != nil {
		t.Fatal("not back on the sign-in screen")
	}
	if h.events(apetitspas.EventLogout) != 1 {
		t.Fatal("logout not journaled")
	}
}

func TestTenIdleMinutesReturnToTheSignInScreen(t *testing.T) {
	h := newHarness(t, withDaycare)
	h.signIn("anne@parents.ca", pw)
	h.clock.Advance(9 * time.Minute)
	h.ui.idle.check()
	if h.ui.Shell == nil {
		t.Fatal("locked before 10 minutes")
	}
	test.Tap(h.ui.Shell.Hamburger) // activity restarts the delay
	h.clock.Advance(9 * time.Minute)
	h.ui.idle.check()
	if h.ui.Shell == nil {
		t.Fatal("activity did not restart the delay")
	}
	h.clock.Advance(time.Minute)
	h.ui.idle.check()
	if h.ui.Login == nil {
		t.Fatal("still signed in after 10 idle minutes")
	}
	if h.ui.Login.email.Text != "" || h.ui.Login.status.Message.Text == "" {
		t.Fatal("the sign-in should explain the lock and not show whose session it was")
	}
	if h.events(apetitspas.EventIdleLock) != 1 {
		t.Fatal("idle lock not journaled")
	}
}

func TestAboutShowsTheVersionWithoutTheBuild(t *testing.T) {
	h := newHarness(t, withDaycare)
	h.signIn("anne@parents.ca", pw)
	test.Tap(h.ui.Shell.Hamburger)
	test.Tap(h.ui.Shell.MenuItems[PageAbout])
	if h.ui.Shell.Current() != PageAbout || h.ui.Shell.Title.Text != "À propos" {
		t.Fatal("À propos did not open")
	}
	found := false
	for _, o := range test.LaidOutObjects(h.win.Content()) {
		if l, ok := o.(*widget.Label); ok && l.Text == "Version "+assets.Version {
			found = true
		}
	}
	if !found {
		t.Fatal("the version is not shown")
	}
}

func TestTenWrongCurrentPasswordsInMonCompteEndTheSessionOnTheSignInScreen(t *testing.T) {
	h := newHarness(t, withDaycare)
	h.signIn("anne@parents.ca", pw)
	h.ui.Shell.Show(PageAccount)
	a := h.ui.Shell.Account
	for i := 1; i <= apetitspas.MaxFailedLogins; i++ {
		if h.ui.Shell == nil {
			t.Fatalf("the session ended after %d wrong passwords", i-1)
		}
		a.Current.SetText("pas-le-bon-" + strconv.Itoa(i))
		a.NewPassword.SetText("un-nouveau-mot-de-passe")
		a.ConfirmPassword.SetText("un-nouveau-mot-de-passe")
		test.Tap(a.ChangePassword)
		h.ui.Wait()
		if i < apetitspas.MaxFailedLogins && a.passwordStatus.Message.Text != "Le mot de passe actuel est incorrect." {
			t.Fatalf("try %d: %q", i, a.passwordStatus.Message.Text)
		}
	}
	l := h.ui.Login
	if l == nil || h.ui.Handle() != nil {
		t.Fatal("the tenth wrong password should end the session")
	}
	if msg := l.status.Message; !strings.Contains(msg.Text, "Ce compte est verrouillé") || msg.Importance != widget.DangerImportance {
		t.Fatalf("message = %q", msg.Text)
	}
	if l.email.Text != "" {
		t.Fatalf("e-mail = %q: left for the next person", l.email.Text)
	}
	if h.events(apetitspas.EventPasswordChangeFailed) != apetitspas.MaxFailedLogins || h.events(apetitspas.EventLoginLocked) != 1 {
		t.Fatal("not journaled")
	}
	h.signIn("anne@parents.ca", pw)
	if h.ui.Shell != nil {
		t.Fatal("the locked account signed in")
	}
}

// everyPage is the id of every page of the registry.
func everyPage() []string {
	var ids []string
	for _, p := range pages() {
		ids = append(ids, p.id)
	}
	return ids
}

func TestMovingBetweenEveryPageNeverResizesTheWindow(t *testing.T) {
	for _, size := range screenSizes {
		t.Run(fmt.Sprintf("%.0fx%.0f", size.Width, size.Height), func(t *testing.T) {
			h := newHarness(t, withEnrolledDirector)
			h.win.Resize(size)
			h.signInWithCode("elodie@lucioles.ca")
			for _, id := range append(everyPage(), PageHome) {
				h.ui.Shell.Show(id)
				h.ui.Wait()
				if h.ui.Shell.Current() != id {
					t.Fatalf("page %s did not open", id)
				}
				// A real window grows to its content's minimum size.
				if m := h.win.Content().MinSize(); m.Width > size.Width || m.Height > size.Height {
					t.Errorf("page %s needs %v: the window would grow from %v", id, m, size)
				}
				if got := h.win.Canvas().Size(); got != size {
					t.Errorf("page %s: window %v, want %v", id, got, size)
				}
			}
		})
	}
}

func TestTheMenuHighlightsTheOpenPage(t *testing.T) {
	h := newHarness(t, withEnrolledDirector)
	h.signInWithCode("elodie@lucioles.ca")
	sh := h.ui.Shell
	for _, id := range everyPage() {
		sh.ToggleMenu()
		if h.win.Canvas().Focused() != sh.MenuItems[sh.Current()] {
			t.Fatalf("on %s, opening the menu should focus its entry", sh.Current())
		}
		test.Tap(sh.MenuItems[id])
		h.ui.Wait()
		for pid, b := range sh.MenuItems {
			if (pid == id) != (b.Importance == widget.MediumImportance) {
				t.Errorf("on %s, the entry %s has importance %v", id, pid, b.Importance)
			}
		}
	}
}

func TestThirtySecondsBeforeTheIdleLockACountdownShowsThatAnyInputCancels(t *testing.T) {
	h := newHarness(t, withDaycare)
	h.signIn("anne@parents.ca", pw)
	w := h.ui.idle
	h.clock.Advance(9*time.Minute + 29*time.Second)
	w.check()
	if w.Warning.Visible() {
		t.Fatal("the countdown shows too early")
	}
	h.clock.Advance(2 * time.Second)
	w.check()
	if !w.Warning.Visible() || !strings.Contains(w.WarningText.Text, "29\u00a0s") {
		t.Fatalf("no countdown 29 s before the lock: %v %q", w.Warning.Visible(), w.WarningText.Text)
	}
	h.clock.Advance(time.Second)
	w.check()
	if !strings.Contains(w.WarningText.Text, "28\u00a0s") {
		t.Fatalf("the countdown does not count: %q", w.WarningText.Text)
	}
	// Moving the mouse over the window cancels it.
	test.MoveMouse(h.win.Canvas(), fyne.NewPos(400, 300))
	w.check()
	if w.Warning.Visible() || h.ui.Shell == nil {
		t.Fatal("input did not cancel the countdown")
	}
	h.clock.Advance(10 * time.Minute)
	w.check()
	if h.ui.Login == nil {
		t.Fatal("not locked after 10 idle minutes")
	}
	if imp := h.ui.Login.status.Message.Importance; imp != widget.MediumImportance {
		t.Fatalf("the notice after the lock has importance %v, want a neutral one", imp)
	}
}

func TestAKeyboardReachesTheMenuMonCompteAndSignsOut(t *testing.T) {
	h := newHarness(t, withDaycare)
	h.signIn("anne@parents.ca", pw)
	c := h.win.Canvas()
	sh := h.ui.Shell
	test.FocusNext(c)
	if c.Focused() != sh.Hamburger {
		t.Fatal("Tab should start at the hamburger")
	}
	pressSpaceOn(c)
	if !sh.MenuOpen() || c.Focused() != sh.MenuItems[PageHome] {
		t.Fatal("Space on the hamburger should open the menu on the open page's entry")
	}
	for c.Focused() != sh.UserName {
		test.FocusNext(c)
	}
	pressSpaceOn(c)
	if sh.Current() != PageAccount || c.Focused() != sh.Hamburger {
		t.Fatal("Space on the name should open Mon compte and give the focus back to the hamburger")
	}
	for i := 0; i < 5; i++ {
		test.FocusNext(c)
	}
	if c.Focused() != sh.Account.MFASwitch {
		t.Fatalf("five Tabs from the hamburger should reach the switch, not %T", c.Focused())
	}
	test.FocusPrevious(c)
	for c.Focused() != sh.Hamburger {
		test.FocusPrevious(c)
	}
	pressSpaceOn(c)
	if c.Focused() != sh.UserName {
		t.Fatal("on Mon compte, the menu opens on the name")
	}
	test.FocusPrevious(c)
	if c.Focused() != sh.Logout {
		t.Fatal("Shift+Tab from the name should reach « Se déconnecter »")
	}
	pressSpaceOn(c)
	if h.ui.Login == nil || h.ui.Login.password.Text != "" {
		t.Fatal("Space on « Se déconnecter » should sign out, the password field empty")
	}
}

func TestAccueilShowsTheOwnAMFStateAndWhatWaitsForAnAdministrator(t *testing.T) {
	h := newHarness(t, func(h *harness) {
		withEnrolledDirector(h)
		if err := h.svc.SetStaffPolicy(context.Background(), h.session("elodie@lucioles.ca"), true, 7, ""); err != nil {
			h.t.Fatal(err)
		}
	})
	h.signInWithCode("elodie@lucioles.ca")
	home := h.ui.Shell.Home
	if home == nil || !strings.Contains(home.MFA.Text, "Activée depuis le "+formatDate(h.clock.Now())) {
		t.Fatalf("Accueil should say since when the AMF is on: %q", home.MFA.Text)
	}
	if !strings.Contains(home.Staff.Text, "1 membre du personnel") {
		t.Fatalf("Accueil should count the staff still to set up the AMF: %q", home.Staff.Text)
	}
	h.signOut()
	h.signIn("karim@lucioles.ca", pw)
	test.Tap(h.ui.Enroll.Later)
	home = h.ui.Shell.Home
	due := h.user("karim@lucioles.ca").MFADue
	if !strings.Contains(home.MFA.Text, "À configurer avant le "+formatDateTime(due)) || home.Staff.Visible() {
		t.Fatalf("an employee sees her deadline and no administration: %q", home.MFA.Text)
	}
	h.ui.Shell.Show(PageAccount)
	if a := h.ui.Shell.Account; !a.MFAWhen.Visible() || !strings.Contains(a.MFAWhen.Text, formatDateTime(due)) {
		t.Fatalf("Mon compte should show the deadline: %q", a.MFAWhen.Text)
	}
}

// Administrators are told on Accueil what the rules cannot stop on this
// computer: no service holds the data (the window's own OS account runs
// them), or the OS account is the computer's administrator. Staff and
// parents are not; a window served by a service on a standard account
// shows nothing.
func TestAccueilTellsAdministratorsWhatTheComputerCannotStop(t *testing.T) {
	h := newHarness(t, withEnrolledDirector)
	h.signInWithCode("elodie@lucioles.ca")
	home := h.ui.Shell.Home
	if !home.Protection.Visible() || !strings.HasPrefix(home.Protection.Text, "Le service À petits pas n'est pas installé sur cet ordinateur") ||
		home.Protection.Importance != widget.WarningImportance {
		t.Fatalf("embedded: %q", home.Protection.Text)
	}
	if strings.Contains(home.Protection.Text, "administrateur de l'ordinateur") || strings.Contains(home.Protection.Text, "en est administrateur") {
		t.Fatalf("not an OS administrator: %q", home.Protection.Text)
	}
	home.showProtection(false, true)
	if !home.Protection.Visible() || !strings.Contains(home.Protection.Text, "peut arrêter le service À petits pas et lire sa clé") {
		t.Fatalf("OS administrator: %q", home.Protection.Text)
	}
	home.showProtection(false, false)
	if home.Protection.Visible() {
		t.Fatalf("served by a service, standard account: %q", home.Protection.Text)
	}

	// An employee sees none of it, even on the computer's administrator.
	h2 := newHarness(t, func(h *harness) {
		withDaycare(h)
		h.enroll("karim@lucioles.ca")
	})
	h2.ui.OSAdmin = true
	h2.signInAs("karim@lucioles.ca")
	if h2.ui.Shell.Home == nil || h2.ui.Shell.Home.Protection != nil {
		t.Fatal("an employee is told of the computer's protection")
	}
}
