-- Study sessions (#11): early reviews, undo, answers typed before revealing, a daily limit of
-- new questions and suspended questions.

-- How the card stood when it was rated: 'new' (first sight), 'review' (due), 'early' (rated
-- before its due time: «Повторить заранее», a drill). prev_*: the card before this rating
-- (prev_state NULL on a 'new' rating: there was no card), so the rating can be taken back
-- exactly. answer: what the user typed before revealing the answer.
ALTER TABLE ratings ADD COLUMN kind TEXT NOT NULL DEFAULT 'review';
ALTER TABLE ratings ADD COLUMN prev_state TEXT;
ALTER TABLE ratings ADD COLUMN prev_due TEXT;
ALTER TABLE ratings ADD COLUMN prev_last_review TEXT;
ALTER TABLE ratings ADD COLUMN prev_last_rating INTEGER;
ALTER TABLE ratings ADD COLUMN answer TEXT;

-- Ratings given before this migration: the first of a question was 'new'; one given before
-- the previous rating's due time was 'early'. (They cannot be taken back: no prev_state.)
UPDATE ratings SET kind = 'new'
 WHERE NOT EXISTS (SELECT 1 FROM ratings p WHERE p.user_id = ratings.user_id
                      AND p.question_id = ratings.question_id AND p.rating_id < ratings.rating_id);
UPDATE ratings SET kind = 'early'
 WHERE kind = 'review'
   AND (SELECT p.due FROM ratings p WHERE p.user_id = ratings.user_id
           AND p.question_id = ratings.question_id AND p.rating_id < ratings.rating_id
         ORDER BY p.rating_id DESC LIMIT 1) > ratings.rated_at;
CREATE INDEX ratings_user_kind_time ON ratings(user_id, kind, rated_at);

-- The answer typed while a card is open (several messages are joined).
ALTER TABLE shown_cards ADD COLUMN answer TEXT;

-- New questions a user takes per local day.
ALTER TABLE users ADD COLUMN new_per_day INTEGER NOT NULL DEFAULT 10;

-- «Больше не показывать»: questions the user set aside (until they bring them back).
CREATE TABLE suspended (
    user_id      INTEGER NOT NULL REFERENCES users(user_id) ON DELETE CASCADE,
    question_id  TEXT NOT NULL,
    suspended_at TEXT NOT NULL,
    PRIMARY KEY (user_id, question_id)
) WITHOUT ROWID;
