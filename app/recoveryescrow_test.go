package app_test

import (
	"bytes"
	"context"
	"database/sql"
	"os"
	"sync"
	"testing"
	"time"

	"github.com/apetitspas/apetitspas/app"
	"github.com/apetitspas/apetitspas/data"
	"github.com/apetitspas/apetitspas/data/datatest"
)

// The tests of issue 15, items 1 to 3: a recovery code is no master key,
// it works once, and guesses at it are counted while the key is missing.

// masterKey is the database's key as the key ring keeps it.
func (e *env) masterKey() []byte {
	e.t.Helper()
	k, err := e.keys.Key(e.keyID())
	if err != nil {
		e.t.Fatal(err)
	}
	return k
}

// A copy of the file and a recovery code (used or not, from a sticky note)
// open nothing without her password; with her password, only an unused
// code does; a new password seals it again, and the old one opens nothing.
func TestARecoveryCodeAloneOpensNothing(t *testing.T) {
	e := newEnv(t)
	e.addUser(app.RoleAdmin, "a@cpe.ca")
	_, codes := e.enrollWithCodes("a@cpe.ca")
	key, keyID := e.masterKey(), e.keyID()
	u := e.user("a@cpe.ca")
	for _, pw := range []string{"", "mauvais-mot-de-passe", "bonjour-les-amis!"} {
		if k, ok := app.OpenEscrowForTest(u, codes[1], pw, keyID); ok || k != nil {
			t.Fatalf("the code with password %q opened the key", pw)
		}
	}
	if k, ok := app.OpenEscrowForTest(u, codes[1], goodPassword, keyID); !ok || !bytes.Equal(k, key) {
		t.Fatal("her code and her password do not open the key: RestoreKey could not work")
	}
	for _, b := range [][]byte{u.Recovery, []byte(e.fileBytes())} {
		if bytes.Contains(b, key) {
			t.Fatal("the key is in the file in clear")
		}
	}

	// A used code's copy is erased: with the password too, nothing.
	s := e.passwordStep("a@cpe.ca")
	if err := e.svc.UseRecoveryCode(e.ctx, s, codes[1]); err != nil {
		t.Fatal(err)
	}
	u = e.user("a@cpe.ca")
	if _, ok := app.OpenEscrowForTest(u, codes[1], goodPassword, keyID); ok {
		t.Fatal("a used code still opens the key: it does not « ne servira plus »")
	}
	if _, ok := app.OpenEscrowForTest(u, codes[2], goodPassword, keyID); !ok {
		t.Fatal("an unused code no longer opens the key")
	}
	secret, _ := e.finishEnrollment(s)

	// Her new password seals it again.
	e.clock.Advance(app.CodePeriod)
	s = e.signedIn("a@cpe.ca", secret)
	if err := e.svc.ChangePassword(e.ctx, s, goodPassword, "un-tout-nouveau-mot", "un-tout-nouveau-mot"); err != nil {
		t.Fatal(err)
	}
	u = e.user("a@cpe.ca")
	if _, ok := app.OpenEscrowForTest(u, codes[2], goodPassword, keyID); ok {
		t.Fatal("the old password still opens the key")
	}
	if _, ok := app.OpenEscrowForTest(u, codes[2], "un-tout-nouveau-mot", keyID); !ok {
		t.Fatal("the new password does not open the key")
	}

	// A new set erases every copy of the old one.
	e.clock.Advance(app.CodePeriod)
	fresh, err := e.svc.NewRecoveryCodes(e.ctx, s, "un-tout-nouveau-mot", e.code(secret, 0))
	if err != nil {
		t.Fatal(err)
	}
	u = e.user("a@cpe.ca")
	for _, c := range codes {
		if _, ok := app.OpenEscrowForTest(u, c, "un-tout-nouveau-mot", keyID); ok {
			t.Fatal("a code of the replaced set still opens the key")
		}
	}
	if k, ok := app.OpenEscrowForTest(u, fresh[0], "un-tout-nouveau-mot", keyID); !ok || !bytes.Equal(k, key) {
		t.Fatal("the new set does not keep the key")
	}
}

// auditRowsNaming counts the journal rows whose target is email in clear,
// read in the database itself.
func (e *env) auditRowsNaming(email string) int {
	var n int
	if datatest.Postgres() {
		db, err := sql.Open("pgx", e.path+"&search_path=apetitspas")
		if err != nil {
			e.t.Fatal(err)
		}
		defer db.Close()
		if err := db.QueryRow(`SELECT count(*) FROM audit WHERE target = $1`, email).Scan(&n); err != nil {
			e.t.Fatal(err)
		}
		return n
	}
	db := e.sqlite()
	defer db.Close()
	if err := db.QueryRow(`SELECT count(*) FROM audit WHERE target = ?`, email).Scan(&n); err != nil {
		e.t.Fatal(err)
	}
	return n
}

// fileBytes is the database file and its -wal, as a copy would hold them.
// On PostgreSQL it is every row of every table as the server returns it
// (bytea in hex): what a person with the app's role could read.
func (e *env) fileBytes() string {
	if datatest.Postgres() {
		db, err := sql.Open("pgx", e.path+"&search_path=apetitspas")
		if err != nil {
			e.t.Fatal(err)
		}
		defer db.Close()
		var s string
		if err := db.QueryRow(`SELECT coalesce(string_agg(x, E'\n'), '') FROM (
			SELECT t::text AS x FROM users t UNION ALL SELECT t::text FROM settings t
			UNION ALL SELECT t::text FROM audit t UNION ALL SELECT t::text FROM person t) rows`).Scan(&s); err != nil {
			e.t.Fatal(err)
		}
		return s
	}
	a, _ := os.ReadFile(e.path)
	b, _ := os.ReadFile(e.path + "-wal")
	return string(a) + string(b)
}

// An administrator's password set by another administrator (a temporary
// one) seals her codes too: with it, RestoreKey brings the key back.
func TestATemporaryPasswordSealsHerCodesAgain(t *testing.T) {
	e := newEnv(t)
	admin, _ := e.mfaAdmin("b@cpe.ca")
	e.addUser(app.RoleAdmin, "a@cpe.ca")
	_, codes := e.enrollWithCodes("a@cpe.ca")
	e.clock.Advance(app.CodePeriod)
	tmp, err := e.svc.SetTemporaryPassword(e.ctx, admin, "a@cpe.ca", e.code(e.kit.Secrets["b@cpe.ca"], 0))
	if err != nil {
		t.Fatal(err)
	}
	u := e.user("a@cpe.ca")
	if _, ok := app.OpenEscrowForTest(u, codes[0], goodPassword, e.keyID()); ok {
		t.Fatal("her old password still opens the key")
	}
	if _, ok := app.OpenEscrowForTest(u, codes[0], tmp, e.keyID()); !ok {
		t.Fatal("the temporary password does not open the key")
	}
}

// A set made by a version before the wrap key (each code's copy under the
// code alone) is brought to today's form by the first write: used codes'
// copies erased, the others opening nothing without her password; at her
// next sign-in her password seals them, and RestoreKey works.
func TestOldRecoverySetsAreUpgraded(t *testing.T) {
	e := newEnv(t)
	e.addUser(app.RoleAdmin, "a@cpe.ca")
	_, codes := e.enrollWithCodes("a@cpe.ca")
	key, keyID := e.masterKey(), e.keyID()
	u := e.user("a@cpe.ca")
	old := app.OldRecoverySetForTest(u, codes, keyID, key)
	if k, ok := app.OpenEscrowForTest(app.User{ID: u.ID, Recovery: old}, codes[0], "", keyID); !ok || !bytes.Equal(k, key) {
		t.Fatal("the old form is not what older versions wrote")
	}
	// As an older version left it: its set, no root, no generations.
	err := e.svc.UpdateUserForTest(e.ctx, "a@cpe.ca", func(u *app.User) { u.Recovery = old })
	if err != nil {
		t.Fatal(err)
	}
	db := e.sqlite()
	e.exec(db, "UPDATE users SET generation = 0")
	e.exec(db, "DELETE FROM settings WHERE key IN ('state_root', 'database_id')")
	os.RemoveAll(e.kit.Witness.Dir())
	e.resealForTest("a@cpe.ca")
	e.reopen()
	e.addUser(app.RoleParent, "p@cpe.ca") // a write: the upgrade
	u = e.user("a@cpe.ca")
	if u.RecoveryCodesLeft() != 10 {
		t.Fatalf("%d codes left after the upgrade", u.RecoveryCodesLeft())
	}
	if _, ok := app.OpenEscrowForTest(u, codes[0], "", keyID); ok {
		t.Fatal("after the upgrade a code alone opens the key")
	}
	secret := e.kit.Secrets["a@cpe.ca"]
	e.clock.Advance(app.CodePeriod)
	e.signedIn("a@cpe.ca", secret)
	if _, ok := app.OpenEscrowForTest(e.user("a@cpe.ca"), codes[0], goodPassword, keyID); !ok {
		t.Fatal("her sign-in did not seal the codes under her password")
	}
	if r, err := e.tr.Verify(e.ctx); err != nil || !r.OK() {
		t.Fatalf("after the upgrade: %+v %v", r, err)
	}
}

// resealForTest gives email's row the MAC of what it holds now (the way an
// older version would have written it, without generation), so that only
// the form of its set is old.
func (e *env) resealForTest(email string) {
	e.t.Helper()
	if err := e.svc.ResealRawForTest(e.ctx, email); err != nil {
		e.t.Fatal(err)
	}
}

// restorePC is one computer (one process) trying keys replace --by: its
// own connection, key ring and service, over the same key folder and the
// same witness as the others (one OS account).
func restorePC(t *testing.T, e *env) *app.Service {
	db, err := data.Open(e.path)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { db.Close() })
	return app.New(app.Params{Store: db, Now: e.clock.Now, Keys: data.NewKeyRing(e.kit.KeyDir, false),
		Argon2: datatest.QuickArgon2, Witness: data.NewWitness(e.kit.Witness.Dir())})
}

// Twenty attempts at once with one code: exactly one brings the key back,
// the others are refused; the code is used once.
func TestOneRecoveryCodeRestoresTheKeyOnceUnderConcurrency(t *testing.T) {
	e := newEnv(t)
	e.addUser(app.RoleAdmin, "a@cpe.ca")
	_, codes := e.enrollWithCodes("a@cpe.ca")
	os.RemoveAll(e.kit.KeyDir)
	e.reopen()
	const n = 20
	var wg sync.WaitGroup
	errs := make([]error, n)
	svcs := make([]*app.Service, n)
	for i := range svcs {
		svcs[i] = restorePC(t, e)
	}
	start := make(chan struct{})
	for i := 0; i < n; i++ {
		wg.Add(1)
		go func(i int) {
			defer wg.Done()
			<-start
			errs[i] = svcs[i].RestoreKey(context.Background(), "a@cpe.ca", goodPassword, codes[4])
		}(i)
	}
	close(start)
	wg.Wait()
	wins := 0
	for _, err := range errs {
		switch app.ErrorReason(err) {
		case "":
			wins++
		case app.ReasonKeyNotMissing, app.ReasonKeyRestoreRefused, app.ReasonKeyRestoreLocked:
		default:
			t.Fatalf("unexpected: %v", err)
		}
	}
	t.Logf("%d attempts with one code: %d succeeded", n, wins)
	if wins != 1 {
		t.Fatalf("%d attempts with one code brought the key back %d times", n, wins)
	}
	e.reopen()
	if u := e.user("a@cpe.ca"); u.RecoveryCodesLeft() != 9 {
		t.Fatalf("%d codes left", u.RecoveryCodesLeft())
	}
	if got := len(e.events(app.AuditFilter{Event: app.EventKeyRestored})); got != 1 {
		t.Fatalf("mfa.key_restored = %d", got)
	}
}

// While the key is missing, a hundred wrong passwords at once: at most
// ten are judged, then the restore is locked for 15 minutes on this
// computer; the failures are journaled once the key is back.
func TestWrongKeyRestorePasswordsAreCountedAndLocked(t *testing.T) {
	e := newEnv(t)
	e.addUser(app.RoleAdmin, "a@cpe.ca")
	_, codes := e.enrollWithCodes("a@cpe.ca")
	os.RemoveAll(e.kit.KeyDir)
	e.reopen()
	n, procs := 100, 10
	if testing.Short() {
		n, procs = 30, 4
	}
	svcs := make([]*app.Service, procs)
	for i := range svcs {
		svcs[i] = restorePC(t, e)
	}
	var mu sync.Mutex
	judged, locked := 0, 0
	var wg sync.WaitGroup
	for i := 0; i < n; i++ {
		wg.Add(1)
		go func(i int) {
			defer wg.Done()
			err := svcs[i%procs].RestoreKey(context.Background(), "a@cpe.ca", "essai-numero-"+string(rune('a'+i%26)), codes[0])
			mu.Lock()
			defer mu.Unlock()
			switch app.ErrorReason(err) {
			case app.ReasonKeyRestoreRefused:
				judged++
			case app.ReasonKeyRestoreLocked:
				locked++
			default:
				t.Errorf("unexpected: %v", err)
			}
		}(i)
	}
	wg.Wait()
	// The attempt that reaches the limit is judged and says "locked".
	if judged >= app.MaxFailedLogins || judged+locked != n {
		t.Fatalf("%d refused, %d locked of %d", judged, locked, n)
	}
	// Locked: her right password and code are refused too, until 15 min.
	err := e.svc.RestoreKey(e.ctx, "a@cpe.ca", goodPassword, codes[0])
	wantReason(t, err, app.ReasonKeyRestoreLocked)
	var ae *app.Error
	if !asError(err, &ae) || ae.Until.IsZero() {
		t.Fatal("the lock does not say until when")
	}
	// Editing the database file resets nothing: the count is outside it.
	e.exec(e.sqlite(), "UPDATE users SET failed_logins = 0, locked_until = 0")
	wantReason(t, e.svc.RestoreKey(e.ctx, "a@cpe.ca", goodPassword, codes[0]), app.ReasonKeyRestoreLocked)

	e.clock.Advance(app.LockDuration + time.Second)
	if err := e.svc.RestoreKey(e.ctx, "a@cpe.ca", goodPassword, codes[0]); err != nil {
		t.Fatal(err)
	}
	got := e.journal(app.AuditFilter{Event: app.EventKeyRestoreFailed})
	t.Logf("%d wrong passwords at once: %d judged (journaled once the key is back), %d refused unjudged", n, len(got), n-len(got))
	lockers := 0
	for _, ev := range got {
		if ev.Field(app.FieldLocked) == "true" {
			lockers++
		}
	}
	if len(got) > app.MaxFailedLogins || len(got) != judged+1 || lockers != 1 {
		t.Fatalf("%d failures journaled, %d refused before the lock", len(got), judged)
	}
	if got[1].Target != "a@cpe.ca" || got[1].Field(app.FieldWhere) != app.WhereKeyMissing {
		t.Fatalf("journaled: %+v", got[0])
	}
	// Journaled once.
	e.addUser(app.RoleParent, "p@cpe.ca")
	if again := e.journal(app.AuditFilter{Event: app.EventKeyRestoreFailed}); len(again) != len(got) {
		t.Fatalf("journaled again: %d", len(again))
	}
}

// Without a witness (no configuration folder) nothing could be counted:
// RestoreKey is refused rather than uncounted.
func TestRestoreKeyNeedsAWitness(t *testing.T) {
	e := newEnv(t)
	e.addUser(app.RoleAdmin, "a@cpe.ca")
	_, codes := e.enrollWithCodes("a@cpe.ca")
	os.RemoveAll(e.kit.KeyDir)
	db, err := data.Open(e.path)
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	svc := app.New(app.Params{Store: db, Now: e.clock.Now, Keys: data.NewKeyRing(e.kit.KeyDir, false), Argon2: datatest.QuickArgon2})
	wantReason(t, svc.RestoreKey(e.ctx, "a@cpe.ca", goodPassword, codes[0]), app.ReasonMFAKeyMissing)
}
