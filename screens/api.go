package screens

import (
	"context"
	"sync"
	"time"

	apetitspas "github.com/apetitspas/apetitspas/app"
)

// watchedAPI is the API as the screens call it. Every call made for a
// sign-in notes when it was made (the service's idle lock counts from the
// last call: the idle watch calls Refresh when a person is active and
// nothing was asked for a while), and an answer saying the session has
// ended (ReasonSessionExpired) sends the window back to the sign-in
// screen. It implements every method itself (no embedding): a method
// added to app.API does not compile until it is watched here too.
type watchedAPI struct {
	api apetitspas.API
	// expired is told the token of a handle the service no longer knows;
	// it may be called from any goroutine.
	expired func(token string)
	// lost is told the token of a handle whose call found no service (it
	// stopped or restarted); it may be called from any goroutine.
	lost func(token string)

	mu   sync.Mutex
	last time.Time // when the last call for a sign-in began (service time)
}

func newWatchedAPI(api apetitspas.API, expired func(token string)) *watchedAPI {
	return &watchedAPI{api: api, expired: expired}
}

// lastCall is when the last call for a sign-in began (zero before any).
func (w *watchedAPI) lastCall() time.Time {
	w.mu.Lock()
	defer w.mu.Unlock()
	return w.last
}

// begin is the service's time as a call for a sign-in starts.
func (w *watchedAPI) begin() time.Time { return w.api.Now() }

// done notes a call for h that began at at and returns its error.
func (w *watchedAPI) done(h *apetitspas.Handle, at time.Time, err error) error {
	switch apetitspas.ErrorReason(err) {
	case apetitspas.ReasonSessionExpired:
		if w.expired != nil {
			w.expired(h.Token())
		}
		return err
	case apetitspas.ReasonServiceUnavailable:
		if w.lost != nil {
			w.lost(h.Token())
		}
		return err
	}
	w.mu.Lock()
	if at.After(w.last) {
		w.last = at
	}
	w.mu.Unlock()
	return err
}

var _ apetitspas.API = (*watchedAPI)(nil)

func (w *watchedAPI) Now() time.Time { return w.api.Now() }

func (w *watchedAPI) DaycareName(ctx context.Context) (string, error) { return w.api.DaycareName(ctx) }

func (w *watchedAPI) NeedsSetup(ctx context.Context) (bool, error) { return w.api.NeedsSetup(ctx) }

func (w *watchedAPI) IdleTimeout(ctx context.Context) (time.Duration, error) {
	return w.api.IdleTimeout(ctx)
}

func (w *watchedAPI) Setup(ctx context.Context, daycare string, admin apetitspas.NewUser, confirm string) (apetitspas.User, error) {
	return w.api.Setup(ctx, daycare, admin, confirm)
}

func (w *watchedAPI) Login(ctx context.Context, email, password string) (*apetitspas.Handle, error) {
	at := w.begin()
	h, err := w.api.Login(ctx, email, password)
	if err == nil {
		err = w.done(h, at, nil)
	}
	return h, err
}

func (w *watchedAPI) SignInAdmin(ctx context.Context, email, password, code string) (*apetitspas.Handle, error) {
	at := w.begin()
	h, err := w.api.SignInAdmin(ctx, email, password, code)
	if err == nil {
		err = w.done(h, at, nil)
	}
	return h, err
}

func (w *watchedAPI) VerifyCode(ctx context.Context, h *apetitspas.Handle, code string) error {
	at := w.begin()
	return w.done(h, at, w.api.VerifyCode(ctx, h, code))
}

func (w *watchedAPI) UseReactivationCode(ctx context.Context, h *apetitspas.Handle, code string) error {
	at := w.begin()
	return w.done(h, at, w.api.UseReactivationCode(ctx, h, code))
}

func (w *watchedAPI) UseRecoveryCode(ctx context.Context, h *apetitspas.Handle, code string) error {
	at := w.begin()
	return w.done(h, at, w.api.UseRecoveryCode(ctx, h, code))
}

func (w *watchedAPI) BeginEnrollment(ctx context.Context, h *apetitspas.Handle) (apetitspas.Enrollment, error) {
	at := w.begin()
	e, err := w.api.BeginEnrollment(ctx, h)
	return e, w.done(h, at, err)
}

func (w *watchedAPI) ConfirmEnrollment(ctx context.Context, h *apetitspas.Handle, code string) error {
	at := w.begin()
	return w.done(h, at, w.api.ConfirmEnrollment(ctx, h, code))
}

func (w *watchedAPI) EnrollmentGrace(ctx context.Context, h *apetitspas.Handle) (bool, time.Time, error) {
	at := w.begin()
	canSkip, until, err := w.api.EnrollmentGrace(ctx, h)
	return canSkip, until, w.done(h, at, err)
}

func (w *watchedAPI) SkipEnrollment(ctx context.Context, h *apetitspas.Handle) error {
	at := w.begin()
	return w.done(h, at, w.api.SkipEnrollment(ctx, h))
}

func (w *watchedAPI) ChooseNewPassword(ctx context.Context, h *apetitspas.Handle, next, confirm string) error {
	at := w.begin()
	return w.done(h, at, w.api.ChooseNewPassword(ctx, h, next, confirm))
}

// Logout is never reported as an ended session: the window leaves it
// anyway.
func (w *watchedAPI) Logout(ctx context.Context, h *apetitspas.Handle, reason string) error {
	return w.api.Logout(ctx, h, reason)
}

func (w *watchedAPI) Refresh(ctx context.Context, h *apetitspas.Handle) error {
	at := w.begin()
	return w.done(h, at, w.api.Refresh(ctx, h))
}

func (w *watchedAPI) RestoreKey(ctx context.Context, email, password, recoveryCode string) error {
	return w.api.RestoreKey(ctx, email, password, recoveryCode)
}

func (w *watchedAPI) ChangePassword(ctx context.Context, h *apetitspas.Handle, current, next, confirm string) error {
	at := w.begin()
	return w.done(h, at, w.api.ChangePassword(ctx, h, current, next, confirm))
}

func (w *watchedAPI) RequestMFAActivation(ctx context.Context, h *apetitspas.Handle) error {
	at := w.begin()
	return w.done(h, at, w.api.RequestMFAActivation(ctx, h))
}

func (w *watchedAPI) ResetNotice(ctx context.Context, h *apetitspas.Handle) (string, time.Time, error) {
	at := w.begin()
	by, when, err := w.api.ResetNotice(ctx, h)
	return by, when, w.done(h, at, err)
}

func (w *watchedAPI) RecoveryNotices(ctx context.Context, h *apetitspas.Handle) ([]apetitspas.AuditEvent, error) {
	at := w.begin()
	ev, err := w.api.RecoveryNotices(ctx, h)
	return ev, w.done(h, at, err)
}

func (w *watchedAPI) NewRecoveryCodes(ctx context.Context, h *apetitspas.Handle, password, code string) ([]string, error) {
	at := w.begin()
	c, err := w.api.NewRecoveryCodes(ctx, h, password, code)
	return c, w.done(h, at, err)
}

func (w *watchedAPI) OnlyEnabledAdmin(ctx context.Context, h *apetitspas.Handle) (bool, error) {
	at := w.begin()
	only, err := w.api.OnlyEnabledAdmin(ctx, h)
	return only, w.done(h, at, err)
}

func (w *watchedAPI) OwnActions(ctx context.Context, h *apetitspas.Handle) (apetitspas.OwnActions, error) {
	at := w.begin()
	a, err := w.api.OwnActions(ctx, h)
	return a, w.done(h, at, err)
}

func (w *watchedAPI) BeginPhoneChange(ctx context.Context, h *apetitspas.Handle, password, code string) (apetitspas.Enrollment, error) {
	at := w.begin()
	e, err := w.api.BeginPhoneChange(ctx, h, password, code)
	return e, w.done(h, at, err)
}

func (w *watchedAPI) ConfirmPhoneChange(ctx context.Context, h *apetitspas.Handle, code string) error {
	at := w.begin()
	return w.done(h, at, w.api.ConfirmPhoneChange(ctx, h, code))
}

func (w *watchedAPI) CancelPhoneChange(ctx context.Context, h *apetitspas.Handle) error {
	at := w.begin()
	return w.done(h, at, w.api.CancelPhoneChange(ctx, h))
}

func (w *watchedAPI) Overview(ctx context.Context, h *apetitspas.Handle) (apetitspas.Overview, error) {
	at := w.begin()
	o, err := w.api.Overview(ctx, h)
	return o, w.done(h, at, err)
}

func (w *watchedAPI) Users(ctx context.Context, h *apetitspas.Handle, f apetitspas.UserFilter) ([]apetitspas.User, error) {
	at := w.begin()
	us, err := w.api.Users(ctx, h, f)
	return us, w.done(h, at, err)
}

func (w *watchedAPI) Staff(ctx context.Context, h *apetitspas.Handle, query string, limit int) ([]apetitspas.User, error) {
	at := w.begin()
	us, err := w.api.Staff(ctx, h, query, limit)
	return us, w.done(h, at, err)
}

func (w *watchedAPI) StaffToEnroll(ctx context.Context, h *apetitspas.Handle) (int, error) {
	at := w.begin()
	n, err := w.api.StaffToEnroll(ctx, h)
	return n, w.done(h, at, err)
}

func (w *watchedAPI) StaffToSetUp(ctx context.Context, h *apetitspas.Handle) ([]apetitspas.User, error) {
	at := w.begin()
	us, err := w.api.StaffToSetUp(ctx, h)
	return us, w.done(h, at, err)
}

func (w *watchedAPI) Actions(ctx context.Context, h *apetitspas.Handle, email string) (apetitspas.AccountActions, error) {
	at := w.begin()
	t, err := w.api.Actions(ctx, h, email)
	return t, w.done(h, at, err)
}

func (w *watchedAPI) Audit(ctx context.Context, h *apetitspas.Handle, f apetitspas.AuditFilter) ([]apetitspas.AuditEvent, error) {
	at := w.begin()
	ev, err := w.api.Audit(ctx, h, f)
	return ev, w.done(h, at, err)
}

func (w *watchedAPI) CreateAccount(ctx context.Context, h *apetitspas.Handle, n apetitspas.NewUser, code string) (apetitspas.Imported, error) {
	at := w.begin()
	im, err := w.api.CreateAccount(ctx, h, n, code)
	return im, w.done(h, at, err)
}

func (w *watchedAPI) SetDisabled(ctx context.Context, h *apetitspas.Handle, email string, disabled bool, code string) error {
	at := w.begin()
	return w.done(h, at, w.api.SetDisabled(ctx, h, email, disabled, code))
}

func (w *watchedAPI) SetRole(ctx context.Context, h *apetitspas.Handle, email string, role apetitspas.Role, code string) error {
	at := w.begin()
	return w.done(h, at, w.api.SetRole(ctx, h, email, role, code))
}

func (w *watchedAPI) SetTemporaryPassword(ctx context.Context, h *apetitspas.Handle, email, code string) (string, error) {
	at := w.begin()
	pw, err := w.api.SetTemporaryPassword(ctx, h, email, code)
	return pw, w.done(h, at, err)
}

func (w *watchedAPI) Unlock(ctx context.Context, h *apetitspas.Handle, email, code string) error {
	at := w.begin()
	return w.done(h, at, w.api.Unlock(ctx, h, email, code))
}

func (w *watchedAPI) Reseal(ctx context.Context, h *apetitspas.Handle, email, code string) (string, error) {
	at := w.begin()
	pw, err := w.api.Reseal(ctx, h, email, code)
	return pw, w.done(h, at, err)
}

func (w *watchedAPI) ResetMFA(ctx context.Context, h *apetitspas.Handle, email, code string) (apetitspas.ReactivationCode, error) {
	at := w.begin()
	r, err := w.api.ResetMFA(ctx, h, email, code)
	return r, w.done(h, at, err)
}

func (w *watchedAPI) NewReactivationCode(ctx context.Context, h *apetitspas.Handle, email, code string) (apetitspas.ReactivationCode, error) {
	at := w.begin()
	r, err := w.api.NewReactivationCode(ctx, h, email, code)
	return r, w.done(h, at, err)
}

func (w *watchedAPI) StaffPolicy(ctx context.Context, h *apetitspas.Handle) (apetitspas.Policy, error) {
	at := w.begin()
	p, err := w.api.StaffPolicy(ctx, h)
	return p, w.done(h, at, err)
}

func (w *watchedAPI) SetStaffPolicy(ctx context.Context, h *apetitspas.Handle, enforce bool, graceDays int, code string) error {
	at := w.begin()
	return w.done(h, at, w.api.SetStaffPolicy(ctx, h, enforce, graceDays, code))
}

func (w *watchedAPI) RememberEmail(ctx context.Context) (bool, error) {
	return w.api.RememberEmail(ctx)
}

func (w *watchedAPI) SetRememberEmail(ctx context.Context, h *apetitspas.Handle, on bool) error {
	at := w.begin()
	return w.done(h, at, w.api.SetRememberEmail(ctx, h, on))
}

func (w *watchedAPI) SetIdleMinutes(ctx context.Context, h *apetitspas.Handle, minutes int) error {
	at := w.begin()
	return w.done(h, at, w.api.SetIdleMinutes(ctx, h, minutes))
}

func (w *watchedAPI) CheckImport(ctx context.Context, h *apetitspas.Handle, csv []byte) (apetitspas.ImportCheck, error) {
	at := w.begin()
	c, err := w.api.CheckImport(ctx, h, csv)
	return c, w.done(h, at, err)
}

func (w *watchedAPI) ImportCSV(ctx context.Context, h *apetitspas.Handle, csv []byte, code string, progress func(done, total int)) ([]apetitspas.Imported, error) {
	at := w.begin()
	im, err := w.api.ImportCSV(ctx, h, csv, code, progress)
	return im, w.done(h, at, err)
}

func (w *watchedAPI) CheckIntegrity(ctx context.Context, h *apetitspas.Handle) (apetitspas.IntegrityReport, error) {
	at := w.begin()
	r, err := w.api.CheckIntegrity(ctx, h)
	return r, w.done(h, at, err)
}

func (w *watchedAPI) AcknowledgeIntegrity(ctx context.Context, h *apetitspas.Handle, code string) error {
	at := w.begin()
	return w.done(h, at, w.api.AcknowledgeIntegrity(ctx, h, code))
}

func (w *watchedAPI) BreakGlassNotes(ctx context.Context, h *apetitspas.Handle) ([]apetitspas.BreakGlassNote, error) {
	at := w.begin()
	n, err := w.api.BreakGlassNotes(ctx, h)
	return n, w.done(h, at, err)
}

func (w *watchedAPI) AcknowledgeBreakGlass(ctx context.Context, h *apetitspas.Handle) error {
	at := w.begin()
	return w.done(h, at, w.api.AcknowledgeBreakGlass(ctx, h))
}

func (w *watchedAPI) WriteBackup(ctx context.Context, h *apetitspas.Handle, req apetitspas.BackupRequest) (apetitspas.BackupManifest, int64, error) {
	at := w.begin()
	m, n, err := w.api.WriteBackup(ctx, h, req)
	return m, n, w.done(h, at, err)
}

func (w *watchedAPI) LastBackup(ctx context.Context, h *apetitspas.Handle) (time.Time, error) {
	at := w.begin()
	t, err := w.api.LastBackup(ctx, h)
	return t, w.done(h, at, err)
}

func (w *watchedAPI) SetAutoBackup(ctx context.Context, h *apetitspas.Handle, folder, passphrase, code string) error {
	at := w.begin()
	return w.done(h, at, w.api.SetAutoBackup(ctx, h, folder, passphrase, code))
}

func (w *watchedAPI) AutoBackupSetting(ctx context.Context, h *apetitspas.Handle) (apetitspas.AutoBackup, error) {
	at := w.begin()
	a, err := w.api.AutoBackupSetting(ctx, h)
	return a, w.done(h, at, err)
}

func (w *watchedAPI) ExportKey(ctx context.Context, h *apetitspas.Handle, out, passphrase, code, appVersion string) (apetitspas.BackupManifest, error) {
	at := w.begin()
	m, err := w.api.ExportKey(ctx, h, out, passphrase, code, appVersion)
	return m, w.done(h, at, err)
}

func (w *watchedAPI) MFAReport(ctx context.Context, h *apetitspas.Handle) (apetitspas.MFAReport, error) {
	at := w.begin()
	r, err := w.api.MFAReport(ctx, h)
	return r, w.done(h, at, err)
}

func (w *watchedAPI) MFAReportSaved(ctx context.Context, h *apetitspas.Handle, format string, rows int) error {
	at := w.begin()
	err := w.api.MFAReportSaved(ctx, h, format, rows)
	return w.done(h, at, err)
}

func (w *watchedAPI) Technician() apetitspas.Technician { return w.api.Technician() }

func (w *watchedAPI) EraseUser(ctx context.Context, h *apetitspas.Handle, email, password, code string) (int64, error) {
	at := w.begin()
	person, err := w.api.EraseUser(ctx, h, email, password, code)
	return person, w.done(h, at, err)
}

func (w *watchedAPI) ExportPerson(ctx context.Context, h *apetitspas.Handle, email string, formats []string, rows func([]apetitspas.AuditEvent) error) (apetitspas.PersonData, error) {
	at := w.begin()
	data, err := w.api.ExportPerson(ctx, h, email, formats, rows)
	return data, w.done(h, at, err)
}

func (w *watchedAPI) Incidents(ctx context.Context, h *apetitspas.Handle) ([]apetitspas.Incident, error) {
	at := w.begin()
	reg, err := w.api.Incidents(ctx, h)
	return reg, w.done(h, at, err)
}

func (w *watchedAPI) SaveIncident(ctx context.Context, h *apetitspas.Handle, in apetitspas.Incident) (apetitspas.Incident, error) {
	at := w.begin()
	x, err := w.api.SaveIncident(ctx, h, in)
	return x, w.done(h, at, err)
}

func (w *watchedAPI) DismissIncident(ctx context.Context, h *apetitspas.Handle, source int64, reason string) error {
	at := w.begin()
	return w.done(h, at, w.api.DismissIncident(ctx, h, source, reason))
}

func (w *watchedAPI) Retention(ctx context.Context, h *apetitspas.Handle) (apetitspas.Retention, error) {
	at := w.begin()
	r, err := w.api.Retention(ctx, h)
	return r, w.done(h, at, err)
}

func (w *watchedAPI) SetRetention(ctx context.Context, h *apetitspas.Handle, disabledMonths, journalYears int, code string) error {
	at := w.begin()
	err := w.api.SetRetention(ctx, h, disabledMonths, journalYears, code)
	return w.done(h, at, err)
}

func (w *watchedAPI) EraseDisabled(ctx context.Context, h *apetitspas.Handle, emails []string, password, code string) ([]apetitspas.ErasedAccount, error) {
	at := w.begin()
	out, err := w.api.EraseDisabled(ctx, h, emails, password, code)
	return out, w.done(h, at, err)
}
