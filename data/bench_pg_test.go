package data_test

import (
	"database/sql"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/apetitspas/apetitspas/app"
	"github.com/apetitspas/apetitspas/data"
	"github.com/apetitspas/apetitspas/data/datatest"
)

// searchLimit is the Utilisateurs screen's query limit (usersLimit + 1 in
// screens/users.go: 500 shown, one more to know there are more).
const searchLimit = 501

// BenchmarkUsersSearchKeystroke is one keystroke in the Utilisateurs
// search box over 50,000 accounts, on both engines: tx.Users with the
// typed text as Query and the screen's Limit, for the parents' tab
// (Role: parent) and the staff's tab (Staff), for a few texts: a first
// letter, a word being typed, a whole name, accents, a part of an e-mail
// and nothing found (every row looked at). Goal: ≤ 8 ms per keystroke.
//
//	.ci/with-pg.sh go test -run '^$' -bench UsersSearchKeystroke ./data/
//
// With APETITSPAS_EXPLAIN=1, the PostgreSQL plans of the parents' tab
// (EXPLAIN (ANALYZE, BUFFERS) of the query tx.Users makes, written out
// below) are logged. On PostgreSQL the figures come twice: stats=none just
// after the accounts came in, stats=analyzed after an ANALYZE of the
// table by its owner (what autovacuum does within a minute). With
// APETITSPAS_SEARCH_TRY=1, two changes are tried on top (for the lead, not
// what the app does): plans made for the typed text
// (plan_cache_mode=force_custom_plan), then trigram (pg_trgm) indexes on
// name_key and email.
func BenchmarkUsersSearchKeystroke(b *testing.B) {
	var pg datatest.PGDatabase
	engines := []struct {
		name string
		open func(b *testing.B) *data.DB
	}{
		{"sqlite", func(b *testing.B) *data.DB {
			db, err := data.Open(filepath.Join(b.TempDir(), "apetitspas.db"))
			if err != nil {
				b.Fatal(err)
			}
			return db
		}},
		{"postgres", func(b *testing.B) *data.DB {
			pg = datatest.NewPGDaycareDB(b)
			db, err := data.Open(pg.AppURL)
			if err != nil {
				b.Fatal(err)
			}
			return db
		}},
	}
	for _, eng := range engines {
		b.Run("engine="+eng.name, func(b *testing.B) {
			db := eng.open(b)
			b.Cleanup(func() { db.Close() })
			fill50k(b, db)
			if eng.name == "sqlite" {
				searchKeystrokes(b, db)
				return
			}
			if os.Getenv("APETITSPAS_EXPLAIN") == "1" {
				explainSearch(b, pg.OwnerURL, "without statistics")
			}
			// Just after the accounts came in (a db move, an import): the
			// server has no statistics on the table yet.
			b.Run("stats=none", func(b *testing.B) { searchKeystrokes(b, db) })
			// A minute later autovacuum has analyzed it; the owner does
			// it here at once.
			ownerExec(b, pg.OwnerURL, `ANALYZE apetitspas.users`)
			if os.Getenv("APETITSPAS_EXPLAIN") == "1" {
				explainSearch(b, pg.OwnerURL, "after ANALYZE")
			}
			b.Run("stats=analyzed", func(b *testing.B) { searchKeystrokes(b, db) })
			if os.Getenv("APETITSPAS_SEARCH_TRY") != "1" {
				return
			}
			// A try for the lead, not the schema of the app: every plan
			// made for the typed text (no generic plan of a prepared
			// statement) and trigram indexes on what is searched.
			custom, err := data.Open(pg.AppURL + "&plan_cache_mode=force_custom_plan")
			if err != nil {
				b.Fatal(err)
			}
			b.Cleanup(func() { custom.Close() })
			b.Run("stats=analyzed/plan=custom", func(b *testing.B) { searchKeystrokes(b, custom) })
			ownerExec(b, pg.OwnerURL, `CREATE EXTENSION IF NOT EXISTS pg_trgm SCHEMA apetitspas`,
				`CREATE INDEX users_name_key_trgm ON apetitspas.users USING gin (name_key apetitspas.gin_trgm_ops)`,
				`CREATE INDEX users_email_trgm ON apetitspas.users USING gin (email apetitspas.gin_trgm_ops)`,
				`ANALYZE apetitspas.users`)
			if os.Getenv("APETITSPAS_EXPLAIN") == "1" {
				explainSearch(b, pg.OwnerURL, "trigram indexes")
			}
			b.Run("stats=analyzed/plan=custom/trgm", func(b *testing.B) { searchKeystrokes(b, custom) })
			b.Run("stats=analyzed/plan=cached/trgm", func(b *testing.B) { searchKeystrokes(b, db) })
		})
	}
}

func searchKeystrokes(b *testing.B, db *data.DB) {
	for _, tab := range []struct {
		name string
		f    app.UserFilter
	}{
		{"parents", app.UserFilter{Role: app.RoleParent, Limit: searchLimit}},
		{"staff", app.UserFilter{Staff: true, Limit: searchLimit}},
	} {
		for _, q := range []string{"t", "trem", "tremblay", "Élo", "user0412", "zzz"} {
			b.Run("tab="+tab.name+"/q="+q, func(b *testing.B) {
				f := tab.f
				f.Query = q
				n := 0
				for b.Loop() {
					err := db.View(ctx, func(tx app.Tx) error {
						us, err := tx.Users(f)
						n = len(us)
						return err
					})
					if err != nil {
						b.Fatal(err)
					}
				}
				b.ReportMetric(float64(n), "found")
			})
		}
	}
}

// ownerExec runs statements as the schema's owner.
func ownerExec(b *testing.B, ownerURL string, stmts ...string) {
	b.Helper()
	db, err := sql.Open("pgx", ownerURL)
	if err != nil {
		b.Fatal(err)
	}
	defer db.Close()
	for _, stmt := range stmts {
		if _, err := db.Exec(stmt); err != nil {
			b.Fatalf("%s: %v", stmt, err)
		}
	}
}

// fill50k adds 50,000 accounts (a parent in four has a staff member
// after it), names of Québec's most common ones.
func fill50k(b *testing.B, db *data.DB) {
	b.Helper()
	first := []string{"Ana", "Benoît", "Chloé", "David", "Émilie", "François", "Gabriel", "Hélène",
		"Isabelle", "Jacques", "Karine", "Louis", "Mathilde", "Nicolas", "Olivia", "Philippe", "Élodie"}
	last := []string{"Tremblay", "Gagnon", "Roy", "Côté", "Bouchard", "Gauthier", "Morin", "Lavoie",
		"Fortin", "Gagné", "Ouellet", "Pelletier", "Bélanger", "Lévesque", "Bergeron", "Leblanc",
		"Paquette", "Girard", "Simard", "Boucher"}
	roles := []app.Role{app.RoleParent, app.RoleParent, app.RoleParent, app.RoleEmployee}
	err := db.Update(ctx, func(tx app.Tx) error {
		for i := range 50_000 {
			f, l := first[i%len(first)], last[(i/len(first))%len(last)]
			u := newUser(fmt.Sprintf("user%05d@example.ca", i), fmt.Sprintf("%s %s %d", f, l, i), roles[i%len(roles)])
			if err := tx.InsertUser(&u); err != nil {
				return err
			}
		}
		return nil
	})
	if err != nil {
		b.Fatal(err)
	}
}

// searchSQL is the query tx.Users makes for the parents' tab on
// PostgreSQL (data/tx.go), written out for EXPLAIN.
const searchSQL = `SELECT id, email, name, role, password_hash, must_change_password,
	disabled, failed_logins, locked_until, mfa, mfa_secret, mfa_secret_since, mfa_last_step,
	mfa_failures, mfa_reset_by, mfa_reset_at, mfa_due, mac, recovery, created_at, updated_at
	FROM apetitspas.users WHERE role = $1 AND (name_key LIKE $2 ESCAPE '\' OR email LIKE $3 ESCAPE '\')
	ORDER BY name_key, email LIMIT $4`

func explainSearch(b *testing.B, ownerURL, step string) {
	b.Helper()
	db, err := sql.Open("pgx", ownerURL)
	if err != nil {
		b.Fatal(err)
	}
	defer db.Close()
	conn, err := db.Conn(ctx)
	if err != nil {
		b.Fatal(err)
	}
	defer conn.Close()
	explain := func(plan, query string, args ...any) {
		rows, err := conn.QueryContext(ctx, query, args...)
		if err != nil {
			b.Fatal(err)
		}
		var lines []string
		for rows.Next() {
			var line string
			if err := rows.Scan(&line); err != nil {
				b.Fatal(err)
			}
			lines = append(lines, line)
		}
		rows.Close()
		b.Logf("%s, %s:\n%s", step, plan, strings.Join(lines, "\n"))
	}
	qs := []string{"t", "trem", "user0412", "zzz"}
	for _, q := range qs {
		explain(fmt.Sprintf("custom plan, q=%q", q), `EXPLAIN (ANALYZE, BUFFERS) `+searchSQL, "parent", "%"+q+"%", "%"+q+"%", searchLimit)
	}
	// The app's statements are prepared (pgx's statement cache): after
	// five runs the server may keep one generic plan, made without the
	// typed text.
	for _, stmt := range []string{`SET plan_cache_mode = force_generic_plan`,
		`PREPARE search(text, text, text, int) AS ` + searchSQL} {
		if _, err := conn.ExecContext(ctx, stmt); err != nil {
			b.Fatal(err)
		}
	}
	for _, q := range qs {
		explain(fmt.Sprintf("generic plan, q=%q", q), fmt.Sprintf(`EXPLAIN (ANALYZE, BUFFERS) EXECUTE search('parent', '%%%s%%', '%%%s%%', %d)`, q, q, searchLimit))
	}
}
