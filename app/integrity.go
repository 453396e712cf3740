package app

// Tamper evidence. Anyone who can open the database file can change it
// with any SQLite tool. These edits cannot be prevented, so they are made
// detectable with keyed MACs whose key lives in the key store (like the
// key that seals TOTP secrets, and derived from it), never in the file:
//
//   - each account's security state carries a MAC (accountMAC): a row
//     changed outside the app no longer matches, and that account cannot
//     sign in until an administrator looks at it;
//   - each journal row carries a MAC chained to the previous row's
//     (auditMAC): a deleted, rewritten, inserted or reordered row breaks the
//     chain; the newest row is also recorded in a MACed "head" setting, so
//     cutting rows off the end is seen too;
//   - the settings (staff policy, idle minutes, break-glass notices…)
//     carry one MAC together.
//
// Every write of the services goes through sealTx, which computes these
// MACs, so no service can forget one.
//
// By concern: the keys and the MACs in integritykeys.go, the sealing
// transaction in sealtx.go, the checking of every MAC in
// integrityverify.go, and what it found in integrityreport.go.

// Integrity settings (their values are maintained by this file only).
const (
	// SettingSealedAt records when this database got its MACs.
	SettingSealedAt = "integrity_sealed_at"
	// settingAuditHead is "ID:MAC:HEADMAC" of the newest journal row.
	settingAuditHead = "audit_head"
	// settingSettingsMAC is the MAC of every other setting.
	settingSettingsMAC = "settings_mac"
	// settingTamperSeen is a digest of the last tampering journaled, so
	// that the same finding is journaled once, not at every start.
	settingTamperSeen = "integrity_tamper_seen"
	// settingAcknowledged is the digest of the findings an administrator
	// acknowledged (a MACed setting).
	settingAcknowledged = "integrity_acknowledged"
)

// Integrity events (public interface).
const (
	EventAuditTampered   = "audit.tampered"
	EventAccountTampered = "account.tampered"
	EventSealed          = "integrity.sealed"
	EventAccountResealed = "account.resealed"
	EventKeyInsecure     = "key.insecure"
	EventIntegrityAcked  = "integrity.acknowledged"
)
