"""Pure domain: the question bank, scheduling, selection and statistics (no Telegram types)."""
