package app

import (
	"bytes"
	"context"
	"encoding/csv"
	"errors"
	"fmt"
	"io"
	"runtime"
	"strings"
	"sync"
	"unicode/utf8"

	"golang.org/x/text/encoding/charmap"
	"golang.org/x/text/unicode/norm"
)

// ImportRow is one account line of an import file, checked.
type ImportRow struct {
	Line  int // in the file, from 1
	Role  Role
	Email string // normalized
	Name  string
}

// ImportCheck is what CheckImport found in an import file. Nothing is
// written.
type ImportCheck struct {
	// Rows are the good lines, in the file's order.
	Rows []ImportRow
	// Problems are the bad lines, in the file's order, each an *Error
	// with its Line (a malformed line stops the reading).
	Problems []*Error
	// Admins counts the lines creating an administrator: importing the
	// file is then a strong action (the administrator's own code).
	Admins int

	// How the file was read, for the preview to say it: Separator is
	// ";" or ","; Encoding is one of EncodingUTF8, EncodingUTF8BOM,
	// EncodingWindows1252; HeaderLanguage is one of HeadersFrench,
	// HeadersEnglish, HeadersMixed, HeadersNone.
	Separator      string
	Encoding       string
	HeaderLanguage string
}

// The encodings an import file is read in (ImportCheck.Encoding).
const (
	EncodingUTF8        = "utf-8"
	EncodingUTF8BOM     = "utf-8-bom" // UTF-8 after a byte-order mark, as Excel's "CSV UTF-8"
	EncodingWindows1252 = "windows-1252"
)

// The languages of an import file's header line (ImportCheck.HeaderLanguage).
const (
	HeadersFrench  = "fr"    // rôle, courriel, nom
	HeadersEnglish = "en"    // role, email, name
	HeadersMixed   = "mixed" // some of each
	HeadersNone    = "none"  // no header line: the columns are role, email, name in that order
)

// OK reports whether ImportCSV would take the file as it is.
func (c ImportCheck) OK() bool { return len(c.Problems) == 0 && len(c.Rows) > 0 }

// CheckImport reads an import file (rôle;courriel;nom or role,email,name,
// see parseImport) and reports every line ImportCSV would refuse, with
// its line number, including e-mails already used by an account, without
// writing anything. A file that is too large, not text, or holds no
// account is refused whole, as by ImportCSV.
func (s *Service) CheckImport(ctx context.Context, admin *Session, r io.Reader) (ImportCheck, error) {
	if err := s.requireAdmin(ctx, admin, "check import"); err != nil {
		return ImportCheck{}, err
	}
	return s.checkImport(ctx, r)
}

// CheckImportFile is CheckImport for the technician's tool, before any
// sign-in: the whole file is read and checked (and the e-mails already
// used) first, so a refused file costs the administrator no code. It
// writes nothing and journals nothing.
func (t *Trusted) CheckImportFile(ctx context.Context, r io.Reader) (ImportCheck, error) {
	return t.s.checkImport(ctx, r)
}

// checkImport parses r and looks up its e-mails (see CheckImport).
func (s *Service) checkImport(ctx context.Context, r io.Reader) (ImportCheck, error) {
	check, err := parseImport(r)
	if err != nil {
		return ImportCheck{}, err
	}
	err = s.view(ctx, func(tx Tx) error {
		kept := check.Rows[:0]
		for _, row := range check.Rows {
			_, err := tx.UserByEmail(row.Email)
			switch {
			case err == nil:
				check.Problems = append(check.Problems, &Error{Code: ECONFLICT, Reason: ReasonEmailTaken, Line: row.Line,
					Detail: row.Email + " already has an account"})
				continue
			case !errors.Is(err, ErrNotFound) && ErrorReason(err) != ReasonUserNotFound:
				return err
			}
			kept = append(kept, row)
		}
		check.Rows = kept
		return nil
	})
	if err != nil {
		return ImportCheck{}, err
	}
	sortProblems(check.Problems)
	check.Admins = 0
	for _, row := range check.Rows {
		if row.Role == RoleAdmin {
			check.Admins++
		}
	}
	return check, nil
}

// sortProblems orders problems by line (insertion sort: they are nearly
// in order already).
func sortProblems(ps []*Error) {
	for i := 1; i < len(ps); i++ {
		for j := i; j > 0 && ps[j].Line < ps[j-1].Line; j-- {
			ps[j], ps[j-1] = ps[j-1], ps[j]
		}
	}
}

// ImportCSV is an administrator creating many accounts at once from CSV
// lines rôle;courriel;nom or role,email,name (see parseImport). It is
// all-or-nothing, whatever the file's size: the first bad line stops
// everything, and its number is in the error; a file over MaxImportBytes
// is refused. Each account gets a temporary password that must be
// changed at first sign-in. A file creating an administrator makes it a
// strong action.
func (s *Service) ImportCSV(ctx context.Context, admin *Session, r io.Reader, adminCode string) ([]Imported, error) {
	return s.ImportCSVWithProgress(ctx, admin, r, adminCode, nil)
}

// ImportCSVWithProgress is ImportCSV telling progress while the passwords
// are hashed (the slow part: argon2id, on every core, before the one
// write transaction). progress, when not nil, is called with the number
// of passwords hashed so far and the total, one call at a time, done
// increasing, from the hashing goroutines. Cancelling ctx stops the
// hashing; nothing is written then.
func (s *Service) ImportCSVWithProgress(ctx context.Context, admin *Session, r io.Reader, adminCode string,
	progress func(done, total int)) ([]Imported, error) {
	check, err := parseImport(r)
	if err != nil {
		return nil, err
	}
	if len(check.Problems) > 0 {
		return nil, check.Problems[0]
	}
	rows := make([]NewUser, len(check.Rows))
	need := plain
	for i, row := range check.Rows {
		pw, err := TempPassword()
		if err != nil {
			return nil, &Error{Code: EINTERNAL, Reason: ReasonStorage, Err: err}
		}
		rows[i] = NewUser{Role: row.Role, Email: row.Email, Name: row.Name, Password: pw, MustChangePassword: true}
		if row.Role == RoleAdmin {
			need = strong
		}
	}
	// Credentials are checked before the slow hashing, and again (in the
	// write transaction) by asAdmin.
	if err := s.requireAdmin(ctx, admin, "import"); err != nil {
		return nil, err
	}
	hashes, err := s.hashAll(ctx, rows, progress)
	if err != nil {
		return nil, err
	}
	out := make([]Imported, len(rows))
	err = s.asAdmin(ctx, admin, "import", need, adminCode, func(tx Tx, a User, _ func() error) error {
		for i, n := range rows {
			u, err := s.insertUser(tx, a.Email, n, hashes[i], "import")
			if err != nil {
				return lineError(err, check.Rows[i].Line)
			}
			out[i] = Imported{User: u, TempPassword: n.Password}
		}
		return nil
	})
	if err != nil {
		return nil, err
	}
	return out, nil
}

// hashAll hashes the rows' passwords on runtime.NumCPU() workers.
func (s *Service) hashAll(ctx context.Context, rows []NewUser, progress func(done, total int)) ([]string, error) {
	hashes := make([]string, len(rows))
	errs := make([]error, len(rows))
	var (
		wg   sync.WaitGroup
		mu   sync.Mutex
		done int
	)
	next := make(chan int)
	for w := 0; w < min(runtime.NumCPU(), len(rows)); w++ {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for i := range next {
				hashes[i], errs[i] = HashPassword(rows[i].Password, s.argon2)
				if progress != nil {
					mu.Lock()
					done++
					progress(done, len(rows))
					mu.Unlock()
				}
			}
		}()
	}
	var cancelled error
feed:
	for i := range rows {
		select {
		case next <- i:
		case <-ctx.Done():
			cancelled = ctx.Err()
			break feed
		}
	}
	close(next)
	wg.Wait()
	if cancelled != nil {
		return nil, cancelled
	}
	if err := errors.Join(errs...); err != nil {
		return nil, &Error{Code: EINTERNAL, Reason: ReasonStorage, Err: err}
	}
	return hashes, nil
}

// The three columns of an import file, in the order of a file without a
// header line.
const (
	colRole = iota
	colEmail
	colName
	importColumns
)

// headerWords are the column names a header line may use, as foldWord
// leaves them with spaces and underscores also dropped ("E-mail" →
// "email", "Adresse courriel" → "adressecourriel"), each with its column
// and its language ("" for a word both languages write alike).
var headerWords = map[string]struct {
	col  int
	lang string
}{
	"role":            {colRole, ""}, // rôle is French, see headerWord
	"courriel":        {colEmail, HeadersFrench},
	"adressecourriel": {colEmail, HeadersFrench},
	"email":           {colEmail, HeadersEnglish},
	"mail":            {colEmail, HeadersEnglish},
	"nom":             {colName, HeadersFrench},
	"nomcomplet":      {colName, HeadersFrench},
	"name":            {colName, HeadersEnglish},
	"fullname":        {colName, HeadersEnglish},
}

var headerSpaces = strings.NewReplacer(" ", "", "_", "")

// headerWord tells which column a header cell names, and in which
// language; ok is false for a cell that is no column name.
func headerWord(cell string) (col int, lang string, ok bool) {
	w, found := headerWords[headerSpaces.Replace(foldWord(cell))]
	if !found {
		return 0, "", false
	}
	if w.col == colRole && strings.ContainsRune(strings.ToLower(norm.NFC.String(cell)), 'ô') {
		return colRole, HeadersFrench, true
	}
	return w.col, w.lang, true
}

// decodeImport turns an import file into UTF-8 text: valid UTF-8 (after a
// byte-order mark or not) is taken as it is, anything else is read as
// Windows-1252, what Excel in French writes for "CSV (séparateur :
// point-virgule)". A file with NUL bytes (UTF-16, a spreadsheet, a
// picture) or with bytes Windows-1252 does not define is not text.
func decodeImport(raw []byte) (text []byte, encoding string, err error) {
	notText := func(detail string) error {
		return &Error{Code: EINVALID, Reason: ReasonCSVEncoding, Detail: detail}
	}
	if bytes.IndexByte(raw, 0) >= 0 {
		return nil, "", notText("NUL bytes: not text (UTF-16 or a binary file)")
	}
	if rest, ok := bytes.CutPrefix(raw, []byte("\ufeff")); ok {
		if !utf8.Valid(rest) {
			return nil, "", notText("a UTF-8 byte-order mark, then bytes that are not UTF-8")
		}
		return rest, EncodingUTF8BOM, nil
	}
	if utf8.Valid(raw) {
		return raw, EncodingUTF8, nil
	}
	text, err = charmap.Windows1252.NewDecoder().Bytes(raw)
	if err != nil || bytes.ContainsRune(text, utf8.RuneError) {
		return nil, "", notText("neither UTF-8 nor Windows-1252")
	}
	return text, EncodingWindows1252, nil
}

// detectSeparator chooses the import file's separator from its first line
// that is not blank: a semicolon when it has more semicolons than commas
// outside quotes, otherwise a comma. So "rôle;courriel;nom" and
// "parent;a@cpe.ca;Côté, Bruno" are read with semicolons,
// "role,email,name" and "parent,a@cpe.ca,\"Côté; Bruno\"" with commas.
func detectSeparator(text []byte) rune {
	semicolons, commas := 0, 0
	quoted, blank := false, true
	for _, c := range text {
		switch {
		case c == '"':
			quoted, blank = !quoted, false
		case quoted:
		case c == '\n':
			if !blank {
				return separatorOf(semicolons, commas)
			}
		case c == ';':
			semicolons++
			blank = false
		case c == ',':
			commas++
			blank = false
		case c != ' ' && c != '\t' && c != '\r':
			blank = false
		}
	}
	return separatorOf(semicolons, commas)
}

func separatorOf(semicolons, commas int) rune {
	if semicolons > commas {
		return ';'
	}
	return ','
}

// trimCells drops the empty cells after the first n (a spreadsheet
// saves some) and reports whether every cell is empty (a blank row).
func trimCells(rec []string, n int) (trimmed []string, blank bool) {
	for len(rec) > n && strings.TrimSpace(rec[len(rec)-1]) == "" {
		rec = rec[:len(rec)-1]
	}
	for _, c := range rec {
		if strings.TrimSpace(c) != "" {
			return rec, false
		}
	}
	return rec, true
}

// readHeader reads a header line's cells into the column order (cols[i]
// is the cell of column i) and tells its language; ok is false when rec
// is not a header line: its first cell is no column name, and no two of
// its cells are (a name "Nom" on a line is still a line). A header line
// that does not name the three columns once each is an error.
func readHeader(rec []string) (cols [importColumns]int, language string, ok bool, err error) {
	named := 0
	for _, c := range rec {
		if _, _, is := headerWord(c); is {
			named++
		}
	}
	if _, _, first := headerWord(rec[0]); !first && named < 2 {
		return cols, "", false, nil
	}
	seen := [importColumns]bool{}
	langs := map[string]bool{}
	for i, c := range rec {
		col, lang, is := headerWord(c)
		switch {
		case !is:
			return cols, "", true, Errorf(EINVALID, ReasonCSVHeader, "unknown column %q", c)
		case seen[col]:
			return cols, "", true, Errorf(EINVALID, ReasonCSVHeader, "column %q twice", c)
		}
		seen[col], cols[col] = true, i
		if lang != "" {
			langs[lang] = true
		}
	}
	for col, names := range []string{"rôle/role", "courriel/email", "nom/name"} {
		if !seen[col] {
			return cols, "", true, Errorf(EINVALID, ReasonCSVHeader, "no column %s", names)
		}
	}
	switch {
	case langs[HeadersFrench] && langs[HeadersEnglish]:
		language = HeadersMixed
	case langs[HeadersEnglish]:
		language = HeadersEnglish
	default:
		language = HeadersFrench // rôle, courriel, nom; or role, courriel, nom
	}
	return cols, language, true, nil
}

// parseImport reads a whole import file and checks each line, creating
// nothing. A file that cannot be taken at all is an error; bad lines are
// in Problems (a line that is not CSV, or a header line that is not
// right, stops the reading, as does the MaxImportRows+1-th account).
//
// The file is what Excel in French writes as well as what a script
// writes: UTF-8 (after a byte-order mark or not) or Windows-1252 (see
// decodeImport); semicolons or commas (see detectSeparator); an optional
// header line naming the three columns in any order, in French or in
// English (rôle, courriel, nom; role, email, name; in any case, with or
// without accents), without it the columns are role, email, name in that
// order; roles in French or in English (see ParseRole). Empty cells after
// the third and rows of empty cells, which spreadsheets write, are
// ignored.
func parseImport(r io.Reader) (ImportCheck, error) {
	var check ImportCheck
	raw, err := io.ReadAll(io.LimitReader(r, MaxImportBytes+1))
	if err != nil {
		return check, &Error{Code: EINVALID, Reason: ReasonCSVInvalid, Err: err}
	}
	if len(raw) > MaxImportBytes {
		return check, &Error{Code: EINVALID, Reason: ReasonCSVTooLarge,
			Detail: fmt.Sprintf("more than %d bytes", MaxImportBytes)}
	}
	text, encoding, err := decodeImport(raw)
	if err != nil {
		return check, err
	}
	sep := detectSeparator(text)
	check.Separator, check.Encoding, check.HeaderLanguage = string(sep), encoding, HeadersNone
	cr := csv.NewReader(bytes.NewReader(text))
	cr.Comma = sep
	cr.FieldsPerRecord = -1
	cr.TrimLeadingSpace = true
	cr.ReuseRecord = false
	cols := [importColumns]int{colRole, colEmail, colName}
	seen := map[string]int{}
	header := true
	problem := func(err error, line int) {
		var e *Error
		if !errors.As(lineError(err, line), &e) {
			e = &Error{Code: EINVALID, Reason: ReasonCSVInvalid, Line: line, Err: err}
		}
		check.Problems = append(check.Problems, e)
	}
	for {
		rec, err := cr.Read()
		if errors.Is(err, io.EOF) {
			break
		}
		if err != nil {
			line := 0
			var pe *csv.ParseError
			if errors.As(err, &pe) {
				line = pe.Line
			}
			check.Problems = append(check.Problems, &Error{Code: EINVALID, Reason: ReasonCSVInvalid, Line: line, Err: err})
			break
		}
		line, _ := cr.FieldPos(0)
		rec[0] = strings.TrimPrefix(rec[0], "\ufeff")
		rec, blank := trimCells(rec, importColumns)
		if blank {
			continue // a blank line, or a row of empty cells
		}
		if header {
			header = false
			c, language, is, err := readHeader(rec)
			if err != nil {
				check.HeaderLanguage = ""
				problem(err, line)
				break // the columns are unknown: no line can be read
			}
			if is {
				cols, check.HeaderLanguage = c, language
				continue
			}
		}
		if len(rec) != importColumns {
			check.Problems = append(check.Problems, &Error{Code: EINVALID, Reason: ReasonCSVInvalid, Line: line,
				Detail: fmt.Sprintf("expected 3 columns (role,email,name), got %d", len(rec))})
			continue
		}
		if len(check.Rows)+len(check.Problems) >= MaxImportRows {
			check.Problems = append(check.Problems, &Error{Code: EINVALID, Reason: ReasonCSVTooLarge, Line: line,
				Detail: fmt.Sprintf("more than %d accounts", MaxImportRows)})
			break
		}
		role, err := ParseRole(rec[cols[colRole]])
		if err != nil {
			problem(err, line)
			continue
		}
		// The password is made later (ImportCSV): a stand-in passes.
		n := NewUser{Role: role, Email: rec[cols[colEmail]], Name: rec[cols[colName]], Password: strings.Repeat("x", MinPasswordLen)}
		if err := n.validate(); err != nil {
			problem(err, line)
			continue
		}
		if prev, dup := seen[n.Email]; dup {
			check.Problems = append(check.Problems, &Error{Code: ECONFLICT, Reason: ReasonEmailTaken, Line: line,
				Detail: fmt.Sprintf("%s already on line %d", n.Email, prev)})
			continue
		}
		seen[n.Email] = line
		check.Rows = append(check.Rows, ImportRow{Line: line, Role: role, Email: n.Email, Name: n.Name})
	}
	if len(check.Rows) == 0 && len(check.Problems) == 0 {
		return check, &Error{Code: EINVALID, Reason: ReasonCSVEmpty}
	}
	return check, nil
}

// ImportTemplate is the import file offered to fill in: French headers,
// French roles, two example lines.
//
// It is UTF-8 with a byte-order mark, semicolons and CRLF line ends:
// Excel in French (Canada), double-clicked, splits a CSV file on the list
// separator of Windows, a semicolon where the decimal separator is a
// comma, and reads UTF-8 only after a byte-order mark (without it, it
// takes the ANSI code page and "rôle" shows as "rÃ´le"). "sep=;" on a
// first line would also fix the separator, but Excel then ignores the
// byte-order mark. Saved again by Excel as "CSV (séparateur :
// point-virgule)" it becomes Windows-1252 with semicolons, or with "CSV
// UTF-8" UTF-8 with a byte-order mark: parseImport reads both.
func ImportTemplate() []byte {
	return []byte("\ufeffrôle;courriel;nom\r\n" +
		"parent;julie.tremblay@exemple.ca;Julie Tremblay\r\n" +
		"employé·e;marc-andre.roy@exemple.ca;Marc-André Roy\r\n")
}
