package app_test

import (
	"fmt"
	"testing"
	"time"

	"github.com/apetitspas/apetitspas/app"
)

// BenchmarkLoginUnknownEmail and BenchmarkLoginWrongPassword compare the
// cost of the two failures that must look the same (one argon2id each).
func BenchmarkLoginUnknownEmail(b *testing.B) {
	e := newEnv(b)
	e.addUser(app.RoleParent, "p@cpe.ca")
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		e.svc.Login(e.ctx, "personne@cpe.ca", "mauvais-mot-de-passe")
	}
}

func BenchmarkLoginWrongPassword(b *testing.B) {
	e := newEnv(b)
	e.addUser(app.RoleParent, "p@cpe.ca")
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		e.svc.Login(e.ctx, "p@cpe.ca", "mauvais-mot-de-passe")
		if i%(app.MaxFailedLogins-1) == app.MaxFailedLogins-2 {
			b.StopTimer()
			e.clock.Advance(time.Hour) // never reach the lock
			e.svc.Login(e.ctx, "p@cpe.ca", goodPassword)
			b.StartTimer()
		}
	}
}

// BenchmarkAdminSearchKeystroke is one keystroke in the Utilisateurs
// search box over 50,000 accounts: the service call the screen makes.
func BenchmarkAdminSearchKeystroke(b *testing.B) {
	e := newEnv(b)
	e.addUser(app.RoleAdmin, "a@cpe.ca")
	admin := e.signedIn("a@cpe.ca", "")
	hash := e.user("a@cpe.ca").PasswordHash
	first := []string{"Marie", "Jean", "Élodie", "Karim", "Sophie", "Luc", "Nathalie", "Olivier", "Chloé", "Samuel"}
	last := []string{"Tremblay", "Gagnon", "Roy", "Côté", "Bouchard", "Gauthier", "Morin", "Lavoie", "Fortin", "Gagné"}
	err := e.db.Update(e.ctx, func(tx app.Tx) error {
		for i := 0; i < 50000; i++ {
			role := app.RoleParent
			if i%10 == 0 {
				role = app.RoleEmployee
			}
			u := app.User{Role: role, Email: fmt.Sprintf("personne%05d@cpe.ca", i),
				Name: fmt.Sprintf("%s %s %d", first[i%10], last[(i/10)%10], i), PasswordHash: hash, MFA: app.MFAOff}
			if err := tx.InsertUser(&u); err != nil {
				return err
			}
		}
		return nil
	})
	if err != nil {
		b.Fatal(err)
	}
	queries := []string{"t", "tr", "tre", "trem", "tremb", "élo", "personne4", "zzz"}
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		q := queries[i%len(queries)]
		if _, err := e.svc.Users(e.ctx, admin, app.UserFilter{Role: app.RoleParent, Query: q, Limit: 500}); err != nil {
			b.Fatal(err)
		}
	}
}
