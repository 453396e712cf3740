package screens

import (
	"context"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/test"
	"fyne.io/fyne/v2/widget"

	apetitspas "github.com/apetitspas/apetitspas/app"
	"github.com/apetitspas/apetitspas/data"
)

// moveScreen shows the offer to move the harness's daycare (the account's
// own database) into an empty machine-wide place in a temporary folder;
// done records what it was told.
func (h *harness) moveScreen(done func(moved bool, email string)) (*MoveScreen, apetitspas.MoveTarget) {
	h.t.Helper()
	root := h.t.TempDir()
	to := apetitspas.MoveTarget{
		Path: filepath.Join(root, "ApetitsPas", "data", "apetitspas.db"),
		Keys: data.NewSharedKeyRing(filepath.Join(root, "ApetitsPas", "keys")),
		Open: func(path string) (apetitspas.Store, func() error, error) {
			db, err := data.Open(path)
			if err != nil {
				return nil, nil, err
			}
			return db, db.Close, nil
		},
		Share: data.ShareLikeFolder,
	}
	offer, ok, err := h.tr.MoveOffer(context.Background(), h.dbPath, to)
	if err != nil || !ok {
		h.t.Fatalf("MoveOffer = %+v, %v, %v", offer, ok, err)
	}
	move := func(ctx context.Context, email, password, code string) error {
		_, err := h.svc.MoveDaycare(ctx, email, password, code, h.dbPath, to)
		return err
	}
	if done == nil {
		done = func(bool, string) {}
	}
	m := NewMoveScreen(h.win, offer, move, done)
	m.runOnTestGoroutine()
	m.Show()
	return m, to
}

func TestTheMoveScreenMovesTheDaycareWithTheAdministratorsCode(t *testing.T) {
	var moved bool
	var by string
	calls := 0
	h := newHarness(t, withEnrolledDirector)
	m, to := h.moveScreen(func(ok bool, email string) { calls++; moved, by = ok, email })
	if h.win.Canvas().Focused() != m.email {
		t.Error("the cursor is not in the e-mail field")
	}
	text := visibleText(h.win.Content())
	for _, want := range []string{"CPE Les Lucioles", "3 comptes", to.Path} {
		if !strings.Contains(text, want) {
			t.Errorf("the offer does not say %q:\n%s", want, text)
		}
	}

	// A wrong code: a French sentence, nothing copied, the code emptied.
	secret := h.secrets["elodie@lucioles.ca"]
	h.clock.Advance(apetitspas.CodePeriod)
	h.typeInto(m.email, "elodie@lucioles.ca")
	h.typeInto(m.password, pw)
	h.typeInto(m.code, h.otherCode(secret))
	test.Tap(m.move)
	m.wait()
	if calls != 0 || !m.status.message.Visible() || !strings.Contains(m.status.message.Text, "code") {
		t.Fatalf("a wrong code: calls %d, message %q", calls, m.status.message.Text)
	}
	if m.code.Text != "" || m.move.Disabled() {
		t.Errorf("after a refusal: code %q, button disabled %v", m.code.Text, m.move.Disabled())
	}
	if _, err := os.Stat(to.Path); !os.IsNotExist(err) {
		t.Fatal("a refused move wrote the machine-wide database")
	}

	// The right code, then Return in the code field.
	h.clock.Advance(apetitspas.CodePeriod)
	h.typeInto(m.code, h.codeNow(secret))
	m.code.OnSubmitted(m.code.Text)
	m.wait()
	if calls != 1 || !moved || by != "elodie@lucioles.ca" {
		t.Fatalf("done(%v, %q) after %d calls, want the move", moved, by, calls)
	}
	if _, err := os.Stat(to.Path); err != nil {
		t.Fatalf("the machine-wide database: %v", err)
	}
	if to2, _ := h.tr.MovedTo(context.Background()); to2 != to.Path {
		t.Errorf("the old database is not marked: %q", to2)
	}

	// The app then opens the machine-wide place: the sign-in screen says
	// what happened, her e-mail filled in.
	db, err := data.Open(to.Path)
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	u := New(apetitspas.NewLocal(apetitspas.New(apetitspas.Params{Store: db, Keys: to.Keys, Now: h.clock.Now}), true), h.win, nil)
	u.runUIOnTestGoroutine()
	defer u.idle.stop()
	u.StartAfterMove(by)
	if u.login == nil || u.login.email.Text != by || !strings.Contains(visibleText(h.win.Content()), "La garderie est déplacée") {
		t.Errorf("after the move: %q", visibleText(h.win.Content()))
	}
}

func TestPuttingTheMoveOffWritesNothing(t *testing.T) {
	h := newHarness(t, withEnrolledDirector)
	var got []bool
	m, to := h.moveScreen(func(moved bool, _ string) { got = append(got, moved) })
	h.win.Canvas().Focus(m.later)
	pressSpaceOn(h.win.Canvas())
	if len(got) != 1 || got[0] {
		t.Fatalf("Pas maintenant: done %v", got)
	}
	if _, err := os.Stat(filepath.Dir(to.Path)); !os.IsNotExist(err) {
		t.Error("putting the move off wrote in the machine-wide place")
	}
}

// visibleText is the text of the labels and entries shown under o.
func visibleText(o fyne.CanvasObject) string {
	if o == nil || !o.Visible() {
		return ""
	}
	switch w := o.(type) {
	case *widget.Label:
		return w.Text + "\n"
	case *widget.Entry:
		return w.Text + "\n"
	case *fyne.Container:
		var b strings.Builder
		for _, c := range w.Objects {
			b.WriteString(visibleText(c))
		}
		return b.String()
	case *container.Scroll:
		return visibleText(w.Content)
	case fyne.Widget:
		var b strings.Builder
		for _, c := range test.WidgetRenderer(w).Objects() {
			b.WriteString(visibleText(c))
		}
		return b.String()
	}
	return ""
}
