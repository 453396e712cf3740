package data_test

import (
	"errors"
	"reflect"
	"slices"
	"testing"
	"time"

	"github.com/apetitspas/apetitspas/app"
	"github.com/apetitspas/apetitspas/data/datatest"
)

func TestAnInsertedUserIsFoundByIDAndByEmail(t *testing.T) {
	db := datatest.NewDB(t)
	u := newUser("marie@example.ca", "Marie Tremblay", app.RoleEmployee)
	u.MustChangePassword = true
	u.FailedLogins = 2
	u.LockedUntil = t0.Add(15 * time.Minute)
	u.MFA = app.MFAPending
	u.MFASecret = []byte{1, 0, 2, 0xff}
	u.MFASecretSince = t0.Add(-time.Minute)
	u.MFALastStep = 58_000_000
	u.MFAFailures = 1
	u.MFADue = t0.Add(72 * time.Hour)
	u.MAC = []byte{0, 9, 8, 0xfe}
	u.Tampered = true // never stored
	u.UpdatedAt = t0.Add(time.Hour)
	insertUsers(t, db, u)

	want := u
	err := db.View(ctx, func(tx app.Tx) error {
		byEmail, err := tx.UserByEmail("  Marie@Example.CA ")
		if err != nil {
			return err
		}
		want.ID = byEmail.ID
		want.LockedUntil, want.CreatedAt, want.UpdatedAt = ms(u.LockedUntil), ms(u.CreatedAt), ms(u.UpdatedAt)
		want.MFASecretSince, want.MFADue = ms(u.MFASecretSince), ms(u.MFADue)
		want.Tampered = false
		if !reflect.DeepEqual(byEmail, want) {
			t.Errorf("UserByEmail =\n%+v, want\n%+v", byEmail, want)
		}
		byID, err := tx.UserByID(byEmail.ID)
		if err != nil {
			return err
		}
		if !reflect.DeepEqual(byID, want) {
			t.Errorf("UserByID =\n%+v, want\n%+v", byID, want)
		}
		if byID.CreatedAt.Location() != time.UTC {
			t.Errorf("CreatedAt location = %v, want UTC", byID.CreatedAt.Location())
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	if want.ID == 0 {
		t.Error("InsertUser did not set the ID")
	}
}

func TestInsertUserSetsIncreasingIDs(t *testing.T) {
	db := datatest.NewDB(t)
	us := insertUsers(t, db,
		newUser("a@example.ca", "A", app.RoleParent),
		newUser("b@example.ca", "B", app.RoleParent))
	if us[0].ID == 0 || us[1].ID <= us[0].ID {
		t.Errorf("IDs = %d, %d; want increasing and non-zero", us[0].ID, us[1].ID)
	}
}

func TestZeroTimesAndAnEmptyMFAStateAreStoredAsNone(t *testing.T) {
	db := datatest.NewDB(t)
	u := newUser("a@example.ca", "A", app.RoleParent)
	u.CreatedAt, u.UpdatedAt, u.LockedUntil, u.MFA = time.Time{}, time.Time{}, time.Time{}, ""
	u.MFASecret, u.MAC = []byte{}, []byte{}
	u = insertUsers(t, db, u)[0]
	if u.MFA != app.MFAOff {
		t.Errorf("InsertUser left MFA = %q, want %q", u.MFA, app.MFAOff)
	}
	if got := queryInt(t, db, "SELECT created_at + updated_at + locked_until + mfa_secret_since + mfa_due FROM users"); got != 0 {
		t.Errorf("stored times sum to %d, want 0", got)
	}
	if got := queryInt(t, db, "SELECT mfa_secret IS NULL FROM users"); got != 1 {
		t.Error("an empty MFA secret is not stored as NULL")
	}
	if got := queryInt(t, db, "SELECT mac IS NULL FROM users"); got != 1 {
		t.Error("an empty MAC is not stored as NULL")
	}
	err := db.View(ctx, func(tx app.Tx) error {
		got, err := tx.UserByID(u.ID)
		if err != nil {
			return err
		}
		if !got.CreatedAt.IsZero() || !got.UpdatedAt.IsZero() || !got.LockedUntil.IsZero() ||
			!got.MFASecretSince.IsZero() || got.MFA != app.MFAOff || got.MFASecret != nil ||
			!got.MFADue.IsZero() || got.MAC != nil {
			t.Errorf("got %+v, want zero times, MFA off and no secret", got)
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
}

func TestMissingUsersAreNotFound(t *testing.T) {
	db := datatest.NewDB(t)
	insertUsers(t, db, newUser("a@example.ca", "A", app.RoleParent))
	err := db.Update(ctx, func(tx app.Tx) error {
		if _, err := tx.UserByEmail("nobody@example.ca"); !errors.Is(err, app.ErrNotFound) {
			t.Errorf("UserByEmail(unknown) error = %v, want ErrNotFound", err)
		}
		if _, err := tx.UserByID(999); !errors.Is(err, app.ErrNotFound) {
			t.Errorf("UserByID(unknown) error = %v, want ErrNotFound", err)
		}
		u := newUser("b@example.ca", "B", app.RoleParent)
		u.ID = 999
		if err := tx.UpdateUser(u); !errors.Is(err, app.ErrNotFound) {
			t.Errorf("UpdateUser(unknown) error = %v, want ErrNotFound", err)
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
}

func TestAnEmailAlreadyUsedInAnyCaseIsTaken(t *testing.T) {
	cases := []struct{ first, second string }{
		{"a@b.ca", "a@b.ca"},
		{"A@B.CA", "a@b.ca"},
		{"a@b.ca", "A@b.Ca"},
	}
	for _, c := range cases {
		t.Run(c.first+" then "+c.second, func(t *testing.T) {
			db := datatest.NewDB(t)
			insertUsers(t, db, newUser(c.first, "First", app.RoleParent))
			err := db.Update(ctx, func(tx app.Tx) error {
				u := newUser(c.second, "Second", app.RoleParent)
				return tx.InsertUser(&u)
			})
			if !errors.Is(err, app.ErrEmailTaken) {
				t.Errorf("second InsertUser error = %v, want ErrEmailTaken", err)
			}
			if n := queryInt(t, db, "SELECT count(*) FROM users"); n != 1 {
				t.Errorf("%d users stored, want 1", n)
			}
		})
	}
}

func TestUpdateUserWritesEveryMutableField(t *testing.T) {
	db := datatest.NewDB(t)
	us := insertUsers(t, db,
		newUser("a@example.ca", "Ana", app.RoleParent),
		newUser("b@example.ca", "Bob", app.RoleParent))

	changed := app.User{
		ID:                 us[0].ID,
		Email:              "ana.new@example.ca",
		Name:               "Ana Nouveau",
		Role:               app.RoleAdmin,
		PasswordHash:       "$argon2id$new",
		MustChangePassword: true,
		Disabled:           true,
		FailedLogins:       5,
		LockedUntil:        t0.Add(time.Hour),
		MFA:                app.MFAOn,
		MFASecret:          []byte("sealed secret"),
		MFASecretSince:     t0.Add(30 * time.Minute),
		MFALastStep:        58_000_123,
		MFAFailures:        2,
		MFAResetBy:         "admin@example.ca",
		MFAResetAt:         t0.Add(40 * time.Minute),
		MFADue:             t0.Add(48 * time.Hour),
		MAC:                []byte("mac of the account"),
		Tampered:           true,               // never stored
		CreatedAt:          t0.Add(-time.Hour), // not mutable: ignored
		UpdatedAt:          t0.Add(2 * time.Hour),
	}
	err := db.Update(ctx, func(tx app.Tx) error { return tx.UpdateUser(changed) })
	if err != nil {
		t.Fatal(err)
	}
	want := changed
	want.LockedUntil, want.UpdatedAt, want.CreatedAt = ms(changed.LockedUntil), ms(changed.UpdatedAt), ms(t0)
	want.MFASecretSince, want.MFAResetAt, want.MFADue = ms(changed.MFASecretSince), ms(changed.MFAResetAt), ms(changed.MFADue)
	want.Tampered = false
	err = db.View(ctx, func(tx app.Tx) error {
		got, err := tx.UserByID(changed.ID)
		if err != nil {
			return err
		}
		if !reflect.DeepEqual(got, want) {
			t.Errorf("after UpdateUser got\n%+v, want\n%+v", got, want)
		}
		other, err := tx.UserByID(us[1].ID)
		if err != nil {
			return err
		}
		if other.Name != "Bob" || other.Email != "b@example.ca" {
			t.Errorf("UpdateUser changed another account: %+v", other)
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}

	// Back to the old state: clearing flags and the lock works too.
	err = db.Update(ctx, func(tx app.Tx) error { return tx.UpdateUser(us[0]) })
	if err != nil {
		t.Fatal(err)
	}
	err = db.View(ctx, func(tx app.Tx) error {
		got, err := tx.UserByID(us[0].ID)
		if err != nil {
			return err
		}
		if got.Disabled || got.MustChangePassword || !got.LockedUntil.IsZero() || got.FailedLogins != 0 ||
			got.MFA != app.MFAOff || got.MFASecret != nil || !got.MFASecretSince.IsZero() ||
			got.MFALastStep != 0 || got.MFAFailures != 0 || got.MFAResetBy != "" || !got.MFAResetAt.IsZero() ||
			!got.MFADue.IsZero() || got.MAC != nil {
			t.Errorf("fields not cleared: %+v", got)
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
}

func TestUpdateUserToAnotherAccountsEmailIsTaken(t *testing.T) {
	db := datatest.NewDB(t)
	us := insertUsers(t, db,
		newUser("a@example.ca", "Ana", app.RoleParent),
		newUser("b@example.ca", "Bob", app.RoleParent))
	u := us[0]
	u.Email = "B@EXAMPLE.CA"
	err := db.Update(ctx, func(tx app.Tx) error { return tx.UpdateUser(u) })
	if !errors.Is(err, app.ErrEmailTaken) {
		t.Errorf("UpdateUser error = %v, want ErrEmailTaken", err)
	}
	// Changing only the case of one's own e-mail is allowed.
	u.Email = "A@example.ca"
	if err := db.Update(ctx, func(tx app.Tx) error { return tx.UpdateUser(u) }); err != nil {
		t.Errorf("UpdateUser with own e-mail in another case: %v", err)
	}
}

func TestInvalidRolesAndMFAStatesAreRejectedByTheSchema(t *testing.T) {
	cases := []struct {
		name   string
		mutate func(*app.User)
	}{
		{"unknown role", func(u *app.User) { u.Role = "owner" }},
		{"empty role", func(u *app.User) { u.Role = "" }},
		{"unknown MFA state", func(u *app.User) { u.MFA = "maybe" }},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			db := datatest.NewDB(t)
			u := newUser("a@example.ca", "A", app.RoleParent)
			c.mutate(&u)
			err := db.Update(ctx, func(tx app.Tx) error { return tx.InsertUser(&u) })
			if err == nil {
				t.Fatal("InsertUser succeeded")
			}
			if errors.Is(err, app.ErrEmailTaken) {
				t.Errorf("error = %v, not an e-mail conflict", err)
			}
		})
	}
}

func TestUsersAreFilteredByRoleQueryAndLimitInNameOrder(t *testing.T) {
	db := datatest.NewDB(t)
	insertUsers(t, db,
		newUser("zoe@example.ca", "Zoé Gagnon", app.RoleParent),
		newUser("marc@tremblay.ca", "Marc Roy", app.RoleParent),
		newUser("anne@example.ca", "anne Tremblay", app.RoleEmployee),
		newUser("luc@example.ca", "Luc Tremblay", app.RoleAdmin),
		newUser("elodie@example.ca", "Élodie Côté", app.RoleParent),
		newUser("pct@example.ca", "100% Parent", app.RoleParent),
		newUser("under_score@example.ca", "Under Score", app.RoleParent),
		newUser("back@example.ca", `Back\slash`, app.RoleParent),
		newUser("bob2@example.ca", "Bob", app.RoleParent),
		newUser("bob1@example.ca", "Bob", app.RoleParent),
	)
	cases := []struct {
		name string
		f    app.UserFilter
		want []string // e-mails in order
	}{
		{"everyone by name then e-mail, ignoring case and accents", app.UserFilter{},
			[]string{"pct@example.ca", "anne@example.ca", "back@example.ca", "bob1@example.ca", "bob2@example.ca",
				"elodie@example.ca", "luc@example.ca", "marc@tremblay.ca", "under_score@example.ca", "zoe@example.ca"}},
		{"one role", app.UserFilter{Role: app.RoleEmployee}, []string{"anne@example.ca"}},
		{"query in name or e-mail, any case", app.UserFilter{Query: "TREM"},
			[]string{"anne@example.ca", "luc@example.ca", "marc@tremblay.ca"}},
		{"query and role", app.UserFilter{Query: "trem", Role: app.RoleParent}, []string{"marc@tremblay.ca"}},
		{"query with surrounding spaces", app.UserFilter{Query: "  zoé "}, []string{"zoe@example.ca"}},
		{"non-ASCII query in another case", app.UserFilter{Query: "éLODIE"}, []string{"elodie@example.ca"}},
		{"non-ASCII lower-case query", app.UserFilter{Query: "élodie côté"}, []string{"elodie@example.ca"}},
		{"query without the accents of the name", app.UserFilter{Query: "Elodie Cote"}, []string{"elodie@example.ca"}},
		{"query with accents the name lacks", app.UserFilter{Query: "gagnón"}, []string{"zoe@example.ca"}},
		{"accented query on an e-mail", app.UserFilter{Query: "zoé@"}, []string{"zoe@example.ca"}},
		{"percent sign matches itself", app.UserFilter{Query: "0%"}, []string{"pct@example.ca"}},
		{"percent sign alone", app.UserFilter{Query: "%"}, []string{"pct@example.ca"}},
		{"underscore matches itself", app.UserFilter{Query: "r_s"}, []string{"under_score@example.ca"}},
		{"underscore alone", app.UserFilter{Query: "_"}, []string{"under_score@example.ca"}},
		{"backslash matches itself", app.UserFilter{Query: `k\s`}, []string{"back@example.ca"}},
		{"no match", app.UserFilter{Query: "xyz"}, nil},
		{"limit", app.UserFilter{Limit: 2}, []string{"pct@example.ca", "anne@example.ca"}},
		{"limit with query", app.UserFilter{Query: "tremblay", Limit: 1}, []string{"anne@example.ca"}},
		{"role, query and limit", app.UserFilter{Role: app.RoleParent, Query: "o", Limit: 2},
			[]string{"bob1@example.ca", "bob2@example.ca"}},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			var got []string
			err := db.View(ctx, func(tx app.Tx) error {
				us, err := tx.Users(c.f)
				for _, u := range us {
					got = append(got, u.Email)
				}
				return err
			})
			if err != nil {
				t.Fatal(err)
			}
			if !slices.Equal(got, c.want) {
				t.Errorf("Users(%+v) =\n%q, want\n%q", c.f, got, c.want)
			}
		})
	}
}

func TestRenamingAUserMovesItInTheOrderAndTheSearch(t *testing.T) {
	db := datatest.NewDB(t)
	us := insertUsers(t, db,
		newUser("a@example.ca", "Ève", app.RoleParent),
		newUser("b@example.ca", "Félix", app.RoleParent))
	u := us[0]
	u.Name = "Gérard"
	if err := db.Update(ctx, func(tx app.Tx) error { return tx.UpdateUser(u) }); err != nil {
		t.Fatal(err)
	}
	err := db.View(ctx, func(tx app.Tx) error {
		all, err := tx.Users(app.UserFilter{})
		if err != nil {
			return err
		}
		if len(all) != 2 || all[0].Name != "Félix" || all[1].Name != "Gérard" {
			t.Errorf("order after rename = %+v", all)
		}
		for q, want := range map[string]int{"gerard": 1, "eve": 0} {
			found, err := tx.Users(app.UserFilter{Query: q})
			if err != nil {
				return err
			}
			if len(found) != want {
				t.Errorf("Users(Query %q) found %d, want %d", q, len(found), want)
			}
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
}

func TestCountUsersCountsOneRoleOrAll(t *testing.T) {
	db := datatest.NewDB(t)
	insertUsers(t, db,
		newUser("a@example.ca", "A", app.RoleParent),
		newUser("b@example.ca", "B", app.RoleParent),
		newUser("c@example.ca", "C", app.RoleAdmin))
	cases := []struct {
		role app.Role
		want int
	}{{"", 3}, {app.RoleParent, 2}, {app.RoleAdmin, 1}, {app.RoleEmployee, 0}}
	for _, c := range cases {
		err := db.View(ctx, func(tx app.Tx) error {
			n, err := tx.CountUsers(c.role)
			if n != c.want {
				t.Errorf("CountUsers(%q) = %d, want %d", c.role, n, c.want)
			}
			return err
		})
		if err != nil {
			t.Fatal(err)
		}
	}
}
