package app_test

import (
	"fmt"
	"sync"
	"testing"

	"github.com/apetitspas/apetitspas/app"
)

// One service serves every window of the computer: many sign-ins at once
// (or one program opening many connections) must not make it hold one
// argon2id memory block (19 MiB) per caller. The computations beyond the
// slots wait their turn; every sign-in still gets its answer.
func TestSignInsAtOnceHashWithinTheSlots(t *testing.T) {
	e := newEnvRealCost(t)
	l := app.NewLocal(e.svc, false)
	e.addUser(app.RoleEmployee, "karim@cpe.ca")
	slots, _ := app.Argon2SlotsForTest()
	if slots < 2 || slots > 8 {
		t.Fatalf("%d slots", slots)
	}
	n := 4 * slots
	var wg sync.WaitGroup
	start := make(chan struct{})
	errs := make([]error, n)
	for i := range n {
		wg.Add(1)
		go func() {
			defer wg.Done()
			<-start
			email, password := fmt.Sprintf("inconnu%02d@cpe.ca", i), "pas le bon"
			if i == 0 {
				email = "karim@cpe.ca"
			}
			_, errs[i] = l.Login(e.ctx, email, password)
		}()
	}
	close(start)
	wg.Wait()
	for i, err := range errs {
		wantReason(t, err, app.ReasonBadCredentials)
		if t.Failed() {
			t.Fatalf("sign-in %d: %v", i, err)
		}
	}
	_, peak := app.Argon2SlotsForTest()
	if peak > int64(slots) || peak < 1 {
		t.Errorf("%d argon2id computations at once for %d slots (%d sign-ins)", peak, slots, n)
	}
	t.Logf("%d sign-ins at once: at most %d argon2id computations at once (%d slots)", n, peak, slots)
}
