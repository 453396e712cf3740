package screens

import (
	"bytes"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"fyne.io/fyne/v2/test"

	apetitspas "github.com/apetitspas/apetitspas/app"
)

// Issue 18: a family that left is erased from Utilisateurs. The
// confirmation says what goes and what stays and asks for the director's
// password (and her code once it is stale); a wrong password erases
// nothing and the dialog stays; then Anne is gone from the list, the
// database holds nothing of her, and the Journal names her « Personne
// effacée (n° N) ».
func TestAFamilyThatLeftIsErasedFromUtilisateurs(t *testing.T) {
	h := newHarness(t, withEnrolledDirector)
	p := h.openUsers()
	p.tabs.selectIndex(usersTabParents)
	if !h.pick(p, "anne@parents.ca") {
		t.Fatal("Anne is not listed")
	}
	if p.eraseBtn.Disabled() || p.exportBtn.Disabled() {
		t.Fatal("erase or export off on a parent's account")
	}
	h.staleCode()
	test.Tap(p.eraseBtn)
	c := p.confirming
	if c == nil || c.password == nil {
		t.Fatal("no confirmation with a password field")
	}
	for _, want := range []string{"Ce qui disparaît", "Ce qui reste", "Personne effacée", "sauvegardes"} {
		if !strings.Contains(c.message.Text, want) {
			t.Errorf("the confirmation does not say %q: %q", want, c.message.Text)
		}
	}
	if !c.codeAsked() {
		t.Fatal("a stale code is not asked for")
	}
	if h.win.Canvas().Focused() != c.password {
		t.Fatal("the password field does not have the focus")
	}
	// A wrong password: nothing goes, the dialog stays and says why.
	h.typeInto(&c.password.Entry, "pas le bon mot de passe")
	h.typeInto(c.code, h.codeNow(h.secrets["elodie@lucioles.ca"]))
	test.Tap(c.confirm)
	h.ui.wait()
	if p.confirming == nil || !strings.Contains(c.status.message.Text, "mot de passe") || c.password.Text != "" {
		t.Fatalf("after a wrong password: dialog %v, %q, field %q", p.confirming != nil, c.status.message.Text, c.password.Text)
	}
	h.user("anne@parents.ca") // still there
	h.clock.Advance(apetitspas.CodePeriod)
	h.typeInto(&c.password.Entry, pw)
	h.typeInto(c.code, h.codeNow(h.secrets["elodie@lucioles.ca"]))
	test.Tap(c.confirm)
	h.ui.wait()
	if p.confirming != nil {
		t.Fatalf("still asking: %q", c.status.message.Text)
	}
	if !strings.Contains(p.status.message.Text, "Personne effacée (n° ") {
		t.Fatalf("after the erasure: %q", p.status.message.Text)
	}
	if p.selectEmail("anne@parents.ca") {
		t.Fatal("Anne is still listed")
	}
	if h.events(apetitspas.EventUserErased) != 1 {
		t.Fatal("the erasure is not journaled once")
	}
	h.ui.wait()
	for _, f := range []string{h.dbPath, h.dbPath + "-wal"} {
		b, err := os.ReadFile(f)
		if err != nil && !os.IsNotExist(err) {
			t.Fatal(err)
		}
		if bytes.Contains(b, []byte("anne@parents.ca")) || bytes.Contains(b, []byte("Anne Parent")) {
			t.Fatalf("%s still holds Anne", filepath.Base(f))
		}
	}
	j := h.openJournal()
	if all := journalText(j); !strings.Contains(all, "Personne effacée (n° ") || strings.Contains(all, "Anne") {
		t.Fatalf("the Journal does not read « Personne effacée », or still names Anne:\n%s", all)
	}
}

// Nobody erases her own data: the button is off on her own row (an
// export of her own data is allowed), and the note says why.
func TestTheDirectorCannotEraseHerself(t *testing.T) {
	h := newHarness(t, withEnrolledDirector)
	p := h.openUsers()
	p.tabs.selectIndex(usersTabStaff)
	h.pick(p, "elodie@lucioles.ca")
	if !p.eraseBtn.Disabled() {
		t.Fatal("« Effacer les données… » on on her own row")
	}
	if p.exportBtn.Disabled() {
		t.Fatal("she cannot export her own data")
	}
	test.Tap(p.eraseBtn)
	if p.confirming != nil {
		t.Fatal("a confirmation opened from a button that is off")
	}
}

func TestFileSafeNames(t *testing.T) {
	for in, want := range map[string]string{
		"Élodie D'Amour": "Élodie-D-Amour", "  Karim  Benali ": "Karim-Benali", "../..": "", "a/b\\c": "a-b-c",
	} {
		if got := fileSafe(in); got != want {
			t.Errorf("fileSafe(%q) = %q, want %q", in, got, want)
		}
	}
}

// journalText is every row of the Journal page as a person reads it: its
// sentence and its detail pane.
func journalText(p *journalPage) string {
	var b strings.Builder
	for _, e := range p.events {
		b.WriteString(sentenceOf(e) + "\n")
		for _, l := range detailFields(e) {
			b.WriteString("  " + l.label + ": " + l.value + "\n")
		}
	}
	return b.String()
}
