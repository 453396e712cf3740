-- 0002: TOTP multi-factor state of each account.

-- Sealed TOTP secret (AES-256-GCM), NULL when there is none.
ALTER TABLE users ADD COLUMN mfa_secret BLOB;
-- When the secret was made, unix ms (0 = no secret).
ALTER TABLE users ADD COLUMN mfa_secret_since INTEGER NOT NULL DEFAULT 0;
-- Last accepted TOTP time step: a code is accepted once.
ALTER TABLE users ADD COLUMN mfa_last_step INTEGER NOT NULL DEFAULT 0;
-- Consecutive wrong codes.
ALTER TABLE users ADD COLUMN mfa_failures INTEGER NOT NULL DEFAULT 0;
