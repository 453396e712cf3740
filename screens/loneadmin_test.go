package screens

import (
	"strings"
	"testing"

	"fyne.io/fyne/v2/test"

	apetitspas "github.com/apetitspas/apetitspas/app"
)

// The director alone, her AMF on and her 10 recovery codes in hand,
// imposes the AMF: she is not told her codes will come with a QR code.
func TestTheLoneDirectorImposingTheAMFIsToldOfTheCodesSheAlreadyHas(t *testing.T) {
	h := newHarness(t, withEnrolledDirector)
	p := h.openSecurity()
	test.Tap(p.enforce)
	c := p.confirming
	if c == nil {
		t.Fatal("no confirmation")
	}
	msg := c.message.Text
	if strings.Contains(msg, "scannez le code QR") || !strings.Contains(msg, "il vous en reste 10") || !strings.Contains(msg, "deuxième administrateur") {
		t.Fatalf("the lone director with her codes was told: %q", msg)
	}
}

func TestAnAdministratorWithAColleagueImposingTheAMFGetsNoLoneAdvice(t *testing.T) {
	h := newHarness(t, func(h *harness) {
		withEnrolledDirector(h)
		h.create("elodie@lucioles.ca", apetitspas.RoleAdmin, "Martin Gagnon", "martin@lucioles.ca")
	})
	p := h.openSecurity()
	test.Tap(p.enforce)
	if c := p.confirming; c == nil || strings.Contains(c.message.Text, "seul administrateur") {
		t.Fatal("an administrator with a colleague is not the only one")
	}
}

func TestTheLoneDirectorsAdviceWithoutCodesLeft(t *testing.T) {
	for _, tc := range []struct {
		mfa        apetitspas.MFAState
		left       int
		want, not_ string
	}{
		{apetitspas.MFAOff, 0, "scannez le code QR", "il vous en reste"},
		{apetitspas.MFAPending, 0, "scannez le code QR", "il vous en reste"},
		{apetitspas.MFAOn, 3, "il vous en reste 3", "scannez"},
		{apetitspas.MFAOn, 0, "aucun code de récupération", "scannez"},
	} {
		if got := onlyAdminPolicyAdvice(tc.mfa, tc.left); !strings.Contains(got, tc.want) || strings.Contains(got, tc.not_) {
			t.Errorf("%v, %d codes: %q", tc.mfa, tc.left, got)
		}
	}
}

// Turning her AMF on, the lone director is not told « un administrateur
// devra la réinitialiser »: there is none but her; her codes will come
// after the QR code. An employee still is.
func TestTheLoneDirectorTurningHerAMFOnIsToldWhatALostPhoneMeansToHer(t *testing.T) {
	h := newHarness(t, withDaycare)
	a := h.openAccount("elodie@lucioles.ca")
	test.Tap(a.mfaSwitch)
	test.Tap(a.confirm.activate)
	got := a.mfaNext.Text
	if strings.Contains(got, "un administrateur devra") || !strings.Contains(got, "seul administrateur") || !strings.Contains(got, "codes de récupération") {
		t.Fatalf("the lone director was told: %q", got)
	}
	h.signOut()
	k := h.openAccount("karim@lucioles.ca")
	test.Tap(k.mfaSwitch)
	test.Tap(k.confirm.activate)
	if got := k.mfaNext.Text; !strings.Contains(got, "un administrateur devra la réinitialiser") {
		t.Fatalf("an employee was told: %q", got)
	}
}

// With her AMF on, the lone director reads that nobody else can reset
// it; once her codes are all used, that only her technician can help.
func TestTheLoneDirectorWithHerAMFOnReadsAdviceForHerCodes(t *testing.T) {
	h := newHarness(t, withEnrolledDirector)
	h.signInWithCode("elodie@lucioles.ca")
	test.Tap(h.ui.shell.hamburger)
	test.Tap(h.ui.shell.userName)
	a := h.ui.shell.account
	if got := a.mfaNext.Text; !strings.Contains(got, "personne d'autre ne peut réinitialiser") {
		t.Fatalf("with her codes: %q", got)
	}
	if got := a.mfaAdvice(apetitspas.MFAOn); got != a.mfaNext.Text {
		t.Fatalf("advice %q on show %q", got, a.mfaNext.Text)
	}
}
