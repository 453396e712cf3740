-- 0009: in-person reactivation after a reset (app/reactivation.go): the
-- state of the account's one-time reactivation code (version, used or not,
-- expiry, the keyed hash of the code and of the codes it voided); NULL when
-- none. Covered by the account's MAC: a hash written into the file makes
-- the account tampered. Never the code itself.
ALTER TABLE users ADD COLUMN reactivation BLOB;
