package report

import (
	apetitspas "github.com/apetitspas/apetitspas/app"
	"github.com/apetitspas/apetitspas/assets"
)

// eventKeys are the translation keys naming each journal event
// (« Connexion réussie »), the same the Journal's filter shows.
var eventKeys = map[string]string{
	apetitspas.EventSetupCompleted:          "event.setup_completed",
	apetitspas.EventUserCreated:             "event.user_created",
	apetitspas.EventLoginSucceeded:          "event.login_succeeded",
	apetitspas.EventLoginFailed:             "event.login_failed",
	apetitspas.EventLoginLocked:             "event.login_locked",
	apetitspas.EventLoginRefused:            "event.login_refused",
	apetitspas.EventPasswordChanged:         "event.password_changed",
	apetitspas.EventSettingChanged:          "event.setting_changed",
	apetitspas.EventMFAActivationRequested:  "event.mfa_activation_requested",
	apetitspas.EventMFAEnrolled:             "event.mfa_enrolled",
	apetitspas.EventMFACodeAccepted:         "event.mfa_code_accepted",
	apetitspas.EventMFACodeFailed:           "event.mfa_code_failed",
	apetitspas.EventMFACodeReplayed:         "event.mfa_code_replayed",
	apetitspas.EventMFAClockSkew:            "event.mfa_clock_skew",
	apetitspas.EventMFALocked:               "event.mfa_locked",
	apetitspas.EventMFASecretCreated:        "event.mfa_secret_created",
	apetitspas.EventMFAReset:                "event.mfa_reset",
	apetitspas.EventMFAResetBreakGlass:      "event.mfa_reset_break_glass",
	apetitspas.EventMFAEnrollSkipped:        "event.mfa_enrollment_skipped",
	apetitspas.EventMFADeviceReplaced:       "event.mfa_device_replaced",
	apetitspas.EventBreakGlassAcknowledged:  "event.break_glass_acknowledged",
	apetitspas.EventPolicyEnforced:          "event.policy_enforced",
	apetitspas.EventPolicyRelaxed:           "event.policy_relaxed",
	apetitspas.EventUserDisabled:            "event.user_disabled",
	apetitspas.EventUserEnabled:             "event.user_enabled",
	apetitspas.EventUserUnlocked:            "event.user_unlocked",
	apetitspas.EventPasswordResetByAdmin:    "event.password_reset_by_admin",
	apetitspas.EventAuthzDenied:             "event.authz_denied",
	apetitspas.EventLogout:                  "event.logout",
	apetitspas.EventIdleLock:                "event.idle_locked",
	apetitspas.EventPasswordChangeFailed:    "event.password_change_failed",
	apetitspas.EventRoleChanged:             "event.role_changed",
	apetitspas.EventAuditTampered:           "event.audit_tampered",
	apetitspas.EventAccountTampered:         "event.account_tampered",
	apetitspas.EventAccountResealed:         "event.account_resealed",
	apetitspas.EventIntegrityAcked:          "event.integrity_acknowledged",
	apetitspas.EventRecoveryCodesMade:       "event.recovery_codes_created",
	apetitspas.EventRecoveryCodeUsed:        "event.recovery_code_used",
	apetitspas.EventRecoveryCodeFailed:      "event.recovery_code_failed",
	apetitspas.EventPasswordConfirmFailed:   "event.password_confirm_failed",
	apetitspas.EventBackupCreated:           "event.backup_created",
	apetitspas.EventBackupRestored:          "event.backup_restored",
	apetitspas.EventKeyRestored:             "event.key_restored",
	apetitspas.EventKeyReplaced:             "event.key_replaced",
	apetitspas.EventKeyExported:             "event.key_exported",
	apetitspas.EventKeyImported:             "event.key_imported",
	apetitspas.EventDBMoved:                 "event.db_moved",
	apetitspas.EventDataMoved:               "event.data_moved",
	apetitspas.EventDataAdopted:             "event.data_adopted",
	apetitspas.EventAuditRolledBack:         "event.audit_rolled_back",
	apetitspas.EventRootRebuilt:             "event.integrity_root_rebuilt",
	apetitspas.EventKeyRestoreFailed:        "event.key_restore_failed",
	apetitspas.EventKeyInsecure:             "event.key_insecure",
	apetitspas.EventSealed:                  "event.integrity_sealed",
	apetitspas.EventReactivationCodeCreated: "event.mfa_reactivation_code_created",
	apetitspas.EventReactivationCodeUsed:    "event.mfa_reactivation_code_used",
	apetitspas.EventMFAReportExported:       "event.report_mfa_exported",
	apetitspas.EventUserExported:            "event.user_exported",
	apetitspas.EventUserErased:              "event.user_erased",
	apetitspas.EventJournalHandedOver:       "event.audit_persons_handed_over",
	apetitspas.EventIncidentRecorded:        "event.incident_recorded",
	apetitspas.EventIncidentDismissed:       "event.incident_dismissed",
	apetitspas.EventJournalPseudonymised:    "event.audit_pseudonymised",
}

// EventLabel names a journal event in language (« Connexion réussie »);
// "" for a code it does not know (a newer version's).
func EventLabel(language, code string) string {
	key, ok := eventKeys[code]
	if !ok {
		return ""
	}
	return assets.Message(language, key, nil)
}
