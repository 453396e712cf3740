package screens

import (
	"context"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/storage"
	"fyne.io/fyne/v2/test"
	"fyne.io/fyne/v2/widget"

	apetitspas "github.com/apetitspas/apetitspas/app"
)

// recoveryCodes gives an administrator with AMF on a new set of recovery
// codes through the services (the set shown at her enrollment is gone).
func (h *harness) recoveryCodes(email string) []string {
	h.t.Helper()
	codes, err := h.svc.NewRecoveryCodes(context.Background(), h.session(email), pw, "")
	if err != nil || len(codes) != apetitspas.RecoveryCodeCount {
		h.t.Fatalf("recovery codes of %s: %v %v", email, codes, err)
	}
	return codes
}

// lostPhone signs in with the password and taps « J'ai perdu mon
// téléphone » on the code screen.
func (h *harness) lostPhone(email string) *codeScreen {
	h.t.Helper()
	h.clock.Advance(apetitspas.CodePeriod)
	h.signIn(email, pw)
	cs := h.ui.code
	if cs == nil {
		h.t.Fatal("no code screen")
	}
	test.Tap(cs.lost)
	return cs
}

// The director alone turns her AMF on: the confirmation says what a lost
// phone means to the only administrator; after the QR code, her 10
// recovery codes are shown once, and Continuer waits for the box.
func TestTheOnlyAdministratorIsWarnedThenSeesHerTenRecoveryCodesOnce(t *testing.T) {
	h := newHarness(t, withDaycare)
	a := h.openAccount("elodie@lucioles.ca")
	test.Tap(a.mfaSwitch)
	if a.confirm == nil || !a.confirm.onlyAdmin.Visible() ||
		!strings.Contains(a.confirm.onlyAdmin.Text, "codes de récupération") || !strings.Contains(a.confirm.onlyAdmin.Text, "deuxième administrateur") {
		t.Fatal("the only administrator should be told what a lost phone means and to create a second administrator")
	}
	test.Tap(a.confirm.activate)
	test.Tap(a.logoutNow)
	h.signIn("elodie@lucioles.ca", pw)
	en := h.ui.enroll
	if en == nil {
		t.Fatal("no QR dialog")
	}
	test.Type(en.code, h.phoneCode(en.key.Text, 0))
	test.Tap(en.submitButton)
	h.ui.wait()
	r := h.ui.recoveryCodes
	if h.ui.shell == nil || r == nil {
		t.Fatal("after the QR code, an administrator should see her recovery codes")
	}
	if len(r.codes) != 10 || !codeShape(r.codes) {
		t.Fatalf("codes shown: %v", r.codes)
	}
	if h.ui.notice != nil {
		t.Fatal("Félicitations should wait until the codes are put away")
	}
	if h.win.Canvas().Focused() != r.kept {
		t.Fatal("the keyboard should start on the check box")
	}
	if !r.continueButton.Disabled() {
		t.Fatal("Continuer should be disabled until the box is ticked")
	}
	test.Tap(r.continueButton)
	pressKeyOn(h.win.Canvas(), fyne.KeyEscape)
	pressKeyOn(h.win.Canvas(), fyne.KeyReturn)
	if h.ui.recoveryCodes != r || h.ui.notice != nil {
		t.Fatal("the codes went away before the box was ticked")
	}
	test.Tap(r.copyButton)
	if got := fyne.CurrentApp().Clipboard().Content(); got != strings.Join(r.codes, "\n") {
		t.Fatalf("clipboard: %q", got)
	}
	// Enregistrer: the save dialog (Fyne's here), then the file.
	test.Tap(r.saveButton)
	if r.saveDialog == nil {
		t.Fatal("Enregistrer should ask where to save")
	}
	path := filepath.Join(t.TempDir(), "codes.txt")
	w, err := storage.Writer(storage.NewFileURI(path))
	if err != nil {
		t.Fatal(err)
	}
	r.saveDialog.Hide()
	r.saveRequest(".txt", kindText, r.write).savedTo(h.ui, w, nil)
	h.ui.wait()
	b, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	text := string(b)
	for _, want := range append([]string{"Élodie D'Amour", "une fois", "lieu sûr", "CPE Les Lucioles"}, r.codes...) {
		if !strings.Contains(text, want) {
			t.Errorf("the saved file lacks %q:\n%s", want, text)
		}
	}
	if !strings.Contains(r.message.Text, "codes.txt") {
		t.Errorf("after saving: %q", r.message.Text)
	}
	// Space ticks the box, Return goes on.
	h.win.Canvas().Focus(r.kept)
	pressSpaceOn(h.win.Canvas())
	if !r.kept.Checked || r.continueButton.Disabled() {
		t.Fatal("Space should tick the box and enable Continuer")
	}
	pressKeyOn(h.win.Canvas(), fyne.KeyReturn)
	if h.ui.recoveryCodes != nil || h.ui.notice == nil || !strings.Contains(h.ui.noticeText, "protégé") {
		t.Fatal("after Continuer, the congratulations")
	}
	// The codes shown are hers: one signs her in.
	s, err := h.svc.Login(context.Background(), "elodie@lucioles.ca", pw)
	if err != nil {
		t.Fatal(err)
	}
	if err := h.svc.UseRecoveryCode(context.Background(), s, r.codes[4]); err != nil {
		t.Fatalf("a code shown does not work: %v", err)
	}
}

func codeShape(codes []string) bool {
	for _, c := range codes {
		if len(c) != 19 || strings.Count(c, "-") != 3 {
			return false
		}
	}
	return true
}

func TestNoOtherAdministratorMeansNoLostPhoneParagraphForOthers(t *testing.T) {
	h := newHarness(t, withDaycare)
	a := h.openAccount("anne@parents.ca")
	test.Tap(a.mfaSwitch)
	if a.confirm == nil || a.confirm.onlyAdmin.Visible() {
		t.Fatal("a parent is not the only administrator")
	}
}

// She lost her phone: a recovery code at the code screen leads straight
// to a new QR code, saying how many codes are left.
func TestALostPhoneAndARecoveryCodeLeadToANewQRCode(t *testing.T) {
	var codes []string
	h := newHarness(t, func(h *harness) {
		withEnrolledDirector(h)
		codes = h.recoveryCodes("elodie@lucioles.ca")
	})
	cs := h.lostPhone("elodie@lucioles.ca")
	if !cs.recoveryBox.Visible() || cs.lostText.Visible() || h.win.Canvas().Focused() != cs.recovery {
		t.Fatal("an administrator should get a field for a recovery code, focused")
	}
	for _, c := range []struct{ input, want string }{
		{"ABCD", "16 caractères"},
		{"AAAA-AAAA-AAAA-AAAA", "ne correspond à aucun code"},
	} {
		test.Type(cs.recovery, c.input)
		test.Tap(cs.useRecoveryButton)
		h.ui.wait()
		if h.ui.code != cs || !strings.Contains(cs.recoveryStatus.message.Text, c.want) {
			t.Fatalf("%q: %q", c.input, cs.recoveryStatus.message.Text)
		}
		if cs.recovery.Text != "" || h.win.Canvas().Focused() != cs.recovery {
			t.Fatalf("%q: the field should be emptied and focused", c.input)
		}
	}
	test.Type(cs.recovery, strings.ToLower(codes[0]))
	cs.recovery.TypedKey(&fyne.KeyEvent{Name: fyne.KeyReturn})
	h.ui.wait()
	en := h.ui.enroll
	if en == nil {
		t.Fatal("after a recovery code, the QR code to scan with the new phone")
	}
	if !en.recoveredLabel.Visible() || !strings.Contains(en.recoveredLabel.Text, "il vous en reste 9") {
		t.Fatalf("recovered: %q", en.recoveredLabel.Text)
	}
	if h.mfaState("elodie@lucioles.ca") != apetitspas.MFAPending || h.events(apetitspas.EventRecoveryCodeUsed) != 1 {
		t.Fatal("a recovery code should send the AMF back to pending, journaled")
	}
	// The new phone: 9 codes left, no new set, the congratulations.
	test.Type(en.code, h.phoneCode(en.key.Text, 0))
	test.Tap(en.submitButton)
	h.ui.wait()
	if h.ui.shell == nil || h.ui.recoveryCodes != nil || h.ui.notice == nil {
		t.Fatal("after the new QR code: signed in, congratulated, no new set")
	}
}

func TestFewRecoveryCodesLeftSuggestANewSet(t *testing.T) {
	var codes []string
	h := newHarness(t, func(h *harness) {
		withEnrolledDirector(h)
		codes = h.recoveryCodes("elodie@lucioles.ca")
		for _, c := range codes[:7] {
			s, err := h.svc.Login(context.Background(), "elodie@lucioles.ca", pw)
			if err != nil {
				h.t.Fatal(err)
			}
			if err := h.svc.UseRecoveryCode(context.Background(), s, c); err != nil {
				h.t.Fatal(err)
			}
			h.secrets["elodie@lucioles.ca"] = h.enroll("elodie@lucioles.ca")
		}
	})
	cs := h.lostPhone("elodie@lucioles.ca")
	test.Type(cs.recovery, codes[7])
	test.Tap(cs.useRecoveryButton)
	h.ui.wait()
	en := h.ui.enroll
	if en == nil || !strings.Contains(en.recoveredLabel.Text, "il vous en reste 2") || !strings.Contains(en.recoveredLabel.Text, "Mon compte") ||
		en.recoveredLabel.Importance != widget.WarningImportance {
		t.Fatalf("2 codes left: %v", en)
	}
}

// Whether the field for a recovery code shows comes from the service's
// count of unused codes, not from the role: an employee promoted to
// administrator after her enrollment has none (she is told who can help);
// an administrator demoted loses hers with the role (they are copies of
// the key), so she is told the same, and an old code of hers typed
// anyway is neither used nor counted.
func TestTheRecoveryFieldFollowsTheCodesTheServiceCounts(t *testing.T) {
	var codes []string
	h := newHarness(t, func(h *harness) {
		withEnrolledDirector(h)
		h.enroll("karim@lucioles.ca")
		h.create("elodie@lucioles.ca", apetitspas.RoleAdmin, "Martin Gagnon", "martin@lucioles.ca")
		h.enroll("martin@lucioles.ca")
		codes = h.recoveryCodes("martin@lucioles.ca")
		e := h.session("elodie@lucioles.ca")
		if err := h.svc.SetRole(context.Background(), e, "karim@lucioles.ca", apetitspas.RoleAdmin, ""); err != nil {
			h.t.Fatal(err)
		}
		if err := h.svc.SetRole(context.Background(), e, "martin@lucioles.ca", apetitspas.RoleEmployee, ""); err != nil {
			h.t.Fatal(err)
		}
	})
	cs := h.lostPhone("karim@lucioles.ca")
	if h.ui.handle.RecoveryCodesLeft() != 0 || !cs.lostText.Visible() || cs.recoveryBox.Visible() {
		t.Fatal("an administrator without a recovery code is told who can help, with no field")
	}
	test.Tap(cs.cancel)
	cs = h.lostPhone("martin@lucioles.ca")
	if h.ui.handle.RecoveryCodesLeft() != 0 || !cs.lostText.Visible() || cs.recoveryBox.Visible() {
		t.Fatal("a demoted administrator's codes went with her role: told who can help, with no field")
	}
	s, err := h.svc.Login(context.Background(), "martin@lucioles.ca", pw)
	if err != nil {
		t.Fatal(err)
	}
	if err := h.svc.UseRecoveryCode(context.Background(), s, codes[0]); err == nil {
		t.Fatal("an old code of a demoted administrator was accepted")
	}
	if h.events(apetitspas.EventRecoveryCodeUsed) != 0 {
		t.Fatal("the code was used")
	}
}

func TestAnEmployeeWhoLostHerPhoneIsToldToAskAnAdministrator(t *testing.T) {
	h := newHarness(t, func(h *harness) {
		withEnrolledDirector(h)
		h.enroll("karim@lucioles.ca")
	})
	cs := h.lostPhone("karim@lucioles.ca")
	if !cs.lostText.Visible() || cs.recoveryBox.Visible() ||
		!strings.Contains(cs.lostText.Text, "Demandez à un administrateur de votre service de garde de réinitialiser votre AMF") {
		t.Fatal("staff and parents are told to ask an administrator, with no field")
	}
}

// Mon compte: a new set of recovery codes asks for the password and a
// code, and voids the old set.
func TestMonCompteMakesANewSetOfRecoveryCodes(t *testing.T) {
	var old []string
	h := newHarness(t, func(h *harness) {
		withEnrolledDirector(h)
		old = h.recoveryCodes("elodie@lucioles.ca")
	})
	h.signInWithCode("elodie@lucioles.ca")
	h.ui.shell.show(pageAccount)
	a := h.ui.shell.account
	if !a.recovery.Visible() || !strings.Contains(a.recovery.Text, "10 restants") || !a.newCodesButton.Visible() ||
		a.newCodesButton.Importance == widget.HighImportance {
		t.Fatalf("recovery line: %q", a.recovery.Text)
	}
	h.staleCode()
	test.Tap(a.newCodesButton)
	n := a.newCodesDialog
	if n == nil || h.win.Canvas().Focused() != n.password {
		t.Fatal("Nouveaux codes should ask for the password first")
	}
	test.Type(n.password, "pas-le-bon")
	n.password.TypedKey(&fyne.KeyEvent{Name: fyne.KeyReturn})
	if h.win.Canvas().Focused() != n.code {
		t.Fatal("Return in the password should move to the code")
	}
	test.Type(n.code, h.codeNow(h.secrets["elodie@lucioles.ca"]))
	n.code.TypedKey(&fyne.KeyEvent{Name: fyne.KeyReturn})
	h.ui.wait()
	if h.ui.recoveryCodes != nil || !strings.Contains(n.status.message.Text, "mot de passe") || n.password.Text != "" {
		t.Fatalf("a wrong password: %q", n.status.message.Text)
	}
	test.Type(n.password, pw)
	test.Tap(n.create)
	h.ui.wait()
	r := h.ui.recoveryCodes
	if r == nil || len(r.codes) != 10 || !r.replaced.Visible() || !strings.Contains(r.replaced.Text, "anciens codes") {
		t.Fatal("the new set should be shown, saying the old one no longer works")
	}
	if !strings.Contains(a.recovery.Text, "10 restants") {
		t.Fatalf("after: %q", a.recovery.Text)
	}
	test.Tap(r.kept)
	test.Tap(r.continueButton)
	if h.ui.recoveryCodes != nil {
		t.Fatal("Continuer should close the codes")
	}
	for _, c := range []struct {
		code string
		ok   bool
	}{{old[0], false}, {r.codes[0], true}} {
		s, err := h.svc.Login(context.Background(), "elodie@lucioles.ca", pw)
		if err != nil {
			t.Fatal(err)
		}
		if err := h.svc.UseRecoveryCode(context.Background(), s, c.code); (err == nil) != c.ok {
			t.Fatalf("code %s: %v", c.code, err)
		}
	}
	// Few left: the button stands out.
	a.showRecovery(apetitspas.RecoveryCodeLow)
	if a.newCodesButton.Importance != widget.HighImportance || !strings.Contains(a.recovery.Text, "3 restants") {
		t.Fatalf("3 left: %q", a.recovery.Text)
	}
}

func TestEscapeCancelsTheNewCodesDialog(t *testing.T) {
	h := newHarness(t, withEnrolledDirector)
	h.signInWithCode("elodie@lucioles.ca")
	h.ui.shell.show(pageAccount)
	a := h.ui.shell.account
	test.Tap(a.newCodesButton)
	pressKeyOn(h.win.Canvas(), fyne.KeyEscape)
	if a.newCodesDialog == nil || h.win.Canvas().Overlays().Top() != nil {
		t.Fatal("Escape should close the dialog")
	}
}

// The key was deleted from the computer: the sign-in says so and offers
// « Retrouver la clé »; the director's password and a recovery code bring
// it back, and everyone signs in as before.
func TestALostKeyIsBroughtBackFromTheSignIn(t *testing.T) {
	var codes []string
	h := newHarness(t, func(h *harness) {
		withEnrolledDirector(h)
		codes = h.recoveryCodes("elodie@lucioles.ca")
		if err := os.RemoveAll(h.keyDir); err != nil {
			h.t.Fatal(err)
		}
		// A new start of the app: nothing of the key in memory.
		h.svc = apetitspas.New(apetitspas.Params{Store: h.store, Now: h.clock.Now, Keys: h.keys, Argon2: testArgon2, Witness: h.kit.Witness})
		h.tr = apetitspas.NewTrusted(h.svc)
	})
	h.clock.Advance(apetitspas.CodePeriod)
	h.signIn("elodie@lucioles.ca", pw)
	l := h.ui.login
	if l == nil || !l.restore.Visible() || !strings.Contains(l.status.message.Text, "Retrouver la clé") {
		t.Fatal("a missing key should be said, with « Retrouver la clé »")
	}
	test.Tap(l.restore)
	r := l.restoreDialog
	if r == nil || r.email.Text != "elodie@lucioles.ca" || h.win.Canvas().Focused() != r.password {
		t.Fatal("the dialog should have the e-mail and start on the password")
	}
	for _, c := range []struct{ password, code, want string }{
		{pw, "pas-un-code", "16 caractères"},
		{"pas-le-bon", codes[0], "ne permettent pas de retrouver la clé"},
		{pw, "AAAA-AAAA-AAAA-AAAA", "ne permettent pas de retrouver la clé"},
	} {
		r.password.SetText("")
		r.code.SetText("")
		test.Type(r.password, c.password)
		test.Type(r.code, c.code)
		test.Tap(r.submitButton)
		h.ui.wait()
		if !strings.Contains(r.status.message.Text, c.want) || h.ui.login.restoreDialog != r {
			t.Fatalf("%s/%s: %q", c.password, c.code, r.status.message.Text)
		}
	}
	r.password.SetText("")
	r.code.SetText("")
	h.typeInto(&r.password.Entry, pw)
	r.password.TypedKey(&fyne.KeyEvent{Name: fyne.KeyReturn})
	if h.win.Canvas().Focused() != r.code {
		t.Fatal("Return in the password should move to the code")
	}
	test.Type(r.code, codes[1])
	r.code.TypedKey(&fyne.KeyEvent{Name: fyne.KeyReturn})
	h.ui.wait()
	if l.restoreDialog != nil || l.restore.Visible() || !strings.Contains(l.status.message.Text, "La clé de sécurité est revenue") ||
		h.win.Canvas().Focused() != l.password {
		t.Fatalf("after the key came back: %q", l.status.message.Text)
	}
	h.signInWithCode("elodie@lucioles.ca")
	if h.events(apetitspas.EventKeyRestored) != 1 {
		t.Fatal("journal: key restored")
	}
}

// Accueil tells an administrator of another one's recovery code and
// reminds her of a backup older than 30 days.
func TestAccueilToldOfAnotherAdministratorsRecoveryCodeAndOfAnOldBackup(t *testing.T) {
	var usedAt time.Time
	h := newHarness(t, func(h *harness) {
		withEnrolledDirector(h)
		h.create("elodie@lucioles.ca", apetitspas.RoleAdmin, "Julie Tremblay", "julie@lucioles.ca")
		h.enroll("julie@lucioles.ca")
		codes := h.recoveryCodes("julie@lucioles.ca")
		h.session("elodie@lucioles.ca") // Élodie's previous sign-in
		h.clock.Advance(11*60*60e9 + 50*60e9)
		s, err := h.svc.Login(context.Background(), "julie@lucioles.ca", pw)
		if err != nil {
			h.t.Fatal(err)
		}
		usedAt = h.clock.Now()
		if err := h.svc.UseRecoveryCode(context.Background(), s, codes[3]); err != nil {
			h.t.Fatal(err)
		}
	})
	h.signInWithCode("elodie@lucioles.ca")
	home := h.ui.shell.home
	if len(home.recoveries.Objects) != 1 {
		t.Fatalf("%d recovery notices", len(home.recoveries.Objects))
	}
	line := home.recoveries.Objects[0].(*wrapLabel)
	want := "Julie Tremblay a utilisé un code de récupération (téléphone perdu) le " + formatDateTime(usedAt)
	if !strings.HasPrefix(line.Text, want) || line.Importance != widget.WarningImportance {
		t.Fatalf("notice %q, want %q", line.Text, want)
	}
	if !home.backup.Visible() || home.backup.Text != "Dernière sauvegarde : jamais — faites-en une (Sécurité → Sauvegardes)." {
		t.Fatalf("backup: %q", home.backup.Text)
	}
	// A backup today: no reminder; 31 days later, the reminder with its date.
	made := h.clock.Now()
	req := apetitspas.BackupRequest{Out: filepath.Join(t.TempDir(), "s.apetitspas"), Passphrase: "une phrase de passe assez longue"}
	if _, _, err := h.api.WriteBackup(context.Background(), h.ui.handle, req); err != nil {
		t.Fatal(err)
	}
	h.signOut()
	h.signInWithCode("elodie@lucioles.ca")
	home = h.ui.shell.home
	if home.backup.Visible() || len(home.recoveries.Objects) != 0 {
		t.Fatal("a fresh backup needs no reminder; the notice was given at the previous sign-in")
	}
	h.signOut()
	h.clock.Advance(apetitspas.BackupReminder + 24*60*60e9)
	h.signInWithCode("elodie@lucioles.ca")
	home = h.ui.shell.home
	if want := "Dernière sauvegarde : le " + formatDate(made) + " — faites-en une"; !home.backup.Visible() || !strings.HasPrefix(home.backup.Text, want) {
		t.Fatalf("backup: %q, want %q", home.backup.Text, want)
	}
}

// Space on Continuer closes the codes without its rune reaching the
// congratulations that take the focus (GLFW sends the key, then the rune).
func TestSpaceOnContinuerDoesNotLeakIntoTheCongratulations(t *testing.T) {
	h := newHarness(t, withDaycare)
	a := h.openAccount("elodie@lucioles.ca")
	test.Tap(a.mfaSwitch)
	test.Tap(a.confirm.activate)
	test.Tap(a.logoutNow)
	h.signIn("elodie@lucioles.ca", pw)
	en := h.ui.enroll
	test.Type(en.code, h.phoneCode(en.key.Text, 0))
	test.Tap(en.submitButton)
	h.ui.wait()
	r := h.ui.recoveryCodes
	if r == nil {
		t.Fatal("no codes")
	}
	pressSpaceOn(h.win.Canvas()) // ticks the box
	h.win.Canvas().Focus(r.continueButton)
	pressSpaceOn(h.win.Canvas())
	if h.ui.recoveryCodes != nil || h.ui.notice == nil || h.win.Canvas().Focused() != h.ui.noticeButton {
		t.Fatal("Space on Continuer should go on to the congratulations, focused and still open")
	}
	if h.win.Canvas().Overlays().Top() == nil {
		t.Fatal("the rune of the Space closed the congratulations too")
	}
}
