package data

import (
	"context"
	"crypto/tls"
	"crypto/x509"
	"database/sql"
	"database/sql/driver"
	"errors"
	"fmt"
	"io"
	"net"
	"net/url"
	"strconv"
	"strings"
	"syscall"
	"time"

	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgconn"
	"github.com/jackc/pgx/v5/stdlib"

	"github.com/apetitspas/apetitspas/app"
)

// PostgreSQL, for a daycare on several computers: every computer's app
// connects to one server, each with its own copy of the key (apetitspas-admin
// keys export / keys import). The schema lives in the PostgreSQL schema
// "apetitspas"; `apetitspas-admin db migrate` creates it as its owner and
// grants the app's role what it needs (pgmigrate.go). The app itself never
// changes the schema, and refuses to run with a role that could.
//
// Rules across computers. Every write transaction starts by taking one
// transaction-level advisory lock (pgWriteLock): writers run one at a
// time across all computers, exactly as SQLite runs them one at a time on
// one computer, and each statement after the lock (READ COMMITTED) sees
// every write committed before it. So every rule of package app that reads
// then writes in one Update (ten guesses then a lock, at least one enabled
// administrator, the two-person rule, a code used once) holds across
// computers with no retry loop to get wrong, and the services' closures may
// have side effects. Write transactions are short (password hashing runs
// outside them, see app.Service.Login); reads take no lock and see one
// consistent snapshot (REPEATABLE READ, READ ONLY).
//
// Time limits. The app's role could otherwise freeze every computer by
// holding that lock (or a row or table lock) in a transaction left open:
// every app connection waits at most pgLockWait for any lock, the writers'
// lock included (lock_timeout), and runs no statement longer than
// pgStatementTime (statement_timeout), both set by the connection itself
// (its start-up parameters: nothing the role sets for itself changes
// them). Past either, the transaction is rolled back (nothing
// half-written) and the user reads app.ReasonDBBusy (« Le serveur est
// occupé… »). A whole transaction without a deadline of its own is bounded
// by pgTimeout, longer than both, so that a statement that runs long is
// reported as a busy server rather than as a server gone (ReasonDBServer).

// pgWriteLock is the advisory lock key of write transactions ("APPA").
const pgWriteLock = 0x41505041

// pgSchema is the PostgreSQL schema holding the tables.
const pgSchema = "apetitspas"

// pgTimeout bounds a transaction whose context has none, so that a server
// gone silent fails the sign-in instead of hanging the window.
const pgTimeout = 30 * time.Second

// The time limits of the app's connections (see above).
const (
	// maxPGLockWait is the longest wait for a lock: the writers' lock, a
	// row, a table.
	maxPGLockWait = 10 * time.Second
	// maxPGStatement is the longest a statement runs.
	maxPGStatement = 20 * time.Second
)

// pgLockWait and pgStatementTime are the limits given to the connections
// of the next openPostgres; tests shorten them.
var (
	pgLockWait      = maxPGLockWait
	pgStatementTime = maxPGStatement
)

// pgMillis spells d for a PostgreSQL setting in milliseconds (at least 1:
// 0 would mean no limit).
func pgMillis(d time.Duration) string {
	return strconv.FormatInt(max(d.Milliseconds(), 1), 10)
}

// IsPostgresURL reports whether s names a PostgreSQL server rather than a
// SQLite file (postgres:// or postgresql://).
func IsPostgresURL(s string) bool {
	l := strings.ToLower(strings.TrimSpace(s))
	return strings.HasPrefix(l, "postgres://") || strings.HasPrefix(l, "postgresql://")
}

// RedactURL returns u with its password (in the user part or in a
// password= parameter) replaced by "xxxxx": what may be printed or
// journaled.
func RedactURL(u string) string {
	p, err := url.Parse(u)
	if err != nil {
		return "postgres://(adresse illisible)"
	}
	if p.User != nil {
		if _, has := p.User.Password(); has {
			p.User = url.UserPassword(p.User.Username(), "xxxxx")
		}
	}
	q := p.Query()
	for k := range q {
		if strings.EqualFold(k, "password") {
			q.Set(k, "xxxxx")
		}
	}
	p.RawQuery = q.Encode()
	return p.String()
}

// pgPasswords are the passwords u carries: in its user part and in every
// password= parameter (any case), as RedactURL finds them.
func pgPasswords(u string) []string {
	p, err := url.Parse(u)
	if err != nil {
		return nil
	}
	var pws []string
	if p.User != nil {
		if pw, has := p.User.Password(); has && pw != "" {
			pws = append(pws, pw)
		}
	}
	for k, vs := range p.Query() {
		if strings.EqualFold(k, "password") {
			for _, v := range vs {
				if v != "" {
					pws = append(pws, v)
				}
			}
		}
	}
	return pws
}

// scrubbed is an error whose text cannot hold the password.
type scrubbed struct {
	msg string
	err error
}

func (s *scrubbed) Error() string { return s.msg }
func (s *scrubbed) Unwrap() error { return s.err }

// scrub removes every occurrence of the URL's password from err's text,
// keeping what err wraps for errors.Is and errors.As.
func scrub(err error, rawURL string) error {
	if err == nil {
		return nil
	}
	msg := err.Error()
	for _, pw := range pgPasswords(rawURL) {
		msg = strings.ReplaceAll(msg, pw, "xxxxx")
	}
	if msg != err.Error() {
		return &scrubbed{msg: msg, err: err}
	}
	return err
}

// pgConfig reads a postgres:// URL into a connection configuration using
// the schema "apetitspas", failing fast when the server does not answer.
func pgConfig(rawURL string) (*pgx.ConnConfig, error) {
	cfg, err := pgx.ParseConfig(rawURL)
	if err != nil {
		return nil, unavailable(app.ReasonDBURL, RedactURL(rawURL), scrub(err, rawURL))
	}
	if err := checkTLS(cfg); err != nil {
		return nil, unavailable(app.ReasonDBTLSRequired, RedactURL(rawURL), err)
	}
	if cfg.RuntimeParams == nil {
		cfg.RuntimeParams = map[string]string{}
	}
	cfg.RuntimeParams["search_path"] = pgSchema
	if cfg.RuntimeParams["application_name"] == "" {
		cfg.RuntimeParams["application_name"] = "apetitspas"
	}
	if cfg.ConnectTimeout == 0 {
		cfg.ConnectTimeout = 5 * time.Second
	}
	return cfg, nil
}

// checkTLS refuses a server reached over the network without a verified
// certificate: the accounts' password hashes and sealed secrets cross the
// daycare's network, so anything but sslmode=verify-full or verify-ca
// (including "prefer", which falls back to plain text, and "require",
// which checks no certificate) is refused unless the server is on this
// computer (loopback or a Unix socket).
func checkTLS(cfg *pgx.ConnConfig) error {
	targets := []struct {
		host string
		tls  *tls.Config
	}{{cfg.Host, cfg.TLSConfig}}
	for _, f := range cfg.Fallbacks {
		targets = append(targets, struct {
			host string
			tls  *tls.Config
		}{f.Host, f.TLSConfig})
	}
	for _, t := range targets {
		if isLocalHost(t.host) {
			continue
		}
		verified := t.tls != nil && (!t.tls.InsecureSkipVerify || t.tls.VerifyPeerCertificate != nil)
		if !verified {
			return fmt.Errorf("data: the server %s is reached without a verified certificate (use sslmode=verify-full)", t.host)
		}
	}
	return nil
}

// isLocalHost: loopback addresses, localhost, or a Unix socket's folder.
func isLocalHost(h string) bool {
	if strings.HasPrefix(h, "/") || strings.EqualFold(h, "localhost") {
		return true
	}
	ip := net.ParseIP(h)
	return ip != nil && ip.IsLoopback()
}

// openPGPool opens a pool of connections (none made yet).
func openPGPool(cfg *pgx.ConnConfig) *sql.DB {
	sdb := stdlib.OpenDB(*cfg)
	sdb.SetMaxOpenConns(8)
	sdb.SetMaxIdleConns(4)
	sdb.SetConnMaxIdleTime(5 * time.Minute)
	return sdb
}

// openPostgres connects to the daycare's PostgreSQL database as the app's
// role. It changes nothing on the server: the schema must be at
// SchemaVersion (else ReasonDBNotMigrated or ReasonDBTooNew), and the role
// must not be able to change the schema nor the journal (ReasonDBRights).
func openPostgres(rawURL string) (*DB, error) {
	cfg, err := pgConfig(rawURL)
	if err != nil {
		return nil, err
	}
	// Set by the connection, whatever the URL or the role's own settings
	// say (a start-up parameter outranks ALTER ROLE … SET).
	cfg.RuntimeParams["lock_timeout"] = pgMillis(pgLockWait)
	cfg.RuntimeParams["statement_timeout"] = pgMillis(pgStatementTime)
	redacted := RedactURL(rawURL)
	d := &DB{db: openPGPool(cfg), path: redacted, pg: true, rawURL: rawURL}
	ctx, cancel := context.WithTimeout(context.Background(), pgTimeout)
	defer cancel()
	if err := d.checkPostgres(ctx); err != nil {
		_ = d.db.Close()
		return nil, err
	}
	d.version = SchemaVersion
	return d, nil
}

// checkPostgres checks the schema's identity and version and the role's
// privileges.
func (d *DB) checkPostgres(ctx context.Context) error {
	var (
		appID   int64
		version int
	)
	err := d.db.QueryRowContext(ctx, `SELECT application_id, version FROM apetitspas_schema`).Scan(&appID, &version)
	var pe *pgconn.PgError
	switch {
	case errors.As(err, &pe) && (pe.Code == "42P01" || pe.Code == "3F000"): // undefined table / schema
		return unavailable(app.ReasonDBNotMigrated, d.path, errors.New("data: no apetitspas schema on this server (run apetitspas-admin db migrate)"))
	case errors.As(err, &pe) && pe.Code == "42501": // no privilege
		return unavailable(app.ReasonDBRights, d.path, fmt.Errorf("data: the role cannot read the schema: %w", err))
	case errors.Is(err, sql.ErrNoRows):
		return unavailable(app.ReasonDBNotMigrated, d.path, errors.New("data: empty apetitspas_schema"))
	case err != nil:
		return d.mapErr(err)
	}
	switch {
	case appID != ApplicationID:
		return unavailable(app.ReasonDBForeign, d.path, fmt.Errorf("data: application_id %#x", appID))
	case version > SchemaVersion:
		return unavailable(app.ReasonDBTooNew, d.path, fmt.Errorf("data: schema version %d, this build knows %d", version, SchemaVersion))
	case version < SchemaVersion:
		return unavailable(app.ReasonDBNotMigrated, d.path, fmt.Errorf("data: schema version %d, run apetitspas-admin db migrate to reach %d", version, SchemaVersion))
	}
	if problems, err := d.pgRoleProblems(ctx); err != nil {
		return d.mapErr(err)
	} else if len(problems) > 0 {
		return unavailable(app.ReasonDBRights, d.path, fmt.Errorf("data: the app's role has too many rights: %s", strings.Join(problems, "; ")))
	}
	return nil
}

// pgRoleProblems lists what the connected role can do that the app must
// not: be a superuser, own (or belong to the owner of) the schema, create
// in it, or change or empty the journal.
func (d *DB) pgRoleProblems(ctx context.Context) ([]string, error) {
	var super, owner, create, upd, del, trunc bool
	err := d.db.QueryRowContext(ctx, `SELECT
		coalesce((SELECT rolsuper FROM pg_roles WHERE rolname = current_user), false),
		pg_has_role(current_user, (SELECT nspowner FROM pg_namespace WHERE nspname = $1), 'USAGE'),
		has_schema_privilege($1, 'CREATE'),
		has_table_privilege('audit', 'UPDATE'),
		has_table_privilege('audit', 'DELETE'),
		has_table_privilege('audit', 'TRUNCATE')`, pgSchema).Scan(&super, &owner, &create, &upd, &del, &trunc)
	if err != nil {
		return nil, err
	}
	var problems []string
	for _, p := range []struct {
		bad  bool
		what string
	}{
		{super, "superuser"}, {owner, "owner of the schema"}, {create, "CREATE on the schema"},
		{upd, "UPDATE on the journal"}, {del, "DELETE on the journal"}, {trunc, "TRUNCATE on the journal"},
	} {
		if p.bad {
			problems = append(problems, p.what)
		}
	}
	return problems, nil
}

// pgReason names what a PostgreSQL or network error says, "" if nothing
// in particular.
func pgReason(err error) string {
	var pe *pgconn.PgError
	if errors.As(err, &pe) {
		switch {
		case pe.Code == "28P01" || pe.Code == "28000": // invalid password / authorization
			return app.ReasonDBLogin
		case strings.HasPrefix(pe.Code, "08"), pe.Code == "57P01", pe.Code == "57P02", pe.Code == "57P03":
			return app.ReasonDBServer // connection exception, shutdown, starting up
		case pe.Code == "3D000": // no such database
			return app.ReasonDBServer
		case pe.Code == "42501":
			return app.ReasonDBRights
		case pe.Code == "42P01" || pe.Code == "3F000":
			return app.ReasonDBNotMigrated
		case pe.Code == "55P03" || pe.Code == "57014": // lock_timeout; statement_timeout (or a cancel)
			return app.ReasonDBBusy
		}
		return ""
	}
	var (
		cve *tls.CertificateVerificationError
		uae x509.UnknownAuthorityError
		he  x509.HostnameError
		cie x509.CertificateInvalidError
	)
	if errors.As(err, &cve) || errors.As(err, &uae) || errors.As(err, &he) || errors.As(err, &cie) {
		return app.ReasonDBTLS
	}
	var ce *pgconn.ConnectError
	var ne net.Error
	var oe *net.OpError
	switch {
	case errors.As(err, &ce), errors.As(err, &ne), errors.As(err, &oe),
		errors.Is(err, driver.ErrBadConn), errors.Is(err, io.EOF), errors.Is(err, io.ErrUnexpectedEOF),
		errors.Is(err, syscall.ECONNREFUSED), errors.Is(err, syscall.ECONNRESET), errors.Is(err, syscall.EPIPE),
		errors.Is(err, context.DeadlineExceeded), pgconn.Timeout(err):
		return app.ReasonDBServer
	}
	if strings.Contains(err.Error(), "conn closed") || strings.Contains(err.Error(), "connection refused") {
		return app.ReasonDBServer
	}
	return ""
}

func isPGUniqueViolation(err error) bool {
	var pe *pgconn.PgError
	return errors.As(err, &pe) && pe.Code == "23505"
}
