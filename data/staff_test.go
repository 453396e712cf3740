package data_test

import (
	"strings"
	"testing"

	"github.com/apetitspas/apetitspas/app"
	"github.com/apetitspas/apetitspas/data/datatest"
)

func TestTheStaffFilterListsEmployeesAndAdministratorsInNameOrder(t *testing.T) {
	db := datatest.NewDB(t)
	insertUsers(t, db,
		newUser("zoe@example.ca", "Zoé Roy", app.RoleAdmin),
		newUser("oelise@example.ca", "Œlise Gagnon", app.RoleEmployee),
		newUser("anne@example.ca", "Anne Parent", app.RoleParent),
		newUser("eric@example.ca", "Éric Côté", app.RoleEmployee),
	)
	for _, c := range []struct {
		f    app.UserFilter
		want string
	}{
		{app.UserFilter{Staff: true}, "eric@example.ca oelise@example.ca zoe@example.ca"},
		{app.UserFilter{Staff: true, Limit: 2}, "eric@example.ca oelise@example.ca"},
		{app.UserFilter{Staff: true, Query: "OELI"}, "oelise@example.ca"},
		{app.UserFilter{Staff: true, Role: app.RoleAdmin}, "zoe@example.ca"},
		{app.UserFilter{Staff: true, Role: app.RoleParent}, ""},
	} {
		var got []string
		err := db.View(ctx, func(tx app.Tx) error {
			us, err := tx.Users(c.f)
			for _, u := range us {
				got = append(got, u.Email)
			}
			return err
		})
		if err != nil || strings.Join(got, " ") != c.want {
			t.Errorf("%+v: %v, %v; want %s", c.f, got, err, c.want)
		}
	}
}
