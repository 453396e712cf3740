package app

import (
	"context"
	"sync"
	"time"
)

// API is everything the window and the tool may ask of À petits pas, and
// the only way they ask it. Local implements it in-process (the embedded
// daycare, and the service's own side); the service's client implements
// it over a local socket or a named pipe (cmd/internal/rpc). Both run
// exactly the rules of this package: a client holds a Handle (an opaque
// token and what the service last said of it), never a Session.
//
// Methods taking a *Handle act for that sign-in and update the handle
// with what the service says of it afterwards (its account, its step). A
// handle whose session ended (signed out, idle too long, too old, or made
// by another OS account) is refused with ReasonSessionExpired.
type API interface {
	Eraser
	PersonExporter
	IncidentKeeper
	Retainer
	// Now is the service's time.
	Now() time.Time
	DaycareName(ctx context.Context) (string, error)
	NeedsSetup(ctx context.Context) (bool, error)
	IdleTimeout(ctx context.Context) (time.Duration, error)
	// RememberEmail tells the sign-in screen whether it may offer the
	// e-mail it kept: the administrators' setting is on and the caller's
	// operating system account is the one that signed in last here.
	RememberEmail(ctx context.Context) (bool, error)
	// Setup is the first run (a database with no account yet).
	Setup(ctx context.Context, daycare string, admin NewUser, confirm string) (User, error)

	// Sign-in.
	Login(ctx context.Context, email, password string) (*Handle, error)
	SignInAdmin(ctx context.Context, email, password, code string) (*Handle, error)
	VerifyCode(ctx context.Context, h *Handle, code string) error
	UseRecoveryCode(ctx context.Context, h *Handle, code string) error
	// UseReactivationCode is the step StepReactivate: the one-time code
	// an administrator handed over in person after a reset.
	UseReactivationCode(ctx context.Context, h *Handle, code string) error
	BeginEnrollment(ctx context.Context, h *Handle) (Enrollment, error)
	ConfirmEnrollment(ctx context.Context, h *Handle, code string) error
	EnrollmentGrace(ctx context.Context, h *Handle) (canSkip bool, until time.Time, err error)
	SkipEnrollment(ctx context.Context, h *Handle) error
	ChooseNewPassword(ctx context.Context, h *Handle, next, confirm string) error
	Logout(ctx context.Context, h *Handle, reason string) error
	// Refresh reloads the handle's account (and tells the service the
	// person is still there: the idle lock counts from the last call).
	Refresh(ctx context.Context, h *Handle) error
	RestoreKey(ctx context.Context, email, password, recoveryCode string) error

	// One's own account.
	ChangePassword(ctx context.Context, h *Handle, current, next, confirm string) error
	RequestMFAActivation(ctx context.Context, h *Handle) error
	ResetNotice(ctx context.Context, h *Handle) (by string, at time.Time, err error)
	RecoveryNotices(ctx context.Context, h *Handle) ([]AuditEvent, error)
	NewRecoveryCodes(ctx context.Context, h *Handle, password, code string) ([]string, error)
	OnlyEnabledAdmin(ctx context.Context, h *Handle) (bool, error)
	// OwnActions is the permission table of h's person on her own account
	// (« Changer de téléphone »).
	OwnActions(ctx context.Context, h *Handle) (OwnActions, error)
	// BeginPhoneChange checks her password and the old phone's code (or
	// an administrator's recovery code) and returns the new QR code; the
	// new secret stays in the service's session until ConfirmPhoneChange
	// (a code from the new phone) puts it in place of the old one.
	// CancelPhoneChange drops it: nothing changes.
	BeginPhoneChange(ctx context.Context, h *Handle, password, code string) (Enrollment, error)
	ConfirmPhoneChange(ctx context.Context, h *Handle, code string) error
	CancelPhoneChange(ctx context.Context, h *Handle) error
	Overview(ctx context.Context, h *Handle) (Overview, error)

	// Administration.
	Users(ctx context.Context, h *Handle, f UserFilter) ([]User, error)
	Staff(ctx context.Context, h *Handle, query string, limit int) ([]User, error)
	StaffToEnroll(ctx context.Context, h *Handle) (int, error)
	// StaffToSetUp lists the people Overview.StaffToSetUp counts.
	StaffToSetUp(ctx context.Context, h *Handle) ([]User, error)
	// Actions is the permission table of h's administrator on the account
	// of email: what applies, whether her code is needed, why not.
	Actions(ctx context.Context, h *Handle, email string) (AccountActions, error)
	Audit(ctx context.Context, h *Handle, f AuditFilter) ([]AuditEvent, error)
	CreateAccount(ctx context.Context, h *Handle, n NewUser, code string) (Imported, error)
	SetDisabled(ctx context.Context, h *Handle, email string, disabled bool, code string) error
	SetRole(ctx context.Context, h *Handle, email string, role Role, code string) error
	SetTemporaryPassword(ctx context.Context, h *Handle, email, code string) (string, error)
	Unlock(ctx context.Context, h *Handle, email, code string) error
	Reseal(ctx context.Context, h *Handle, email, code string) (string, error)
	// ResetMFA returns the one-time reactivation code, to show once.
	ResetMFA(ctx context.Context, h *Handle, email, code string) (ReactivationCode, error)
	// NewReactivationCode replaces the reactivation code of an account
	// waiting for one (AccountActions.NewReactivationCode).
	NewReactivationCode(ctx context.Context, h *Handle, email, code string) (ReactivationCode, error)
	StaffPolicy(ctx context.Context, h *Handle) (Policy, error)
	SetStaffPolicy(ctx context.Context, h *Handle, enforce bool, graceDays int, code string) error
	SetIdleMinutes(ctx context.Context, h *Handle, minutes int) error
	SetRememberEmail(ctx context.Context, h *Handle, on bool) error
	CheckImport(ctx context.Context, h *Handle, csv []byte) (ImportCheck, error)
	ImportCSV(ctx context.Context, h *Handle, csv []byte, code string, progress func(done, total int)) ([]Imported, error)
	CheckIntegrity(ctx context.Context, h *Handle) (IntegrityReport, error)
	AcknowledgeIntegrity(ctx context.Context, h *Handle, code string) error
	BreakGlassNotes(ctx context.Context, h *Handle) ([]BreakGlassNote, error)
	AcknowledgeBreakGlass(ctx context.Context, h *Handle) error
	WriteBackup(ctx context.Context, h *Handle, req BackupRequest) (BackupManifest, int64, error)
	LastBackup(ctx context.Context, h *Handle) (time.Time, error)
	SetAutoBackup(ctx context.Context, h *Handle, folder, passphrase, code string) error
	AutoBackupSetting(ctx context.Context, h *Handle) (AutoBackup, error)
	ExportKey(ctx context.Context, h *Handle, out, passphrase, code, appVersion string) (BackupManifest, error)
	// MFAReport is the multi-factor state of the staff, for the board
	// (administrators: CanReadMFAReport); MFAReportSaved journals that it
	// was saved (ReportPDF or ReportCSV, and its number of rows).
	MFAReport(ctx context.Context, h *Handle) (MFAReport, error)
	MFAReportSaved(ctx context.Context, h *Handle, format string, rows int) error

	// The technician's operations: no sign-in, but the caller's operating
	// system account (CallerOf), as the Technician policy of the service
	// allows (the computer's administrator, or the owner of an embedded
	// daycare).
	Technician() Technician
}

// Technician is what the tool and the window's start-up do without a
// sign-in. Each method is allowed by the caller's operating system
// account: an embedded daycare trusts its own OS account (it holds the
// file anyway); the service trusts the computer's administrator for the
// listings, and break-glass always needs her.
type Technician interface {
	ListUsers(ctx context.Context, f UserFilter) ([]User, error)
	ListAudit(ctx context.Context, f AuditFilter) ([]AuditEvent, error)
	Policy(ctx context.Context) (Policy, error)
	Verify(ctx context.Context) (IntegrityReport, error)
	Status(ctx context.Context, email string) (MFAStatus, error)
	CheckImportFile(ctx context.Context, csv []byte) (ImportCheck, error)
	RefuseSelfReset(ctx context.Context, email string) error
	// Break-glass: the caller's account is journaled; refused unless she
	// is the computer's administrator.
	BreakGlassReset(ctx context.Context, email, reason string) (ReactivationCode, error)
	RebuildRoot(ctx context.Context, reason string) error
	ReplaceKey(ctx context.Context, reason string, recoveryCodesLost bool) (KeyReplacement, error)
	RunScheduledBackup(ctx context.Context, appVersion string) (string, error)
	SeedDemo(ctx context.Context) error
	MovedTo(ctx context.Context) (string, error)
}

// ReasonSessionExpired: the handle names no live session (signed out, idle
// for longer than the idle lock, older than MaxSessionAge, or made by
// another OS account). The window goes back to the sign-in screen.
const ReasonSessionExpired = "session_expired"

// ReasonNotTechnician: the operation needs the computer's administrator
// (or the owner of an embedded daycare).
const ReasonNotTechnician = "not_technician"

// Handle is a sign-in as a client holds it. Token is an opaque bearer
// value the service looks up; the rest is what the service said of the
// sign-in after the last call, for drawing only: the service never reads
// it back. A handle may be used from several goroutines at once (a
// window's refresh and its action): its view is guarded.
type Handle struct {
	token string
	mu    sync.Mutex
	view  HandleView
}

// HandleView is what a client may know of its sign-in.
type HandleView struct {
	// User is the account as last read, without its password hash,
	// sealed secret or MAC.
	User User
	Step Step
	// CodeAt is when a code was last accepted in this sign-in (zero when
	// never): a strong action within FreshCodeWindow needs no new code.
	CodeAt time.Time
	// RecoveryLeft is how many unused recovery codes the account has.
	RecoveryLeft int
	// Recovery holds recovery codes just made for the client to show once
	// (TakeRecoveryCodes).
	Recovery []string
}

// NewHandle is a handle over token as the service described it: what the
// client side of a transport builds.
func NewHandle(token string, v HandleView) *Handle { return &Handle{token: token, view: v} }

// Token is the opaque value a transport sends.
func (h *Handle) Token() string {
	if h == nil {
		return ""
	}
	return h.token
}

// View is what the service last said of the sign-in.
func (h *Handle) View() HandleView {
	if h == nil {
		return HandleView{}
	}
	h.mu.Lock()
	defer h.mu.Unlock()
	return h.view
}

// SetView replaces what the client knows of its sign-in (transports,
// after each call).
func (h *Handle) SetView(v HandleView) {
	if h != nil {
		h.mu.Lock()
		defer h.mu.Unlock()
		pending := h.view.Recovery
		h.view = v
		if len(v.Recovery) == 0 {
			h.view.Recovery = pending
		}
	}
}

// User returns the account as the service last described it.
func (h *Handle) User() User {
	if h == nil {
		return User{}
	}
	return h.View().User
}

// Step returns where the sign-in stands.
func (h *Handle) Step() Step {
	if h == nil {
		return StepNone
	}
	return h.View().Step
}

// RecoveryCodesLeft is how many unused recovery codes the account has.
func (h *Handle) RecoveryCodesLeft() int {
	if h == nil {
		return 0
	}
	return h.View().RecoveryLeft
}

// TakeRecoveryCodes returns the recovery codes made in this sign-in, once.
func (h *Handle) TakeRecoveryCodes() []string {
	if h == nil {
		return nil
	}
	h.mu.Lock()
	defer h.mu.Unlock()
	c := h.view.Recovery
	h.view.Recovery = nil
	return c
}

// CodeRequired reports whether a strong action needs a code typed now (no
// code accepted in this sign-in less than FreshCodeWindow before now).
func CodeRequired(codeAt, now time.Time) bool {
	return codeAt.IsZero() || now.Sub(codeAt) >= FreshCodeWindow || now.Before(codeAt)
}

// Eraser is the part of API that erases persons (Local and the service's
// client implement it; the tool calls it alone).
type Eraser interface {
	// EraseUser erases a person (her password checked again, and her
	// code): see Service.EraseUser. It returns her person number.
	EraseUser(ctx context.Context, h *Handle, email, password, code string) (int64, error)
}

var _ Eraser = (*Local)(nil)
