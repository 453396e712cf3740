// Package screens is the Fyne face of À petits pas: one file per screen,
// small custom widgets beside them. Screens call package app, never the
// store, and never import fyne.io/fyne/v2/app (only cmd/ does), so every
// screen is tested headless with the Fyne test driver.
package screens

import (
	"context"
	"sync/atomic"
	"time"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/dialog"
	"fyne.io/fyne/v2/lang"
	"fyne.io/fyne/v2/widget"

	apetitspas "github.com/apetitspas/apetitspas/app"
	"github.com/apetitspas/apetitspas/assets"
)

// SetupFunc is the first run: it names the daycare and creates the first
// administrator. cmd/ passes the trusted operation; screens never build
// or hold what trusts its caller (a test checks it).
type SetupFunc func(ctx context.Context, daycare string, admin apetitspas.NewUser, confirm string) (apetitspas.User, error)

// UI drives one window: first run, sign-in, then the main window, and back
// to sign-in on logout or idle lock.
type UI struct {
	// OSAdmin: the operating system account running this window has the
	// computer's administrator rights (cmd/ sets it before Start); it
	// can stop the service and read its key, and administrators are told.
	OSAdmin bool
	// EmailFile is where this OS account keeps the last e-mail for the
	// sign-in screen (KeptEmailPath; cmd/ sets it before Start). Empty:
	// none is kept.
	EmailFile string
	// api is the service (in-process or its client) as the screens call
	// it: watched, for the idle lock and for sessions the service ended.
	api   apetitspas.API
	calls *watchedAPI
	win   fyne.Window
	setup SetupFunc
	// lastFocus and lastSize are the focus and window size followFocus
	// last saw (reveal.go).
	lastFocus fyne.Focusable
	lastSize  fyne.Size
	// lost is the waiting screen over a sign-in whose service stopped
	// answering (nil otherwise); serviceLostScreen is its content, for tests.
	lost              *lostService
	serviceLostScreen *ServerWait

	// handle is the sign-in, nil when signed out.
	handle  *apetitspas.Handle
	daycare string
	// refreshing is the sign-in whose Refresh is on its way (the idle
	// watch's: one at a time).
	refreshing *apetitspas.Handle

	// The screen on show, for tests and for the idle lock.
	setupScreen *setupScreen
	login       *loginScreen
	newPassword *newPasswordScreen
	code        *codeScreen
	reactivate  *reactivateScreen
	enroll      *enrollScreen
	shell       *shell

	// notice is the last information dialog shown (e.g. "Félicitations").
	notice *dialog.CustomDialog
	// noticeText is its message, for tests.
	noticeText string
	// noticeButton closes the notice (focused when it opens).
	noticeButton *button
	// help is the help dialog opened from the QR dialog.
	help *dialog.CustomDialog
	// recoveryCodes is the recovery codes dialog while it is shown.
	recoveryCodes *recoveryCodes
	// mfaReport is « Rapport AMF » while it is open (Accueil).
	mfaReport *mfaReportDialog
	// banner and bannerAck are the break-glass banner, when shown.
	banner    *widget.Label
	bannerAck *button
	// breakGlass is the break-glass banner, nil when not shown.
	breakGlass *breakGlassBanner
	// integrity is the tamper-evidence banner of administrators (hidden
	// while the integrity check finds nothing).
	integrity *integrityBanner
	banners   *fyne.Container // the banners above the main window

	idle *idleWatch

	// do runs a function on the UI goroutine: fyne.Do, or in tests a queue
	// that wait drains on the test goroutine (the test driver would
	// otherwise run it on the background goroutine, a race the real
	// driver never has).
	do       func(func())
	queue    chan func()
	inflight atomic.Int32 // background work started and not yet shown
}

// New returns the UI of win over api (the service in-process, or its
// client). setup is the first run, used only while the database has no
// administrator. Call Start to show the first screen.
func New(api apetitspas.API, win fyne.Window, setup SetupFunc) *UI {
	u := &UI{win: win, setup: setup, do: fyne.Do}
	u.calls = newWatchedAPI(api, u.expiredLater)
	u.calls.lost = u.lostLater
	u.api = u.calls
	u.idle = newIdleWatch(u)
	return u
}

// Start shows the first-run screen when there is no administrator yet,
// the sign-in screen otherwise. It runs one small query, nothing slow.
func (u *UI) Start() {
	u.watchFocus()
	ctx := context.Background()
	u.daycare, _ = u.api.DaycareName(ctx)
	u.updateTitle()
	need, err := u.api.NeedsSetup(ctx)
	if err != nil {
		u.showFatal(err)
		return
	}
	if need {
		u.showSetup()
		return
	}
	u.showLogin("", "")
}

// runUIOnTestGoroutine makes the results of background work wait in a
// queue that wait runs on the calling goroutine. Tests call it first.
func (u *UI) runUIOnTestGoroutine() {
	u.queue = make(chan func(), 1000)
	u.do = func(f func()) { u.queue <- f }
}

// wait runs (tests) or waits for (app) the results of the background work
// started so far, including work those results start in turn.
func (u *UI) wait() {
	for u.inflight.Load() > 0 {
		if u.queue != nil {
			(<-u.queue)()
		} else {
			time.Sleep(5 * time.Millisecond)
		}
	}
}

// background runs slow work (argon2id) off the UI goroutine, then done on it.
func (u *UI) background(work func() error, done func(error)) {
	u.inflight.Add(1)
	go func() {
		err := work()
		u.do(func() {
			defer u.inflight.Add(-1)
			done(err)
		})
	}()
}

// sessionWork runs slow work for the sign-in off the UI goroutine. The
// work gets its own copy of the handle, so that the UI goroutine may go
// on reading the handle meanwhile; when the work is done, what the
// service said of the sign-in (the account as reloaded, the step, the
// time of the last code, recovery codes to show) replaces the handle's
// view and done runs on the UI goroutine. After a sign-out meanwhile
// (or a session the service ended), done does not run.
func (u *UI) sessionWork(work func(h *apetitspas.Handle) error, done func(error)) {
	h := u.handle
	if h == nil {
		return
	}
	snap := snapshot(h)
	u.background(func() error { return work(snap) }, func(err error) {
		if u.handle != h {
			return // signed out meanwhile: nothing is shown
		}
		v := snap.View()
		if at := h.View().CodeAt; at.After(v.CodeAt) {
			// A code accepted meanwhile by a call on the UI goroutine:
			// the later news (a code is never "un-accepted").
			v.CodeAt = at
		}
		h.SetView(v)
		done(err)
	})
}

// readWork runs work that only reads (a list, a permission table, a
// Refresh telling the service a person is there) off the UI goroutine, on
// a copy of the handle left alone afterwards: calls made meanwhile on the
// UI goroutine keep the news they brought. done runs on the UI goroutine
// unless the sign-in ended meanwhile.
func (u *UI) readWork(work func(h *apetitspas.Handle) error, done func(error)) {
	h := u.handle
	if h == nil {
		return
	}
	snap := snapshot(h)
	u.background(func() error { return work(snap) }, func(err error) {
		if u.handle != h {
			return
		}
		done(err)
	})
}

// snapshot is a copy of h for work off the UI goroutine: the same token,
// and the view without the recovery codes waiting to be shown (those stay
// with h, and SetView keeps them unless the work brings new ones).
func snapshot(h *apetitspas.Handle) *apetitspas.Handle {
	v := h.View()
	v.Recovery = nil
	return apetitspas.NewHandle(h.Token(), v)
}

func (u *UI) updateTitle() {
	title := lang.X("app.name", "À petits pas")
	if u.daycare != "" {
		title += " — " + u.daycare
	}
	u.win.SetTitle(title)
}

func (u *UI) setContent(c fyne.CanvasObject) {
	u.endLost()
	u.setupScreen, u.login, u.newPassword, u.code, u.reactivate, u.enroll, u.shell = nil, nil, nil, nil, nil, nil, nil
	// Dialogs of the previous screen go with it (e.g. the QR code at an
	// idle lock).
	overlays := u.win.Canvas().Overlays()
	for o := overlays.Top(); o != nil; o = overlays.Top() {
		overlays.Remove(o)
	}
	u.notice, u.noticeButton, u.help, u.recoveryCodes = nil, nil, nil, nil
	u.win.SetContent(u.idle.wrap(c))
}

func (u *UI) showSetup() {
	u.idle.stop()
	s := newSetupScreen(u)
	u.setContent(s.content)
	u.setupScreen = s
	u.win.Canvas().Focus(s.daycare)
}

// showLogin shows the sign-in screen; info is a line to show under the
// form (in green), e.g. after the first run.
func (u *UI) showLogin(email, info string) {
	u.showLoginWith(email, info, widget.SuccessImportance)
}

// showLoginWith shows the sign-in screen with a line under the form: in
// red for an error (a lock that ended the session), plain for a neutral
// note (the idle lock), green for a success.
func (u *UI) showLoginWith(email, text string, imp widget.Importance) {
	u.idle.stop()
	s := newLoginScreen(u)
	u.setContent(s.content)
	u.login = s
	if email == "" {
		email = u.keptEmail()
	}
	if email != "" {
		s.email.SetText(email)
		u.win.Canvas().Focus(s.password)
	} else {
		u.win.Canvas().Focus(s.email)
	}
	switch {
	case text == "":
	case imp == widget.DangerImportance:
		s.status.error(text)
	default:
		s.status.show(text, imp)
	}
}

// signedIn continues after a password was accepted.
func (u *UI) signedIn(h *apetitspas.Handle) {
	if u.handle != h {
		u.handle = h
		u.idle.start()
	}
	switch h.Step() {
	case apetitspas.StepCode:
		s := newCodeScreen(u)
		u.setContent(s.content)
		u.code = s
		u.win.Canvas().Focus(s.code)
		return
	case apetitspas.StepReactivate:
		s := newReactivateScreen(u)
		u.setContent(s.content)
		u.reactivate = s
		u.win.Canvas().Focus(s.code)
		return
	case apetitspas.StepEnroll:
		s := newEnrollScreen(u)
		u.setContent(s.content)
		u.enroll = s
		s.start("")
		return
	case apetitspas.StepNewPassword:
		s := newNewPasswordScreen(u)
		u.setContent(s.content)
		u.newPassword = s
		u.win.Canvas().Focus(s.password)
		return
	case apetitspas.StepSignedIn:
	default:
		u.showLogin("", "")
		return
	}
	u.keepEmail(h.User().Email)
	sh := newShell(u)
	u.setContent(u.withBanners(sh.content))
	u.shell = sh
	u.checkIntegrity()
}

// withBanners puts, above an administrator's main window, the
// unacknowledged break-glass resets and the tamper-evidence warning.
func (u *UI) withBanners(content fyne.CanvasObject) fyne.CanvasObject {
	u.banner, u.bannerAck, u.breakGlass, u.integrity, u.banners = nil, nil, nil, nil, nil
	if u.handle.User().Role != apetitspas.RoleAdmin {
		return content
	}
	u.integrity = newIntegrityBanner(u)
	top := container.NewVBox(u.integrity.content)
	notes, err := u.api.BreakGlassNotes(context.Background(), u.handle)
	if err == nil && len(notes) > 0 {
		u.breakGlass = newBreakGlassBanner(u, notes)
		u.banner, u.bannerAck = u.breakGlass.text, u.breakGlass.ack
		top.Add(u.breakGlass.content)
	}
	u.banners = container.New(&bannerLayout{banners: top}, container.NewVScroll(top), content)
	return u.banners
}

// relayoutBanners lays the window out again after a banner appeared,
// disappeared or changed its text.
func (u *UI) relayoutBanners() {
	if u.banners != nil {
		u.banners.Refresh()
	}
}

// bannerLayout puts the banners (objs[0], a scroll over banners) above
// the page (objs[1]), as tall as their wrapped text at the window's width
// but never more than maxBannerShare of the window: beyond, they scroll.
type bannerLayout struct{ banners fyne.CanvasObject }

// maxBannerShare is the part of the window height the banners may take.
const maxBannerShare = 0.55

func (l *bannerLayout) Layout(objs []fyne.CanvasObject, size fyne.Size) {
	if len(objs) != 2 {
		return
	}
	h := float32(0)
	if l.banners.MinSize().Height > 0 {
		// A wrapped line knows its height once given its width: lay the
		// banners out at this width, then measure them.
		for i := 0; i < 2; i++ {
			l.banners.Resize(fyne.NewSize(size.Width, l.banners.MinSize().Height))
		}
		h = min(l.banners.MinSize().Height, size.Height*maxBannerShare)
	}
	objs[0].Resize(fyne.NewSize(size.Width, h))
	objs[0].Move(fyne.NewPos(0, 0))
	objs[1].Resize(fyne.NewSize(size.Width, size.Height-h))
	objs[1].Move(fyne.NewPos(0, h))
}

func (l *bannerLayout) MinSize(objs []fyne.CanvasObject) fyne.Size {
	if len(objs) != 2 {
		return fyne.Size{}
	}
	return objs[1].MinSize()
}

// notify shows an information dialog over the current screen, its
// button focused: Return, Escape or Space close it (without the Space
// reaching what gets the focus next).
func (u *UI) notify(title, text string) {
	msg := widget.NewLabel(text)
	msg.Wrapping = fyne.TextWrapWord
	ok := newButton(lang.X("notice.ok", "Continuer"), nil, nil)
	ok.Importance = widget.HighImportance
	d := u.newDialog(title, msg, nil, ok)
	ok.OnTapped = d.Hide
	d.Resize(fyne.NewSize(min(480, u.win.Canvas().Size().Width-40), 0))
	d.Show()
	u.win.Canvas().Focus(ok)
	u.notice, u.noticeText, u.noticeButton = d, text, ok
}

// newDialog is a dialog whose buttons are Buttons, so that a Space press
// on one never leaks into the field focused after the dialog closes.
// Escape on any of its buttons runs cancel (hides the dialog when nil).
// Callers focus the button a keyboard should start on after Show.
func (u *UI) newDialog(title string, content fyne.CanvasObject, cancel func(), buttons ...*button) *dialog.CustomDialog {
	d := dialog.NewCustomWithoutButtons(title, content, u.win)
	if cancel == nil {
		cancel = d.Hide
	}
	objs := make([]fyne.CanvasObject, len(buttons))
	for i, b := range buttons {
		b.onEscape = cancel
		objs[i] = b
	}
	d.SetButtons(objs)
	return d
}

// logout ends the session and returns to the sign-in screen.
func (u *UI) logout(reason string) {
	if u.handle == nil {
		return
	}
	_ = u.api.Logout(context.Background(), u.handle, reason)
	u.handle = nil
	// The next person at a shared computer does not see who was there:
	// the sign-in screen comes back empty, whatever ended the session.
	if reason == apetitspas.EventIdleLock {
		u.showLoginWith("", lang.X("login.idle_locked", "Votre session a été verrouillée après une période d'inactivité. Reconnectez-vous pour continuer."),
			widget.MediumImportance)
		return
	}
	u.showLogin("", "")
}

// sessionEnded returns to the sign-in screen after a service ended the
// session (e.g. too many wrong current passwords locked the account), with
// the sentence that says why.
func (u *UI) sessionEnded(err error) {
	if u.handle == nil {
		return
	}
	if apetitspas.ErrorReason(err) == apetitspas.ReasonSessionExpired {
		u.expired(u.handle.Token())
		return
	}
	u.handle = nil
	u.showLoginWith("", ErrorText(err), widget.DangerImportance)
}

// expiredLater is told, on any goroutine, that the service no longer
// knows the sign-in of token (idle for longer than the idle lock, older
// than the longest session, signed out elsewhere): the window goes back
// to the sign-in screen on the UI goroutine.
func (u *UI) expiredLater(token string) {
	u.inflight.Add(1)
	u.do(func() {
		defer u.inflight.Add(-1)
		u.expired(token)
	})
}

// expired returns to the sign-in screen, with a calm line, when token is
// still the sign-in on show.
func (u *UI) expired(token string) {
	if u.handle == nil || u.handle.Token() != token {
		return // already signed out, or another sign-in since
	}
	u.handle = nil
	u.showLoginWith("", lang.X("error.session_expired", "Votre session a pris fin. Reconnectez-vous pour continuer."),
		widget.MediumImportance)
}

// showFatal replaces the window content with a plain French explanation of
// an error that prevents the app from working (e.g. the database).
func (u *UI) showFatal(err error) {
	u.idle.stop()
	u.setContent(newFatalScreen(ErrorText(err)))
}

// ErrorText turns an error from package app into a sentence in the
// current language. Unknown errors read as a storage problem; technical
// details never reach the screen.
func ErrorText(err error) string {
	if err == nil {
		return ""
	}
	key, data := assets.ErrorKey(journalLocale(), err)
	return lang.X(key, assets.Message("fr", key, data), data)
}
