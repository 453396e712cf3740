package data_test

import (
	"bytes"
	"context"
	"crypto/ecdsa"
	"crypto/elliptic"
	"crypto/rand"
	"crypto/x509"
	"crypto/x509/pkix"
	"database/sql"
	"encoding/pem"
	"math/big"
	"net"
	"net/url"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/apetitspas/apetitspas/app"
	"github.com/apetitspas/apetitspas/data"
	"github.com/apetitspas/apetitspas/data/datatest"
)

func hostOf(t *testing.T, u string) string {
	pu, err := url.Parse(u)
	if err != nil {
		t.Fatal(err)
	}
	return pu.Host
}

// Losing the server: a clear reason, nothing half-written, and the same
// DB works again once the server is back, without reopening.
func TestALostServerFailsClosedAndTheAppReconnects(t *testing.T) {
	pg := datatest.NewPGDaycareDB(t)
	p := datatest.NewProxy(t, hostOf(t, pg.AppURL))
	db := openPath(t, p.Via(t, pg.AppURL))
	insertUsers(t, db, newUser("a@cpe.ca", "A", app.RoleAdmin))

	p.Down()
	c, cancel := context.WithTimeout(ctx, 20*time.Second)
	defer cancel()
	err := db.Update(c, func(tx app.Tx) error {
		u := newUser("b@cpe.ca", "B", app.RoleParent)
		return tx.InsertUser(&u)
	})
	wantReason(t, err, app.ReasonDBServer)
	err = db.View(c, func(tx app.Tx) error { _, err := tx.UserByEmail("a@cpe.ca"); return err })
	wantReason(t, err, app.ReasonDBServer)

	p.Up()
	var n int
	for i := 0; i < 3; i++ { // a pooled connection may still be the dead one
		if err = db.View(c, func(tx app.Tx) error { var err error; n, err = tx.CountUsers(""); return err }); err == nil {
			break
		}
	}
	if err != nil || n != 1 {
		t.Fatalf("after the server came back: %d accounts, %v (want 1: b was never written)", n, err)
	}
	insertUsers(t, db, newUser("b@cpe.ca", "B", app.RoleParent))
}

// A transaction cut in the middle leaves nothing: the server rolls back
// what it had been given.
func TestATransactionCutByTheNetworkLeavesNothing(t *testing.T) {
	pg := datatest.NewPGDaycareDB(t)
	p := datatest.NewProxy(t, hostOf(t, pg.AppURL))
	db := openPath(t, p.Via(t, pg.AppURL))
	err := db.Update(ctx, func(tx app.Tx) error {
		for i := range 3 {
			u := newUser(string(rune('a'+i))+"@cpe.ca", "X", app.RoleParent)
			if err := tx.InsertUser(&u); err != nil {
				return err
			}
		}
		p.Down() // between the writes and the commit
		return nil
	})
	wantReason(t, err, app.ReasonDBServer)
	direct := openPath(t, pg.AppURL)
	if n := queryInt(t, direct, "SELECT count(*) FROM users"); n != 0 {
		t.Fatalf("%d accounts written by a transaction that never committed", n)
	}
}

// The password of the URL is never in an error, a path or a message.
func TestTheURLsPasswordIsNeverShown(t *testing.T) {
	pg := datatest.NewPGDaycareDB(t)
	secret := "pas-le-bon-mot-de-passe-9731"
	u, _ := url.Parse(pg.AppURL)
	u.User = url.UserPassword(datatest.AppRole, secret)
	_, err := data.Open(u.String())
	ae := wantReason(t, err, app.ReasonDBLogin)
	for _, s := range []string{err.Error(), ae.Detail, data.RedactURL(u.String())} {
		if strings.Contains(s, secret) {
			t.Fatalf("the password shows in %q", s)
		}
	}
	db := openPath(t, pg.AppURL)
	if strings.Contains(db.Path(), "apetitspas-test-pw") || !strings.Contains(db.Path(), "xxxxx") {
		t.Fatalf("Path() = %q", db.Path())
	}
	q := strings.Replace(pg.AppURL, "?", "?password="+secret+"&", 1)
	if r := data.RedactURL(q); strings.Contains(r, secret) {
		t.Fatalf("RedactURL(%q) = %q", q, r)
	}
}

// TLS with sslmode=verify-full: the server's certificate is checked
// against the daycare's CA and its name; another CA is refused.
func TestTLSVerifyFullChecksTheServersCertificate(t *testing.T) {
	pg := datatest.NewPGDaycareDB(t)
	ca := os.Getenv("APETITSPAS_TEST_PG_CA")
	if ca == "" {
		t.Fatal("APETITSPAS_TEST_PG_CA: the test server's CA (.ci/pg.sh)")
	}
	secure := func(host, caFile string) string {
		u, _ := url.Parse(pg.AppURL)
		_, port, _ := net.SplitHostPort(u.Host)
		u.Host = net.JoinHostPort(host, port)
		q := u.Query()
		q.Set("sslmode", "verify-full")
		q.Set("sslrootcert", caFile)
		u.RawQuery = q.Encode()
		return u.String()
	}
	db := openPath(t, secure("localhost", ca))
	var ssl bool
	if err := data.RawDB(db).QueryRow(`SELECT ssl FROM pg_stat_ssl WHERE pid = pg_backend_pid()`).Scan(&ssl); err != nil || !ssl {
		t.Fatalf("connection encrypted: %v %v", ssl, err)
	}
	insertUsers(t, db, newUser("a@cpe.ca", "A", app.RoleAdmin))

	other := filepath.Join(t.TempDir(), "autre-ca.pem")
	writeSelfSignedCA(t, other)
	_, err := data.Open(secure("localhost", other))
	wantReason(t, err, app.ReasonDBTLS)
}

func writeSelfSignedCA(t *testing.T, path string) {
	key, err := ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
	if err != nil {
		t.Fatal(err)
	}
	tmpl := &x509.Certificate{SerialNumber: big.NewInt(1), Subject: pkix.Name{CommonName: "pas la bonne CA"},
		NotBefore: time.Now().Add(-time.Hour), NotAfter: time.Now().Add(time.Hour), IsCA: true,
		BasicConstraintsValid: true, KeyUsage: x509.KeyUsageCertSign}
	der, err := x509.CreateCertificate(rand.Reader, tmpl, tmpl, &key.PublicKey, key)
	if err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(path, pem.EncodeToMemory(&pem.Block{Type: "CERTIFICATE", Bytes: der}), 0o600); err != nil {
		t.Fatal(err)
	}
}

// The app's role has the app's rights and no more: it cannot change the
// schema, and a database not made by db migrate is refused.
func TestTheAppsRoleCannotChangeTheSchema(t *testing.T) {
	pg := datatest.NewPGDaycareDB(t)
	db := openPath(t, pg.AppURL)
	if _, err := data.RawDB(db).Exec(`INSERT INTO person (id, ref, email, salt, commitment) VALUES (999, '{p:999}', 'x@cpe.ca', '\x00', '\x00')`); err != nil {
		t.Fatal(err)
	}
	for _, stmt := range []string{
		"DROP TABLE audit", "DROP TABLE users", "TRUNCATE audit", "ALTER TABLE audit DISABLE TRIGGER audit_no_update",
		"DELETE FROM settings", "CREATE TABLE evil (x int)", "UPDATE apetitspas_schema SET version = 1",
		// Erasing a person deletes her account (app/erase.go), never her
		// person row, whose number and commitment never change.
		"DELETE FROM person", "UPDATE person SET commitment = '\\x01'", "ALTER TABLE person DISABLE TRIGGER person_fixed",
	} {
		if _, err := data.RawDB(db).Exec(stmt); err == nil {
			t.Errorf("%s: allowed to the app's role", stmt)
		}
	}
	// Not migrated: refused with the reason that names db migrate.
	bare := datatest.NewPGDatabase(t)
	_, err := data.Open(bare.AppURL)
	wantReason(t, err, app.ReasonDBNotMigrated)
	// The owner's own connection is refused by the app.
	_, err = data.Open(pg.OwnerURL)
	wantReason(t, err, app.ReasonDBRights)
}

// The owner cannot change the journal either: the triggers hold for every
// role (the app's role has not even the privilege).
func TestTheOwnerCannotChangeTheJournalEither(t *testing.T) {
	pg := datatest.NewPGDaycareDB(t)
	db := openPath(t, pg.AppURL)
	appendEvents(t, db, app.AuditEvent{Time: t0, Event: app.EventLogout, Actor: "a@x.ca", MAC: []byte{1}})
	owner := rawPG(t, pg.OwnerURL)
	for _, stmt := range []string{"UPDATE audit SET actor = 'x'", "DELETE FROM audit", "TRUNCATE audit"} {
		if _, err := owner.Exec(stmt); err == nil || !strings.Contains(err.Error(), "append-only") {
			t.Errorf("%s as the owner: %v, want the append-only refusal", stmt, err)
		}
	}
}

// rawPG is a plain connection to the test server on the schema.
func rawPG(t *testing.T, u string) *sql.DB {
	t.Helper()
	db, err := sql.Open("pgx", u+"&search_path=apetitspas")
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { db.Close() })
	return db
}

// RedactURL never panics and never gives back a password it was given.
func FuzzRedactURL(f *testing.F) {
	for _, s := range []string{
		"postgres://app:s3cret@serveur/garderie?sslmode=verify-full",
		"postgresql://app@h/db?password=s3cret", "postgres://:s3cret@/", "postgres://a:b@c:d/e?password=f&password=g",
		"postgres://%zz", "", "postgres://app:p%40ss@h/db",
	} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, u string) {
		r := data.RedactURL(u)
		pu, err := url.Parse(u)
		if err != nil {
			return
		}
		var secrets []string
		if pu.User != nil {
			if pw, ok := pu.User.Password(); ok && len(pw) > 5 {
				secrets = append(secrets, pw)
			}
		}
		for _, v := range pu.Query()["password"] {
			if len(v) > 5 {
				secrets = append(secrets, v)
			}
		}
		for _, s := range secrets {
			if strings.Count(u, s) > 1 || strings.Contains(data.RedactURL(strings.Replace(u, s, "", 1)), s) {
				continue // also elsewhere in the URL (a user named like the password)
			}
			if strings.Contains(r, s) || strings.Contains(r, url.QueryEscape(s)) || strings.Contains(r, url.PathEscape(s)) {
				t.Fatalf("RedactURL(%q) = %q shows %q", u, r, s)
			}
		}
	})
}

// A server on the network is reached with a verified certificate or not
// at all: "prefer" would fall back to plain text, "require" checks no
// certificate. Refused before any connection is tried.
func TestAServerOnTheNetworkNeedsAVerifiedCertificate(t *testing.T) {
	for _, u := range []string{
		"postgres://app:pw@db.garderie.lan/garderie",
		"postgres://app:pw@db.garderie.lan/garderie?sslmode=disable",
		"postgres://app:pw@db.garderie.lan/garderie?sslmode=prefer",
		"postgres://app:pw@db.garderie.lan/garderie?sslmode=require",
		"postgres://app:pw@192.168.1.20:5432/garderie?sslmode=allow",
		"postgres://app:pw@127.0.0.1,db.garderie.lan/garderie?sslmode=prefer",
	} {
		// db.garderie.lan does not resolve here: a connection tried
		// would have failed as db_server.
		_, err := data.Open(u)
		ae := wantReason(t, err, app.ReasonDBTLSRequired)
		if strings.Contains(err.Error()+ae.Detail, ":pw@") {
			t.Errorf("%s: the password shows in %v", u, err)
		}
	}
	// On this computer, and with verify-full or verify-ca, it goes on to
	// connect (and fails here for another reason: no such server).
	for _, u := range []string{
		"postgres://app:pw@127.0.0.1:1/garderie?sslmode=disable",
		"postgres://app:pw@[::1]:1/garderie",
		"postgres://app:pw@localhost:1/garderie",
		"postgres://app:pw@db.garderie.invalid:1/garderie?sslmode=verify-full",
	} {
		_, err := data.Open(u)
		if app.ErrorReason(err) == app.ReasonDBTLSRequired {
			t.Errorf("%s: refused as without TLS", u)
		}
	}
}

// The journal's one-time hand-over to the personal form (migration 0012):
// the app's role rewrites rows only through audit_hand_over, only in the
// transaction that journaled the first audit.persons_handed_over row, only
// that row and older ones, keeping their number, time and event; once
// committed, nobody (the owner included) rewrites a row again, and a
// second hand-over row opens nothing.
func TestTheJournalIsHandedOverOnceThroughTheNarrowDoor(t *testing.T) {
	pg := datatest.NewPGDaycareDB(t)
	db := openPath(t, pg.AppURL)
	old := appendEvents(t, db,
		app.AuditEvent{Time: t0, Event: app.EventLoginSucceeded, Actor: "anne@parents.ca", MAC: []byte{1}},
		app.AuditEvent{Time: t0.Add(time.Second), Event: app.EventLogout, Actor: "anne@parents.ca", MAC: []byte{2}})
	rewrite := func(tx app.Tx, es ...app.AuditEvent) error {
		for i := range es {
			es[i].MAC = []byte{9, byte(i)}
		}
		return tx.RewriteAudit(es)
	}
	handedOver := func(id int64) app.AuditEvent {
		return app.AuditEvent{ID: id, Time: t0.Add(time.Minute), Event: app.EventJournalHandedOver, Actor: "a@cpe.ca", MAC: []byte{3}}
	}
	mustRefuse := func(what string, fn func(app.Tx) error) {
		t.Helper()
		if err := db.Update(ctx, fn); err == nil {
			t.Errorf("%s: allowed", what)
		}
	}
	// Without a hand-over row in the transaction: refused.
	mustRefuse("a rewrite without the hand-over", func(tx app.Tx) error {
		e := old[0]
		e.Actor = "{p:1}"
		return rewrite(tx, e)
	})
	// The hand-over: its row first, then the rows up to it, rewritten;
	// a row after it, or one whose event or time changes, is not.
	mustRefuse("a row after the hand-over's", func(tx app.Tx) error {
		h := handedOver(0)
		later := app.AuditEvent{Time: t0.Add(2 * time.Minute), Event: app.EventLogout, Actor: "x@cpe.ca", MAC: []byte{4}}
		if err := tx.AppendAudit(&h); err != nil {
			return err
		}
		if err := tx.AppendAudit(&later); err != nil {
			return err
		}
		return rewrite(tx, later)
	})
	mustRefuse("a row whose event changes", func(tx app.Tx) error {
		h := handedOver(0)
		if err := tx.AppendAudit(&h); err != nil {
			return err
		}
		e := old[0]
		e.Event = app.EventUserCreated
		return rewrite(tx, e)
	})
	var h app.AuditEvent
	err := db.Update(ctx, func(tx app.Tx) error {
		h = handedOver(0)
		if err := tx.AppendAudit(&h); err != nil {
			return err
		}
		a, b := old[0], old[1]
		a.Actor, b.Actor = "{p:1}", "{p:1}"
		return rewrite(tx, a, b, h)
	})
	if err != nil {
		t.Fatalf("the hand-over: %v", err)
	}
	owner := rawPG(t, pg.OwnerURL)
	var actor string
	var mac []byte
	if err := owner.QueryRow(`SELECT actor, mac FROM audit WHERE id = $1`, old[0].ID).Scan(&actor, &mac); err != nil ||
		actor != "{p:1}" || !bytes.Equal(mac, []byte{9, 0}) {
		t.Fatalf("row %d after the hand-over: %q %x %v", old[0].ID, actor, mac, err)
	}
	// Once: a later transaction, even with a second hand-over row, may not.
	mustRefuse("a second hand-over", func(tx app.Tx) error {
		h2 := handedOver(0)
		if err := tx.AppendAudit(&h2); err != nil {
			return err
		}
		e := old[0]
		e.Actor = "anne@parents.ca"
		return rewrite(tx, e)
	})
	raw := data.RawDB(db)
	for _, stmt := range []struct {
		q    string
		args []any
	}{
		{`UPDATE audit SET actor = 'x' WHERE id = $1`, []any{old[0].ID}},
		{`SELECT audit_hand_over($1, $2, $3, 'x', '', '', NULL, '\x01')`, []any{old[0].ID, old[0].Time.UnixMilli(), old[0].Event}},
	} {
		if _, err := raw.Exec(stmt.q, stmt.args...); err == nil {
			t.Errorf("%s: allowed to the app's role after the hand-over", stmt.q)
		}
		if _, err := owner.Exec(stmt.q, stmt.args...); err == nil {
			t.Errorf("%s: allowed to the owner after the hand-over", stmt.q)
		}
	}
	if err := owner.QueryRow(`SELECT actor FROM audit WHERE id = $1`, old[0].ID).Scan(&actor); err != nil || actor != "{p:1}" {
		t.Fatalf("row %d changed: %q %v", old[0].ID, actor, err)
	}
	// The function is the app's role's only: not PUBLIC's.
	var public bool
	if err := owner.QueryRow(`SELECT has_function_privilege('public', 'audit_hand_over(bigint, bigint, text, text, text, text, text, bytea)', 'EXECUTE')`).Scan(&public); err != nil || public {
		t.Fatalf("PUBLIC may call audit_hand_over: %v %v", public, err)
	}
}

// A server at schema 11 (before the hand-over function) is brought to 12
// by db migrate with its journal kept, and the hand-over then goes
// through; before that, the app refuses the old schema.
func TestASchema11ServerIsMigratedAndItsJournalCanBeHandedOver(t *testing.T) {
	pg := datatest.NewPGDaycareDB(t)
	owner := rawPG(t, pg.OwnerURL)
	old0007, err := os.ReadFile("pgmigrations/0007_schema.sql")
	if err != nil {
		t.Fatal(err)
	}
	i := strings.Index(string(old0007), "CREATE FUNCTION audit_append_only()")
	j := strings.Index(string(old0007), "CREATE TRIGGER audit_no_update")
	if i < 0 || j < i {
		t.Fatal("0007's trigger function not found")
	}
	for _, q := range []string{
		`DROP FUNCTION audit_hand_over(BIGINT, BIGINT, TEXT, TEXT, TEXT, TEXT, TEXT, BYTEA)`,
		strings.Replace(string(old0007[i:j]), "CREATE FUNCTION", "CREATE OR REPLACE FUNCTION", 1),
		`UPDATE apetitspas_schema SET version = 11`,
	} {
		if _, err := owner.Exec(q); err != nil {
			t.Fatalf("back to 11: %v", err)
		}
	}
	_, err = data.Open(pg.AppURL)
	wantReason(t, err, app.ReasonDBNotMigrated)
	// Journal rows written at 11 (through the owner: the app refuses 11).
	if _, err := owner.Exec(`INSERT INTO audit (id, time, event, actor, mac) VALUES (1, 1, 'logout', 'anne@parents.ca', '\x01')`); err != nil {
		t.Fatal(err)
	}
	r, err := data.Migrate(ctx, pg.OwnerURL, datatest.AppRole)
	if err != nil || r.From != 11 || r.To != data.SchemaVersion {
		t.Fatalf("db migrate: %+v %v", r, err)
	}
	db := openPath(t, pg.AppURL)
	err = db.Update(ctx, func(tx app.Tx) error {
		h := app.AuditEvent{Time: t0, Event: app.EventJournalHandedOver, Actor: "a@cpe.ca", MAC: []byte{3}}
		if err := tx.AppendAudit(&h); err != nil {
			return err
		}
		return tx.RewriteAudit([]app.AuditEvent{
			{ID: 1, Time: time.UnixMilli(1), Event: app.EventLogout, Actor: "{p:1}", MAC: []byte{9}},
			{ID: h.ID, Time: h.Time, Event: h.Event, Actor: h.Actor, MAC: []byte{8}},
		})
	})
	if err != nil {
		t.Fatalf("the hand-over after db migrate: %v", err)
	}
	var actor string
	if err := owner.QueryRow(`SELECT actor FROM audit WHERE id = 1`).Scan(&actor); err != nil || actor != "{p:1}" {
		t.Fatalf("row 1: %q %v", actor, err)
	}
}
