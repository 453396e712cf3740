package app_test

import (
	"fmt"
	"os"
	"strconv"
	"strings"
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

// BenchmarkLoginSucceeds is a whole successful password sign-in (two
// write transactions, the account's MAC checked and written again).
func BenchmarkLoginSucceeds(b *testing.B) {
	e := newEnv(b)
	e.addUser(app.RoleParent, "p@cpe.ca")
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		if _, err := e.svc.Login(e.ctx, "p@cpe.ca", goodPassword); err != nil {
			b.Fatal(err)
		}
	}
}

// BenchmarkVerifyMillionRows is "apetitspas-admin audit verify" on a
// journal of 1,000,000 rows (APETITSPAS_VERIFY_ROWS to change it).
//
//	go test -run '^$' -bench VerifyMillionRows -benchtime 3x ./app/
func BenchmarkVerifyMillionRows(b *testing.B) {
	rows := 1000000
	if n, err := strconv.Atoi(os.Getenv("APETITSPAS_VERIFY_ROWS")); err == nil && n > 0 {
		rows = n
	}
	e := newEnv(b)
	e.addUser(app.RoleParent, "p@cpe.ca")
	for done := 0; done < rows; done += 50000 {
		if err := e.svc.AppendForTest(e.ctx, min(50000, rows-done)); err != nil {
			b.Fatal(err)
		}
	}
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		r, err := e.tr.Verify(e.ctx)
		if err != nil || !r.OK() || r.JournalRows < rows {
			b.Fatalf("%+v %v", r, err)
		}
	}
	b.ReportMetric(float64(rows), "rows")
}

// BenchmarkLoginTooLongKnown and BenchmarkLoginTooLongUnknown: a password
// longer than MaxPasswordLen costs the same argon2id work as any other,
// for a known and an unknown e-mail alike.
func BenchmarkLoginTooLongKnown(b *testing.B) {
	e := newEnv(b)
	e.addUser(app.RoleParent, "p@cpe.ca")
	long := strings.Repeat("x", app.MaxPasswordLen+1)
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		e.svc.Login(e.ctx, "p@cpe.ca", long)
		if i%(app.MaxFailedLogins-1) == app.MaxFailedLogins-2 {
			b.StopTimer()
			e.clock.Advance(time.Hour)
			e.svc.Login(e.ctx, "p@cpe.ca", goodPassword)
			b.StartTimer()
		}
	}
}

func BenchmarkLoginTooLongUnknown(b *testing.B) {
	e := newEnv(b)
	e.addUser(app.RoleParent, "p@cpe.ca")
	long := strings.Repeat("x", app.MaxPasswordLen+1)
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		e.svc.Login(e.ctx, "personne@cpe.ca", long)
	}
}
