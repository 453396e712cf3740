package main

import (
	"context"
	"database/sql"
	"encoding/json"
	"fmt"
	"math/rand/v2"
	"os"
	"path/filepath"
	"strconv"
	"testing"
	"time"

	"github.com/apetitspas/apetitspas/data/datatest"
)

// The figures of backups (make bench-backup):
//
//	go test -run '^$' -bench 'Backup' -benchtime 1x ./cmd/apetitspas-admin/
//
// APETITSPAS_FIG_USERS and APETITSPAS_FIG_ROWS change the size of the
// daycare (50,000 accounts and 1,000,000 journal events by default);
// APETITSPAS_FIG_KILLS the number of kill -9 runs (50).

// TestMain lets a benchmark run the tool as a separate process (this test
// binary again), on a clock it chooses, so that it can kill it.
func TestMain(m *testing.M) {
	if args := os.Getenv("APETITSPAS_AS_TOOL"); args != "" {
		var argv []string
		if err := json.Unmarshal([]byte(args), &argv); err != nil {
			os.Exit(3)
		}
		if sec, err := strconv.ParseInt(os.Getenv("APETITSPAS_TOOL_CLOCK"), 10, 64); err == nil {
			clock = func() time.Time { return time.Unix(sec, 0) }
		}
		os.Exit(run(argv, os.Stdin, os.Stdout, os.Stderr))
	}
	datatest.CheapPassphrases() // the tests' own backups; the tool runs above at the real factor
	os.Exit(m.Run())
}

func figure(name string, def int) int {
	if n, err := strconv.Atoi(os.Getenv(name)); err == nil && n > 0 {
		return n
	}
	return def
}

// bigDaycare is daycare() grown to users accounts and rows journal events,
// every MAC valid: the rows are inserted without MACs, then the file is
// sealed again as a database from before the MACs would be, and a@cpe.ca
// acknowledges that sealing.
func bigDaycare(b *testing.B, users, rows int) (db, secretA string) {
	db, _, secretA = daycare(b)
	raw, err := sql.Open("sqlite3", db)
	if err != nil {
		b.Fatal(err)
	}
	var hash string
	raw.QueryRow(`SELECT password_hash FROM users WHERE email = 'p@cpe.ca'`).Scan(&hash)
	txn, _ := raw.Begin()
	now := time.Now().UnixMilli()
	for i := 0; i < users; i++ {
		role := "parent"
		if i%10 == 0 {
			role = "employee"
		}
		if _, err := txn.Exec(`INSERT INTO users (email, name, role, password_hash, mfa, created_at, updated_at) VALUES (?, ?, ?, ?, 'off', ?, ?)`,
			fmt.Sprintf("personne%06d@cpe.ca", i), fmt.Sprintf("Personne %d", i), role, hash, now, now); err != nil {
			b.Fatal(err)
		}
	}
	for i := 0; i < rows; i++ {
		if _, err := txn.Exec(`INSERT INTO audit (time, event, actor, target, detail) VALUES (?, 'login.succeeded', ?, ?, 'password + code')`,
			now+int64(i), fmt.Sprintf("personne%06d@cpe.ca", i%max(users, 1)), fmt.Sprintf("personne%06d@cpe.ca", i%max(users, 1))); err != nil {
			b.Fatal(err)
		}
	}
	for _, q := range []string{"DROP TRIGGER audit_no_update", "UPDATE audit SET mac = NULL", "UPDATE users SET mac = NULL",
		"DELETE FROM settings WHERE key IN ('integrity_sealed_at', 'audit_head', 'settings_mac', 'integrity_acknowledged')",
		"CREATE TRIGGER audit_no_update BEFORE UPDATE ON audit WHEN NOT (OLD.mac IS NULL AND NEW.mac IS NOT NULL) BEGIN SELECT RAISE(ABORT, 'x'); END"} {
		if _, err := txn.Exec(q); err != nil {
			b.Fatal(q, err)
		}
	}
	if err := txn.Commit(); err != nil {
		b.Fatal(err)
	}
	raw.Close()
	svc := service(b, db)
	ctx := context.Background()
	sess, err := svc.SignInAdmin(ctx, "a@cpe.ca", pw, codeFor(b, secretA))
	if err != nil {
		b.Fatal(err)
	}
	if err := svc.AcknowledgeIntegrity(ctx, sess, ""); err != nil {
		b.Fatal(err)
	}
	return db, secretA
}

func BenchmarkBackupAndRestoreOfALargeDaycare(b *testing.B) {
	users, rows := figure("APETITSPAS_FIG_USERS", 50000), figure("APETITSPAS_FIG_ROWS", 1000000)
	db, secretA := bigDaycare(b, users, rows)
	dbInfo, _ := os.Stat(db)
	for i := 0; i < b.N; i++ {
		file := filepath.Join(b.TempDir(), "garderie.apetitspas")
		start := time.Now()
		code, _, errs := runCLI(b, db, creds(codeFor(b, secretA), passphrase), "backup", "--out", file, "--by", "a@cpe.ca")
		backupTime := time.Since(start)
		if code != 0 {
			b.Fatal(errs)
		}
		fi, _ := os.Stat(file)
		target := filepath.Join(b.TempDir(), "restaure.db")
		b.Setenv("APETITSPAS_KEY_DIR", filepath.Join(b.TempDir(), "keys"))
		start = time.Now()
		code, _, errs = runCLI(b, target, passphrase+"\n", "restore", "--from", file)
		restoreTime := time.Since(start)
		if code != 0 {
			b.Fatal(errs)
		}
		svc := service(b, target)
		sess, err := svc.Login(context.Background(), "a@cpe.ca", pw)
		if err == nil {
			err = svc.VerifyCode(context.Background(), sess, codeFor(b, secretA))
		}
		if err != nil {
			b.Fatalf("sign-in after restore: %v", err)
		}
		b.ReportMetric(backupTime.Seconds(), "s/backup")
		b.ReportMetric(restoreTime.Seconds(), "s/restore")
		b.ReportMetric(float64(fi.Size())/1048576, "MB/backup")
		b.ReportMetric(float64(dbInfo.Size())/1048576, "MB/database")
	}
	b.ReportMetric(float64(users), "accounts")
	b.ReportMetric(float64(rows), "events")
}

// BenchmarkBackupKilled runs backup and restore as separate processes and
// kills them (SIGKILL) at random moments: the source database stays intact
// and the restore target is either absent or complete.
func BenchmarkBackupKilled(b *testing.B) {
	users, rows := figure("APETITSPAS_FIG_USERS", 50000), figure("APETITSPAS_FIG_ROWS", 1000000)
	kills := figure("APETITSPAS_FIG_KILLS", 50)
	db, secretA := bigDaycare(b, users, rows)
	countRows := func(path string) (int, string) {
		raw, err := sql.Open("sqlite3", "file:"+path+"?mode=ro")
		if err != nil {
			b.Fatal(err)
		}
		defer raw.Close()
		var ok string
		var n int
		raw.QueryRow("PRAGMA quick_check").Scan(&ok)
		raw.QueryRow("SELECT count(*) FROM users").Scan(&n)
		return n, ok
	}
	tool := toolProcess
	// How long a whole backup and restore take, to kill within them.
	good := filepath.Join(b.TempDir(), "bonne.apetitspas")
	start := time.Now()
	if out, err := tool(db, creds(codeFor(b, secretA), passphrase), "backup", "--out", good, "--by", "a@cpe.ca").CombinedOutput(); err != nil {
		b.Fatalf("%v %s", err, out)
	}
	backupTime := time.Since(start)
	wantUsers, _ := countRows(db)
	keyDir := os.Getenv("APETITSPAS_KEY_DIR")
	start = time.Now()
	probe := filepath.Join(b.TempDir(), "probe.db")
	b.Setenv("APETITSPAS_KEY_DIR", filepath.Join(b.TempDir(), "k"))
	if out, err := tool(probe, passphrase+"\n", "restore", "--from", good).CombinedOutput(); err != nil {
		b.Fatalf("%v %s", err, out)
	}
	restoreTime := time.Since(start)
	b.Setenv("APETITSPAS_KEY_DIR", keyDir)

	killedBackups, intactSource, killedRestores, absent, complete := 0, 0, 0, 0, 0
	for i := 0; i < kills; i++ {
		out := filepath.Join(b.TempDir(), "b.apetitspas")
		cmd := tool(db, creds(codeFor(b, secretA), passphrase), "backup", "--out", out, "--by", "a@cpe.ca")
		if err := cmd.Start(); err != nil {
			b.Fatal(err)
		}
		time.Sleep(time.Duration(rand.Int64N(int64(backupTime))))
		if cmd.Process.Kill() == nil && cmd.Wait() != nil {
			killedBackups++
		}
		if n, ok := countRows(db); n == wantUsers && ok == "ok" {
			intactSource++
		} else {
			b.Fatalf("source after a killed backup: %d accounts, %q", n, ok)
		}
	}
	for i := 0; i < kills; i++ {
		target := filepath.Join(b.TempDir(), "r.db")
		keys := filepath.Join(b.TempDir(), "keys")
		b.Setenv("APETITSPAS_KEY_DIR", keys)
		cmd := tool(target, passphrase+"\n", "restore", "--from", good)
		if err := cmd.Start(); err != nil {
			b.Fatal(err)
		}
		time.Sleep(time.Duration(rand.Int64N(int64(restoreTime))))
		if cmd.Process.Kill() == nil && cmd.Wait() != nil {
			killedRestores++
		}
		if _, err := os.Stat(target); err != nil {
			absent++
			continue
		}
		n, ok := countRows(target)
		if n != wantUsers || ok != "ok" {
			b.Fatalf("a half-restored target: %d accounts, %q", n, ok)
		}
		if ks, _ := os.ReadDir(keys); len(ks) != 1 {
			b.Fatalf("a restored database without its key: %v", ks)
		}
		complete++
	}
	b.Setenv("APETITSPAS_KEY_DIR", keyDir)
	b.ReportMetric(float64(killedBackups), "backups_killed")
	b.ReportMetric(float64(intactSource), "source_intact")
	b.ReportMetric(float64(killedRestores), "restores_killed")
	b.ReportMetric(float64(absent), "target_absent")
	b.ReportMetric(float64(complete), "target_complete")
}
