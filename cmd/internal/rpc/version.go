package rpc

import (
	"fmt"
	"net/http"
	"strconv"

	"github.com/apetitspas/apetitspas/app"
)

// APIVersion is the version of apetitspas.v1 this code speaks. Raise it
// with every change to service.proto that a client or a service may rely on
// (a new RPC, a new field that means something). 2: every method of
// app.API and app.Technician. 3: Error.skew_seconds (a code right a few
// minutes away), Overview.server_clock_skew_seconds, and Error's limit and
// word (the password rule's refusals: how many characters, built on what);
// an older side simply goes without them.
// 4: « Changer de téléphone »: OwnActions, BeginPhoneChange,
// ConfirmPhoneChange, CancelPhoneChange; in-person reactivation after a reset: UseReactivationCode,
// NewReactivationCode, Step STEP_REACTIVATE, the ReactivationCode of
// ResetMFA and TechnicianBreakGlassReset, AccountActions.new_reactivation_code; RememberEmail, SetRememberEmail and
// Policy.remember_email (the sign-in screen's kept e-mail); MFAReport and
// MFAReportSaved (the MFA report for the board).
// 5: ExportPerson (a person's data, her journal rows streamed a page a
// message); an older service does not have it, nothing else changes.
// 6: StaffToSetUp (Accueil's « Voir les N personnes à configurer » opens
// Utilisateurs on exactly those people), Overview.last_backup and
// Overview.backup_due (the service decides the backup reminder).
// 7: EraseUser (Loi 25: erase a person, keep the proof) and AuditEvent's
// actor_erased, target_erased and erased_persons; an older service
// answers EraseUser as unimplemented.
// 8: AccountActions.erase and export (Utilisateurs' « Effacer les
// données… » and « Exporter les données… »); from an older service both
// read as not allowed.
// 9: the register of confidentiality incidents: Incidents, SaveIncident,
// DismissIncident; an older service answers them as unimplemented.
// 10: Retention, SetRetention and EraseDisabled (Sécurité → « Conservation
// des renseignements »); an older service answers them as unimplemented.
// 11: SetRetentionRequest.code (changing a delay is a strong action); an
// older service ignores it and asks for none.
const APIVersion = 11

// MinClientAPIVersion is the oldest client the service accepts. Raise it
// when the service drops or changes something older windows use: they are
// then refused with the reason "service_version" instead of half working.
const MinClientAPIVersion = 1

// MinServiceAPIVersion is the oldest service the client accepts: a window
// that needs an RPC added in version N sets it to N, and an older service
// refuses it before doing anything (the service checks, so that no call is
// carried out by a service that does not understand all of it). The
// Client needs every RPC of app.API (2) and the password rule's refusals
// with their limit (3): an older service applies an older rule; the
// reactivation step (4): an older service resets without a code; Accueil's
// list of the staff to set up and its backup reminder (6).
const MinServiceAPIVersion = 6

// The headers of every request. Headers and not a field of each message:
// the check runs in one interceptor, before the request is handled, for
// every RPC present and future.
const (
	HeaderAPIVersion           = "Apetitspas-Api-Version"
	HeaderMinServiceAPIVersion = "Apetitspas-Min-Service-Api-Version"
)

// Reasons of the transport, shown like app's (assets/translations:
// "error.<reason>").
const (
	// ReasonServiceVersion: the window (or the tool) and the service are
	// of versions that do not go together.
	ReasonServiceVersion = app.ReasonServiceVersion
	// ReasonServiceUnavailable: the service does not answer (not started,
	// stopped, or too slow for the call's deadline).
	ReasonServiceUnavailable = app.ReasonServiceUnavailable
	// ReasonOSUserUnknown: the operating system did not say who runs the
	// client, so the service refuses to answer it.
	ReasonOSUserUnknown = app.ReasonOSUserUnknown
)

// versions is one side's versions; tests make sides of other versions.
type versions struct {
	api        int // APIVersion
	minClient  int // MinClientAPIVersion (the service's side)
	minService int // MinServiceAPIVersion (the client's side)
}

var ours = versions{api: APIVersion, minClient: MinClientAPIVersion, minService: MinServiceAPIVersion}

// setHeaders writes the client's versions on a request.
func (v versions) setHeaders(h http.Header) {
	h.Set(HeaderAPIVersion, strconv.Itoa(v.api))
	h.Set(HeaderMinServiceAPIVersion, strconv.Itoa(v.minService))
}

// checkClient is the service's check of a request's headers. A request
// without a version comes from something that is not our client (or from
// a client older than the headers, which does not exist): refused too.
func (v versions) checkClient(h http.Header) error {
	client, err := strconv.Atoi(h.Get(HeaderAPIVersion))
	if err != nil {
		return versionError("the request has no valid %s header", HeaderAPIVersion)
	}
	if client < v.minClient {
		return versionError("client API version %d, the service (API version %d) accepts %d or newer", client, v.api, v.minClient)
	}
	if need, err := strconv.Atoi(h.Get(HeaderMinServiceAPIVersion)); err == nil && need > v.api {
		return versionError("service API version %d, the client (API version %d) needs %d or newer", v.api, client, need)
	}
	return nil
}

func versionError(format string, args ...any) *app.Error {
	return &app.Error{Code: app.EUNAVAILABLE, Reason: ReasonServiceVersion, Detail: fmt.Sprintf(format, args...)}
}
