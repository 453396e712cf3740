package datatest

import (
	"context"
	"crypto/rand"
	"database/sql"
	"encoding/hex"
	"net/url"
	"os"
	"sync"
	"testing"

	_ "github.com/jackc/pgx/v5/stdlib" // database/sql driver "pgx"

	"github.com/apetitspas/apetitspas/data"
)

// The same tests run on both engines. `make test` starts a throwaway
// PostgreSQL server (.ci/pg.sh) and runs the packages a second time with
// APETITSPAS_TEST_STORE=postgres: NewDB and NewDaycare then give a fresh
// PostgreSQL database, migrated by its owner role and used through the
// app's role, as on a daycare's server.

// Test roles made on the throwaway server (loopback only).
const (
	OwnerRole   = "apetitspas_owner"
	AppRole     = "apetitspas_app"
	rolesSecret = "apetitspas-test-pw"
)

// Postgres reports whether this test run uses PostgreSQL
// (APETITSPAS_TEST_STORE=postgres).
func Postgres() bool { return os.Getenv("APETITSPAS_TEST_STORE") == "postgres" }

// ServerURL is the throwaway server's superuser URL. Without one, the test
// fails when PostgreSQL is required (APETITSPAS_TEST_STORE=postgres or
// APETITSPAS_REQUIRE_PG=1, as in `make test`) and is skipped otherwise
// (`go test ./...` on a machine without the server).
func ServerURL(t testing.TB) string {
	t.Helper()
	u := os.Getenv("APETITSPAS_TEST_PG")
	if u == "" {
		if Postgres() || os.Getenv("APETITSPAS_REQUIRE_PG") == "1" {
			t.Fatal("datatest: no PostgreSQL server (APETITSPAS_TEST_PG); `make test` starts one with .ci/pg.sh")
		}
		t.Skip("no PostgreSQL server here (APETITSPAS_TEST_PG); `make test` starts one")
	}
	return u
}

var rolesOnce sync.Map // server URL → error

// PGDatabase is a fresh database on the throwaway server.
type PGDatabase struct {
	Name     string
	OwnerURL string // the schema's owner, for db migrate
	AppURL   string // the app's role
	AdminURL string // the superuser, on this database
}

// NewPGDatabase makes an empty database owned by OwnerRole, dropped when
// the test ends; its schema is not made (see NewPGDaycareDB).
func NewPGDatabase(t testing.TB) PGDatabase {
	t.Helper()
	server := ServerURL(t)
	admin, err := sql.Open("pgx", server)
	if err != nil {
		t.Fatal(err)
	}
	defer admin.Close()
	ctx := context.Background()
	if v, loaded := rolesOnce.LoadOrStore(server, makeRoles(ctx, admin)); loaded && v != nil {
		t.Fatalf("datatest: roles: %v", v)
	} else if !loaded && v != nil {
		t.Fatalf("datatest: roles: %v", v)
	}
	var b [6]byte
	_, _ = rand.Read(b[:])
	name := "t_" + hex.EncodeToString(b[:])
	if _, err := admin.ExecContext(ctx, `CREATE DATABASE `+name+` OWNER `+OwnerRole); err != nil {
		t.Fatalf("datatest: create database: %v", err)
	}
	t.Cleanup(func() {
		a, err := sql.Open("pgx", server)
		if err != nil {
			return
		}
		defer a.Close()
		_, _ = a.ExecContext(context.Background(), `DROP DATABASE IF EXISTS `+name+` WITH (FORCE)`)
	})
	return PGDatabase{Name: name,
		OwnerURL: withUser(server, name, OwnerRole, rolesSecret),
		AppURL:   withUser(server, name, AppRole, rolesSecret),
		AdminURL: withUser(server, name, "", "")}
}

// NewPGDaycareDB is a fresh database whose schema `db migrate` made; it
// returns the app's URL.
func NewPGDaycareDB(t testing.TB) PGDatabase {
	t.Helper()
	d := NewPGDatabase(t)
	if _, err := data.Migrate(context.Background(), d.OwnerURL, AppRole); err != nil {
		t.Fatalf("datatest: db migrate: %v", err)
	}
	return d
}

func makeRoles(ctx context.Context, admin *sql.DB) error {
	for _, r := range []string{OwnerRole, AppRole} {
		_, err := admin.ExecContext(ctx, `DO $$ BEGIN
			CREATE ROLE `+r+` LOGIN PASSWORD '`+rolesSecret+`';
		EXCEPTION WHEN duplicate_object OR unique_violation THEN NULL;
		END $$`)
		if err != nil {
			return err
		}
	}
	return nil
}

// withUser is server's URL on database name, as user (the server's own
// user when "").
func withUser(server, name, user, password string) string {
	u, err := url.Parse(server)
	if err != nil {
		return server
	}
	if user != "" {
		u.User = url.UserPassword(user, password)
	}
	u.Path = "/" + name
	// The product gives up on a server after 5 s; a test machine busy
	// with other packages' tests (a loaded 2-core CI runner: "failed SASL
	// auth: timeout") may take longer to answer, which is not what these
	// tests are about.
	if q := u.Query(); q.Get("connect_timeout") == "" {
		q.Set("connect_timeout", "60")
		u.RawQuery = q.Encode()
	}
	return u.String()
}
