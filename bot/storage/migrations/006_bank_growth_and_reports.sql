-- Questions admins import from Telegram: they join the YAML bank on every replica.
CREATE TABLE imported_questions (
    seq         INTEGER PRIMARY KEY AUTOINCREMENT,  -- the bank's version is the largest seq
    id          TEXT NOT NULL UNIQUE,
    entry       TEXT NOT NULL,                      -- the bank entry as JSON
    added_by    INTEGER NOT NULL,
    added_at    TEXT NOT NULL
);

-- An import previewed to an admin, waiting for «Добавить» or «Отмена».
CREATE TABLE pending_imports (
    import_id   INTEGER PRIMARY KEY AUTOINCREMENT,
    admin_id    INTEGER NOT NULL,
    entries     TEXT NOT NULL,                      -- JSON list of bank entries
    created_at  TEXT NOT NULL,
    status      TEXT NOT NULL DEFAULT 'pending'     -- pending → added | cancelled
);

-- «⚠️ Ошибка в ответе»: what a user says is wrong with an answer.
CREATE TABLE reports (
    report_id   INTEGER PRIMARY KEY AUTOINCREMENT,
    user_id     INTEGER NOT NULL REFERENCES users(user_id) ON DELETE CASCADE,
    question_id TEXT NOT NULL,
    text        TEXT NOT NULL,
    created_at  TEXT NOT NULL,
    resolved_at TEXT,
    resolved_by INTEGER
);
CREATE INDEX reports_open ON reports(created_at) WHERE resolved_at IS NULL;
CREATE INDEX reports_user_time ON reports(user_id, created_at);

-- The question a user pressed «Ошибка в ответе» under: their next message is the report.
ALTER TABLE users ADD COLUMN report_question_id TEXT;
ALTER TABLE users ADD COLUMN report_started_at TEXT;
