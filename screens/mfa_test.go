package screens

import (
	"context"
	"image"
	"image/draw"
	"image/png"
	"net/url"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/test"
	"github.com/makiuchi-d/gozxing"
	"github.com/makiuchi-d/gozxing/qrcode"

	apetitspas "github.com/apetitspas/apetitspas/app"
)

// mfaState reads an account's stored multi-factor state.
func (h *harness) mfaState(email string) apetitspas.MFAState {
	h.t.Helper()
	return h.user(email).MFA
}

// phoneCode is what the authenticator shows for the key read off the
// screen, offset steps from the test clock.
func (h *harness) phoneCode(groupedKey string, offset int) string {
	h.t.Helper()
	secret := strings.Join(strings.Fields(groupedKey), "")
	c, err := apetitspas.TOTPCode(secret, h.clock.Now().Add(time.Duration(offset)*apetitspas.CodePeriod), 6)
	if err != nil {
		h.t.Fatalf("key %q: %v", groupedKey, err)
	}
	return c
}

// openAccount signs in and opens Mon compte through the menu.
func (h *harness) openAccount(email string) *accountPage {
	h.t.Helper()
	h.signIn(email, pw)
	if h.ui.shell == nil {
		h.t.Fatalf("%s did not reach the main window", email)
	}
	test.Tap(h.ui.shell.hamburger)
	test.Tap(h.ui.shell.userName)
	return h.ui.shell.account
}

func TestCancellingTheConfirmationPutsTheSwitchBackOff(t *testing.T) {
	h := newHarness(t, withDaycare)
	a := h.openAccount("anne@parents.ca")
	calls := 0
	inner := a.mfaSwitch.onChanged
	a.mfaSwitch.onChanged = func(on bool) { calls++; inner(on) }
	test.Tap(a.mfaSwitch)
	if a.confirm == nil || !strings.Contains(a.confirm.message.Text, "vous ne pourrez pas la désactiver vous-même") {
		t.Fatal("sliding the switch should ask first, saying it cannot be undone")
	}
	test.Tap(a.confirm.cancel)
	if a.mfaSwitch.checked || calls != 1 {
		t.Fatalf("after Annuler: checked=%v, callback calls=%d (want off, 1)", a.mfaSwitch.checked, calls)
	}
	if h.mfaState("anne@parents.ca") != apetitspas.MFAOff || h.events(apetitspas.EventMFAActivationRequested) != 0 {
		t.Fatal("Annuler changed the account")
	}
}

func TestTheWholeEnrollmentThroughTheScreens(t *testing.T) {
	h := newHarness(t, withDaycare)
	a := h.openAccount("anne@parents.ca")
	test.Tap(a.mfaSwitch)
	test.Tap(a.confirm.activate)
	if h.mfaState("anne@parents.ca") != apetitspas.MFAPending {
		t.Fatal("Activer did not make the account pending")
	}
	if !a.mfaSwitch.checked || !a.mfaSwitch.Disabled() || !a.logoutNow.Visible() || !strings.Contains(a.mfaNext.Text, "administrateur") {
		t.Fatal("after activation the switch is locked on, with the next step and the lost-phone line")
	}
	test.Tap(a.logoutNow)
	if h.ui.login == nil {
		t.Fatal("« Me déconnecter maintenant » did not sign out")
	}

	h.signIn("anne@parents.ca", pw)
	en := h.ui.enroll
	if en == nil || h.ui.shell != nil {
		t.Fatal("the password alone should lead to the QR dialog")
	}
	if en.qr.Resource == nil || !strings.Contains(en.account.Text, "Anne Parent (CPE Les Lucioles)") {
		t.Fatalf("QR %v, account %q", en.qr.Resource, en.account.Text)
	}
	groups := strings.Fields(en.key.Text)
	if len(groups) != 8 || len(groups[0]) != 4 {
		t.Fatalf("key for manual entry = %q, want 8 groups of 4", en.key.Text)
	}
	if h.win.Canvas().Focused() != en.code {
		t.Fatal("the cursor should be in the code field")
	}
	test.Tap(en.copy)
	if got := fyne.CurrentApp().Clipboard().Content(); got != strings.Join(strings.Fields(en.key.Text), "") {
		t.Fatalf("clipboard = %q", got)
	}
	test.Type(en.code, "12345") // too short: explained, not counted
	en.code.TypedKey(&fyne.KeyEvent{Name: fyne.KeyReturn})
	h.ui.wait()
	if !strings.Contains(en.message.Text, "6 chiffres") {
		t.Fatalf("message = %q", en.message.Text)
	}
	test.Type(en.code, h.phoneCode(en.key.Text, 0))
	en.code.TypedKey(&fyne.KeyEvent{Name: fyne.KeyReturn})
	h.ui.wait()
	if h.ui.shell == nil {
		t.Fatalf("not in the main window: %q", en.message.Text)
	}
	if !strings.Contains(h.ui.noticeText, "30 secondes") {
		t.Fatalf("no congratulations: %q", h.ui.noticeText)
	}
	if h.mfaState("anne@parents.ca") != apetitspas.MFAOn {
		t.Fatal("MFA is not on")
	}
	key := en.key.Text

	// Every later sign-in asks for a code.
	h.clock.Advance(apetitspas.CodePeriod)
	test.Tap(h.ui.shell.hamburger)
	test.Tap(h.ui.shell.logout)
	h.signIn("anne@parents.ca", pw)
	cs := h.ui.code
	if cs == nil || h.win.Canvas().Focused() != cs.code {
		t.Fatal("a code screen with the cursor in the field was expected")
	}
	test.Type(cs.code, "abc")
	test.Tap(cs.submitButton)
	h.ui.wait()
	if !strings.Contains(cs.status.message.Text, "6 chiffres") {
		t.Fatalf("letters: %q", cs.status.message.Text)
	}
	c := h.phoneCode(key, 0)
	test.Type(cs.code, c[:3]+" "+c[3:])
	cs.code.TypedKey(&fyne.KeyEvent{Name: fyne.KeyReturn})
	h.ui.wait()
	if h.ui.shell == nil {
		t.Fatalf("the code with a space was refused: %q", cs.status.message.Text)
	}
	h.ui.shell.show(pageAccount)
	if sw := h.ui.shell.account.mfaSwitch; !sw.checked || !sw.Disabled() {
		t.Fatal("the switch should stay locked on")
	}
}

func TestClosingTheQRDialogSignsOut(t *testing.T) {
	h := newHarness(t, func(h *harness) {
		withDaycare(h)
		if err := h.svc.RequestMFAActivation(context.Background(), h.session("karim@lucioles.ca")); err != nil {
			t.Fatal(err)
		}
	})
	h.signIn("karim@lucioles.ca", pw)
	if h.ui.enroll == nil {
		t.Fatal("no QR dialog")
	}
	test.Tap(h.ui.enroll.help)
	if h.ui.help == nil {
		t.Fatal("« Besoin d'aide ? » opened nothing")
	}
	h.ui.help.Hide()
	test.Tap(h.ui.enroll.cancel)
	if h.ui.login == nil || h.ui.handle != nil {
		t.Fatal("closing the QR dialog should sign out")
	}
	if h.mfaState("karim@lucioles.ca") != apetitspas.MFAPending {
		t.Fatal("closing changed the state")
	}
}

func TestAWrongCodeIsExplainedAndTheThirdHintsAtTheClock(t *testing.T) {
	var secret string
	h := newHarness(t, func(h *harness) {
		withDaycare(h)
		ctx := context.Background()
		h.svc.RequestMFAActivation(ctx, h.session("karim@lucioles.ca"))
		sess, _ := h.svc.Login(ctx, "karim@lucioles.ca", pw)
		en, _ := h.svc.BeginEnrollment(ctx, sess)
		secret = en.Secret
	})
	code, _ := apetitspas.TOTPCode(secret, h.clock.Now(), 6)
	wrong := "000000"
	if code == wrong {
		wrong = "111111"
	}
	h.signIn("karim@lucioles.ca", pw)
	en := h.ui.enroll
	if en.key.Text != keyLines(apetitspas.GroupKey(secret)) {
		t.Fatal("signing in again within 10 minutes should show the same key")
	}
	var msgs []string
	for i := 0; i < 3; i++ {
		en.code.SetText(wrong)
		test.Tap(en.submitButton)
		h.ui.wait()
		msgs = append(msgs, en.message.Text)
	}
	if !strings.Contains(msgs[0], "incorrect") || strings.Contains(msgs[0], "heure") || !strings.Contains(msgs[2], "heure de votre téléphone") {
		t.Fatalf("messages = %q", msgs)
	}
}

func TestTheHelpPageIsInTheMenu(t *testing.T) {
	h := newHarness(t, withDaycare)
	h.signIn("anne@parents.ca", pw)
	test.Tap(h.ui.shell.hamburger)
	test.Tap(h.ui.shell.menuItems[pageHelp])
	if h.ui.shell.current != pageHelp || h.ui.shell.title.Text != "Aide" {
		t.Fatal("Aide did not open")
	}
	if !strings.Contains(helpText(), "Microsoft Authenticator") || !strings.Contains(helpText(), "autre administrateur") {
		t.Fatal("the help lacks the authenticator apps or the lost-phone rule")
	}
}

func TestTheQRCodeOnScreenDecodesToTheURIWithAccentsAndApostrophes(t *testing.T) {
	h := newHarness(t, func(h *harness) {
		withDaycare(h)
		if err := h.svc.RequestMFAActivation(context.Background(), h.session("elodie@lucioles.ca")); err != nil {
			t.Fatal(err)
		}
	})
	h.signIn("elodie@lucioles.ca", pw)
	en := h.ui.enroll
	if en == nil {
		t.Fatal("no QR dialog")
	}
	// Decode what the window shows where the QR code is drawn (with its
	// quiet zone), with a real QR decoder; the text around it only
	// distracts the decoder's binarizer.
	shot := h.win.Canvas().Capture()
	pos := fyne.CurrentApp().Driver().AbsolutePositionForObject(en.qr)
	scale := float32(shot.Bounds().Dx()) / h.win.Canvas().Size().Width
	margin := float32(16)
	r := image.Rect(int((pos.X-margin)*scale), int((pos.Y-margin)*scale),
		int((pos.X+en.qr.Size().Width+margin)*scale), int((pos.Y+en.qr.Size().Height+margin)*scale)).Intersect(shot.Bounds())
	crop := image.NewRGBA(image.Rect(0, 0, r.Dx(), r.Dy()))
	draw.Draw(crop, crop.Bounds(), shot, r.Min, draw.Src)
	bmp, err := gozxing.NewBinaryBitmapFromImage(crop)
	if err != nil {
		t.Fatal(err)
	}
	// The crop is the code and its quiet zone alone: read it as such, and
	// only if that fails, search for it.
	res, err := qrcode.NewQRCodeReader().Decode(bmp, map[gozxing.DecodeHintType]interface{}{gozxing.DecodeHintType_PURE_BARCODE: true})
	if err != nil {
		res, err = qrcode.NewQRCodeReader().Decode(bmp, map[gozxing.DecodeHintType]interface{}{gozxing.DecodeHintType_TRY_HARDER: true})
	}
	text := ""
	if err == nil {
		text = res.GetText()
	} else {
		// gozxing misreads about one clean capture in 300 that zbar reads
		// (checked by hand): ask zbar, the decoder of the end-to-end test.
		text = zbarDecode(t, crop, err)
	}
	if text != en.enrollment.URI {
		t.Fatalf("QR holds %q, want %q", text, en.enrollment.URI)
	}
	u, err := url.Parse(text)
	if err != nil {
		t.Fatal(err)
	}
	label, _ := url.PathUnescape(strings.TrimPrefix(u.EscapedPath(), "/"))
	issuer, account, _ := strings.Cut(label, ":")
	if issuer != "À petits pas" || account != "Élodie D'Amour (CPE Les Lucioles)" {
		t.Fatalf("label = %q", label)
	}
	if u.Query().Get("issuer") != "À petits pas" || u.Query().Get("secret") != strings.Join(strings.Fields(en.key.Text), "") {
		t.Fatalf("query = %v, key on screen %q", u.Query(), en.key.Text)
	}
}

// zbarDecode reads img with zbarimg; without zbarimg it fails the test
// with the first decoder's error.
func zbarDecode(t *testing.T, img image.Image, first error) string {
	t.Helper()
	if _, err := exec.LookPath("zbarimg"); err != nil {
		t.Fatalf("the QR code on screen does not decode: %v (and zbarimg is not installed to try again)", first)
	}
	path := filepath.Join(t.TempDir(), "qr.png")
	f, err := os.Create(path)
	if err != nil {
		t.Fatal(err)
	}
	png.Encode(f, img)
	f.Close()
	out, err := exec.Command("zbarimg", "--quiet", "--raw", path).Output()
	if err != nil {
		t.Fatalf("the QR code on screen does not decode: %v; zbarimg: %v", first, err)
	}
	return strings.TrimSpace(string(out))
}
