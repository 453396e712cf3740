package app_test

import (
	"fmt"
	"os"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/apetitspas/apetitspas/app"
	"github.com/apetitspas/apetitspas/data/datatest"
)

// BenchmarkEraseInALargeDaycare is issue 18's figure: erasing one person
// in a daycare of 50,000 accounts and 1,000,000 journal rows (each person
// named in about 20 of them), then « audit verify » over the whole
// journal, and (SQLite) a byte search of the file and its -wal for the
// erased e-mails. APETITSPAS_ERASE_ROWS sets fewer rows for a quick run.
//
//	go test -run '^$' -bench '^BenchmarkEraseInALargeDaycare$' -benchtime 5x -timeout 60m ./app
func BenchmarkEraseInALargeDaycare(b *testing.B) {
	rows := 1000000
	if n, err := strconv.Atoi(os.Getenv("APETITSPAS_ERASE_ROWS")); err == nil && n > 0 {
		rows = n
	}
	const accounts = 50000
	e := newEnv(b)
	admin, secret := e.mfaAdmin("a@cpe.ca")
	e.fillLargeDaycare(b, accounts, rows)
	var erased []string
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		email := fmt.Sprintf("personne%05d@cpe.ca", 1+i*97)
		b.StopTimer()
		e.clock.Advance(app.CodePeriod)
		code := e.code(secret, 0)
		b.StartTimer()
		if _, err := e.svc.EraseUser(e.ctx, admin, email, goodPassword, code); err != nil {
			b.Fatal(err)
		}
		erased = append(erased, email)
	}
	b.StopTimer()
	start := time.Now()
	r, err := e.tr.Verify(e.ctx)
	if err != nil || !r.OK() {
		b.Fatalf("audit verify after the erasures: %+v, %v", r, err)
	}
	b.ReportMetric(time.Since(start).Seconds(), "verify_s")
	b.ReportMetric(float64(r.JournalRows), "journal_rows")
	if !datatest.Postgres() {
		for _, f := range []string{e.path, e.path + "-wal"} {
			data, err := os.ReadFile(f)
			if err != nil && !os.IsNotExist(err) {
				b.Fatal(err)
			}
			for _, email := range erased {
				if strings.Contains(string(data), email) {
					b.Fatalf("%s still holds %s", f, email)
				}
			}
		}
	}
}
