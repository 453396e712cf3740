package app_test

import (
	"slices"
	"strings"
	"testing"
	"unicode/utf8"

	"github.com/apetitspas/apetitspas/app"
	"github.com/apetitspas/apetitspas/assets/passwords"
)

// The password rule (issue 17; NIST SP 800-63B-4 §3.1.1.2, OWASP ASVS 5.0
// §6.2), at the level of the services.

const lucioles = "CPE Les Lucioles"

// luciolesEnv is a daycare named « CPE Les Lucioles » whose first
// administrator (password alone) is direction@lucioles.ca.
func luciolesEnv(t *testing.T) *env {
	t.Helper()
	e := newEnv(t)
	admin := app.NewUser{Name: "Élodie D'Amour", Email: "direction@lucioles.ca", Password: goodPassword}
	if _, err := e.tr.Setup(e.ctx, lucioles, admin, goodPassword); err != nil {
		t.Fatal(err)
	}
	return e
}

// wantRefusal checks err is the rule's refusal: reason, limit and word.
func wantRefusal(t *testing.T, err error, reason string, limit int, word string) {
	t.Helper()
	wantReason(t, err, reason)
	var ae *app.Error
	asError(err, &ae)
	if app.ErrorCode(err) != app.EINVALID || ae.Limit != limit || ae.Word != word {
		t.Fatalf("%v: code %s limit %d word %q, want invalid, %d, %q", err, app.ErrorCode(err), ae.Limit, ae.Word, limit, word)
	}
}

func TestTheReviewersPasswordsAreRefusedForCPELesLucioles(t *testing.T) {
	cases := []struct {
		password, reason, word string
	}{
		{"motdepasse123", app.ReasonPasswordCommon, ""},
		{"azerty123456", app.ReasonPasswordCommon, ""},
		{"LesLucioles2026!", app.ReasonPasswordContext, app.PasswordWordDaycare},
	}
	// At the first run (the daycare is named in the same call)…
	for _, c := range cases {
		t.Run("setup "+c.password, func(t *testing.T) {
			e := newEnv(t)
			admin := app.NewUser{Name: "Élodie D'Amour", Email: "direction@lucioles.ca", Password: c.password}
			_, err := e.tr.Setup(e.ctx, lucioles, admin, c.password)
			wantRefusal(t, err, c.reason, 0, c.word)
			if need, _ := e.svc.NeedsSetup(e.ctx); !need {
				t.Fatal("a refused first run changed the database")
			}
		})
	}
	// …and in Mon compte, with the multi-factor sign-in off and on: the
	// reason is the list or the name, not the length (a longer
	// « motdepasse123456 » would not do better).
	e := luciolesEnv(t)
	e.addUser(app.RoleParent, "off@exemple.ca")
	e.addUser(app.RoleParent, "on@exemple.ca")
	secret := e.enroll("on@exemple.ca")
	for _, c := range cases {
		for _, s := range []*app.Session{e.signedIn("off@exemple.ca", ""), e.signedIn("on@exemple.ca", secret)} {
			err := e.svc.ChangePassword(e.ctx, s, goodPassword, c.password, c.password)
			wantRefusal(t, err, c.reason, 0, c.word)
		}
	}
	// A refused new password costs no attempt at the current one.
	if u := e.user("off@exemple.ca"); u.FailedLogins != 0 {
		t.Fatalf("failed logins = %d after refused new passwords", u.FailedLogins)
	}
}

func TestAPassphraseOfFifteenCharactersIsAccepted(t *testing.T) {
	e := luciolesEnv(t)
	for i, p := range []string{"cheval lune eau", "cheval orange lune", "élève été forêt"} {
		if n := utf8.RuneCountInString(p); n < app.MinPasswordLen {
			t.Fatalf("%q has %d characters", p, n)
		}
		email := string(rune('a'+i)) + "@exemple.ca"
		e.addUser(app.RoleParent, email)
		s := e.signedIn(email, "")
		if err := e.svc.ChangePassword(e.ctx, s, goodPassword, p, p); err != nil {
			t.Fatalf("%q: %v", p, err)
		}
		if _, err := e.svc.Login(e.ctx, email, p); err != nil {
			t.Fatalf("sign-in with %q: %v", p, err)
		}
	}
	// The first run takes one too.
	f := newEnv(t)
	admin := app.NewUser{Name: "Élodie D'Amour", Email: "direction@lucioles.ca", Password: "cheval lune eau"}
	if _, err := f.tr.Setup(f.ctx, lucioles, admin, "cheval lune eau"); err != nil {
		t.Fatal(err)
	}
}

// eight is 8 characters, on no list and built on nothing of the context.
const eight = "vélo7lac"

func TestEightCharactersWhenTheMFAIsOnOrImposedFifteenOtherwise(t *testing.T) {
	if n := utf8.RuneCountInString(eight); n != app.MinPasswordLenMFA {
		t.Fatalf("%q has %d characters", eight, n)
	}
	e := luciolesEnv(t)
	e.addUser(app.RoleParent, "off@exemple.ca")
	e.addUser(app.RoleParent, "on@exemple.ca")
	secret := e.enroll("on@exemple.ca")

	// Off: refused, and the refusal says how many.
	err := e.svc.ChangePassword(e.ctx, e.signedIn("off@exemple.ca", ""), goodPassword, eight, eight)
	wantRefusal(t, err, app.ReasonPasswordTooShort, app.MinPasswordLen, "")
	// On: accepted; seven is not.
	on := e.signedIn("on@exemple.ca", secret)
	err = e.svc.ChangePassword(e.ctx, on, goodPassword, "vélo7la", "vélo7la")
	wantRefusal(t, err, app.ReasonPasswordTooShort, app.MinPasswordLenMFA, "")
	if err := e.svc.ChangePassword(e.ctx, on, goodPassword, eight, eight); err != nil {
		t.Fatalf("8 characters with the AMF on: %v", err)
	}
	if app.PasswordMinimum(e.user("on@exemple.ca")) != 8 || app.PasswordMinimum(e.user("off@exemple.ca")) != 15 {
		t.Fatal("PasswordMinimum does not follow the AMF")
	}

	// Imposed: the staff policy makes an employee pending; she may
	// still skip during the grace period, and her password may be 8.
	e.addUser(app.RoleEmployee, "educ@lucioles.ca")
	admin, _ := e.mfaAdmin("adjointe@lucioles.ca")
	if err := e.svc.SetStaffPolicy(e.ctx, admin, true, 7, ""); err != nil {
		t.Fatal(err)
	}
	educ := e.signedInSkipping("educ@lucioles.ca")
	if err := e.svc.ChangePassword(e.ctx, educ, goodPassword, eight, eight); err != nil {
		t.Fatalf("8 characters with the AMF imposed: %v", err)
	}
	// An administrator typing one for a new account: 8 for staff under
	// the policy, 15 for a parent.
	if _, err := e.svc.CreateAccount(e.ctx, admin, app.NewUser{Role: app.RoleEmployee, Email: "e2@lucioles.ca", Name: "Éric", Password: eight}, ""); err != nil {
		t.Fatalf("new employee under the policy: %v", err)
	}
	_, err = e.svc.CreateAccount(e.ctx, admin, app.NewUser{Role: app.RoleParent, Email: "p2@exemple.ca", Name: "Paul", Password: eight}, "")
	wantRefusal(t, err, app.ReasonPasswordTooShort, app.MinPasswordLen, "")
}

func TestLongPasswordsAreAccepted(t *testing.T) {
	e := luciolesEnv(t)
	for i, n := range []int{64, 100, app.MaxPasswordLen} {
		p := strings.Repeat("tortue bleue ", 20)[:n-1] + string(rune('a'+i))
		email := string(rune('a'+i)) + "@exemple.ca"
		e.addUser(app.RoleParent, email)
		if err := e.svc.ChangePassword(e.ctx, e.signedIn(email, ""), goodPassword, p, p); err != nil {
			t.Fatalf("%d characters: %v", n, err)
		}
		if _, err := e.svc.Login(e.ctx, email, p); err != nil {
			t.Fatalf("sign-in with %d characters: %v", n, err)
		}
	}
	// 64 characters of a script written in 4 bytes each fit as well
	// (CJK ideographs of the supplementary plane).
	var b strings.Builder
	for i := range 64 {
		b.WriteRune(rune(0x20000 + 7*i))
	}
	if err := app.CheckPassword(b.String(), app.PasswordContext{}); err != nil || b.Len() != app.MaxPasswordLen {
		t.Fatalf("64 characters of 4 bytes (%d bytes): %v", b.Len(), err)
	}
	long := strings.Repeat("x", app.MaxPasswordLen+1)
	wantRefusal(t, app.CheckPassword(long, app.PasswordContext{}), app.ReasonPasswordTooLong, app.MaxPasswordLen, "")
}

func TestAccentsCaseSpacesAndRepetitionDoNotHideACommonPassword(t *testing.T) {
	mfa := app.PasswordContext{MFA: true, Daycare: lucioles}
	for _, p := range []string{
		"MOTDEPASSE", "MotDePasse", "Mot de passe !", "Môt-dé-Pâsse", "mot de passe 2026", "2026 motdepasse",
		"Jé T'AÎME 2024", "Bônjour123", "ÀZERTY123456", "soleil soleil soleil", "Soleil2026!",
		"aaaaaaaaaaaaaaaa", "12345678901234567", "!!!!!!!!!!!!!!!!", "abc123abc123abc123",
		"Ｍｏｔｄｅｐａｓｓｅ",       // full-width
		"Mo\u0302tdepasse", // an accent typed apart: ô as o and a combining circumflex
		"cœurcœur", "password123",
	} {
		t.Run(p, func(t *testing.T) { wantRefusal(t, app.CheckPassword(p, mfa), app.ReasonPasswordCommon, 0, "") })
	}
}

func TestPasswordsBuiltOnTheirContextAreRefusedByName(t *testing.T) {
	c := app.PasswordContext{Daycare: lucioles, Name: "Marie-Ève Tremblay", Email: "metremblay@cpe-lucioles.qc.ca"}
	cases := []struct{ password, word string }{
		{"LesLucioles2026!", app.PasswordWordDaycare},
		{"CPE Les Lucioles 2026", app.PasswordWordDaycare},
		{"lucioles-lucioles-2026", app.PasswordWordDaycare},
		{"Lucioles Soleil 2026!", app.PasswordWordDaycare}, // the name and a common word
		{"ÀPetitsPas2026!!!", app.PasswordWordApp},
		{"Garderie2026!!!!!", app.PasswordWordService},
		{"CPE-2026-garderie!", app.PasswordWordService},
		{"MarieTremblay1987!", app.PasswordWordName},
		{"Tremblay.1987.2026", app.PasswordWordName},
		{"marie.tremblay@2026", app.PasswordWordName},
		{"MarieÈve2026!!!!", app.PasswordWordName},
		{"MeTremblay2026!!", app.PasswordWordEmail},
	}
	for _, k := range cases {
		t.Run(k.password, func(t *testing.T) {
			wantRefusal(t, app.CheckPassword(k.password, c), app.ReasonPasswordContext, 0, k.word)
		})
	}
	// The address's own words: an e-mail that is not the name.
	mail := app.PasswordContext{Name: "Marie Tremblay", Email: "mtbl.famille@courriel.qc.ca"}
	wantRefusal(t, app.CheckPassword("MtblFamille2026!!", mail), app.ReasonPasswordContext, 0, app.PasswordWordEmail)
	wantRefusal(t, app.CheckPassword("courriel2026!!!!!", mail), app.ReasonPasswordContext, 0, app.PasswordWordEmail)

	// A context word among other words is a passphrase like another.
	for _, p := range []string{"les lucioles de mon quartier", "tremblay sous la pluie verte", "cheval orange lune"} {
		if err := app.CheckPassword(p, c); err != nil {
			t.Errorf("%q: %v", p, err)
		}
	}
}

func TestTemporaryPasswordsAndOlderPasswordsKeepWorking(t *testing.T) {
	e := luciolesEnv(t)
	admin, _ := e.mfaAdmin("adjointe@lucioles.ca")
	// A temporary password is made by the application (14 random
	// characters): not chosen, not checked; it signs in.
	im, err := e.svc.CreateAccount(e.ctx, admin, app.NewUser{Role: app.RoleParent, Email: "p@exemple.ca", Name: "Paul"}, "")
	if err != nil {
		t.Fatal(err)
	}
	s, err := e.svc.Login(e.ctx, "p@exemple.ca", im.TempPassword)
	if err != nil || s.Step() != app.StepNewPassword {
		t.Fatalf("temporary password: %v, step %v", err, s.Step())
	}
	// The one the person then chooses follows the rule.
	wantRefusal(t, e.svc.ChooseNewPassword(e.ctx, s, "Lucioles2026!", "Lucioles2026!"), app.ReasonPasswordContext, 0, app.PasswordWordDaycare)
	wantRefusal(t, e.svc.ChooseNewPassword(e.ctx, s, "sapin vert", "sapin vert"), app.ReasonPasswordTooShort, app.MinPasswordLen, "")
	if err := e.svc.ChooseNewPassword(e.ctx, s, "sapin vert et neige", "sapin vert et neige"); err != nil {
		t.Fatal(err)
	}

	// A password chosen under the older rule (10 characters, on the list)
	// still signs in: sign-in never applies the rule.
	old := "motdepasse"
	hash, err := app.HashPassword(old, app.DefaultArgon2)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := e.svc.CreateUserForTestWithHash(e.ctx, app.NewUser{Role: app.RoleParent, Email: "ancien@exemple.ca", Name: "Ancien"}, hash); err != nil {
		t.Fatal(err)
	}
	if s, err := e.svc.Login(e.ctx, "ancien@exemple.ca", old); err != nil || s.Step() != app.StepSignedIn {
		t.Fatalf("older password: %v", err)
	}
}

func TestTheListHoldsOverAHundredThousandFoldedEntriesWithFrenchOnes(t *testing.T) {
	list, err := passwords.List()
	if err != nil {
		t.Fatal(err)
	}
	if len(list) < 100_000 {
		t.Fatalf("%d entries", len(list))
	}
	if !slices.IsSorted(list) {
		t.Fatal("the list is not sorted")
	}
	for i, w := range list {
		if i > 0 && list[i-1] == w {
			t.Fatalf("%q twice", w)
		}
		if app.FoldPassword(w) != w || utf8.RuneCountInString(w) < 4 {
			t.Fatalf("%q is not folded as the checker reads it (make passwords)", w)
		}
	}
	for _, w := range []string{"motdepasse", "azerty", "soleil", "jetaime", "bonjour", "doudou", "chouchou", "garderie",
		"fevrier", "tremblay", "password", "iloveyou"} {
		if _, ok := slices.BinarySearch(list, w); !ok {
			t.Errorf("%q is not in the list", w)
		}
	}
	t.Logf("%d entries, %d bytes gzipped", len(list), passwords.Compressed())
}

// BenchmarkCheckPassword is one check once the list is loaded.
func BenchmarkCheckPassword(b *testing.B) {
	c := app.PasswordContext{Daycare: lucioles, Name: "Marie-Ève Tremblay", Email: "marie.tremblay@cpe-lucioles.qc.ca"}
	_ = app.CheckPassword("cheval orange lune", c)
	b.ReportAllocs()
	for b.Loop() {
		_ = app.CheckPassword("LesLucioles2026!", c)
	}
}
