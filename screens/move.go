package screens

import (
	"context"
	"strconv"
	"sync/atomic"
	"time"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/lang"
	"fyne.io/fyne/v2/widget"

	apetitspas "github.com/apetitspas/apetitspas/app"
)

// MoveFunc moves the daycare offered into the machine-wide place, for an
// administrator of it (Service.MoveDaycare over the user's own database,
// bound by cmd/).
type MoveFunc func(ctx context.Context, email, password, code string) error

// MoveScreen is shown at start-up, before anything else, when the
// computer now keeps the daycare's data for every account (the
// machine-wide place holds no daycare yet) and this account's own folder
// holds one: an administrator moves it there with her e-mail, password and
// current code. "Pas maintenant" leaves everything as it is (the offer
// comes back at the next start while the machine-wide place is empty).
type MoveScreen struct {
	win      fyne.Window
	content  fyne.CanvasObject
	email    *widget.Entry
	password *widget.Entry
	code     *widget.Entry
	move     *button
	later    *button
	status   *status
	moveFn   MoveFunc
	done     func(moved bool, email string)

	do       func(func())
	queue    chan func()
	inflight atomic.Int32
}

// NewMoveScreen builds the offer; done runs on the UI goroutine once the
// daycare was moved (moved true, with the administrator's e-mail) or the
// offer put off.
func NewMoveScreen(win fyne.Window, offer apetitspas.MoveOffer, move MoveFunc, done func(moved bool, email string)) *MoveScreen {
	m := &MoveScreen{win: win, moveFn: move, done: done, status: newStatus(), do: fyne.Do}
	m.email = widget.NewEntry()
	m.email.SetPlaceHolder(lang.X("login.email_placeholder", "courriel@exemple.ca"))
	m.password = widget.NewPasswordEntry()
	m.code = widget.NewEntry()
	m.code.SetPlaceHolder(lang.X("move.code_placeholder", "123 456"))
	m.email.OnSubmitted = func(string) { win.Canvas().Focus(m.password) }
	m.password.OnSubmitted = func(string) { win.Canvas().Focus(m.code) }
	m.code.OnSubmitted = func(string) { m.submit() }
	m.move = newButton(lang.X("move.submit", "Déplacer la garderie"), nil, m.submit)
	m.move.Importance = widget.HighImportance
	m.later = newButton(lang.X("move.later", "Pas maintenant"), nil, func() {
		if !m.later.Disabled() {
			m.done(false, "")
		}
	})

	accounts := lang.X("move.accounts", "{{.N}} comptes", map[string]any{"N": strconv.Itoa(offer.Accounts)})
	if offer.Accounts == 1 {
		accounts = lang.X("move.accounts_one", "1 compte")
	}
	data := map[string]any{"Daycare": offer.Daycare, "Accounts": accounts, "From": offer.From, "To": offer.To}
	intro := widget.NewLabel(lang.X("move.intro", "Cet ordinateur garde maintenant les données de la garderie au même endroit pour tous ses comptes Windows. Votre compte a encore sa propre base, «\u00a0{{.Daycare}}\u00a0» ({{.Accounts}}). Déplacez-la pour que tous les comptes de l'ordinateur la retrouvent, avec leur mot de passe et leur code.", data))
	intro.Wrapping = fyne.TextWrapWord
	where := widget.NewLabel(lang.X("move.where", "De : {{.From}}\nVers : {{.To}}", data))
	where.Wrapping = fyne.TextWrapBreak
	where.Importance = widget.LowImportance
	hint := widget.NewLabel(lang.X("move.hint", "Un administrateur confirme avec son courriel, son mot de passe et le code à 6 chiffres de son téléphone. Votre base reste où elle est, marquée «\u00a0déplacée\u00a0» ; rien n'est jamais copié deux fois."))
	hint.Wrapping = fyne.TextWrapWord
	hint.Importance = widget.LowImportance
	form := container.NewVBox(
		brand(""),
		widget.NewLabelWithStyle(lang.X("move.title", "Déplacer votre garderie"), fyne.TextAlignCenter, fyne.TextStyle{Bold: true}),
		intro, where,
		m.status.message, // above the fields: seen without scrolling on a small screen
		widget.NewLabel(lang.X("login.email", "Courriel")), m.email,
		widget.NewLabel(lang.X("login.password", "Mot de passe")), m.password,
		widget.NewLabel(lang.X("move.code", "Code à 6 chiffres")), m.code,
		hint,
		container.NewGridWithColumns(2, m.later, m.move),
		m.status.progress,
	)
	m.content = newPageScroll(centered(form, 480), false)
	return m
}

// Show puts the offer in the window, the cursor in the e-mail field.
func (m *MoveScreen) Show() {
	m.win.SetContent(m.content)
	m.win.Canvas().Focus(m.email)
}

func (m *MoveScreen) submit() {
	if m.move.Disabled() {
		return
	}
	email, password, code := m.email.Text, m.password.Text, m.code.Text
	fields := []fyne.Disableable{m.move, m.later, m.email, m.password, m.code}
	enable(false, fields...)
	m.status.busy()
	m.inflight.Add(1)
	go func() {
		ctx, cancel := context.WithTimeout(context.Background(), 5*time.Minute)
		err := m.moveFn(ctx, email, password, code)
		cancel()
		m.do(func() {
			defer m.inflight.Add(-1)
			enable(true, fields...)
			if err != nil {
				m.status.error(ErrorText(err))
				m.code.SetText("")
				m.win.Canvas().Focus(m.code)
				return
			}
			m.status.idle()
			m.done(true, email)
		})
	}()
}

// runOnTestGoroutine and wait: as UI's, for the tests.
func (m *MoveScreen) runOnTestGoroutine() {
	m.queue = make(chan func(), 10)
	m.do = func(f func()) { m.queue <- f }
}

func (m *MoveScreen) wait() {
	for m.inflight.Load() > 0 {
		(<-m.queue)()
	}
}

// StartAfterMove is Start once a daycare was just moved in: the sign-in
// screen, the administrator's e-mail filled in and a word of what
// happened.
func (u *UI) StartAfterMove(email string) {
	u.daycare, _ = u.api.DaycareName(context.Background())
	u.updateTitle()
	u.showLogin(email, lang.X("move.done", "La garderie est déplacée : tous les comptes de cet ordinateur la retrouvent maintenant. Connectez-vous comme d'habitude."))
}
