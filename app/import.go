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
}

// OK reports whether ImportCSV would take the file as it is.
func (c ImportCheck) OK() bool { return len(c.Problems) == 0 && len(c.Rows) > 0 }

// CheckImport reads an import file (role,email,name) and reports every
// line ImportCSV would refuse, with its line number, including e-mails
// already used by an account, without writing anything. A file that is
// too large, not text, or holds no account is refused whole, as by
// ImportCSV.
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
// lines role,email,name (a header line with those names is allowed). It is
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

// parseImport reads a whole import file and checks each line, creating
// nothing. A file that cannot be taken at all is an error; bad lines are
// in Problems (a line that is not CSV stops the reading, as does the
// MaxImportRows+1-th account).
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
	if !utf8.Valid(raw) {
		return check, &Error{Code: EINVALID, Reason: ReasonCSVInvalid, Detail: "not UTF-8 text"}
	}
	cr := csv.NewReader(bytes.NewReader(raw))
	cr.FieldsPerRecord = -1
	cr.TrimLeadingSpace = true
	cr.ReuseRecord = false
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
		if len(rec) == 1 && strings.TrimSpace(rec[0]) == "" {
			continue // blank line
		}
		first := strings.TrimSpace(strings.TrimPrefix(rec[0], "\ufeff"))
		if header {
			header = false
			if strings.EqualFold(first, "role") {
				continue
			}
		}
		if len(rec) != 3 {
			check.Problems = append(check.Problems, &Error{Code: EINVALID, Reason: ReasonCSVInvalid, Line: line,
				Detail: fmt.Sprintf("expected 3 columns (role,email,name), got %d", len(rec))})
			continue
		}
		if len(check.Rows)+len(check.Problems) >= MaxImportRows {
			check.Problems = append(check.Problems, &Error{Code: EINVALID, Reason: ReasonCSVTooLarge, Line: line,
				Detail: fmt.Sprintf("more than %d accounts", MaxImportRows)})
			break
		}
		role, err := ParseRole(first)
		if err != nil {
			problem(err, line)
			continue
		}
		// The password is made later (ImportCSV): a stand-in passes.
		n := NewUser{Role: role, Email: rec[1], Name: rec[2], Password: strings.Repeat("x", MinPasswordLen)}
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
