package rpc

import (
	"context"
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"

	"connectrpc.com/connect"
	"google.golang.org/protobuf/types/known/timestamppb"

	"github.com/apetitspas/apetitspas/app"
	pb "github.com/apetitspas/apetitspas/cmd/internal/rpc/gen/apetitspasv1"
)

// service answers every RPC by calling api with the call's context: the
// interceptor put the caller's OS account in it (from the operating
// system, never from the request) and Connect the client's deadline.
type service struct {
	Base
	api app.API
}

// Hello answers with app.API's clock, not the computer's: they differ
// only in tests, where the client must learn the fake one.
func (s *service) Hello(ctx context.Context, req *pb.HelloRequest) (*pb.HelloResponse, error) {
	res, err := s.Base.Hello(ctx, req)
	if err == nil {
		res.Now = timestamppb.New(s.api.Now())
	}
	return res, err
}

// unsetStep marks the view of a handle the API did not update: a handle is
// made anew from its token for each call, and the view goes back only when
// the API said something of the sign-in (app.Local does for every session
// it finds, whatever the call's outcome, and not for a token it does not
// know).
const unsetStep app.Step = -1

func handleOf(token string) *app.Handle {
	return app.NewHandle(token, app.HandleView{Step: unsetStep})
}

// viewOut is what the API said of h's sign-in, nil when it said nothing.
func viewOut(h *app.Handle) *pb.HandleView {
	if h.View().Step == unsetStep {
		return nil
	}
	return viewPB(h.View())
}

// withView is err with h's view, for toConnect to send along.
func withView(err error, h *app.Handle) error {
	if v := viewOut(h); v != nil && err != nil {
		return &viewError{err: err, view: v}
	}
	return err
}

func (s *service) DaycareName(ctx context.Context, _ *pb.DaycareNameRequest) (*pb.DaycareNameResponse, error) {
	name, err := s.api.DaycareName(ctx)
	if err != nil {
		return nil, err
	}
	return &pb.DaycareNameResponse{Name: name}, nil
}

func (s *service) NeedsSetup(ctx context.Context, _ *pb.NeedsSetupRequest) (*pb.NeedsSetupResponse, error) {
	needs, err := s.api.NeedsSetup(ctx)
	if err != nil {
		return nil, err
	}
	return &pb.NeedsSetupResponse{NeedsSetup: needs}, nil
}

func (s *service) IdleTimeout(ctx context.Context, _ *pb.IdleTimeoutRequest) (*pb.IdleTimeoutResponse, error) {
	d, err := s.api.IdleTimeout(ctx)
	if err != nil {
		return nil, err
	}
	return &pb.IdleTimeoutResponse{Timeout: durationPB(d)}, nil
}

func (s *service) RememberEmail(ctx context.Context, _ *pb.RememberEmailRequest) (*pb.RememberEmailResponse, error) {
	on, err := s.api.RememberEmail(ctx)
	if err != nil {
		return nil, err
	}
	return &pb.RememberEmailResponse{Remember: on}, nil
}

func (s *service) Setup(ctx context.Context, req *pb.SetupRequest) (*pb.SetupResponse, error) {
	u, err := s.api.Setup(ctx, req.GetDaycare(), newUserOf(req.GetAdmin()), req.GetConfirm())
	if err != nil {
		return nil, err
	}
	return &pb.SetupResponse{User: userPB(u)}, nil
}

func (s *service) Login(ctx context.Context, req *pb.LoginRequest) (*pb.LoginResponse, error) {
	h, err := s.api.Login(ctx, req.GetEmail(), req.GetPassword())
	if err != nil {
		return nil, err
	}
	return &pb.LoginResponse{Token: h.Token(), View: viewPB(h.View())}, nil
}

func (s *service) SignInAdmin(ctx context.Context, req *pb.SignInAdminRequest) (*pb.SignInAdminResponse, error) {
	h, err := s.api.SignInAdmin(ctx, req.GetEmail(), req.GetPassword(), req.GetCode())
	if err != nil {
		return nil, err
	}
	return &pb.SignInAdminResponse{Token: h.Token(), View: viewPB(h.View())}, nil
}

func (s *service) VerifyCode(ctx context.Context, req *pb.VerifyCodeRequest) (*pb.VerifyCodeResponse, error) {
	h := handleOf(req.GetToken())
	if err := s.api.VerifyCode(ctx, h, req.GetCode()); err != nil {
		return nil, withView(err, h)
	}
	return &pb.VerifyCodeResponse{View: viewOut(h)}, nil
}

func (s *service) UseRecoveryCode(ctx context.Context, req *pb.UseRecoveryCodeRequest) (*pb.UseRecoveryCodeResponse, error) {
	h := handleOf(req.GetToken())
	if err := s.api.UseRecoveryCode(ctx, h, req.GetCode()); err != nil {
		return nil, withView(err, h)
	}
	return &pb.UseRecoveryCodeResponse{View: viewOut(h)}, nil
}

func (s *service) UseReactivationCode(ctx context.Context, req *pb.UseReactivationCodeRequest) (*pb.UseReactivationCodeResponse, error) {
	h := handleOf(req.GetToken())
	if err := s.api.UseReactivationCode(ctx, h, req.GetCode()); err != nil {
		return nil, withView(err, h)
	}
	return &pb.UseReactivationCodeResponse{View: viewOut(h)}, nil
}

func (s *service) BeginEnrollment(ctx context.Context, req *pb.BeginEnrollmentRequest) (*pb.BeginEnrollmentResponse, error) {
	h := handleOf(req.GetToken())
	e, err := s.api.BeginEnrollment(ctx, h)
	if err != nil {
		return nil, withView(err, h)
	}
	return &pb.BeginEnrollmentResponse{View: viewOut(h), Enrollment: enrollmentPB(e)}, nil
}

func (s *service) ConfirmEnrollment(ctx context.Context, req *pb.ConfirmEnrollmentRequest) (*pb.ConfirmEnrollmentResponse, error) {
	h := handleOf(req.GetToken())
	if err := s.api.ConfirmEnrollment(ctx, h, req.GetCode()); err != nil {
		return nil, withView(err, h)
	}
	return &pb.ConfirmEnrollmentResponse{View: viewOut(h)}, nil
}

func (s *service) EnrollmentGrace(ctx context.Context, req *pb.EnrollmentGraceRequest) (*pb.EnrollmentGraceResponse, error) {
	h := handleOf(req.GetToken())
	canSkip, until, err := s.api.EnrollmentGrace(ctx, h)
	if err != nil {
		return nil, withView(err, h)
	}
	return &pb.EnrollmentGraceResponse{View: viewOut(h), CanSkip: canSkip, Until: ts(until)}, nil
}

func (s *service) SkipEnrollment(ctx context.Context, req *pb.SkipEnrollmentRequest) (*pb.SkipEnrollmentResponse, error) {
	h := handleOf(req.GetToken())
	if err := s.api.SkipEnrollment(ctx, h); err != nil {
		return nil, withView(err, h)
	}
	return &pb.SkipEnrollmentResponse{View: viewOut(h)}, nil
}

func (s *service) ChooseNewPassword(ctx context.Context, req *pb.ChooseNewPasswordRequest) (*pb.ChooseNewPasswordResponse, error) {
	h := handleOf(req.GetToken())
	if err := s.api.ChooseNewPassword(ctx, h, req.GetNext(), req.GetConfirm()); err != nil {
		return nil, withView(err, h)
	}
	return &pb.ChooseNewPasswordResponse{View: viewOut(h)}, nil
}

func (s *service) Logout(ctx context.Context, req *pb.LogoutRequest) (*pb.LogoutResponse, error) {
	h := handleOf(req.GetToken())
	if err := s.api.Logout(ctx, h, req.GetReason()); err != nil {
		return nil, withView(err, h)
	}
	return &pb.LogoutResponse{View: viewOut(h)}, nil
}

func (s *service) Refresh(ctx context.Context, req *pb.RefreshRequest) (*pb.RefreshResponse, error) {
	h := handleOf(req.GetToken())
	if err := s.api.Refresh(ctx, h); err != nil {
		return nil, withView(err, h)
	}
	return &pb.RefreshResponse{View: viewOut(h)}, nil
}

func (s *service) RestoreKey(ctx context.Context, req *pb.RestoreKeyRequest) (*pb.RestoreKeyResponse, error) {
	if err := s.api.RestoreKey(ctx, req.GetEmail(), req.GetPassword(), req.GetRecoveryCode()); err != nil {
		return nil, err
	}
	return &pb.RestoreKeyResponse{}, nil
}

func (s *service) ChangePassword(ctx context.Context, req *pb.ChangePasswordRequest) (*pb.ChangePasswordResponse, error) {
	h := handleOf(req.GetToken())
	if err := s.api.ChangePassword(ctx, h, req.GetCurrent(), req.GetNext(), req.GetConfirm()); err != nil {
		return nil, withView(err, h)
	}
	return &pb.ChangePasswordResponse{View: viewOut(h)}, nil
}

func (s *service) RequestMFAActivation(ctx context.Context, req *pb.RequestMFAActivationRequest) (*pb.RequestMFAActivationResponse, error) {
	h := handleOf(req.GetToken())
	if err := s.api.RequestMFAActivation(ctx, h); err != nil {
		return nil, withView(err, h)
	}
	return &pb.RequestMFAActivationResponse{View: viewOut(h)}, nil
}

func (s *service) ResetNotice(ctx context.Context, req *pb.ResetNoticeRequest) (*pb.ResetNoticeResponse, error) {
	h := handleOf(req.GetToken())
	by, at, err := s.api.ResetNotice(ctx, h)
	if err != nil {
		return nil, withView(err, h)
	}
	return &pb.ResetNoticeResponse{View: viewOut(h), By: by, At: ts(at)}, nil
}

func (s *service) RecoveryNotices(ctx context.Context, req *pb.RecoveryNoticesRequest) (*pb.RecoveryNoticesResponse, error) {
	h := handleOf(req.GetToken())
	evs, err := s.api.RecoveryNotices(ctx, h)
	if err != nil {
		return nil, withView(err, h)
	}
	return &pb.RecoveryNoticesResponse{View: viewOut(h), Events: eventsPB(evs)}, nil
}

func (s *service) NewRecoveryCodes(ctx context.Context, req *pb.NewRecoveryCodesRequest) (*pb.NewRecoveryCodesResponse, error) {
	h := handleOf(req.GetToken())
	codes, err := s.api.NewRecoveryCodes(ctx, h, req.GetPassword(), req.GetCode())
	if err != nil {
		return nil, withView(err, h)
	}
	return &pb.NewRecoveryCodesResponse{View: viewOut(h), Codes: codes}, nil
}

func (s *service) OnlyEnabledAdmin(ctx context.Context, req *pb.OnlyEnabledAdminRequest) (*pb.OnlyEnabledAdminResponse, error) {
	h := handleOf(req.GetToken())
	only, err := s.api.OnlyEnabledAdmin(ctx, h)
	if err != nil {
		return nil, withView(err, h)
	}
	return &pb.OnlyEnabledAdminResponse{View: viewOut(h), Only: only}, nil
}

func (s *service) Overview(ctx context.Context, req *pb.OverviewRequest) (*pb.OverviewResponse, error) {
	h := handleOf(req.GetToken())
	o, err := s.api.Overview(ctx, h)
	if err != nil {
		return nil, withView(err, h)
	}
	return &pb.OverviewResponse{View: viewOut(h), Overview: overviewPB(o)}, nil
}

func (s *service) Users(ctx context.Context, req *pb.UsersRequest) (*pb.UsersResponse, error) {
	h := handleOf(req.GetToken())
	us, err := s.api.Users(ctx, h, userFilterOf(req.GetFilter()))
	if err != nil {
		return nil, withView(err, h)
	}
	return &pb.UsersResponse{View: viewOut(h), Users: usersPB(us)}, nil
}

func (s *service) Staff(ctx context.Context, req *pb.StaffRequest) (*pb.StaffResponse, error) {
	h := handleOf(req.GetToken())
	us, err := s.api.Staff(ctx, h, req.GetQuery(), int(req.GetLimit()))
	if err != nil {
		return nil, withView(err, h)
	}
	return &pb.StaffResponse{View: viewOut(h), Users: usersPB(us)}, nil
}

func (s *service) StaffToEnroll(ctx context.Context, req *pb.StaffToEnrollRequest) (*pb.StaffToEnrollResponse, error) {
	h := handleOf(req.GetToken())
	n, err := s.api.StaffToEnroll(ctx, h)
	if err != nil {
		return nil, withView(err, h)
	}
	return &pb.StaffToEnrollResponse{View: viewOut(h), Count: int64(n)}, nil
}

func (s *service) StaffToSetUp(ctx context.Context, req *pb.StaffToSetUpRequest) (*pb.StaffToSetUpResponse, error) {
	h := handleOf(req.GetToken())
	us, err := s.api.StaffToSetUp(ctx, h)
	if err != nil {
		return nil, withView(err, h)
	}
	return &pb.StaffToSetUpResponse{View: viewOut(h), Users: usersPB(us)}, nil
}

func (s *service) Actions(ctx context.Context, req *pb.ActionsRequest) (*pb.ActionsResponse, error) {
	h := handleOf(req.GetToken())
	a, err := s.api.Actions(ctx, h, req.GetEmail())
	if err != nil {
		return nil, withView(err, h)
	}
	return &pb.ActionsResponse{View: viewOut(h), Actions: actionsPB(a)}, nil
}

func (s *service) Audit(ctx context.Context, req *pb.AuditRequest) (*pb.AuditResponse, error) {
	h := handleOf(req.GetToken())
	evs, err := s.api.Audit(ctx, h, auditFilterOf(req.GetFilter()))
	if err != nil {
		return nil, withView(err, h)
	}
	return &pb.AuditResponse{View: viewOut(h), Events: eventsPB(evs)}, nil
}

func (s *service) CreateAccount(ctx context.Context, req *pb.CreateAccountRequest) (*pb.CreateAccountResponse, error) {
	h := handleOf(req.GetToken())
	im, err := s.api.CreateAccount(ctx, h, newUserOf(req.GetUser()), req.GetCode())
	if err != nil {
		return nil, withView(err, h)
	}
	return &pb.CreateAccountResponse{View: viewOut(h), Imported: importedPB(im)}, nil
}

func (s *service) SetDisabled(ctx context.Context, req *pb.SetDisabledRequest) (*pb.SetDisabledResponse, error) {
	h := handleOf(req.GetToken())
	if err := s.api.SetDisabled(ctx, h, req.GetEmail(), req.GetDisabled(), req.GetCode()); err != nil {
		return nil, withView(err, h)
	}
	return &pb.SetDisabledResponse{View: viewOut(h)}, nil
}

func (s *service) SetRole(ctx context.Context, req *pb.SetRoleRequest) (*pb.SetRoleResponse, error) {
	h := handleOf(req.GetToken())
	if err := s.api.SetRole(ctx, h, req.GetEmail(), app.Role(req.GetRole()), req.GetCode()); err != nil {
		return nil, withView(err, h)
	}
	return &pb.SetRoleResponse{View: viewOut(h)}, nil
}

func (s *service) SetTemporaryPassword(ctx context.Context, req *pb.SetTemporaryPasswordRequest) (*pb.SetTemporaryPasswordResponse, error) {
	h := handleOf(req.GetToken())
	pw, err := s.api.SetTemporaryPassword(ctx, h, req.GetEmail(), req.GetCode())
	if err != nil {
		return nil, withView(err, h)
	}
	return &pb.SetTemporaryPasswordResponse{View: viewOut(h), Password: pw}, nil
}

func (s *service) Unlock(ctx context.Context, req *pb.UnlockRequest) (*pb.UnlockResponse, error) {
	h := handleOf(req.GetToken())
	if err := s.api.Unlock(ctx, h, req.GetEmail(), req.GetCode()); err != nil {
		return nil, withView(err, h)
	}
	return &pb.UnlockResponse{View: viewOut(h)}, nil
}

func (s *service) Reseal(ctx context.Context, req *pb.ResealRequest) (*pb.ResealResponse, error) {
	h := handleOf(req.GetToken())
	pw, err := s.api.Reseal(ctx, h, req.GetEmail(), req.GetCode())
	if err != nil {
		return nil, withView(err, h)
	}
	return &pb.ResealResponse{View: viewOut(h), Password: pw}, nil
}

func (s *service) ResetMFA(ctx context.Context, req *pb.ResetMFARequest) (*pb.ResetMFAResponse, error) {
	h := handleOf(req.GetToken())
	r, err := s.api.ResetMFA(ctx, h, req.GetEmail(), req.GetCode())
	if err != nil {
		return nil, withView(err, h)
	}
	return &pb.ResetMFAResponse{View: viewOut(h), Reactivation: reactivationPB(r)}, nil
}

func (s *service) EraseUser(ctx context.Context, req *pb.EraseUserRequest) (*pb.EraseUserResponse, error) {
	h := handleOf(req.GetToken())
	eraser, ok := s.api.(app.Eraser)
	if !ok {
		return nil, connect.NewError(connect.CodeUnimplemented, errors.New("rpc: this service does not erase persons"))
	}
	person, err := eraser.EraseUser(ctx, h, req.GetEmail(), req.GetPassword(), req.GetCode())
	if err != nil {
		return nil, withView(err, h)
	}
	return &pb.EraseUserResponse{View: viewOut(h), Person: person}, nil
}

func (s *service) NewReactivationCode(ctx context.Context, req *pb.NewReactivationCodeRequest) (*pb.NewReactivationCodeResponse, error) {
	h := handleOf(req.GetToken())
	r, err := s.api.NewReactivationCode(ctx, h, req.GetEmail(), req.GetCode())
	if err != nil {
		return nil, withView(err, h)
	}
	return &pb.NewReactivationCodeResponse{View: viewOut(h), Reactivation: reactivationPB(r)}, nil
}

func (s *service) StaffPolicy(ctx context.Context, req *pb.StaffPolicyRequest) (*pb.StaffPolicyResponse, error) {
	h := handleOf(req.GetToken())
	p, err := s.api.StaffPolicy(ctx, h)
	if err != nil {
		return nil, withView(err, h)
	}
	return &pb.StaffPolicyResponse{View: viewOut(h), Policy: policyPB(p)}, nil
}

func (s *service) SetStaffPolicy(ctx context.Context, req *pb.SetStaffPolicyRequest) (*pb.SetStaffPolicyResponse, error) {
	h := handleOf(req.GetToken())
	if err := s.api.SetStaffPolicy(ctx, h, req.GetEnforce(), int(req.GetGraceDays()), req.GetCode()); err != nil {
		return nil, withView(err, h)
	}
	return &pb.SetStaffPolicyResponse{View: viewOut(h)}, nil
}

func (s *service) SetIdleMinutes(ctx context.Context, req *pb.SetIdleMinutesRequest) (*pb.SetIdleMinutesResponse, error) {
	h := handleOf(req.GetToken())
	if err := s.api.SetIdleMinutes(ctx, h, int(req.GetMinutes())); err != nil {
		return nil, withView(err, h)
	}
	return &pb.SetIdleMinutesResponse{View: viewOut(h)}, nil
}

func (s *service) SetRememberEmail(ctx context.Context, req *pb.SetRememberEmailRequest) (*pb.SetRememberEmailResponse, error) {
	h := handleOf(req.GetToken())
	if err := s.api.SetRememberEmail(ctx, h, req.GetOn()); err != nil {
		return nil, withView(err, h)
	}
	return &pb.SetRememberEmailResponse{View: viewOut(h)}, nil
}

func (s *service) CheckImport(ctx context.Context, req *pb.CheckImportRequest) (*pb.CheckImportResponse, error) {
	h := handleOf(req.GetToken())
	c, err := s.api.CheckImport(ctx, h, req.GetCsv())
	if err != nil {
		return nil, withView(err, h)
	}
	return &pb.CheckImportResponse{View: viewOut(h), Check: importCheckPB(c)}, nil
}

// ImportCSV sends the hashing's progress as it goes, at most once per
// percent (and the last step), then the accounts made.
func (s *service) ImportCSV(ctx context.Context, req *pb.ImportCSVRequest, stream *connect.ServerStream[pb.ImportCSVResponse]) error {
	h := handleOf(req.GetToken())
	sent := -1
	progress := func(done, total int) {
		// Called one at a time by app, done increasing.
		if total <= 0 {
			return
		}
		if pct := done * 100 / total; pct != sent || done == total {
			sent = pct
			_ = stream.Send(&pb.ImportCSVResponse{Part: &pb.ImportCSVResponse_Progress{
				Progress: &pb.ImportProgress{Done: int64(done), Total: int64(total)}}})
		}
	}
	ims, err := s.api.ImportCSV(ctx, h, req.GetCsv(), req.GetCode(), progress)
	if err != nil {
		return withView(err, h)
	}
	return stream.Send(&pb.ImportCSVResponse{Part: &pb.ImportCSVResponse_Result{
		Result: &pb.ImportResult{View: viewOut(h), Imported: importedsPB(ims)}}})
}

func (s *service) CheckIntegrity(ctx context.Context, req *pb.CheckIntegrityRequest) (*pb.CheckIntegrityResponse, error) {
	h := handleOf(req.GetToken())
	r, err := s.api.CheckIntegrity(ctx, h)
	if err != nil {
		return nil, withView(err, h)
	}
	return &pb.CheckIntegrityResponse{View: viewOut(h), Report: integrityPB(r)}, nil
}

func (s *service) AcknowledgeIntegrity(ctx context.Context, req *pb.AcknowledgeIntegrityRequest) (*pb.AcknowledgeIntegrityResponse, error) {
	h := handleOf(req.GetToken())
	if err := s.api.AcknowledgeIntegrity(ctx, h, req.GetCode()); err != nil {
		return nil, withView(err, h)
	}
	return &pb.AcknowledgeIntegrityResponse{View: viewOut(h)}, nil
}

func (s *service) BreakGlassNotes(ctx context.Context, req *pb.BreakGlassNotesRequest) (*pb.BreakGlassNotesResponse, error) {
	h := handleOf(req.GetToken())
	ns, err := s.api.BreakGlassNotes(ctx, h)
	if err != nil {
		return nil, withView(err, h)
	}
	return &pb.BreakGlassNotesResponse{View: viewOut(h), Notes: notesPB(ns)}, nil
}

func (s *service) AcknowledgeBreakGlass(ctx context.Context, req *pb.AcknowledgeBreakGlassRequest) (*pb.AcknowledgeBreakGlassResponse, error) {
	h := handleOf(req.GetToken())
	if err := s.api.AcknowledgeBreakGlass(ctx, h); err != nil {
		return nil, withView(err, h)
	}
	return &pb.AcknowledgeBreakGlassResponse{View: viewOut(h)}, nil
}

// WriteBackup has the API write the backup into a private folder of the
// service's, streams the file, and removes the folder.
func (s *service) WriteBackup(ctx context.Context, req *pb.WriteBackupRequest, stream *connect.ServerStream[pb.WriteBackupResponse]) error {
	dir, err := privateDir()
	if err != nil {
		return err
	}
	defer os.RemoveAll(dir)
	out := filepath.Join(dir, "backup.apetitspas")
	h := handleOf(req.GetToken())
	m, size, err := s.api.WriteBackup(ctx, h, app.BackupRequest{Out: out, Passphrase: req.GetPassphrase(),
		Code: req.GetCode(), AppVersion: req.GetAppVersion()})
	if err != nil {
		return withView(err, h)
	}
	if err := sendFile(out, func(b []byte) error {
		return stream.Send(&pb.WriteBackupResponse{Part: &pb.WriteBackupResponse_Chunk{Chunk: b}})
	}); err != nil {
		return withView(err, h)
	}
	return stream.Send(&pb.WriteBackupResponse{Part: &pb.WriteBackupResponse_Written{
		Written: &pb.WrittenFile{View: viewOut(h), Manifest: manifestPB(m), Size: size}}})
}

func (s *service) LastBackup(ctx context.Context, req *pb.LastBackupRequest) (*pb.LastBackupResponse, error) {
	h := handleOf(req.GetToken())
	at, err := s.api.LastBackup(ctx, h)
	if err != nil {
		return nil, withView(err, h)
	}
	return &pb.LastBackupResponse{View: viewOut(h), At: ts(at)}, nil
}

func (s *service) SetAutoBackup(ctx context.Context, req *pb.SetAutoBackupRequest) (*pb.SetAutoBackupResponse, error) {
	h := handleOf(req.GetToken())
	if err := s.api.SetAutoBackup(ctx, h, req.GetFolder(), req.GetPassphrase(), req.GetCode()); err != nil {
		return nil, withView(err, h)
	}
	return &pb.SetAutoBackupResponse{View: viewOut(h)}, nil
}

func (s *service) AutoBackupSetting(ctx context.Context, req *pb.AutoBackupSettingRequest) (*pb.AutoBackupSettingResponse, error) {
	h := handleOf(req.GetToken())
	a, err := s.api.AutoBackupSetting(ctx, h)
	if err != nil {
		return nil, withView(err, h)
	}
	return &pb.AutoBackupSettingResponse{View: viewOut(h), Setting: autoBackupPB(a)}, nil
}

// ExportKey is WriteBackup's way for the key file.
func (s *service) ExportKey(ctx context.Context, req *pb.ExportKeyRequest, stream *connect.ServerStream[pb.ExportKeyResponse]) error {
	dir, err := privateDir()
	if err != nil {
		return err
	}
	defer os.RemoveAll(dir)
	out := filepath.Join(dir, "key.apetitspas")
	h := handleOf(req.GetToken())
	m, err := s.api.ExportKey(ctx, h, out, req.GetPassphrase(), req.GetCode(), req.GetAppVersion())
	if err != nil {
		return withView(err, h)
	}
	var size int64
	if err := sendFile(out, func(b []byte) error {
		size += int64(len(b))
		return stream.Send(&pb.ExportKeyResponse{Part: &pb.ExportKeyResponse_Chunk{Chunk: b}})
	}); err != nil {
		return withView(err, h)
	}
	return stream.Send(&pb.ExportKeyResponse{Part: &pb.ExportKeyResponse_Written{
		Written: &pb.WrittenFile{View: viewOut(h), Manifest: manifestPB(m), Size: size}}})
}

// privatePrefix starts the name of the folder where the service writes a
// backup or a key file for a client: app's prefix for its snapshot folders
// (backupsnapshot.go), with this process's id, so that app.SweepSnapshots
// (the next backup, the next start) removes what a service killed
// mid-stream left (TestPrivateFolderIsSwept keeps the two equal).
const privatePrefix = "apetitspas-backup-"

// privateDir makes a folder of the service's alone (0700) in its
// temporary folder.
func privateDir() (string, error) {
	dir, err := os.MkdirTemp("", fmt.Sprintf("%s%d-", privatePrefix, os.Getpid()))
	if err == nil {
		err = os.Chmod(dir, 0o700) // MkdirTemp's mode already; said again
	}
	if err != nil {
		return "", &app.Error{Code: app.EUNAVAILABLE, Reason: app.ReasonStorage, Err: err}
	}
	return dir, nil
}

// chunkBytes is the size of a file's messages.
const chunkBytes = 256 << 10

// sendFile sends the file at path, chunkBytes at a time.
func sendFile(path string, send func([]byte) error) error {
	f, err := os.Open(path)
	if err != nil {
		return &app.Error{Code: app.EUNAVAILABLE, Reason: app.ReasonStorage, Err: err}
	}
	defer f.Close()
	buf := make([]byte, chunkBytes)
	for {
		n, err := io.ReadFull(f, buf)
		if n > 0 {
			if serr := send(buf[:n]); serr != nil {
				return serr
			}
		}
		if err == io.EOF || err == io.ErrUnexpectedEOF {
			return nil
		}
		if err != nil {
			return &app.Error{Code: app.EUNAVAILABLE, Reason: app.ReasonStorage, Err: err}
		}
	}
}

// The technician's operations: the caller is the interceptor's, from the
// operating system.

func (s *service) TechnicianListUsers(ctx context.Context, req *pb.TechnicianListUsersRequest) (*pb.TechnicianListUsersResponse, error) {
	us, err := s.api.Technician().ListUsers(ctx, userFilterOf(req.GetFilter()))
	if err != nil {
		return nil, err
	}
	return &pb.TechnicianListUsersResponse{Users: usersPB(us)}, nil
}

func (s *service) TechnicianListAudit(ctx context.Context, req *pb.TechnicianListAuditRequest) (*pb.TechnicianListAuditResponse, error) {
	evs, err := s.api.Technician().ListAudit(ctx, auditFilterOf(req.GetFilter()))
	if err != nil {
		return nil, err
	}
	return &pb.TechnicianListAuditResponse{Events: eventsPB(evs)}, nil
}

func (s *service) TechnicianPolicy(ctx context.Context, _ *pb.TechnicianPolicyRequest) (*pb.TechnicianPolicyResponse, error) {
	p, err := s.api.Technician().Policy(ctx)
	if err != nil {
		return nil, err
	}
	return &pb.TechnicianPolicyResponse{Policy: policyPB(p)}, nil
}

func (s *service) TechnicianVerify(ctx context.Context, _ *pb.TechnicianVerifyRequest) (*pb.TechnicianVerifyResponse, error) {
	r, err := s.api.Technician().Verify(ctx)
	if err != nil {
		return nil, err
	}
	return &pb.TechnicianVerifyResponse{Report: integrityPB(r)}, nil
}

func (s *service) TechnicianStatus(ctx context.Context, req *pb.TechnicianStatusRequest) (*pb.TechnicianStatusResponse, error) {
	st, err := s.api.Technician().Status(ctx, req.GetEmail())
	if err != nil {
		return nil, err
	}
	return &pb.TechnicianStatusResponse{Status: mfaStatusPB(st)}, nil
}

func (s *service) TechnicianCheckImportFile(ctx context.Context, req *pb.TechnicianCheckImportFileRequest) (*pb.TechnicianCheckImportFileResponse, error) {
	c, err := s.api.Technician().CheckImportFile(ctx, req.GetCsv())
	if err != nil {
		return nil, err
	}
	return &pb.TechnicianCheckImportFileResponse{Check: importCheckPB(c)}, nil
}

func (s *service) TechnicianRefuseSelfReset(ctx context.Context, req *pb.TechnicianRefuseSelfResetRequest) (*pb.TechnicianRefuseSelfResetResponse, error) {
	if err := s.api.Technician().RefuseSelfReset(ctx, req.GetEmail()); err != nil {
		return nil, err
	}
	return &pb.TechnicianRefuseSelfResetResponse{}, nil
}

func (s *service) TechnicianBreakGlassReset(ctx context.Context, req *pb.TechnicianBreakGlassResetRequest) (*pb.TechnicianBreakGlassResetResponse, error) {
	r, err := s.api.Technician().BreakGlassReset(ctx, req.GetEmail(), req.GetReason())
	if err != nil {
		return nil, err
	}
	return &pb.TechnicianBreakGlassResetResponse{Reactivation: reactivationPB(r)}, nil
}

func (s *service) TechnicianRebuildRoot(ctx context.Context, req *pb.TechnicianRebuildRootRequest) (*pb.TechnicianRebuildRootResponse, error) {
	if err := s.api.Technician().RebuildRoot(ctx, req.GetReason()); err != nil {
		return nil, err
	}
	return &pb.TechnicianRebuildRootResponse{}, nil
}

func (s *service) TechnicianReplaceKey(ctx context.Context, req *pb.TechnicianReplaceKeyRequest) (*pb.TechnicianReplaceKeyResponse, error) {
	k, err := s.api.Technician().ReplaceKey(ctx, req.GetReason(), req.GetRecoveryCodesLost())
	if err != nil {
		return nil, err
	}
	return &pb.TechnicianReplaceKeyResponse{Replacement: keyReplacementPB(k)}, nil
}

func (s *service) TechnicianRunScheduledBackup(ctx context.Context, req *pb.TechnicianRunScheduledBackupRequest) (*pb.TechnicianRunScheduledBackupResponse, error) {
	file, err := s.api.Technician().RunScheduledBackup(ctx, req.GetAppVersion())
	if err != nil {
		return nil, err
	}
	return &pb.TechnicianRunScheduledBackupResponse{File: file}, nil
}

func (s *service) TechnicianSeedDemo(ctx context.Context, _ *pb.TechnicianSeedDemoRequest) (*pb.TechnicianSeedDemoResponse, error) {
	if err := s.api.Technician().SeedDemo(ctx); err != nil {
		return nil, err
	}
	return &pb.TechnicianSeedDemoResponse{}, nil
}

func (s *service) TechnicianMovedTo(ctx context.Context, _ *pb.TechnicianMovedToRequest) (*pb.TechnicianMovedToResponse, error) {
	to, err := s.api.Technician().MovedTo(ctx)
	if err != nil {
		return nil, err
	}
	return &pb.TechnicianMovedToResponse{MovedTo: to}, nil
}

func (s *service) OwnActions(ctx context.Context, req *pb.OwnActionsRequest) (*pb.OwnActionsResponse, error) {
	h := handleOf(req.GetToken())
	a, err := s.api.OwnActions(ctx, h)
	if err != nil {
		return nil, withView(err, h)
	}
	return &pb.OwnActionsResponse{View: viewOut(h), Actions: ownActionsPB(a)}, nil
}

func (s *service) BeginPhoneChange(ctx context.Context, req *pb.BeginPhoneChangeRequest) (*pb.BeginPhoneChangeResponse, error) {
	h := handleOf(req.GetToken())
	e, err := s.api.BeginPhoneChange(ctx, h, req.GetPassword(), req.GetCode())
	if err != nil {
		return nil, withView(err, h)
	}
	return &pb.BeginPhoneChangeResponse{View: viewOut(h), Enrollment: enrollmentPB(e)}, nil
}

func (s *service) ConfirmPhoneChange(ctx context.Context, req *pb.ConfirmPhoneChangeRequest) (*pb.ConfirmPhoneChangeResponse, error) {
	h := handleOf(req.GetToken())
	if err := s.api.ConfirmPhoneChange(ctx, h, req.GetCode()); err != nil {
		return nil, withView(err, h)
	}
	return &pb.ConfirmPhoneChangeResponse{View: viewOut(h)}, nil
}

func (s *service) CancelPhoneChange(ctx context.Context, req *pb.CancelPhoneChangeRequest) (*pb.CancelPhoneChangeResponse, error) {
	h := handleOf(req.GetToken())
	if err := s.api.CancelPhoneChange(ctx, h); err != nil {
		return nil, withView(err, h)
	}
	return &pb.CancelPhoneChangeResponse{View: viewOut(h)}, nil
}

func (s *service) MFAReport(ctx context.Context, req *pb.MFAReportRequest) (*pb.MFAReportResponse, error) {
	h := handleOf(req.GetToken())
	r, err := s.api.MFAReport(ctx, h)
	if err != nil {
		return nil, withView(err, h)
	}
	return &pb.MFAReportResponse{View: viewOut(h), Daycare: r.Daycare, Made: ts(r.Made), Rows: reportRowsPB(r.Rows)}, nil
}

func (s *service) MFAReportSaved(ctx context.Context, req *pb.MFAReportSavedRequest) (*pb.MFAReportSavedResponse, error) {
	h := handleOf(req.GetToken())
	if err := s.api.MFAReportSaved(ctx, h, req.GetFormat(), int(req.GetRows())); err != nil {
		return nil, withView(err, h)
	}
	return &pb.MFAReportSavedResponse{View: viewOut(h)}, nil
}

func (s *service) Incidents(ctx context.Context, req *pb.IncidentsRequest) (*pb.IncidentsResponse, error) {
	h := handleOf(req.GetToken())
	reg, err := s.api.Incidents(ctx, h)
	if err != nil {
		return nil, withView(err, h)
	}
	out := make([]*pb.Incident, len(reg))
	for i, x := range reg {
		out[i] = incidentPB(x)
	}
	return &pb.IncidentsResponse{View: viewOut(h), Incidents: out}, nil
}

func (s *service) SaveIncident(ctx context.Context, req *pb.SaveIncidentRequest) (*pb.SaveIncidentResponse, error) {
	h := handleOf(req.GetToken())
	x, err := s.api.SaveIncident(ctx, h, incidentOf(req.GetIncident()))
	if err != nil {
		return nil, withView(err, h)
	}
	return &pb.SaveIncidentResponse{View: viewOut(h), Incident: incidentPB(x)}, nil
}

func (s *service) DismissIncident(ctx context.Context, req *pb.DismissIncidentRequest) (*pb.DismissIncidentResponse, error) {
	h := handleOf(req.GetToken())
	if err := s.api.DismissIncident(ctx, h, req.GetSource(), req.GetReason()); err != nil {
		return nil, withView(err, h)
	}
	return &pb.DismissIncidentResponse{View: viewOut(h)}, nil
}
