package app_test

import (
	"os"
	"path/filepath"
	"testing"

	"github.com/apetitspas/apetitspas/app"
	"github.com/apetitspas/apetitspas/data"
)

// machinePlace is an empty machine-wide place in a temporary folder.
func machinePlace(t *testing.T) app.MoveTarget {
	t.Helper()
	root := t.TempDir()
	return app.MoveTarget{
		Path: filepath.Join(root, "data", "apetitspas.db"),
		Keys: data.NewSharedKeyRing(filepath.Join(root, "keys")),
		Open: func(path string) (app.Store, func() error, error) {
			db, err := data.Open(path)
			if err != nil {
				return nil, nil, err
			}
			return db, db.Close, nil
		},
		Share: data.ShareLikeFolder,
	}
}

// openMoved opens the machine-wide database with its key ring.
func openMoved(t *testing.T, e *env, to app.MoveTarget) (*app.Service, *data.DB) {
	t.Helper()
	db, err := data.Open(to.Path)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { db.Close() })
	// The same computer (and OS account): the same witness.
	return app.New(app.Params{Store: db, Keys: to.Keys, Now: e.clock.Now, Witness: e.kit.Witness}), db
}

func TestADaycareMovesOnceIntoTheMachineWidePlaceWithAStrongAction(t *testing.T) {
	e := newEnv(t)
	_, secret := e.mfaAdmin("a@cpe.ca")
	e.addUser(app.RoleAdmin, "b@cpe.ca") // no AMF
	e.addUser(app.RoleParent, "p@cpe.ca")
	to := machinePlace(t)

	offer, ok, err := e.tr.MoveOffer(e.ctx, e.path, to)
	if err != nil || !ok || offer.Accounts != 3 || offer.From != e.path || offer.To != to.Path {
		t.Fatalf("MoveOffer = %+v, %v, %v", offer, ok, err)
	}
	if _, err := os.Stat(to.Path); !os.IsNotExist(err) {
		t.Fatal("looking at the machine-wide place created its database")
	}

	// Refused, nothing copied: a parent, an administrator without AMF, a
	// wrong password, no code, a wrong code.
	e.clock.Advance(app.CodePeriod)
	cases := []struct {
		name, email, password, code, reason string
	}{
		{"a parent", "p@cpe.ca", goodPassword, "", app.ReasonNotAdmin},
		{"an administrator without AMF", "b@cpe.ca", goodPassword, "", app.ReasonAdminMFARequired},
		{"a wrong password", "a@cpe.ca", "pas-le-bon-mot", e.code(secret, 0), app.ReasonBadCredentials},
		{"no code", "a@cpe.ca", goodPassword, "", app.ReasonAdminCodeRequired},
		{"a wrong code", "a@cpe.ca", goodPassword, "000000", app.ReasonCodeWrong},
	}
	for _, c := range cases {
		_, err := e.svc.MoveDaycare(e.ctx, c.email, c.password, c.code, e.path, to)
		if app.ErrorReason(err) != c.reason {
			t.Errorf("%s: %v, want %s", c.name, err, c.reason)
		}
		if _, err := os.Stat(to.Path); !os.IsNotExist(err) {
			t.Fatalf("%s: a refused move wrote the machine-wide database", c.name)
		}
	}

	// An empty database at the target (the app was opened there once) is
	// moved aside, never deleted.
	empty, err := data.Open(to.Path)
	if err != nil {
		t.Fatal(err)
	}
	empty.Close()
	e.clock.Advance(app.CodePeriod)
	aside, err := e.svc.MoveDaycare(e.ctx, "a@cpe.ca", goodPassword, e.code(secret, 0), e.path, to)
	if err != nil {
		t.Fatalf("MoveDaycare: %v", err)
	}
	if _, err := os.Stat(aside); aside == "" || err != nil {
		t.Errorf("the empty database was not kept aside: %q %v", aside, err)
	}

	// The machine-wide place: the same daycare, the same key (now in the
	// machine-wide folder), every MAC holding, data.moved journaled.
	svc, _ := openMoved(t, e, to)
	tr := app.NewTrusted(svc)
	if r, err := tr.Verify(e.ctx); err != nil || !r.OK() {
		t.Fatalf("Verify of the moved daycare: %+v, %v", r, err)
	}
	e.clock.Advance(app.CodePeriod)
	sess, err := svc.Login(e.ctx, "a@cpe.ca", goodPassword)
	if err != nil || sess.Step() != app.StepCode {
		t.Fatalf("sign-in in the moved daycare: %v %v", sess, err)
	}
	if err := svc.VerifyCode(e.ctx, sess, e.code(secret, 0)); err != nil {
		t.Fatalf("the phone's code in the moved daycare: %v", err)
	}
	if evs := auditOf(t, e, svc, app.EventDataMoved); len(evs) != 1 || evs[0].Actor != "a@cpe.ca" {
		t.Errorf("data.moved in the moved daycare: %+v", evs)
	}

	// The old database: marked, journaled, never offered again.
	if to2, err := e.tr.MovedTo(e.ctx); err != nil || to2 != to.Path {
		t.Errorf("MovedTo = %q, %v", to2, err)
	}
	if evs := auditOf(t, e, e.svc, app.EventDataMoved); len(evs) != 1 {
		t.Errorf("data.moved in the old database: %+v", evs)
	}
	if _, ok, err := e.tr.MoveOffer(e.ctx, e.path, machinePlace(t)); ok || err != nil {
		t.Errorf("a moved daycare was offered again: %v %v", ok, err)
	}
	e.clock.Advance(app.CodePeriod)
	if _, err := e.svc.MoveDaycare(e.ctx, "a@cpe.ca", goodPassword, e.code(secret, 0), e.path, machinePlace(t)); app.ErrorReason(err) != app.ReasonDBMoved {
		t.Errorf("a second move: %v, want db_moved", err)
	}
}

func TestNoMoveOverADaycare(t *testing.T) {
	e := newEnv(t)
	_, secret := e.mfaAdmin("a@cpe.ca")
	to := machinePlace(t)
	// Another daycare already lives in the machine-wide place.
	other, err := data.Open(to.Path)
	if err != nil {
		t.Fatal(err)
	}
	otherSvc := app.New(app.Params{Store: other, Keys: to.Keys})
	if _, err := app.NewTrusted(otherSvc).Setup(e.ctx, "CPE Déjà Là", app.NewUser{Name: "Zoé", Email: "z@cpe.ca", Password: goodPassword}, goodPassword); err != nil {
		t.Fatal(err)
	}
	other.Close()
	before, _ := os.ReadFile(to.Path)

	if _, ok, err := e.tr.MoveOffer(e.ctx, e.path, to); ok || err != nil {
		t.Errorf("offered over a daycare: %v %v", ok, err)
	}
	e.clock.Advance(app.CodePeriod)
	_, err = e.svc.MoveDaycare(e.ctx, "a@cpe.ca", goodPassword, e.code(secret, 0), e.path, to)
	wantReason(t, err, app.ReasonMoveTargetTaken)
	if after, _ := os.ReadFile(to.Path); string(after) != string(before) {
		t.Error("the daycare in the machine-wide place was changed")
	}
	if moved, _ := e.tr.MovedTo(e.ctx); moved != "" {
		t.Error("a refused move marked the old database")
	}
	entries, _ := os.ReadDir(filepath.Dir(to.Path))
	for _, en := range entries {
		if en.IsDir() {
			t.Errorf("a refused move left %s", en.Name())
		}
	}
}

// auditOf lists the journal's events of one code in svc's database.
func auditOf(t *testing.T, e *env, svc *app.Service, event string) []app.AuditEvent {
	t.Helper()
	evs, err := app.NewTrusted(svc).Audit(e.ctx, app.AuditFilter{Event: event})
	if err != nil {
		t.Fatal(err)
	}
	return evs
}
