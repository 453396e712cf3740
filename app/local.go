package app

import (
	"bytes"
	"context"
	"crypto/rand"
	"crypto/sha256"
	"encoding/base64"
	"sync"
	"time"
)

// Local is the API run in this process: the embedded daycare of a window
// started without a service, and the service's own side (the transport
// calls it with the caller's OS account in the context). Sessions live
// here: a client holds an opaque token, and the idle lock and a session's
// age are enforced here, not only drawn by the window.
type Local struct {
	s *Service
	// Embedded: the caller's OS account owns the daycare (its files are
	// hers): the technician's listings need no more. A service is not
	// embedded: they need the computer's administrator.
	embedded bool

	mu       sync.Mutex
	sessions map[[32]byte]*liveSession
	// idle caches the idle-lock setting (read at most every idleTTL).
	idle   time.Duration
	idleAt time.Time
	// lastOwner is the OS account whose password was last accepted here
	// (signedIn: since the service started): the one whose window may
	// offer its kept e-mail (RememberEmail).
	lastOwner string
	signedIn  bool
}

// liveSession is one sign-in kept by the service.
type liveSession struct {
	// mu serialises the calls of one sign-in (a Session is not safe for
	// concurrent use); the registry's lock is never held while it is.
	mu      sync.Mutex
	sess    *Session
	owner   string // the OS account that signed in (CallerOf)
	created time.Time
	seen    time.Time // last call
}

// Sessions are bounded: a sign-in lives at most MaxSessionAge, and the
// service keeps at most MaxSessions (the oldest goes first).
const (
	MaxSessionAge = 12 * time.Hour
	MaxSessions   = 10000
	idleTTL       = 30 * time.Second
)

// NewLocal returns the API over s. embedded says whether the caller's OS
// account owns the daycare (see Local).
func NewLocal(s *Service, embedded bool) *Local {
	return &Local{s: s, embedded: embedded, sessions: map[[32]byte]*liveSession{}}
}

// Service returns the service Local runs (cmd/ only: the start-up checks
// that need the files).
func (l *Local) Service() *Service { return l.s }

func tokenKey(token string) [32]byte { return sha256.Sum256([]byte(token)) }

func callerName(ctx context.Context) string {
	if u, ok := CallerOf(ctx); ok {
		return u.Name
	}
	return ""
}

// open registers sess and returns its handle.
func (l *Local) open(ctx context.Context, sess *Session) (*Handle, error) {
	var b [32]byte
	if _, err := rand.Read(b[:]); err != nil {
		return nil, &Error{Code: EINTERNAL, Reason: ReasonStorage, Err: err}
	}
	token := base64.RawURLEncoding.EncodeToString(b[:])
	now := l.s.now()
	l.mu.Lock()
	if len(l.sessions) >= MaxSessions {
		var oldest [32]byte
		var at time.Time
		for k, ls := range l.sessions {
			if at.IsZero() || ls.seen.Before(at) {
				oldest, at = k, ls.seen
			}
		}
		delete(l.sessions, oldest)
	}
	l.sessions[tokenKey(token)] = &liveSession{sess: sess, owner: callerName(ctx), created: now, seen: now}
	l.lastOwner, l.signedIn = callerName(ctx), true
	l.mu.Unlock()
	return NewHandle(token, viewOf(sess)), nil
}

func viewOf(sess *Session) HandleView {
	return HandleView{User: publicUser(sess.User()), Step: sess.Step(), CodeAt: sess.codeAt,
		RecoveryLeft: sess.RecoveryCodesLeft(), Recovery: sess.TakeRecoveryCodes()}
}

// idleTimeout is the idle lock, read at most every idleTTL.
func (l *Local) idleTimeout(ctx context.Context, now time.Time) time.Duration {
	l.mu.Lock()
	d, at := l.idle, l.idleAt
	l.mu.Unlock()
	if !at.IsZero() && now.Sub(at) >= 0 && now.Sub(at) < idleTTL {
		return d
	}
	d, err := l.s.IdleTimeout(ctx)
	if err != nil {
		return d
	}
	l.mu.Lock()
	l.idle, l.idleAt = d, now
	l.mu.Unlock()
	return d
}

// live finds h's session: it must exist, belong to the caller's OS
// account, and be neither idle too long nor too old. An expired session
// is forgotten, and an idle one journaled as an idle lock.
func (l *Local) live(ctx context.Context, h *Handle) (*liveSession, error) {
	expired := &Error{Code: EUNAUTHORIZED, Reason: ReasonSessionExpired}
	if h == nil || h.token == "" {
		return nil, expired
	}
	k := tokenKey(h.token)
	now := l.s.now()
	idle := l.idleTimeout(ctx, now)
	l.mu.Lock()
	ls := l.sessions[k]
	if ls == nil || ls.owner != callerName(ctx) {
		l.mu.Unlock()
		return nil, expired
	}
	idleFor := now.Sub(ls.seen)
	if idle > 0 && idleFor >= idle || now.Sub(ls.created) >= MaxSessionAge {
		delete(l.sessions, k)
		l.mu.Unlock()
		if idle > 0 && idleFor >= idle && ls.sess.Step() == StepSignedIn {
			_ = l.s.Logout(ctx, ls.sess, EventIdleLock)
		}
		return nil, expired
	}
	ls.seen = now
	l.mu.Unlock()
	return ls, nil
}

// with runs fn on h's session, then tells h what it became.
func (l *Local) with(ctx context.Context, h *Handle, fn func(*Session) error) error {
	ls, err := l.live(ctx, h)
	if err != nil {
		return err
	}
	ls.mu.Lock()
	defer ls.mu.Unlock()
	err = fn(ls.sess)
	h.SetView(viewOf(ls.sess))
	return err
}

// close forgets h's session.
func (l *Local) close(h *Handle) {
	if h == nil {
		return
	}
	l.mu.Lock()
	delete(l.sessions, tokenKey(h.token))
	l.mu.Unlock()
}

func (l *Local) Now() time.Time { return l.s.Now() }

func (l *Local) DaycareName(ctx context.Context) (string, error) { return l.s.DaycareName(ctx) }

func (l *Local) NeedsSetup(ctx context.Context) (bool, error) { return l.s.NeedsSetup(ctx) }

func (l *Local) IdleTimeout(ctx context.Context) (time.Duration, error) { return l.s.IdleTimeout(ctx) }

func (l *Local) Setup(ctx context.Context, daycare string, admin NewUser, confirm string) (User, error) {
	u, err := NewTrusted(l.s).Setup(ctx, daycare, admin, confirm)
	return publicUser(u), err
}

func (l *Local) Login(ctx context.Context, email, password string) (*Handle, error) {
	sess, err := l.s.Login(ctx, email, password)
	if err != nil {
		return nil, err
	}
	return l.open(ctx, sess)
}

func (l *Local) SignInAdmin(ctx context.Context, email, password, code string) (*Handle, error) {
	sess, err := l.s.SignInAdmin(ctx, email, password, code)
	if err != nil {
		return nil, err
	}
	return l.open(ctx, sess)
}

func (l *Local) VerifyCode(ctx context.Context, h *Handle, code string) error {
	return l.with(ctx, h, func(s *Session) error { return l.s.VerifyCode(ctx, s, code) })
}

func (l *Local) UseReactivationCode(ctx context.Context, h *Handle, code string) error {
	return l.with(ctx, h, func(s *Session) error { return l.s.UseReactivationCode(ctx, s, code) })
}

func (l *Local) UseRecoveryCode(ctx context.Context, h *Handle, code string) error {
	return l.with(ctx, h, func(s *Session) error { return l.s.UseRecoveryCode(ctx, s, code) })
}

func (l *Local) BeginEnrollment(ctx context.Context, h *Handle) (e Enrollment, err error) {
	err = l.with(ctx, h, func(s *Session) error { e, err = l.s.BeginEnrollment(ctx, s); return err })
	return e, err
}

func (l *Local) ConfirmEnrollment(ctx context.Context, h *Handle, code string) error {
	return l.with(ctx, h, func(s *Session) error { return l.s.ConfirmEnrollment(ctx, s, code) })
}

func (l *Local) EnrollmentGrace(ctx context.Context, h *Handle) (canSkip bool, until time.Time, err error) {
	err = l.with(ctx, h, func(s *Session) error { canSkip, until, err = l.s.EnrollmentGrace(ctx, s); return err })
	return canSkip, until, err
}

func (l *Local) SkipEnrollment(ctx context.Context, h *Handle) error {
	return l.with(ctx, h, func(s *Session) error { return l.s.SkipEnrollment(ctx, s) })
}

func (l *Local) ChooseNewPassword(ctx context.Context, h *Handle, next, confirm string) error {
	return l.with(ctx, h, func(s *Session) error { return l.s.ChooseNewPassword(ctx, s, next, confirm) })
}

// Logout ends the session whatever the journal says (a sign-out must not
// fail to sign out).
func (l *Local) Logout(ctx context.Context, h *Handle, reason string) error {
	ls, err := l.live(ctx, h)
	if err != nil {
		// Already gone, or not the caller's: another OS account holding
		// the token signs nobody out.
		return nil
	}
	l.close(h)
	ls.mu.Lock()
	defer ls.mu.Unlock()
	return l.s.Logout(ctx, ls.sess, reason)
}

func (l *Local) Refresh(ctx context.Context, h *Handle) error {
	err := l.with(ctx, h, func(s *Session) error { return l.s.Refresh(ctx, s) })
	if r := ErrorReason(err); r == ReasonAccountDisabled || r == ReasonAccountTampered {
		l.close(h)
	}
	return err
}

func (l *Local) RestoreKey(ctx context.Context, email, password, recoveryCode string) error {
	return l.s.RestoreKey(ctx, email, password, recoveryCode)
}

func (l *Local) ChangePassword(ctx context.Context, h *Handle, current, next, confirm string) error {
	return l.with(ctx, h, func(s *Session) error { return l.s.ChangePassword(ctx, s, current, next, confirm) })
}

func (l *Local) RequestMFAActivation(ctx context.Context, h *Handle) error {
	return l.with(ctx, h, func(s *Session) error { return l.s.RequestMFAActivation(ctx, s) })
}

func (l *Local) ResetNotice(ctx context.Context, h *Handle) (by string, at time.Time, err error) {
	err = l.with(ctx, h, func(s *Session) error { by, at, err = l.s.ResetNotice(ctx, s); return err })
	return by, at, err
}

func (l *Local) RecoveryNotices(ctx context.Context, h *Handle) (ev []AuditEvent, err error) {
	err = l.with(ctx, h, func(s *Session) error { ev, err = l.s.RecoveryNotices(ctx, s); return err })
	return ev, err
}

func (l *Local) NewRecoveryCodes(ctx context.Context, h *Handle, password, code string) (c []string, err error) {
	err = l.with(ctx, h, func(s *Session) error { c, err = l.s.NewRecoveryCodes(ctx, s, password, code); return err })
	return c, err
}

func (l *Local) OnlyEnabledAdmin(ctx context.Context, h *Handle) (only bool, err error) {
	err = l.with(ctx, h, func(s *Session) error { only, err = l.s.OnlyEnabledAdmin(ctx, s); return err })
	return only, err
}

func (l *Local) OwnActions(ctx context.Context, h *Handle) (t OwnActions, err error) {
	err = l.with(ctx, h, func(s *Session) error { t, err = l.s.OwnActions(ctx, s); return err })
	return t, err
}

func (l *Local) BeginPhoneChange(ctx context.Context, h *Handle, password, code string) (e Enrollment, err error) {
	err = l.with(ctx, h, func(s *Session) error { e, err = l.s.BeginPhoneChange(ctx, s, password, code); return err })
	return e, err
}

func (l *Local) ConfirmPhoneChange(ctx context.Context, h *Handle, code string) error {
	return l.with(ctx, h, func(s *Session) error { return l.s.ConfirmPhoneChange(ctx, s, code) })
}

func (l *Local) CancelPhoneChange(ctx context.Context, h *Handle) error {
	return l.with(ctx, h, func(s *Session) error { return l.s.CancelPhoneChange(ctx, s) })
}

func (l *Local) Overview(ctx context.Context, h *Handle) (o Overview, err error) {
	err = l.with(ctx, h, func(s *Session) error { o, err = l.s.Overview(ctx, s); return err })
	o.Embedded = l.embedded && err == nil
	return o, err
}

func (l *Local) Users(ctx context.Context, h *Handle, f UserFilter) (us []User, err error) {
	err = l.with(ctx, h, func(s *Session) error { us, err = l.s.Users(ctx, s, f); return err })
	return publicUsers(us), err
}

func (l *Local) Staff(ctx context.Context, h *Handle, query string, limit int) (us []User, err error) {
	err = l.with(ctx, h, func(s *Session) error { us, err = l.s.Staff(ctx, s, query, limit); return err })
	return publicUsers(us), err
}

func (l *Local) StaffToEnroll(ctx context.Context, h *Handle) (n int, err error) {
	err = l.with(ctx, h, func(s *Session) error { n, err = l.s.StaffToEnroll(ctx, s); return err })
	return n, err
}

func (l *Local) StaffToSetUp(ctx context.Context, h *Handle) (us []User, err error) {
	err = l.with(ctx, h, func(s *Session) error { us, err = l.s.StaffToSetUp(ctx, s); return err })
	return publicUsers(us), err
}

func (l *Local) Actions(ctx context.Context, h *Handle, email string) (t AccountActions, err error) {
	err = l.with(ctx, h, func(s *Session) error { t, err = l.s.Actions(ctx, s, email); return err })
	return t, err
}

func (l *Local) Audit(ctx context.Context, h *Handle, f AuditFilter) (ev []AuditEvent, err error) {
	err = l.with(ctx, h, func(s *Session) error { ev, err = l.s.Audit(ctx, s, f); return err })
	return ev, err
}

func (l *Local) CreateAccount(ctx context.Context, h *Handle, n NewUser, code string) (im Imported, err error) {
	err = l.with(ctx, h, func(s *Session) error { im, err = l.s.CreateAccount(ctx, s, n, code); return err })
	im.User = publicUser(im.User)
	return im, err
}

func (l *Local) SetDisabled(ctx context.Context, h *Handle, email string, disabled bool, code string) error {
	return l.with(ctx, h, func(s *Session) error { return l.s.SetDisabled(ctx, s, email, disabled, code) })
}

func (l *Local) SetRole(ctx context.Context, h *Handle, email string, role Role, code string) error {
	return l.with(ctx, h, func(s *Session) error { return l.s.SetRole(ctx, s, email, role, code) })
}

func (l *Local) SetTemporaryPassword(ctx context.Context, h *Handle, email, code string) (pw string, err error) {
	err = l.with(ctx, h, func(s *Session) error { pw, err = l.s.SetTemporaryPassword(ctx, s, email, code); return err })
	return pw, err
}

func (l *Local) Unlock(ctx context.Context, h *Handle, email, code string) error {
	return l.with(ctx, h, func(s *Session) error { return l.s.Unlock(ctx, s, email, code) })
}

func (l *Local) Reseal(ctx context.Context, h *Handle, email, code string) (pw string, err error) {
	err = l.with(ctx, h, func(s *Session) error { pw, err = l.s.Reseal(ctx, s, email, code); return err })
	return pw, err
}

func (l *Local) EraseUser(ctx context.Context, h *Handle, email, password, code string) (person int64, err error) {
	err = l.with(ctx, h, func(s *Session) error { person, err = l.s.EraseUser(ctx, s, email, password, code); return err })
	return person, err
}

func (l *Local) ResetMFA(ctx context.Context, h *Handle, email, code string) (r ReactivationCode, err error) {
	err = l.with(ctx, h, func(s *Session) error { r, err = l.s.ResetMFA(ctx, s, email, code); return err })
	return r, err
}

func (l *Local) NewReactivationCode(ctx context.Context, h *Handle, email, code string) (r ReactivationCode, err error) {
	err = l.with(ctx, h, func(s *Session) error { r, err = l.s.NewReactivationCode(ctx, s, email, code); return err })
	return r, err
}

func (l *Local) StaffPolicy(ctx context.Context, h *Handle) (p Policy, err error) {
	err = l.with(ctx, h, func(s *Session) error { p, err = l.s.StaffPolicy(ctx, s); return err })
	return p, err
}

func (l *Local) SetStaffPolicy(ctx context.Context, h *Handle, enforce bool, graceDays int, code string) error {
	return l.with(ctx, h, func(s *Session) error { return l.s.SetStaffPolicy(ctx, s, enforce, graceDays, code) })
}

// RememberEmail is true when the administrators let the sign-in screen
// offer the e-mail last used on this computer and the caller's OS account
// is the one whose password was last accepted here (since the service
// started): another OS account's window never sees it, nor does one
// after someone else signed in.
func (l *Local) RememberEmail(ctx context.Context) (bool, error) {
	on, err := l.s.rememberEmail(ctx)
	if err != nil || !on {
		return false, err
	}
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.signedIn && l.lastOwner == callerName(ctx), nil
}

func (l *Local) SetRememberEmail(ctx context.Context, h *Handle, on bool) error {
	return l.with(ctx, h, func(s *Session) error { return l.s.SetRememberEmail(ctx, s, on) })
}

func (l *Local) SetIdleMinutes(ctx context.Context, h *Handle, minutes int) error {
	err := l.with(ctx, h, func(s *Session) error { return l.s.SetIdleMinutes(ctx, s, minutes) })
	if err == nil {
		l.mu.Lock()
		l.idleAt = time.Time{} // read again at the next call
		l.mu.Unlock()
	}
	return err
}

func (l *Local) CheckImport(ctx context.Context, h *Handle, csv []byte) (c ImportCheck, err error) {
	err = l.with(ctx, h, func(s *Session) error { c, err = l.s.CheckImport(ctx, s, bytes.NewReader(csv)); return err })
	return c, err
}

func (l *Local) ImportCSV(ctx context.Context, h *Handle, csv []byte, code string, progress func(done, total int)) (im []Imported, err error) {
	err = l.with(ctx, h, func(s *Session) error {
		im, err = l.s.ImportCSVWithProgress(ctx, s, bytes.NewReader(csv), code, progress)
		return err
	})
	for i := range im {
		im[i].User = publicUser(im[i].User)
	}
	return im, err
}

func (l *Local) CheckIntegrity(ctx context.Context, h *Handle) (r IntegrityReport, err error) {
	err = l.with(ctx, h, func(s *Session) error { r, err = l.s.CheckIntegrity(ctx, s); return err })
	return r, err
}

func (l *Local) AcknowledgeIntegrity(ctx context.Context, h *Handle, code string) error {
	return l.with(ctx, h, func(s *Session) error { return l.s.AcknowledgeIntegrity(ctx, s, code) })
}

func (l *Local) BreakGlassNotes(ctx context.Context, h *Handle) (n []BreakGlassNote, err error) {
	err = l.with(ctx, h, func(s *Session) error { n, err = l.s.BreakGlassNotes(ctx, s); return err })
	return n, err
}

func (l *Local) AcknowledgeBreakGlass(ctx context.Context, h *Handle) error {
	return l.with(ctx, h, func(s *Session) error { return l.s.AcknowledgeBreakGlass(ctx, s) })
}

func (l *Local) WriteBackup(ctx context.Context, h *Handle, req BackupRequest) (m BackupManifest, n int64, err error) {
	err = l.with(ctx, h, func(s *Session) error { m, n, err = l.s.WriteBackup(ctx, s, req); return err })
	return m, n, err
}

func (l *Local) LastBackup(ctx context.Context, h *Handle) (t time.Time, err error) {
	err = l.with(ctx, h, func(s *Session) error { t, err = l.s.LastBackup(ctx, s); return err })
	return t, err
}

func (l *Local) SetAutoBackup(ctx context.Context, h *Handle, folder, passphrase, code string) error {
	return l.with(ctx, h, func(s *Session) error { return l.s.SetAutoBackup(ctx, s, folder, passphrase, code) })
}

func (l *Local) AutoBackupSetting(ctx context.Context, h *Handle) (a AutoBackup, err error) {
	err = l.with(ctx, h, func(s *Session) error { a, err = l.s.AutoBackupSetting(ctx, s); return err })
	return a, err
}

func (l *Local) ExportKey(ctx context.Context, h *Handle, out, passphrase, code, appVersion string) (m BackupManifest, err error) {
	err = l.with(ctx, h, func(s *Session) error {
		m, err = l.s.ExportKey(ctx, s, out, passphrase, code, appVersion)
		return err
	})
	return m, err
}

func (l *Local) MFAReport(ctx context.Context, h *Handle) (r MFAReport, err error) {
	err = l.with(ctx, h, func(s *Session) error { r, err = l.s.MFAReport(ctx, s); return err })
	return r, err
}

func (l *Local) MFAReportSaved(ctx context.Context, h *Handle, format string, rows int) error {
	return l.with(ctx, h, func(s *Session) error { return l.s.MFAReportSaved(ctx, s, format, rows) })
}

// publicUser is u without what never leaves the service: its password
// hash, sealed secret, recovery set, reactivation hash and MAC.
func publicUser(u User) User {
	u.PasswordHash, u.MFASecret, u.MAC, u.Recovery, u.Reactivation = "", nil, nil, nil, nil
	return u
}

func publicUsers(us []User) []User {
	for i := range us {
		us[i] = publicUser(us[i])
	}
	return us
}

// Technician returns the operations without a sign-in.
func (l *Local) Technician() Technician { return technician{l} }

// technician checks the caller's OS account before each operation.
type technician struct{ l *Local }

// caller is the OS account of the caller: what the transport says, or in
// an embedded daycare (no transport) nobody in particular.
func (t technician) caller(ctx context.Context) OSUser {
	u, _ := CallerOf(ctx)
	return u
}

// allowed: an embedded daycare trusts its own OS account; a service the
// computer's administrator.
func (t technician) allowed(ctx context.Context) error {
	if t.l.embedded || t.caller(ctx).Elevated {
		return nil
	}
	return &Error{Code: EFORBIDDEN, Reason: ReasonNotTechnician}
}

func (t technician) tr() *Trusted { return NewTrusted(t.l.s) }

func (t technician) ListUsers(ctx context.Context, f UserFilter) ([]User, error) {
	if err := t.allowed(ctx); err != nil {
		return nil, err
	}
	us, err := t.tr().Users(ctx, f)
	return publicUsers(us), err
}

func (t technician) ListAudit(ctx context.Context, f AuditFilter) ([]AuditEvent, error) {
	if err := t.allowed(ctx); err != nil {
		return nil, err
	}
	return t.tr().Audit(ctx, f)
}

func (t technician) Policy(ctx context.Context) (Policy, error) {
	if err := t.allowed(ctx); err != nil {
		return Policy{}, err
	}
	return t.tr().StaffPolicy(ctx)
}

func (t technician) Verify(ctx context.Context) (IntegrityReport, error) {
	if err := t.allowed(ctx); err != nil {
		return IntegrityReport{}, err
	}
	return t.tr().Verify(ctx)
}

func (t technician) Status(ctx context.Context, email string) (MFAStatus, error) {
	if err := t.allowed(ctx); err != nil {
		return MFAStatus{}, err
	}
	return t.tr().Status(ctx, email)
}

// CheckImportFile only reads the file given: anyone may.
func (t technician) CheckImportFile(ctx context.Context, csv []byte) (ImportCheck, error) {
	return t.tr().CheckImportFile(ctx, bytes.NewReader(csv))
}

// RefuseSelfReset journals a refusal: anyone may be refused.
func (t technician) RefuseSelfReset(ctx context.Context, email string) error {
	return t.tr().RefuseSelfReset(ctx, email)
}

// The break-glass operations check the computer's administrator
// themselves, with the account the transport saw.
func (t technician) BreakGlassReset(ctx context.Context, email, reason string) (ReactivationCode, error) {
	return t.tr().BreakGlassReset(ctx, t.caller(ctx), email, reason)
}

func (t technician) RebuildRoot(ctx context.Context, reason string) error {
	return t.tr().RebuildRoot(ctx, t.caller(ctx), reason)
}

func (t technician) ReplaceKey(ctx context.Context, reason string, lost bool) (KeyReplacement, error) {
	return t.tr().ReplaceKeyWith(ctx, KeyReplaceRequest{By: t.caller(ctx), Reason: reason, RecoveryCodesLost: lost})
}

// RunScheduledBackup writes only what an administrator scheduled: the
// window of any account may start it.
func (t technician) RunScheduledBackup(ctx context.Context, appVersion string) (string, error) {
	return t.tr().RunScheduledBackup(ctx, appVersion)
}

// SeedDemo fills only a new database.
func (t technician) SeedDemo(ctx context.Context) error {
	if err := t.allowed(ctx); err != nil {
		return err
	}
	return t.tr().SeedDemo(ctx)
}

func (t technician) MovedTo(ctx context.Context) (string, error) { return t.tr().MovedTo(ctx) }

var _ API = (*Local)(nil)
