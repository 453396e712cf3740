package app_test

import (
	"strings"
	"testing"

	"github.com/apetitspas/apetitspas/app"
)

func TestAnEmptyDatabaseNeedsTheFirstRunAndOnlyOnce(t *testing.T) {
	e := newEnv(t)
	need, err := e.svc.NeedsSetup(e.ctx)
	if err != nil || !need {
		t.Fatalf("NeedsSetup on an empty database = %v, %v", need, err)
	}
	admin := app.NewUser{Name: "Élodie D'Amour", Email: "Elodie@Lucioles.ca", Password: goodPassword}
	if _, err := e.tr.Setup(e.ctx, "CPE Les Lucioles", admin, goodPassword); err != nil {
		t.Fatal(err)
	}
	if need, _ := e.svc.NeedsSetup(e.ctx); need {
		t.Fatal("still needs setup after it")
	}
	if name, _ := e.svc.DaycareName(e.ctx); name != "CPE Les Lucioles" {
		t.Fatalf("daycare = %q", name)
	}
	if u := e.user("elodie@lucioles.ca"); u.Role != app.RoleAdmin {
		t.Fatalf("first user role = %s", u.Role)
	}
	// A second setup cannot take over the installed database.
	other := app.NewUser{Name: "Intrus", Email: "intrus@x.ca", Password: goodPassword}
	_, err = e.tr.Setup(e.ctx, "Autre", other, goodPassword)
	wantReason(t, err, app.ReasonAlreadySetUp)
	if name, _ := e.svc.DaycareName(e.ctx); name != "CPE Les Lucioles" {
		t.Fatalf("daycare changed to %q", name)
	}
}

func TestSetupChecksEveryField(t *testing.T) {
	e := newEnv(t)
	ok := app.NewUser{Name: "Élodie", Email: "e@cpe.ca", Password: goodPassword}
	cases := []struct {
		name    string
		daycare string
		admin   app.NewUser
		confirm string
		reason  string
	}{
		{"no daycare name", "  ", ok, goodPassword, app.ReasonDaycareRequired},
		{"passwords differ", "CPE", ok, goodPassword + "x", app.ReasonPasswordMismatch},
		{"short password", "CPE", app.NewUser{Name: "É", Email: "e@cpe.ca", Password: "court"}, "court", app.ReasonPasswordTooShort},
		{"bad e-mail", "CPE", app.NewUser{Name: "É", Email: "pas un courriel", Password: goodPassword}, goodPassword, app.ReasonEmailInvalid},
		{"no name", "CPE", app.NewUser{Name: " ", Email: "e@cpe.ca", Password: goodPassword}, goodPassword, app.ReasonNameRequired},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			_, err := e.tr.Setup(e.ctx, c.daycare, c.admin, c.confirm)
			wantReason(t, err, c.reason)
		})
	}
	if need, _ := e.svc.NeedsSetup(e.ctx); !need {
		t.Fatal("a refused setup changed the database")
	}
	if evs := e.events(app.AuditFilter{}); len(evs) != 0 {
		t.Fatalf("a refused setup wrote %v", evs)
	}
}

func TestAnEmailIsUniqueWhateverItsCaseAndSpaces(t *testing.T) {
	e := newEnv(t)
	e.addUser(app.RoleParent, "marie@cpe.ca")
	_, err := e.svc.CreateUserForTest(e.ctx, app.NewUser{Role: app.RoleEmployee, Email: "  MARIE@cpe.CA ", Name: "Autre", Password: goodPassword})
	wantReason(t, err, app.ReasonEmailTaken)
	if app.ErrorCode(err) != app.ECONFLICT {
		t.Fatalf("code = %s", app.ErrorCode(err))
	}
}

func TestNewAccountsAreCheckedBeforeAnythingIsStored(t *testing.T) {
	e := newEnv(t)
	cases := []struct {
		n      app.NewUser
		reason string
	}{
		{app.NewUser{Role: "chef", Email: "a@cpe.ca", Name: "A", Password: goodPassword}, app.ReasonRoleInvalid},
		{app.NewUser{Role: app.RoleParent, Email: "a@cpe.ca", Name: "A", Password: "cheval orange"}, app.ReasonPasswordTooShort},
		{app.NewUser{Role: app.RoleParent, Email: "a@cpe.ca", Name: "A", Password: "123456789"}, app.ReasonPasswordCommon},
		{app.NewUser{Role: app.RoleParent, Email: "a@cpe.ca", Name: "A", Password: strings.Repeat("x", 300)}, app.ReasonPasswordTooLong},
		{app.NewUser{Role: app.RoleParent, Email: "a@", Name: "A", Password: goodPassword}, app.ReasonEmailInvalid},
		{app.NewUser{Role: app.RoleParent, Email: "Nom <a@cpe.ca>", Name: "A", Password: goodPassword}, app.ReasonEmailInvalid},
		{app.NewUser{Role: app.RoleParent, Email: "a@cpe.ca", Name: strings.Repeat("é", 101), Password: goodPassword}, app.ReasonNameTooLong},
	}
	for _, c := range cases {
		_, err := e.svc.CreateUserForTest(e.ctx, c.n)
		wantReason(t, err, c.reason)
	}
	users, _ := e.tr.Users(e.ctx, app.UserFilter{})
	if len(users) != 0 {
		t.Fatalf("refused accounts were stored: %v", users)
	}
	// Fifteen characters, accents counted as one each, is enough.
	if _, err := e.svc.CreateUserForTest(e.ctx, app.NewUser{Role: app.RoleParent, Email: "a@cpe.ca", Name: "A", Password: "élève été forêt"}); err != nil {
		t.Fatal(err)
	}
}

func TestImportIsAllOrNothingWithLineNumbers(t *testing.T) {
	e := newEnv(t)
	e.addUser(app.RoleAdmin, "admin@cpe.ca")
	admin := e.signedIn("admin@cpe.ca", "")
	e.addUser(app.RoleParent, "deja@cpe.ca")
	cases := []struct {
		name, csv, reason string
		line              int
	}{
		{"bad role on line 3", "role,email,name\nparent,a@cpe.ca,A\nchef,b@cpe.ca,B\n", app.ReasonRoleInvalid, 3},
		{"duplicate inside the file", "parent,a@cpe.ca,A\nemployee,b@cpe.ca,B\nparent,A@CPE.CA,C\n", app.ReasonEmailTaken, 3},
		{"already in the database", "parent,a@cpe.ca,A\nparent,deja@cpe.ca,D\n", app.ReasonEmailTaken, 2},
		{"missing column", "parent,a@cpe.ca\n", app.ReasonCSVInvalid, 1},
		{"bad e-mail after a blank line", "parent,a@cpe.ca,A\n\nparent,oups,B\n", app.ReasonEmailInvalid, 3},
		{"empty", "role,email,name\n", app.ReasonCSVEmpty, 0},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			_, err := e.svc.ImportCSV(e.ctx, admin, strings.NewReader(c.csv), "")
			wantReason(t, err, c.reason)
			var ae *app.Error
			if asError(err, &ae); ae.Line != c.line {
				t.Fatalf("line = %d, want %d", ae.Line, c.line)
			}
			users, _ := e.tr.Users(e.ctx, app.UserFilter{})
			if len(users) != 2 {
				t.Fatalf("%d accounts after a refused import", len(users))
			}
		})
	}
}

func TestImportedAccountsMustChooseTheirPasswordAtFirstSignIn(t *testing.T) {
	e := newEnv(t)
	e.addUser(app.RoleAdmin, "admin@cpe.ca")
	admin := e.signedIn("admin@cpe.ca", "")
	out, err := e.svc.ImportCSV(e.ctx, admin, strings.NewReader("\ufeffrole,email,name\nparent,a@cpe.ca,Anne A\nemployee,b@cpe.ca,\"Côté, Bruno\"\n"), "")
	if err != nil {
		t.Fatal(err)
	}
	if len(out) != 2 || out[1].User.Name != "Côté, Bruno" || len(out[0].TempPassword) < 12 || out[0].TempPassword == out[1].TempPassword {
		t.Fatalf("imported = %+v", out)
	}
	sess, err := e.svc.Login(e.ctx, "a@cpe.ca", out[0].TempPassword)
	if err != nil {
		t.Fatal(err)
	}
	if sess.Step() != app.StepNewPassword {
		t.Fatalf("step = %v, want StepNewPassword", sess.Step())
	}
	// Nothing else is allowed before the new password is chosen.
	err = e.svc.ChangePassword(e.ctx, sess, out[0].TempPassword, "nouveau-mot-de-passe", "nouveau-mot-de-passe")
	wantReason(t, err, app.ReasonNotSignedIn)
	err = e.svc.ChooseNewPassword(e.ctx, sess, out[0].TempPassword, out[0].TempPassword)
	wantReason(t, err, app.ReasonPasswordSame)
	if err := e.svc.ChooseNewPassword(e.ctx, sess, "nouveau-mot-de-passe", "nouveau-mot-de-passe"); err != nil {
		t.Fatal(err)
	}
	if sess.Step() != app.StepSignedIn {
		t.Fatal("still not signed in")
	}
	if _, err := e.svc.Login(e.ctx, "a@cpe.ca", out[0].TempPassword); err == nil {
		t.Fatal("the temporary password still works")
	}
	s2, err := e.svc.Login(e.ctx, "a@cpe.ca", "nouveau-mot-de-passe")
	if err != nil || s2.Step() != app.StepSignedIn {
		t.Fatalf("new password: %v, %v", s2, err)
	}
	// The forced step cannot be replayed once done, and a session made up
	// outside package app is at no step at all.
	wantReason(t, e.svc.ChooseNewPassword(e.ctx, s2, "encore-un-autre-mdp", "encore-un-autre-mdp"), app.ReasonNotSignedIn)
	forged := &app.Session{}
	wantReason(t, e.svc.ChangePassword(e.ctx, forged, "nouveau-mot-de-passe", "encore-un-autre-mdp", "encore-un-autre-mdp"), app.ReasonNotSignedIn)
}

func TestChangingThePasswordNeedsTheCurrentOne(t *testing.T) {
	e := newEnv(t)
	e.addUser(app.RoleParent, "p@cpe.ca")
	sess, _ := e.svc.Login(e.ctx, "p@cpe.ca", goodPassword)
	wantReason(t, e.svc.ChangePassword(e.ctx, sess, "pas-le-bon", "nouveau-mot-de-passe", "nouveau-mot-de-passe"), app.ReasonWrongPassword)
	wantReason(t, e.svc.ChangePassword(e.ctx, sess, goodPassword, "nouveau-mot-de-passe", "autre-chose-ici"), app.ReasonPasswordMismatch)
	wantReason(t, e.svc.ChangePassword(e.ctx, sess, goodPassword, goodPassword, goodPassword), app.ReasonPasswordSame)
	if err := e.svc.ChangePassword(e.ctx, sess, goodPassword, "nouveau-mot-de-passe", "nouveau-mot-de-passe"); err != nil {
		t.Fatal(err)
	}
	if _, err := e.svc.Login(e.ctx, "p@cpe.ca", "nouveau-mot-de-passe"); err != nil {
		t.Fatal(err)
	}
	if got := e.events(app.AuditFilter{Event: app.EventPasswordChanged}); len(got) != 1 {
		t.Fatalf("password.changed = %v", got)
	}
}

func TestIdleDelayDefaultsToTenMinutesAndIsBounded(t *testing.T) {
	e := newEnv(t)
	if d, _ := e.svc.IdleTimeout(e.ctx); d.Minutes() != 10 {
		t.Fatalf("default idle = %v", d)
	}
	e.addUser(app.RoleAdmin, "a@cpe.ca")
	e.addUser(app.RoleParent, "p@cpe.ca")
	admin := e.signedIn("a@cpe.ca", "")
	wantReason(t, e.svc.SetIdleMinutes(e.ctx, admin, 0), app.ReasonSettingInvalid)
	wantReason(t, e.svc.SetIdleMinutes(e.ctx, e.signedIn("p@cpe.ca", ""), 3), app.ReasonNotAdmin)
	if err := e.svc.SetIdleMinutes(e.ctx, admin, 3); err != nil {
		t.Fatal(err)
	}
	if d, _ := e.svc.IdleTimeout(e.ctx); d.Minutes() != 3 {
		t.Fatalf("idle = %v", d)
	}
}

func TestTheDemoDaycareHasTwoAdminsFiveEmployeesTwentyParents(t *testing.T) {
	e := newEnv(t)
	if err := e.tr.SeedDemo(e.ctx); err != nil {
		t.Fatal(err)
	}
	if err := e.tr.SeedDemo(e.ctx); err != nil { // twice changes nothing
		t.Fatal(err)
	}
	for role, want := range map[app.Role]int{app.RoleAdmin: 2, app.RoleEmployee: 5, app.RoleParent: 20} {
		users, _ := e.tr.Users(e.ctx, app.UserFilter{Role: role})
		if len(users) != want {
			t.Errorf("%s: %d, want %d", role, len(users), want)
		}
	}
	if _, err := e.svc.Login(e.ctx, "elodie.damour@lucioles.demo", app.DemoAdminPassword); err != nil {
		t.Fatal(err)
	}
	if _, err := e.svc.Login(e.ctx, "parent07@lucioles.demo", app.DemoParentPassword); err != nil {
		t.Fatal(err)
	}
}
