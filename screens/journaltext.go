package screens

import (
	"fmt"
	"strconv"
	"strings"
	"time"

	"fyne.io/fyne/v2/lang"

	apetitspas "github.com/apetitspas/apetitspas/app"
	"github.com/apetitspas/apetitspas/assets"
)

// The journal in words: one sentence per event, built from the fields the
// services journal (or, for rows written before fields existed, from what
// their technical detail says), names instead of e-mails when the account
// exists, and times the way people write them in Québec.

// journalLocale is "fr" or "en", the language the screens speak.
func journalLocale() string { return lang.X("journal.locale", "fr") }

// journalDate is a day in local time: "1er déc. 2026", "26 nov. 2026";
// in English "Nov 26, 2026".
func journalDate(t time.Time) string { return formatDate(t) }

// journalTime is a moment in local time: "26 nov. 2026, 20 h 50"; in
// English "Nov 26, 2026, 8:50 PM".
func journalTime(t time.Time) string { return formatDateTime(t) }

// journalPerson names who acted or whom it concerns: the account's name
// when it exists, else the e-mail; the application itself when nobody.
func journalPerson(email, name string) string {
	switch email {
	case "":
		return lang.X("journal.nobody", "l'application")
	case apetitspas.BreakGlassActor:
		return lang.X("journal.break_glass_actor", "la procédure d'urgence")
	case "demo":
		return lang.X("journal.demo_actor", "les données de démonstration")
	}
	if name != "" {
		return name
	}
	return email
}

// journalPersonLong is journalPerson with the e-mail too, for the detail
// pane: "Julie Tremblay (julie@cpe.ca)".
func journalPersonLong(email, name string) string {
	p := journalPerson(email, name)
	if name != "" && email != "" && p == name {
		return name + " (" + email + ")"
	}
	return p
}

// upperFirst capitalizes the first letter of a sentence.
func upperFirst(s string) string {
	for i, r := range s {
		return strings.ToUpper(string(r)) + s[i+len(string(r)):]
	}
	return s
}

// journalFields are an event's fields by key: the ones journaled, or
// those read back from the detail of an older row.
func journalFields(e apetitspas.AuditEvent) map[string]string {
	fs := e.Fields
	if len(fs) == 0 {
		fs = legacyFields(e)
	}
	m := make(map[string]string, len(fs))
	for _, f := range fs {
		m[f.Key] = f.Value
	}
	return m
}

// legacyFields reads the technical detail of rows written before the
// journal had fields (those versions wrote a handful of fixed shapes).
// What cannot be read gives no fields: the detail pane shows the detail.
func legacyFields(e apetitspas.AuditEvent) []apetitspas.AuditField {
	d := strings.TrimSpace(e.Detail)
	if d == "" {
		return nil
	}
	kv := func(k, v string) apetitspas.AuditField { return apetitspas.AuditField{Key: k, Value: v} }
	var n, of int
	switch {
	case d == "password + code":
		return []apetitspas.AuditField{kv(apetitspas.FieldVia, apetitspas.ViaPasswordCode)}
	case d == "enrollment skipped (grace period)":
		return []apetitspas.AuditField{kv(apetitspas.FieldVia, apetitspas.ViaGraceSkip)}
	case d == "temporary password replaced":
		return []apetitspas.AuditField{kv(apetitspas.FieldVia, apetitspas.ViaTemporary)}
	case d == "account disabled":
		return []apetitspas.AuditField{kv(apetitspas.FieldReason, apetitspas.ReasonAccountDisabled)}
	case d == "account locked":
		return []apetitspas.AuditField{kv(apetitspas.FieldReason, apetitspas.ReasonAccountLocked)}
	case d == "account changed outside the application":
		return []apetitspas.AuditField{kv(apetitspas.FieldReason, apetitspas.ReasonAccountTampered)}
	case strings.HasPrefix(d, "unknown account #"):
		return []apetitspas.AuditField{kv(apetitspas.FieldReason, apetitspas.ValueUnknownAccount),
			kv(apetitspas.FieldFingerprint, strings.TrimPrefix(d, "unknown account #"))}
	case strings.HasPrefix(d, "locked until "):
		return []apetitspas.AuditField{kv(apetitspas.FieldUntil, strings.TrimPrefix(d, "locked until "))}
	case strings.HasPrefix(d, "daycare: "):
		return []apetitspas.AuditField{kv(apetitspas.FieldDaycare, strings.TrimPrefix(d, "daycare: "))}
	}
	if c, _ := fmt.Sscanf(d, "wrong password (%d/%d)", &n, &of); c == 2 {
		return []apetitspas.AuditField{kv(apetitspas.FieldAttempt, strconv.Itoa(n)), kv(apetitspas.FieldMax, strconv.Itoa(of))}
	}
	if c, _ := fmt.Sscanf(d, "wrong code (%d/%d)", &n, &of); c == 2 {
		return []apetitspas.AuditField{kv(apetitspas.FieldAttempt, strconv.Itoa(n)), kv(apetitspas.FieldMax, strconv.Itoa(of))}
	}
	if e.Event == apetitspas.EventMFAResetBreakGlass {
		var fs []apetitspas.AuditField
		rest := d
		if r, ok := strings.CutPrefix(rest, "account was changed outside the application; "); ok {
			rest = r
			fs = append(fs, kv(apetitspas.FieldTampered, "true"))
		}
		if os, reason, ok := strings.Cut(rest, "; reason="); ok {
			fs = append(fs, kv(apetitspas.FieldOSUser, strings.TrimPrefix(os, "os_user=")), kv(apetitspas.FieldReason, reason))
			return fs
		}
		return nil
	}
	// "key=value, key=value", perhaps followed by " (how)".
	var fs []apetitspas.AuditField
	how := ""
	if i := strings.LastIndex(d, " ("); i > 0 && strings.HasSuffix(d, ")") && e.Event == apetitspas.EventUserCreated {
		how = strings.ReplaceAll(d[i+2:len(d)-1], " ", "_")
		d = d[:i]
	}
	for _, part := range strings.Split(d, ", ") {
		k, v, ok := strings.Cut(part, "=")
		if !ok || k == "" || strings.ContainsAny(k, " :") {
			return nil
		}
		switch k {
		case "accounts_made_pending":
			k = apetitspas.FieldMadePending
		case apetitspas.SettingIdleMinutes:
			fs = append(fs, kv(apetitspas.FieldSetting, k))
			k = apetitspas.FieldValue
		}
		fs = append(fs, kv(k, v))
	}
	if how != "" {
		fs = append(fs, kv(apetitspas.FieldVia, how))
	}
	return fs
}

// sentenceOf is an event in one sentence, e.g. "Julie Tremblay a imposé
// l'AMF au personnel, délai de grâce 7 jours ; 3 comptes devront la
// configurer". An event code this version does not know is named by its
// code.
func sentenceOf(e apetitspas.AuditEvent) string {
	f := journalFields(e)
	d := map[string]any{
		"Actor":  journalPerson(e.Actor, e.ActorName),
		"Target": journalPerson(e.Target, e.TargetName),
	}
	for k, v := range f {
		d[fieldPlaceholder(k)] = v
	}
	if r := f[apetitspas.FieldRole]; r != "" {
		d["Role"] = roleWord(r)
	}
	if r := f[apetitspas.FieldFrom]; r != "" {
		d["From"] = roleWord(r)
	}
	if r := f[apetitspas.FieldTo]; r != "" {
		d["To"] = roleWord(r)
	}
	if a := f[apetitspas.FieldAction]; a != "" {
		d["Action"] = actionWord(a)
	}
	for _, k := range []string{apetitspas.FieldDue, apetitspas.FieldUntil} {
		if t, err := time.Parse(time.RFC3339, f[k]); err == nil {
			d[fieldPlaceholder(k)] = journalTime(t)
		}
	}
	var s string
	switch e.Event {
	case apetitspas.EventSetupCompleted:
		if f[apetitspas.FieldDaycare] != "" {
			s = lang.X("journal.s.setup_completed", "{{.Actor}} a mis en place le service de garde « {{.Daycare}} » (première utilisation)", d)
		} else {
			s = lang.X("journal.s.setup_completed_plain", "{{.Actor}} a mis en place le service de garde (première utilisation)", d)
		}
	case apetitspas.EventUserCreated:
		switch f[apetitspas.FieldVia] {
		case apetitspas.ViaImport:
			s = lang.X("journal.s.user_imported", "{{.Actor}} a importé le compte de {{.Target}} ({{.Role}})", d)
		case apetitspas.ViaFirstRun:
			s = lang.X("journal.s.user_first_run", "Compte de {{.Target}} créé à la première utilisation ({{.Role}})", d)
		case apetitspas.ViaDemo:
			s = lang.X("journal.s.user_demo", "Compte de démonstration de {{.Target}} créé ({{.Role}})", d)
		default:
			if f[apetitspas.FieldRole] == "" {
				s = lang.X("journal.s.user_created_plain", "{{.Actor}} a créé le compte de {{.Target}}", d)
			} else {
				s = lang.X("journal.s.user_created", "{{.Actor}} a créé le compte de {{.Target}} ({{.Role}})", d)
			}
		}
		if f[apetitspas.FieldMFA] == string(apetitspas.MFAPending) {
			if d["Due"] != nil {
				s += lang.X("journal.s.then_mfa_due", " ; AMF à configurer avant le {{.Due}}", d)
			} else {
				s += lang.X("journal.s.then_mfa_now", " ; AMF à configurer à la première connexion", d)
			}
		}
	case apetitspas.EventLoginSucceeded:
		switch f[apetitspas.FieldVia] {
		case apetitspas.ViaPasswordCode:
			s = lang.X("journal.s.login_code", "Connexion de {{.Target}} avec le mot de passe et un code AMF", d)
		case apetitspas.ViaGraceSkip:
			s = lang.X("journal.s.login_grace", "Connexion de {{.Target}} sans configurer l'AMF (délai de grâce)", d)
		default:
			s = lang.X("journal.s.login", "Connexion de {{.Target}} avec le mot de passe", d)
		}
	case apetitspas.EventLoginFailed:
		switch {
		case f[apetitspas.FieldReason] == apetitspas.ValueUnknownAccount:
			s = lang.X("journal.s.login_unknown", "Connexion échouée : courriel inconnu", d) // the fingerprint is in the detail pane
		case f[apetitspas.FieldAttempt] != "":
			s = lang.X("journal.s.login_failed_n", "Mot de passe incorrect pour {{.Target}} ({{.Attempt}} sur {{.Max}} avant le verrouillage)", d)
		default:
			s = lang.X("journal.s.login_failed", "Mot de passe incorrect pour {{.Target}}", d)
		}
	case apetitspas.EventLoginLocked:
		if d["Until"] != nil {
			s = lang.X("journal.s.login_locked", "Compte de {{.Target}} verrouillé jusqu'au {{.Until}} : trop de mots de passe incorrects", d)
		} else {
			s = lang.X("journal.s.login_locked_plain", "Compte de {{.Target}} verrouillé : trop de mots de passe incorrects", d)
		}
	case apetitspas.EventLoginRefused:
		switch f[apetitspas.FieldReason] {
		case apetitspas.ReasonAccountDisabled:
			s = lang.X("journal.s.refused_disabled", "Connexion refusée à {{.Target}} : le compte est désactivé", d)
		case apetitspas.ReasonAccountLocked:
			s = lang.X("journal.s.refused_locked", "Connexion refusée à {{.Target}} : le compte est verrouillé", d)
		case apetitspas.ReasonAccountTampered:
			s = lang.X("journal.s.refused_tampered", "Connexion refusée à {{.Target}} : le compte a été modifié hors de l'application", d)
		default:
			s = lang.X("journal.s.refused", "Connexion refusée à {{.Target}}", d)
		}
	case apetitspas.EventLogout:
		s = lang.X("journal.s.logout", "Déconnexion de {{.Target}}", d)
	case apetitspas.EventIdleLock:
		s = lang.X("journal.s.idle_locked", "Session de {{.Target}} verrouillée après une période d'inactivité", d)
	case apetitspas.EventPasswordChanged:
		if f[apetitspas.FieldVia] == apetitspas.ViaTemporary {
			s = lang.X("journal.s.password_temporary_replaced", "{{.Target}} a remplacé son mot de passe temporaire", d)
		} else {
			s = lang.X("journal.s.password_changed", "{{.Target}} a changé son mot de passe", d)
		}
	case apetitspas.EventPasswordChangeFailed:
		if f[apetitspas.FieldAttempt] != "" {
			s = lang.X("journal.s.password_change_failed_n", "Mot de passe actuel incorrect pour {{.Target}} dans Mon compte ({{.Attempt}} sur {{.Max}})", d)
		} else {
			s = lang.X("journal.s.password_change_failed", "Mot de passe actuel incorrect pour {{.Target}} dans Mon compte", d)
		}
	case apetitspas.EventPasswordResetByAdmin:
		s = lang.X("journal.s.password_reset_by_admin", "{{.Actor}} a donné un mot de passe temporaire à {{.Target}}", d)
	case apetitspas.EventRoleChanged:
		if d["From"] != nil && d["To"] != nil {
			s = lang.X("journal.s.role_changed", "{{.Actor}} a changé le rôle de {{.Target}} : {{.From}} → {{.To}}", d)
		} else {
			s = lang.X("journal.s.role_changed_plain", "{{.Actor}} a changé le rôle de {{.Target}}", d)
		}
	case apetitspas.EventSettingChanged:
		switch {
		case f[apetitspas.FieldSetting] == apetitspas.SettingIdleMinutes && f[apetitspas.FieldValue] == "1":
			s = lang.X("journal.s.idle_minutes_one", "{{.Actor}} a réglé le verrouillage après 1 minute d'inactivité", d)
		case f[apetitspas.FieldSetting] == apetitspas.SettingIdleMinutes:
			s = lang.X("journal.s.idle_minutes", "{{.Actor}} a réglé le verrouillage après {{.Value}} minutes d'inactivité", d)
		case f[apetitspas.FieldSetting] == apetitspas.SettingRetentionDisabledMonths && f[apetitspas.FieldOldValue] != "":
			s = lang.X("journal.s.retention_months", "{{.Actor}} a réglé l'effacement proposé des comptes désactivés après {{.Value}} mois (avant : {{.OldValue}})", d)
		case f[apetitspas.FieldSetting] == apetitspas.SettingRetentionJournalYears && f[apetitspas.FieldOldValue] != "":
			s = lang.X("journal.s.retention_years", "{{.Actor}} a réglé la conservation des courriels au journal à {{.Value}} ans (avant : {{.OldValue}})", d)
		default:
			s = lang.X("journal.s.setting_changed", "{{.Actor}} a modifié un réglage", d)
		}
	case apetitspas.EventMFAActivationRequested:
		s = lang.X("journal.s.mfa_activation_requested", "{{.Target}} a demandé à activer l'AMF (code QR à la prochaine connexion)", d)
	case apetitspas.EventMFASecretCreated:
		s = lang.X("journal.s.mfa_secret_created", "Code QR de l'AMF affiché à {{.Target}}", d)
	case apetitspas.EventMFAEnrolled:
		s = lang.X("journal.s.mfa_enrolled", "{{.Target}} a activé l'AMF avec son téléphone", d)
	case apetitspas.EventReactivationCodeCreated:
		if d["Until"] != nil {
			s = lang.X("journal.s.mfa_reactivation_code_created", "{{.Actor}} a créé un code de réactivation pour {{.Target}}, valide jusqu'au {{.Until}}", d)
		} else {
			s = lang.X("journal.s.mfa_reactivation_code_created_plain", "{{.Actor}} a créé un code de réactivation pour {{.Target}}", d)
		}
	case apetitspas.EventReactivationCodeUsed:
		s = lang.X("journal.s.mfa_reactivation_code_used", "{{.Target}} a tapé son code de réactivation (remis en personne)", d)
	case apetitspas.EventMFAEnrollSkipped:
		if d["Due"] != nil {
			s = lang.X("journal.s.mfa_skipped_due", "{{.Target}} a reporté la configuration de l'AMF (à faire avant le {{.Due}})", d)
		} else {
			s = lang.X("journal.s.mfa_skipped", "{{.Target}} a reporté la configuration de l'AMF (délai de grâce)", d)
		}
	case apetitspas.EventMFACodeAccepted:
		s = lang.X("journal.s.mfa_code_accepted", "Code AMF accepté pour {{.Target}}", d)
	case apetitspas.EventMFACodeFailed:
		if f[apetitspas.FieldAttempt] != "" {
			s = lang.X("journal.s.mfa_code_failed_n", "Code AMF incorrect pour {{.Target}} ({{.Attempt}} sur {{.Max}} avant le verrouillage)", d)
		} else {
			s = lang.X("journal.s.mfa_code_failed", "Code AMF incorrect pour {{.Target}}", d)
		}
	case apetitspas.EventMFACodeReplayed:
		s = lang.X("journal.s.mfa_code_replayed", "Code AMF déjà utilisé refusé pour {{.Target}}", d)
	case apetitspas.EventMFAClockSkew:
		secs, err := strconv.ParseInt(f[apetitspas.FieldSkew], 10, 64)
		d["Minutes"] = max(int64((time.Duration(secs)*time.Second).Abs().Round(time.Minute)/time.Minute), 1)
		switch {
		case err != nil || secs == 0:
			s = lang.X("journal.s.mfa_clock_skew", "Code AMF refusé pour {{.Target}} : l'heure de l'ordinateur ou celle du téléphone est décalée", d)
		case secs > 0:
			s = lang.X("journal.s.mfa_clock_skew_ahead", "Code AMF refusé pour {{.Target}} : l'heure de l'ordinateur utilisé semble avancer d'environ {{.Minutes}}\u00a0min sur celle de son téléphone", d)
		default:
			s = lang.X("journal.s.mfa_clock_skew_behind", "Code AMF refusé pour {{.Target}} : l'heure de l'ordinateur utilisé semble retarder d'environ {{.Minutes}}\u00a0min sur celle de son téléphone", d)
		}
	case apetitspas.EventMFALocked:
		if d["Until"] != nil {
			s = lang.X("journal.s.mfa_locked", "Compte de {{.Target}} verrouillé jusqu'au {{.Until}} : trop de codes AMF incorrects", d)
		} else {
			s = lang.X("journal.s.mfa_locked_plain", "Compte de {{.Target}} verrouillé : trop de codes AMF incorrects", d)
		}
	case apetitspas.EventMFADeviceReplaced:
		if f[apetitspas.FieldVia] == apetitspas.ViaRecoveryCodeOnly {
			s = lang.X("journal.s.mfa_device_replaced_recovery", "{{.Target}} a déplacé son AMF sur un nouveau téléphone (ancien téléphone remplacé par un code de récupération)", d)
		} else {
			s = lang.X("journal.s.mfa_device_replaced", "{{.Target}} a déplacé son AMF sur un nouveau téléphone ; l'ancien ne fonctionne plus", d)
		}
	case apetitspas.EventMFAReset:
		s = lang.X("journal.s.mfa_reset", "{{.Actor}} a réinitialisé l'AMF de {{.Target}}", d)
	case apetitspas.EventMFAResetBreakGlass:
		if f[apetitspas.FieldOSUser] != "" {
			s = lang.X("journal.s.mfa_reset_break_glass", "Réinitialisation d'urgence de l'AMF de {{.Target}} par « {{.OsUser}} », administrateur de l'ordinateur", d)
		} else {
			s = lang.X("journal.s.mfa_reset_break_glass_plain", "Réinitialisation d'urgence de l'AMF de {{.Target}}", d)
		}
	case apetitspas.EventBreakGlassAcknowledged:
		if n, _ := strconv.Atoi(f[apetitspas.FieldCount]); n > 1 {
			s = lang.X("journal.s.break_glass_acknowledged_n", "{{.Actor}} a pris connaissance de {{.Count}} réinitialisations d'urgence", d)
		} else {
			s = lang.X("journal.s.break_glass_acknowledged", "{{.Actor}} a pris connaissance d'une réinitialisation d'urgence", d)
		}
	case apetitspas.EventPolicyEnforced:
		s = policySentence(f, d)
	case apetitspas.EventPolicyRelaxed:
		s = lang.X("journal.s.policy_relaxed", "{{.Actor}} n'impose plus l'AMF au personnel (les comptes qui l'ont la gardent)", d)
	case apetitspas.EventUserDisabled:
		s = lang.X("journal.s.user_disabled", "{{.Actor}} a désactivé le compte de {{.Target}}", d)
	case apetitspas.EventUserEnabled:
		s = lang.X("journal.s.user_enabled", "{{.Actor}} a réactivé le compte de {{.Target}}", d)
	case apetitspas.EventUserUnlocked:
		s = lang.X("journal.s.user_unlocked", "{{.Actor}} a déverrouillé le compte de {{.Target}}", d)
	case apetitspas.EventAuthzDenied:
		switch {
		case f[apetitspas.FieldAction] != "" && e.Target != "" && e.Target != e.Actor:
			s = lang.X("journal.s.authz_denied_action_target", "Action refusée à {{.Actor}} sur le compte de {{.Target}} : {{.Action}}", d)
		case f[apetitspas.FieldAction] != "":
			s = lang.X("journal.s.authz_denied_action", "Action refusée à {{.Actor}} : {{.Action}}", d)
		case e.Target != "" && e.Target != e.Actor:
			s = lang.X("journal.s.authz_denied_target", "Action refusée à {{.Actor}} sur le compte de {{.Target}}", d)
		default:
			s = lang.X("journal.s.authz_denied", "Action refusée à {{.Actor}}", d)
		}
	case apetitspas.EventAuditTampered:
		s = lang.X("journal.s.audit_tampered", "Le journal ou les réglages ont été modifiés hors de l'application", d)
	case apetitspas.EventAccountTampered:
		s = lang.X("journal.s.account_tampered", "Le compte de {{.Target}} a été modifié hors de l'application", d)
	case apetitspas.EventAccountResealed:
		s = lang.X("journal.s.account_resealed", "{{.Actor}} a vérifié et rétabli le compte de {{.Target}} (nouveau mot de passe temporaire)", d)
	case apetitspas.EventIntegrityAcked:
		s = lang.X("journal.s.integrity_acknowledged", "{{.Actor}} a pris connaissance de l'avertissement de sécurité", d)
	case apetitspas.EventKeyInsecure:
		s = lang.X("journal.s.key_insecure", "Clé de sécurité refusée : d'autres utilisateurs de l'ordinateur peuvent la lire ou la remplacer", d)
	case apetitspas.EventSealed:
		if f[apetitspas.FieldAccounts] != "" {
			s = lang.X("journal.s.integrity_sealed", "Protection de la base mise en place ({{.Accounts}} comptes, {{.JournalRows}} événements du journal)", d)
		} else {
			s = lang.X("journal.s.integrity_sealed_plain", "Protection de la base mise en place", d)
		}
	case apetitspas.EventBackupCreated:
		switch {
		case f[apetitspas.FieldVia] == apetitspas.ViaScheduled:
			s = lang.X("journal.s.backup_scheduled", "Sauvegarde automatique dans le dossier {{.Folder}}", d)
		default:
			s = lang.X("journal.s.backup_created", "{{.Actor}} a fait une sauvegarde de la base et de sa clé", d)
		}
	case apetitspas.EventBackupRestored:
		if f[apetitspas.FieldFile] != "" {
			s = lang.X("journal.s.backup_restored", "Base restaurée à partir de la sauvegarde « {{.File}} » (faite par {{.By}})", d)
		} else {
			s = lang.X("journal.s.backup_restored_plain", "Base restaurée à partir d'une sauvegarde", d)
		}
	case apetitspas.EventRecoveryCodesMade:
		if f[apetitspas.FieldVia] == apetitspas.ViaReplaced {
			s = lang.X("journal.s.recovery_codes_replaced", "{{.Target}} a fait de nouveaux codes de récupération (les anciens ne servent plus)", d)
		} else {
			s = lang.X("journal.s.recovery_codes_created", "{{.Target}} a reçu ses codes de récupération", d)
		}
	case apetitspas.EventRecoveryCodeUsed:
		switch {
		case f[apetitspas.FieldVia] == apetitspas.ViaKeyRestored:
			s = lang.X("journal.s.recovery_code_key", "{{.Target}} a utilisé un code de récupération pour retrouver la clé", d)
		case f[apetitspas.FieldVia] == apetitspas.ViaPhoneChange:
			s = lang.X("journal.s.recovery_code_phone_change", "{{.Target}} a utilisé un code de récupération pour changer de téléphone ; {{.Left}} codes restants", d)
		case f[apetitspas.FieldLeft] != "":
			s = lang.X("journal.s.recovery_code_used", "{{.Target}} a utilisé un code de récupération (téléphone perdu) : nouveau code QR à scanner ; {{.Left}} codes restants", d)
		default:
			s = lang.X("journal.s.recovery_code_used_plain", "{{.Target}} a utilisé un code de récupération (téléphone perdu) : nouveau code QR à scanner", d)
		}
	case apetitspas.EventRecoveryCodeFailed:
		if f[apetitspas.FieldAttempt] != "" {
			s = lang.X("journal.s.recovery_code_failed", "Code de récupération incorrect pour {{.Target}} ({{.Attempt}} sur {{.Max}} avant le verrouillage)", d)
		} else {
			s = lang.X("journal.s.recovery_code_failed_plain", "Code de récupération incorrect pour {{.Target}}", d)
		}
	case apetitspas.EventPasswordConfirmFailed:
		if f[apetitspas.FieldAttempt] != "" {
			s = lang.X("journal.s.password_confirm_failed", "Mot de passe incorrect pour {{.Target}} en confirmant une action ({{.Attempt}} sur {{.Max}})", d)
		} else {
			s = lang.X("journal.s.password_confirm_failed_plain", "Mot de passe incorrect pour {{.Target}} en confirmant une action", d)
		}
	case apetitspas.EventKeyRestored:
		s = lang.X("journal.s.key_restored", "{{.Actor}} a retrouvé la clé de sécurité sur cet ordinateur", d)
	case apetitspas.EventKeyReplaced:
		if f[apetitspas.FieldOSUser] != "" && f[apetitspas.FieldMadePending] != "" {
			s = lang.X("journal.s.key_replaced", "Nouvelle clé de sécurité (réinitialisation d'urgence par « {{.OsUser}} ») : {{.MadePending}} comptes doivent refaire leur AMF", d)
		} else {
			s = lang.X("journal.s.key_replaced_plain", "Nouvelle clé de sécurité (réinitialisation d'urgence) : les comptes avec l'AMF doivent la refaire", d)
		}
		if f[apetitspas.FieldRecoveryCodesLost] == "true" {
			s += " " + lang.X("journal.s.key_replaced_codes_lost", "(déclaré : plus personne n'a de code de récupération)")
		}
	case apetitspas.EventMFAReportExported:
		s = lang.X("journal.s.report_mfa_exported", "{{.Actor}} a enregistré le rapport AMF", d)
	case apetitspas.EventUserErased:
		if f[apetitspas.FieldPerson] != "" {
			s = lang.X("journal.s.user_erased", "{{.Actor}} a effacé les données d'une personne (n° {{.Person}}) : son nom, son courriel et ses secrets ne sont plus dans la base", d)
		} else {
			s = lang.X("journal.s.user_erased_plain", "{{.Actor}} a effacé les données d'une personne : son nom, son courriel et ses secrets ne sont plus dans la base", d)
		}
	case apetitspas.EventJournalHandedOver:
		if f[apetitspas.FieldRows] != "" {
			s = lang.X("journal.s.audit_persons_handed_over", "{{.Actor}} a mis le journal sous sa forme effaçable ({{.JournalRows}} lignes, vérifiées d'abord) : les personnes y sont nommées à part, pour pouvoir être effacées", d)
		} else {
			s = lang.X("journal.s.audit_persons_handed_over_plain", "{{.Actor}} a mis le journal sous sa forme effaçable : les personnes y sont nommées à part, pour pouvoir être effacées", d)
		}
	case apetitspas.EventIncidentRecorded:
		if f[apetitspas.FieldIncident] != "" {
			s = lang.X("journal.s.incident_changed", "{{.Actor}} a modifié l'entrée n° {{.Incident}} du registre des incidents", d)
		} else {
			s = lang.X("journal.s.incident_recorded", "{{.Actor}} a écrit une entrée au registre des incidents", d)
		}
	case apetitspas.EventIncidentDismissed:
		s = lang.X("journal.s.incident_dismissed", "{{.Actor}} a écarté un brouillon du registre des incidents (ce n'était pas un incident)", d)
	case apetitspas.EventJournalPseudonymised:
		switch {
		case f[apetitspas.FieldCount] == "" || f[apetitspas.FieldYears] == "":
			s = lang.X("journal.s.audit_pseudonymised_plain", "Conservation : des personnes sans compte, absentes du journal depuis longtemps, n'y sont plus nommées que par leur numéro (les lignes restent vérifiables)", d)
		case f[apetitspas.FieldCount] == "1":
			s = lang.X("journal.s.audit_pseudonymised_one", "Conservation : une personne sans compte, absente du journal depuis plus de {{.Years}} ans, n'y est plus nommée que par son numéro (les lignes restent vérifiables)", d)
		default:
			s = lang.X("journal.s.audit_pseudonymised", "Conservation : {{.Count}} personnes sans compte, absentes du journal depuis plus de {{.Years}} ans, n'y sont plus nommées que par leur numéro (les lignes restent vérifiables)", d)
		}
	case apetitspas.EventUserExported:
		s = lang.X("journal.s.user_exported", "{{.Actor}} a exporté les données de {{.Target}}", d)
	case apetitspas.EventKeyExported:
		s = lang.X("journal.s.key_exported", "{{.Actor}} a exporté la clé de sécurité (pour un autre ordinateur)", d)
	case apetitspas.EventDBMoved:
		if f[apetitspas.FieldFile] != "" && f[apetitspas.FieldAccounts] != "" && f[apetitspas.FieldRows] != "" {
			s = lang.X("journal.s.db_moved", "Base déménagée du fichier « {{.File}} » vers le serveur PostgreSQL ({{.Accounts}} comptes, {{.JournalRows}} lignes du journal)", d)
		} else {
			s = lang.X("journal.s.db_moved_plain", "Base déménagée d'un fichier vers le serveur PostgreSQL", d)
		}
	case apetitspas.EventKeyImported:
		if f[apetitspas.FieldFile] != "" {
			s = lang.X("journal.s.key_imported", "Clé de sécurité importée sur un ordinateur (fichier « {{.File}} »)", d)
		} else {
			s = lang.X("journal.s.key_imported_plain", "Clé de sécurité importée sur un ordinateur", d)
		}
	case apetitspas.EventDataMoved:
		if f[apetitspas.FieldMovedFrom] == "" || f[apetitspas.FieldMovedTo] == "" {
			s = lang.X("journal.s.data_moved_plain", "{{.Actor}} a déplacé la garderie dans les données communes à tous les comptes de l'ordinateur", d)
			break
		}
		s = lang.X("journal.s.data_moved", "{{.Actor}} a déplacé la garderie de «\u00a0{{.MovedFrom}}\u00a0» vers «\u00a0{{.MovedTo}}\u00a0» (données communes à tous les comptes de l'ordinateur)", d)
	case apetitspas.EventDataAdopted:
		if f[apetitspas.FieldMovedFrom] == "" || f[apetitspas.FieldMovedTo] == "" || f[apetitspas.FieldOSUser] == "" {
			s = lang.X("journal.s.data_adopted_plain", "Garderie confiée au service de l'ordinateur, qui seul ouvre maintenant ses données", d)
			break
		}
		s = lang.X("journal.s.data_adopted", "«\u00a0{{.OsUser}}\u00a0», administrateur de l'ordinateur, a confié la garderie de «\u00a0{{.MovedFrom}}\u00a0» au service de l'ordinateur («\u00a0{{.MovedTo}}\u00a0»)", d)
	case apetitspas.EventAuditRolledBack:
		if f[apetitspas.FieldSeen] != "" && f[apetitspas.FieldFound] != "" {
			s = lang.X("journal.s.audit_rolled_back", "La base a été remise dans un état plus ancien que celui déjà vu sur cet ordinateur (écriture n° {{.FoundCounter}} au lieu de n° {{.SeenCounter}})", d)
		} else {
			s = lang.X("journal.s.audit_rolled_back_plain", "La base a été remise dans un état plus ancien que celui déjà vu sur cet ordinateur", d)
		}
	case apetitspas.EventRootRebuilt:
		if f[apetitspas.FieldOSUser] != "" {
			s = lang.X("journal.s.integrity_root_rebuilt", "« {{.OsUser}} », administrateur de l'ordinateur, a accepté l'état actuel de la base après un avertissement de sécurité", d)
		} else {
			s = lang.X("journal.s.integrity_root_rebuilt_plain", "L'administrateur de l'ordinateur a accepté l'état actuel de la base après un avertissement de sécurité", d)
		}
	case apetitspas.EventKeyRestoreFailed:
		if e.Target != "" {
			s = lang.X("journal.s.key_restore_failed", "Tentative refusée de retrouver la clé de sécurité avec le compte de {{.Target}} (la clé manquait sur cet ordinateur)", d)
		} else {
			s = lang.X("journal.s.key_restore_failed_plain", "Tentative refusée de retrouver la clé de sécurité (la clé manquait sur cet ordinateur)", d)
		}
	default:
		s = e.Event
	}
	return upperFirst(elide(s))
}

// policySentence is the imposed policy: "Julie Tremblay a imposé l'AMF
// au personnel, délai de grâce 7 jours ; 3 comptes devront la configurer".
func policySentence(f map[string]string, d map[string]any) string {
	s := lang.X("journal.s.policy_enforced", "{{.Actor}} a imposé l'AMF au personnel", d)
	if _, ok := f[apetitspas.FieldGraceDays]; ok {
		switch days, _ := strconv.Atoi(f[apetitspas.FieldGraceDays]); days {
		case 0:
			s += lang.X("journal.s.policy_no_grace", ", sans délai de grâce", d)
		case 1:
			s += lang.X("journal.s.policy_grace_one", ", délai de grâce 1 jour", d)
		default:
			s += lang.X("journal.s.policy_grace", ", délai de grâce {{.GraceDays}} jours", d)
		}
	}
	if _, ok := f[apetitspas.FieldMadePending]; ok {
		switch n, _ := strconv.Atoi(f[apetitspas.FieldMadePending]); n {
		case 0:
			s += lang.X("journal.s.policy_pending_none", " ; aucun compte de plus n'a à la configurer", d)
		case 1:
			s += lang.X("journal.s.policy_pending_one", " ; 1 compte devra la configurer", d)
		default:
			s += lang.X("journal.s.policy_pending", " ; {{.MadePending}} comptes devront la configurer", d)
		}
	}
	return s
}

// fieldPlaceholder is the template name of a field key: "grace_days" is
// {{.GraceDays}}.
func fieldPlaceholder(key string) string {
	var b strings.Builder
	for _, part := range strings.Split(key, "_") {
		b.WriteString(upperFirst(part))
	}
	return b.String()
}

// roleWord names a role code in words.
func roleWord(code string) string {
	switch apetitspas.Role(code) {
	case apetitspas.RoleAdmin, apetitspas.RoleEmployee, apetitspas.RoleParent:
		return roleText(apetitspas.Role(code))
	}
	return code
}

// journalField is one line of the detail pane: a label and a value.
type journalField struct{ label, value string }

// detailFields are the lines of the detail pane for e: when, who, to
// whom, then each field in words (a field this version does not know is
// shown by its key), or the technical detail when there are none.
func detailFields(e apetitspas.AuditEvent) []journalField {
	lines := []journalField{{lang.X("journal.when", "Quand"), journalTime(e.Time)}}
	if e.Actor != "" {
		lines = append(lines, journalField{lang.X("journal.who", "Qui"), journalPersonLong(e.Actor, e.ActorName)})
	}
	if e.Target != "" && e.Target != e.Actor {
		lines = append(lines, journalField{lang.X("journal.whom", "À qui"), journalPersonLong(e.Target, e.TargetName)})
	}
	return append(lines, fieldLines(e)...)
}

// fieldLines are e's fields in words, or its technical detail when it has
// none.
func fieldLines(e apetitspas.AuditEvent) []journalField {
	var lines []journalField
	fs := e.Fields
	if len(fs) == 0 {
		fs = legacyFields(e)
	}
	for _, f := range fs {
		lines = append(lines, journalField{fieldLabel(f.Key), fieldValue(f.Key, f.Value)})
	}
	if len(fs) == 0 && e.Detail != "" {
		lines = append(lines, journalField{lang.X("journal.detail", "Détail"), e.Detail})
	}
	return lines
}

// fieldLabel names a field key in words.
func fieldLabel(key string) string {
	switch key {
	case apetitspas.FieldRole:
		return lang.X("journal.f.role", "Rôle")
	case apetitspas.FieldMFA:
		return lang.X("journal.f.mfa", "Connexion multi-facteurs (AMF)")
	case apetitspas.FieldVia:
		return lang.X("journal.f.via", "Comment")
	case apetitspas.FieldDue:
		return lang.X("journal.f.due", "AMF à configurer avant le")
	case apetitspas.FieldFrom:
		return lang.X("journal.f.from", "Ancien rôle")
	case apetitspas.FieldTo:
		return lang.X("journal.f.to", "Nouveau rôle")
	case apetitspas.FieldAttempt:
		return lang.X("journal.f.attempt", "Échec numéro")
	case apetitspas.FieldMax:
		return lang.X("journal.f.max", "Échecs permis avant le verrouillage")
	case apetitspas.FieldUntil:
		return lang.X("journal.f.until", "Jusqu'au")
	case apetitspas.FieldReason:
		return lang.X("journal.f.reason", "Raison")
	case apetitspas.FieldFingerprint:
		return lang.X("journal.f.fingerprint", "Empreinte du courriel tapé")
	case apetitspas.FieldAction:
		return lang.X("journal.f.action", "Action")
	case apetitspas.FieldOSUser:
		return lang.X("journal.f.os_user", "Utilisateur de l'ordinateur")
	case apetitspas.FieldTampered:
		return lang.X("journal.f.tampered", "Compte modifié hors de l'application")
	case apetitspas.FieldGraceDays:
		return lang.X("journal.f.grace_days", "Délai de grâce")
	case apetitspas.FieldMadePending:
		return lang.X("journal.f.made_pending", "Comptes qui devront configurer l'AMF")
	case apetitspas.FieldSetting:
		return lang.X("journal.f.setting", "Réglage")
	case apetitspas.FieldValue:
		return lang.X("journal.f.value", "Nouvelle valeur")
	case apetitspas.FieldDaycare:
		return lang.X("journal.f.daycare", "Service de garde")
	case apetitspas.FieldAccounts:
		return lang.X("journal.f.accounts", "Comptes")
	case apetitspas.FieldRows:
		return lang.X("journal.f.journal_rows", "Événements du journal")
	case apetitspas.FieldBreaks:
		return lang.X("journal.f.rows", "Événements modifiés (numéros)")
	case apetitspas.FieldTailCut:
		return lang.X("journal.f.tail_cut", "Derniers événements supprimés")
	case apetitspas.FieldUnsealed:
		return lang.X("journal.f.marker_removed", "Marque de protection supprimée")
	case apetitspas.FieldDeleted:
		return lang.X("journal.f.accounts_deleted", "Comptes supprimés du fichier")
	case apetitspas.FieldSettings:
		return lang.X("journal.f.settings_changed", "Réglages modifiés")
	case apetitspas.FieldChanged:
		return lang.X("journal.f.accounts_changed", "Comptes modifiés")
	case apetitspas.FieldResets:
		return lang.X("journal.f.resets", "Réinitialisations")
	case apetitspas.FieldCount:
		return lang.X("journal.f.count", "Nombre")
	case apetitspas.FieldDisabled:
		return lang.X("journal.f.disabled", "Compte désactivé")
	case apetitspas.FieldMFAWas:
		return lang.X("journal.f.mfa_was", "AMF avant")
	case apetitspas.FieldError:
		return lang.X("journal.f.error", "Erreur")
	case apetitspas.FieldWhere:
		return lang.X("journal.f.where", "Constaté")
	case apetitspas.FieldSeen:
		return lang.X("journal.f.seen_counter", "Écriture la plus récente vue sur cet ordinateur")
	case apetitspas.FieldFound:
		return lang.X("journal.f.found_counter", "Écriture trouvée dans la base")
	case apetitspas.FieldRolledBack:
		return lang.X("journal.f.rolled_back", "Remis dans un état plus ancien")
	case apetitspas.FieldRoot:
		return lang.X("journal.f.state_root", "Sceau de l'état de la base")
	case apetitspas.FieldLocked:
		return lang.X("journal.f.locked", "A verrouillé la récupération de la clé")
	case apetitspas.FieldPerson:
		return lang.X("journal.f.person", "Personne effacée (numéro)")
	case apetitspas.FieldOldValue:
		return lang.X("journal.f.old_value", "Ancienne valeur")
	case apetitspas.FieldYears:
		return lang.X("journal.f.years", "Durée de conservation (ans)")
	case apetitspas.FieldPersons:
		return lang.X("journal.f.persons", "Personnes (numéros)")
	case apetitspas.FieldOldHead:
		return lang.X("journal.f.old_head", "Sceau du journal avant le changement de forme")
	case apetitspas.FieldCodeTag:
		return lang.X("journal.f.code_tag", "Sceau du code (pour le vérifier plus tard)")
	case apetitspas.FieldReactivationCode:
		return lang.X("journal.f.reactivation_code", "Code de réactivation en attente")
	case apetitspas.FieldIncident:
		return lang.X("journal.f.incident", "Entrée du registre (numéro)")
	case apetitspas.FieldSource:
		return lang.X("journal.f.source", "Détection à l'origine (ligne du journal)")
	case apetitspas.FieldInformation:
		return lang.X("journal.f.information", "Renseignements personnels visés")
	case apetitspas.FieldCircumstances:
		return lang.X("journal.f.circumstances", "Circonstances")
	case apetitspas.FieldPeriod:
		return lang.X("journal.f.period", "Date ou période de l'incident")
	case apetitspas.FieldKnownOn:
		return lang.X("journal.f.known_on", "Date de la prise de connaissance")
	case apetitspas.FieldPeople:
		return lang.X("journal.f.people", "Nombre de personnes concernées")
	case apetitspas.FieldRisk:
		return lang.X("journal.f.risk", "Risque de préjudice sérieux")
	case apetitspas.FieldRiskAssessment:
		return lang.X("journal.f.risk_assessment", "Évaluation du risque")
	case apetitspas.FieldCAINotified:
		return lang.X("journal.f.cai_notified_on", "Avis à la Commission d'accès à l'information")
	case apetitspas.FieldPeopleNotified:
		return lang.X("journal.f.people_notified_on", "Avis aux personnes concernées")
	case apetitspas.FieldMeasures:
		return lang.X("journal.f.measures", "Mesures prises")
	case apetitspas.FieldSkew:
		return lang.X("journal.f.skew_seconds", "Avance de l'ordinateur sur le téléphone (secondes, négatif s'il retarde)")
	}
	if strings.IndexFunc(key, func(r rune) bool { return r < ' ' }) >= 0 {
		return lang.X("journal.f.unreadable", "Détails illisibles (modifiés hors de l'application)")
	}
	return key
}

// fieldValue shows a field's value in words where it is a code.
func fieldValue(key, value string) string {
	switch key {
	case apetitspas.FieldRisk:
		return riskWord(value)
	case apetitspas.FieldRole, apetitspas.FieldFrom, apetitspas.FieldTo:
		return roleWord(value)
	case apetitspas.FieldMFA, apetitspas.FieldMFAWas:
		switch apetitspas.MFAState(value) {
		case apetitspas.MFAOn, apetitspas.MFAOff, apetitspas.MFAPending:
			return mfaText(apetitspas.MFAState(value))
		}
		if value == "kept" {
			return lang.X("journal.v.kept", "inchangée")
		}
	case apetitspas.FieldReactivationCode:
		if value == "kept" {
			return lang.X("journal.v.code_kept", "gardé (le journal le confirme)")
		}
	case apetitspas.FieldDue, apetitspas.FieldUntil:
		if t, err := time.Parse(time.RFC3339, value); err == nil {
			return journalTime(t)
		}
	case apetitspas.FieldGraceDays:
		switch value {
		case "0":
			return lang.X("journal.v.no_grace", "aucun (dès la prochaine connexion)")
		case "1":
			return lang.X("journal.v.one_day", "1 jour")
		}
		return lang.X("journal.v.days", "{{.N}} jours", map[string]any{"N": value})
	case apetitspas.FieldValue:
		return value
	case apetitspas.FieldAction:
		return actionWord(value)
	case apetitspas.FieldSetting:
		if value == apetitspas.SettingIdleMinutes {
			return lang.X("journal.v.idle_minutes", "Minutes d'inactivité avant le verrouillage")
		}
	case apetitspas.FieldTampered, apetitspas.FieldTailCut, apetitspas.FieldUnsealed, apetitspas.FieldSettings, apetitspas.FieldDisabled:
		switch value {
		case "true", "yes":
			return lang.X("journal.v.yes", "oui")
		case "false", "no":
			return lang.X("journal.v.no", "non")
		}
	case apetitspas.FieldVia:
		switch value {
		case apetitspas.ViaImport:
			return lang.X("journal.v.import", "importation d'une liste")
		case apetitspas.ViaFirstRun:
			return lang.X("journal.v.first_run", "première utilisation")
		case apetitspas.ViaDemo:
			return lang.X("journal.v.demo", "données de démonstration")
		case apetitspas.ViaPassword:
			return lang.X("journal.v.password", "mot de passe")
		case apetitspas.ViaPasswordCode:
			return lang.X("journal.v.password_code", "mot de passe et code AMF")
		case apetitspas.ViaGraceSkip:
			return lang.X("journal.v.grace_skip", "mot de passe, AMF reportée (délai de grâce)")
		case apetitspas.ViaTemporary:
			return lang.X("journal.v.temporary", "remplacement du mot de passe temporaire")
		case apetitspas.ViaMonCompte:
			return lang.X("journal.v.own", "dans Mon compte")
		}
	case apetitspas.FieldWhere:
		switch value {
		case apetitspas.WhereSignIn:
			return lang.X("journal.v.sign_in", "à la connexion")
		case apetitspas.WhereCheck:
			return lang.X("journal.v.check", "à la vérification de la base")
		}
	case apetitspas.FieldReason:
		switch value {
		case apetitspas.ValueUnknownAccount:
			return lang.X("journal.v.unknown_account", "aucun compte n'a ce courriel")
		case apetitspas.ReasonAccountDisabled:
			return lang.X("journal.v.account_disabled", "compte désactivé")
		case apetitspas.ReasonAccountLocked:
			return lang.X("journal.v.account_locked", "compte verrouillé")
		case apetitspas.ReasonAccountTampered:
			return lang.X("journal.v.account_tampered", "compte modifié hors de l'application")
		case apetitspas.ReasonBadCredentials:
			return lang.X("journal.v.bad_credentials", "mot de passe incorrect")
		}
		if msg := reasonText(value); msg != "" {
			return msg
		}
	}
	return value
}

// reasonText is the sentence of an error reason code, "" when it has none.
func reasonText(reason string) string {
	if _, ok := assets.Table("fr")["error."+reason]; !ok || reason == "" {
		return ""
	}
	return ErrorText(&apetitspas.Error{Code: apetitspas.EFORBIDDEN, Reason: reason})
}

// actionWord names an administrative action the services refused.
func actionWord(action string) string {
	switch action {
	case "acknowledge break-glass":
		return lang.X("journal.a.acknowledge_break_glass", "prendre connaissance d'une réinitialisation d'urgence")
	case "acknowledge integrity":
		return lang.X("journal.a.acknowledge_integrity", "prendre connaissance d'un avertissement de sécurité")
	case "change role":
		return lang.X("journal.a.change_role", "changer un rôle")
	case "create account":
		return lang.X("journal.a.create_account", "créer un compte")
	case "disable/enable":
		return lang.X("journal.a.disable_enable", "désactiver ou réactiver un compte")
	case "idle minutes":
		return lang.X("journal.a.idle_minutes", "régler le verrouillage après inactivité")
	case "import":
		return lang.X("journal.a.import", "importer une liste de comptes")
	case "mfa reset":
		return lang.X("journal.a.mfa_reset", "réinitialiser l'AMF")
	case "reseal account":
		return lang.X("journal.a.reseal_account", "rétablir un compte modifié")
	case "staff policy":
		return lang.X("journal.a.staff_policy", "imposer ou non l'AMF au personnel")
	case "temporary password":
		return lang.X("journal.a.temporary_password", "donner un mot de passe temporaire")
	case "unlock":
		return lang.X("journal.a.unlock", "déverrouiller un compte")
	case "check integrity":
		return lang.X("journal.a.check_integrity", "vérifier la base")
	case "list users":
		return lang.X("journal.a.list_users", "voir les comptes")
	case "read journal":
		return lang.X("journal.a.read_journal", "lire le journal")
	case "read policy":
		return lang.X("journal.a.read_policy", "voir la politique d'AMF")
	case "admin sign-in":
		return lang.X("journal.a.admin_sign_in", "se connecter à l'outil d'administration")
	case "break-glass":
		return lang.X("journal.a.break_glass", "réinitialisation d'urgence")
	}
	return action
}
