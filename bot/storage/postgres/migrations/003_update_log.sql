-- Webhook updates by id: Telegram redelivers an update until it is acknowledged, and a
-- replica may die mid-update; the log makes each update take effect once.
CREATE TABLE processed_updates (
    update_id   BIGINT PRIMARY KEY,
    state       TEXT NOT NULL,          -- handling → done
    claimed_at  TIMESTAMPTZ NOT NULL
);
CREATE INDEX processed_updates_time ON processed_updates(claimed_at);
