-- 0010: the same as the SQLite migration 0009 (data/migrations): the
-- newest event of a kind for each person from the index alone.
CREATE INDEX audit_event_target_time ON audit (event, lower(target), time);
