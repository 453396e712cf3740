package screens

import (
	"context"
	"strings"
	"testing"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/test"

	apetitspas "github.com/apetitspas/apetitspas/app"
)

// Both banners (tamper warning and break-glass reset) are one line each
// at 800×600, their whole text one click away (« Détails »).
func TestTheSecurityBannersAreOneLineWithTheirDetailsInADialog(t *testing.T) {
	h := newHarness(t, withBreakGlass)
	h.win.Resize(fyne.NewSize(800, 600))
	h.editDatabase(`UPDATE users SET role = 'admin' WHERE email = ?`, "karim@lucioles.ca")
	h.signIn("martin@lucioles.ca", pw)
	h.ui.wait()
	ig, bg := h.ui.integrity, h.ui.breakGlass
	if ig == nil || !ig.visible() || bg == nil || !bg.visible() {
		t.Fatal("both banners should show")
	}
	h.ui.banners.Refresh()
	top := h.ui.banners.Objects[0].Size().Height
	if top > 600*0.25 {
		t.Fatalf("the banners take %v px of 600", top)
	}
	if ig.text.Visible() && ig.text.Size().Height > 0 {
		t.Fatal("the whole warning is in the banner")
	}
	if !strings.HasPrefix(ig.summary.Text, "Le fichier de la base de données a été modifié") {
		t.Fatalf("summary: %q", ig.summary.Text)
	}
	test.Tap(ig.details)
	if ig.detailsDialog == nil || !strings.Contains(strings.Join(drawnRows(h.win.Canvas().Overlays().Top()), " "), "Karim Benali") {
		t.Fatal("Détails should show the whole warning")
	}
	pressKeyOn(h.win.Canvas(), fyne.KeyEscape)
	if h.win.Canvas().Overlays().Top() != nil {
		t.Fatal("Escape should close the details")
	}
	test.Tap(bg.details)
	if !strings.Contains(strings.Join(drawnRows(h.win.Canvas().Overlays().Top()), " "), "lac") {
		t.Fatal("Détails should show the reset and its reason")
	}
}

// Accueil's warnings carry their action: the staff still to set up the
// AMF open Utilisateurs on the staff, an old backup opens the backup.
func TestAccueilsWarningsCarryTheirAction(t *testing.T) {
	h := newHarness(t, func(h *harness) {
		withEnrolledDirector(h)
		h.create("elodie@lucioles.ca", apetitspas.RoleEmployee, "Julie Tremblay", "julie@lucioles.ca")
		if err := h.svc.SetStaffPolicy(context.Background(), h.session("elodie@lucioles.ca"), true, 7, ""); err != nil {
			h.t.Fatal(err)
		}
	})
	h.signInWithCode("elodie@lucioles.ca")
	home := h.ui.shell.home
	if !home.staffAction.Visible() || home.staffAction.Text != "Voir les 2 personnes à configurer" {
		t.Fatalf("staff action: %v %q", home.staffAction.Visible(), home.staffAction.Text)
	}
	if !home.backupAction.Visible() || home.backupAction.Text != "Faire une sauvegarde" {
		t.Fatal("no backup yet: « Faire une sauvegarde » should show")
	}
	test.Tap(home.staffAction)
	users, ok := h.ui.shell.page.Objects[0].(*usersPage)
	if h.ui.shell.current != pageUsers || !ok || users.tabs.selectedIndex() != usersTabStaff {
		t.Fatal("« Voir les 2 personnes » should open Utilisateurs on the staff")
	}
	h.ui.shell.show(pageHome)
	test.Tap(h.ui.shell.home.backupAction)
	if h.ui.shell.current != pageSecurity || h.win.Canvas().Overlays().Top() == nil {
		t.Fatal("« Faire une sauvegarde » should open Sécurité and ask where to save")
	}
}

// The protection warning is its first sentences, the rest in Détails.
func TestAccueilsProtectionWarningIsShortWithDetails(t *testing.T) {
	h := newHarness(t, withEnrolledDirector)
	h.signInWithCode("elodie@lucioles.ca")
	home := h.ui.shell.home
	home.showProtection(true, true)
	if !home.protectionDetails.Visible() || strings.Contains(home.protection.Text, "technicien") {
		t.Fatalf("short: %q", home.protection.Text)
	}
	test.Tap(home.protectionDetails)
	if !strings.Contains(strings.Join(drawnRows(h.win.Canvas().Overlays().Top()), " "), "technicien") {
		t.Fatal("Détails should give the whole text")
	}
	home.showProtection(false, false)
	if home.protection.Visible() || home.protectionDetails.Visible() {
		t.Fatal("nothing to say: nothing shown")
	}
}

// « Voir les N personnes à configurer » opens Utilisateurs on exactly those
// people, as the service lists them (the list Accueil counts), under a
// filter that says so; « Retirer le filtre » shows the whole staff again.
func TestSeeThePeopleToSetUpShowsOnlyThem(t *testing.T) {
	h := newHarness(t, func(h *harness) {
		withEnrolledDirector(h)
		h.create("elodie@lucioles.ca", apetitspas.RoleEmployee, "Julie Tremblay", "julie@lucioles.ca")
		if err := h.svc.SetStaffPolicy(context.Background(), h.session("elodie@lucioles.ca"), true, 7, ""); err != nil {
			h.t.Fatal(err)
		}
	})
	h.signInWithCode("elodie@lucioles.ca")
	home := h.ui.shell.home
	want, err := h.svc.StaffToSetUp(context.Background(), h.session("elodie@lucioles.ca"))
	if err != nil || len(want) != home.overview.StaffToSetUp || len(want) != 2 {
		t.Fatalf("the service lists %d (%v), Accueil counts %d", len(want), err, home.overview.StaffToSetUp)
	}
	emailsOf := func(us []apetitspas.User) string {
		var out []string
		for _, u := range us {
			out = append(out, u.Email)
		}
		return strings.Join(out, " ")
	}
	test.Tap(home.staffAction)
	users, ok := h.ui.shell.page.Objects[0].(*usersPage)
	if !ok || users.tabs.selectedIndex() != usersTabStaff {
		t.Fatal("« Voir les 2 personnes » should open Utilisateurs on the staff")
	}
	if got := emailsOf(users.results); got != emailsOf(want) || users.list.Length() != 2 {
		t.Fatalf("rows %q, want only %q", got, emailsOf(want))
	}
	if !users.filterBar.Visible() || users.filterLabel.Text != "Personnes à configurer (2)" || !users.filterClear.Visible() {
		t.Fatalf("filter: %v %q", users.filterBar.Visible(), users.filterLabel.Text)
	}

	test.Tap(users.filterClear)
	if users.filterBar.Visible() || users.tabs.selectedIndex() != usersTabStaff || !strings.Contains(emailsOf(users.results), "elodie@lucioles.ca") ||
		len(users.results) <= 2 {
		t.Fatalf("after « Retirer le filtre »: %q (filter shown: %v)", emailsOf(users.results), users.filterBar.Visible())
	}

	// A search looks among everyone: the filter goes.
	h.ui.shell.show(pageHome)
	test.Tap(h.ui.shell.home.staffAction)
	users = h.ui.shell.page.Objects[0].(*usersPage)
	test.Type(users.search, "julie")
	if users.filterBar.Visible() || emailsOf(users.results) != "julie@lucioles.ca" {
		t.Fatalf("a search under the filter: %q (filter shown: %v)", emailsOf(users.results), users.filterBar.Visible())
	}
}
