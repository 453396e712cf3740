package screens

import (
	"context"
	"strings"
	"testing"
	"time"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/test"

	apetitspas "github.com/apetitspas/apetitspas/app"
)

// withLeavers is withEnrolledDirector with three families disabled two
// years and a month ago (Anne, Luc, Marie); Karim is still there.
func withLeavers(h *harness) {
	withEnrolledDirector(h)
	h.create("elodie@lucioles.ca", apetitspas.RoleParent, "Luc Départ", "luc@parents.ca")
	h.create("elodie@lucioles.ca", apetitspas.RoleParent, "Marie Départ", "marie@parents.ca")
	admin := h.session("elodie@lucioles.ca")
	for _, email := range []string{"anne@parents.ca", "luc@parents.ca", "marie@parents.ca"} {
		if err := h.svc.SetDisabled(context.Background(), admin, email, true, ""); err != nil {
			h.t.Fatal(err)
		}
	}
	h.clock.Advance(25 * 31 * 24 * time.Hour)
}

func (h *harness) retentionSettings() apetitspas.Retention {
	h.t.Helper()
	r, err := h.svc.Retention(context.Background(), h.session("elodie@lucioles.ca"))
	if err != nil {
		h.t.Fatal(err)
	}
	return r
}

// Sécurité → « Conservation des renseignements »: both delays shown and
// saved (a bad one refused beside the button, nothing changed), the
// families disabled for more than 24 months listed and ticked, one
// unticked, the others erased with one confirmation that says what goes
// and what stays and asks for the password and the stale code.
func TestRetentionSectionSavesTheDelaysAndErasesTheTickedAccounts(t *testing.T) {
	h := newHarness(t, withLeavers)
	p := h.openSecurity()
	c := p.retention
	if c == nil {
		t.Fatal("no retention section")
	}
	if c.months.Text != "24" || c.years.Text != "5" {
		t.Fatalf("delays shown: %q %q", c.months.Text, c.years.Text)
	}
	if len(c.checks) != 3 || c.erase.Text != "Effacer les 3 comptes…" || c.erase.Disabled() {
		t.Fatalf("%d listed, button %q", len(c.checks), c.erase.Text)
	}
	for i, ch := range c.checks {
		if !ch.Checked || !strings.Contains(ch.Text, "désactivé depuis le") || !strings.Contains(ch.Text, c.accounts[i].Email) {
			t.Fatalf("row %d: %q ticked %v", i, ch.Text, ch.Checked)
		}
	}
	if !strings.Contains(c.summary.Text, "3 comptes") || !strings.Contains(c.summary.Text, "24 mois") {
		t.Fatalf("summary %q", c.summary.Text)
	}

	// A delay out of its bounds: said beside the button, nothing saved.
	c.months.SetText("")
	h.typeInto(c.months, "0")
	test.Tap(c.save)
	if !strings.Contains(c.saveStatus.message.Text, "entre 1 et 120") {
		t.Fatalf("refusal: %q", c.saveStatus.message.Text)
	}
	if r := h.retentionSettings(); r.DisabledMonths != 24 {
		t.Fatalf("a refused delay was saved: %+v", r)
	}
	c.months.SetText("")
	h.typeInto(c.months, "12")
	c.years.SetText("")
	h.typeInto(c.years, "7")
	test.Tap(c.save)
	if !strings.Contains(c.saveStatus.message.Text, "Enregistré") {
		t.Fatalf("after saving: %q", c.saveStatus.message.Text)
	}
	if r := h.retentionSettings(); r.DisabledMonths != 12 || r.JournalYears != 7 {
		t.Fatalf("saved: %+v", r)
	}
	if h.events(apetitspas.EventSettingChanged) != 2 {
		t.Fatal("each delay changed is not journaled")
	}

	// Marie stays.
	var marie int
	for i, a := range c.accounts {
		if a.Email == "marie@parents.ca" {
			marie = i
		}
	}
	c.checks[marie].SetChecked(false)
	if c.erase.Text != "Effacer les 2 comptes…" {
		t.Fatalf("button %q", c.erase.Text)
	}
	h.staleCode()
	test.Tap(c.erase)
	d := c.confirming
	if d == nil || d.password == nil {
		t.Fatal("no confirmation with a password field")
	}
	for _, want := range []string{"Ce qui disparaît", "Ce qui reste", "Personne effacée", "sauvegardes", "Anne Parent", "Luc Départ"} {
		if !strings.Contains(d.message.Text, want) {
			t.Errorf("the confirmation does not say %q: %q", want, d.message.Text)
		}
	}
	if strings.Contains(d.message.Text, "Marie") {
		t.Fatal("Marie, unticked, is in the confirmation")
	}
	if !d.codeAsked() {
		t.Fatal("a stale code is not asked for")
	}
	h.typeInto(&d.password.Entry, pw)
	h.typeInto(d.code, h.codeNow(h.secrets["elodie@lucioles.ca"]))
	test.Tap(d.confirm)
	h.ui.wait()
	if c.confirming != nil {
		t.Fatalf("still asking: %q", d.status.message.Text)
	}
	if !strings.Contains(c.status.message.Text, "2 comptes sont effacés") {
		t.Fatalf("after the erasure: %q", c.status.message.Text)
	}
	if h.events(apetitspas.EventUserErased) != 2 {
		t.Fatal("each erasure is not journaled")
	}
	if len(c.accounts) != 1 || c.accounts[0].Email != "marie@parents.ca" || c.erase.Text != "Effacer le compte…" {
		t.Fatalf("left: %+v, button %q", c.accounts, c.erase.Text)
	}
}

// Two minutes after the last code, changing a delay asks for the code in
// a confirmation that says both delays: Annuler saves nothing; the code
// saves and journals. Saving the delays in force asks nothing.
func TestChangingARetentionDelayAsksForTheStaleCode(t *testing.T) {
	h := newHarness(t, withEnrolledDirector)
	c := h.openSecurity().retention
	h.staleCode()
	test.Tap(c.save)
	if c.confirming != nil || !strings.Contains(c.saveStatus.message.Text, "Enregistré") {
		t.Fatalf("the delays in force asked for a code: %q", c.saveStatus.message.Text)
	}
	c.years.SetText("")
	h.typeInto(c.years, "2")
	test.Tap(c.save)
	d := c.confirming
	if d == nil || !d.codeAsked() || !strings.Contains(d.message.Text, "24 mois") || !strings.Contains(d.message.Text, "2 ans") {
		t.Fatal("a changed delay with a stale code does not ask for it, saying both delays")
	}
	test.Tap(d.cancel)
	if r := h.retentionSettings(); r.JournalYears != 5 || h.events(apetitspas.EventSettingChanged) != 0 {
		t.Fatalf("saved without the code: %+v", r)
	}
	c.years.SetText("")
	h.typeInto(c.years, "2")
	test.Tap(c.save)
	d = c.confirming
	h.clock.Advance(apetitspas.CodePeriod) // the check above signed in with this step's code
	h.typeInto(d.code, h.codeNow(h.secrets["elodie@lucioles.ca"]))
	test.Tap(d.confirm)
	h.ui.wait()
	if c.confirming != nil {
		t.Fatalf("still asking: %q", d.status.message.Text)
	}
	if r := h.retentionSettings(); r.JournalYears != 2 || h.events(apetitspas.EventSettingChanged) != 1 {
		t.Fatalf("after the code: %+v", r)
	}
	if !strings.Contains(c.saveStatus.message.Text, "2 ans") {
		t.Fatalf("beside the button: %q", c.saveStatus.message.Text)
	}
}

// Every control of the section is reached with Tab, in reading order.
func TestRetentionSectionIsReachedWithTheKeyboard(t *testing.T) {
	h := newHarness(t, withLeavers)
	c := h.openSecurity().retention
	canvas := h.win.Canvas()
	canvas.Focus(c.months)
	want := []fyne.Focusable{c.years, c.save, c.checks[0], c.checks[1], c.checks[2], c.erase}
	for _, w := range want {
		canvas.FocusNext()
		if canvas.Focused() != w {
			t.Fatalf("Tab reached %T, want %T", canvas.Focused(), w)
		}
	}
	// Space unticks the focused account.
	canvas.Focus(c.checks[1])
	pressSpaceOn(canvas)
	if c.checks[1].Checked || c.erase.Text != "Effacer les 2 comptes…" {
		t.Fatalf("space: ticked %v, button %q", c.checks[1].Checked, c.erase.Text)
	}
}

// Nothing past the delay: a sentence says so, no button.
func TestRetentionSectionWithNobodyToErase(t *testing.T) {
	h := newHarness(t, withEnrolledDirector)
	c := h.openSecurity().retention
	if len(c.checks) != 0 || c.erase.Visible() || !strings.Contains(c.summary.Text, "Aucun compte") {
		t.Fatalf("%d listed, button shown %v, %q", len(c.checks), c.erase.Visible(), c.summary.Text)
	}
}
