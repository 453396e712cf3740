package app_test

import (
	"context"
	"database/sql"
	"fmt"
	"io"
	"os"
	"strings"
	"testing"

	"github.com/apetitspas/apetitspas/app"
	"github.com/apetitspas/apetitspas/assets"
	"github.com/apetitspas/apetitspas/data/datatest"
)

// Issue 15, item 4: partial rollbacks, tried as the person at the PC does
// with an SQLite tool and no key (on PostgreSQL: the app's role, whose
// password sits in the PC's configuration).

// rowCopy is an account's row as an SQLite tool copies it: every column.
type rowCopy struct {
	cols []string
	vals []any
}

func (e *env) copyRow(db *sql.DB, email string) rowCopy {
	e.t.Helper()
	q := "SELECT * FROM users WHERE email = ?"
	if datatest.Postgres() {
		q = "SELECT * FROM users WHERE email = $1"
	}
	rows, err := db.Query(q, email)
	if err != nil {
		e.t.Fatal(err)
	}
	defer rows.Close()
	cols, _ := rows.Columns()
	if !rows.Next() {
		e.t.Fatalf("no row %s", email)
	}
	vals := make([]any, len(cols))
	ptrs := make([]any, len(cols))
	for i := range vals {
		ptrs[i] = &vals[i]
	}
	if err := rows.Scan(ptrs...); err != nil {
		e.t.Fatal(err)
	}
	return rowCopy{cols: cols, vals: vals}
}

// putBack writes the copy over the account's row as it is now.
func (e *env) putBack(db *sql.DB, c rowCopy) {
	e.t.Helper()
	var sets []string
	var args []any
	var id any
	for i, col := range c.cols {
		if col == "id" {
			id = c.vals[i]
			continue
		}
		sets = append(sets, col+" = ?")
		args = append(args, c.vals[i])
	}
	e.exec(db, "UPDATE users SET "+strings.Join(sets, ", ")+" WHERE id = ?", append(args, id)...)
}

// settingsCopy is every setting as it is now.
func (e *env) settingsCopy(db *sql.DB) map[string]string {
	e.t.Helper()
	rows, err := db.Query("SELECT key, value FROM settings")
	if err != nil {
		e.t.Fatal(err)
	}
	defer rows.Close()
	m := map[string]string{}
	for rows.Next() {
		var k, v string
		if err := rows.Scan(&k, &v); err != nil {
			e.t.Fatal(err)
		}
		m[k] = v
	}
	return m
}

func (e *env) putBackSettings(db *sql.DB, m map[string]string, keys ...string) {
	e.t.Helper()
	for _, k := range keys {
		e.exec(db, "UPDATE settings SET value = ? WHERE key = ?", m[k], k)
	}
}

// A former employee puts back the copy of her row from before she was
// disabled: her MAC is valid, but the root names a newer row. She cannot
// sign in, administrators are told, audit verify names her.
func TestAnOlderRowPutBackDoesNotReEnableAnAccount(t *testing.T) {
	e := newEnv(t)
	admin, secret := e.mfaAdmin("a@cpe.ca")
	e.addUser(app.RoleEmployee, "k@cpe.ca")
	db := e.sqlite()
	before := e.copyRow(db, "k@cpe.ca")
	e.clock.Advance(app.CodePeriod)
	if err := e.svc.SetDisabled(e.ctx, admin, "k@cpe.ca", true, e.code(secret, 0)); err != nil {
		t.Fatal(err)
	}
	e.putBack(db, before)
	_, err := e.svc.Login(e.ctx, "k@cpe.ca", goodPassword)
	wantReason(t, err, app.ReasonAccountTampered)
	r, err := e.tr.Verify(e.ctx)
	if err != nil || r.OK() || strings.Join(r.RolledBack, ",") != "k@cpe.ca" {
		t.Fatalf("report: %+v %v", r, err)
	}
	t.Logf("re-enabled account put back: sign-in refused (%s), audit verify: rolled back %v", app.ReasonAccountTampered, r.RolledBack)
	// The administrator sees her in the list as changed outside the app.
	us, err := e.svc.Users(e.ctx, admin, app.UserFilter{Query: "k@"})
	if err != nil || len(us) != 1 || !us[0].Tampered {
		t.Fatalf("the administrators' list: %+v %v", us, err)
	}
}

// Her failure counter put back at 0 after each round of guesses: the
// copy is older than the root, so the account is refused (no more
// guesses judged), whatever the password.
func TestAFailureCounterPutBackStopsTheAccount(t *testing.T) {
	e := newEnv(t)
	e.addUser(app.RoleEmployee, "k@cpe.ca")
	db := e.sqlite()
	zero := e.copyRow(db, "k@cpe.ca")
	for i := 0; i < 9; i++ {
		wantReason(t, loginErr(e, "k@cpe.ca", "mauvais-mot-de-passe"), app.ReasonBadCredentials)
	}
	e.putBack(db, zero)
	before := app.Verifications()
	for i := 0; i < 3; i++ {
		wantReason(t, loginErr(e, "k@cpe.ca", "mauvais-mot-de-passe"), app.ReasonAccountTampered)
	}
	wantReason(t, loginErr(e, "k@cpe.ca", goodPassword), app.ReasonAccountTampered)
	t.Logf("counter put back at 0 after 9 guesses: next guesses refused (%s), %d judged", app.ReasonAccountTampered, app.Verifications()-before-4)
	if r, _ := e.tr.Verify(e.ctx); r.OK() || strings.Join(r.RolledBack, ",") != "k@cpe.ca" {
		t.Fatalf("report: %+v", r)
	}
}

func loginErr(e *env, email, password string) error {
	_, err := e.svc.Login(e.ctx, email, password)
	return err
}

// An administrator's AMF turned back off by putting back her row from
// before she enrolled: refused at sign-in.
func TestAnAMFTurnedBackOffIsRefused(t *testing.T) {
	e := newEnv(t)
	e.addUser(app.RoleAdmin, "a@cpe.ca")
	db := e.sqlite()
	off := e.copyRow(db, "a@cpe.ca")
	e.enrollWithCodes("a@cpe.ca")
	e.putBack(db, off)
	_, err := e.svc.Login(e.ctx, "a@cpe.ca", goodPassword)
	wantReason(t, err, app.ReasonAccountTampered)
	if r, _ := e.tr.Verify(e.ctx); r.OK() || strings.Join(r.RolledBack, ",") != "a@cpe.ca" {
		t.Fatalf("report: %+v", r)
	}
}

// The newest journal rows deleted with the older audit_head and settings
// put back (each with its valid MAC): the root's head and settings MAC
// are newer. audit verify says so; the next write journals it before its
// root covers the file again, and the warning stays until acknowledged.
func TestAJournalTailAndSettingsPutBackAreSeen(t *testing.T) {
	e := newEnv(t)
	admin, secret := e.mfaAdmin("a@cpe.ca")
	db := e.sqlite()
	old := e.settingsCopy(db)
	var lastID int64
	if err := db.QueryRow("SELECT max(id) FROM audit").Scan(&lastID); err != nil {
		t.Fatal(err)
	}
	e.clock.Advance(app.CodePeriod)
	if err := e.svc.SetStaffPolicy(e.ctx, admin, true, 7, e.code(secret, 0)); err != nil {
		t.Fatal(err)
	}
	e.exec(db, "DROP TRIGGER IF EXISTS audit_no_delete")
	e.exec(db, "DELETE FROM audit WHERE id > ?", lastID)
	e.putBackSettings(db, old, "audit_head", "settings_mac", app.SettingStaffMFAEnforced, app.SettingStaffMFAGraceDays, app.SettingStaffMFAEnforcedAt)
	if _, ok := old[app.SettingStaffMFAEnforced]; !ok {
		e.exec(db, "DELETE FROM settings WHERE key IN (?, ?, ?)", app.SettingStaffMFAEnforced, app.SettingStaffMFAGraceDays, app.SettingStaffMFAEnforcedAt)
	}
	r, err := e.tr.Verify(e.ctx)
	if err != nil || r.OK() || !r.JournalRolledBack || !r.SettingsRolledBack || r.TailCut || r.SettingsChanged {
		t.Fatalf("report: %+v %v", r, err)
	}
	t.Logf("journal tail and settings put back: audit verify says journal %v, settings %v", r.JournalRolledBack, r.SettingsRolledBack)
	e.addUser(app.RoleParent, "p@cpe.ca")
	evs := e.journal(app.AuditFilter{Event: app.EventAuditTampered})
	if len(evs) == 0 || !strings.Contains(evs[0].Field(app.FieldRolledBack)+evs[len(evs)-1].Field(app.FieldRolledBack), "journal") {
		t.Fatalf("not journaled: %+v", evs)
	}
	if r, _ := e.tr.Verify(e.ctx); r.OK() || r.Recorded == 0 {
		t.Fatalf("forgotten after one write: %+v", r)
	}
}

// The root put back too, with the older row: the root is older than the
// accounts written since, so it vouches for none: nobody signs in until
// the computer's administrator looked (RebuildRoot). The same with the
// root removed or edited.
func TestAnOlderRootPutBackVouchesForNothing(t *testing.T) {
	for _, how := range []string{"older", "removed", "edited"} {
		t.Run(how, func(t *testing.T) {
			e := newEnv(t)
			admin, secret := e.mfaAdmin("a@cpe.ca")
			e.addUser(app.RoleEmployee, "k@cpe.ca")
			db := e.sqlite()
			row := e.copyRow(db, "k@cpe.ca")
			old := e.settingsCopy(db)
			e.clock.Advance(app.CodePeriod)
			if err := e.svc.SetDisabled(e.ctx, admin, "k@cpe.ca", true, e.code(secret, 0)); err != nil {
				t.Fatal(err)
			}
			e.putBack(db, row)
			switch how {
			case "older":
				e.putBackSettings(db, old, "state_root")
			case "removed":
				e.exec(db, "DELETE FROM settings WHERE key = 'state_root'")
			case "edited":
				e.exec(db, "UPDATE settings SET value = replace(value, '1:', '1:A') WHERE key = 'state_root'")
			}
			for _, email := range []string{"k@cpe.ca", "a@cpe.ca"} {
				_, err := e.svc.Login(e.ctx, email, goodPassword)
				wantReason(t, err, app.ReasonAccountTampered)
				if key, _ := assets.ErrorKey("fr", err); key != "error.state_root" {
					t.Fatalf("%s is told %s, not that the whole daycare waits", email, key)
				}
			}
			r, err := e.tr.Verify(e.ctx)
			if err != nil || r.OK() || r.Root == app.RootOK {
				t.Fatalf("report: %+v %v", r, err)
			}
			t.Logf("root %s: everyone refused, audit verify: state_root=%s", how, r.Root)
			if err := e.tr.RebuildRoot(e.ctx, app.OSUser{Name: "secretaire"}, "je veux entrer"); app.ErrorReason(err) != app.ReasonNotElevated {
				t.Fatalf("rebuilt by an ordinary account: %v", err)
			}
			if err := e.tr.RebuildRoot(e.ctx, app.OSUser{Name: "technicien", Elevated: true}, "vu le rapport de audit verify"); err != nil {
				t.Fatal(err)
			}
			e.signedIn("a@cpe.ca", secret)
			if got := e.journal(app.AuditFilter{Event: app.EventRootRebuilt}); len(got) != 1 || got[0].Field(app.FieldOSUser) != "technicien" {
				t.Fatalf("journal: %+v", got)
			}
		})
	}
}

// A whole file put back to an older copy is consistent in itself; this
// computer's witness saw a newer state: reported at the next opening
// (audit.rolled_back, with both counters), once.
func TestAWholeFilePutBackIsReportedOnAComputerThatSawTheNewerOne(t *testing.T) {
	if datatest.Postgres() {
		t.Skip("PostgreSQL: a copy of the file is SQLite's (the SQLite pass runs it)")
	}
	e := newEnv(t)
	_, secret := e.mfaAdmin("a@cpe.ca")
	e.addUser(app.RoleEmployee, "k@cpe.ca")
	e.kit.DB.Close()
	copyFile(t, e.path, e.path+".copie")
	e.kit.Open()
	e.sync()
	admin := e.signedIn("a@cpe.ca", secret)
	e.clock.Advance(app.CodePeriod)
	if err := e.svc.SetDisabled(e.ctx, admin, "k@cpe.ca", true, e.code(secret, 0)); err != nil {
		t.Fatal(err)
	}
	e.kit.DB.Close()
	os.Remove(e.path + "-wal")
	os.Remove(e.path + "-shm")
	copyFile(t, e.path+".copie", e.path)
	e.kit.Open()
	e.sync()
	r, err := e.tr.Verify(e.ctx)
	if err != nil || r.OK() || r.SeenCounter <= r.Counter {
		t.Fatalf("report: %+v %v", r, err)
	}
	got := e.journal(app.AuditFilter{Event: app.EventAuditRolledBack})
	if len(got) != 1 || got[0].Field(app.FieldSeen) == "" || got[0].Field(app.FieldFound) == "" {
		t.Fatalf("journal: %+v", got)
	}
	t.Logf("whole file put back: audit.rolled_back seen_counter=%s found_counter=%s", got[0].Field(app.FieldSeen), got[0].Field(app.FieldFound))
	e.Verify2()
	if got := e.journal(app.AuditFilter{Event: app.EventAuditRolledBack}); len(got) != 1 {
		t.Fatalf("journaled %d times", len(got))
	}
}

// Verify2 checks again (what a second opening does).
func (e *env) Verify2() {
	e.t.Helper()
	if r, err := e.tr.Verify(e.ctx); err != nil || r.OK() {
		e.t.Fatalf("the rollback was forgotten: %+v %v", r, err)
	}
}

func copyFile(t *testing.T, from, to string) {
	t.Helper()
	in, err := os.Open(from)
	if err != nil {
		t.Fatal(err)
	}
	defer in.Close()
	out, err := os.Create(to)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := io.Copy(out, in); err != nil {
		t.Fatal(err)
	}
	if err := out.Close(); err != nil {
		t.Fatal(err)
	}
}

// Every write moves the root's counter on, and a clean daycare verifies.
func TestTheRootFollowsEveryWrite(t *testing.T) {
	e := newEnv(t)
	e.mfaAdmin("a@cpe.ca")
	r1, err := e.tr.Verify(e.ctx)
	if err != nil || !r1.OK() || r1.Root != app.RootOK || r1.Counter == 0 {
		t.Fatalf("%+v %v", r1, err)
	}
	e.addUser(app.RoleParent, "p@cpe.ca")
	r2, _ := e.tr.Verify(e.ctx)
	if !r2.OK() || r2.Counter <= r1.Counter {
		t.Fatalf("counter %d then %d", r1.Counter, r2.Counter)
	}
	if u := e.user("p@cpe.ca"); u.Generation != int64(r2.Counter) {
		t.Fatalf("generation %d, root %d", u.Generation, r2.Counter)
	}
}

// Older settings put back alone (the staff policy turned off by putting
// back its old rows and MAC, each valid): the root's settings MAC is
// newer. On PostgreSQL the app's role may UPDATE settings: the same.
func TestOlderSettingsPutBackAreSeen(t *testing.T) {
	e := newEnv(t)
	admin, secret := e.mfaAdmin("a@cpe.ca")
	db := e.sqlite()
	e.clock.Advance(app.CodePeriod)
	if err := e.svc.SetStaffPolicy(e.ctx, admin, true, 7, e.code(secret, 0)); err != nil {
		t.Fatal(err)
	}
	old := e.settingsCopy(db)
	e.clock.Advance(app.CodePeriod)
	if err := e.svc.SetStaffPolicy(e.ctx, admin, false, 7, e.code(secret, 0)); err != nil {
		t.Fatal(err)
	}
	e.putBackSettings(db, old, "settings_mac", app.SettingStaffMFAEnforced, app.SettingStaffMFAGraceDays, app.SettingStaffMFAEnforcedAt)
	r, err := e.tr.Verify(e.ctx)
	if err != nil || r.OK() || !r.SettingsRolledBack || r.SettingsChanged {
		t.Fatalf("report: %+v %v", r, err)
	}
	t.Logf("older settings put back: audit verify settings_rolled_back=%v", r.SettingsRolledBack)
}

// On PostgreSQL the schema's owner can disable the journal's triggers
// and cut its newest rows, then put the older head back (README): the
// state root's head is newer, audit verify says so.
func TestATailCutByThePostgreSQLOwnerIsSeen(t *testing.T) {
	if !datatest.Postgres() {
		t.Skip("PostgreSQL only: the owner's rights (the SQLite pass cuts the tail with DROP TRIGGER)")
	}
	pg := datatest.NewPGDaycareDB(t)
	e := &env{t: t, kit: datatest.NewDaycare(t, datatest.Options{Argon2: datatest.QuickArgon2, URL: pg.AppURL}), ctx: context.Background()}
	e.sync()
	admin, secret := e.mfaAdmin("a@cpe.ca")
	owner, err := sql.Open("pgx", pg.OwnerURL+"&search_path=apetitspas")
	if err != nil {
		t.Fatal(err)
	}
	defer owner.Close()
	old := e.settingsCopy(owner)
	var lastID int64
	if err := owner.QueryRow("SELECT max(id) FROM audit").Scan(&lastID); err != nil {
		t.Fatal(err)
	}
	e.clock.Advance(app.CodePeriod)
	if err := e.svc.SetDisabled(e.ctx, admin, "a@cpe.ca", false, e.code(secret, 0)); err != nil {
		t.Fatal(err)
	}
	e.addUser(app.RoleParent, "p@cpe.ca")
	for _, q := range []string{"ALTER TABLE audit DISABLE TRIGGER USER", fmt.Sprintf("DELETE FROM audit WHERE id > %d", lastID),
		"ALTER TABLE audit ENABLE TRIGGER USER"} {
		if _, err := owner.Exec(q); err != nil {
			t.Fatalf("%s: %v", q, err)
		}
	}
	if _, err := owner.Exec("UPDATE settings SET value = $1 WHERE key = 'audit_head'", old["audit_head"]); err != nil {
		t.Fatal(err)
	}
	r, err := e.tr.Verify(e.ctx)
	if err != nil || r.OK() || !r.JournalRolledBack {
		t.Fatalf("report: %+v %v", r, err)
	}
	t.Logf("tail cut by the owner: audit verify journal_rolled_back=%v", r.JournalRolledBack)
}
