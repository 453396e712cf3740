package data_test

import (
	"fmt"
	"testing"

	"github.com/apetitspas/apetitspas/app"
	"github.com/apetitspas/apetitspas/data/datatest"
)

// BenchmarkUsersQuery searches 50,000 accounts the way the list screen
// does while one types.
func BenchmarkUsersQuery(b *testing.B) {
	first := []string{"Ana", "Benoît", "Chloé", "David", "Émilie", "François", "Gabriel", "Hélène",
		"Isabelle", "Jacques", "Karine", "Louis", "Mathilde", "Nicolas", "Olivia", "Philippe"}
	last := []string{"Tremblay", "Gagnon", "Roy", "Côté", "Bouchard", "Gauthier", "Morin", "Lavoie",
		"Fortin", "Gagné", "Ouellet", "Pelletier", "Bélanger", "Lévesque", "Bergeron", "Leblanc",
		"Paquette", "Girard", "Simard", "Boucher"}
	db := datatest.NewDB(b)
	roles := []app.Role{app.RoleParent, app.RoleParent, app.RoleParent, app.RoleEmployee}
	err := db.Update(ctx, func(tx app.Tx) error {
		for i := range 50_000 {
			f, l := first[i%len(first)], last[(i/len(first))%len(last)]
			u := newUser(fmt.Sprintf("user%05d@example.ca", i), fmt.Sprintf("%s %s %d", f, l, i),
				roles[i%len(roles)])
			u.PasswordHash = "$argon2id$v=19$m=65536,t=3,p=4$c29tZXNhbHRzb21lc2FsdA$aGFzaGhhc2hoYXNoaGFzaGhhc2hoYXNoaGFzaA"
			if err := tx.InsertUser(&u); err != nil {
				return err
			}
		}
		return nil
	})
	if err != nil {
		b.Fatal(err)
	}
	f := app.UserFilter{Query: "trem", Limit: 200}
	for b.Loop() {
		err := db.View(ctx, func(tx app.Tx) error {
			us, err := tx.Users(f)
			if err == nil && len(us) != 200 {
				err = fmt.Errorf("%d users found, want 200", len(us))
			}
			return err
		})
		if err != nil {
			b.Fatal(err)
		}
	}
}
