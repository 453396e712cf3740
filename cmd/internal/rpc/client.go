package rpc

import (
	"context"
	"errors"
	"fmt"
	"net/http"
	"os"
	"path/filepath"
	"time"

	"connectrpc.com/connect"

	"github.com/apetitspas/apetitspas/app"
	pb "github.com/apetitspas/apetitspas/cmd/internal/rpc/gen/apetitspasv1"
	"github.com/apetitspas/apetitspas/cmd/internal/rpc/gen/apetitspasv1/apetitspasv1connect"
)

// Client is app.API over the service's socket or pipe: what the window and
// the tool hold instead of app.Local when a service runs. Every method is
// one call (Now none), safe for concurrent use; its error is an
// *app.Error (service_unavailable when the service does not answer).
type Client struct {
	rpc   apetitspasv1connect.ApetitsPasServiceClient
	hc    interface{ CloseIdleConnections() }
	clock *serviceClock
}

var _ app.API = (*Client)(nil)
var _ app.Eraser = (*Client)(nil)

// NewClient returns the client of the service at addr (see Listen). It
// does not connect yet: a service that is down is an error of the first
// call.
func NewClient(addr string) (*Client, error) {
	return newClient(addr, ours, h2c())
}

func newClient(addr string, v versions, protocols *http.Protocols) (*Client, error) {
	clock := new(serviceClock)
	c, hc, err := newConnectClient(addr, v, protocols, clock)
	if err != nil {
		return nil, err
	}
	return &Client{rpc: c, hc: hc, clock: clock}, nil
}

// Close lets the connections to the service go (the next call opens one
// again).
func (c *Client) Close() { c.hc.CloseIdleConnections() }

// Hello asks the service's versions and clock (the "À propos" box);
// appVersion is this program's.
func (c *Client) Hello(ctx context.Context, appVersion string) (*pb.HelloResponse, error) {
	res, err := c.rpc.Hello(ctx, &pb.HelloRequest{ApiVersion: APIVersion, AppVersion: appVersion})
	if err != nil {
		return nil, err
	}
	if res.GetNow() != nil {
		c.clock.set(res.GetNow().AsTime())
	}
	return res, nil
}

// Now is the service's clock as its last answer told it (this computer's
// before any): no call is made.
func (c *Client) Now() time.Time { return c.clock.now() }

// call runs one RPC acting for h's sign-in, then tells h what the service
// said of it: the answer's view, or the refusal's.
func call[Res interface{ GetView() *pb.HandleView }](ctx context.Context, h *app.Handle, rpc func(context.Context) (Res, error)) (Res, error) {
	ctx, sink := withViewSink(ctx)
	res, err := rpc(ctx)
	view := sink.view
	if err == nil {
		view = res.GetView()
	}
	if view != nil {
		h.SetView(viewOf(view))
	}
	return res, err
}

func (c *Client) DaycareName(ctx context.Context) (string, error) {
	res, err := c.rpc.DaycareName(ctx, &pb.DaycareNameRequest{})
	return res.GetName(), err
}

func (c *Client) NeedsSetup(ctx context.Context) (bool, error) {
	res, err := c.rpc.NeedsSetup(ctx, &pb.NeedsSetupRequest{})
	return res.GetNeedsSetup(), err
}

func (c *Client) IdleTimeout(ctx context.Context) (time.Duration, error) {
	res, err := c.rpc.IdleTimeout(ctx, &pb.IdleTimeoutRequest{})
	return durationOf(res.GetTimeout()), err
}

func (c *Client) RememberEmail(ctx context.Context) (bool, error) {
	res, err := c.rpc.RememberEmail(ctx, &pb.RememberEmailRequest{})
	return res.GetRemember(), err
}

func (c *Client) Setup(ctx context.Context, daycare string, admin app.NewUser, confirm string) (app.User, error) {
	res, err := c.rpc.Setup(ctx, &pb.SetupRequest{Daycare: daycare, Admin: newUserPB(admin), Confirm: confirm})
	if err != nil {
		return app.User{}, err
	}
	return userOf(res.GetUser()), nil
}

func (c *Client) Login(ctx context.Context, email, password string) (*app.Handle, error) {
	res, err := c.rpc.Login(ctx, &pb.LoginRequest{Email: email, Password: password})
	if err != nil {
		return nil, err
	}
	return app.NewHandle(res.GetToken(), viewOf(res.GetView())), nil
}

func (c *Client) SignInAdmin(ctx context.Context, email, password, code string) (*app.Handle, error) {
	res, err := c.rpc.SignInAdmin(ctx, &pb.SignInAdminRequest{Email: email, Password: password, Code: code})
	if err != nil {
		return nil, err
	}
	return app.NewHandle(res.GetToken(), viewOf(res.GetView())), nil
}

func (c *Client) VerifyCode(ctx context.Context, h *app.Handle, code string) error {
	_, err := call(ctx, h, func(ctx context.Context) (*pb.VerifyCodeResponse, error) {
		return c.rpc.VerifyCode(ctx, &pb.VerifyCodeRequest{Token: h.Token(), Code: code})
	})
	return err
}

func (c *Client) UseRecoveryCode(ctx context.Context, h *app.Handle, code string) error {
	_, err := call(ctx, h, func(ctx context.Context) (*pb.UseRecoveryCodeResponse, error) {
		return c.rpc.UseRecoveryCode(ctx, &pb.UseRecoveryCodeRequest{Token: h.Token(), Code: code})
	})
	return err
}

func (c *Client) UseReactivationCode(ctx context.Context, h *app.Handle, code string) error {
	_, err := call(ctx, h, func(ctx context.Context) (*pb.UseReactivationCodeResponse, error) {
		return c.rpc.UseReactivationCode(ctx, &pb.UseReactivationCodeRequest{Token: h.Token(), Code: code})
	})
	return err
}

func (c *Client) BeginEnrollment(ctx context.Context, h *app.Handle) (app.Enrollment, error) {
	res, err := call(ctx, h, func(ctx context.Context) (*pb.BeginEnrollmentResponse, error) {
		return c.rpc.BeginEnrollment(ctx, &pb.BeginEnrollmentRequest{Token: h.Token()})
	})
	if err != nil {
		return app.Enrollment{}, err
	}
	return enrollmentOf(res.GetEnrollment()), nil
}

func (c *Client) ConfirmEnrollment(ctx context.Context, h *app.Handle, code string) error {
	_, err := call(ctx, h, func(ctx context.Context) (*pb.ConfirmEnrollmentResponse, error) {
		return c.rpc.ConfirmEnrollment(ctx, &pb.ConfirmEnrollmentRequest{Token: h.Token(), Code: code})
	})
	return err
}

func (c *Client) EnrollmentGrace(ctx context.Context, h *app.Handle) (bool, time.Time, error) {
	res, err := call(ctx, h, func(ctx context.Context) (*pb.EnrollmentGraceResponse, error) {
		return c.rpc.EnrollmentGrace(ctx, &pb.EnrollmentGraceRequest{Token: h.Token()})
	})
	if err != nil {
		return false, time.Time{}, err
	}
	return res.GetCanSkip(), fromTS(res.GetUntil()), nil
}

func (c *Client) SkipEnrollment(ctx context.Context, h *app.Handle) error {
	_, err := call(ctx, h, func(ctx context.Context) (*pb.SkipEnrollmentResponse, error) {
		return c.rpc.SkipEnrollment(ctx, &pb.SkipEnrollmentRequest{Token: h.Token()})
	})
	return err
}

func (c *Client) ChooseNewPassword(ctx context.Context, h *app.Handle, next, confirm string) error {
	_, err := call(ctx, h, func(ctx context.Context) (*pb.ChooseNewPasswordResponse, error) {
		return c.rpc.ChooseNewPassword(ctx, &pb.ChooseNewPasswordRequest{Token: h.Token(), Next: next, Confirm: confirm})
	})
	return err
}

func (c *Client) Logout(ctx context.Context, h *app.Handle, reason string) error {
	_, err := call(ctx, h, func(ctx context.Context) (*pb.LogoutResponse, error) {
		return c.rpc.Logout(ctx, &pb.LogoutRequest{Token: h.Token(), Reason: reason})
	})
	return err
}

func (c *Client) Refresh(ctx context.Context, h *app.Handle) error {
	_, err := call(ctx, h, func(ctx context.Context) (*pb.RefreshResponse, error) {
		return c.rpc.Refresh(ctx, &pb.RefreshRequest{Token: h.Token()})
	})
	return err
}

func (c *Client) RestoreKey(ctx context.Context, email, password, recoveryCode string) error {
	_, err := c.rpc.RestoreKey(ctx, &pb.RestoreKeyRequest{Email: email, Password: password, RecoveryCode: recoveryCode})
	return err
}

func (c *Client) ChangePassword(ctx context.Context, h *app.Handle, current, next, confirm string) error {
	_, err := call(ctx, h, func(ctx context.Context) (*pb.ChangePasswordResponse, error) {
		return c.rpc.ChangePassword(ctx, &pb.ChangePasswordRequest{Token: h.Token(), Current: current, Next: next, Confirm: confirm})
	})
	return err
}

func (c *Client) RequestMFAActivation(ctx context.Context, h *app.Handle) error {
	_, err := call(ctx, h, func(ctx context.Context) (*pb.RequestMFAActivationResponse, error) {
		return c.rpc.RequestMFAActivation(ctx, &pb.RequestMFAActivationRequest{Token: h.Token()})
	})
	return err
}

func (c *Client) ResetNotice(ctx context.Context, h *app.Handle) (string, time.Time, error) {
	res, err := call(ctx, h, func(ctx context.Context) (*pb.ResetNoticeResponse, error) {
		return c.rpc.ResetNotice(ctx, &pb.ResetNoticeRequest{Token: h.Token()})
	})
	if err != nil {
		return "", time.Time{}, err
	}
	return res.GetBy(), fromTS(res.GetAt()), nil
}

func (c *Client) RecoveryNotices(ctx context.Context, h *app.Handle) ([]app.AuditEvent, error) {
	res, err := call(ctx, h, func(ctx context.Context) (*pb.RecoveryNoticesResponse, error) {
		return c.rpc.RecoveryNotices(ctx, &pb.RecoveryNoticesRequest{Token: h.Token()})
	})
	if err != nil {
		return nil, err
	}
	return eventsOf(res.GetEvents()), nil
}

func (c *Client) NewRecoveryCodes(ctx context.Context, h *app.Handle, password, code string) ([]string, error) {
	res, err := call(ctx, h, func(ctx context.Context) (*pb.NewRecoveryCodesResponse, error) {
		return c.rpc.NewRecoveryCodes(ctx, &pb.NewRecoveryCodesRequest{Token: h.Token(), Password: password, Code: code})
	})
	if err != nil {
		return nil, err
	}
	return res.GetCodes(), nil
}

func (c *Client) OnlyEnabledAdmin(ctx context.Context, h *app.Handle) (bool, error) {
	res, err := call(ctx, h, func(ctx context.Context) (*pb.OnlyEnabledAdminResponse, error) {
		return c.rpc.OnlyEnabledAdmin(ctx, &pb.OnlyEnabledAdminRequest{Token: h.Token()})
	})
	return res.GetOnly(), err
}

func (c *Client) Overview(ctx context.Context, h *app.Handle) (app.Overview, error) {
	res, err := call(ctx, h, func(ctx context.Context) (*pb.OverviewResponse, error) {
		return c.rpc.Overview(ctx, &pb.OverviewRequest{Token: h.Token()})
	})
	if err != nil {
		return app.Overview{}, err
	}
	return overviewOf(res.GetOverview()), nil
}

func (c *Client) Users(ctx context.Context, h *app.Handle, f app.UserFilter) ([]app.User, error) {
	res, err := call(ctx, h, func(ctx context.Context) (*pb.UsersResponse, error) {
		return c.rpc.Users(ctx, &pb.UsersRequest{Token: h.Token(), Filter: userFilterPB(f)})
	})
	if err != nil {
		return nil, err
	}
	return usersOf(res.GetUsers()), nil
}

func (c *Client) Staff(ctx context.Context, h *app.Handle, query string, limit int) ([]app.User, error) {
	res, err := call(ctx, h, func(ctx context.Context) (*pb.StaffResponse, error) {
		return c.rpc.Staff(ctx, &pb.StaffRequest{Token: h.Token(), Query: query, Limit: int64(limit)})
	})
	if err != nil {
		return nil, err
	}
	return usersOf(res.GetUsers()), nil
}

func (c *Client) StaffToEnroll(ctx context.Context, h *app.Handle) (int, error) {
	res, err := call(ctx, h, func(ctx context.Context) (*pb.StaffToEnrollResponse, error) {
		return c.rpc.StaffToEnroll(ctx, &pb.StaffToEnrollRequest{Token: h.Token()})
	})
	return int(res.GetCount()), err
}

func (c *Client) StaffToSetUp(ctx context.Context, h *app.Handle) ([]app.User, error) {
	res, err := call(ctx, h, func(ctx context.Context) (*pb.StaffToSetUpResponse, error) {
		return c.rpc.StaffToSetUp(ctx, &pb.StaffToSetUpRequest{Token: h.Token()})
	})
	if err != nil {
		return nil, err
	}
	return usersOf(res.GetUsers()), nil
}

func (c *Client) Actions(ctx context.Context, h *app.Handle, email string) (app.AccountActions, error) {
	res, err := call(ctx, h, func(ctx context.Context) (*pb.ActionsResponse, error) {
		return c.rpc.Actions(ctx, &pb.ActionsRequest{Token: h.Token(), Email: email})
	})
	if err != nil {
		return app.AccountActions{}, err
	}
	return actionsOf(res.GetActions()), nil
}

func (c *Client) Audit(ctx context.Context, h *app.Handle, f app.AuditFilter) ([]app.AuditEvent, error) {
	res, err := call(ctx, h, func(ctx context.Context) (*pb.AuditResponse, error) {
		return c.rpc.Audit(ctx, &pb.AuditRequest{Token: h.Token(), Filter: auditFilterPB(f)})
	})
	if err != nil {
		return nil, err
	}
	return eventsOf(res.GetEvents()), nil
}

func (c *Client) CreateAccount(ctx context.Context, h *app.Handle, n app.NewUser, code string) (app.Imported, error) {
	res, err := call(ctx, h, func(ctx context.Context) (*pb.CreateAccountResponse, error) {
		return c.rpc.CreateAccount(ctx, &pb.CreateAccountRequest{Token: h.Token(), User: newUserPB(n), Code: code})
	})
	if err != nil {
		return app.Imported{}, err
	}
	return importedOf(res.GetImported()), nil
}

func (c *Client) SetDisabled(ctx context.Context, h *app.Handle, email string, disabled bool, code string) error {
	_, err := call(ctx, h, func(ctx context.Context) (*pb.SetDisabledResponse, error) {
		return c.rpc.SetDisabled(ctx, &pb.SetDisabledRequest{Token: h.Token(), Email: email, Disabled: disabled, Code: code})
	})
	return err
}

func (c *Client) SetRole(ctx context.Context, h *app.Handle, email string, role app.Role, code string) error {
	_, err := call(ctx, h, func(ctx context.Context) (*pb.SetRoleResponse, error) {
		return c.rpc.SetRole(ctx, &pb.SetRoleRequest{Token: h.Token(), Email: email, Role: string(role), Code: code})
	})
	return err
}

func (c *Client) SetTemporaryPassword(ctx context.Context, h *app.Handle, email, code string) (string, error) {
	res, err := call(ctx, h, func(ctx context.Context) (*pb.SetTemporaryPasswordResponse, error) {
		return c.rpc.SetTemporaryPassword(ctx, &pb.SetTemporaryPasswordRequest{Token: h.Token(), Email: email, Code: code})
	})
	return res.GetPassword(), err
}

func (c *Client) Unlock(ctx context.Context, h *app.Handle, email, code string) error {
	_, err := call(ctx, h, func(ctx context.Context) (*pb.UnlockResponse, error) {
		return c.rpc.Unlock(ctx, &pb.UnlockRequest{Token: h.Token(), Email: email, Code: code})
	})
	return err
}

func (c *Client) Reseal(ctx context.Context, h *app.Handle, email, code string) (string, error) {
	res, err := call(ctx, h, func(ctx context.Context) (*pb.ResealResponse, error) {
		return c.rpc.Reseal(ctx, &pb.ResealRequest{Token: h.Token(), Email: email, Code: code})
	})
	return res.GetPassword(), err
}

func (c *Client) ResetMFA(ctx context.Context, h *app.Handle, email, code string) (app.ReactivationCode, error) {
	res, err := call(ctx, h, func(ctx context.Context) (*pb.ResetMFAResponse, error) {
		return c.rpc.ResetMFA(ctx, &pb.ResetMFARequest{Token: h.Token(), Email: email, Code: code})
	})
	if err != nil {
		return app.ReactivationCode{}, err
	}
	return reactivationOf(res.GetReactivation()), nil
}

func (c *Client) EraseUser(ctx context.Context, h *app.Handle, email, password, code string) (int64, error) {
	res, err := call(ctx, h, func(ctx context.Context) (*pb.EraseUserResponse, error) {
		return c.rpc.EraseUser(ctx, &pb.EraseUserRequest{Token: h.Token(), Email: email, Password: password, Code: code})
	})
	return res.GetPerson(), err
}

func (c *Client) NewReactivationCode(ctx context.Context, h *app.Handle, email, code string) (app.ReactivationCode, error) {
	res, err := call(ctx, h, func(ctx context.Context) (*pb.NewReactivationCodeResponse, error) {
		return c.rpc.NewReactivationCode(ctx, &pb.NewReactivationCodeRequest{Token: h.Token(), Email: email, Code: code})
	})
	if err != nil {
		return app.ReactivationCode{}, err
	}
	return reactivationOf(res.GetReactivation()), nil
}

func (c *Client) StaffPolicy(ctx context.Context, h *app.Handle) (app.Policy, error) {
	res, err := call(ctx, h, func(ctx context.Context) (*pb.StaffPolicyResponse, error) {
		return c.rpc.StaffPolicy(ctx, &pb.StaffPolicyRequest{Token: h.Token()})
	})
	if err != nil {
		return app.Policy{}, err
	}
	return policyOf(res.GetPolicy()), nil
}

func (c *Client) SetStaffPolicy(ctx context.Context, h *app.Handle, enforce bool, graceDays int, code string) error {
	_, err := call(ctx, h, func(ctx context.Context) (*pb.SetStaffPolicyResponse, error) {
		return c.rpc.SetStaffPolicy(ctx, &pb.SetStaffPolicyRequest{Token: h.Token(), Enforce: enforce, GraceDays: int64(graceDays), Code: code})
	})
	return err
}

func (c *Client) SetIdleMinutes(ctx context.Context, h *app.Handle, minutes int) error {
	_, err := call(ctx, h, func(ctx context.Context) (*pb.SetIdleMinutesResponse, error) {
		return c.rpc.SetIdleMinutes(ctx, &pb.SetIdleMinutesRequest{Token: h.Token(), Minutes: int64(minutes)})
	})
	return err
}

func (c *Client) SetRememberEmail(ctx context.Context, h *app.Handle, on bool) error {
	_, err := call(ctx, h, func(ctx context.Context) (*pb.SetRememberEmailResponse, error) {
		return c.rpc.SetRememberEmail(ctx, &pb.SetRememberEmailRequest{Token: h.Token(), On: on})
	})
	return err
}

// importBytes is what of an import file crosses: at most one byte more
// than the service takes, so that a larger file is refused as too large
// by the service (csv_too_large), as in-process, and never sent whole.
func importBytes(csv []byte) []byte {
	if len(csv) > app.MaxImportBytes+1 {
		return csv[:app.MaxImportBytes+1]
	}
	return csv
}

func (c *Client) CheckImport(ctx context.Context, h *app.Handle, csv []byte) (app.ImportCheck, error) {
	res, err := call(ctx, h, func(ctx context.Context) (*pb.CheckImportResponse, error) {
		return c.rpc.CheckImport(ctx, &pb.CheckImportRequest{Token: h.Token(), Csv: importBytes(csv)})
	})
	if err != nil {
		return app.ImportCheck{}, err
	}
	return importCheckOf(res.GetCheck()), nil
}

// ImportCSV calls progress, in this goroutine, with the progress messages
// of the service (done increasing, at most one per percent), then returns
// the accounts made.
func (c *Client) ImportCSV(ctx context.Context, h *app.Handle, csv []byte, code string, progress func(done, total int)) ([]app.Imported, error) {
	ctx, sink := withViewSink(ctx)
	stream, err := c.rpc.ImportCSV(ctx, &pb.ImportCSVRequest{Token: h.Token(), Csv: importBytes(csv), Code: code})
	if err != nil {
		return nil, err
	}
	defer stream.Close()
	var result *pb.ImportResult
	for result == nil && stream.Receive() {
		switch part := stream.Msg().GetPart().(type) {
		case *pb.ImportCSVResponse_Progress:
			if progress != nil {
				progress(int(part.Progress.GetDone()), int(part.Progress.GetTotal()))
			}
		case *pb.ImportCSVResponse_Result:
			result = part.Result
		}
	}
	if err := stream.Err(); err != nil {
		if sink.view != nil {
			h.SetView(viewOf(sink.view))
		}
		return nil, err
	}
	if result == nil {
		return nil, cutShort()
	}
	if result.GetView() != nil {
		h.SetView(viewOf(result.GetView()))
	}
	return importedsOf(result.GetImported()), nil
}

// cutShort is a stream that ended without its last message: the service
// stopped answering (a service that ends a stream on purpose says why).
func cutShort() error {
	return &app.Error{Code: app.EUNAVAILABLE, Reason: ReasonServiceUnavailable, Detail: "the answer was cut short"}
}

func (c *Client) CheckIntegrity(ctx context.Context, h *app.Handle) (app.IntegrityReport, error) {
	res, err := call(ctx, h, func(ctx context.Context) (*pb.CheckIntegrityResponse, error) {
		return c.rpc.CheckIntegrity(ctx, &pb.CheckIntegrityRequest{Token: h.Token()})
	})
	if err != nil {
		return app.IntegrityReport{}, err
	}
	return integrityOf(res.GetReport()), nil
}

func (c *Client) AcknowledgeIntegrity(ctx context.Context, h *app.Handle, code string) error {
	_, err := call(ctx, h, func(ctx context.Context) (*pb.AcknowledgeIntegrityResponse, error) {
		return c.rpc.AcknowledgeIntegrity(ctx, &pb.AcknowledgeIntegrityRequest{Token: h.Token(), Code: code})
	})
	return err
}

func (c *Client) BreakGlassNotes(ctx context.Context, h *app.Handle) ([]app.BreakGlassNote, error) {
	res, err := call(ctx, h, func(ctx context.Context) (*pb.BreakGlassNotesResponse, error) {
		return c.rpc.BreakGlassNotes(ctx, &pb.BreakGlassNotesRequest{Token: h.Token()})
	})
	if err != nil {
		return nil, err
	}
	return notesOf(res.GetNotes()), nil
}

func (c *Client) AcknowledgeBreakGlass(ctx context.Context, h *app.Handle) error {
	_, err := call(ctx, h, func(ctx context.Context) (*pb.AcknowledgeBreakGlassResponse, error) {
		return c.rpc.AcknowledgeBreakGlass(ctx, &pb.AcknowledgeBreakGlassRequest{Token: h.Token()})
	})
	return err
}

// WriteBackup has the service make the backup and writes it to req.Out,
// a file of the person's that the service never sees: refused at once
// when it exists (or the passphrase is too short), as in-process; created
// new, owner-only, whole or absent.
func (c *Client) WriteBackup(ctx context.Context, h *app.Handle, req app.BackupRequest) (app.BackupManifest, int64, error) {
	if err := app.CheckNewBackupFile(req.Out, req.Passphrase); err != nil {
		return app.BackupManifest{}, 0, err
	}
	ctx, sink := withViewSink(ctx)
	stream, err := c.rpc.WriteBackup(ctx, &pb.WriteBackupRequest{Token: h.Token(), Passphrase: req.Passphrase,
		Code: req.Code, AppVersion: req.AppVersion})
	if err != nil {
		return app.BackupManifest{}, 0, err
	}
	w, err := receiveFile(stream, req.Out)
	setView(h, w, sink)
	if err != nil {
		return app.BackupManifest{}, 0, err
	}
	return manifestOf(w.GetManifest()), w.GetSize(), nil
}

// ExportKey is WriteBackup's way for the key file.
func (c *Client) ExportKey(ctx context.Context, h *app.Handle, out, passphrase, code, appVersion string) (app.BackupManifest, error) {
	if err := app.CheckNewBackupFile(out, passphrase); err != nil {
		return app.BackupManifest{}, err
	}
	ctx, sink := withViewSink(ctx)
	stream, err := c.rpc.ExportKey(ctx, &pb.ExportKeyRequest{Token: h.Token(), Passphrase: passphrase, Code: code,
		AppVersion: appVersion})
	if err != nil {
		return app.BackupManifest{}, err
	}
	w, err := receiveFile(stream, out)
	setView(h, w, sink)
	if err != nil {
		return app.BackupManifest{}, err
	}
	return manifestOf(w.GetManifest()), nil
}

// setView tells h what a file's stream said of its sign-in: its last
// message's view, or its refusal's.
func setView(h *app.Handle, w *pb.WrittenFile, sink *viewSink) {
	v := w.GetView()
	if v == nil {
		v = sink.view
	}
	if v != nil {
		h.SetView(viewOf(v))
	}
}

// fileMsg is a message of a file's stream: a chunk, or the end.
type fileMsg interface {
	GetChunk() []byte
	GetWritten() *pb.WrittenFile
}

// receiveFile writes the chunks of stream into out, as app writes a
// backup (WriteBackupFile): into a new owner-only temporary file beside
// it (O_EXCL, 0600), synced, then linked to out, which is never replaced
// and is whole or absent. The stream's last message must say how many
// bytes it sent. Nothing is created before the first chunk, so a refusal
// leaves nothing behind.
func receiveFile[Res any, M interface {
	*Res
	fileMsg
}](stream *connect.ServerStreamForClient[Res], out string) (*pb.WrittenFile, error) {
	defer stream.Close()
	writeErr := func(err error) error {
		return &app.Error{Code: app.EUNAVAILABLE, Reason: app.ReasonBackupWrite, Detail: out, Err: err}
	}
	var tmp *os.File
	defer func() {
		if tmp != nil {
			tmp.Close()
			os.Remove(tmp.Name())
		}
	}()
	var n int64
	var written *pb.WrittenFile
	for written == nil && stream.Receive() {
		msg := M(stream.Msg())
		if w := msg.GetWritten(); w != nil {
			written = w
			break
		}
		if tmp == nil {
			var err error
			if tmp, err = os.CreateTemp(filepath.Dir(out), "."+filepath.Base(out)+".*.tmp"); err != nil {
				return nil, writeErr(err)
			}
		}
		b := msg.GetChunk()
		if _, err := tmp.Write(b); err != nil {
			return nil, writeErr(err)
		}
		n += int64(len(b))
	}
	if err := stream.Err(); err != nil {
		return nil, err
	}
	if written == nil {
		return nil, cutShort()
	}
	if written.GetSize() != n || n == 0 {
		return written, writeErr(fmt.Errorf("received %d bytes, the service sent %d", n, written.GetSize()))
	}
	if err := errors.Join(tmp.Sync(), tmp.Close()); err != nil {
		return written, writeErr(err)
	}
	if err := os.Link(tmp.Name(), out); err != nil { // never replaces a file
		return written, writeErr(err)
	}
	return written, nil
}

func (c *Client) LastBackup(ctx context.Context, h *app.Handle) (time.Time, error) {
	res, err := call(ctx, h, func(ctx context.Context) (*pb.LastBackupResponse, error) {
		return c.rpc.LastBackup(ctx, &pb.LastBackupRequest{Token: h.Token()})
	})
	if err != nil {
		return time.Time{}, err
	}
	return fromTS(res.GetAt()), nil
}

func (c *Client) SetAutoBackup(ctx context.Context, h *app.Handle, folder, passphrase, code string) error {
	_, err := call(ctx, h, func(ctx context.Context) (*pb.SetAutoBackupResponse, error) {
		return c.rpc.SetAutoBackup(ctx, &pb.SetAutoBackupRequest{Token: h.Token(), Folder: folder, Passphrase: passphrase, Code: code})
	})
	return err
}

func (c *Client) AutoBackupSetting(ctx context.Context, h *app.Handle) (app.AutoBackup, error) {
	res, err := call(ctx, h, func(ctx context.Context) (*pb.AutoBackupSettingResponse, error) {
		return c.rpc.AutoBackupSetting(ctx, &pb.AutoBackupSettingRequest{Token: h.Token()})
	})
	if err != nil {
		return app.AutoBackup{}, err
	}
	return autoBackupOf(res.GetSetting()), nil
}

// Technician returns the technician's operations over the same
// connection: the service allows them by the OS account it sees.
func (c *Client) Technician() app.Technician { return technicianClient{c} }

type technicianClient struct{ c *Client }

var _ app.Technician = technicianClient{}

func (t technicianClient) ListUsers(ctx context.Context, f app.UserFilter) ([]app.User, error) {
	res, err := t.c.rpc.TechnicianListUsers(ctx, &pb.TechnicianListUsersRequest{Filter: userFilterPB(f)})
	if err != nil {
		return nil, err
	}
	return usersOf(res.GetUsers()), nil
}

func (t technicianClient) ListAudit(ctx context.Context, f app.AuditFilter) ([]app.AuditEvent, error) {
	res, err := t.c.rpc.TechnicianListAudit(ctx, &pb.TechnicianListAuditRequest{Filter: auditFilterPB(f)})
	if err != nil {
		return nil, err
	}
	return eventsOf(res.GetEvents()), nil
}

func (t technicianClient) Policy(ctx context.Context) (app.Policy, error) {
	res, err := t.c.rpc.TechnicianPolicy(ctx, &pb.TechnicianPolicyRequest{})
	if err != nil {
		return app.Policy{}, err
	}
	return policyOf(res.GetPolicy()), nil
}

func (t technicianClient) Verify(ctx context.Context) (app.IntegrityReport, error) {
	res, err := t.c.rpc.TechnicianVerify(ctx, &pb.TechnicianVerifyRequest{})
	if err != nil {
		return app.IntegrityReport{}, err
	}
	return integrityOf(res.GetReport()), nil
}

func (t technicianClient) Status(ctx context.Context, email string) (app.MFAStatus, error) {
	res, err := t.c.rpc.TechnicianStatus(ctx, &pb.TechnicianStatusRequest{Email: email})
	if err != nil {
		return app.MFAStatus{}, err
	}
	return mfaStatusOf(res.GetStatus()), nil
}

func (t technicianClient) CheckImportFile(ctx context.Context, csv []byte) (app.ImportCheck, error) {
	res, err := t.c.rpc.TechnicianCheckImportFile(ctx, &pb.TechnicianCheckImportFileRequest{Csv: importBytes(csv)})
	if err != nil {
		return app.ImportCheck{}, err
	}
	return importCheckOf(res.GetCheck()), nil
}

func (t technicianClient) RefuseSelfReset(ctx context.Context, email string) error {
	_, err := t.c.rpc.TechnicianRefuseSelfReset(ctx, &pb.TechnicianRefuseSelfResetRequest{Email: email})
	return err
}

func (t technicianClient) BreakGlassReset(ctx context.Context, email, reason string) (app.ReactivationCode, error) {
	res, err := t.c.rpc.TechnicianBreakGlassReset(ctx, &pb.TechnicianBreakGlassResetRequest{Email: email, Reason: reason})
	if err != nil {
		return app.ReactivationCode{}, err
	}
	return reactivationOf(res.GetReactivation()), nil
}

func (t technicianClient) RebuildRoot(ctx context.Context, reason string) error {
	_, err := t.c.rpc.TechnicianRebuildRoot(ctx, &pb.TechnicianRebuildRootRequest{Reason: reason})
	return err
}

func (t technicianClient) ReplaceKey(ctx context.Context, reason string, recoveryCodesLost bool) (app.KeyReplacement, error) {
	res, err := t.c.rpc.TechnicianReplaceKey(ctx, &pb.TechnicianReplaceKeyRequest{Reason: reason, RecoveryCodesLost: recoveryCodesLost})
	if err != nil {
		return app.KeyReplacement{}, err
	}
	return keyReplacementOf(res.GetReplacement()), nil
}

func (t technicianClient) RunScheduledBackup(ctx context.Context, appVersion string) (string, error) {
	res, err := t.c.rpc.TechnicianRunScheduledBackup(ctx, &pb.TechnicianRunScheduledBackupRequest{AppVersion: appVersion})
	return res.GetFile(), err
}

func (t technicianClient) SeedDemo(ctx context.Context) error {
	_, err := t.c.rpc.TechnicianSeedDemo(ctx, &pb.TechnicianSeedDemoRequest{})
	return err
}

func (t technicianClient) MovedTo(ctx context.Context) (string, error) {
	res, err := t.c.rpc.TechnicianMovedTo(ctx, &pb.TechnicianMovedToRequest{})
	return res.GetMovedTo(), err
}

func (c *Client) OwnActions(ctx context.Context, h *app.Handle) (app.OwnActions, error) {
	res, err := call(ctx, h, func(ctx context.Context) (*pb.OwnActionsResponse, error) {
		return c.rpc.OwnActions(ctx, &pb.OwnActionsRequest{Token: h.Token()})
	})
	if err != nil {
		return app.OwnActions{}, err
	}
	return ownActionsOf(res.GetActions()), nil
}

func (c *Client) BeginPhoneChange(ctx context.Context, h *app.Handle, password, code string) (app.Enrollment, error) {
	res, err := call(ctx, h, func(ctx context.Context) (*pb.BeginPhoneChangeResponse, error) {
		return c.rpc.BeginPhoneChange(ctx, &pb.BeginPhoneChangeRequest{Token: h.Token(), Password: password, Code: code})
	})
	if err != nil {
		return app.Enrollment{}, err
	}
	return enrollmentOf(res.GetEnrollment()), nil
}

func (c *Client) ConfirmPhoneChange(ctx context.Context, h *app.Handle, code string) error {
	_, err := call(ctx, h, func(ctx context.Context) (*pb.ConfirmPhoneChangeResponse, error) {
		return c.rpc.ConfirmPhoneChange(ctx, &pb.ConfirmPhoneChangeRequest{Token: h.Token(), Code: code})
	})
	return err
}

func (c *Client) CancelPhoneChange(ctx context.Context, h *app.Handle) error {
	_, err := call(ctx, h, func(ctx context.Context) (*pb.CancelPhoneChangeResponse, error) {
		return c.rpc.CancelPhoneChange(ctx, &pb.CancelPhoneChangeRequest{Token: h.Token()})
	})
	return err
}

func (c *Client) MFAReport(ctx context.Context, h *app.Handle) (app.MFAReport, error) {
	res, err := call(ctx, h, func(ctx context.Context) (*pb.MFAReportResponse, error) {
		return c.rpc.MFAReport(ctx, &pb.MFAReportRequest{Token: h.Token()})
	})
	if err != nil {
		return app.MFAReport{}, err
	}
	return app.MFAReport{Daycare: res.GetDaycare(), Made: fromTS(res.GetMade()), Rows: reportRowsOf(res.GetRows())}, nil
}

func (c *Client) MFAReportSaved(ctx context.Context, h *app.Handle, format string, rows int) error {
	_, err := call(ctx, h, func(ctx context.Context) (*pb.MFAReportSavedResponse, error) {
		return c.rpc.MFAReportSaved(ctx, &pb.MFAReportSavedRequest{Token: h.Token(), Format: format, Rows: int64(rows)})
	})
	return err
}

func (c *Client) Incidents(ctx context.Context, h *app.Handle) ([]app.Incident, error) {
	res, err := call(ctx, h, func(ctx context.Context) (*pb.IncidentsResponse, error) {
		return c.rpc.Incidents(ctx, &pb.IncidentsRequest{Token: h.Token()})
	})
	if err != nil {
		return nil, err
	}
	out := make([]app.Incident, len(res.GetIncidents()))
	for i, x := range res.GetIncidents() {
		out[i] = incidentOf(x)
	}
	return out, nil
}

func (c *Client) SaveIncident(ctx context.Context, h *app.Handle, in app.Incident) (app.Incident, error) {
	res, err := call(ctx, h, func(ctx context.Context) (*pb.SaveIncidentResponse, error) {
		return c.rpc.SaveIncident(ctx, &pb.SaveIncidentRequest{Token: h.Token(), Incident: incidentPB(in)})
	})
	if err != nil {
		return app.Incident{}, err
	}
	return incidentOf(res.GetIncident()), nil
}

func (c *Client) DismissIncident(ctx context.Context, h *app.Handle, source int64, reason string) error {
	_, err := call(ctx, h, func(ctx context.Context) (*pb.DismissIncidentResponse, error) {
		return c.rpc.DismissIncident(ctx, &pb.DismissIncidentRequest{Token: h.Token(), Source: source, Reason: reason})
	})
	return err
}
