package data_test

import (
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/apetitspas/apetitspas/app"
	"github.com/apetitspas/apetitspas/data"
)

// createV4 makes a database as version 4 of the app left it and runs
// stmts on it (then closed, so checkpointed).
func createV4(t *testing.T, stmts ...string) string {
	t.Helper()
	path := filepath.Join(t.TempDir(), "apetitspas.db")
	if err := data.CreateAtVersion(path, 4); err != nil {
		t.Fatal(err)
	}
	execRaw(t, path, stmts...)
	return path
}

// v4User is an INSERT of an account into a version 4 database.
func v4User(email, role, mfa string) string {
	return `INSERT INTO users (email, name, role, password_hash, mfa, created_at, updated_at)
		VALUES ('` + email + `', 'X', '` + role + `', 'h', '` + mfa + `', 1, 2)`
}

func allUsers(t *testing.T, db *data.DB) []app.User {
	t.Helper()
	var us []app.User
	err := db.View(ctx, func(tx app.Tx) (err error) {
		us, err = tx.Users(app.UserFilter{})
		return err
	})
	if err != nil {
		t.Fatal(err)
	}
	return us
}

func TestMigrationFromVersion4KeepsTheRowsAndAddsMACsAndTheGraceDeadline(t *testing.T) {
	path := createV4(t,
		`INSERT INTO users (email, name, role, password_hash, must_change_password, disabled,
			failed_logins, locked_until, mfa, mfa_secret, mfa_secret_since, mfa_last_step, mfa_failures,
			mfa_reset_by, mfa_reset_at, created_at, updated_at, name_key)
		VALUES ('ana@example.ca', 'Ána', 'admin', 'h', 1, 0, 2, 5000, 'on', x'0102', 3000, 77, 1,
			'bob@example.ca', 4000, 1000, 2000, 'ana')`,
		`INSERT INTO settings VALUES ('daycare_name', 'Les Petits Pas')`,
		`INSERT INTO audit (time, event, actor, target, detail) VALUES (10, 'setup.completed', 'cli', '', 'a')`,
		`INSERT INTO audit (time, event, actor, target, detail) VALUES (20, 'logout', 'ana@example.ca', '', 'b')`,
	)
	db := openPath(t, path)
	if got := queryInt(t, db, "PRAGMA user_version"); got != data.SchemaVersion || db.SchemaVersion() != data.SchemaVersion {
		t.Errorf("user_version = %d, SchemaVersion() = %d; want %d", got, db.SchemaVersion(), data.SchemaVersion)
	}
	if n := queryInt(t, db, `SELECT count(*) FROM pragma_table_info('users') WHERE name IN ('mac', 'mfa_due')`); n != 2 {
		t.Errorf("users has %d of the columns mac and mfa_due, want 2", n)
	}
	if n := queryInt(t, db, `SELECT count(*) FROM pragma_table_info('audit') WHERE name = 'mac'`); n != 1 {
		t.Error("audit has no mac column")
	}
	err := db.View(ctx, func(tx app.Tx) error {
		u, err := tx.UserByEmail("ana@example.ca")
		if err != nil {
			return err
		}
		want := app.User{ID: u.ID, Email: "ana@example.ca", Name: "Ána", Role: app.RoleAdmin, PasswordHash: "h",
			MustChangePassword: true, FailedLogins: 2, LockedUntil: time.UnixMilli(5000).UTC(),
			MFA: app.MFAOn, MFASecret: []byte{1, 2}, MFASecretSince: time.UnixMilli(3000).UTC(),
			MFALastStep: 77, MFAFailures: 1, MFAResetBy: "bob@example.ca", MFAResetAt: time.UnixMilli(4000).UTC(),
			CreatedAt: time.UnixMilli(1000).UTC(), UpdatedAt: time.UnixMilli(2000).UTC()}
		if !equalUsers(u, want) {
			t.Errorf("migrated account =\n%+v, want\n%+v", u, want)
		}
		es, err := tx.Audit(app.AuditFilter{})
		if err != nil {
			return err
		}
		if len(es) != 2 || es[0].Detail != "b" || es[1].Detail != "a" || es[0].MAC != nil || es[1].MAC != nil {
			t.Errorf("migrated journal = %+v", es)
		}
		has, err := tx.HasMACs()
		if err != nil || has {
			t.Errorf("HasMACs() after migration = %v, %v; want false", has, err)
		}
		s, err := tx.Settings()
		if err != nil || len(s) != 1 || s[app.SettingDaycareName] != "Les Petits Pas" {
			t.Errorf("Settings() after migration = %v, %v", s, err)
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
}

// equalUsers compares accounts field by field (app.User holds slices).
func equalUsers(a, b app.User) bool {
	return a.ID == b.ID && a.Email == b.Email && a.Name == b.Name && a.Role == b.Role &&
		a.PasswordHash == b.PasswordHash && a.MustChangePassword == b.MustChangePassword &&
		a.Disabled == b.Disabled && a.FailedLogins == b.FailedLogins && a.LockedUntil.Equal(b.LockedUntil) &&
		a.MFA == b.MFA && string(a.MFASecret) == string(b.MFASecret) && (a.MFASecret == nil) == (b.MFASecret == nil) &&
		a.MFASecretSince.Equal(b.MFASecretSince) && a.MFALastStep == b.MFALastStep &&
		a.MFAFailures == b.MFAFailures && a.MFAResetBy == b.MFAResetBy && a.MFAResetAt.Equal(b.MFAResetAt) &&
		a.MFADue.Equal(b.MFADue) && string(a.MAC) == string(b.MAC) && (a.MAC == nil) == (b.MAC == nil) &&
		a.Tampered == b.Tampered && a.CreatedAt.Equal(b.CreatedAt) && a.UpdatedAt.Equal(b.UpdatedAt)
}

func TestMigrationGivesPendingStaffTheGraceDeadlineOfThePolicy(t *testing.T) {
	due := time.Date(2026, 12, 10, 9, 0, 0, 0, time.UTC) // 2026-11-26T09:00:00Z + 14 days
	cases := []struct {
		name                  string
		enforced, days, since string // "-": not set
		wantDue               bool
		wantDueAt             time.Time // zero: due
	}{
		{name: "enforced with grace", enforced: "1", days: "14", since: "2026-11-26T09:00:00Z", wantDue: true},
		{name: "since with an offset", enforced: "1", days: "14", since: "2026-11-26T10:00:00+01:00", wantDue: true},
		{name: "one grace day", enforced: "1", days: "1", since: "2026-11-26T09:00:00Z", wantDue: true,
			wantDueAt: time.Date(2026, 11, 27, 9, 0, 0, 0, time.UTC)},
		{name: "not enforced", enforced: "0", days: "14", since: "2026-11-26T09:00:00Z"},
		{name: "no policy", enforced: "-", days: "-", since: "-"},
		{name: "no grace", enforced: "1", days: "0", since: "2026-11-26T09:00:00Z"},
		{name: "grace days unset", enforced: "1", days: "-", since: "2026-11-26T09:00:00Z"},
		{name: "grace days not a number", enforced: "1", days: "14 days", since: "2026-11-26T09:00:00Z"},
		{name: "negative grace days", enforced: "1", days: "-3", since: "2026-11-26T09:00:00Z"},
		{name: "since unset", enforced: "1", days: "14", since: "-"},
		{name: "since not a time", enforced: "1", days: "14", since: "yesterday"},
		{name: "since a bare number", enforced: "1", days: "14", since: "2461000"},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			stmts := []string{
				v4User("emp.pending@x.ca", "employee", "pending"),
				v4User("admin.pending@x.ca", "admin", "pending"),
				v4User("parent.pending@x.ca", "parent", "pending"),
				v4User("emp.off@x.ca", "employee", "off"),
				v4User("admin.on@x.ca", "admin", "on"),
			}
			for k, v := range map[string]string{app.SettingStaffMFAEnforced: c.enforced,
				app.SettingStaffMFAGraceDays: c.days, app.SettingStaffMFAEnforcedAt: c.since} {
				if v != "-" {
					stmts = append(stmts, `INSERT INTO settings VALUES ('`+k+`', '`+v+`')`)
				}
			}
			db := openPath(t, createV4(t, stmts...))
			want := c.wantDueAt
			if want.IsZero() {
				want = due
			}
			for _, u := range allUsers(t, db) {
				staffPending := u.MFA == app.MFAPending && u.Role.IsStaff()
				switch {
				case c.wantDue && staffPending:
					if !u.MFADue.Equal(want) {
						t.Errorf("%s: MFADue = %v, want %v", u.Email, u.MFADue, want)
					}
				case !u.MFADue.IsZero():
					t.Errorf("%s: MFADue = %v, want none", u.Email, u.MFADue)
				}
			}
		})
	}
}

func TestMigrationRenormalizesEmailsButNotTheJournal(t *testing.T) {
	const nfd = "e\u0301lodie@x.ca" // é decomposed
	originals := []string{"Bob@X.ca", "  carl@x.ca ", nfd, "dan@x.ca", "Dan@x.ca\t", "ok@x.ca"}
	var stmts []string
	for _, e := range originals {
		stmts = append(stmts, v4User(e, "parent", "off"))
	}
	stmts = append(stmts, `INSERT INTO audit (time, event, actor, target) VALUES (1, 'user.created', 'Bob@X.ca', '`+nfd+`')`)
	db := openPath(t, createV4(t, stmts...))

	got := map[int64]string{}
	rows, err := data.RawDB(db).Query(`SELECT id, email FROM users`)
	if err != nil {
		t.Fatal(err)
	}
	for rows.Next() {
		var id int64
		var e string
		if err := rows.Scan(&id, &e); err != nil {
			t.Fatal(err)
		}
		got[id] = e
	}
	if err := rows.Close(); err != nil {
		t.Fatal(err)
	}
	taken := map[string]bool{}
	for i, orig := range originals {
		want := app.NormalizeEmail(orig)
		if taken[want] || (orig != want && contains(originals, want)) {
			want = orig // the normalized address belongs to another account
		}
		taken[want] = true
		if g := got[int64(i+1)]; g != want {
			t.Errorf("e-mail %q became %q, want %q", orig, g, want)
		}
	}
	if got[1] != "bob@x.ca" || got[2] != "carl@x.ca" || got[4] != "dan@x.ca" || got[5] != "Dan@x.ca\t" {
		t.Errorf("e-mails after migration = %v", got)
	}
	if app.NormalizeEmail(nfd) == "élodie@x.ca" { // NFC or NFKC
		if got[3] != "élodie@x.ca" {
			t.Errorf("decomposed e-mail became %q, want the composed form", got[3])
		}
		err := db.View(ctx, func(tx app.Tx) error {
			u, err := tx.UserByEmail("élodie@x.ca")
			if err != nil || u.ID != 3 {
				t.Errorf("UserByEmail(composed) = %+v, %v", u, err)
			}
			return nil
		})
		if err != nil {
			t.Fatal(err)
		}
	} else {
		t.Logf("app.NormalizeEmail(%q) = %q: no Unicode normalization yet", nfd, app.NormalizeEmail(nfd))
	}
	var actor, target string
	if err := data.RawDB(db).QueryRow(`SELECT actor, target FROM audit`).Scan(&actor, &target); err != nil {
		t.Fatal(err)
	}
	if actor != "Bob@X.ca" || target != nfd {
		t.Errorf("journal rewritten: actor %q, target %q", actor, target)
	}
}

func contains(ss []string, s string) bool {
	for _, x := range ss {
		if x == s {
			return true
		}
	}
	return false
}

func TestEmailsAreNotRenormalizedWhenNothingIsMigrated(t *testing.T) {
	path := filepath.Join(t.TempDir(), "apetitspas.db")
	db, err := data.Open(path)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := data.RawDB(db).Exec(v4User("Bob@X.ca", "parent", "off")); err != nil {
		t.Fatal(err)
	}
	if err := db.Close(); err != nil {
		t.Fatal(err)
	}
	db = openPath(t, path)
	var e string
	if err := data.RawDB(db).QueryRow(`SELECT email FROM users`).Scan(&e); err != nil || e != "Bob@X.ca" {
		t.Errorf("e-mail = %q (%v), want it untouched at version %d", e, err, data.SchemaVersion)
	}
}

// The rest of the journal's rules, once a MAC can be given.
func TestTheJournalAllowsOnlyGivingAMACToARowWithout(t *testing.T) {
	db := openPath(t, filepath.Join(t.TempDir(), "apetitspas.db"))
	appendEvents(t, db,
		app.AuditEvent{Time: t0, Event: app.EventLogout, Actor: "a@x.ca", Target: "b@x.ca", Detail: "d"},
		app.AuditEvent{Time: t0, Event: app.EventLogout, Actor: "a@x.ca", MAC: []byte("mac2"),
			Fields: []app.AuditField{{Key: "reason", Value: "r"}}},
	)
	raw := data.RawDB(db)
	refused := []string{
		// Row 1 has no MAC: only the MAC itself may be set.
		"UPDATE audit SET mac = x'01', actor = 'someone else' WHERE id = 1",
		"UPDATE audit SET mac = x'01', target = 'B@x.ca' WHERE id = 1",
		"UPDATE audit SET mac = x'01', detail = '' WHERE id = 1",
		"UPDATE audit SET mac = x'01', event = 'login' WHERE id = 1",
		"UPDATE audit SET mac = x'01', time = time + 1 WHERE id = 1",
		"UPDATE audit SET mac = x'01', id = 100 WHERE id = 1",
		"UPDATE audit SET mac = x'01', fields = '[[\"x\",\"y\"]]' WHERE id = 1",
		"UPDATE audit SET fields = '[]' WHERE id = 1",
		"UPDATE audit SET actor = 'A@x.ca' WHERE id = 1",
		"UPDATE audit SET mac = NULL WHERE id = 1",
		"UPDATE audit SET mac = x'' WHERE id = 1",
		"UPDATE audit SET mac = 'text' WHERE id = 1",
		// Row 2 has a MAC: nothing may change.
		"UPDATE audit SET mac = x'02' WHERE id = 2",
		"UPDATE audit SET mac = NULL WHERE id = 2",
		"UPDATE audit SET mac = mac WHERE id = 2",
		"UPDATE audit SET detail = 'x' WHERE id = 2",
		"UPDATE audit SET fields = NULL WHERE id = 2",
		"UPDATE audit SET fields = '[[\"reason\",\"other\"]]' WHERE id = 2",
		"DELETE FROM audit WHERE id = 1",
		"DELETE FROM audit WHERE id = 2",
		"DELETE FROM audit",
		// REPLACE deletes without firing the delete trigger.
		"INSERT OR REPLACE INTO audit (id, time, event) VALUES (1, 0, 'x')",
		"REPLACE INTO audit (id, time, event) VALUES (2, 0, 'x')",
		"UPDATE OR REPLACE audit SET id = 1 WHERE id = 2",
	}
	for _, stmt := range refused {
		if _, err := raw.Exec(stmt); err == nil || !strings.Contains(err.Error(), "append-only") {
			t.Errorf("%s: error = %v, want the append-only refusal", stmt, err)
		}
	}
	if _, err := raw.Exec("UPDATE audit SET mac = x'0102' WHERE id = 1"); err != nil {
		t.Errorf("giving row 1 its MAC: %v", err)
	}
	var es []app.AuditEvent
	err := db.View(ctx, func(tx app.Tx) error {
		return tx.EachAudit(0, func(e app.AuditEvent) error { es = append(es, e); return nil })
	})
	if err != nil {
		t.Fatal(err)
	}
	if len(es) != 2 || es[0].Actor != "a@x.ca" || es[0].Target != "b@x.ca" || es[0].Detail != "d" ||
		!es[0].Time.Equal(ms(t0)) || string(es[0].MAC) != "\x01\x02" || string(es[1].MAC) != "mac2" {
		t.Errorf("journal after the refusals = %+v", es)
	}
}
