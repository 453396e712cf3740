package app_test

import (
	"strings"
	"testing"

	"github.com/apetitspas/apetitspas/app"
)

// addNamed creates an account with a given name.
func (e *env) addNamed(role app.Role, email, name string) {
	e.t.Helper()
	if _, err := e.svc.CreateUserForTest(e.ctx, app.NewUser{Role: role, Email: email, Name: name, Password: goodPassword}); err != nil {
		e.t.Fatalf("create %s: %v", email, err)
	}
}

func TestStaffListsEmployeesAndAdministratorsTogetherInTheStoresNameOrder(t *testing.T) {
	e := newEnv(t)
	e.addNamed(app.RoleAdmin, "zoe@cpe.ca", "Zoé Roy")
	e.addNamed(app.RoleEmployee, "oelise@cpe.ca", "Œlise Gagnon")
	e.addNamed(app.RoleEmployee, "eric@cpe.ca", "Éric Côté")
	e.addNamed(app.RoleParent, "anne@parents.ca", "Anne Parent")
	admin := e.signedIn("zoe@cpe.ca", "")
	staff, err := e.svc.Staff(e.ctx, admin, "", 0)
	if err != nil {
		t.Fatal(err)
	}
	var got []string
	for _, u := range staff {
		got = append(got, u.Email)
	}
	// "Œ" folds to "oe": Éric, Œlise, Zoé; no parent.
	if strings.Join(got, " ") != "eric@cpe.ca oelise@cpe.ca zoe@cpe.ca" {
		t.Fatalf("staff = %v", got)
	}
	if staff, _ := e.svc.Staff(e.ctx, admin, "oel", 0); len(staff) != 1 || staff[0].Name != "Œlise Gagnon" {
		t.Fatalf("search « oel » = %v", staff)
	}
	if staff, _ := e.svc.Staff(e.ctx, admin, "", 2); len(staff) != 2 {
		t.Fatalf("limit 2 = %d accounts", len(staff))
	}
	_, err = e.svc.Staff(e.ctx, e.signedIn("anne@parents.ca", ""), "", 0)
	wantReason(t, err, app.ReasonNotAdmin)
}

func TestStaffToEnrollIsTheNumberThePolicyMakesPending(t *testing.T) {
	e := newEnv(t)
	admin, _ := e.mfaAdmin("a@cpe.ca")
	e.addUser(app.RoleEmployee, "off@cpe.ca")
	e.addUser(app.RoleAdmin, "admin.off@cpe.ca")
	e.addUser(app.RoleEmployee, "on@cpe.ca")
	e.enroll("on@cpe.ca")
	e.addUser(app.RoleEmployee, "tampered@cpe.ca")
	e.addUser(app.RoleParent, "parent@cpe.ca")
	e.addUser(app.RoleEmployee, "pending@cpe.ca")
	if err := e.svc.UpdateUserForTest(e.ctx, "pending@cpe.ca", func(u *app.User) { u.MFA = app.MFAPending }); err != nil {
		t.Fatal(err)
	}
	e.exec(e.sqlite(), "UPDATE users SET role = 'admin' WHERE email = 'tampered@cpe.ca'")

	n, err := e.svc.StaffToEnroll(e.ctx, admin)
	if err != nil {
		t.Fatal(err)
	}
	emails := []string{"a@cpe.ca", "off@cpe.ca", "admin.off@cpe.ca", "on@cpe.ca", "tampered@cpe.ca", "parent@cpe.ca", "pending@cpe.ca"}
	before := map[string]app.User{}
	for _, m := range emails {
		before[m] = e.user(m)
	}
	if err := e.svc.SetStaffPolicy(e.ctx, admin, true, 7, ""); err != nil {
		t.Fatal(err)
	}
	changed := 0
	for _, m := range emails {
		if e.user(m).MFA != before[m].MFA {
			changed++
		}
	}
	// off@ and admin.off@: not the pending, the enrolled, the changed
	// account, the parent.
	if n != 2 || changed != 2 {
		t.Fatalf("StaffToEnroll = %d, the policy changed %d accounts", n, changed)
	}
	if n, _ := e.svc.StaffToEnroll(e.ctx, admin); n != 0 {
		t.Fatalf("after the policy, StaffToEnroll = %d", n)
	}
}

func TestCheckGraceDaysRefusesWhatTheStaffPolicyRefuses(t *testing.T) {
	e := newEnv(t)
	admin, _ := e.mfaAdmin("a@cpe.ca")
	for _, days := range []int{-1, 0, 1, app.MaxGraceDays, app.MaxGraceDays + 1} {
		checked := app.CheckGraceDays(days)
		set := e.svc.SetStaffPolicy(e.ctx, admin, true, days, "")
		if app.ErrorReason(checked) != app.ErrorReason(set) || (checked == nil) != (set == nil) {
			t.Errorf("%d days: CheckGraceDays %v, SetStaffPolicy %v", days, checked, set)
		}
	}
}
