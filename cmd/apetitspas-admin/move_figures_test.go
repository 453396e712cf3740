package main

import (
	"context"
	"strings"
	"testing"
	"time"

	"github.com/apetitspas/apetitspas/data/datatest"
)

// BenchmarkDBMoveOfALargeDaycare is the figure of the PostgreSQL issue
// (make bench-pg): `apetitspas-admin --db FILE db move --to APP_URL` (the
// tool's own code, in this process) of a daycare of 50,000 accounts and
// 1,000,000 journal events (APETITSPAS_FIG_USERS, APETITSPAS_FIG_ROWS to
// change them) into an empty database `db migrate` prepared on the
// throwaway server. Then, on the server, `audit verify` passes and the
// administrator signs in with her next code. s/move is the whole command
// (the copy, its verification with the key before the commit, the
// commit); s/verify is audit verify on the server.
//
//	.ci/with-pg.sh go test -run '^$' -bench DBMoveOfALargeDaycare -benchtime 1x -timeout 60m ./cmd/apetitspas-admin/
func BenchmarkDBMoveOfALargeDaycare(b *testing.B) {
	users, rows := figure("APETITSPAS_FIG_USERS", 50000), figure("APETITSPAS_FIG_ROWS", 1000000)
	start := time.Now()
	db, secretA := bigDaycare(b, users, rows)
	b.Logf("SQLite daycare of %d accounts and %d events made in %v", users, rows, time.Since(start).Round(time.Second))
	for range b.N {
		pg := datatest.NewPGDatabase(b)
		must(b, pg.OwnerURL, "", "db", "migrate", "--app-role", datatest.AppRole)
		start := time.Now()
		out := must(b, db, "", "db", "move", "--to", pg.AppURL)
		moveTime := time.Since(start)
		if strings.Contains(out, "apetitspas-test-pw") {
			b.Fatalf("db move printed the password: %q", out)
		}
		start = time.Now()
		must(b, pg.AppURL, "", "audit", "verify")
		verifyTime := time.Since(start)
		svc := service(b, pg.AppURL)
		sess, err := svc.Login(context.Background(), "a@cpe.ca", pw)
		if err == nil {
			err = svc.VerifyCode(context.Background(), sess, codeFor(b, secretA))
		}
		if err != nil {
			b.Fatalf("sign-in on the server after the move: %v", err)
		}
		b.ReportMetric(moveTime.Seconds(), "s/move")
		b.ReportMetric(verifyTime.Seconds(), "s/verify")
	}
	b.ReportMetric(float64(users), "accounts")
	b.ReportMetric(float64(rows), "events")
}
