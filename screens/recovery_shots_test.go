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
		test.Tap(a.MFASwitch)
		test.Tap(a.Confirm.Activate)
		test.Tap(a.LogoutNow)
		h.signIn("elodie@lucioles.ca", pw)
		en := h.ui.Enroll
		test.Type(en.Code, h.phoneCode(en.Key.Text, 0))
		test.Tap(en.Submit)
		h.ui.Wait()
	}
	return []shot{
		{"confirm-only-admin", withDaycare, func(h *harness) {
			test.Tap(h.openAccount("elodie@lucioles.ca").MFASwitch)
		}},
		{"recovery-codes", withDaycare, func(h *harness) {
			directorEnrolls(h)
			test.Tap(h.ui.RecoveryCodes.Copy)
		}},
		{"code-lost-admin", withCodes, func(h *harness) {
			cs := h.lostPhone("elodie@lucioles.ca")
			test.Type(cs.Recovery, "AAAA-AAAA-AAAA-AAAA")
			test.Tap(cs.UseRecovery)
		}},
		{"code-lost-staff", func(h *harness) {
			withEnrolledDirector(h)
			h.enroll("karim@lucioles.ca")
		}, func(h *harness) { h.lostPhone("karim@lucioles.ca") }},
		{"qr-recovered", withCodes, func(h *harness) {
			cs := h.lostPhone("elodie@lucioles.ca")
			test.Type(cs.Recovery, codes[0])
			test.Tap(cs.UseRecovery)
		}},
		{"account-recovery", withEnrolledDirector, func(h *harness) {
			h.signInWithCode("elodie@lucioles.ca")
			h.ui.Shell.Show(PageAccount)
			h.ui.Shell.Account.showRecovery(2)
			h.ui.Shell.Account.Scroll.ScrollToBottom()
		}},
		{"new-codes", withEnrolledDirector, func(h *harness) {
			h.signInWithCode("elodie@lucioles.ca")
			h.ui.Shell.Show(PageAccount)
			h.staleCode()
			test.Tap(h.ui.Shell.Account.NewCodes)
			n := h.ui.Shell.Account.NewCodesDialog
			test.Type(n.Password, "pas-le-bon")
			test.Type(n.Code, h.codeNow(h.secrets["elodie@lucioles.ca"]))
			test.Tap(n.Create)
		}},
		{"recovery-codes-new", withEnrolledDirector, func(h *harness) {
			h.signInWithCode("elodie@lucioles.ca")
			h.ui.Shell.Show(PageAccount)
			test.Tap(h.ui.Shell.Account.NewCodes)
			n := h.ui.Shell.Account.NewCodesDialog
			test.Type(n.Password, pw)
			test.Tap(n.Create)
			h.ui.Wait()
			test.Tap(h.ui.RecoveryCodes.Copy)
			test.Tap(h.ui.RecoveryCodes.Kept)
		}},
		{"login-key-missing", withoutKey, func(h *harness) { h.signIn("elodie@lucioles.ca", pw) }},
		{"restore-key", withoutKey, func(h *harness) {
			h.signIn("elodie@lucioles.ca", pw)
			test.Tap(h.ui.Login.Restore)
			r := h.ui.Login.RestoreDialog
			test.Type(r.Password, pw)
			test.Type(r.Code, "AAAA-AAAA-AAAA-AAAA")
			test.Tap(r.Submit)
		}},
		{"login-key-restored", withoutKey, func(h *harness) {
			h.signIn("elodie@lucioles.ca", pw)
			test.Tap(h.ui.Login.Restore)
			r := h.ui.Login.RestoreDialog
			test.Type(r.Password, pw)
			test.Type(r.Code, codes[2])
			test.Tap(r.Submit)
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
