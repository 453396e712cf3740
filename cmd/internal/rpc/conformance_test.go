//go:build cgo

package rpc

import (
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/apetitspas/apetitspas/app"
	"github.com/apetitspas/apetitspas/data"
	"github.com/apetitspas/apetitspas/data/datatest"
)

// The same scenario, every method of app.API and app.Technician, run on
// two new daycares with the same fake clock: one through app.Local
// in-process, one through the service (Client → socket → NewHandler). Both
// transcripts must be the same, errors included (code, reason, until,
// line, detail), and the handles' views after every call, refusals
// included.
func TestConformance(t *testing.T) {
	local, wire := new(transcript), new(transcript)
	scenario(t, localSide(t, datatest.Options{}), local)
	scenario(t, wireSide(t, datatest.Options{}), wire)
	if len(local.lines) < 150 {
		t.Errorf("the scenario stopped early: %d steps", len(local.lines))
	}
	compare(t, local, wire)
}

const (
	pw1       = "tulipe bleue sur la colline"
	pw2       = "girafe verte au marché 01"
	pwEduc    = "trois pommes et un vélo"
	pwParent  = "une lampe sous la neige"
	passBack  = "une phrase de passe assez longue"
	dirEmail  = "diane@cpe.ca"
	adjEmail  = "lea@cpe.ca"
	educEmail = "educ@cpe.ca"
	parEmail  = "parent@exemple.ca"
)

// scenario runs everything on s, recording in r. Values it needs later
// (secrets, codes) come from what the API answered on this side.
func scenario(t *testing.T, s *side, r *transcript) {
	ctx, api, d := s.ctx, s.api, s.d
	step := func(name string, vals ...any) {
		for _, v := range vals {
			if evs, ok := v.([]app.AuditEvent); ok {
				for _, ev := range evs { // a keyed tag of a random code
					r.random(ev.Field(app.FieldCodeTag))
				}
			}
		}
		r.note(name, vals...)
	}
	code := func(secret string, offset int) string { return d.Code(secret, offset) }
	next := func() { d.Clock.Advance(app.CodePeriod) }
	must := func(what string, err error) {
		t.Helper()
		if err != nil {
			t.Fatalf("%s: %s: %v", s.name, what, err)
		}
	}

	// Before the first run.
	needs, err := api.NeedsSetup(ctx)
	step("NeedsSetup", needs, err)
	name, err := api.DaycareName(ctx)
	step("DaycareName", name, err)
	idle, err := api.IdleTimeout(ctx)
	step("IdleTimeout", idle, err)

	// First run.
	diane := app.NewUser{Email: " Diane@CPE.ca ", Name: "Diane Directrice", Password: pw1}
	u, err := api.Setup(ctx, "CPE Les Petits Pas", diane, "pas la même")
	step("Setup mismatch", u, err)
	u, err = api.Setup(ctx, "", diane, pw1)
	step("Setup no daycare", u, err)
	u, err = api.Setup(ctx, "CPE Les Petits Pas", diane, pw1)
	step("Setup", u, err)
	must("setup", err)
	u, err = api.Setup(ctx, "Encore", diane, pw1)
	step("Setup again", u, err)
	name, err = api.DaycareName(ctx)
	step("DaycareName", name, err)

	// Sign-in and enrollment of the director.
	h, err := api.Login(ctx, dirEmail, "mauvais mot de passe")
	step("Login wrong", h, err)
	h, err = api.Login(ctx, dirEmail, pw1)
	step("Login", h, err)
	must("login", err)
	step("RequestMFAActivation", api.RequestMFAActivation(ctx, h), h)
	step("Logout", api.Logout(ctx, h, app.EventLogout), h)
	h, err = api.Login(ctx, dirEmail, pw1)
	step("Login enroll", h, err)
	must("login", err)
	canSkip, until, err := api.EnrollmentGrace(ctx, h)
	step("EnrollmentGrace", canSkip, until, err, h)
	en, err := api.BeginEnrollment(ctx, h)
	must("enrollment", err)
	r.random(en.Secret)
	step("BeginEnrollment", en, err, h)
	step("ConfirmEnrollment wrong", api.ConfirmEnrollment(ctx, h, code(en.Secret, 7)), h)
	step("ConfirmEnrollment", api.ConfirmEnrollment(ctx, h, code(en.Secret, 0)), h)
	codes1 := h.TakeRecoveryCodes()
	r.random(codes1...)
	step("recovery codes", len(codes1), h.TakeRecoveryCodes(), h)
	secret1 := en.Secret
	next()
	step("Logout", api.Logout(ctx, h, app.EventLogout))

	// Sign-in with a code.
	h, err = api.Login(ctx, dirEmail, pw1)
	step("Login code", h, err)
	must("login", err)
	step("VerifyCode bad format", api.VerifyCode(ctx, h, "12"), h)
	step("VerifyCode", api.VerifyCode(ctx, h, code(secret1, 0)), h)
	admin := h
	next()
	hs, err := api.SignInAdmin(ctx, dirEmail, pw1, code(secret1, 0))
	step("SignInAdmin", hs, err)
	step("Logout", api.Logout(ctx, hs, app.EventLogout), hs)
	step("Refresh after logout", api.Refresh(ctx, hs), hs)
	step("Logout again", api.Logout(ctx, hs, app.EventLogout), hs)

	// Accounts.
	im, err := api.CreateAccount(ctx, admin, app.NewUser{Role: app.RoleAdmin, Email: adjEmail, Name: "Léa Adjointe"}, "")
	r.random(im.TempPassword)
	step("CreateAccount admin", im, err, admin)
	must("create", err)
	tempLea := im.TempPassword
	im, err = api.CreateAccount(ctx, admin, app.NewUser{Role: app.RoleEmployee, Email: educEmail, Name: "Éric Éducateur", Password: pwEduc}, "")
	step("CreateAccount employee", im, err, admin)
	im, err = api.CreateAccount(ctx, admin, app.NewUser{Role: app.RoleParent, Email: parEmail, Name: "Paul Parent", Password: pwParent}, "")
	step("CreateAccount parent", im, err, admin)
	im, err = api.CreateAccount(ctx, admin, app.NewUser{Role: app.RoleParent, Email: parEmail, Name: "Encore", Password: pwParent}, "")
	step("CreateAccount taken", im, err, admin)
	im, err = api.CreateAccount(ctx, admin, app.NewUser{Role: "directrice", Email: "x@cpe.ca", Name: "X", Password: pwParent}, "")
	step("CreateAccount bad role", im, err, admin)

	// The second administrator: her own password, then her AMF.
	h2, err := api.Login(ctx, adjEmail, tempLea)
	step("Login temporary", h2, err)
	must("login", err)
	step("ChooseNewPassword mismatch", api.ChooseNewPassword(ctx, h2, pw2, "autre chose"), h2)
	step("ChooseNewPassword", api.ChooseNewPassword(ctx, h2, pw2, pw2), h2)
	if h2.Step() == app.StepSignedIn {
		step("RequestMFAActivation", api.RequestMFAActivation(ctx, h2), h2)
		step("Logout", api.Logout(ctx, h2, app.EventLogout))
		h2, err = api.Login(ctx, adjEmail, pw2)
		step("Login", h2, err)
		must("login", err)
	}
	en2, err := api.BeginEnrollment(ctx, h2)
	must("enrollment", err)
	r.random(en2.Secret)
	step("BeginEnrollment", en2, err, h2)
	step("ConfirmEnrollment", api.ConfirmEnrollment(ctx, h2, code(en2.Secret, 0)), h2)
	codes2 := h2.TakeRecoveryCodes()
	r.random(codes2...)
	step("recovery codes", len(codes2))
	next()
	step("Logout", api.Logout(ctx, h2, app.EventLogout))

	// A wrong code lock: Until crosses; the view after each refusal too.
	h2, err = api.Login(ctx, adjEmail, pw2)
	step("Login", h2, err)
	must("login", err)
	for i := 0; i < 12; i++ {
		err := api.VerifyCode(ctx, h2, code(en2.Secret, 5+i))
		step(fmt.Sprintf("VerifyCode wrong %d", i), err, h2)
		if app.ErrorReason(err) == app.ReasonMFALocked {
			break
		}
	}
	h3, err := api.Login(ctx, adjEmail, pw2)
	step("Login while locked", h3, err)

	// The permission table, then a reset by the other administrator.
	for _, e := range []string{adjEmail, educEmail, parEmail, dirEmail, "personne@cpe.ca"} {
		a, err := api.Actions(ctx, admin, e)
		step("Actions "+e, a, err, admin)
	}
	next()
	rc, err := api.ResetMFA(ctx, admin, adjEmail, "")
	r.random(rc.Code)
	step("ResetMFA without code", rc, err, admin)
	rc, err = api.ResetMFA(ctx, admin, adjEmail, code(secret1, 9))
	r.random(rc.Code)
	step("ResetMFA wrong code", rc, err, admin)
	first, err := api.ResetMFA(ctx, admin, adjEmail, code(secret1, 0))
	r.random(first.Code)
	step("ResetMFA", first, err, admin)
	rc, err = api.ResetMFA(ctx, admin, adjEmail, "")
	r.random(rc.Code)
	step("ResetMFA again", rc, err, admin)
	a, err := api.Actions(ctx, admin, adjEmail)
	step("Actions after reset", a, err, admin)
	rc, err = api.NewReactivationCode(ctx, admin, adjEmail, "")
	r.random(rc.Code)
	step("NewReactivationCode", rc, err, admin)
	step("Unlock not locked", api.Unlock(ctx, admin, adjEmail, ""), admin)
	d.Clock.Advance(time.Hour)
	h2, err = api.Login(ctx, adjEmail, pw2)
	step("Login after reset", h2, err)
	_, err = api.BeginEnrollment(ctx, h2)
	step("BeginEnrollment before the reactivation code", err, h2)
	step("UseReactivationCode malformed", api.UseReactivationCode(ctx, h2, "12"), h2)
	step("UseReactivationCode voided", api.UseReactivationCode(ctx, h2, first.Code), h2)
	step("UseReactivationCode", api.UseReactivationCode(ctx, h2, rc.Code), h2)
	by, at, err := api.ResetNotice(ctx, h2)
	step("ResetNotice", by, at, err, h2)
	en2, err = api.BeginEnrollment(ctx, h2)
	r.random(en2.Secret)
	step("BeginEnrollment", en2, err, h2)
	step("ConfirmEnrollment", api.ConfirmEnrollment(ctx, h2, code(en2.Secret, 0)), h2)
	codes2 = h2.TakeRecoveryCodes()
	r.random(codes2...)
	step("recovery codes", len(codes2), h2)
	next()

	// The admin's session is an hour old: a strong action needs a code.
	h, err = api.Login(ctx, dirEmail, pw1)
	must("login", err)
	step("VerifyCode", api.VerifyCode(ctx, h, code(secret1, 0)), h)
	admin = h

	// A password lock: Until crosses, then an unlock.
	for i := 0; i < app.MaxFailedLogins+1; i++ {
		hp, err := api.Login(ctx, parEmail, "mauvais mot de passe")
		step(fmt.Sprintf("Login wrong %d", i), hp, err)
	}
	hp, err := api.Login(ctx, parEmail, pwParent)
	step("Login locked", hp, err)
	a, err = api.Actions(ctx, admin, parEmail)
	step("Actions locked", a, err)
	step("Unlock", api.Unlock(ctx, admin, parEmail, ""), admin)
	hp, err = api.Login(ctx, parEmail, pwParent)
	step("Login parent", hp, err)
	must("login", err)
	o, err := api.Overview(ctx, hp)
	step("Overview parent", o, err, hp)
	_, err = api.Users(ctx, hp, app.UserFilter{})
	step("Users as parent", err, hp)
	// The password rule's refusals carry their limit and word.
	step("ChangePassword too short", api.ChangePassword(ctx, hp, pwParent, "court", "court"), hp)
	step("ChangePassword common", api.ChangePassword(ctx, hp, pwParent, "motdepasse123", "motdepasse123"), hp)
	step("ChangePassword daycare", api.ChangePassword(ctx, hp, pwParent, "LesPetitsPas2026!", "LesPetitsPas2026!"), hp)
	step("ChangePassword name", api.ChangePassword(ctx, hp, pwParent, "Paul.Parent.1987!", "Paul.Parent.1987!"), hp)
	step("ChangePassword wrong", api.ChangePassword(ctx, hp, "pas le bon", "un-nouveau-mot-de-passe", "un-nouveau-mot-de-passe"), hp)
	step("ChangePassword", api.ChangePassword(ctx, hp, pwParent, "un-nouveau-mot-de-passe", "un-nouveau-mot-de-passe"), hp)
	step("Refresh", api.Refresh(ctx, hp), hp)

	// The staff policy.
	n, err := api.StaffToEnroll(ctx, admin)
	step("StaffToEnroll", n, err)
	p, err := api.StaffPolicy(ctx, admin)
	step("StaffPolicy", p, err)
	step("SetStaffPolicy grace", api.SetStaffPolicy(ctx, admin, true, 365, ""), admin)
	step("SetStaffPolicy", api.SetStaffPolicy(ctx, admin, true, 14, ""), admin)
	p, err = api.StaffPolicy(ctx, admin)
	step("StaffPolicy", p, err)
	o, err = api.Overview(ctx, admin)
	step("Overview admin", o, err)
	us, err := api.StaffToSetUp(ctx, admin)
	step("StaffToSetUp", us, err)
	_, err = api.StaffToSetUp(ctx, hp)
	step("StaffToSetUp as parent", err, hp)
	he, err := api.Login(ctx, educEmail, pwEduc)
	step("Login employee", he, err)
	must("login", err)
	canSkip, until, err = api.EnrollmentGrace(ctx, he)
	step("EnrollmentGrace", canSkip, until, err, he)
	step("SkipEnrollment", api.SkipEnrollment(ctx, he), he)
	o, err = api.Overview(ctx, he)
	step("Overview employee", o, err)

	// Listings.
	us, err = api.Users(ctx, admin, app.UserFilter{})
	step("Users", us, err)
	us, err = api.Users(ctx, admin, app.UserFilter{Role: app.RoleParent, Query: "paul", Limit: 5})
	step("Users parent", us, err)
	us, err = api.Staff(ctx, admin, "", 0)
	step("Staff", us, err)
	us, err = api.Staff(ctx, admin, "éduc", 1)
	step("Staff query", us, err)
	evs, err := api.Audit(ctx, admin, app.AuditFilter{Limit: 30})
	step("Audit", evs, err)
	evs, err = api.Audit(ctx, admin, app.AuditFilter{Person: adjEmail, Since: datatest.Start.Add(time.Minute), Until: d.Clock.Now()})
	step("Audit filtered", evs, err)
	only, err := api.OnlyEnabledAdmin(ctx, admin)
	step("OnlyEnabledAdmin", only, err)

	// Imports: a bad line, a file too large, then a good one.
	bad := []byte("role,email,name\nparent,a@exemple.ca,Anne A\nparent,pas-un-courriel,Bob B\nchef,c@exemple.ca,Chloé C\n")
	c, err := api.CheckImport(ctx, admin, bad)
	step("CheckImport bad", c, err)
	ims, err := api.ImportCSV(ctx, admin, bad, "", nil)
	step("ImportCSV bad", ims, err, admin)
	huge := []byte("role,email,name\n" + strings.Repeat("#", app.MaxImportBytes+10))
	c, err = api.CheckImport(ctx, admin, huge)
	step("CheckImport too large", c, err)
	good := []byte("role,email,name\nparent,a@exemple.ca,Anne A\nemployee,b@cpe.ca,Bob B\nadmin,c@cpe.ca,Chloé C\n")
	c, err = api.CheckImport(ctx, admin, good)
	step("CheckImport good", c, err)
	// Excel in French: Windows-1252, semicolons, French headers, how it
	// was read crossing the wire.
	c, err = api.CheckImport(ctx, admin, []byte("R\xf4le;Courriel;Nom\r\nEmploy\xe9\xb7e;d@cpe.ca;Andr\xe9 D\r\ninconnu;e@cpe.ca;E\r\n"))
	step("CheckImport French Excel", c, err)
	var last [2]int
	increasing := true
	ims, err = api.ImportCSV(ctx, admin, good, "", func(done, total int) {
		increasing = increasing && done > last[0]
		last = [2]int{done, total}
	})
	for _, im := range ims {
		r.random(im.TempPassword)
	}
	step("ImportCSV", ims, err, last, increasing, admin)
	c, err = s.api.Technician().CheckImportFile(ctx, bad)
	step("CheckImportFile", c, err)

	// More administration.
	step("SetRole bad", api.SetRole(ctx, admin, educEmail, "chef", ""), admin)
	step("SetRole", api.SetRole(ctx, admin, educEmail, app.RoleParent, ""), admin)
	step("SetDisabled self", api.SetDisabled(ctx, admin, dirEmail, true, ""), admin)
	step("SetDisabled", api.SetDisabled(ctx, admin, parEmail, true, ""), admin)
	step("Refresh disabled", api.Refresh(ctx, hp), hp)
	step("Refresh disabled again", api.Refresh(ctx, hp), hp)
	step("SetDisabled enable", api.SetDisabled(ctx, admin, parEmail, false, ""), admin)
	tmp, err := api.SetTemporaryPassword(ctx, admin, educEmail, "")
	r.random(tmp)
	step("SetTemporaryPassword", tmp, err)
	tmp, err = api.Reseal(ctx, admin, educEmail, "")
	step("Reseal", tmp, err)
	step("SetIdleMinutes bad", api.SetIdleMinutes(ctx, admin, 0), admin)
	step("SetIdleMinutes", api.SetIdleMinutes(ctx, admin, 5), admin)
	idle, err = api.IdleTimeout(ctx)
	step("IdleTimeout", idle, err)
	remember, err := api.RememberEmail(ctx)
	step("RememberEmail off", remember, err)
	step("SetRememberEmail", api.SetRememberEmail(ctx, admin, true), admin)
	remember, err = api.RememberEmail(ctx)
	step("RememberEmail on", remember, err)
	pol, err := api.StaffPolicy(ctx, admin)
	step("StaffPolicy remember", pol.RememberEmail, err)
	step("SetRememberEmail parent", api.SetRememberEmail(ctx, hp, false), hp)
	rep, err := api.CheckIntegrity(ctx, admin)
	step("CheckIntegrity", rep, err, rep.OK())
	step("AcknowledgeIntegrity", api.AcknowledgeIntegrity(ctx, admin, ""), admin)
	notes, err := api.BreakGlassNotes(ctx, admin)
	step("BreakGlassNotes", notes, err)
	step("AcknowledgeBreakGlass", api.AcknowledgeBreakGlass(ctx, admin), admin)
	mfaRep, err := api.MFAReport(ctx, admin)
	step("MFAReport", mfaRep, err, admin)
	_, err = api.MFAReport(ctx, hp)
	step("MFAReport not admin", err, hp)
	step("MFAReportSaved bad format", api.MFAReportSaved(ctx, admin, "docx", 3), admin)
	step("MFAReportSaved", api.MFAReportSaved(ctx, admin, app.ReportPDF, len(mfaRep.Rows)), admin)
	newCodes, err := api.NewRecoveryCodes(ctx, admin, pw1, "")
	r.random(newCodes...)
	step("NewRecoveryCodes", len(newCodes), err, admin)
	step("RestoreKey", api.RestoreKey(ctx, dirEmail, pw1, newCodes[0]))

	// A recovery code instead of the phone's.
	h2, err = api.Login(ctx, adjEmail, pw2)
	step("Login", h2, err)
	step("UseRecoveryCode wrong", api.UseRecoveryCode(ctx, h2, "AAAA-BBBB-CCCC"), h2)
	step("UseRecoveryCode", api.UseRecoveryCode(ctx, h2, codes2[0]), h2)
	evs, err = api.RecoveryNotices(ctx, h2)
	step("RecoveryNotices", evs, err)

	// A backup written by the client: refused as in-process first, then
	// written owner-only and decryptable. The last code is no longer
	// fresh: a code is needed.
	d.Clock.Advance(app.FreshCodeWindow)
	dir := t.TempDir()
	out := filepath.Join(dir, "garderie.apetitspas")
	r.random(dir)
	m, size, err := api.WriteBackup(ctx, admin, app.BackupRequest{Out: out, Passphrase: "court", AppVersion: "test"})
	step("WriteBackup short", m, size, err)
	if err := os.WriteFile(out+".exists", nil, 0o600); err != nil {
		t.Fatal(err)
	}
	m, size, err = api.WriteBackup(ctx, admin, app.BackupRequest{Out: out + ".exists", Passphrase: passBack, AppVersion: "test"})
	step("WriteBackup exists", m, size, err)
	m, size, err = api.WriteBackup(ctx, admin, app.BackupRequest{Out: out, Passphrase: passBack, AppVersion: "test"})
	step("WriteBackup no code", m, size, err, admin)
	m, size, err = api.WriteBackup(ctx, admin, app.BackupRequest{Out: out, Passphrase: passBack, Code: code(secret1, 0), AppVersion: "test"})
	must("backup", err)
	r.random(m.KeyID, m.DBSHA256)
	step("WriteBackup", backupFile(t, out, passBack, m, size), admin)
	at, err = api.LastBackup(ctx, admin)
	step("LastBackup", at, err)

	// The key file.
	key := filepath.Join(dir, "cle.apetitspas")
	km, err := api.ExportKey(ctx, admin, key, passBack, "", "test")
	if err != nil {
		t.Fatalf("ExportKey: %v", err)
	}
	step("ExportKey", backupFile(t, key, passBack, km, -1), admin)
	km, err = api.ExportKey(ctx, admin, key, passBack, "", "test")
	step("ExportKey exists", km, err)

	// The scheduled backup (a folder of the service's).
	folder := filepath.Join(dir, "auto")
	if err := os.Mkdir(folder, 0o700); err != nil {
		t.Fatal(err)
	}
	step("SetAutoBackup", api.SetAutoBackup(ctx, admin, folder, passBack, ""), admin)
	ab, err := api.AutoBackupSetting(ctx, admin)
	step("AutoBackupSetting", ab, err)
	file, err := api.Technician().RunScheduledBackup(ctx, "test")
	step("RunScheduledBackup", strings.TrimPrefix(file, folder), err)

	// « Changer de téléphone »: the director moves her AMF to a new
	// phone; abandoned once (nothing changes), then confirmed.
	tech := api.Technician()
	acts, err := api.OwnActions(ctx, admin)
	step("OwnActions", acts, err, admin)
	next()
	en3, err := api.BeginPhoneChange(ctx, admin, "mauvais mot de passe", code(secret1, 0))
	step("BeginPhoneChange wrong password", en3, err, admin)
	en3, err = api.BeginPhoneChange(ctx, admin, pw1, "12")
	step("BeginPhoneChange bad format", en3, err, admin)
	en3, err = api.BeginPhoneChange(ctx, admin, pw1, code(secret1, 0))
	must("phone change", err)
	r.random(en3.Secret)
	step("BeginPhoneChange", en3, err, admin)
	step("CancelPhoneChange", api.CancelPhoneChange(ctx, admin), admin)
	step("ConfirmPhoneChange cancelled", api.ConfirmPhoneChange(ctx, admin, code(en3.Secret, 0)), admin)
	next()
	en3, err = api.BeginPhoneChange(ctx, admin, pw1, code(secret1, 0))
	must("phone change", err)
	r.random(en3.Secret)
	step("BeginPhoneChange again", en3, err, admin)
	step("ConfirmPhoneChange wrong", api.ConfirmPhoneChange(ctx, admin, code(secret1, 0)), admin)
	step("ConfirmPhoneChange", api.ConfirmPhoneChange(ctx, admin, code(en3.Secret, 0)), admin)
	secret1 = en3.Secret
	next()
	evs, err = tech.ListAudit(ctx, app.AuditFilter{Event: app.EventMFADeviceReplaced})
	step("device replaced", evs, err)

	// The register of confidentiality incidents (API 9): the drafts the
	// journal's detections opened, one completed then changed, bad input,
	// a draft that is none.
	reg, err := api.Incidents(ctx, admin)
	step("Incidents", reg, err, admin)
	in := app.Incident{Information: "Courriels de parents", Circumstances: "Essais répétés sur un compte",
		KnownOn: d.Clock.Now().UTC().Format("2006-01-02"), People: 1}
	if len(reg) == 0 || reg[0].Status != app.IncidentDraft {
		t.Fatalf("no draft from the scenario's detections: %+v", reg)
	}
	in.Source = reg[0].Source
	x, err := api.SaveIncident(ctx, admin, in)
	step("SaveIncident", x, err, admin)
	x.Measures, x.Risk = "Mot de passe changé", app.RiskNotSerious
	x, err = api.SaveIncident(ctx, admin, x)
	step("SaveIncident change", x, err, admin)
	x, err = api.SaveIncident(ctx, admin, app.Incident{People: -5})
	step("SaveIncident empty", x, err, admin)
	step("DismissIncident unknown", api.DismissIncident(ctx, admin, 999999, "Pas un incident du tout"), admin)
	reg, err = api.Incidents(ctx, admin)
	step("Incidents after", len(reg), reg, err, admin)

	// The technician's operations (the computer's administrator or not,
	// as the service sees this process: the same on both sides).
	us, err = tech.ListUsers(ctx, app.UserFilter{Staff: true})
	step("ListUsers", us, err)
	evs, err = tech.ListAudit(ctx, app.AuditFilter{Limit: 10})
	step("ListAudit", evs, err)
	p, err = tech.Policy(ctx)
	step("Policy", p, err)
	rep, err = tech.Verify(ctx)
	step("Verify", rep, err)
	st, err := tech.Status(ctx, adjEmail)
	step("Status", st, err)
	step("RefuseSelfReset", tech.RefuseSelfReset(ctx, adjEmail))
	rc, err = tech.BreakGlassReset(ctx, adjEmail, "court")
	r.random(rc.Code)
	step("BreakGlassReset short", rc, err)
	rc, err = tech.BreakGlassReset(ctx, adjEmail, "Elle a perdu son téléphone hier")
	r.random(rc.Code)
	step("BreakGlassReset", rc, err)
	step("RebuildRoot", tech.RebuildRoot(ctx, "Pour voir ce que ça donne ici"))
	kr, err := tech.ReplaceKey(ctx, "La clé est encore là pourtant", false)
	step("ReplaceKey", kr, err)
	step("SeedDemo", tech.SeedDemo(ctx))
	moved, err := tech.MovedTo(ctx)
	step("MovedTo", moved, err)
	// As another OS account: never the computer's administrator.
	us, err = s.other.Technician().ListUsers(s.otherCtx, app.UserFilter{})
	step("ListUsers other", us, err)
	rc, err = s.other.Technician().BreakGlassReset(s.otherCtx, adjEmail, "Elle a perdu son téléphone hier")
	r.random(rc.Code)
	step("BreakGlassReset other", rc, err)
	notes, err = api.BreakGlassNotes(ctx, admin)
	step("BreakGlassNotes", notes, err)
	step("AcknowledgeBreakGlass", api.AcknowledgeBreakGlass(ctx, admin), admin)

	// A handle used by another OS account: refused, the owner's intact.
	view := admin.View()
	step("Refresh other account", s.other.Refresh(s.otherCtx, admin), admin)
	_, err = s.other.Users(s.otherCtx, admin, app.UserFilter{})
	step("Users other account", err, admin.View().User.UpdatedAt.Equal(view.User.UpdatedAt))
	step("Refresh owner", api.Refresh(ctx, admin), admin)

	// Session expiry: the idle lock (5 minutes), then the age.
	d.Clock.Advance(4 * time.Minute)
	step("Refresh at 4 minutes", api.Refresh(ctx, admin), admin)
	d.Clock.Advance(5 * time.Minute)
	step("Refresh at 9 minutes", api.Refresh(ctx, admin), admin)
	_, err = api.Overview(ctx, admin)
	step("Overview expired", err, admin)
	step("SetIdleMinutes expired", api.SetIdleMinutes(ctx, admin, 240), admin)
	h, err = api.Login(ctx, dirEmail, pw1)
	must("login", err)
	next()
	step("VerifyCode", api.VerifyCode(ctx, h, code(secret1, 0)), h)
	step("SetIdleMinutes", api.SetIdleMinutes(ctx, h, 240), h)
	for age := time.Duration(0); age < app.MaxSessionAge; age += 3 * time.Hour {
		d.Clock.Advance(3 * time.Hour)
		step(fmt.Sprintf("Refresh at %v", age+3*time.Hour), api.Refresh(ctx, h), h)
	}
	evs, err = tech.ListAudit(ctx, app.AuditFilter{Event: app.EventIdleLock})
	step("idle locks", len(evs), err)
	step("Logout expired", api.Logout(ctx, h, app.EventLogout), h)
	step("nil handle", api.Refresh(ctx, nil))
}

// backupFile is what a backup or key file written for the client is, as
// the transcript shows it: its mode and size (against what the call
// said), and its manifest as the file holds it, decrypted, against the
// call's; its random values are the caller's to declare.
func backupFile(t *testing.T, path, passphrase string, m app.BackupManifest, size int64) string {
	t.Helper()
	fi, err := os.Stat(path)
	if err != nil {
		return fmt.Sprintf("no file: %v", err)
	}
	sizeOK := size == -1 || fi.Size() == size
	got, key, err := app.ReadBackupFile(path, passphrase, t.TempDir(), data.SchemaVersion)
	if err != nil {
		return fmt.Sprintf("not decryptable: %v", err)
	}
	same := got == m && key.ID == m.KeyID && len(key.Key) > 0
	m.DBBytes = min(m.DBBytes, 1) // the database's size is its own
	return fmt.Sprintf("mode=%v size_ok=%v manifest_in_file_ok=%v manifest=%s", fi.Mode().Perm(), sizeOK, same, dump(m))
}
