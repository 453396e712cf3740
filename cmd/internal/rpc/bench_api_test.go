//go:build cgo

package rpc

import (
	"fmt"
	"testing"

	"github.com/apetitspas/apetitspas/app"
	"github.com/apetitspas/apetitspas/data/datatest"
)

// The cost of the service: the same calls in-process (app.Local) and
// through it (Client → socket → NewHandler(app.Local)), on daycares made
// alike. Targets: a sign-in within 10 % (argon2id at the app's real cost
// dominates), a keystroke of the staff search over 50,000 accounts within
// 50 %.

// BenchmarkSignIn is a whole sign-in with a code: password (argon2id at
// the service's default cost), then the code; then the sign-out, so that
// sessions do not pile up.
func BenchmarkSignIn(b *testing.B) {
	for _, tc := range []struct {
		name string
		side func(testing.TB, *datatest.Daycare) *side
	}{{"in-process", localSideOf}, {"service", wireSideOf}} {
		b.Run(tc.name, func(b *testing.B) {
			// Argon2 zero: the service's own cost, not the kit's quick one.
			s := tc.side(b, datatest.NewDaycare(b, datatest.Options{}))
			signedInAdmin(b, s)
			secret := s.d.Secrets[dirEmail]
			for b.Loop() {
				s.d.Clock.Advance(app.CodePeriod) // a code is accepted once
				h, err := s.api.Login(s.ctx, dirEmail, pw1)
				if err != nil {
					b.Fatal(err)
				}
				if err := s.api.VerifyCode(s.ctx, h, s.d.Code(secret, 0)); err != nil {
					b.Fatal(err)
				}
				if err := s.api.Logout(s.ctx, h, app.EventLogout); err != nil {
					b.Fatal(err)
				}
			}
		})
	}
}

// BenchmarkStaffSearchKeystroke is one keystroke in the Utilisateurs
// search box over 50,000 accounts (one in ten an employee), as the screen
// asks it: Staff with its limit (usersLimit + 1).
func BenchmarkStaffSearchKeystroke(b *testing.B) {
	for _, tc := range []struct {
		name string
		side func(testing.TB, *datatest.Daycare) *side
	}{{"in-process", localSideOf}, {"service", wireSideOf}} {
		b.Run(tc.name, func(b *testing.B) {
			s := tc.side(b, newDaycare(b, datatest.Options{}))
			admin := signedInAdmin(b, s)
			fill(b, s.d, 50_000)
			if us, err := s.api.Staff(s.ctx, admin, "t", 501); err != nil || len(us) != 501 {
				b.Fatalf("%d accounts found (%v), want a full page of 501", len(us), err)
			}
			queries := []string{"t", "tr", "tre", "trem", "tremb", "élo", "personne4", "zzz"}
			i := 0
			for b.Loop() {
				if _, err := s.api.Staff(s.ctx, admin, queries[i%len(queries)], 501); err != nil {
					b.Fatal(err)
				}
				i++
			}
		})
	}
}

// fill adds n accounts in one transaction, straight into the store (as
// app's BenchmarkAdminSearchKeystroke does: hashing 50,000 passwords
// would take the benchmark's time).
func fill(b *testing.B, d *datatest.Daycare, n int) {
	b.Helper()
	first := []string{"Marie", "Jean", "Élodie", "Karim", "Sophie", "Luc", "Nathalie", "Olivier", "Chloé", "Samuel"}
	last := []string{"Tremblay", "Gagnon", "Roy", "Côté", "Bouchard", "Gauthier", "Morin", "Lavoie", "Fortin", "Gagné"}
	err := d.DB.Update(b.Context(), func(tx app.Tx) error {
		a, err := tx.UserByEmail(dirEmail)
		if err != nil {
			return err
		}
		for i := range n {
			role := app.RoleParent
			if i%10 == 0 {
				role = app.RoleEmployee
			}
			u := app.User{Role: role, Email: fmt.Sprintf("personne%05d@cpe.ca", i),
				Name: fmt.Sprintf("%s %s %d", first[i%10], last[(i/10)%10], i), PasswordHash: a.PasswordHash, MFA: app.MFAOff}
			if err := tx.InsertUser(&u); err != nil {
				return err
			}
		}
		return nil
	})
	if err != nil {
		b.Fatal(err)
	}
}
