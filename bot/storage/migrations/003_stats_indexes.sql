-- /stats: a card's rating history in time order (streak rules, hardest questions).
CREATE INDEX ratings_user_question_time ON ratings(user_id, question_id, rated_at);
