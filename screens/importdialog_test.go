package screens

import (
	"bytes"
	"context"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/test"

	apetitspas "github.com/apetitspas/apetitspas/app"
)

// openImport opens Utilisateurs → Importer; the file dialogs are replaced
// by the file given to pick.
func (h *harness) openImport(p *usersPage) *importDialog {
	h.t.Helper()
	test.Tap(p.importBtn)
	d := p.importing
	if d == nil {
		h.t.Fatal("Importer opened no dialog")
	}
	return d
}

func TestImportShowsEveryBadLineWithItsNumberBeforeWritingAnything(t *testing.T) {
	h := newHarness(t, withDaycare)
	p := h.openUsers()
	d := h.openImport(p)
	if !d.start.Disabled() {
		t.Fatal("nothing to import before a file is chosen")
	}
	before := h.events(apetitspas.EventUserCreated)
	d.load("parents.csv", []byte("role,email,name\nparent,a@parents.ca,Alice A\nchef,b@parents.ca,B\nparent,anne@parents.ca,Anne encore\nparent,pas-un-courriel,C\n"))
	if !d.start.Disabled() || !d.problems.Visible() {
		t.Fatal("a file with bad lines cannot be imported")
	}
	for _, want := range []string{"Ligne 3\u00a0: Rôle inconnu", "Ligne 4\u00a0: Un compte utilise déjà cette adresse", "Ligne 5\u00a0: Cette adresse courriel n'est pas valide"} {
		if !strings.Contains(d.problems.Text, want) {
			t.Errorf("the problems lack %q: %q", want, d.problems.Text)
		}
	}
	if !strings.Contains(d.summary.Text, "Lignes à corriger dans le fichier\u00a0: 3.") {
		t.Fatalf("summary = %q", d.summary.Text)
	}
	// The preview shows the good line.
	if len(d.preview.Objects) != 3 {
		t.Fatalf("preview of %d lines", len(d.preview.Objects)-2)
	}
	test.Tap(d.start)
	h.ui.wait()
	if h.events(apetitspas.EventUserCreated) != before || len(emails(p)) != 1 {
		t.Fatal("something was created from a refused file")
	}
	d.load("vide.csv", []byte("role,email,name\n"))
	if !strings.Contains(d.status.message.Text, "aucun compte") || !d.start.Disabled() {
		t.Fatalf("an empty file: %q", d.status.message.Text)
	}
}

func TestImportShowsAProgressBarThenThePasswordsOnceAndSavesThemAsCSV(t *testing.T) {
	h := newHarness(t, withDaycare)
	p := h.openUsers()
	d := h.openImport(p)
	var b strings.Builder
	b.WriteString("role,email,name\n")
	for i := 0; i < 8; i++ {
		fmt.Fprintf(&b, "parent,parent%d@parents.ca,Parent %d\n", i, i)
	}
	b.WriteString("parent,formule@parents.ca,=1+2\n")
	d.load(`C:\Users\direction\parents.csv`, []byte(b.String()))
	if d.start.Disabled() || d.start.Text != "Importer les comptes (9)" || d.problems.Visible() {
		t.Fatalf("a good file: %q, problems %q", d.start.Text, d.problems.Text)
	}
	if len(d.preview.Objects) != 2+importPreviewRows {
		t.Fatalf("preview of %d lines, want %d", len(d.preview.Objects)-2, importPreviewRows)
	}
	test.Tap(d.start)
	if !d.progress.Visible() || !d.start.Disabled() || !d.choose.Disabled() {
		t.Fatal("while the passwords are made, a progress bar shows and the buttons are off")
	}
	h.ui.wait()
	if len(d.created) != 9 || d.progress.Visible() {
		t.Fatalf("%d accounts shown: %q", len(d.created), d.status.message.Text)
	}
	if !strings.Contains(d.warning.Text, "ne seront plus jamais affichés") || !strings.Contains(d.warning.Text, "supprimez le fichier") {
		t.Fatalf("warning = %q", d.warning.Text)
	}
	var out bytes.Buffer
	if err := d.writeCSV(&out); err != nil {
		t.Fatal(err)
	}
	lines := strings.Split(strings.TrimSpace(out.String()), "\r\n")
	if len(lines) != 10 || lines[0] != "\ufeffrôle;courriel;nom;mot de passe temporaire" {
		t.Fatalf("CSV = %q", lines)
	}
	first := d.created[0]
	if lines[1] != "parent;"+first.User.Email+";"+first.User.Name+";"+first.TempPassword {
		t.Fatalf("line 1 = %q", lines[1])
	}
	if !strings.Contains(out.String(), ";'=1+2;") {
		t.Fatalf("a formula is not kept as text: %q", lines[9])
	}
	sess, err := h.svc.Login(context.Background(), first.User.Email, first.TempPassword)
	if err != nil || sess.Step() != apetitspas.StepNewPassword {
		t.Fatalf("the temporary password: %v", err)
	}
	test.Tap(d.close)
	if p.importing != nil || d.created != nil {
		t.Fatal("the passwords should be shown once")
	}
	if n := len(emails(p)); n != 10 || !strings.Contains(p.status.message.Text, "Comptes créés\u00a0: 9") {
		t.Fatalf("%d parents listed, %q", n, p.status.message.Text)
	}
}

func TestImportingAnAdministratorAsksForTheCode(t *testing.T) {
	h := newHarness(t, withEnrolledDirector)
	p := h.openUsers()
	h.staleCode()
	d := h.openImport(p)
	d.load("equipe.csv", []byte("admin,martin@lucioles.ca,Martin Gagnon\n"))
	if !d.code.Visible() || !strings.Contains(d.summary.Text, "Administrateurs parmi eux\u00a0: 1") {
		t.Fatalf("the code should be asked: %q", d.summary.Text)
	}
	test.Tap(d.start)
	h.ui.wait()
	if len(d.created) != 0 || !strings.Contains(d.status.message.Text, "code") {
		t.Fatalf("without the code: %q", d.status.message.Text)
	}
	h.typeInto(d.code, h.codeNow(h.secrets["elodie@lucioles.ca"]))
	h.win.Canvas().Focused().TypedKey(&fyne.KeyEvent{Name: fyne.KeyReturn})
	h.ui.wait()
	if len(d.created) != 1 || h.user("martin@lucioles.ca").Role != apetitspas.RoleAdmin {
		t.Fatalf("not imported: %q", d.status.message.Text)
	}
}

// What Excel in French (Canada) saves as "CSV (séparateur : point-virgule)":
// Windows-1252 (é = E9, · = B7, ô = F4), semicolons, French headers.
const frCAExcelFile = "R\xf4le;Courriel;Nom\r\n" +
	"parent;julie.tremblay@parents.ca;Julie Tremblay\r\n" +
	"Employ\xe9\xb7e;marc-andre@parents.ca;Marc-Andr\xe9 Roy\r\n" +
	";;\r\n"

func TestImportSaysHowAFrenchExcelFileWasReadAndImportsIt(t *testing.T) {
	h := newHarness(t, withDaycare)
	p := h.openUsers()
	d := h.openImport(p)
	if d.read.Visible() {
		t.Fatal("nothing is read before a file is chosen")
	}
	d.load("personnes.csv", []byte(frCAExcelFile))
	if want := "Fichier lu\u00a0: séparateur point-virgule, encodage Windows-1252, en-têtes en français."; d.read.Text != want || !d.read.Visible() {
		t.Fatalf("read = %q, want %q", d.read.Text, want)
	}
	if d.start.Disabled() || d.start.Text != "Importer les comptes (2)" || d.problems.Visible() {
		t.Fatalf("a good file: %q, problems %q", d.start.Text, d.problems.Text)
	}
	if len(d.preview.Objects) != 2+2 {
		t.Fatalf("preview of %d lines", len(d.preview.Objects)-2)
	}
	test.Tap(d.start)
	h.ui.wait()
	if len(d.created) != 2 {
		t.Fatalf("%d accounts created: %q", len(d.created), d.status.message.Text)
	}
	if u := h.user("marc-andre@parents.ca"); u.Name != "Marc-André Roy" || u.Role != apetitspas.RoleEmployee {
		t.Fatalf("marc-andre = %s %q", u.Role, u.Name)
	}
}

func TestImportNamesTheAcceptedRolesAndAHeaderLineWithoutItsColumns(t *testing.T) {
	h := newHarness(t, withDaycare)
	p := h.openUsers()
	d := h.openImport(p)
	d.load("equipe.csv", []byte("rôle,courriel,nom\nparent,a@parents.ca,A\néducatrice,b@parents.ca,B\n"))
	if want := "Ligne 3\u00a0: Rôle inconnu : utilisez parent, employé·e ou administrateur·trice (en anglais : parent, employee ou admin)."; d.problems.Text != want {
		t.Fatalf("problems = %q, want %q", d.problems.Text, want)
	}
	if want := "Fichier lu\u00a0: séparateur virgule, encodage UTF-8, en-têtes en français."; d.read.Text != want {
		t.Fatalf("read = %q", d.read.Text)
	}
	d.load("equipe.csv", []byte("\ufeffrôle;nom\nparent;A\n"))
	if !strings.HasPrefix(d.problems.Text, "Ligne 1\u00a0: La ligne d'en-tête doit nommer les trois colonnes") || !d.start.Disabled() {
		t.Fatalf("problems = %q", d.problems.Text)
	}
	if want := "Fichier lu\u00a0: séparateur point-virgule, encodage UTF-8 avec BOM."; d.read.Text != want {
		t.Fatalf("read = %q", d.read.Text)
	}
	d.load("classeur.xlsx", []byte("PK\x03\x04\x14\x00\x06\x00"))
	if !strings.Contains(d.status.message.Text, "n'est pas du texte CSV") || d.read.Visible() || !d.start.Disabled() {
		t.Fatalf("a spreadsheet: %q, read %q", d.status.message.Text, d.read.Text)
	}
}

func TestTheTemplateOfferedIsTheFrenchOneAndReadsBack(t *testing.T) {
	h := newHarness(t, withDaycare)
	p := h.openUsers()
	d := h.openImport(p)
	asked := false
	d.pickTemplate = func() { asked = true }
	test.Tap(d.template)
	if !asked {
		t.Fatal("the template button opens no save dialog")
	}
	// Saved where the system's dialog says.
	path := filepath.Join(t.TempDir(), "modele-comptes.csv")
	fake := useFakeFiles(t, path)
	d.saveTemplateDialog()
	h.ui.wait()
	b, err := os.ReadFile(path)
	if err != nil || !strings.HasPrefix(string(b), "\ufeffrôle;courriel;nom\r\n") || !strings.Contains(d.status.message.Text, "Modèle enregistré dans modele-comptes.csv") {
		t.Fatalf("template %q (%v), %q", b, err, d.status.message.Text)
	}
	if fake.asked != "save modele-comptes.csv .csv" {
		t.Fatalf("the system's dialog was asked %q", fake.asked)
	}
	d.load("modele-comptes.csv", b)
	if want := "Fichier lu\u00a0: séparateur point-virgule, encodage UTF-8 avec BOM, en-têtes en français."; d.read.Text != want {
		t.Fatalf("read = %q", d.read.Text)
	}
	if d.start.Text != "Importer les comptes (2)" {
		t.Fatalf("the template: %q %q", d.start.Text, d.problems.Text)
	}
}
