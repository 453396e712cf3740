package screens

import (
	"context"
	"fmt"
	"strings"
	"testing"
	"time"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/test"
	"fyne.io/fyne/v2/theme"
	"fyne.io/fyne/v2/widget"

	apetitspas "github.com/apetitspas/apetitspas/app"
)

// openAdmin opens an administration page through the menu and returns it.
func (h *harness) openAdmin(id string) fyne.CanvasObject {
	h.t.Helper()
	sh := h.ui.shell
	if sh == nil {
		h.t.Fatal("not in the main window")
	}
	test.Tap(sh.hamburger)
	test.Tap(sh.menuItems[id])
	if sh.current != id || len(sh.page.Objects) != 1 {
		h.t.Fatalf("page %s did not open", id)
	}
	h.ui.wait() // the journal checks the database in the background
	return sh.page.Objects[0]
}

// openUsers signs Élodie in (unless someone is) and opens Utilisateurs.
func (h *harness) openUsers() *usersPage {
	h.t.Helper()
	if h.ui.handle == nil {
		h.signInAs("elodie@lucioles.ca")
	}
	p, ok := h.openAdmin(pageUsers).(*usersPage)
	if !ok {
		h.t.Fatal("Utilisateurs is not the users page")
	}
	return p
}

// pick selects the listed account with this e-mail, as a tap on its row
// does, and waits for its permission table (the actions stay off until
// the service's answer comes). It reports whether the account is listed.
func (h *harness) pick(p *usersPage, email string) bool {
	h.t.Helper()
	ok := p.selectEmail(email)
	h.ui.wait()
	return ok
}

// signInAs signs in through the screens, with the code when the account's
// AMF is on.
func (h *harness) signInAs(email string) {
	h.t.Helper()
	if h.secrets[email] != "" {
		h.signInWithCode(email)
		return
	}
	h.signIn(email, pw)
}

// codeNow is the code an authenticator holding secret shows now.
func (h *harness) codeNow(secret string) string {
	h.t.Helper()
	c, err := apetitspas.TOTPCode(secret, h.clock.Now(), 6)
	if err != nil {
		h.t.Fatal(err)
	}
	return c
}

// otherCode is a 6-digit code that is not the one secret gives now.
func (h *harness) otherCode(secret string) string {
	if h.codeNow(secret) == "000000" {
		return "111111"
	}
	return "000000"
}

// signInWithCode signs in through the screens an account whose
// multi-factor sign-in is on, half a minute later (a code is accepted once).
func (h *harness) signInWithCode(email string) {
	h.t.Helper()
	h.clock.Advance(apetitspas.CodePeriod)
	h.signIn(email, pw)
	cs := h.ui.code
	if cs == nil {
		h.t.Fatal("no code screen")
	}
	test.Type(cs.code, h.codeNow(h.secrets[email]))
	test.Tap(cs.submitButton)
	h.ui.wait()
	if h.ui.shell == nil {
		h.t.Fatalf("the code was refused: %q", cs.status.message.Text)
	}
}

// staleCode lets more than two minutes pass since the last code accepted:
// strong actions ask for a code again.
func (h *harness) staleCode() {
	h.clock.Advance(apetitspas.FreshCodeWindow + time.Second)
}

// importAccounts creates parents through the CSV import of an
// administrator (quick: the tests' password hashing is cheap).
func (h *harness) importAccounts(by string, names, addresses []string) {
	h.t.Helper()
	var b strings.Builder
	for i := range names {
		fmt.Fprintf(&b, "parent,%s,%s\n", addresses[i], names[i])
	}
	if _, err := h.svc.ImportCSV(context.Background(), h.session(by), strings.NewReader(b.String()), ""); err != nil {
		h.t.Fatal(err)
	}
}

// emails lists the e-mails of the users page, in order.
func emails(p *usersPage) []string {
	var out []string
	for i := 0; i < p.list.Length(); i++ {
		out = append(out, p.rowText(i)[1])
	}
	return out
}

func indexOf(list []string, s string) int {
	for i, v := range list {
		if v == s {
			return i
		}
	}
	return -1
}

// row returns the row of the listed account with this e-mail.
func row(t *testing.T, p *usersPage, email string) []string {
	t.Helper()
	i := indexOf(emails(p), email)
	if i < 0 {
		t.Fatalf("%s is not listed: %v", email, emails(p))
	}
	return p.rowText(i)
}

func TestTheActionsStayInPlaceAndAreOffOnOnesOwnRowWithTheReasonShown(t *testing.T) {
	h := newHarness(t, withEnrolledDirector)
	p := h.openUsers()
	p.tabs.selectIndex(usersTabStaff)
	if !p.hint.Visible() || !p.resetMFA.Disabled() || !p.role.Disabled() {
		t.Fatal("with nothing selected, the hint shows and the actions are off")
	}
	if !h.pick(p, "elodie@lucioles.ca") {
		t.Fatalf("Élodie is not listed: %v", emails(p))
	}
	if p.hint.Visible() || p.whoName.Text != "Élodie D'Amour" {
		t.Fatal("selecting a row should show whose actions these are")
	}
	reset, disable, role := p.resetMFA.Position(), p.disable.Position(), p.role.Position()
	if !p.resetMFA.Disabled() || !p.disable.Disabled() || !p.tempPassword.Disabled() || !p.role.Disabled() {
		t.Fatal("on one's own row, reset, disable, temporary password and role are off")
	}
	if !p.note.Visible() || !strings.Contains(p.note.Text, "Un autre administrateur doit réinitialiser votre AMF") {
		t.Fatalf("the reason is not shown: %q", p.note.Text)
	}
	// Someone else's row: the reset is off only because his AMF is off.
	if !h.pick(p, "karim@lucioles.ca") {
		t.Fatal("Karim is not listed")
	}
	if !p.resetMFA.Disabled() || !strings.Contains(p.note.Text, "rien à réinitialiser") {
		t.Fatal("Karim's AMF is off: the reset is off, with why")
	}
	if p.disable.Disabled() || p.tempPassword.Disabled() || p.role.Disabled() {
		t.Fatal("on someone else's row, disable, temporary password and role are on")
	}
	test.Tap(p.disable)
	if p.resetMFA.Position() != reset || p.disable.Position() != disable || p.role.Position() != role {
		t.Fatal("the buttons moved")
	}
}

func TestResettingSomeoneElsesMFAThroughTheConfirmationMakesItPendingAndIsJournaled(t *testing.T) {
	h := newHarness(t, func(h *harness) {
		withEnrolledDirector(h)
		h.enroll("karim@lucioles.ca")
	})
	p := h.openUsers()
	p.tabs.selectIndex(usersTabStaff)
	h.pick(p, "karim@lucioles.ca")
	if p.resetMFA.Disabled() || p.note.Visible() {
		t.Fatal("the reset should be on for Karim, whose AMF is on")
	}
	test.Tap(p.resetMFA)
	c := p.confirming
	if c == nil {
		t.Fatal("no confirmation")
	}
	for _, want := range []string{"Karim Benali", "détruit", "déverrouillé", "nouveau code QR", "reste obligatoire"} {
		if !strings.Contains(c.message.Text, want) {
			t.Errorf("the confirmation lacks %q: %q", want, c.message.Text)
		}
	}
	if c.codeAsked() {
		t.Fatal("Élodie's code was accepted less than 2 minutes ago: no code to ask")
	}
	test.Tap(c.cancel)
	if p.confirming != nil || h.user("karim@lucioles.ca").MFA != apetitspas.MFAOn {
		t.Fatal("Annuler should close the dialog and change nothing")
	}

	test.Tap(p.resetMFA)
	test.Tap(p.confirming.confirm)
	if p.confirming != nil {
		t.Fatalf("the dialog stayed open: %q", c.status.message.Text)
	}
	k := h.user("karim@lucioles.ca")
	if k.MFA != apetitspas.MFAPending || k.MFASecret != nil {
		t.Fatalf("Karim's AMF = %s, secret kept: %v", k.MFA, k.MFASecret != nil)
	}
	if h.events(apetitspas.EventMFAReset) != 1 {
		t.Fatal("the reset is not journaled")
	}
	if !strings.Contains(p.status.message.Text, "réinitialisée") || p.selected == nil || p.selected.MFA != apetitspas.MFAPending {
		t.Fatalf("after the reset: %q, selected %v", p.status.message.Text, p.selected)
	}
	if r := row(t, p, "karim@lucioles.ca"); r[3] != "AMF à configurer" {
		t.Fatalf("Karim's row = %q", r)
	}
}

func TestAfterTwoMinutesTheResetAsksForHerCodeAndAWrongCodeChangesNothing(t *testing.T) {
	h := newHarness(t, func(h *harness) {
		withEnrolledDirector(h)
		h.enroll("karim@lucioles.ca")
	})
	p := h.openUsers()
	p.tabs.selectIndex(usersTabStaff)
	h.pick(p, "karim@lucioles.ca")
	h.staleCode()
	test.Tap(p.resetMFA)
	c := p.confirming
	if c == nil || !c.codeAsked() || c.codeLabel.Text != "Votre code à 6 chiffres" {
		t.Fatal("the dialog should ask for Élodie's own code")
	}
	secret := h.secrets["elodie@lucioles.ca"]
	test.Tap(c.confirm) // nothing typed
	if p.confirming == nil || !strings.Contains(c.status.message.Text, "votre propre code à 6 chiffres") {
		t.Fatalf("no code: %q", c.status.message.Text)
	}
	test.Type(c.code, h.otherCode(secret))
	test.Tap(c.confirm)
	if p.confirming == nil {
		t.Fatal("a wrong code should leave the dialog open")
	}
	if !c.status.message.Visible() || !strings.Contains(c.status.message.Text, "incorrect") {
		t.Fatalf("message = %q", c.status.message.Text)
	}
	if h.user("karim@lucioles.ca").MFA != apetitspas.MFAOn || h.events(apetitspas.EventMFAReset) != 0 {
		t.Fatal("a wrong code changed Karim's account")
	}
	if h.events(apetitspas.EventMFACodeFailed) != 1 {
		t.Fatal("the wrong code is not counted")
	}
	test.Type(c.code, h.codeNow(secret))
	test.Tap(c.confirm)
	if p.confirming != nil {
		t.Fatalf("the right code was refused: %q", c.status.message.Text)
	}
	if h.user("karim@lucioles.ca").MFA != apetitspas.MFAPending || h.events(apetitspas.EventMFAReset) != 1 {
		t.Fatal("the reset did not happen")
	}
}

func TestAPendingAdministratorResettingSomeonesMFAIsToldToSetUpHerOwnFirst(t *testing.T) {
	h := newHarness(t, func(h *harness) {
		withEnrolledDirector(h)
		h.create("elodie@lucioles.ca", apetitspas.RoleAdmin, "Martin Gagnon", "martin@lucioles.ca")
		// The policy makes Martin (and Karim) pending, with 7 days to enroll.
		if err := h.svc.SetStaffPolicy(context.Background(), h.session("elodie@lucioles.ca"), true, 7, ""); err != nil {
			t.Fatal(err)
		}
	})
	h.signIn("martin@lucioles.ca", pw)
	en := h.ui.enroll
	if en == nil || !en.later.Visible() {
		t.Fatal("Martin should be able to put off his enrollment")
	}
	test.Tap(en.later)
	p := h.openUsers()
	p.tabs.selectIndex(usersTabStaff)
	h.pick(p, "karim@lucioles.ca")
	// The service's table: the strong actions wait for Martin's own AMF.
	want := ErrorText(&apetitspas.Error{Reason: apetitspas.ReasonAdminMFARequired})
	if !p.resetMFA.Disabled() || !p.role.Disabled() {
		t.Fatal("Martin's own AMF is not on: the reset and the role are off")
	}
	if !p.note.Visible() || !strings.Contains(p.note.Text, want) || !strings.Contains(want, "Mon compte") {
		t.Fatalf("note = %q, want %q", p.note.Text, want)
	}
	if p.disable.Disabled() || p.tempPassword.Disabled() {
		t.Fatal("an employee's account needs no code: disable and the temporary password are on")
	}
	test.Tap(p.resetMFA)
	if p.confirming != nil {
		t.Fatal("an action that is off asks nothing")
	}
	// Were it asked anyway, the service refuses and the dialog says why,
	// its button off: trying again cannot help.
	p.confirm(adminAction{title: "Réinitialiser l'AMF ?", confirmText: "Réinitialiser",
		act: func(hd *apetitspas.Handle, code string) error {
			_, err := h.ui.api.ResetMFA(context.Background(), hd, "karim@lucioles.ca", code)
			return err
		}})
	c := p.confirming
	test.Tap(c.confirm)
	if p.confirming == nil || c.status.message.Text != want || !c.confirm.Disabled() {
		t.Fatalf("message = %q, want %q", c.status.message.Text, want)
	}
	if h.user("karim@lucioles.ca").MFAResetBy != "" || h.events(apetitspas.EventMFAReset) != 0 {
		t.Fatal("the reset happened")
	}
}

func TestChangingARoleAsksForTheCodeAndAnnulerPutsTheChoiceBack(t *testing.T) {
	h := newHarness(t, withEnrolledDirector)
	p := h.openUsers()
	p.tabs.selectIndex(usersTabStaff)
	h.pick(p, "karim@lucioles.ca")
	if p.role.Selected != "Employé" {
		t.Fatalf("role shown = %q", p.role.Selected)
	}
	h.staleCode()
	p.role.SetSelected("Administrateur")
	c := p.confirming
	if c == nil || !c.codeAsked() || !strings.Contains(c.message.Text, "de «\u00a0Employé ou employée\u00a0» à «\u00a0Administrateur ou administratrice\u00a0»") {
		t.Fatalf("the change should be explained and the code asked: %+v", c)
	}
	test.Tap(c.cancel)
	if p.role.Selected != "Employé" || h.user("karim@lucioles.ca").Role != apetitspas.RoleEmployee {
		t.Fatal("Annuler should put the choice back and change nothing")
	}
	p.role.SetSelected("Administrateur")
	c = p.confirming
	test.Type(c.code, h.codeNow(h.secrets["elodie@lucioles.ca"]))
	test.Tap(c.confirm)
	if p.confirming != nil {
		t.Fatalf("refused: %q", c.status.message.Text)
	}
	if h.user("karim@lucioles.ca").Role != apetitspas.RoleAdmin || h.events(apetitspas.EventRoleChanged) != 1 {
		t.Fatal("the role did not change")
	}
	if r := row(t, p, "karim@lucioles.ca"); r[2] != "Administrateur ou administratrice" || p.role.Selected != "Administrateur" {
		t.Fatalf("row %q, select %q", r, p.role.Selected)
	}
}

func TestCreatingAnAdministratorAsksForTheCode(t *testing.T) {
	h := newHarness(t, withEnrolledDirector)
	p := h.openUsers()
	h.staleCode()
	test.Tap(p.newAccount)
	d := p.creating
	if d.code.Visible() || d.adminNote.Visible() {
		t.Fatal("a parent needs no code")
	}
	d.role.SetSelected("Administrateur")
	if !d.code.Visible() || !d.adminNote.Visible() {
		t.Fatal("an administrator needs the code")
	}
	h.typeInto(d.name, "Martin Gagnon")
	h.typeInto(d.email, "martin@lucioles.ca")
	test.Tap(d.create)
	h.ui.wait()
	if p.creating == nil || !strings.Contains(d.status.message.Text, "votre propre code") {
		t.Fatalf("without the code: %q", d.status.message.Text)
	}
	if n := len(emails(p)); n != 1 || h.events(apetitspas.EventUserCreated) != 3 {
		t.Fatal("an account was created without the code")
	}
	h.typeInto(d.code, h.codeNow(h.secrets["elodie@lucioles.ca"]))
	test.Tap(d.create)
	h.ui.wait()
	if p.creating != nil || p.password == nil {
		t.Fatalf("not created: %q", d.status.message.Text)
	}
	if m := h.user("martin@lucioles.ca"); m.Role != apetitspas.RoleAdmin || !m.MustChangePassword {
		t.Fatalf("Martin = %+v", m)
	}
}

func TestAnActionOnAnotherAdministratorsAccountAsksForTheCode(t *testing.T) {
	h := newHarness(t, func(h *harness) {
		withEnrolledDirector(h)
		h.create("elodie@lucioles.ca", apetitspas.RoleAdmin, "Martin Gagnon", "martin@lucioles.ca")
	})
	p := h.openUsers()
	p.tabs.selectIndex(usersTabStaff)
	h.pick(p, "martin@lucioles.ca")
	h.staleCode()
	test.Tap(p.disable)
	c := p.confirming
	if c == nil || !c.codeAsked() || !strings.Contains(c.message.Text, "un administrateur") {
		t.Fatal("disabling another administrator asks first, with the code")
	}
	test.Type(c.code, h.otherCode(h.secrets["elodie@lucioles.ca"]))
	test.Tap(c.confirm)
	if p.confirming == nil || h.user("martin@lucioles.ca").Disabled {
		t.Fatal("a wrong code disabled Martin")
	}
	test.Type(c.code, h.codeNow(h.secrets["elodie@lucioles.ca"]))
	test.Tap(c.confirm)
	if p.confirming != nil || !h.user("martin@lucioles.ca").Disabled {
		t.Fatalf("Martin is not disabled: %q", c.status.message.Text)
	}
	// Within two minutes of that code, the next one asks no code.
	h.ui.wait() // the account's table again, after the change
	test.Tap(p.disable)
	if p.confirming == nil || p.confirming.codeAsked() {
		t.Fatal("a code accepted just now confirms the next action")
	}
	test.Tap(p.confirming.confirm)
	if h.user("martin@lucioles.ca").Disabled {
		t.Fatal("Martin is still disabled")
	}
	h.ui.wait()
	// An employee's account is asked about, without a code.
	h.pick(p, "karim@lucioles.ca")
	h.staleCode()
	test.Tap(p.disable)
	if p.confirming == nil || p.confirming.codeAsked() || h.user("karim@lucioles.ca").Disabled {
		t.Fatal("disabling an employee asks first, without a code")
	}
	test.Tap(p.confirming.confirm)
	if p.confirming != nil || !h.user("karim@lucioles.ca").Disabled {
		t.Fatal("Karim is not disabled")
	}
}

func TestSearchAsYouTypeFiltersTheList(t *testing.T) {
	h := newHarness(t, func(h *harness) {
		withDaycare(h)
		h.importAccounts("elodie@lucioles.ca", []string{"Éloïse Gagnon", "Gabriel Tremblay", "Zoé Roy"},
			[]string{"eloise@parents.ca", "gab@parents.ca", "zoe@exemple.com"})
	})
	p := h.openUsers()
	if got := emails(p); len(got) != 4 || got[0] != "anne@parents.ca" {
		t.Fatalf("parents = %v", got)
	}
	h.typeInto(p.search, "gag")
	if got := emails(p); len(got) != 1 || got[0] != "eloise@parents.ca" {
		t.Fatalf("after « gag »: %v", got)
	}
	p.search.SetText("")
	h.typeInto(p.search, "eloi") // no accents typed
	if got := emails(p); len(got) != 1 || p.rowText(0)[0] != "Éloïse Gagnon" {
		t.Fatalf("after « eloi »: %v", got)
	}
	p.search.SetText("")
	h.typeInto(p.search, "exemple.com") // e-mail
	if got := emails(p); len(got) != 1 || got[0] != "zoe@exemple.com" {
		t.Fatalf("after « exemple.com »: %v", got)
	}
	h.typeInto(p.search, "x")
	if p.list.Length() != 0 || !p.emptyBox.Visible() {
		t.Fatal("no match should say so")
	}
}

func TestTheParentsTabDoesNotListStaffAndTheStaffTabListsBothRoles(t *testing.T) {
	h := newHarness(t, func(h *harness) {
		withEnrolledDirector(h)
		h.create("elodie@lucioles.ca", apetitspas.RoleAdmin, "Zacharie Admin", "zach@lucioles.ca")
	})
	p := h.openUsers()
	if p.tabs.selectedIndex() != usersTabParents {
		t.Fatal("the page should open on the parents")
	}
	if got := emails(p); len(got) != 1 || got[0] != "anne@parents.ca" {
		t.Fatalf("Parents lists %v", got)
	}
	p.tabs.selectIndex(usersTabStaff)
	// Sorted by name, accents ignored: Élodie, Karim, Zacharie.
	got := emails(p)
	if strings.Join(got, " ") != "elodie@lucioles.ca karim@lucioles.ca zach@lucioles.ca" {
		t.Fatalf("Employés et administrateurs lists %v", got)
	}
	if r := p.rowText(1); r[2] != "Employé ou employée" || r[3] != "AMF désactivée" {
		t.Fatalf("Karim's row = %q", r)
	}
	if r := p.rowText(0); r[2] != "Administrateur ou administratrice" || r[3] != "AMF activée" || r[4] != "Vous" {
		t.Fatalf("Élodie's row = %q", r)
	}
}

func TestTheListShowsTheFirst500AndSaysToNarrowTheSearch(t *testing.T) {
	h := newHarness(t, func(h *harness) {
		withDaycare(h)
		var names, addresses []string
		for i := 0; i < 700; i++ {
			names = append(names, fmt.Sprintf("Parent %03d", i))
			addresses = append(addresses, fmt.Sprintf("p%03d@parents.ca", i))
		}
		h.importAccounts("elodie@lucioles.ca", names, addresses)
	})
	p := h.openUsers()
	if p.list.Length() != 500 || !p.more.Visible() || p.more.Text != "500 premiers résultats — précisez la recherche" {
		t.Fatalf("length %d, note shown %v", p.list.Length(), p.more.Visible())
	}
	h.typeInto(p.search, "parent 12")
	if p.list.Length() != 10 || p.more.Visible() {
		t.Fatalf("after narrowing: length %d, note shown %v", p.list.Length(), p.more.Visible())
	}
}

func TestCreatingAnAccountShowsItsTemporaryPasswordOnce(t *testing.T) {
	h := newHarness(t, withDaycare)
	p := h.openUsers()
	test.Tap(p.newAccount)
	d := p.creating
	if d == nil || d.role.Selected != "Parent" {
		t.Fatal("Nouveau compte should open a dialog, role Parent from the parents tab")
	}
	d.role.SetSelected("Employé")
	h.typeInto(d.name, "Sophie Lavoie")
	h.typeInto(d.email, "pas-un-courriel")
	test.Tap(d.create)
	h.ui.wait()
	if p.creating == nil || !strings.Contains(d.status.message.Text, "courriel n'est pas valide") {
		t.Fatalf("a bad e-mail should be explained in the dialog: %q", d.status.message.Text)
	}
	d.email.SetText("Sophie@Lucioles.ca")
	test.Tap(d.create)
	if !d.status.progress.Visible() || !d.create.Disabled() {
		t.Fatal("while the password is made, a progress bar shows and the button is off")
	}
	h.ui.wait()
	if p.creating != nil || p.password == nil {
		t.Fatalf("no temporary password shown: %q", d.status.message.Text)
	}
	pwd := p.password.password.Text
	if len(pwd) != apetitspas.TempPasswordLen || !strings.Contains(p.password.message.Text, "Sophie Lavoie") {
		t.Fatalf("password %q, message %q", pwd, p.password.message.Text)
	}
	if !strings.Contains(p.password.note.Text, "choisir son propre mot de passe") || !strings.Contains(p.password.note.Text, "code à 6 chiffres") {
		t.Fatalf("note = %q", p.password.note.Text)
	}
	test.Tap(p.password.copy)
	if fyne.CurrentApp().Clipboard().Content() != pwd {
		t.Fatal("Copier did not copy the password")
	}
	shown := p.password
	test.Tap(shown.close)
	if p.password != nil || shown.password.Text != "" {
		t.Fatal("the password should be shown once")
	}
	// The new employee is listed and selected, and the password works.
	if p.tabs.selectedIndex() != usersTabStaff || p.selected == nil || p.selected.Email != "sophie@lucioles.ca" {
		t.Fatalf("selected %v", p.selected)
	}
	sess, err := h.svc.Login(context.Background(), "sophie@lucioles.ca", pwd)
	if err != nil || sess.Step() != apetitspas.StepNewPassword {
		t.Fatalf("the temporary password: %v", err)
	}
}

func TestDisablingReenablingAndUnlockingAnAccount(t *testing.T) {
	h := newHarness(t, func(h *harness) {
		withDaycare(h)
		for i := 0; i < apetitspas.MaxFailedLogins; i++ {
			h.svc.Login(context.Background(), "anne@parents.ca", "pas-le-bon-mot")
		}
	})
	p := h.openUsers()
	h.pick(p, "anne@parents.ca")
	if r := p.rowText(0); r[4] != "Verrouillé" {
		t.Fatalf("Anne's row = %q", r)
	}
	if p.unlockBtn.Disabled() {
		t.Fatal("Déverrouiller should be on for a locked account")
	}
	test.Tap(p.unlockBtn)
	if h.user("anne@parents.ca").Locked(h.clock.Now()) || h.events(apetitspas.EventUserUnlocked) != 1 {
		t.Fatal("Déverrouiller did not unlock")
	}
	h.ui.wait()
	if p.rowText(0)[4] != "" || !p.unlockBtn.Disabled() || p.disable.Disabled() {
		t.Fatal("the badge and the button should follow")
	}

	if p.disable.Text != "Désactiver" {
		t.Fatalf("button = %q", p.disable.Text)
	}
	test.Tap(p.disable)
	if p.confirming == nil || !strings.Contains(p.confirming.message.Text, "ne pourra plus se connecter") || h.user("anne@parents.ca").Disabled {
		t.Fatal("Désactiver should ask first")
	}
	test.Tap(p.confirming.confirm)
	h.ui.wait()
	if !h.user("anne@parents.ca").Disabled || p.disable.Text != "Réactiver" || p.rowText(0)[4] != "Désactivé" || p.disable.Disabled() {
		t.Fatalf("after Désactiver: button %q, row %q", p.disable.Text, p.rowText(0))
	}
	if _, err := h.svc.Login(context.Background(), "anne@parents.ca", pw); apetitspas.ErrorReason(err) != apetitspas.ReasonAccountDisabled {
		t.Fatalf("a disabled account signed in: %v", err)
	}
	test.Tap(p.disable)
	if h.user("anne@parents.ca").Disabled || p.disable.Text != "Désactiver" {
		t.Fatal("Réactiver did not enable the account")
	}
	if h.events(apetitspas.EventUserDisabled) != 1 || h.events(apetitspas.EventUserEnabled) != 1 {
		t.Fatal("not journaled")
	}
}

func TestATemporaryPasswordForSomeoneElseIsAskedFirstAndShownOnce(t *testing.T) {
	h := newHarness(t, withDaycare)
	p := h.openUsers()
	h.pick(p, "anne@parents.ca")
	test.Tap(p.tempPassword)
	if p.confirming == nil || !strings.Contains(p.confirming.message.Text, "ne fonctionnera plus") || p.confirming.codeAsked() {
		t.Fatal("a confirmation should say the current password stops working")
	}
	test.Tap(p.confirming.cancel)
	if h.events(apetitspas.EventPasswordResetByAdmin) != 0 {
		t.Fatal("Annuler changed the password")
	}
	test.Tap(p.tempPassword)
	c := p.confirming
	test.Tap(c.confirm)
	if !c.status.progress.Visible() || !c.confirm.Disabled() || !c.cancel.Disabled() {
		t.Fatal("while the password is made, a progress bar shows and the buttons are off")
	}
	h.ui.wait()
	if p.password == nil || p.confirming != nil {
		t.Fatalf("no password shown: %q", c.status.message.Text)
	}
	pwd := p.password.password.Text
	sess, err := h.svc.Login(context.Background(), "anne@parents.ca", pwd)
	if err != nil || sess.Step() != apetitspas.StepNewPassword {
		t.Fatalf("the temporary password: %v", err)
	}
	if _, err := h.svc.Login(context.Background(), "anne@parents.ca", pw); err == nil {
		t.Fatal("the old password still works")
	}
	if h.events(apetitspas.EventPasswordResetByAdmin) != 1 || p.tempPassword.Disabled() {
		t.Fatal("not journaled, or the actions stayed off")
	}
}

// centre is where a person clicks an object: its middle, in the window.
func (h *harness) centre(o fyne.CanvasObject) fyne.Position {
	pos := fyne.CurrentApp().Driver().AbsolutePositionForObject(o)
	return pos.Add(fyne.NewPos(o.Size().Width/2, o.Size().Height/2))
}

func TestADoubleClickOnDesactiverAsksOnceAndNeverReachesAnotherAction(t *testing.T) {
	h := newHarness(t, withDaycare)
	p := h.openUsers()
	h.pick(p, "anne@parents.ca")
	at, temp := h.centre(p.disable), p.tempPassword.Position()
	test.TapCanvas(h.win.Canvas(), at)
	test.TapCanvas(h.win.Canvas(), at)
	h.ui.wait()
	if p.password != nil || h.events(apetitspas.EventPasswordResetByAdmin) != 0 {
		t.Fatal("a double-click on Désactiver gave a temporary password")
	}
	if p.confirming == nil || h.events(apetitspas.EventUserDisabled) != 0 || h.user("anne@parents.ca").Disabled {
		t.Fatal("Désactiver should ask first, and only once")
	}
	if !strings.Contains(p.confirming.message.Text, "Anne Parent") {
		t.Fatalf("the confirmation = %q", p.confirming.message.Text)
	}
	test.Tap(p.confirming.confirm)
	if !h.user("anne@parents.ca").Disabled {
		t.Fatal("not disabled")
	}
	// Same place, same size: the button now reads Réactiver.
	if h.centre(p.disable) != at || p.tempPassword.Position() != temp || p.disable.Text != "Réactiver" {
		t.Fatalf("the buttons moved: %v → %v, %q", at, h.centre(p.disable), p.disable.Text)
	}
}

func TestTheStaffTabListsŒliseBeforeZoéAsTheStoreSortsNames(t *testing.T) {
	h := newHarness(t, func(h *harness) {
		withDaycare(h)
		h.create("elodie@lucioles.ca", apetitspas.RoleEmployee, "Zoé Roy", "zoe@lucioles.ca")
		h.create("elodie@lucioles.ca", apetitspas.RoleEmployee, "Œlise Gagnon", "oelise@lucioles.ca")
	})
	p := h.openUsers()
	p.tabs.selectIndex(usersTabStaff)
	// Élodie, Karim, Œlise ("oe…"), Zoé.
	if got := strings.Join(emails(p), " "); got != "elodie@lucioles.ca karim@lucioles.ca oelise@lucioles.ca zoe@lucioles.ca" {
		t.Fatalf("staff = %v", got)
	}
}

func TestAfterCreatingAnAccountTheSearchIsClearedAndTheNewAccountIsSelectedInTheWholeList(t *testing.T) {
	h := newHarness(t, withDaycare)
	p := h.openUsers()
	h.typeInto(p.search, "anne")
	test.Tap(p.newAccount)
	d := p.creating
	h.typeInto(d.name, "Béatrice Zed")
	h.typeInto(d.email, "bea@parents.ca")
	test.Tap(d.create)
	h.ui.wait()
	if p.password == nil {
		t.Fatalf("not created: %q", d.status.message.Text)
	}
	test.Tap(p.password.close)
	if p.search.Text != "" || p.emptyBox.Visible() {
		t.Fatalf("search %q, « aucun compte » shown %v", p.search.Text, p.emptyBox.Visible())
	}
	if got := emails(p); len(got) != 2 || p.selected == nil || p.selected.Email != "bea@parents.ca" {
		t.Fatalf("list %v, selected %v", got, p.selected)
	}
	if p.whoName.Text != "Béatrice Zed" {
		t.Fatalf("panel shows %q", p.whoName.Text)
	}
}

func TestNoRoleIsCutAt800Or1000PixelsAndThePanelShowsNameAndEmailWhole(t *testing.T) {
	h := newHarness(t, func(h *harness) {
		withDaycare(h)
		h.create("elodie@lucioles.ca", apetitspas.RoleEmployee, "Marie-Ève Gagnon-Tremblay", "marie-eve.gagnon-tremblay@cpe-les-lucioles.qc.ca")
	})
	p := h.openUsers()
	p.tabs.selectIndex(usersTabStaff)
	h.pick(p, "marie-eve.gagnon-tremblay@cpe-les-lucioles.qc.ca")
	word := fyne.MeasureText("administratrice", theme.TextSize(), fyne.TextStyle{}).Width + 2*theme.InnerPadding()
	for _, size := range []fyne.Size{{Width: 800, Height: 600}, {Width: 1000, Height: 700}, {Width: 1366, Height: 768}} {
		h.win.Resize(size)
		roles := 0
		for _, o := range test.LaidOutObjects(h.win.Content()) {
			l, ok := o.(*widget.Label)
			if !ok || !l.Visible() || l.Text != roleText(apetitspas.RoleAdmin) {
				continue
			}
			roles++
			if l.Size().Width < word {
				t.Errorf("at %v, « %s » is %v px wide: cut", size, l.Text, l.Size().Width)
			}
		}
		t.Logf("at %v: %d administrator roles shown", size, roles)
		if size.Width >= 1000 { // from 1000 px, a long name shows whole in its row
			name := "Marie-Ève Gagnon-Tremblay"
			need := fyne.MeasureText(name, theme.TextSize(), fyne.TextStyle{Bold: true}).Width + 2*theme.InnerPadding()
			found := false
			for _, o := range test.LaidOutObjects(h.win.Content()) {
				if r, ok := o.(*widget.RichText); ok && len(r.Segments) == 2 && r.Segments[0].Textual() == name {
					found = true
					if r.Size().Width < need {
						t.Errorf("at %v, the name's cell is %v px wide, %v needed", size, r.Size().Width, need)
					}
				}
			}
			if !found {
				t.Errorf("at %v, %s is not in the list", size, name)
			}
		}
		if size.Width >= 1000 && roles == 0 {
			t.Errorf("at %v the role column should be shown", size)
		}
		if p.whoEmail.Truncation != fyne.TextTruncateOff || p.whoName.Truncation != fyne.TextTruncateOff || p.whoEmail.Wrapping == fyne.TextWrapOff {
			t.Fatal("the panel should show the name and e-mail whole")
		}
	}
}
