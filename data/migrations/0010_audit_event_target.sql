-- 0010: the newest event of a kind for each person in one index scan (the
-- MFA report's last sign-in and "since when", app/report.go): covering,
-- so 1,000,000 journal rows and 50,000 accounts are read from the index
-- alone, never from the table.
CREATE INDEX audit_event_target_time ON audit (event, target COLLATE NOCASE, time);
