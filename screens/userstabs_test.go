package screens

import (
	"context"
	"testing"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/test"

	apetitspas "github.com/apetitspas/apetitspas/app"
)

// « karim » typed on the Parents tab finds Karim, an employee: a search
// looks among everyone, with the role shown.
func TestTheSearchLooksAmongEveryone(t *testing.T) {
	h := newHarness(t, withEnrolledDirector)
	p := h.openUsers()
	p.tabs.selectIndex(usersTabParents)
	test.Type(p.search, "karim")
	if len(p.results) != 1 || p.results[0].Email != "karim@lucioles.ca" {
		t.Fatalf("« karim » on Parents found %v", p.results)
	}
	if p.emptyBox.Visible() || !p.everywhere.Visible() {
		t.Error("the page should say the search looks everywhere, and not that nobody matches")
	}
	if !(userColumns{p}).showRole(900) {
		t.Error("a search over every role shows the role column")
	}
	p.search.SetText("personne-ici")
	if !p.emptyBox.Visible() || p.empty.Text != "Aucun compte ne correspond à «\u00a0personne-ici\u00a0»." || p.emptyActions.Visible() {
		t.Errorf("no match: %q (actions shown: %v)", p.empty.Text, p.emptyActions.Visible())
	}
}

// The tabs are buttons: Tab reaches them and Space or Return opens one.
func TestTheTabsWorkByKeyboard(t *testing.T) {
	h := newHarness(t, withEnrolledDirector)
	p := h.openUsers()
	c := h.win.Canvas()
	staff := p.tabs.buttons[usersTabStaff]
	reached := false
	for i := 0; i < 30 && !reached; i++ {
		c.FocusNext()
		reached = c.Focused() == fyne.Focusable(staff)
	}
	if !reached {
		t.Fatal("Tab never reached the « Employés et administrateurs » tab")
	}
	pressKeyOn(c, fyne.KeyReturn)
	if p.tabs.selectedIndex() != usersTabStaff || !p.selectEmail("karim@lucioles.ca") {
		t.Fatal("Return on the tab did not open the staff")
	}
}

// A tab without accounts says so where the list is, with the buttons that
// make some; and the page opens on the tab last opened.
func TestAnEmptyTabOffersToCreateAndTheLastTabIsRemembered(t *testing.T) {
	h := newHarness(t, func(h *harness) {
		if _, err := h.tr.Setup(context.Background(), "CPE Les Lucioles", apetitspas.NewUser{Name: "Élodie D'Amour", Email: "elodie@lucioles.ca", Password: pw}, pw); err != nil {
			h.t.Fatal(err)
		}
		h.enroll("elodie@lucioles.ca")
	})
	p := h.openUsers()
	p.tabs.selectIndex(usersTabParents)
	if !p.emptyBox.Visible() || !p.emptyActions.Visible() || p.empty.Text != "Aucun parent pour l'instant. Créez un compte ou importez une liste." {
		t.Fatalf("the empty Parents tab says %q (actions shown: %v)", p.empty.Text, p.emptyActions.Visible())
	}
	test.Tap(p.emptyActions.Objects[1].(*button))
	if p.creating == nil {
		t.Fatal("« Nouveau compte » of the empty tab did not open the new account dialog")
	}
	p.creating.dialog.Hide()

	p.tabs.selectIndex(usersTabStaff)
	if p.emptyBox.Visible() {
		t.Error("the staff tab lists Élodie: not empty")
	}
	h.openAdmin(pageHome)
	if p = h.openUsers(); p.tabs.selectedIndex() != usersTabStaff {
		t.Fatal("the page did not open on the tab last opened")
	}
}
