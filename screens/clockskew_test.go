package screens

import (
	"context"
	"strings"
	"testing"
	"time"

	"fyne.io/fyne/v2/test"
	"fyne.io/fyne/v2/widget"

	apetitspas "github.com/apetitspas/apetitspas/app"
)

// phoneCodeAt is the code a phone whose clock is off by phoneOff shows
// now.
func (h *harness) phoneCodeAt(secret string, phoneOff time.Duration) string {
	h.t.Helper()
	c, err := apetitspas.TOTPCode(secret, h.clock.Now().Add(phoneOff), apetitspas.CodeDigits)
	if err != nil {
		h.t.Fatal(err)
	}
	return c
}

// A code from a phone 4 minutes behind this computer (or the computer 4
// minutes ahead) is refused, and the code screen says which clock to look
// at and by how much; a code a minute ahead says « retarder », in the
// singular. The right code then signs in.
func TestTheCodeScreenSaysTheComputersClockSeemsOff(t *testing.T) {
	h := newHarness(t, withEnrolledDirector)
	h.clock.Advance(5 * apetitspas.CodePeriod)
	if h.clock.Now().Unix()%30 != 0 {
		t.Fatal("the test's clock is not at the start of a code's 30 s: the minutes below would be off")
	}
	h.signIn("elodie@lucioles.ca", pw)
	cs := h.ui.code
	if cs == nil {
		t.Fatal("no code screen")
	}
	secret := h.secrets["elodie@lucioles.ca"]
	submit := func(code string) string {
		t.Helper()
		h.typeInto(cs.code, code)
		test.Tap(cs.submitButton)
		h.ui.wait()
		if h.ui.shell != nil {
			t.Fatal("a code from a clock off signed in")
		}
		return cs.status.message.Text
	}
	msg := submit(h.phoneCodeAt(secret, -4*time.Minute))
	if !strings.Contains(msg, "L'heure de cet ordinateur semble avancer d'environ 4\u00a0minutes par rapport à votre téléphone : corrigez l'heure de l'ordinateur (ou celle du téléphone), puis réessayez.") ||
		cs.status.message.Importance != widget.DangerImportance || !cs.status.message.Visible() {
		t.Fatalf("computer ahead: %q", msg)
	}
	msg = submit(h.phoneCodeAt(secret, 2*apetitspas.CodePeriod))
	if !strings.Contains(msg, "semble retarder d'environ 1\u00a0minute par rapport à votre téléphone") {
		t.Fatalf("computer behind: %q", msg)
	}
	if got := h.user("elodie@lucioles.ca").MFAFailures; got != 2 {
		t.Fatalf("failures = %d, want 2: codes from a clock off count", got)
	}
	if h.events(apetitspas.EventMFAClockSkew) != 2 {
		t.Fatal("mfa.clock_skew not journaled")
	}
	h.typeInto(cs.code, h.codeNow(secret))
	test.Tap(cs.submitButton)
	h.ui.wait()
	if h.ui.shell == nil {
		t.Fatalf("the right code was refused: %q", cs.status.message.Text)
	}
}

// The first code, in the QR dialog, is where a wrong clock shows first.
func TestTheQRDialogSaysTheComputersClockSeemsOff(t *testing.T) {
	h := newHarness(t, func(h *harness) {
		withDaycare(h)
		if err := h.svc.RequestMFAActivation(context.Background(), h.session("karim@lucioles.ca")); err != nil {
			h.t.Fatal(err)
		}
	})
	h.signIn("karim@lucioles.ca", pw)
	en := h.ui.enroll
	if en == nil {
		t.Fatal("no QR dialog")
	}
	en.code.SetText(h.phoneCodeAt(en.enrollment.Secret, 6*time.Minute))
	test.Tap(en.submitButton)
	h.ui.wait()
	if msg := en.message.Text; !strings.Contains(msg, "L'heure de cet ordinateur semble retarder d'environ 6\u00a0minutes") {
		t.Fatalf("message %q", msg)
	}
	if h.mfaState("karim@lucioles.ca") != apetitspas.MFAPending {
		t.Fatal("a code from a clock off turned the AMF on")
	}
}

// skewAPI is the in-process API whose overview says this computer's clock
// is off the data server's (the service compares them: app tests).
type skewAPI struct {
	apetitspas.API
	skew time.Duration
}

func (a *skewAPI) Overview(ctx context.Context, h *apetitspas.Handle) (apetitspas.Overview, error) {
	o, err := a.API.Overview(ctx, h)
	if h.User().Role == apetitspas.RoleAdmin {
		o.ServerClockSkew = a.skew
	}
	return o, err
}

// Accueil tells administrators that this computer's clock is off the data
// server's, in the unit a person would use; others are not told.
func TestAccueilTellsAdministratorsThatThisComputersClockIsOffTheServers(t *testing.T) {
	h := newHarness(t, func(h *harness) {
		withEnrolledDirector(h)
		h.enroll("karim@lucioles.ca")
	})
	h.ui.calls.api = &skewAPI{API: h.api, skew: 2 * time.Minute}
	h.signInWithCode("elodie@lucioles.ca")
	home := h.ui.shell.home
	if !home.serverClock.Visible() || home.serverClock.Importance != widget.WarningImportance ||
		!strings.HasPrefix(home.serverClock.Text, "L'heure de cet ordinateur diffère de celle du serveur de données de 2\u00a0minutes (cet ordinateur avance)") {
		t.Fatalf("Accueil: %q", home.serverClock.Text)
	}
	home.showServerClock(-45 * time.Second)
	if !strings.Contains(home.serverClock.Text, "de 45\u00a0secondes (cet ordinateur retarde)") {
		t.Fatalf("behind: %q", home.serverClock.Text)
	}
	home.showServerClock(0)
	if home.serverClock.Visible() {
		t.Fatal("clocks that agree are still shown")
	}
	for d, want := range map[time.Duration]string{
		31 * time.Second: "31\u00a0secondes", 89 * time.Second: "89\u00a0secondes", 90 * time.Second: "2\u00a0minutes",
		-89 * time.Minute: "89\u00a0minutes", 3 * time.Hour: "3\u00a0heures", 8*24*time.Hour + 2*time.Hour: "8\u00a0jours",
	} {
		if got := clockGap(d); got != want {
			t.Errorf("clockGap(%v) = %q, want %q", d, got, want)
		}
	}
	h.signOut()
	h.signInWithCode("karim@lucioles.ca")
	if h.ui.shell.home.serverClock.Visible() {
		t.Fatal("an employee is told of the server's clock")
	}
}

// The journal says whose code was refused and how far the clocks were
// apart (the computer used: the journal may be read on another).
func TestTheJournalSaysACodeWasRefusedForAClockOff(t *testing.T) {
	test.NewTempApp(t)
	for skew, want := range map[string]string{
		"240": "Code AMF refusé pour Karim Benali : l'heure de l'ordinateur utilisé semble avancer d'environ 4\u00a0min sur celle de son téléphone",
		"-75": "Code AMF refusé pour Karim Benali : l'heure de l'ordinateur utilisé semble retarder d'environ 1\u00a0min sur celle de son téléphone",
		"":    "Code AMF refusé pour Karim Benali : l'heure de l'ordinateur ou celle du téléphone est décalée",
	} {
		e := ev(apetitspas.EventMFAClockSkew, "karim@cpe.ca", "Karim Benali", "karim@cpe.ca", "Karim Benali", apetitspas.FieldSkew, skew)
		if got := sentenceOf(e); got != want {
			t.Errorf("skew %q: %q, want %q", skew, got, want)
		}
	}
	e := ev(apetitspas.EventMFAClockSkew, "karim@cpe.ca", "Karim Benali", "karim@cpe.ca", "Karim Benali", apetitspas.FieldSkew, "240")
	if d := detailText(e); !strings.Contains(d, "Avance de l'ordinateur sur le téléphone (secondes, négatif s'il retarde) : 240") {
		t.Errorf("details:\n%s", d)
	}
	if eventMark(apetitspas.EventMFAClockSkew) == nil {
		t.Error("a refused code has no mark in the journal")
	}
}
