package screens

import (
	"context"
	"os"
	"time"

	"fyne.io/fyne/v2/test"

	apetitspas "github.com/apetitspas/apetitspas/app"
)

// The recovery codes, the lost phone, the lost key and Accueil's notices
// in the gallery.
func init() { gallery = append(gallery, recoveryShots()...) }

func recoveryShots() []shot {
	var codes []string
	withCodes := func(h *harness) {
		withEnrolledDirector(h)
		codes = h.recoveryCodes("elodie@lucioles.ca")
	}
	withoutKey := func(h *harness) {
		withCodes(h)
		if err := os.RemoveAll(h.keyDir); err != nil {
			h.t.Fatal(err)
		}
		h.svc = apetitspas.New(apetitspas.Params{Store: h.store, Now: h.clock.Now, Keys: h.keys, Argon2: testArgon2, Witness: h.kit.Witness})
		h.tr = apetitspas.NewTrusted(h.svc)
	}
	directorEnrolls := func(h *harness) {
		a := h.openAccount("elodie@lucioles.ca")
		test.Tap(a.mfaSwitch)
		test.Tap(a.confirm.activate)
		test.Tap(a.logoutNow)
		h.signIn("elodie@lucioles.ca", pw)
		en := h.ui.enroll
		test.Type(en.code, h.phoneCode(en.key.Text, 0))
		test.Tap(en.submitButton)
		h.ui.wait()
	}
	return []shot{
		{"confirm-only-admin", withDaycare, func(h *harness) {
			test.Tap(h.openAccount("elodie@lucioles.ca").mfaSwitch)
		}},
		{"recovery-codes", withDaycare, func(h *harness) {
			directorEnrolls(h)
			test.Tap(h.ui.recoveryCodes.copyButton)
		}},
		{"code-lost-admin", withCodes, func(h *harness) {
			cs := h.lostPhone("elodie@lucioles.ca")
			test.Type(cs.recovery, "AAAA-AAAA-AAAA-AAAA")
			test.Tap(cs.useRecoveryButton)
		}},
		{"code-lost-staff", func(h *harness) {
			withEnrolledDirector(h)
			h.enroll("karim@lucioles.ca")
		}, func(h *harness) { h.lostPhone("karim@lucioles.ca") }},
		{"qr-recovered", withCodes, func(h *harness) {
			cs := h.lostPhone("elodie@lucioles.ca")
			test.Type(cs.recovery, codes[0])
			test.Tap(cs.useRecoveryButton)
		}},
		{"account-recovery", withEnrolledDirector, func(h *harness) {
			h.signInWithCode("elodie@lucioles.ca")
			h.ui.shell.show(pageAccount)
			h.ui.shell.account.showRecovery(2)
			h.ui.shell.account.scroll.ScrollToBottom()
		}},
		{"new-codes", withEnrolledDirector, func(h *harness) {
			h.signInWithCode("elodie@lucioles.ca")
			h.ui.shell.show(pageAccount)
			h.staleCode()
			test.Tap(h.ui.shell.account.newCodesButton)
			n := h.ui.shell.account.newCodesDialog
			test.Type(n.password, "pas-le-bon")
			test.Type(n.code, h.codeNow(h.secrets["elodie@lucioles.ca"]))
			test.Tap(n.create)
		}},
		{"recovery-codes-new", withEnrolledDirector, func(h *harness) {
			h.signInWithCode("elodie@lucioles.ca")
			h.ui.shell.show(pageAccount)
			test.Tap(h.ui.shell.account.newCodesButton)
			n := h.ui.shell.account.newCodesDialog
			test.Type(n.password, pw)
			test.Tap(n.create)
			h.ui.wait()
			test.Tap(h.ui.recoveryCodes.copyButton)
			test.Tap(h.ui.recoveryCodes.kept)
		}},
		{"login-key-missing", withoutKey, func(h *harness) { h.signIn("elodie@lucioles.ca", pw) }},
		{"restore-key", withoutKey, func(h *harness) {
			h.signIn("elodie@lucioles.ca", pw)
			test.Tap(h.ui.login.restore)
			r := h.ui.login.restoreDialog
			test.Type(r.password, pw)
			test.Type(r.code, "AAAA-AAAA-AAAA-AAAA")
			test.Tap(r.submitButton)
		}},
		{"login-key-restored", withoutKey, func(h *harness) {
			h.signIn("elodie@lucioles.ca", pw)
			test.Tap(h.ui.login.restore)
			r := h.ui.login.restoreDialog
			test.Type(r.password, pw)
			test.Type(r.code, codes[2])
			test.Tap(r.submitButton)
		}},
		{"home-admin-notices", func(h *harness) {
			withEnrolledDirector(h)
			h.create("elodie@lucioles.ca", apetitspas.RoleAdmin, "Julie Tremblay", "julie@lucioles.ca")
			h.enroll("julie@lucioles.ca")
			c := h.recoveryCodes("julie@lucioles.ca")
			h.session("elodie@lucioles.ca")
			h.clock.Advance(11*time.Hour + 50*time.Minute)
			s, err := h.svc.Login(context.Background(), "julie@lucioles.ca", pw)
			if err != nil {
				h.t.Fatal(err)
			}
			if err := h.svc.UseRecoveryCode(context.Background(), s, c[0]); err != nil {
				h.t.Fatal(err)
			}
		}, func(h *harness) { h.signInWithCode("elodie@lucioles.ca") }},
	}
}
