package screens

import (
	"database/sql"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"fyne.io/fyne/v2/test"
	_ "github.com/mattn/go-sqlite3"

	apetitspas "github.com/apetitspas/apetitspas/app"
	"github.com/apetitspas/apetitspas/data"
)

// editDatabase changes the database file the way anyone could, with a
// SQLite tool and no key: outside the application.
func (h *harness) editDatabase(query string, args ...any) {
	h.t.Helper()
	db, err := sql.Open("sqlite3", h.dbPath)
	if err != nil {
		h.t.Fatal(err)
	}
	defer db.Close()
	if _, err := db.Exec(query, args...); err != nil {
		h.t.Fatal(err)
	}
}

func TestAnAccountEditedInTheDatabaseFileIsShownToAdministratorsAndRestoredThroughTheScreen(t *testing.T) {
	h := newHarness(t, withEnrolledDirector)
	h.editDatabase(`UPDATE users SET role = 'admin' WHERE email = ?`, "karim@lucioles.ca")

	// Karim cannot sign in, and is told why.
	h.signIn("karim@lucioles.ca", pw)
	want := ErrorText(&apetitspas.Error{Reason: apetitspas.ReasonAccountTampered})
	if h.ui.shell != nil || h.ui.login.status.message.Text != want {
		t.Fatalf("Karim: %q", h.ui.login.status.message.Text)
	}
	// A parent sees no warning.
	h.signIn("anne@parents.ca", pw)
	if h.ui.integrity != nil {
		t.Fatal("a parent got the administrators' warning")
	}
	h.signOut()

	h.signInAs("elodie@lucioles.ca")
	b := h.ui.integrity
	if b == nil || !b.visible() {
		t.Fatal("no warning for the administrator")
	}
	for _, want := range []string{"Un compte a été modifié hors de l'application : Karim Benali (karim@lucioles.ca).", "Utilisateurs", "Vérifier et rétablir", "technicien", "le journal en garde une trace"} {
		if !strings.Contains(b.text.Text, want) {
			t.Errorf("the warning lacks %q: %q", want, b.text.Text)
		}
	}

	p := h.openUsers()
	p.tabs.selectIndex(usersTabStaff)
	r := row(t, p, "karim@lucioles.ca")
	if r[4] != "Modifié hors de l'application" || r[2] != "Administrateur ou administratrice" {
		t.Fatalf("Karim's row = %q", r)
	}
	h.pick(p, "karim@lucioles.ca")
	if !p.reseal.Visible() || p.reseal.Disabled() || !p.resetMFA.Disabled() || !p.disable.Disabled() || !p.role.Disabled() {
		t.Fatal("only « Vérifier et rétablir… » applies to a changed account")
	}
	if !strings.Contains(p.note.Text, "modifié en dehors d'À petits pas") {
		t.Fatalf("note = %q", p.note.Text)
	}
	h.staleCode()
	test.Tap(p.reseal)
	c := p.confirming
	if c == nil || !c.codeAsked() {
		t.Fatal("restoring asks for Élodie's code")
	}
	for _, want := range []string{"Rôle : Administrateur ou administratrice", "Connexion multi-facteurs (AMF) : Désactivée", "mot de passe temporaire"} {
		if !strings.Contains(c.message.Text, want) {
			t.Errorf("the explanation lacks %q: %q", want, c.message.Text)
		}
	}
	secret := h.secrets["elodie@lucioles.ca"]
	test.Type(c.code, h.otherCode(secret))
	test.Tap(c.confirm)
	h.ui.wait()
	if p.confirming == nil || !h.user("karim@lucioles.ca").Tampered {
		t.Fatal("a wrong code restored the account")
	}
	test.Type(c.code, h.codeNow(secret))
	test.Tap(c.confirm)
	h.ui.wait()
	if p.confirming != nil || p.password == nil {
		t.Fatalf("not restored: %q", c.status.message.Text)
	}
	temp := p.password.password.Text
	test.Tap(p.password.close)
	if h.user("karim@lucioles.ca").Tampered || h.events(apetitspas.EventAccountResealed) != 1 {
		t.Fatal("Karim's account is still marked")
	}
	if r := row(t, p, "karim@lucioles.ca"); r[4] != "" || p.reseal.Visible() {
		t.Fatalf("after restoring: row %q", r)
	}

	// The warning stays until Élodie says she has checked.
	if !b.visible() || strings.Contains(b.text.Text, "Karim") || !strings.Contains(b.text.Text, "depuis la dernière vérification") {
		t.Fatalf("warning after restoring: %q", b.text.Text)
	}
	test.Tap(b.ack)
	if b.confirm == nil || b.confirm.codeAsked() {
		t.Fatal("a code accepted just now confirms the acknowledgement")
	}
	test.Tap(b.confirm.confirm)
	h.ui.wait()
	if b.visible() || h.events(apetitspas.EventIntegrityAcked) != 1 {
		t.Fatal("the warning stayed after the acknowledgement")
	}

	// Karim signs in with the temporary password, and chooses his own.
	h.signOut()
	h.signIn("karim@lucioles.ca", temp)
	if h.ui.newPassword == nil {
		t.Fatalf("Karim: %q", h.ui.login.status.message.Text)
	}
}

func TestOpeningTheJournalChecksTheDatabaseAgain(t *testing.T) {
	h := newHarness(t, withEnrolledDirector)
	h.signInAs("elodie@lucioles.ca")
	if h.ui.integrity == nil || h.ui.integrity.visible() {
		t.Fatal("nothing was changed yet")
	}
	h.editDatabase(`UPDATE users SET mfa = 'on' WHERE email = ?`, "anne@parents.ca")
	h.editDatabase(`UPDATE users SET failed_logins = 3 WHERE email = ?`, "karim@lucioles.ca")
	p := h.openJournal()
	b := h.ui.integrity
	if !b.visible() || !strings.Contains(b.text.Text, "2 comptes ont été modifiés hors de l'application : Anne Parent (anne@parents.ca), Karim Benali (karim@lucioles.ca).") {
		t.Fatalf("warning = %q", b.text.Text)
	}
	p.event.SetSelectedIndex(indexOf(journalEvents, apetitspas.EventAccountTampered) + 1)
	if p.list.Length() != 2 || !strings.Contains(p.rowText(0)[1], "a été modifié hors de l'application") {
		t.Fatalf("journal: %d rows", p.list.Length())
	}
}

func TestTheWarningSaysInPlainWordsWhatWasFound(t *testing.T) {
	test.NewTempApp(t)
	r := apetitspas.IntegrityReport{
		JournalBreaks:   []int64{12},
		Accounts:        []string{"a@x.ca", "b@x.ca", "c@x.ca", "d@x.ca", "e@x.ca", "f@x.ca", "g@x.ca", "h@x.ca", "i@x.ca", "j@x.ca", "k@x.ca", "l@x.ca"},
		Missing:         []string{"zoe@x.ca"},
		SettingsChanged: true,
	}
	text := integrityText(r, map[string]string{"a@x.ca": "Anne"})
	for _, want := range []string{
		"Le fichier de la base de données a été modifié en dehors d'À petits pas",
		"• Des entrées du journal de sécurité ont été modifiées ou supprimées.",
		"• 12 comptes ont été modifiés hors de l'application : Anne (a@x.ca), b@x.ca,",
		"j@x.ca et 2 autres.",
		"• Un compte a été supprimé hors de l'application : zoe@x.ca.",
		"• Des réglages",
		"Vérifiez aussi la page Sécurité",
	} {
		if !strings.Contains(text, want) {
			t.Errorf("lacks %q:\n%s", want, text)
		}
	}
	key := apetitspas.IntegrityReport{KeyProblem: &apetitspas.Error{Code: apetitspas.EUNAVAILABLE, Reason: apetitspas.ReasonKeyInsecure}}
	if text := integrityText(key, nil); !strings.Contains(text, "refuse de s'en servir") || strings.Contains(text, "a été modifié") {
		t.Fatalf("key problem: %q", text)
	}
	sealed := apetitspas.IntegrityReport{SealedAt: time.Date(2026, 11, 27, 14, 5, 0, 0, time.Local)}
	if sealed.OK() {
		t.Fatal("a new sealing is OK")
	}
	admins := []apetitspas.User{{Name: "Julie", Email: "j@x.ca", MFA: apetitspas.MFAOn}, {Name: "Intrus", Email: "i@x.ca", MFA: apetitspas.MFAOff}}
	if text := integrityText(sealed, nil, admins...); !strings.Contains(text, "posés le "+formatDateTime(sealed.SealedAt)) || !strings.Contains(text, "effacer les sceaux") || strings.Contains(text, "a été modifié") ||
		!strings.Contains(text, "Julie (j@x.ca, AMF activée) ; Intrus (i@x.ca, AMF désactivée)") {
		t.Fatalf("sealed: %q", text)
	}
}

func TestAKeyFileOthersCanReadIsRefusedWithItsSentence(t *testing.T) {
	h := newHarness(t, withDaycare)
	files, _ := filepath.Glob(filepath.Join(h.keyDir, "*"))
	if len(files) == 0 {
		t.Fatal("no key file")
	}
	for _, f := range files {
		if err := os.Chmod(f, 0o644); err != nil {
			t.Fatal(err)
		}
	}
	// The next start of the application reads the key again.
	h.useService(apetitspas.New(apetitspas.Params{Store: h.store, Now: h.clock.Now, Keys: data.NewKeyRing(h.keyDir, false), Argon2: testArgon2, Witness: h.kit.Witness}))
	h.signIn("anne@parents.ca", pw)
	if h.ui.login == nil {
		t.Fatal("an insecure key let Anne in")
	}
	want := ErrorText(&apetitspas.Error{Reason: apetitspas.ReasonKeyInsecure})
	if h.ui.shell != nil || h.ui.login.status.message.Text != want {
		t.Fatalf("message = %q, want %q", h.ui.login.status.message.Text, want)
	}
}

// An older copy of Karim's row put back (from before his account was
// disabled, say): he cannot sign in, and the director is told in plain
// French that an older copy was put back, with his name.
func TestAnOlderCopyOfAnAccountIsShownToAdministrators(t *testing.T) {
	h := newHarness(t, withEnrolledDirector)
	db, err := sql.Open("sqlite3", h.dbPath)
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	var failed, gen int64
	var mac []byte
	if err := db.QueryRow(`SELECT failed_logins, generation, mac FROM users WHERE email = ?`, "karim@lucioles.ca").Scan(&failed, &gen, &mac); err != nil {
		t.Fatal(err)
	}
	h.signIn("karim@lucioles.ca", "pas-le-bon-mot-de-passe")
	h.editDatabase(`UPDATE users SET failed_logins = ?, generation = ?, mac = ? WHERE email = ?`, failed, gen, mac, "karim@lucioles.ca")
	h.signIn("karim@lucioles.ca", pw)
	if want := ErrorText(&apetitspas.Error{Reason: apetitspas.ReasonAccountTampered}); h.ui.shell != nil || h.ui.login.status.message.Text != want {
		t.Fatalf("Karim: %q", h.ui.login.status.message.Text)
	}
	h.signInAs("elodie@lucioles.ca")
	b := h.ui.integrity
	if b == nil || !b.visible() || !strings.Contains(b.text.Text, "Une ancienne copie d'un compte a été remise à la place de la plus récente") ||
		!strings.Contains(b.text.Text, "Karim Benali (karim@lucioles.ca)") {
		t.Fatalf("the warning: %q", b.text.Text)
	}
}
