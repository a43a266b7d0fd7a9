-- Card ids key the buttons of messages users still have: an id must never be handed out twice,
-- also after /reset deleted the rows with the highest ids. AUTOINCREMENT guarantees that
-- (SQLite remembers the largest id ever used in sqlite_sequence).
CREATE TABLE shown_cards_new (
    shown_id    INTEGER PRIMARY KEY AUTOINCREMENT,
    user_id     INTEGER NOT NULL REFERENCES users(user_id) ON DELETE CASCADE,
    question_id TEXT NOT NULL,
    origin      TEXT NOT NULL,
    shown_at    TEXT NOT NULL,
    next_taken  INTEGER NOT NULL DEFAULT 0
);
INSERT INTO shown_cards_new (shown_id, user_id, question_id, origin, shown_at, next_taken)
    SELECT shown_id, user_id, question_id, origin, shown_at, next_taken FROM shown_cards;
DROP TABLE shown_cards;
ALTER TABLE shown_cards_new RENAME TO shown_cards;
CREATE INDEX shown_cards_user ON shown_cards(user_id, shown_at);

-- /admin's "last day" totals: index ranges instead of scans of the two largest tables.
CREATE INDEX ratings_time ON ratings(rated_at);
CREATE INDEX pushes_slot ON pushes(slot_at);
