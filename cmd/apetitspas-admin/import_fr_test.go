package main

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// A file as Excel in French (Canada) saves "CSV (séparateur :
// point-virgule)": Windows-1252 (é = E9, · = B7, ô = F4), semicolons,
// French headers in another order.
func TestTheToolImportsAFrenchExcelFileAndSaysHowItWasRead(t *testing.T) {
	db := setupA(t)
	dir := t.TempDir()
	bad := filepath.Join(dir, "equipe.csv")
	os.WriteFile(bad, []byte("Nom;R\xf4le;Courriel\r\nAndr\xe9e L;parent;andree@cpe.ca\r\nB;\xe9ducatrice;b@cpe.ca\r\n"), 0o600)
	code, out, errs := runCLI(t, db, creds(""), "users", "import", "--csv", bad, "--by", "a@cpe.ca")
	if code != 1 || !strings.Contains(errs, "Fichier lu\u00a0: séparateur point-virgule, encodage Windows-1252, en-têtes en français.") ||
		!strings.Contains(errs, "Ligne 3") || !strings.Contains(errs, "employé·e ou administrateur·trice") {
		t.Fatalf("bad file: exit %d, out %q, err %q", code, out, errs)
	}
	if got := emails(t, db); len(got) != 1 {
		t.Fatalf("a refused import created accounts: %v", got)
	}
	good := filepath.Join(dir, "personnes.csv")
	os.WriteFile(good, []byte("Nom;R\xf4le;Courriel\r\nAndr\xe9e L;parent;andree@cpe.ca\r\n\"C\xf4t\xe9, Bruno\";Employ\xe9\xb7e;bruno@cpe.ca\r\n;;\r\n"), 0o600)
	out = must(t, db, creds(""), "users", "import", "--csv", good, "--by", "a@cpe.ca")
	if !strings.HasPrefix(out, "Fichier lu\u00a0: séparateur point-virgule, encodage Windows-1252, en-têtes en français.\n") ||
		!strings.Contains(out, "2 comptes créés") || !strings.Contains(out, "Côté, Bruno") || !strings.Contains(out, "Andrée L") {
		t.Fatalf("import: %q", out)
	}
	for _, u := range list(t, db) {
		if u.Email == "bruno@cpe.ca" && (u.Role != "employee" || u.Name != "Côté, Bruno") {
			t.Fatalf("bruno = %+v", u)
		}
	}
}
