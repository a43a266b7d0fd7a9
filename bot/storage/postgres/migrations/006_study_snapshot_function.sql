-- «Next»'s read in one round trip: the user's row lock, the claim of the card «next» was
-- pressed under, and the study snapshot read after the lock. A VOLATILE PL/pgSQL function
-- takes a fresh snapshot for each statement (READ COMMITTED), so what it reads after the
-- lock includes everything committed by whoever held the lock before — as a separate
-- statement after the lock did. Called inside the caller's transaction, which keeps the lock
-- until the new card is recorded. No row: the user is not registered; taken = FALSE: the
-- claim failed (nothing else is read, and the caller rolls back).
CREATE FUNCTION lock_study_snapshot(
    p_user BIGINT, p_claim BIGINT, p_new_kind TEXT, p_recent TIMESTAMPTZ
) RETURNS TABLE (
    topics TEXT, levels TEXT, last_question_id TEXT, timezone TEXT, new_per_day INTEGER,
    taken BOOLEAN, card_ids TEXT[], dues TIMESTAMPTZ[], reviewed TIMESTAMPTZ[],
    new_rated_at TIMESTAMPTZ[], skipped_ids TEXT[], skipped_at TIMESTAMPTZ[],
    suspended_ids TEXT[]
) LANGUAGE plpgsql VOLATILE AS $$
BEGIN
    SELECT u.topics, u.levels, u.last_question_id, u.timezone, u.new_per_day
      INTO topics, levels, last_question_id, timezone, new_per_day
      FROM users u WHERE u.user_id = p_user FOR UPDATE;
    IF NOT FOUND THEN
        RETURN;
    END IF;
    taken := TRUE;
    IF p_claim IS NOT NULL THEN
        UPDATE shown_cards s SET next_taken = TRUE
         WHERE s.shown_id = p_claim AND s.user_id = p_user AND NOT s.next_taken;
        taken := FOUND;
        IF NOT taken THEN
            RETURN NEXT;
            RETURN;
        END IF;
    END IF;
    -- Each list as parallel arrays, aggregated in the same order.
    SELECT array_agg(c.question_id ORDER BY c.due, c.question_id),
           array_agg(c.due ORDER BY c.due, c.question_id),
           array_agg(c.last_review ORDER BY c.due, c.question_id)
      INTO card_ids, dues, reviewed
      FROM cards c WHERE c.user_id = p_user;
    SELECT array_agg(r.rated_at) INTO new_rated_at
      FROM ratings r
     WHERE r.user_id = p_user AND r.kind = p_new_kind AND r.rated_at >= p_recent;
    SELECT array_agg(s.question_id), array_agg(s.shown_at) INTO skipped_ids, skipped_at
      FROM shown_cards s
     WHERE s.user_id = p_user AND s.shown_at >= p_recent AND s.next_taken
       AND NOT EXISTS (SELECT 1 FROM ratings r WHERE r.shown_id = s.shown_id);
    SELECT array_agg(p.question_id) INTO suspended_ids FROM suspended p WHERE p.user_id = p_user;
    RETURN NEXT;
END
$$;
