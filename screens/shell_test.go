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
	sh := h.ui.shell
	if sh.menuOpen() {
		t.Fatal("the menu should start closed")
	}
	test.Tap(sh.hamburger)
	if !sh.menuOpen() {
		t.Fatal("tapping the hamburger did not open the menu")
	}
	for _, id := range []string{pageHome, pageUsers, pageSecurity, pageJournal} {
		if sh.menuItems[id] == nil {
			t.Fatalf("administrator menu lacks %s", id)
		}
	}
	if sh.userName.Text != "Élodie D'Amour" {
		t.Fatalf("name at the bottom of the menu = %q", sh.userName.Text)
	}
	// The name is the last thing of the menu, below "Se déconnecter".
	if sh.userName.Position().Y <= sh.logout.Position().Y {
		t.Fatal("the user's name should be at the bottom of the menu")
	}
	test.Tap(sh.userName)
	if sh.current != pageAccount || sh.account == nil || sh.menuOpen() {
		t.Fatal("tapping the name should open Mon compte and close the menu")
	}
	if sh.title.Text != "Mon compte" {
		t.Fatalf("title = %q", sh.title.Text)
	}
	a := sh.account
	if a.name.Text != "Élodie D'Amour" || a.email.Text != "elodie@lucioles.ca" || a.role.Text != "Administrateur ou administratrice" {
		t.Fatalf("profile = %q %q %q", a.name.Text, a.email.Text, a.role.Text)
	}
	if a.mfaSwitch == nil || a.mfaSwitch.checked || a.mfaSwitch.Disabled() || a.mfaState.Text != "Désactivée" {
		t.Fatal("the multi-factor switch should show the stored state: off")
	}
}

func TestAParentSeesNoAdministrationSections(t *testing.T) {
	h := newHarness(t, withDaycare)
	h.signIn("anne@parents.ca", pw)
	sh := h.ui.shell
	test.Tap(sh.hamburger)
	for _, id := range []string{pageUsers, pageSecurity, pageJournal} {
		if sh.menuItems[id] != nil {
			t.Fatalf("a parent sees %s", id)
		}
	}
	sh.show(pageUsers) // even asked directly, the page does not open
	if sh.current != pageHome {
		t.Fatalf("current = %s", sh.current)
	}
}

func TestTheJournalOpensFromTheMenu(t *testing.T) {
	h := newHarness(t, withDaycare)
	h.signIn("elodie@lucioles.ca", pw)
	test.Tap(h.ui.shell.hamburger)
	test.Tap(h.ui.shell.menuItems[pageJournal])
	if h.ui.shell.current != pageJournal || h.ui.shell.title.Text != "Journal" {
		t.Fatal("the journal page did not open")
	}
}

func TestChangingThePasswordInMonCompte(t *testing.T) {
	h := newHarness(t, withDaycare)
	h.signIn("anne@parents.ca", pw)
	h.ui.shell.show(pageAccount)
	a := h.ui.shell.account
	h.typeInto(a.current, "pas-le-bon")
	h.typeInto(a.newPassword, "un-nouveau-mot-de-passe")
	h.typeInto(a.confirmPassword, "un-nouveau-mot-de-passe")
	test.Tap(a.changePasswordButton)
	h.ui.wait()
	if got := a.passwordStatus.message.Text; got != "Le mot de passe actuel est incorrect." {
		t.Fatalf("message = %q", got)
	}
	a.current.SetText(pw)
	test.Tap(a.changePasswordButton)
	h.ui.wait()
	if got := a.passwordStatus.message.Text; got != "Votre mot de passe a été changé." {
		t.Fatalf("message = %q", got)
	}
	if a.current.Text != "" || a.newPassword.Text != "" {
		t.Fatal("the password fields should be emptied")
	}
}

func TestSignOutReturnsToTheSignInScreen(t *testing.T) {
	h := newHarness(t, withDaycare)
	h.signIn("anne@parents.ca", pw)
	test.Tap(h.ui.shell.hamburger)
	test.Tap(h.ui.shell.logout)
	if h.ui.login == nil || h.ui.handle != nil {
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
	if h.ui.shell == nil {
		t.Fatal("locked before 10 minutes")
	}
	test.Tap(h.ui.shell.hamburger) // activity restarts the delay
	h.clock.Advance(9 * time.Minute)
	h.ui.idle.check()
	if h.ui.shell == nil {
		t.Fatal("activity did not restart the delay")
	}
	h.clock.Advance(time.Minute)
	h.ui.idle.check()
	if h.ui.login == nil {
		t.Fatal("still signed in after 10 idle minutes")
	}
	if h.ui.login.email.Text != "" || h.ui.login.status.message.Text == "" {
		t.Fatal("the sign-in should explain the lock and not show whose session it was")
	}
	if h.events(apetitspas.EventIdleLock) != 1 {
		t.Fatal("idle lock not journaled")
	}
}

func TestAboutShowsTheVersionWithoutTheBuild(t *testing.T) {
	h := newHarness(t, withDaycare)
	h.signIn("anne@parents.ca", pw)
	test.Tap(h.ui.shell.hamburger)
	test.Tap(h.ui.shell.menuItems[pageAbout])
	if h.ui.shell.current != pageAbout || h.ui.shell.title.Text != "À propos" {
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
	h.ui.shell.show(pageAccount)
	a := h.ui.shell.account
	for i := 1; i <= apetitspas.MaxFailedLogins; i++ {
		if h.ui.shell == nil {
			t.Fatalf("the session ended after %d wrong passwords", i-1)
		}
		a.current.SetText("pas-le-bon-" + strconv.Itoa(i))
		a.newPassword.SetText("un-nouveau-mot-de-passe")
		a.confirmPassword.SetText("un-nouveau-mot-de-passe")
		test.Tap(a.changePasswordButton)
		h.ui.wait()
		if i < apetitspas.MaxFailedLogins && a.passwordStatus.message.Text != "Le mot de passe actuel est incorrect." {
			t.Fatalf("try %d: %q", i, a.passwordStatus.message.Text)
		}
	}
	l := h.ui.login
	if l == nil || h.ui.handle != nil {
		t.Fatal("the tenth wrong password should end the session")
	}
	if msg := l.status.message; !strings.Contains(msg.Text, "Ce compte est verrouillé") || msg.Importance != widget.DangerImportance {
		t.Fatalf("message = %q", msg.Text)
	}
	if l.email.Text != "" {
		t.Fatalf("e-mail = %q: left for the next person", l.email.Text)
	}
	if h.events(apetitspas.EventPasswordChangeFailed) != apetitspas.MaxFailedLogins || h.events(apetitspas.EventLoginLocked) != 1 {
		t.Fatal("not journaled")
	}
	h.signIn("anne@parents.ca", pw)
	if h.ui.shell != nil {
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
			for _, id := range append(everyPage(), pageHome) {
				h.ui.shell.show(id)
				h.ui.wait()
				if h.ui.shell.current != id {
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
	sh := h.ui.shell
	for _, id := range everyPage() {
		sh.toggleMenu()
		if h.win.Canvas().Focused() != sh.menuItems[sh.current] {
			t.Fatalf("on %s, opening the menu should focus its entry", sh.current)
		}
		test.Tap(sh.menuItems[id])
		h.ui.wait()
		for pid, b := range sh.menuItems {
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
	if w.warning.Visible() {
		t.Fatal("the countdown shows too early")
	}
	h.clock.Advance(2 * time.Second)
	w.check()
	if !w.warning.Visible() || !strings.Contains(w.warningText.Text, "29\u00a0s") {
		t.Fatalf("no countdown 29 s before the lock: %v %q", w.warning.Visible(), w.warningText.Text)
	}
	h.clock.Advance(time.Second)
	w.check()
	if !strings.Contains(w.warningText.Text, "28\u00a0s") {
		t.Fatalf("the countdown does not count: %q", w.warningText.Text)
	}
	// Moving the mouse over the window cancels it.
	test.MoveMouse(h.win.Canvas(), fyne.NewPos(400, 300))
	w.check()
	if w.warning.Visible() || h.ui.shell == nil {
		t.Fatal("input did not cancel the countdown")
	}
	h.clock.Advance(10 * time.Minute)
	w.check()
	if h.ui.login == nil {
		t.Fatal("not locked after 10 idle minutes")
	}
	if imp := h.ui.login.status.message.Importance; imp != widget.MediumImportance {
		t.Fatalf("the notice after the lock has importance %v, want a neutral one", imp)
	}
}

func TestAKeyboardReachesTheMenuMonCompteAndSignsOut(t *testing.T) {
	h := newHarness(t, withDaycare)
	h.signIn("anne@parents.ca", pw)
	c := h.win.Canvas()
	sh := h.ui.shell
	test.FocusNext(c)
	if c.Focused() != sh.hamburger {
		t.Fatal("Tab should start at the hamburger")
	}
	pressSpaceOn(c)
	if !sh.menuOpen() || c.Focused() != sh.menuItems[pageHome] {
		t.Fatal("Space on the hamburger should open the menu on the open page's entry")
	}
	for c.Focused() != sh.userName {
		test.FocusNext(c)
	}
	pressSpaceOn(c)
	if sh.current != pageAccount || c.Focused() != sh.hamburger {
		t.Fatal("Space on the name should open Mon compte and give the focus back to the hamburger")
	}
	for i := 0; i < 5; i++ {
		test.FocusNext(c)
	}
	if c.Focused() != sh.account.mfaSwitch {
		t.Fatalf("five Tabs from the hamburger should reach the switch, not %T", c.Focused())
	}
	test.FocusPrevious(c)
	for c.Focused() != sh.hamburger {
		test.FocusPrevious(c)
	}
	pressSpaceOn(c)
	if c.Focused() != sh.userName {
		t.Fatal("on Mon compte, the menu opens on the name")
	}
	test.FocusPrevious(c)
	if c.Focused() != sh.logout {
		t.Fatal("Shift+Tab from the name should reach « Se déconnecter »")
	}
	pressSpaceOn(c)
	if h.ui.login == nil || h.ui.login.password.Text != "" {
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
	home := h.ui.shell.home
	if home == nil || !strings.Contains(home.mfa.Text, "Activée depuis le "+formatDate(h.clock.Now())) {
		t.Fatalf("Accueil should say since when the AMF is on: %q", home.mfa.Text)
	}
	if !strings.Contains(home.staff.Text, "1 membre du personnel") {
		t.Fatalf("Accueil should count the staff still to set up the AMF: %q", home.staff.Text)
	}
	h.signOut()
	h.signIn("karim@lucioles.ca", pw)
	test.Tap(h.ui.enroll.later)
	home = h.ui.shell.home
	due := h.user("karim@lucioles.ca").MFADue
	if !strings.Contains(home.mfa.Text, "À configurer avant le "+formatDateTime(due)) || home.staff.Visible() {
		t.Fatalf("an employee sees her deadline and no administration: %q", home.mfa.Text)
	}
	h.ui.shell.show(pageAccount)
	if a := h.ui.shell.account; !a.mfaWhen.Visible() || !strings.Contains(a.mfaWhen.Text, formatDateTime(due)) {
		t.Fatalf("Mon compte should show the deadline: %q", a.mfaWhen.Text)
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
	home := h.ui.shell.home
	if !home.protection.Visible() || !strings.HasPrefix(home.protection.Text, "Le service À petits pas n'est pas installé sur cet ordinateur") ||
		home.protection.Importance != widget.WarningImportance {
		t.Fatalf("embedded: %q", home.protection.Text)
	}
	if strings.Contains(home.protection.Text, "administrateur de l'ordinateur") || strings.Contains(home.protection.Text, "en est administrateur") {
		t.Fatalf("not an OS administrator: %q", home.protection.Text)
	}
	home.showProtection(false, true)
	if !home.protection.Visible() || !strings.Contains(home.protection.Text, "peut arrêter le service À petits pas et lire sa clé") {
		t.Fatalf("OS administrator: %q", home.protection.Text)
	}
	home.showProtection(false, false)
	if home.protection.Visible() {
		t.Fatalf("served by a service, standard account: %q", home.protection.Text)
	}

	// An employee sees none of it, even on the computer's administrator.
	h2 := newHarness(t, func(h *harness) {
		withDaycare(h)
		h.enroll("karim@lucioles.ca")
	})
	h2.ui.OSAdmin = true
	h2.signInAs("karim@lucioles.ca")
	if h2.ui.shell.home == nil || h2.ui.shell.home.protection != nil {
		t.Fatal("an employee is told of the computer's protection")
	}
}
