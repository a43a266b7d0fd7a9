-- Study sessions (#11), as SQLite's migration 007: the kind of each rating, the card before
-- it (for undo), answers typed before revealing, a daily limit of new questions, suspended
-- questions.
ALTER TABLE ratings ADD COLUMN kind TEXT NOT NULL DEFAULT 'review';
ALTER TABLE ratings ADD COLUMN prev_state TEXT;
ALTER TABLE ratings ADD COLUMN prev_due TIMESTAMPTZ;
ALTER TABLE ratings ADD COLUMN prev_last_review TIMESTAMPTZ;
ALTER TABLE ratings ADD COLUMN prev_last_rating SMALLINT;
ALTER TABLE ratings ADD COLUMN answer TEXT;

UPDATE ratings SET kind = 'new'
 WHERE NOT EXISTS (SELECT 1 FROM ratings p WHERE p.user_id = ratings.user_id
                      AND p.question_id = ratings.question_id AND p.rating_id < ratings.rating_id);
UPDATE ratings SET kind = 'early'
 WHERE kind = 'review'
   AND (SELECT p.due FROM ratings p WHERE p.user_id = ratings.user_id
           AND p.question_id = ratings.question_id AND p.rating_id < ratings.rating_id
         ORDER BY p.rating_id DESC LIMIT 1) > ratings.rated_at;
CREATE INDEX ratings_user_kind_time ON ratings(user_id, kind, rated_at);

ALTER TABLE shown_cards ADD COLUMN answer TEXT;

ALTER TABLE users ADD COLUMN new_per_day INTEGER NOT NULL DEFAULT 10;

CREATE TABLE suspended (
    user_id      BIGINT NOT NULL REFERENCES users(user_id) ON DELETE CASCADE,
    question_id  TEXT NOT NULL,
    suspended_at TIMESTAMPTZ NOT NULL,
    PRIMARY KEY (user_id, question_id)
);
