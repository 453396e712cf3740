package main

import (
	"strings"
	"testing"
	"time"

	apetitspas "github.com/apetitspas/apetitspas/app"
)

// The tool says a clock is off, like the window, when the administrator's
// code is the right one a few minutes away; the code is refused all the
// same.
func TestTheToolSaysTheComputersClockSeemsOff(t *testing.T) {
	db, _, secret := daycare(t)
	add := []string{"users", "add", "--role", "employee", "--email", "e@cpe.ca", "--name", "Employée E", "--by", "a@cpe.ca"}
	phone := func(off time.Duration) string {
		c, err := apetitspas.TOTPCode(secret, testClock.Advance(apetitspas.CodePeriod).Add(off), apetitspas.CodeDigits)
		if err != nil {
			t.Fatal(err)
		}
		return c
	}
	code, _, errs := runCLI(t, db, creds(phone(-4*time.Minute), pw), add...)
	if code != 1 || !strings.Contains(errs, "L'heure de cet ordinateur semble avancer d'environ 4\u00a0minutes par rapport à votre téléphone") {
		t.Fatalf("computer ahead: %d %q", code, errs)
	}
	code, _, errs = runCLI(t, db, creds(phone(7*time.Minute), pw), append([]string{"--lang", "en"}, add...)...)
	if code != 1 || !strings.Contains(errs, "This computer's clock seems about 7 minutes behind your phone's") {
		t.Fatalf("computer behind, in English: %d %q", code, errs)
	}
	if got := emails(t, db); len(got) != 4 {
		t.Fatalf("accounts = %v: a code from a clock off added one", got)
	}
	if !auditHas(t, db, apetitspas.EventMFAClockSkew, "a@cpe.ca") {
		t.Fatal("mfa.clock_skew not journaled")
	}
}
