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
// table by its owner (what autovacuum does within a minute).
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
			analyzeUsers(b, pg.OwnerURL)
			if os.Getenv("APETITSPAS_EXPLAIN") == "1" {
				explainSearch(b, pg.OwnerURL, "after ANALYZE")
			}
			b.Run("stats=analyzed", func(b *testing.B) { searchKeystrokes(b, db) })
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

func analyzeUsers(b *testing.B, ownerURL string) {
	b.Helper()
	db, err := sql.Open("pgx", ownerURL)
	if err != nil {
		b.Fatal(err)
	}
	defer db.Close()
	if _, err := db.Exec(`ANALYZE apetitspas.users`); err != nil {
		b.Fatal(err)
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
	for _, q := range []string{"t", "trem", "zzz"} {
		rows, err := db.Query(`EXPLAIN (ANALYZE, BUFFERS) `+searchSQL, "parent", "%"+q+"%", "%"+q+"%", searchLimit)
		if err != nil {
			b.Fatal(err)
		}
		var plan []string
		for rows.Next() {
			var line string
			if err := rows.Scan(&line); err != nil {
				b.Fatal(err)
			}
			plan = append(plan, line)
		}
		rows.Close()
		b.Logf("%s, q=%q:\n%s", step, q, strings.Join(plan, "\n"))
	}
}
