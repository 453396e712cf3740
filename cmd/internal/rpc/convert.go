package rpc

import (
	"time"

	"google.golang.org/protobuf/types/known/durationpb"
	"google.golang.org/protobuf/types/known/timestamppb"

	"github.com/apetitspas/apetitspas/app"
	pb "github.com/apetitspas/apetitspas/cmd/internal/rpc/gen/apetitspasv1"
)

// Package app's types as messages and back: what both sides of every RPC
// use. Each pair is the other's inverse on what crosses; what never
// crosses (a User's password hash, sealed secret, recovery set and MAC,
// an AuditEvent's MAC, an IntegrityReport's unexported findings, an
// Error's cause) comes back as its zero value.

// ts is t on the wire: Go's zero time is an unset field, not 1970.
func ts(t time.Time) *timestamppb.Timestamp {
	if t.IsZero() {
		return nil
	}
	return timestamppb.New(t)
}

// fromTS is ts's inverse: an unset field is Go's zero time. Times come
// back in UTC (the screens show them with Local()).
func fromTS(t *timestamppb.Timestamp) time.Time {
	if t == nil {
		return time.Time{}
	}
	return t.AsTime()
}

func userPB(u app.User) *pb.User {
	return &pb.User{
		Id: u.ID, Email: u.Email, Name: u.Name, Role: string(u.Role),
		MustChangePassword: u.MustChangePassword, Disabled: u.Disabled,
		FailedLogins: int64(u.FailedLogins), LockedUntil: ts(u.LockedUntil),
		Mfa: string(u.MFA), MfaSecretSince: ts(u.MFASecretSince), MfaLastStep: u.MFALastStep,
		MfaFailures: int64(u.MFAFailures), MfaResetBy: u.MFAResetBy, MfaResetAt: ts(u.MFAResetAt),
		MfaDue: ts(u.MFADue), Generation: u.Generation, CreatedBy: u.CreatedBy, Tampered: u.Tampered,
		CreatedAt: ts(u.CreatedAt), UpdatedAt: ts(u.UpdatedAt),
	}
}

func userOf(u *pb.User) app.User {
	if u == nil {
		return app.User{}
	}
	return app.User{
		ID: u.GetId(), Email: u.GetEmail(), Name: u.GetName(), Role: app.Role(u.GetRole()),
		MustChangePassword: u.GetMustChangePassword(), Disabled: u.GetDisabled(),
		FailedLogins: int(u.GetFailedLogins()), LockedUntil: fromTS(u.GetLockedUntil()),
		MFA: app.MFAState(u.GetMfa()), MFASecretSince: fromTS(u.GetMfaSecretSince()), MFALastStep: u.GetMfaLastStep(),
		MFAFailures: int(u.GetMfaFailures()), MFAResetBy: u.GetMfaResetBy(), MFAResetAt: fromTS(u.GetMfaResetAt()),
		MFADue: fromTS(u.GetMfaDue()), Generation: u.GetGeneration(), CreatedBy: u.GetCreatedBy(), Tampered: u.GetTampered(),
		CreatedAt: fromTS(u.GetCreatedAt()), UpdatedAt: fromTS(u.GetUpdatedAt()),
	}
}

func usersPB(us []app.User) []*pb.User {
	out := make([]*pb.User, len(us))
	for i, u := range us {
		out[i] = userPB(u)
	}
	return out
}

func usersOf(us []*pb.User) []app.User {
	if len(us) == 0 {
		return nil
	}
	out := make([]app.User, len(us))
	for i, u := range us {
		out[i] = userOf(u)
	}
	return out
}

// The steps, named both ways: a step this side does not know (a newer
// service's) is no step, never signed in.
var steps = map[app.Step]pb.Step{
	app.StepNone:        pb.Step_STEP_UNSPECIFIED,
	app.StepCode:        pb.Step_STEP_CODE,
	app.StepEnroll:      pb.Step_STEP_ENROLL,
	app.StepNewPassword: pb.Step_STEP_NEW_PASSWORD,
	app.StepSignedIn:    pb.Step_STEP_SIGNED_IN,
	app.StepReactivate:  pb.Step_STEP_REACTIVATE,
}

func stepPB(s app.Step) pb.Step { return steps[s] }

func stepOf(s pb.Step) app.Step {
	for a, p := range steps {
		if p == s {
			return a
		}
	}
	return app.StepNone
}

func viewPB(v app.HandleView) *pb.HandleView {
	return &pb.HandleView{User: userPB(v.User), Step: stepPB(v.Step), CodeAt: ts(v.CodeAt),
		RecoveryLeft: int64(v.RecoveryLeft), Recovery: v.Recovery}
}

func viewOf(v *pb.HandleView) app.HandleView {
	return app.HandleView{User: userOf(v.GetUser()), Step: stepOf(v.GetStep()), CodeAt: fromTS(v.GetCodeAt()),
		RecoveryLeft: int(v.GetRecoveryLeft()), Recovery: v.GetRecovery()}
}

func newUserPB(n app.NewUser) *pb.NewUser {
	return &pb.NewUser{Role: string(n.Role), Email: n.Email, Name: n.Name, Password: n.Password,
		MustChangePassword: n.MustChangePassword}
}

func newUserOf(n *pb.NewUser) app.NewUser {
	return app.NewUser{Role: app.Role(n.GetRole()), Email: n.GetEmail(), Name: n.GetName(), Password: n.GetPassword(),
		MustChangePassword: n.GetMustChangePassword()}
}

func eventsPB(evs []app.AuditEvent) []*pb.AuditEvent {
	out := make([]*pb.AuditEvent, len(evs))
	for i, e := range evs {
		fields := make([]*pb.AuditField, len(e.Fields))
		for j, f := range e.Fields {
			fields[j] = &pb.AuditField{Key: f.Key, Value: f.Value}
		}
		out[i] = &pb.AuditEvent{Id: e.ID, Time: ts(e.Time), Event: e.Event, Actor: e.Actor, Target: e.Target,
			Detail: e.Detail, Fields: fields, ActorName: e.ActorName, TargetName: e.TargetName,
			ActorErased: e.ActorErased, TargetErased: e.TargetErased, ErasedPersons: e.ErasedPersons}
	}
	return out
}

func eventsOf(evs []*pb.AuditEvent) []app.AuditEvent {
	if len(evs) == 0 {
		return nil
	}
	out := make([]app.AuditEvent, len(evs))
	for i, e := range evs {
		var fields []app.AuditField
		for _, f := range e.GetFields() {
			fields = append(fields, app.AuditField{Key: f.GetKey(), Value: f.GetValue()})
		}
		out[i] = app.AuditEvent{ID: e.GetId(), Time: fromTS(e.GetTime()), Event: e.GetEvent(), Actor: e.GetActor(),
			Target: e.GetTarget(), Detail: e.GetDetail(), Fields: fields, ActorName: e.GetActorName(), TargetName: e.GetTargetName(),
			ActorErased: e.GetActorErased(), TargetErased: e.GetTargetErased(), ErasedPersons: e.GetErasedPersons()}
	}
	return out
}

func userFilterPB(f app.UserFilter) *pb.UserFilter {
	return &pb.UserFilter{Role: string(f.Role), Query: f.Query, Limit: int64(f.Limit), Staff: f.Staff}
}

func userFilterOf(f *pb.UserFilter) app.UserFilter {
	return app.UserFilter{Role: app.Role(f.GetRole()), Query: f.GetQuery(), Limit: int(f.GetLimit()), Staff: f.GetStaff()}
}

func auditFilterPB(f app.AuditFilter) *pb.AuditFilter {
	return &pb.AuditFilter{Event: f.Event, Person: f.Person, Who: f.Who, Since: ts(f.Since), Until: ts(f.Until),
		Limit: int64(f.Limit)}
}

func auditFilterOf(f *pb.AuditFilter) app.AuditFilter {
	return app.AuditFilter{Event: f.GetEvent(), Person: f.GetPerson(), Who: f.GetWho(), Since: fromTS(f.GetSince()),
		Until: fromTS(f.GetUntil()), Limit: int(f.GetLimit())}
}

func enrollmentPB(e app.Enrollment) *pb.Enrollment {
	return &pb.Enrollment{Secret: e.Secret, Uri: e.URI, Account: e.Account, Issuer: e.Issuer, Expires: ts(e.Expires)}
}

func enrollmentOf(e *pb.Enrollment) app.Enrollment {
	return app.Enrollment{Secret: e.GetSecret(), URI: e.GetUri(), Account: e.GetAccount(), Issuer: e.GetIssuer(),
		Expires: fromTS(e.GetExpires())}
}

func overviewPB(o app.Overview) *pb.Overview {
	return &pb.Overview{Mfa: string(o.MFA), MfaSince: ts(o.MFASince), MfaDue: ts(o.MFADue),
		StaffToSetUp: int64(o.StaffToSetUp), StaffPolicy: o.StaffPolicy, BreakGlass: int64(o.BreakGlass), Embedded: o.Embedded,
		ServerClockSkewSeconds: int64(o.ServerClockSkew / time.Second), LastBackup: ts(o.LastBackup), BackupDue: o.BackupDue}
}

func overviewOf(o *pb.Overview) app.Overview {
	return app.Overview{MFA: app.MFAState(o.GetMfa()), MFASince: fromTS(o.GetMfaSince()), MFADue: fromTS(o.GetMfaDue()),
		StaffToSetUp: int(o.GetStaffToSetUp()), StaffPolicy: o.GetStaffPolicy(), BreakGlass: int(o.GetBreakGlass()), Embedded: o.GetEmbedded(),
		ServerClockSkew: time.Duration(o.GetServerClockSkewSeconds()) * time.Second,
		LastBackup:      fromTS(o.GetLastBackup()), BackupDue: o.GetBackupDue()}
}

func policyPB(p app.Policy) *pb.Policy {
	return &pb.Policy{EnforceStaff: p.EnforceStaff, GraceDays: int64(p.GraceDays), Since: ts(p.Since), RememberEmail: p.RememberEmail}
}

func policyOf(p *pb.Policy) app.Policy {
	return app.Policy{EnforceStaff: p.GetEnforceStaff(), GraceDays: int(p.GetGraceDays()), Since: fromTS(p.GetSince()), RememberEmail: p.GetRememberEmail()}
}

func permissionPB(p app.Permission) *pb.Permission {
	return &pb.Permission{Allowed: p.Allowed, Reason: p.Reason, NeedsCode: p.NeedsCode}
}

func permissionOf(p *pb.Permission) app.Permission {
	return app.Permission{Allowed: p.GetAllowed(), Reason: p.GetReason(), NeedsCode: p.GetNeedsCode()}
}

func actionsPB(a app.AccountActions) *pb.AccountActions {
	return &pb.AccountActions{Own: a.Own, ResetMfa: permissionPB(a.ResetMFA), Disable: permissionPB(a.Disable),
		Enable: permissionPB(a.Enable), TempPassword: permissionPB(a.TempPassword), Role: permissionPB(a.Role),
		Unlock: permissionPB(a.Unlock), Reseal: permissionPB(a.Reseal),
		NewReactivationCode: permissionPB(a.NewReactivationCode), Erase: permissionPB(a.Erase), Export: permissionPB(a.Export)}
}

func actionsOf(a *pb.AccountActions) app.AccountActions {
	return app.AccountActions{Own: a.GetOwn(), ResetMFA: permissionOf(a.GetResetMfa()), Disable: permissionOf(a.GetDisable()),
		Enable: permissionOf(a.GetEnable()), TempPassword: permissionOf(a.GetTempPassword()), Role: permissionOf(a.GetRole()),
		Unlock: permissionOf(a.GetUnlock()), Reseal: permissionOf(a.GetReseal()),
		NewReactivationCode: permissionOf(a.GetNewReactivationCode()), Erase: permissionOf(a.GetErase()),
		Export: permissionOf(a.GetExport())}
}

func importedPB(im app.Imported) *pb.Imported {
	return &pb.Imported{User: userPB(im.User), TempPassword: im.TempPassword}
}

func importedOf(im *pb.Imported) app.Imported {
	return app.Imported{User: userOf(im.GetUser()), TempPassword: im.GetTempPassword()}
}

func importedsPB(ims []app.Imported) []*pb.Imported {
	out := make([]*pb.Imported, len(ims))
	for i, im := range ims {
		out[i] = importedPB(im)
	}
	return out
}

func importedsOf(ims []*pb.Imported) []app.Imported {
	if len(ims) == 0 {
		return nil
	}
	out := make([]app.Imported, len(ims))
	for i, im := range ims {
		out[i] = importedOf(im)
	}
	return out
}

// errorPB is an *app.Error as the Error message, without its cause.
func errorPB(e *app.Error) *pb.Error {
	return &pb.Error{Code: e.Code, Reason: e.Reason, Until: ts(e.Until), Line: int64(e.Line), Detail: e.Detail,
		SkewSeconds: int64(e.Skew / time.Second), Limit: int64(e.Limit), Word: e.Word}
}

func errorOf(e *pb.Error) *app.Error {
	return &app.Error{Code: e.GetCode(), Reason: e.GetReason(), Until: fromTS(e.GetUntil()), Line: int(e.GetLine()),
		Detail: e.GetDetail(), Skew: time.Duration(e.GetSkewSeconds()) * time.Second, Limit: int(e.GetLimit()), Word: e.GetWord()}
}

// anyErrorPB is any error as the Error message: a foreign one as app reads
// it (its code and reason, without its words), nil as unset.
func anyErrorPB(err error) *pb.Error {
	if err == nil {
		return nil
	}
	return errorPB(asAppError(err))
}

func importCheckPB(c app.ImportCheck) *pb.ImportCheck {
	out := &pb.ImportCheck{Admins: int64(c.Admins), Separator: c.Separator, Encoding: c.Encoding, HeaderLanguage: c.HeaderLanguage}
	for _, r := range c.Rows {
		out.Rows = append(out.Rows, &pb.ImportRow{Line: int64(r.Line), Role: string(r.Role), Email: r.Email, Name: r.Name})
	}
	for _, p := range c.Problems {
		out.Problems = append(out.Problems, anyErrorPB(p))
	}
	return out
}

func importCheckOf(c *pb.ImportCheck) app.ImportCheck {
	out := app.ImportCheck{Admins: int(c.GetAdmins()), Separator: c.GetSeparator(), Encoding: c.GetEncoding(),
		HeaderLanguage: c.GetHeaderLanguage()}
	for _, r := range c.GetRows() {
		out.Rows = append(out.Rows, app.ImportRow{Line: int(r.GetLine()), Role: app.Role(r.GetRole()), Email: r.GetEmail(), Name: r.GetName()})
	}
	for _, p := range c.GetProblems() {
		out.Problems = append(out.Problems, errorOf(p))
	}
	return out
}

func integrityPB(r app.IntegrityReport) *pb.IntegrityReport {
	return &pb.IntegrityReport{
		JournalRows: int64(r.JournalRows), JournalBreaks: r.JournalBreaks, TailCut: r.TailCut,
		Accounts: r.Accounts, Missing: r.Missing, SettingsChanged: r.SettingsChanged, Unsealed: r.Unsealed,
		KeyProblem: anyErrorPB(r.KeyProblem), Recorded: int64(r.Recorded), SealedAt: ts(r.SealedAt),
		Acknowledged: r.Acknowledged, BeforeKeyReplaced: int64(r.BeforeKeyReplaced), Root: r.Root,
		Counter: r.Counter, RolledBack: r.RolledBack, JournalRolledBack: r.JournalRolledBack,
		SettingsRolledBack: r.SettingsRolledBack, SeenCounter: r.SeenCounter,
	}
}

func integrityOf(r *pb.IntegrityReport) app.IntegrityReport {
	out := app.IntegrityReport{
		JournalRows: int(r.GetJournalRows()), JournalBreaks: r.GetJournalBreaks(), TailCut: r.GetTailCut(),
		Accounts: r.GetAccounts(), Missing: r.GetMissing(), SettingsChanged: r.GetSettingsChanged(), Unsealed: r.GetUnsealed(),
		Recorded: int(r.GetRecorded()), SealedAt: fromTS(r.GetSealedAt()),
		Acknowledged: r.GetAcknowledged(), BeforeKeyReplaced: int(r.GetBeforeKeyReplaced()), Root: r.GetRoot(),
		Counter: r.GetCounter(), RolledBack: r.GetRolledBack(), JournalRolledBack: r.GetJournalRolledBack(),
		SettingsRolledBack: r.GetSettingsRolledBack(), SeenCounter: r.GetSeenCounter(),
	}
	if r.GetKeyProblem() != nil {
		out.KeyProblem = errorOf(r.GetKeyProblem())
	}
	return out
}

func notesPB(ns []app.BreakGlassNote) []*pb.BreakGlassNote {
	out := make([]*pb.BreakGlassNote, len(ns))
	for i, n := range ns {
		out[i] = &pb.BreakGlassNote{At: ts(n.At), Target: n.Target, OsUser: n.OSUser, Reason: n.Reason}
	}
	return out
}

func notesOf(ns []*pb.BreakGlassNote) []app.BreakGlassNote {
	if len(ns) == 0 {
		return nil
	}
	out := make([]app.BreakGlassNote, len(ns))
	for i, n := range ns {
		out[i] = app.BreakGlassNote{At: fromTS(n.GetAt()), Target: n.GetTarget(), OSUser: n.GetOsUser(), Reason: n.GetReason()}
	}
	return out
}

func manifestPB(m app.BackupManifest) *pb.BackupManifest {
	return &pb.BackupManifest{Format: int64(m.Format), AppVersion: m.AppVersion, SchemaVersion: int64(m.SchemaVersion),
		Created: m.Created, CreatedBy: m.CreatedBy, KeyId: m.KeyID, DbSha256: m.DBSHA256, DbBytes: m.DBBytes, Kind: m.Kind}
}

func manifestOf(m *pb.BackupManifest) app.BackupManifest {
	return app.BackupManifest{Format: int(m.GetFormat()), AppVersion: m.GetAppVersion(), SchemaVersion: int(m.GetSchemaVersion()),
		Created: m.GetCreated(), CreatedBy: m.GetCreatedBy(), KeyID: m.GetKeyId(), DBSHA256: m.GetDbSha256(),
		DBBytes: m.GetDbBytes(), Kind: m.GetKind()}
}

func autoBackupPB(a app.AutoBackup) *pb.AutoBackup {
	return &pb.AutoBackup{Folder: a.Folder, Last: ts(a.Last)}
}

func autoBackupOf(a *pb.AutoBackup) app.AutoBackup {
	return app.AutoBackup{Folder: a.GetFolder(), Last: fromTS(a.GetLast())}
}

func mfaStatusPB(s app.MFAStatus) *pb.MFAStatus {
	return &pb.MFAStatus{Email: s.Email, Mfa: string(s.MFA), Locked: s.Locked, LockedUntil: ts(s.LockedUntil),
		ResetBy: s.ResetBy, ResetAt: ts(s.ResetAt), Tampered: s.Tampered}
}

func mfaStatusOf(s *pb.MFAStatus) app.MFAStatus {
	return app.MFAStatus{Email: s.GetEmail(), MFA: app.MFAState(s.GetMfa()), Locked: s.GetLocked(),
		LockedUntil: fromTS(s.GetLockedUntil()), ResetBy: s.GetResetBy(), ResetAt: fromTS(s.GetResetAt()), Tampered: s.GetTampered()}
}

func keyReplacementPB(k app.KeyReplacement) *pb.KeyReplacement {
	out := &pb.KeyReplacement{OldKeyId: k.OldKeyID, NewKeyId: k.NewKeyID, Pending: int64(k.Pending)}
	for _, c := range k.Codes {
		out.ReactivationCodes = append(out.ReactivationCodes, reactivationPB(c))
	}
	return out
}

func keyReplacementOf(k *pb.KeyReplacement) app.KeyReplacement {
	out := app.KeyReplacement{OldKeyID: k.GetOldKeyId(), NewKeyID: k.GetNewKeyId(), Pending: int(k.GetPending())}
	for _, c := range k.GetReactivationCodes() {
		out.Codes = append(out.Codes, reactivationOf(c))
	}
	return out
}

func durationPB(d time.Duration) *durationpb.Duration { return durationpb.New(d) }

func durationOf(d *durationpb.Duration) time.Duration {
	if d == nil {
		return 0
	}
	return d.AsDuration()
}

func ownActionsPB(a app.OwnActions) *pb.OwnActions {
	return &pb.OwnActions{ChangePhone: permissionPB(a.ChangePhone), RecoveryInstead: a.RecoveryInstead}
}

func ownActionsOf(a *pb.OwnActions) app.OwnActions {
	return app.OwnActions{ChangePhone: permissionOf(a.GetChangePhone()), RecoveryInstead: a.GetRecoveryInstead()}
}

func reactivationPB(r app.ReactivationCode) *pb.ReactivationCode {
	return &pb.ReactivationCode{Code: r.Code, Expires: ts(r.Expires), Email: r.Email}
}

func reactivationOf(r *pb.ReactivationCode) app.ReactivationCode {
	return app.ReactivationCode{Code: r.GetCode(), Expires: fromTS(r.GetExpires()), Email: r.GetEmail()}
}

func reportRowsPB(rs []app.MFAReportRow) []*pb.MFAReportRow {
	out := make([]*pb.MFAReportRow, 0, len(rs))
	for _, r := range rs {
		out = append(out, &pb.MFAReportRow{Name: r.Name, Email: r.Email, Role: string(r.Role), State: string(r.State),
			Since: ts(r.Since), Due: ts(r.Due), LastSignIn: ts(r.LastSignIn), Disabled: r.Disabled})
	}
	return out
}

func reportRowsOf(rs []*pb.MFAReportRow) []app.MFAReportRow {
	out := make([]app.MFAReportRow, 0, len(rs))
	for _, r := range rs {
		out = append(out, app.MFAReportRow{Name: r.GetName(), Email: r.GetEmail(), Role: app.Role(r.GetRole()),
			State: app.ReportState(r.GetState()), Since: fromTS(r.GetSince()), Due: fromTS(r.GetDue()),
			LastSignIn: fromTS(r.GetLastSignIn()), Disabled: r.GetDisabled()})
	}
	return out
}

func incidentPB(x app.Incident) *pb.Incident {
	return &pb.Incident{Number: x.Number, Status: string(x.Status), Source: x.Source, SourceEvent: x.SourceEvent,
		Detected: ts(x.Detected), SourceTarget: x.SourceTarget, Information: x.Information, Circumstances: x.Circumstances,
		Period: x.Period, KnownOn: x.KnownOn, People: int64(x.People), Risk: x.Risk, RiskAssessment: x.RiskAssessment,
		CaiNotified: x.CAINotified, PeopleNotified: x.PeopleNotified, Measures: x.Measures, Reason: x.Reason,
		RecordedAt: ts(x.RecordedAt), By: x.By, At: ts(x.At), Changes: int64(x.Changes),
		Detections: int64(x.Detections)}
}

// incidentOf is incidentPB's inverse; a number of people beyond an int
// is refused by the service's check (MaxIncidentPeople) as -1.
func incidentOf(x *pb.Incident) app.Incident {
	people := x.GetPeople()
	if people != int64(int(people)) {
		people = -1
	}
	return app.Incident{Number: x.GetNumber(), Status: app.IncidentStatus(x.GetStatus()), Source: x.GetSource(),
		SourceEvent: x.GetSourceEvent(), Detected: fromTS(x.GetDetected()), SourceTarget: x.GetSourceTarget(),
		Information: x.GetInformation(), Circumstances: x.GetCircumstances(), Period: x.GetPeriod(), KnownOn: x.GetKnownOn(),
		People: int(people), Risk: x.GetRisk(), RiskAssessment: x.GetRiskAssessment(), CAINotified: x.GetCaiNotified(),
		PeopleNotified: x.GetPeopleNotified(), Measures: x.GetMeasures(), Reason: x.GetReason(),
		RecordedAt: fromTS(x.GetRecordedAt()), By: x.GetBy(), At: fromTS(x.GetAt()), Changes: int(x.GetChanges()),
		Detections: int(x.GetDetections())}
}
