-- «Следующий вопрос» under a rated card is honoured once (a repeated tap sends no second card).
ALTER TABLE shown_cards ADD COLUMN next_taken INTEGER NOT NULL DEFAULT 0;
