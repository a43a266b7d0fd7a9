-- Users, their FSRS cards, every card shown and every rating given.
CREATE TABLE users (
    user_id     INTEGER PRIMARY KEY,
    chat_id     INTEGER NOT NULL,
    first_name  TEXT NOT NULL DEFAULT '',
    created_at  TEXT NOT NULL,
    timezone    TEXT,
    topics      TEXT NOT NULL DEFAULT '',
    levels      TEXT NOT NULL DEFAULT '',
    last_question_id TEXT
);

CREATE TABLE shown_cards (
    shown_id    INTEGER PRIMARY KEY,
    user_id     INTEGER NOT NULL REFERENCES users(user_id) ON DELETE CASCADE,
    question_id TEXT NOT NULL,
    origin      TEXT NOT NULL,
    shown_at    TEXT NOT NULL
);
CREATE INDEX shown_cards_user ON shown_cards(user_id, shown_at);

CREATE TABLE cards (
    user_id     INTEGER NOT NULL REFERENCES users(user_id) ON DELETE CASCADE,
    question_id TEXT NOT NULL,
    due         TEXT NOT NULL,
    last_review TEXT NOT NULL,
    last_rating INTEGER NOT NULL,
    reviews     INTEGER NOT NULL,
    fsrs_state  TEXT NOT NULL,
    PRIMARY KEY (user_id, question_id)
) WITHOUT ROWID;
CREATE INDEX cards_user_due ON cards(user_id, due);

CREATE TABLE ratings (
    rating_id   INTEGER PRIMARY KEY,
    shown_id    INTEGER NOT NULL UNIQUE REFERENCES shown_cards(shown_id) ON DELETE CASCADE,
    user_id     INTEGER NOT NULL REFERENCES users(user_id) ON DELETE CASCADE,
    question_id TEXT NOT NULL,
    rating      INTEGER NOT NULL CHECK (rating BETWEEN 1 AND 4),
    rated_at    TEXT NOT NULL,
    due         TEXT NOT NULL,
    fsrs_state  TEXT NOT NULL
);
CREATE INDEX ratings_user_time ON ratings(user_id, rated_at);
