-- 0007: recovery codes of administrators (app/recovery.go): per code its
-- SHA-256 (32 bytes) and when it was used (8 bytes, unix ms, 0 = unused),
-- one after the other; NULL when there are none. Covered by the account's
-- MAC, so a code added or revived in the file makes the account tampered.
ALTER TABLE users ADD COLUMN recovery BLOB;
