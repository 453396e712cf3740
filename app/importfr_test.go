package app_test

import (
	"bytes"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"golang.org/x/text/encoding/charmap"

	"github.com/apetitspas/apetitspas/app"
)

// frCAExcel is what Excel in French (Canada) writes for "CSV (séparateur :
// point-virgule)": Windows-1252 bytes (é = E9, ô = F4, · = B7), semicolons,
// CRLF, French headers, and a row of empty cells where a row was cleared.
const frCAExcel = "R\xf4le;Courriel;Nom\r\n" +
	"parent;julie.tremblay@cpe.ca;Julie Tremblay\r\n" +
	"Employ\xe9\xb7e;marc-andre.roy@cpe.ca;Marc-Andr\xe9 Roy\r\n" +
	"employ\xe9e;helene@cpe.ca;\"H\xe9l\xe8ne B\xe9langer; fille\"\r\n" +
	";;\r\n"

// Written only with what main already had (CheckImport, ImportCSV), so it
// shows the defect there: the file was refused as "not UTF-8 text".
func TestAFrenchExcelFileWithSemicolonsInWindows1252IsImported(t *testing.T) {
	e := newEnv(t)
	admin, _ := e.mfaAdmin("admin@cpe.ca")
	path := filepath.Join(t.TempDir(), "personnes.csv")
	if err := os.WriteFile(path, []byte(frCAExcel), 0o600); err != nil {
		t.Fatal(err)
	}
	open := func() *os.File {
		f, err := os.Open(path)
		if err != nil {
			t.Fatal(err)
		}
		t.Cleanup(func() { f.Close() })
		return f
	}
	check, err := e.svc.CheckImport(e.ctx, admin, open())
	if err != nil || !check.OK() || len(check.Rows) != 3 {
		t.Fatalf("check: %+v %v", check, err)
	}
	if _, err := e.svc.ImportCSV(e.ctx, admin, open(), ""); err != nil {
		t.Fatal(err)
	}
	for email, want := range map[string]app.User{
		"julie.tremblay@cpe.ca": {Role: app.RoleParent, Name: "Julie Tremblay"},
		"marc-andre.roy@cpe.ca": {Role: app.RoleEmployee, Name: "Marc-André Roy"},
		"helene@cpe.ca":         {Role: app.RoleEmployee, Name: "Hélène Bélanger; fille"},
	} {
		if u := e.user(email); u.Role != want.Role || u.Name != want.Name {
			t.Errorf("%s = %s %q, want %s %q", email, u.Role, u.Name, want.Role, want.Name)
		}
	}
}

// Every header line (none, English, French, mixed, any order, any case,
// spaces around), both separators, three encodings, every spelling of the
// roles.
func TestAnImportFileIsReadWithAnyHeadersSeparatorAndEncoding(t *testing.T) {
	const (
		role, email, name = 0, 1, 2
	)
	headers := []struct {
		line  string // the columns joined by "|", "" for no header line
		lang  string
		order [3]int // which column comes first, second, third
	}{
		{"", app.HeadersNone, [3]int{role, email, name}},
		{"role|email|name", app.HeadersEnglish, [3]int{role, email, name}},
		{"rôle|courriel|nom", app.HeadersFrench, [3]int{role, email, name}},
		{" Rôle | COURRIEL | Nom ", app.HeadersFrench, [3]int{role, email, name}},
		{"ROLE|Courriel|NOM", app.HeadersFrench, [3]int{role, email, name}},
		{"nom|rôle|courriel", app.HeadersFrench, [3]int{name, role, email}},
		{"courriel|nom|RÔLE", app.HeadersFrench, [3]int{email, name, role}},
		{"Name|E-mail|Role", app.HeadersEnglish, [3]int{name, email, role}},
		{"role|e-mail|name", app.HeadersEnglish, [3]int{role, email, name}},
		{"rôle|email|nom", app.HeadersMixed, [3]int{role, email, name}},
		{"Rôle|Adresse courriel|Nom complet", app.HeadersFrench, [3]int{role, email, name}},
	}
	roles := []struct {
		word string
		want app.Role
	}{
		{"parent", app.RoleParent}, {"Parent", app.RoleParent}, {" PARENT ", app.RoleParent},
		{"employé·e", app.RoleEmployee}, {"Employé·e", app.RoleEmployee}, {"EMPLOYÉ·E", app.RoleEmployee},
		{"employé", app.RoleEmployee}, {"employée", app.RoleEmployee}, {"employe", app.RoleEmployee},
		{"Employée", app.RoleEmployee}, {"employé(e)", app.RoleEmployee}, {"employé-e", app.RoleEmployee},
		{"employee", app.RoleEmployee}, {"Employee", app.RoleEmployee},
		{"administrateur·trice", app.RoleAdmin}, {"Administrateur·trice", app.RoleAdmin},
		{"administrateur", app.RoleAdmin}, {"administratrice", app.RoleAdmin}, {"ADMINISTRATRICE", app.RoleAdmin},
		{"administrateur·rice", app.RoleAdmin}, {"admin", app.RoleAdmin}, {"Admin", app.RoleAdmin},
	}
	encodings := []struct {
		name string
		want string
		enc  func(t *testing.T, s string) []byte
	}{
		{"UTF-8", app.EncodingUTF8, func(t *testing.T, s string) []byte { return []byte(s) }},
		{"UTF-8 with BOM", app.EncodingUTF8BOM, func(t *testing.T, s string) []byte { return []byte("\ufeff" + s) }},
		{"Windows-1252", app.EncodingWindows1252, func(t *testing.T, s string) []byte {
			b, err := charmap.Windows1252.NewEncoder().Bytes([]byte(s))
			if err != nil {
				t.Fatal(err)
			}
			return b
		}},
	}
	for _, h := range headers {
		for _, sep := range []string{";", ","} {
			for _, enc := range encodings {
				t.Run(fmt.Sprintf("%q %s %s", h.line, sep, enc.name), func(t *testing.T) {
					other := map[string]string{";": ",", ",": ";"}[sep]
					var b strings.Builder
					if h.line != "" {
						b.WriteString(strings.ReplaceAll(h.line, "|", sep) + "\r\n")
					}
					type want struct {
						role        app.Role
						email, name string
					}
					var wants []want
					for i, r := range roles {
						cells := [3]string{r.word, fmt.Sprintf("p%02d@cpe.ca", i), fmt.Sprintf("Hélène Côté %02d", i)}
						if i == 3 { // a quoted name holding the other separator, and a quote
							cells[name] = `"Côté` + other + ` ""Bruno"""`
						}
						for j, col := range h.order {
							if j > 0 {
								b.WriteString(sep)
							}
							b.WriteString(cells[col])
						}
						b.WriteString("\r\n")
						n := cells[name]
						if i == 3 {
							n = `Côté` + other + ` "Bruno"`
						}
						wants = append(wants, want{r.want, cells[email], n})
					}
					check, err := app.ParseImportCheck(bytes.NewReader(enc.enc(t, b.String())))
					if err != nil || len(check.Problems) > 0 {
						t.Fatalf("%v %v\n%s", err, check.Problems, b.String())
					}
					if check.Separator != sep || check.Encoding != enc.want || check.HeaderLanguage != h.lang {
						t.Fatalf("read with %q, %s, headers %q; want %q, %s, %q", check.Separator, check.Encoding, check.HeaderLanguage, sep, enc.want, h.lang)
					}
					if len(check.Rows) != len(wants) {
						t.Fatalf("%d rows, want %d", len(check.Rows), len(wants))
					}
					for i, w := range wants {
						r := check.Rows[i]
						if r.Role != w.role || r.Email != w.email || r.Name != w.name || r.Line != i+1+min(len(h.line), 1) {
							t.Errorf("row %d = %+v, want %+v", i, r, w)
						}
					}
				})
			}
		}
	}
}

func TestRealWindows1252AndBOMFilesAreRead(t *testing.T) {
	for _, c := range []struct {
		name, bytes, encoding, sep, lang string
	}{
		// Windows-1252: é = E9, è = E8, · = B7, ô = F4; CRLF.
		{"Windows-1252", "r\xf4le;courriel;nom\r\nemploy\xe9\xb7e;h@cpe.ca;H\xe9l\xe8ne B\xe9langer\r\n", app.EncodingWindows1252, ";", app.HeadersFrench},
		// UTF-8 after EF BB BF: é = C3 A9.
		{"UTF-8 with BOM", "\xef\xbb\xbfr\xc3\xb4le;courriel;nom\r\nemploy\xc3\xa9\xc2\xb7e;h@cpe.ca;H\xc3\xa9l\xc3\xa8ne B\xc3\xa9langer\r\n", app.EncodingUTF8BOM, ";", app.HeadersFrench},
		{"UTF-8 without BOM", "role,email,name\nemployee,h@cpe.ca,H\xc3\xa9l\xc3\xa8ne B\xc3\xa9langer\n", app.EncodingUTF8, ",", app.HeadersEnglish},
	} {
		t.Run(c.name, func(t *testing.T) {
			path := filepath.Join(t.TempDir(), "f.csv")
			if err := os.WriteFile(path, []byte(c.bytes), 0o600); err != nil {
				t.Fatal(err)
			}
			f, err := os.Open(path)
			if err != nil {
				t.Fatal(err)
			}
			defer f.Close()
			check, err := app.ParseImportCheck(f)
			if err != nil || len(check.Problems) > 0 || len(check.Rows) != 1 {
				t.Fatalf("%+v %v", check, err)
			}
			if r := check.Rows[0]; r.Name != "Hélène Bélanger" || r.Role != app.RoleEmployee || r.Line != 2 {
				t.Fatalf("row = %+v", r)
			}
			if check.Encoding != c.encoding || check.Separator != c.sep || check.HeaderLanguage != c.lang {
				t.Fatalf("read as %s %q %s", check.Encoding, check.Separator, check.HeaderLanguage)
			}
		})
	}
}

func TestTheSeparatorIsTheOneTheFirstLineUsesOutsideQuotes(t *testing.T) {
	for _, c := range []struct{ file, sep, name string }{
		{"parent;a@cpe.ca;Côté, Bruno\n", ";", "Côté, Bruno"},
		{"parent,a@cpe.ca,\"Côté; Bruno\"\n", ",", "Côté; Bruno"},
		{"\n  \n\"rôle\";\"courriel\";\"nom\"\nparent;a@cpe.ca;\"Côté, Bruno, fils\"\n", ";", "Côté, Bruno, fils"},
		{"\"nom, complet\",courriel,rôle\n", ",", ""}, // a header with a quoted comma: still commas
		{"parent,a@cpe.ca,A\n", ",", "A"},
	} {
		check, _ := app.ParseImportCheck(strings.NewReader(c.file))
		if check.Separator != c.sep {
			t.Errorf("%q: separator %q, want %q", c.file, check.Separator, c.sep)
		}
		if c.name != "" && (len(check.Rows) != 1 || check.Rows[0].Name != c.name) {
			t.Errorf("%q: rows %+v, problems %v", c.file, check.Rows, check.Problems)
		}
	}
}

func TestBadImportFilesAreRefusedWithTheirLineAndReason(t *testing.T) {
	for _, c := range []struct {
		name, file string
		line       int    // of the first problem; 0 for a file refused whole
		reason     string // of the first problem, or of the refusal
	}{
		{"an unknown role in French", "rôle;courriel;nom\nparent;a@cpe.ca;A\néducatrice;b@cpe.ca;B\n", 3, app.ReasonRoleInvalid},
		{"a header without courriel", "rôle;nom\nparent;A\n", 1, app.ReasonCSVHeader},
		{"a header with an unknown column", "rôle;courriel;nom;téléphone\nparent;a@cpe.ca;A;555\n", 1, app.ReasonCSVHeader},
		{"a header naming a column twice", "rôle;courriel;e-mail\n", 1, app.ReasonCSVHeader},
		{"a header after blank lines", "\n;;\nnom;courriel\n", 3, app.ReasonCSVHeader},
		{"two columns with semicolons", "rôle;courriel;nom\nparent;a@cpe.ca\n", 2, app.ReasonCSVInvalid},
		{"four filled columns", "parent;a@cpe.ca;A;B\n", 1, app.ReasonCSVInvalid},
		{"a bad e-mail", "rôle;courriel;nom\r\nparent;pas-un-courriel;A\r\n", 2, app.ReasonEmailInvalid},
		{"a control character in Windows-1252", "parent;a@cpe.ca;A\x1b[2J\n", 1, app.ReasonNameInvalid},
		{"UTF-16 (Excel's Unicode text)", "\xff\xfer\x00\xf4\x00l\x00e\x00", 0, app.ReasonCSVEncoding},
		{"NUL bytes", "parent,a@cpe.ca,A\x00\n", 0, app.ReasonCSVEncoding},
		{"a byte Windows-1252 does not define", "parent;a@cpe.ca;A\x81\n", 0, app.ReasonCSVEncoding},
		{"a UTF-8 BOM then Windows-1252", "\xef\xbb\xbfparent;a@cpe.ca;H\xe9l\xe8ne\n", 0, app.ReasonCSVEncoding},
		{"only a French header", "\xef\xbb\xbfrôle;courriel;nom\r\n;;\r\n", 0, app.ReasonCSVEmpty},
	} {
		t.Run(c.name, func(t *testing.T) {
			check, err := app.ParseImportCheck(strings.NewReader(c.file))
			if c.line == 0 {
				wantReason(t, err, c.reason)
				return
			}
			if err != nil || len(check.Problems) == 0 {
				t.Fatalf("%+v %v", check, err)
			}
			if p := check.Problems[0]; p.Line != c.line || p.Reason != c.reason {
				t.Fatalf("first problem: line %d %s (%v), want line %d %s", p.Line, p.Reason, p, c.line, c.reason)
			}
		})
	}
}

// Today's English files read exactly as before.
func TestEnglishFilesReadAsBefore(t *testing.T) {
	for _, c := range []struct {
		file string
		rows int
		lang string
	}{
		{"role,email,name\nparent,a@cpe.ca,Anne A\nemployee,b@cpe.ca,\"Côté, Bruno\"\n", 2, app.HeadersEnglish},
		{"\ufeffrole,email,name\r\nadmin,b@cpe.ca,B\r\n", 1, app.HeadersEnglish},
		{"parent,a@cpe.ca,A\n\nadmin,b@cpe.ca,B\n", 2, app.HeadersNone},
		{"ROLE, email, name\nparent, a@cpe.ca, A\n", 1, app.HeadersEnglish},
	} {
		check, err := app.ParseImportCheck(strings.NewReader(c.file))
		if err != nil || len(check.Problems) > 0 || len(check.Rows) != c.rows || check.Separator != "," || check.HeaderLanguage != c.lang {
			t.Errorf("%q: %+v %v", c.file, check, err)
		}
	}
	// An empty name is still an empty name, not a missing column.
	check, _ := app.ParseImportCheck(strings.NewReader("parent,a@cpe.ca,\n"))
	if len(check.Problems) != 1 || check.Problems[0].Reason != app.ReasonNameRequired {
		t.Fatalf("an empty name: %v", check.Problems)
	}
}

func TestTheTemplateIsFrenchAndReadsBack(t *testing.T) {
	tpl := app.ImportTemplate()
	if !bytes.HasPrefix(tpl, []byte("\xef\xbb\xbfrôle;courriel;nom\r\n")) || !bytes.Contains(tpl, []byte("employé·e;")) {
		t.Fatalf("template = %q", tpl)
	}
	check, err := app.ParseImportCheck(bytes.NewReader(tpl))
	if err != nil || len(check.Problems) > 0 || len(check.Rows) != 2 {
		t.Fatalf("%+v %v", check, err)
	}
	if check.Separator != ";" || check.Encoding != app.EncodingUTF8BOM || check.HeaderLanguage != app.HeadersFrench {
		t.Fatalf("read as %+v", check)
	}
	// Saved again by Excel as "CSV (séparateur : point-virgule)".
	b, err := charmap.Windows1252.NewEncoder().Bytes(bytes.TrimPrefix(tpl, []byte("\xef\xbb\xbf")))
	if err != nil {
		t.Fatal(err)
	}
	again, err := app.ParseImportCheck(bytes.NewReader(b))
	if err != nil || len(again.Rows) != 2 || again.Rows[1] != check.Rows[1] || again.Encoding != app.EncodingWindows1252 {
		t.Fatalf("%+v %v", again, err)
	}
}

func TestParseRoleTakesFrenchAndEnglishWords(t *testing.T) {
	for in, want := range map[string]app.Role{
		"parent": app.RoleParent, " Parent ": app.RoleParent, "employee": app.RoleEmployee, "employé·e": app.RoleEmployee,
		"Employée": app.RoleEmployee, "EMPLOYE": app.RoleEmployee, "admin": app.RoleAdmin, "administrateur·trice": app.RoleAdmin,
		"Administratrice": app.RoleAdmin, "administrateur": app.RoleAdmin, "\u00a0admin\u00a0": app.RoleAdmin,
	} {
		if got, err := app.ParseRole(in); err != nil || got != want {
			t.Errorf("ParseRole(%q) = %q, %v", in, got, err)
		}
	}
	for _, in := range []string{"", "chef", "éducatrice", "par ent", "employés", "administrateurs", "adm", strings.Repeat("admin", 20)} {
		if _, err := app.ParseRole(in); app.ErrorReason(err) != app.ReasonRoleInvalid {
			t.Errorf("ParseRole(%q): %v", in, err)
		}
	}
}
