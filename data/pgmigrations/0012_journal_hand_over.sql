-- 0012: the one-time hand-over of the journal to the personal form
-- (app/erase.go, Loi 25) on PostgreSQL. The app's role still has no
-- UPDATE on the journal. It may call audit_hand_over (granted in
-- pgmigrate.go), which rewrites one row, and the append-only trigger
-- (which holds for the owner too) now lets a row be rewritten only:
--   - in the transaction that journaled the hand-over: the first
--     audit.persons_handed_over row was inserted by this very transaction,
--     so once it has committed no later transaction can ever rewrite a
--     row again (a second such row opens nothing);
--   - for that row and the rows older than it (the whole chain is sealed
--     again), keeping their number, time and event,
--     with a new MAC.
-- The rule of 0007 (a row without a MAC may get one) stays.
CREATE OR REPLACE FUNCTION audit_append_only() RETURNS trigger LANGUAGE plpgsql AS $$
DECLARE
    first_id   BIGINT;
    first_mine BOOLEAN;
BEGIN
    IF TG_OP = 'UPDATE'
       AND OLD.mac IS NULL AND NEW.mac IS NOT NULL AND length(NEW.mac) > 0
       AND NEW.id = OLD.id AND NEW.time = OLD.time AND NEW.event = OLD.event
       AND NEW.actor = OLD.actor AND NEW.target = OLD.target
       AND NEW.detail = OLD.detail AND NEW.fields IS NOT DISTINCT FROM OLD.fields THEN
        RETURN NEW;
    END IF;
    IF TG_OP = 'UPDATE'
       AND NEW.mac IS NOT NULL AND length(NEW.mac) > 0
       AND NEW.id = OLD.id AND NEW.time = OLD.time AND NEW.event = OLD.event THEN
        SELECT id, xmin = pg_current_xact_id()::xid INTO first_id, first_mine
            FROM audit WHERE event = 'audit.persons_handed_over' ORDER BY id LIMIT 1;
        IF first_id IS NOT NULL AND first_mine AND OLD.id <= first_id THEN
            RETURN NEW;
        END IF;
    END IF;
    RAISE EXCEPTION 'audit rows are append-only';
END;
$$;

CREATE FUNCTION audit_hand_over(p_id BIGINT, p_time BIGINT, p_event TEXT, p_actor TEXT,
        p_target TEXT, p_detail TEXT, p_fields TEXT, p_mac BYTEA) RETURNS void
    LANGUAGE plpgsql SECURITY DEFINER SET search_path FROM CURRENT AS $$
BEGIN
    UPDATE audit SET actor = p_actor, target = p_target, detail = p_detail, fields = p_fields, mac = p_mac
        WHERE id = p_id AND time = p_time AND event = p_event;
    IF NOT FOUND THEN
        RAISE EXCEPTION 'no journal row % to hand over', p_id USING ERRCODE = 'P0002';
    END IF;
END;
$$;
REVOKE ALL ON FUNCTION audit_hand_over(BIGINT, BIGINT, TEXT, TEXT, TEXT, TEXT, TEXT, BYTEA) FROM PUBLIC;
