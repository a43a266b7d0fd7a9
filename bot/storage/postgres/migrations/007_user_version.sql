-- «Next» as a compare-and-swap on a per-user version: a plain read, then one write that
-- applies only if nothing the read saw has changed since. Every writer of what the study
-- snapshot reads (the user's filter, daily limit, timezone and last question; their cards,
-- ratings, shown cards and their «next» claims, suspended questions) increments the version
-- in the same transaction, under the user's row lock it takes before touching the rest.
ALTER TABLE users ADD COLUMN version BIGINT NOT NULL DEFAULT 0;

-- «Next»'s write, one statement: if the user's version is still p_version, increment it, claim
-- «next» under shown card p_claim (if not NULL) and record p_question as shown and as the last
-- question; returns the new shown card's id — or 0 when p_question is NULL (nothing to ask:
-- only the claim is written). NULL, with nothing written, when the version has changed: the
-- caller reads and chooses again. The UPDATE waits for a writer that holds the user's row and
-- then compares with the version that writer committed (READ COMMITTED re-checks the newest
-- row), so a write is never applied on a snapshot that missed a commit. A claim that fails
-- although the version matched means some writer did not increment it: raise, which undoes
-- the whole statement (the caller then takes its locked path).
CREATE FUNCTION record_next_card(
    p_user BIGINT, p_version BIGINT, p_claim BIGINT, p_question TEXT, p_origin TEXT,
    p_at TIMESTAMPTZ
) RETURNS BIGINT LANGUAGE plpgsql VOLATILE AS $$
DECLARE
    new_id BIGINT;
BEGIN
    UPDATE users u SET version = u.version + 1,
                       last_question_id = COALESCE(p_question, u.last_question_id)
     WHERE u.user_id = p_user AND u.version = p_version;
    IF NOT FOUND THEN
        RETURN NULL;
    END IF;
    IF p_claim IS NOT NULL THEN
        UPDATE shown_cards s SET next_taken = TRUE
         WHERE s.shown_id = p_claim AND s.user_id = p_user AND NOT s.next_taken;
        IF NOT FOUND THEN
            RAISE EXCEPTION 'user % at version % could not claim «next» under shown card %',
                p_user, p_version, p_claim;
        END IF;
    END IF;
    IF p_question IS NULL THEN
        RETURN 0;
    END IF;
    INSERT INTO shown_cards (user_id, question_id, origin, shown_at)
    VALUES (p_user, p_question, p_origin, p_at) RETURNING shown_id INTO new_id;
    RETURN new_id;
END
$$;
