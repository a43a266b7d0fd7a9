-- The daily question: each subscriber's time and next slot, and a row per push.
ALTER TABLE users ADD COLUMN daily_time TEXT;          -- 'HH:MM' local, NULL = not subscribed
ALTER TABLE users ADD COLUMN next_push_at TEXT;        -- UTC instant of the next slot
ALTER TABLE users ADD COLUMN blocked_at TEXT;          -- when the user blocked the bot
CREATE INDEX users_next_push ON users(next_push_at) WHERE next_push_at IS NOT NULL;

-- One row per subscriber and local day: the primary key is what makes a push happen once.
-- status: queued → sending → sent | failed | blocked; or expired (too late), skipped.
CREATE TABLE pushes (
    user_id     INTEGER NOT NULL REFERENCES users(user_id) ON DELETE CASCADE,
    local_date  TEXT NOT NULL,
    slot_at     TEXT NOT NULL,
    status      TEXT NOT NULL,
    attempts    INTEGER NOT NULL DEFAULT 0,
    shown_id    INTEGER,
    updated_at  TEXT NOT NULL,
    PRIMARY KEY (user_id, local_date)
) WITHOUT ROWID;
CREATE INDEX pushes_queue ON pushes(status, slot_at);
