package app_test

import (
	"fmt"
	"testing"

	"github.com/apetitspas/apetitspas/app"
)

// BenchmarkSignInAndAdminAction: a password sign-in (a parent) and one
// administrator's action (disable, then enable, an employee) on daycares
// of several sizes: the state root (issue 15) is rewritten by every write
// and names every account, so its cost grows with the daycare.
//
//	go test -run '^$' -bench SignInAndAdminAction -benchtime 200x ./app/
func BenchmarkSignInAndAdminAction(b *testing.B) {
	for _, n := range []int{10, 500, 5000} {
		e := newEnv(b)
		e.addUser(app.RoleAdmin, "a@cpe.ca")
		e.addUser(app.RoleParent, "p@cpe.ca")
		e.addUser(app.RoleEmployee, "k@cpe.ca")
		hash := e.user("p@cpe.ca").PasswordHash
		for j := 0; j < n; j++ { // made the way the app makes them (each with its MAC)
			{
				if _, err := e.svc.CreateUserForTestWithHash(e.ctx, app.NewUser{Role: app.RoleParent,
					Email: fmt.Sprintf("famille%05d@cpe.ca", j), Name: fmt.Sprintf("Famille %d", j)}, hash); err != nil {
					b.Fatal(err)
				}
			}
		}
		admin := e.signedIn("a@cpe.ca", "")
		b.Run(fmt.Sprintf("accounts=%d/sign-in", n), func(b *testing.B) {
			for i := 0; i < b.N; i++ {
				if _, err := e.svc.Login(e.ctx, "p@cpe.ca", goodPassword); err != nil {
					b.Fatal(err)
				}
			}
		})
		b.Run(fmt.Sprintf("accounts=%d/admin-action", n), func(b *testing.B) {
			for i := 0; i < b.N; i++ {
				if err := e.svc.SetDisabled(e.ctx, admin, "k@cpe.ca", i%2 == 0, ""); err != nil {
					b.Fatal(err)
				}
			}
		})
	}
}
