package screens

import (
	"context"
	"fmt"
	"strings"
	"testing"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/test"

	apetitspas "github.com/apetitspas/apetitspas/app"
)

// openAdmin opens an administration page through the menu and returns it.
func (h *harness) openAdmin(id string) fyne.CanvasObject {
	h.t.Helper()
	sh := h.ui.Shell
	if sh == nil {
		h.t.Fatal("not in the main window")
	}
	test.Tap(sh.Hamburger)
	test.Tap(sh.MenuItems[id])
	if sh.Current() != id || len(sh.page.Objects) != 1 {
		h.t.Fatalf("page %s did not open", id)
	}
	return sh.page.Objects[0]
}

// openUsers signs elodie in (unless someone is) and opens Utilisateurs.
func (h *harness) openUsers() *UsersPage {
	h.t.Helper()
	if h.ui.Session() == nil {
		h.signIn("elodie@lucioles.ca", pw)
	}
	p, ok := h.openAdmin(PageUsers).(*UsersPage)
	if !ok {
		h.t.Fatal("Utilisateurs is not the users page")
	}
	return p
}

// enrollAccount turns an account's multi-factor sign-in on through the
// services and returns its secret.
func enrollAccount(svc *apetitspas.Service, email string) string {
	ctx := context.Background()
	sess, err := svc.Login(ctx, email, pw)
	if err != nil {
		panic(err)
	}
	if err := svc.RequestMFAActivation(ctx, sess); err != nil {
		panic(err)
	}
	if sess, err = svc.Login(ctx, email, pw); err != nil {
		panic(err)
	}
	en, err := svc.BeginEnrollment(ctx, sess)
	if err != nil {
		panic(err)
	}
	code, _ := apetitspas.TOTPCode(en.Secret, svc.Now(), 6)
	if err := svc.ConfirmEnrollment(ctx, sess, code); err != nil {
		panic(err)
	}
	return en.Secret
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

// signInWithCode signs in an account whose multi-factor sign-in is on,
// half a minute later (a code is accepted once).
func (h *harness) signInWithCode(email, secret string) {
	h.t.Helper()
	h.clock.Advance(apetitspas.CodePeriod)
	h.signIn(email, pw)
	cs := h.ui.Code
	if cs == nil {
		h.t.Fatal("no code screen")
	}
	test.Type(cs.Code, h.codeNow(secret))
	test.Tap(cs.Submit)
	h.ui.Wait()
	if h.ui.Shell == nil {
		h.t.Fatalf("the code was refused: %q", cs.status.Message.Text)
	}
}

// insertAccounts stores accounts directly (no password hashing), for
// lists too long to create through the services.
func (h *harness) insertAccounts(users ...apetitspas.User) {
	h.t.Helper()
	now := h.clock.Now()
	err := h.store.Update(context.Background(), func(tx apetitspas.Tx) error {
		for i := range users {
			u := users[i]
			u.PasswordHash, u.CreatedAt, u.UpdatedAt = "x", now, now
			if u.MFA == "" {
				u.MFA = apetitspas.MFAOff
			}
			if err := tx.InsertUser(&u); err != nil {
				return err
			}
		}
		return nil
	})
	if err != nil {
		h.t.Fatal(err)
	}
}

// account reads an account as stored.
func (h *harness) account(email string) apetitspas.User {
	h.t.Helper()
	var u apetitspas.User
	err := h.store.View(context.Background(), func(tx apetitspas.Tx) error {
		var err error
		u, err = tx.UserByEmail(email)
		return err
	})
	if err != nil {
		h.t.Fatal(err)
	}
	return u
}

// emails lists the e-mails of the users page, in order.
func emails(p *UsersPage) []string {
	var out []string
	for i := 0; i < p.List.Length(); i++ {
		out = append(out, p.RowText(i)[1])
	}
	return out
}

func TestTheResetButtonIsOffOnOnesOwnRowWithTheReasonShown(t *testing.T) {
	var secret string
	h := newHarness(t, func(svc *apetitspas.Service) {
		withDaycare(svc)
		secret = enrollAccount(svc, "elodie@lucioles.ca")
	})
	h.signInWithCode("elodie@lucioles.ca", secret)
	p := h.openUsers()
	p.Tabs.SelectIndex(UsersTabStaff)
	if !p.Select("elodie@lucioles.ca") {
		t.Fatalf("Élodie is not listed: %v", emails(p))
	}
	if !p.actions.Visible() || p.Hint.Visible() {
		t.Fatal("selecting a row should show its actions")
	}
	if !p.ResetMFA.Disabled() || !p.Disable.Disabled() || !p.TempPassword.Disabled() {
		t.Fatal("on one's own row, reset, disable and temporary password are off")
	}
	if !p.Note.Visible() || !strings.Contains(p.Note.Text, "Un autre administrateur doit réinitialiser votre AMF") {
		t.Fatalf("the reason is not shown: %q", p.Note.Text)
	}
	// Someone else's row: the reset is off only because his AMF is off.
	if !p.Select("karim@lucioles.ca") {
		t.Fatal("Karim is not listed")
	}
	if !p.ResetMFA.Disabled() || !strings.Contains(p.Note.Text, "rien à réinitialiser") {
		t.Fatal("Karim's AMF is off: the reset is off, with why")
	}
	if p.Disable.Disabled() || p.TempPassword.Disabled() {
		t.Fatal("on someone else's row, disable and temporary password are on")
	}
}

func TestResettingSomeoneElsesMFAThroughTheConfirmationMakesItPendingAndIsJournaled(t *testing.T) {
	h := newHarness(t, func(svc *apetitspas.Service) {
		withDaycare(svc)
		enrollAccount(svc, "karim@lucioles.ca")
	})
	p := h.openUsers()
	p.Tabs.SelectIndex(UsersTabStaff)
	p.Select("karim@lucioles.ca")
	if p.ResetMFA.Disabled() || p.Note.Visible() {
		t.Fatal("the reset should be on for Karim, whose AMF is on")
	}
	test.Tap(p.ResetMFA)
	c := p.Confirm
	if c == nil {
		t.Fatal("no confirmation")
	}
	for _, want := range []string{"Karim Benali", "détruit", "déverrouillé", "nouveau code QR", "reste obligatoire"} {
		if !strings.Contains(c.Message.Text, want) {
			t.Errorf("the confirmation lacks %q: %q", want, c.Message.Text)
		}
	}
	if c.CodeAsked() {
		t.Fatal("Élodie's own AMF is off: no code to ask")
	}
	test.Tap(c.Cancel)
	if p.Confirm != nil || h.account("karim@lucioles.ca").MFA != apetitspas.MFAOn {
		t.Fatal("Annuler should close the dialog and change nothing")
	}

	test.Tap(p.ResetMFA)
	test.Tap(p.Confirm.Confirm)
	if p.Confirm != nil {
		t.Fatalf("the dialog stayed open: %q", c.Status.Message.Text)
	}
	k := h.account("karim@lucioles.ca")
	if k.MFA != apetitspas.MFAPending || k.MFASecret != nil {
		t.Fatalf("Karim's AMF = %s, secret kept: %v", k.MFA, k.MFASecret != nil)
	}
	if h.events(apetitspas.EventMFAReset) != 1 {
		t.Fatal("the reset is not journaled")
	}
	if !strings.Contains(p.Status.Message.Text, "réinitialisée") || p.Selected() == nil || p.Selected().MFA != apetitspas.MFAPending {
		t.Fatalf("after the reset: %q, selected %v", p.Status.Message.Text, p.Selected())
	}
	if row := p.RowText(indexOf(emails(p), "karim@lucioles.ca")); row[3] != "À configurer" {
		t.Fatalf("Karim's row = %q", row)
	}
}

func indexOf(list []string, s string) int {
	for i, v := range list {
		if v == s {
			return i
		}
	}
	return -1
}

func TestAnAdminWithMFAOnConfirmsTheResetWithHerCodeAndAWrongCodeChangesNothing(t *testing.T) {
	var secret string
	h := newHarness(t, func(svc *apetitspas.Service) {
		withDaycare(svc)
		secret = enrollAccount(svc, "elodie@lucioles.ca")
		enrollAccount(svc, "karim@lucioles.ca")
	})
	h.signInWithCode("elodie@lucioles.ca", secret)
	p := h.openUsers()
	p.Tabs.SelectIndex(UsersTabStaff)
	p.Select("karim@lucioles.ca")
	test.Tap(p.ResetMFA)
	c := p.Confirm
	if c == nil || !c.CodeAsked() || c.CodeLabel.Text != "Votre code à 6 chiffres" {
		t.Fatal("the dialog should ask for Élodie's own code")
	}
	h.clock.Advance(apetitspas.CodePeriod)
	wrong := "000000"
	if h.codeNow(secret) == wrong {
		wrong = "111111"
	}
	test.Type(c.Code, wrong)
	test.Tap(c.Confirm)
	if p.Confirm == nil {
		t.Fatal("a wrong code should leave the dialog open")
	}
	if !c.Status.Message.Visible() || !strings.Contains(c.Status.Message.Text, "incorrect") {
		t.Fatalf("message = %q", c.Status.Message.Text)
	}
	if h.account("karim@lucioles.ca").MFA != apetitspas.MFAOn || h.events(apetitspas.EventMFAReset) != 0 {
		t.Fatal("a wrong code changed Karim's account")
	}
	test.Type(c.Code, h.codeNow(secret))
	test.Tap(c.Confirm)
	if p.Confirm != nil {
		t.Fatalf("the right code was refused: %q", c.Status.Message.Text)
	}
	if h.account("karim@lucioles.ca").MFA != apetitspas.MFAPending || h.events(apetitspas.EventMFAReset) != 1 {
		t.Fatal("the reset did not happen")
	}
}

func TestSearchAsYouTypeFiltersTheList(t *testing.T) {
	h := newHarness(t, withDaycare)
	h.insertAccounts(
		apetitspas.User{Role: apetitspas.RoleParent, Name: "Éloïse Gagnon", Email: "eloise@parents.ca"},
		apetitspas.User{Role: apetitspas.RoleParent, Name: "Gabriel Tremblay", Email: "gab@parents.ca"},
		apetitspas.User{Role: apetitspas.RoleParent, Name: "Zoé Roy", Email: "zoe@exemple.com"},
	)
	p := h.openUsers()
	if got := emails(p); len(got) != 4 || got[0] != "anne@parents.ca" {
		t.Fatalf("parents = %v", got)
	}
	h.typeInto(p.Search, "gag")
	if got := emails(p); len(got) != 1 || got[0] != "eloise@parents.ca" {
		t.Fatalf("after « gag »: %v", got)
	}
	p.Search.SetText("")
	h.typeInto(p.Search, "eloi") // no accents typed
	if got := emails(p); len(got) != 1 || p.RowText(0)[0] != "Éloïse Gagnon" {
		t.Fatalf("after « eloi »: %v", got)
	}
	p.Search.SetText("")
	h.typeInto(p.Search, "exemple.com") // e-mail
	if got := emails(p); len(got) != 1 || got[0] != "zoe@exemple.com" {
		t.Fatalf("after « exemple.com »: %v", got)
	}
	h.typeInto(p.Search, "x")
	if p.List.Length() != 0 || !p.Empty.Visible() {
		t.Fatal("no match should say so")
	}
}

func TestTheParentsTabDoesNotListStaffAndTheStaffTabListsBothRoles(t *testing.T) {
	h := newHarness(t, withDaycare)
	h.insertAccounts(apetitspas.User{Role: apetitspas.RoleAdmin, Name: "Zacharie Admin", Email: "zach@lucioles.ca"})
	p := h.openUsers()
	if p.Tabs.SelectedIndex() != UsersTabParents {
		t.Fatal("the page should open on the parents")
	}
	if got := emails(p); len(got) != 1 || got[0] != "anne@parents.ca" {
		t.Fatalf("Parents lists %v", got)
	}
	p.Tabs.SelectIndex(UsersTabStaff)
	// Sorted by name, accents ignored: Élodie, Karim, Zacharie.
	got := emails(p)
	if strings.Join(got, " ") != "elodie@lucioles.ca karim@lucioles.ca zach@lucioles.ca" {
		t.Fatalf("Employés et administrateurs lists %v", got)
	}
	if row := p.RowText(1); row[2] != "Employé ou employée" || row[3] != "Désactivée" {
		t.Fatalf("Karim's row = %q", row)
	}
	if row := p.RowText(0); row[2] != "Administrateur ou administratrice" {
		t.Fatalf("Élodie's row = %q", row)
	}
}

func TestTheListShowsTheFirst500AndSaysToNarrowTheSearch(t *testing.T) {
	h := newHarness(t, withDaycare)
	var many []apetitspas.User
	for i := 0; i < 700; i++ {
		many = append(many, apetitspas.User{Role: apetitspas.RoleParent, Name: fmt.Sprintf("Parent %03d", i), Email: fmt.Sprintf("p%03d@parents.ca", i)})
	}
	h.insertAccounts(many...)
	p := h.openUsers()
	if p.List.Length() != 500 || !p.More.Visible() || p.More.Text != "500 premiers résultats — précisez la recherche" {
		t.Fatalf("length %d, note shown %v", p.List.Length(), p.More.Visible())
	}
	h.typeInto(p.Search, "parent 12")
	if p.List.Length() != 10 || p.More.Visible() {
		t.Fatalf("after narrowing: length %d, note shown %v", p.List.Length(), p.More.Visible())
	}
}

func TestCreatingAnAccountShowsItsTemporaryPasswordOnce(t *testing.T) {
	h := newHarness(t, withDaycare)
	p := h.openUsers()
	test.Tap(p.NewAccount)
	d := p.Create
	if d == nil || d.Role.Selected != "Parent" {
		t.Fatal("Nouveau compte should open a dialog, role Parent from the parents tab")
	}
	d.Role.SetSelected("Employé")
	h.typeInto(d.Name, "Sophie Lavoie")
	h.typeInto(d.Email, "pas-un-courriel")
	test.Tap(d.Create)
	h.ui.Wait()
	if p.Create == nil || !strings.Contains(d.Status.Message.Text, "courriel n'est pas valide") {
		t.Fatalf("a bad e-mail should be explained in the dialog: %q", d.Status.Message.Text)
	}
	d.Email.SetText("Sophie@Lucioles.ca")
	test.Tap(d.Create)
	if !d.Status.Progress.Visible() || !d.Create.Disabled() {
		t.Fatal("while the password is made, a progress bar shows and the button is off")
	}
	h.ui.Wait()
	if p.Create != nil || p.Password == nil {
		t.Fatalf("no temporary password shown: %q", d.Status.Message.Text)
	}
	pwd := p.Password.Password.Text
	if len(pwd) < apetitspas.MinPasswordLen || !strings.Contains(p.Password.Message.Text, "Sophie Lavoie") {
		t.Fatalf("password %q, message %q", pwd, p.Password.Message.Text)
	}
	if !strings.Contains(p.Password.Note.Text, "choisir son propre mot de passe") || !strings.Contains(p.Password.Note.Text, "code à 6 chiffres") {
		t.Fatalf("note = %q", p.Password.Note.Text)
	}
	test.Tap(p.Password.Copy)
	if fyne.CurrentApp().Clipboard().Content() != pwd {
		t.Fatal("Copier did not copy the password")
	}
	shown := p.Password
	test.Tap(shown.Close)
	if p.Password != nil || shown.Password.Text != "" {
		t.Fatal("the password should be shown once")
	}
	// The new employee is listed and selected, and the password works.
	if p.Tabs.SelectedIndex() != UsersTabStaff || p.Selected() == nil || p.Selected().Email != "sophie@lucioles.ca" {
		t.Fatalf("selected %v", p.Selected())
	}
	sess, err := h.svc.Login(context.Background(), "sophie@lucioles.ca", pwd)
	if err != nil || sess.Step() != apetitspas.StepNewPassword {
		t.Fatalf("the temporary password: %v", err)
	}
}

func TestDisablingReenablingAndUnlockingAnAccount(t *testing.T) {
	h := newHarness(t, withDaycare)
	err := h.store.Update(context.Background(), func(tx apetitspas.Tx) error {
		u, err := tx.UserByEmail("anne@parents.ca")
		if err != nil {
			return err
		}
		u.FailedLogins, u.LockedUntil = apetitspas.MaxFailedLogins, h.clock.Now().Add(apetitspas.LockDuration)
		return tx.UpdateUser(u)
	})
	if err != nil {
		t.Fatal(err)
	}
	p := h.openUsers()
	p.Select("anne@parents.ca")
	if row := p.RowText(0); row[4] != "Verrouillé" {
		t.Fatalf("Anne's row = %q", row)
	}
	if p.Unlock.Disabled() {
		t.Fatal("Déverrouiller should be on for a locked account")
	}
	test.Tap(p.Unlock)
	if h.account("anne@parents.ca").Locked(h.clock.Now()) || h.events(apetitspas.EventUserUnlocked) != 1 {
		t.Fatal("Déverrouiller did not unlock")
	}
	if p.RowText(0)[4] != "" || !p.Unlock.Disabled() {
		t.Fatal("the badge and the button should follow")
	}

	if p.Disable.Text != "Désactiver" {
		t.Fatalf("button = %q", p.Disable.Text)
	}
	test.Tap(p.Disable)
	if !h.account("anne@parents.ca").Disabled || p.Disable.Text != "Réactiver" || p.RowText(0)[4] != "Désactivé" {
		t.Fatalf("after Désactiver: button %q, row %q", p.Disable.Text, p.RowText(0))
	}
	if _, err := h.svc.Login(context.Background(), "anne@parents.ca", pw); apetitspas.ErrorReason(err) != apetitspas.ReasonAccountDisabled {
		t.Fatalf("a disabled account signed in: %v", err)
	}
	test.Tap(p.Disable)
	if h.account("anne@parents.ca").Disabled || p.Disable.Text != "Désactiver" {
		t.Fatal("Réactiver did not enable the account")
	}
	if h.events(apetitspas.EventUserDisabled) != 1 || h.events(apetitspas.EventUserEnabled) != 1 {
		t.Fatal("not journaled")
	}
}

func TestATemporaryPasswordForSomeoneElseIsAskedFirstAndShownOnce(t *testing.T) {
	h := newHarness(t, withDaycare)
	p := h.openUsers()
	p.Select("anne@parents.ca")
	test.Tap(p.TempPassword)
	if p.Confirm == nil || !strings.Contains(p.Confirm.Message.Text, "ne fonctionnera plus") || p.Confirm.CodeAsked() {
		t.Fatal("a confirmation should say the current password stops working")
	}
	test.Tap(p.Confirm.Cancel)
	if h.events(apetitspas.EventPasswordResetByAdmin) != 0 {
		t.Fatal("Annuler changed the password")
	}
	test.Tap(p.TempPassword)
	test.Tap(p.Confirm.Confirm)
	if !p.Status.Progress.Visible() || !p.TempPassword.Disabled() {
		t.Fatal("while the password is made, a progress bar shows and the actions are off")
	}
	h.ui.Wait()
	if p.Password == nil {
		t.Fatalf("no password shown: %q", p.Status.Message.Text)
	}
	pwd := p.Password.Password.Text
	sess, err := h.svc.Login(context.Background(), "anne@parents.ca", pwd)
	if err != nil || sess.Step() != apetitspas.StepNewPassword {
		t.Fatalf("the temporary password: %v", err)
	}
	if _, err := h.svc.Login(context.Background(), "anne@parents.ca", pw); err == nil {
		t.Fatal("the old password still works")
	}
	if h.events(apetitspas.EventPasswordResetByAdmin) != 1 || p.TempPassword.Disabled() {
		t.Fatal("not journaled, or the actions stayed off")
	}
}
