-- The push sender retries what Telegram provably did not deliver (429, 5xx, refused
-- connection) until the grace window ends: a queued push may wait for its retry time.
ALTER TABLE pushes ADD COLUMN retry_at TIMESTAMPTZ;
-- Why a push ended as it did (failed, unknown, cancelled), for /admin and the operator.
ALTER TABLE pushes ADD COLUMN reason TEXT;

-- The sending replica's heartbeat, so /admin and /readyz on any replica can tell whether the
-- sender is alive.
CREATE TABLE push_sender (
    id      INTEGER PRIMARY KEY CHECK (id = 1),
    beat_at TIMESTAMPTZ NOT NULL,
    state   TEXT NOT NULL,
    rate    DOUBLE PRECISION NOT NULL,
    detail  TEXT
);
