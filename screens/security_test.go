package screens

import (
	"context"
	"strings"
	"testing"
	"time"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/test"

	apetitspas "github.com/apetitspas/apetitspas/app"
)

// openSecurity signs Élodie in and opens Sécurité.
func (h *harness) openSecurity() *securityPage {
	h.t.Helper()
	h.signInAs("elodie@lucioles.ca")
	p, ok := h.openAdmin(pageSecurity).(*securityPage)
	if !ok {
		h.t.Fatal("Sécurité is not the security page")
	}
	return p
}

func (h *harness) policy() apetitspas.Policy {
	h.t.Helper()
	pol, err := h.tr.StaffPolicy(context.Background())
	if err != nil {
		h.t.Fatal(err)
	}
	return pol
}

func TestEnforcingTheStaffPolicyMakesEmployeesAndAdminsPendingButNotParents(t *testing.T) {
	h := newHarness(t, func(h *harness) {
		withEnrolledDirector(h)
		h.create("elodie@lucioles.ca", apetitspas.RoleAdmin, "Martin Gagnon", "martin@lucioles.ca")
	})
	p := h.openSecurity()
	if p.enforce.checked || !strings.Contains(p.state.Text, "n'est pas imposée") || !p.saveGraceBtn.Disabled() {
		t.Fatalf("the page should show the stored policy, off: %q", p.state.Text)
	}
	if !strings.Contains(p.enforceHelp.Text, "parents ne sont jamais touchés") || !strings.Contains(p.enforceHelp.Text, "ne désactive l'AMF de personne") {
		t.Fatalf("help = %q", p.enforceHelp.Text)
	}
	test.Tap(p.enforce)
	c := p.confirming
	if c == nil || !p.enforce.checked {
		t.Fatal("sliding the switch on should ask first")
	}
	if !strings.Contains(c.message.Text, "configurer : 2.") || c.codeAsked() {
		t.Fatalf("the confirmation should count Karim and Martin, and ask no code just after the sign-in: %q", c.message.Text)
	}
	test.Tap(c.confirm)
	if p.confirming != nil || !p.enforce.checked {
		t.Fatal("after confirming, the dialog closes and the switch stays on")
	}
	for email, want := range map[string]apetitspas.MFAState{
		"karim@lucioles.ca":  apetitspas.MFAPending,
		"martin@lucioles.ca": apetitspas.MFAPending,
		"elodie@lucioles.ca": apetitspas.MFAOn,
		"anne@parents.ca":    apetitspas.MFAOff,
	} {
		if got := h.user(email).MFA; got != want {
			t.Errorf("%s: AMF %s, want %s", email, got, want)
		}
	}
	if !h.policy().EnforceStaff || h.events(apetitspas.EventPolicyEnforced) != 1 {
		t.Fatal("the policy is not stored or not journaled")
	}
	if !strings.Contains(p.state.Text, "est imposée au personnel depuis le") || p.saveGraceBtn.Disabled() {
		t.Fatalf("state = %q", p.state.Text)
	}
}

func TestTurningTheStaffPolicyOffTurnsNobodysMFAOff(t *testing.T) {
	h := newHarness(t, func(h *harness) {
		withEnrolledDirector(h)
		h.enroll("anne@parents.ca")
	})
	p := h.openSecurity()
	test.Tap(p.enforce)
	test.Tap(p.confirming.confirm)
	before := map[string]apetitspas.MFAState{}
	for _, e := range []string{"karim@lucioles.ca", "elodie@lucioles.ca", "anne@parents.ca"} {
		before[e] = h.user(e).MFA
	}
	if before["karim@lucioles.ca"] != apetitspas.MFAPending || before["anne@parents.ca"] != apetitspas.MFAOn {
		t.Fatalf("before = %v", before)
	}
	test.Tap(p.enforce)
	if p.confirming != nil || p.enforce.checked {
		t.Fatal("turning off needs no confirmation and leaves the switch off")
	}
	if h.policy().EnforceStaff || h.events(apetitspas.EventPolicyRelaxed) != 1 {
		t.Fatal("the policy is still on")
	}
	for e, m := range before {
		if got := h.user(e).MFA; got != m {
			t.Errorf("%s: AMF %s → %s", e, m, got)
		}
	}
	if !strings.Contains(p.policyStatus.message.Text, "Aucune AMF n'a été désactivée") {
		t.Fatalf("message = %q", p.policyStatus.message.Text)
	}
}

func TestCancellingTheEnforcementPutsTheSwitchBackAndChangesNothing(t *testing.T) {
	h := newHarness(t, withEnrolledDirector)
	p := h.openSecurity()
	calls := 0
	inner := p.enforce.onChanged
	p.enforce.onChanged = func(on bool) { calls++; inner(on) }
	test.Tap(p.enforce)
	test.Tap(p.confirming.cancel)
	if p.enforce.checked || calls != 1 || p.confirming != nil {
		t.Fatalf("after Annuler: checked=%v, callback calls=%d", p.enforce.checked, calls)
	}
	if h.policy().EnforceStaff || h.user("karim@lucioles.ca").MFA != apetitspas.MFAOff || h.events(apetitspas.EventPolicyEnforced) != 0 {
		t.Fatal("Annuler changed something")
	}
}

func TestTheGracePeriodIsSavedWithTheSwitchAndItsEndIsShown(t *testing.T) {
	h := newHarness(t, withEnrolledDirector)
	p := h.openSecurity()
	p.graceEntry.SetText("120")
	test.Tap(p.enforce)
	if p.confirming != nil || p.enforce.checked || !strings.Contains(p.policyStatus.message.Text, "entre 0 et 90 jours") {
		t.Fatalf("120 days should be refused before asking: %q", p.policyStatus.message.Text)
	}
	p.graceEntry.SetText("14")
	test.Tap(p.enforce)
	if !strings.Contains(p.confirming.message.Text, "Pendant 14 jours") {
		t.Fatalf("confirmation = %q", p.confirming.message.Text)
	}
	test.Tap(p.confirming.confirm)
	pol := h.policy()
	if !pol.EnforceStaff || pol.GraceDays != 14 {
		t.Fatalf("policy = %+v", pol)
	}
	until := formatDateTime(pol.GraceEnds())
	if !strings.Contains(p.state.Text, "Délai de grâce : jusqu'au "+until) {
		t.Fatalf("state = %q, want the end %s", p.state.Text, until)
	}
	// Changing the period later keeps its start; minutes later (within
	// the idle lock: the service would have ended the session after), it
	// asks for Élodie's code again.
	h.clock.Advance(5 * time.Minute)
	p.graceEntry.SetText("30")
	test.Tap(p.saveGraceBtn)
	c := p.confirming
	if c == nil || !c.codeAsked() || !strings.Contains(c.message.Text, "30 jours") {
		t.Fatal("saving the grace period a day later asks for the code")
	}
	test.Type(c.code, h.codeNow(h.secrets["elodie@lucioles.ca"]))
	test.Tap(c.confirm)
	if pol2 := h.policy(); pol2.GraceDays != 30 || !pol2.Since.Equal(pol.Since) {
		t.Fatalf("policy = %+v", pol2)
	}
	if !strings.Contains(p.state.Text, formatDateTime(pol.Since.AddDate(0, 0, 30))) {
		t.Fatalf("state = %q", p.state.Text)
	}
}

func TestIdleMinutesAreSavedAndZeroIsRefused(t *testing.T) {
	h := newHarness(t, withDaycare)
	p := h.openSecurity()
	if p.idleMinutes.Text != "10" {
		t.Fatalf("idle minutes shown = %q", p.idleMinutes.Text)
	}
	for _, bad := range []string{"0", "241", "dix"} {
		p.idleMinutes.SetText(bad)
		test.Tap(p.saveIdleBtn)
		if p.idleStatus.message.Text != "Entrez un nombre de minutes entre 1 et 240." {
			t.Fatalf("%q: message = %q", bad, p.idleStatus.message.Text)
		}
	}
	if d, _ := h.svc.IdleTimeout(context.Background()); d != 10*time.Minute || h.events(apetitspas.EventSettingChanged) != 0 {
		t.Fatalf("a refused value changed the setting: %v", d)
	}
	p.idleMinutes.SetText("25")
	test.Tap(p.saveIdleBtn)
	if d, _ := h.svc.IdleTimeout(context.Background()); d != 25*time.Minute || h.events(apetitspas.EventSettingChanged) != 1 {
		t.Fatalf("25 minutes not saved: %v", d)
	}
	if !strings.Contains(p.idleStatus.message.Text, "25\u00a0minutes") {
		t.Fatalf("message = %q", p.idleStatus.message.Text)
	}
	// The new delay applies to this session already.
	h.clock.Advance(24 * time.Minute)
	h.ui.idle.check()
	if h.ui.shell == nil {
		t.Fatal("locked before 25 minutes")
	}
	h.clock.Advance(time.Minute)
	h.ui.idle.check()
	if h.ui.login == nil {
		t.Fatal("still signed in after 25 idle minutes")
	}
}

func TestAfterTwoMinutesChangingThePolicyAsksForTheCodeAndNothingChangesWithoutIt(t *testing.T) {
	h := newHarness(t, withEnrolledDirector)
	p := h.openSecurity()
	secret := h.secrets["elodie@lucioles.ca"]
	h.staleCode()

	// Enforce: the confirmation asks for the code; without it, nothing.
	test.Tap(p.enforce)
	c := p.confirming
	if c == nil || !c.codeAsked() {
		t.Fatal("two minutes after the sign-in, enforcing asks for the code")
	}
	test.Tap(c.confirm)
	if p.confirming == nil || !strings.Contains(c.status.message.Text, "votre propre code à 6 chiffres") {
		t.Fatalf("no code typed: %q", c.status.message.Text)
	}
	test.Type(c.code, h.otherCode(secret))
	test.Tap(c.confirm)
	if p.confirming == nil || !strings.Contains(c.status.message.Text, "incorrect") {
		t.Fatalf("a wrong code: %q", c.status.message.Text)
	}
	test.Tap(c.cancel)
	if p.enforce.checked || h.policy().EnforceStaff || h.user("karim@lucioles.ca").MFA != apetitspas.MFAOff {
		t.Fatal("the policy changed without the code")
	}
	if h.events(apetitspas.EventPolicyEnforced) != 0 {
		t.Fatal("journaled without the code")
	}
	test.Tap(p.enforce)
	test.Type(p.confirming.code, h.codeNow(secret))
	test.Tap(p.confirming.confirm)
	if p.confirming != nil || !h.policy().EnforceStaff {
		t.Fatal("the right code did not enforce the policy")
	}

	// Relax, two minutes later: asked too, and Annuler puts the switch back.
	h.staleCode()
	test.Tap(p.enforce)
	c = p.confirming
	if c == nil || !c.codeAsked() || !strings.Contains(c.message.Text, "Aucune AMF ne sera désactivée") {
		t.Fatal("relaxing two minutes later asks for the code")
	}
	test.Tap(c.confirm)
	test.Tap(c.cancel)
	if !p.enforce.checked || !h.policy().EnforceStaff || h.events(apetitspas.EventPolicyRelaxed) != 0 {
		t.Fatal("the policy was relaxed without the code")
	}

	// The grace period, likewise.
	p.graceEntry.SetText("10")
	test.Tap(p.saveGraceBtn)
	c = p.confirming
	if c == nil || !c.codeAsked() {
		t.Fatal("saving the grace period asks for the code")
	}
	test.Tap(c.cancel)
	if h.policy().GraceDays != 0 {
		t.Fatal("the grace period changed without the code")
	}
}

func TestTheSecurityPageNeverWidensTheWindowAndReturnSubmitsItsForms(t *testing.T) {
	h := newHarness(t, withEnrolledDirector)
	h.win.Resize(fyne.NewSize(800, 600))
	p := h.openSecurity()
	p.graceEntry.SetText("500")
	test.Tap(p.enforce) // refused: a long message under the policy
	p.idleMinutes.SetText("0")
	test.Tap(p.saveIdleBtn)
	if m := h.win.Content().MinSize(); m.Width > 800 || m.Height > 600 {
		t.Fatalf("the page asks for %v at 800×600", m)
	}
	// Return in the idle minutes saves them.
	p.idleMinutes.SetText("")
	h.typeInto(p.idleMinutes, "30")
	h.win.Canvas().Focused().TypedKey(&fyne.KeyEvent{Name: fyne.KeyReturn})
	if d, _ := h.svc.IdleTimeout(context.Background()); d != 30*time.Minute {
		t.Fatalf("Return did not save the idle minutes: %v", d)
	}
	// Return in the grace period saves it once the policy is on.
	p.graceEntry.SetText("7")
	test.Tap(p.enforce)
	test.Tap(p.confirming.confirm)
	p.graceEntry.SetText("")
	h.typeInto(p.graceEntry, "21")
	h.win.Canvas().Focused().TypedKey(&fyne.KeyEvent{Name: fyne.KeyReturn})
	if p.confirming != nil { // no code asked so soon after the last one
		test.Tap(p.confirming.confirm)
	}
	if pol := h.policy(); pol.GraceDays != 21 {
		t.Fatalf("Return did not save the grace period: %+v", pol)
	}
	// At full HD, paragraphs keep a readable width.
	h.win.Resize(fyne.NewSize(1920, 1080))
	if w := p.enforceHelp.Size().Width; w > 800 {
		t.Fatalf("a paragraph %v px wide", w)
	}
}

func TestTheEnforcementCountsOnlyTheAccountsThePolicyWillChange(t *testing.T) {
	h := newHarness(t, func(h *harness) {
		withEnrolledDirector(h)
		h.create("elodie@lucioles.ca", apetitspas.RoleAdmin, "Martin Gagnon", "martin@lucioles.ca")
		// Karim's AMF is pending already (reset after a lost phone): the
		// policy does not change his account.
		h.enroll("karim@lucioles.ca")
		if _, err := h.svc.ResetMFA(context.Background(), h.session("elodie@lucioles.ca"), "karim@lucioles.ca", ""); err != nil {
			t.Fatal(err)
		}
	})
	p := h.openSecurity()
	test.Tap(p.enforce)
	c := p.confirming
	if c == nil || !strings.Contains(c.message.Text, "configurer : 1.") {
		t.Fatalf("only Martin's account changes: %+v", c)
	}
	test.Tap(c.confirm)
	if h.user("martin@lucioles.ca").MFA != apetitspas.MFAPending || h.user("karim@lucioles.ca").MFA != apetitspas.MFAPending {
		t.Fatal("the policy should make Martin pending and leave Karim pending")
	}
}
