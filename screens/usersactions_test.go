package screens

import (
	"context"
	"strings"
	"sync"
	"testing"

	"fyne.io/fyne/v2/test"

	apetitspas "github.com/apetitspas/apetitspas/app"
)

// tableAPI is the service, except that its permission table is the
// test's: what the users page draws comes from the table alone.
type tableAPI struct {
	apetitspas.API
	table apetitspas.AccountActions

	mu    sync.Mutex
	asked []string
}

func (a *tableAPI) Actions(_ context.Context, _ *apetitspas.Handle, email string) (apetitspas.AccountActions, error) {
	a.mu.Lock()
	defer a.mu.Unlock()
	a.asked = append(a.asked, email)
	return a.table, nil
}

// withTable makes the UI's calls go through a tableAPI answering t (the
// same in-process API otherwise, sessions kept).
func (h *harness) withTable(t apetitspas.AccountActions) *tableAPI {
	h.t.Helper()
	h.ui.wait()
	a := &tableAPI{API: h.api, table: t}
	h.ui.calls.api = a
	return a
}

var (
	allow  = apetitspas.Permission{Allowed: true}
	strong = apetitspas.Permission{Allowed: true, NeedsCode: true}
)

func refused(reason string) apetitspas.Permission { return apetitspas.Permission{Reason: reason} }

// everything is the table of an administrator on a parent's account that
// is neither locked, disabled nor changed outside the application.
func everything() apetitspas.AccountActions {
	return apetitspas.AccountActions{
		ResetMFA: strong, Disable: allow, Enable: refused(apetitspas.ReasonSettingInvalid),
		TempPassword: allow, Role: strong, Unlock: refused(apetitspas.ReasonNotLocked),
		Reseal: refused(apetitspas.ReasonNotTampered),
	}
}

func TestTheUsersActionsFollowThePermissionTable(t *testing.T) {
	errText := func(reason string) string { return ErrorText(&apetitspas.Error{Reason: reason}) }
	for _, c := range []struct {
		name   string
		change func(*apetitspas.AccountActions)
		// on are the actions on ("reset", "disable", "temp", "role",
		// "unlock"); the others are off.
		on []string
		// note is what the note under the buttons says ("" hidden).
		note []string
	}{
		{name: "everything applies", change: func(*apetitspas.AccountActions) {},
			on: []string{"reset", "disable", "temp", "role"}},
		{name: "one's own account", change: func(t *apetitspas.AccountActions) {
			t.Own = true
			t.ResetMFA, t.Disable = refused(apetitspas.ReasonSelfReset), refused(apetitspas.ReasonSelfDisable)
			t.TempPassword, t.Role = refused(apetitspas.ReasonSelfPassword), refused(apetitspas.ReasonSelfRole)
		}, note: []string{"Un autre administrateur doit réinitialiser votre AMF. Pour changer votre mot de passe, utilisez Mon compte."}},
		{name: "MFA off", change: func(t *apetitspas.AccountActions) {
			t.ResetMFA = refused(apetitspas.ReasonMFANotSet)
		}, on: []string{"disable", "temp", "role"}, note: []string{"rien à réinitialiser"}},
		{name: "her own MFA not on", change: func(t *apetitspas.AccountActions) {
			t.ResetMFA, t.Role = refused(apetitspas.ReasonAdminMFARequired), refused(apetitspas.ReasonAdminMFARequired)
		}, on: []string{"disable", "temp"}, note: []string{errText(apetitspas.ReasonAdminMFARequired)}},
		{name: "changed outside the application", change: func(t *apetitspas.AccountActions) {
			t.ResetMFA, t.Disable = refused(apetitspas.ReasonAccountTampered), refused(apetitspas.ReasonAccountTampered)
			t.TempPassword, t.Role = refused(apetitspas.ReasonAccountTampered), refused(apetitspas.ReasonAccountTampered)
		}, note: []string{"modifié en dehors d'À petits pas"}},
		{name: "the one who made her", change: func(t *apetitspas.AccountActions) {
			t.ResetMFA, t.TempPassword = refused(apetitspas.ReasonResetByOwnAdmin), refused(apetitspas.ReasonResetByOwnAdmin)
		}, on: []string{"disable", "role"}, note: []string{errText(apetitspas.ReasonResetByOwnAdmin)}},
		{name: "the last administrator", change: func(t *apetitspas.AccountActions) {
			t.Disable = refused(apetitspas.ReasonLastAdmin)
		}, on: []string{"reset", "temp", "role"}, note: []string{errText(apetitspas.ReasonLastAdmin)}},
		{name: "two reasons, each said once", change: func(t *apetitspas.AccountActions) {
			t.ResetMFA, t.Role = refused(apetitspas.ReasonMFANotSet), refused(apetitspas.ReasonAdminMFARequired)
			t.TempPassword = refused(apetitspas.ReasonAdminMFARequired)
		}, on: []string{"disable"}, note: []string{"rien à réinitialiser", errText(apetitspas.ReasonAdminMFARequired)}},
		{name: "locked", change: func(t *apetitspas.AccountActions) { t.Unlock = allow },
			on: []string{"reset", "disable", "temp", "role", "unlock"}},
	} {
		t.Run(c.name, func(t *testing.T) {
			h := newHarness(t, withEnrolledDirector)
			p := h.openUsers()
			table := everything()
			c.change(&table)
			api := h.withTable(table)
			p.selectEmail("anne@parents.ca")
			if !allOff(p) {
				t.Fatal("the actions are on before the table came")
			}
			h.ui.wait()
			if len(api.asked) != 1 || api.asked[0] != "anne@parents.ca" {
				t.Fatalf("tables asked: %q", api.asked)
			}
			buttons := map[string]bool{"reset": !p.resetMFA.Disabled(), "disable": !p.disable.Disabled(),
				"temp": !p.tempPassword.Disabled(), "role": !p.role.Disabled(), "unlock": !p.unlockBtn.Disabled()}
			for name, on := range buttons {
				want := false
				for _, o := range c.on {
					want = want || o == name
				}
				if on != want {
					t.Errorf("%s on = %v, want %v", name, on, want)
				}
			}
			if len(c.note) == 0 && p.note.Visible() {
				t.Errorf("note shown: %q", p.note.Text)
			}
			for _, want := range c.note {
				if !p.note.Visible() || !strings.Contains(p.note.Text, want) {
					t.Errorf("note = %q, want %q in it", p.note.Text, want)
				}
			}
			if len(c.note) > 1 && strings.Count(p.note.Text, c.note[1]) != 1 {
				t.Errorf("a reason said twice: %q", p.note.Text)
			}
			if p.reseal.Visible() {
				t.Error("« Vérifier et rétablir… » shows on an account not changed outside the application")
			}
		})
	}
}

// allOff reports whether every action of the panel is off.
func allOff(p *usersPage) bool {
	for _, b := range []interface{ Disabled() bool }{p.resetMFA, p.disable, p.tempPassword, p.role, p.unlockBtn} {
		if !b.Disabled() {
			return false
		}
	}
	return !p.reseal.Visible() || p.reseal.Disabled()
}

// Whether the code field shows comes from the table's NeedsCode (and a
// code accepted less than two minutes ago), not from the account's role.
func TestTheCodeIsAskedWhereTheTableSaysAStrongAction(t *testing.T) {
	for _, c := range []struct {
		name   string
		set    func(*apetitspas.AccountActions, apetitspas.Permission)
		button func(*usersPage)
	}{
		{"reset", func(t *apetitspas.AccountActions, p apetitspas.Permission) { t.ResetMFA = p }, func(p *usersPage) { test.Tap(p.resetMFA) }},
		{"disable", func(t *apetitspas.AccountActions, p apetitspas.Permission) { t.Disable = p }, func(p *usersPage) { test.Tap(p.disable) }},
		{"temporary password", func(t *apetitspas.AccountActions, p apetitspas.Permission) { t.TempPassword = p }, func(p *usersPage) { test.Tap(p.tempPassword) }},
		{"role", func(t *apetitspas.AccountActions, p apetitspas.Permission) { t.Role = p }, func(p *usersPage) { p.role.SetSelected("Employé") }},
		{"unlock", func(t *apetitspas.AccountActions, p apetitspas.Permission) { t.Unlock = p }, func(p *usersPage) { test.Tap(p.unlockBtn) }},
	} {
		t.Run(c.name, func(t *testing.T) {
			h := newHarness(t, withEnrolledDirector)
			p := h.openUsers()
			h.pick(p, "anne@parents.ca")
			for _, needs := range []bool{true, false} {
				table := everything()
				c.set(&table, apetitspas.Permission{Allowed: true, NeedsCode: needs})
				h.withTable(table)
				p.load() // the list again, and the selected account's table
				h.ui.wait()
				h.staleCode()
				c.button(p)
				if needs {
					if p.confirming == nil || !p.confirming.codeAsked() {
						t.Fatal("a strong action with a stale code asks for it")
					}
				} else if p.confirming != nil && p.confirming.codeAsked() {
					t.Fatal("an action that is not strong asks no code")
				}
				if p.confirming != nil {
					test.Tap(p.confirming.cancel)
				}
				h.ui.wait()
				p.status.idle()
			}
		})
	}
}

// The table of the real service: one's own row, then someone else's
// selected before the first table came (the first is dropped).
func TestOnlyTheTableOfTheAccountSelectedLastIsShown(t *testing.T) {
	h := newHarness(t, withEnrolledDirector)
	p := h.openUsers()
	p.tabs.selectIndex(usersTabStaff)
	h.ui.wait()
	p.selectEmail("elodie@lucioles.ca")
	p.selectEmail("karim@lucioles.ca")
	h.ui.wait()
	if p.selected == nil || p.selected.Email != "karim@lucioles.ca" {
		t.Fatalf("selected %v", p.selected)
	}
	if !strings.Contains(p.note.Text, "rien à réinitialiser") || p.disable.Disabled() {
		t.Fatalf("Karim's table is not the one shown: note %q", p.note.Text)
	}
	want, err := h.api.Actions(context.Background(), snapshot(h.ui.handle), "karim@lucioles.ca")
	if err != nil {
		t.Fatal(err)
	}
	if p.perm == nil || *p.perm != want {
		t.Fatalf("table shown %+v, the service's %+v", p.perm, want)
	}
}
