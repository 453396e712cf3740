package main

import (
	"database/sql"
	"encoding/json"
	"sort"
	"strings"
	"testing"
)

type verified struct {
	OK              bool     `json:"ok"`
	JournalRows     int      `json:"journal_rows"`
	JournalBreaks   []int64  `json:"journal_breaks"`
	TailCut         bool     `json:"tail_cut"`
	Accounts        []string `json:"accounts"`
	Missing         []string `json:"missing"`
	SettingsChanged bool     `json:"settings_changed"`
	Unsealed        bool     `json:"unsealed"`
	KeyProblem      string   `json:"key_problem"`
}

func verify(t *testing.T, db string) (int, verified, map[string]any) {
	t.Helper()
	code, out, errs := runCLI(t, db, "", "audit", "verify", "--json")
	var v verified
	var raw map[string]any
	if err := json.Unmarshal([]byte(out), &v); err != nil {
		t.Fatalf("audit verify --json: %v\n%s%s", err, out, errs)
	}
	json.Unmarshal([]byte(out), &raw)
	return code, v, raw
}

// sqlExec edits the database file behind the application's back.
func sqlExec(t *testing.T, db, query string, args ...any) {
	t.Helper()
	raw, err := sql.Open("sqlite3", db)
	if err != nil {
		t.Fatal(err)
	}
	defer raw.Close()
	if _, err := raw.Exec(query, args...); err != nil {
		t.Fatalf("%s: %v", query, err)
	}
}

func TestAuditVerifyOnAFreshDatabase(t *testing.T) {
	code, v, _ := verify(t, newDB(t))
	if code != 0 || !v.OK {
		t.Fatalf("empty database: %d %+v", code, v)
	}
	db, _, _ := daycare(t)
	code, v, raw := verify(t, db)
	if code != 0 || !v.OK || v.JournalRows == 0 || len(v.JournalBreaks) != 0 || len(v.Accounts) != 0 || v.TailCut || v.KeyProblem != "" {
		t.Fatalf("fresh daycare: %d %+v", code, v)
	}
	var keys []string
	for k := range raw {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	for _, k := range []string{"accounts", "missing", "journal_breaks", "journal_rows", "key_problem", "ok", "settings_changed", "tail_cut", "unsealed", "sealed_at"} {
		if _, ok := raw[k]; !ok {
			t.Errorf("audit verify --json has no %q (keys %v)", k, keys)
		}
	}
	if raw["journal_breaks"] == nil || raw["accounts"] == nil || raw["missing"] == nil {
		t.Fatalf("empty lists must be [] not null: %v", raw)
	}
	code, out, _ := runCLI(t, db, "", "audit", "verify")
	if code != 0 || !strings.Contains(out, "Tout est intact") || !strings.Contains(out, "lignes vérifiées") {
		t.Fatalf("text: %d %q", code, out)
	}
	code, out, _ = runCLI(t, db, "", "--lang", "en", "audit", "verify")
	if code != 0 || !strings.Contains(out, "Everything is intact") {
		t.Fatalf("English: %d %q", code, out)
	}
}

func TestAuditVerifyFindsAnAccountChangedInTheFile(t *testing.T) {
	db, _, secretA := daycare(t)
	sqlExec(t, db, `UPDATE users SET role = 'admin' WHERE email = 'p@cpe.ca'`)

	code, v, _ := verify(t, db)
	if code != 1 || v.OK || len(v.Accounts) != 1 || v.Accounts[0] != "p@cpe.ca" {
		t.Fatalf("after UPDATE users: %d %+v", code, v)
	}
	code, out, _ := runCLI(t, db, "", "audit", "verify")
	if code != 1 || !strings.Contains(out, "Comptes modifiés en dehors d'À petits pas : p@cpe.ca") || !strings.Contains(out, "Attention") {
		t.Fatalf("text: %d %q", code, out)
	}
	if u := find(t, db, "p@cpe.ca"); !u.Tampered {
		t.Fatalf("users list: %+v", u)
	}
	if st := status(t, db, "p@cpe.ca"); st["tampered"] != true {
		t.Fatalf("mfa status: %v", st)
	}
	if !auditHas(t, db, "account.tampered", "p@cpe.ca") {
		t.Fatal("account.tampered not journaled")
	}

	// Only an account changed outside the app is resealed.
	if code, _, errs := runCLI(t, db, creds(codeFor(t, secretA)), "users", "reseal", "--email", "k@cpe.ca", "--by", "a@cpe.ca"); code != 1 || !strings.Contains(errs, "rien à rétablir") {
		t.Fatalf("reseal of an intact account: %d %q", code, errs)
	}
	// Reseal: a strong action, by another administrator with her code.
	if code, _, errs := runCLI(t, db, creds(""), "users", "reseal", "--email", "p@cpe.ca", "--by", "b@cpe.ca"); code != 1 || !strings.Contains(errs, "votre propre connexion multi-facteurs") {
		t.Fatalf("reseal by b (MFA off): %d %q", code, errs)
	}
	out = must(t, db, creds(codeFor(t, secretA)), "users", "reseal", "--email", "p@cpe.ca", "--by", "a@cpe.ca")
	if !strings.Contains(out, "p@cpe.ca (rôle : admin") || !strings.Contains(out, "première connexion") {
		t.Fatalf("reseal: %q", out)
	}
	if u := find(t, db, "p@cpe.ca"); u.Tampered || u.Role != "admin" {
		t.Fatalf("after reseal: %+v", u)
	}
	// The account is fine now, but what happened stays on record until an
	// administrator acknowledges it.
	if code, v, _ = verify(t, db); code != 1 || len(v.Accounts) != 0 {
		t.Fatalf("after reseal: %d %+v", code, v)
	}
	must(t, db, creds(codeFor(t, secretA)), "audit", "acknowledge", "--by", "a@cpe.ca")
	if code, v, _ = verify(t, db); code != 0 || !v.OK {
		t.Fatalf("after acknowledge: %d %+v", code, v)
	}
}

func TestAuditVerifyFindsAForgedJournalRow(t *testing.T) {
	db, _, _ := daycare(t)
	if code, _, _ := verify(t, db); code != 0 {
		t.Fatal("not intact before the edit")
	}
	sqlExec(t, db, `INSERT INTO audit (time, event, actor, target, detail) VALUES (0, 'user.created', 'a@cpe.ca', 'x@cpe.ca', 'role=admin')`)
	code, v, _ := verify(t, db)
	if code != 1 || v.OK || (len(v.JournalBreaks) == 0 && !v.TailCut) {
		t.Fatalf("forged row: %d %+v", code, v)
	}
	_, out, _ := runCLI(t, db, "", "audit", "verify")
	if !strings.Contains(out, "Lignes du journal modifiées") && !strings.Contains(out, "supprimées à la fin") {
		t.Fatalf("text: %q", out)
	}
}

func TestAuditVerifyFindsDeletedAccountsAndSetupStaysClosed(t *testing.T) {
	db, _, _ := daycare(t)
	sqlExec(t, db, `DELETE FROM users`)
	code, v, _ := verify(t, db)
	if code != 1 || v.OK || len(v.Missing) != 4 {
		t.Fatalf("after DELETE FROM users: %d %+v", code, v)
	}
	_, out, _ := runCLI(t, db, "", "audit", "verify")
	if !strings.Contains(out, "Comptes supprimés du fichier") || !strings.Contains(out, "p@cpe.ca") {
		t.Fatalf("text: %q", out)
	}
	// No administrator left, but the database is not new: setup refuses.
	code, _, errs := runCLI(t, db, pw+"\n", "setup", "--daycare", "Pirate", "--email", "pirate@cpe.ca", "--name", "Pirate")
	if code != 1 || len(emails(t, db)) != 0 {
		t.Fatalf("setup after the accounts were deleted: %d %q", code, errs)
	}
}

// Every MAC and the marker stripped, the director's AMF turned off: the
// file is sealed again on the next open, and audit verify keeps failing
// (sealed_at) until an administrator acknowledges it.
func TestAuditVerifyReportsAFileWhoseSealsWereStripped(t *testing.T) {
	db, _, secretA := daycare(t)
	for _, q := range []string{"DROP TRIGGER audit_no_update", "UPDATE audit SET mac = NULL", "UPDATE users SET mac = NULL",
		"UPDATE users SET mfa = 'off', mfa_secret = NULL WHERE email = 'b@cpe.ca'",
		"DELETE FROM settings WHERE key IN ('integrity_sealed_at', 'audit_head', 'settings_mac', 'integrity_acknowledged')"} {
		sqlExec(t, db, q)
	}
	for i := 0; i < 2; i++ {
		code, _, raw := verify(t, db)
		if code != 1 || raw["ok"] != false || raw["sealed_at"] == "" || raw["sealed_at"] == nil {
			t.Fatalf("stripped seals, run %d: %d %v", i, code, raw)
		}
	}
	_, out, _ := runCLI(t, db, "", "audit", "verify")
	if !strings.Contains(out, "Sceaux posés sur une garderie existante") || !strings.Contains(out, "b@cpe.ca (AMF off)") || !strings.Contains(out, "a@cpe.ca (AMF on)") {
		t.Fatalf("text: %q", out)
	}
	must(t, db, creds(codeFor(t, secretA)), "audit", "acknowledge", "--by", "a@cpe.ca")
	if code, _, raw := verify(t, db); code != 0 || raw["sealed_at"] != "" {
		t.Fatalf("after acknowledge: %d %v", code, raw)
	}
}

// Issue 15: an older copy of an administrator's row put back with sqlite3
// (her AMF off, from before she enrolled): the tool refuses her, audit
// verify exits 1 and names her as older than the state root; when the
// root itself is removed, every account is refused with the sentence that
// sends the technician to audit acknowledge --break-glass.
func TestAuditVerifyNamesAnOlderRowAndTheToolRefusesIt(t *testing.T) {
	db, svc, secretA := daycare(t)
	raw, err := sql.Open("sqlite3", db)
	if err != nil {
		t.Fatal(err)
	}
	defer raw.Close()
	// The whole row as sqlite3 copies it, put back after her enrollment.
	rows, err := raw.Query(`SELECT * FROM users WHERE email = 'b@cpe.ca'`)
	if err != nil {
		t.Fatal(err)
	}
	cols, _ := rows.Columns()
	vals := make([]any, len(cols))
	ptrs := make([]any, len(cols))
	for i := range vals {
		ptrs[i] = &vals[i]
	}
	if !rows.Next() || rows.Scan(ptrs...) != nil {
		t.Fatal("no row")
	}
	rows.Close()
	enroll(t, svc, "b@cpe.ca")
	var sets []string
	for _, c := range cols {
		sets = append(sets, c+" = ?")
	}
	sqlExec(t, db, "UPDATE users SET "+strings.Join(sets, ", ")+" WHERE email = 'b@cpe.ca'", vals...)
	code, _, errs := runCLI(t, db, creds(""), "users", "unlock", "--email", "k@cpe.ca", "--by", "b@cpe.ca")
	if code != 1 || !strings.Contains(errs, "modifié en dehors d'À petits pas") {
		t.Fatalf("b with her AMF turned back off: %d %q", code, errs)
	}
	t.Logf("b@cpe.ca put back with AMF off: %s", strings.TrimSpace(errs))
	code, v, rawJSON := verify(t, db)
	if code != 1 || v.OK || rawJSON["state_root"] != "" || len(rawJSON["rolled_back"].([]any)) != 1 || rawJSON["rolled_back"].([]any)[0] != "b@cpe.ca" {
		t.Fatalf("audit verify: %d %v", code, rawJSON)
	}
	_, out, _ := runCLI(t, db, "", "audit", "verify")
	if !strings.Contains(out, "Plus anciens que le sceau de la base (une copie plus ancienne a été remise) : b@cpe.ca.") {
		t.Fatalf("audit verify: %q", out)
	}
	t.Logf("audit verify (exit 1): %s", strings.TrimSpace(out))

	sqlExec(t, db, `DELETE FROM settings WHERE key = 'state_root'`)
	code, _, errs = runCLI(t, db, creds(codeFor(t, secretA)), "users", "unlock", "--email", "k@cpe.ca", "--by", "a@cpe.ca")
	if code != 1 || !strings.Contains(errs, "personne ne peut se connecter") {
		t.Fatalf("a with the root removed: %d %q", code, errs)
	}
	if code, _, raw := verify(t, db); code != 1 || raw["state_root"] != "missing" {
		t.Fatalf("audit verify without the root: %d %v", code, raw)
	}
	if code, _, errs := runCLI(t, db, "", "audit", "acknowledge", "--break-glass", "--reason", "vu le rapport de audit verify"); code == 0 && !currentOSUser().Elevated {
		t.Fatalf("accepted without the OS's administrator rights: %q", errs)
	}
}
