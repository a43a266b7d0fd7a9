"""Seeding subscribers straight into the bot's SQLite file, and reading what was pushed."""

import sqlite3
from collections import Counter
from datetime import UTC, datetime, timedelta
from pathlib import Path

from bot.storage.db import connect
from bot.storage.timefmt import to_db
from tests.e2e.fake_telegram import FakeTelegram

DAILY_TITLE = "<b>🗓 Вопрос дня</b>"


async def seed_subscribers(db_path: Path, users: range, minutes_ago: float) -> None:
    """Subscribers whose local slot passed ``minutes_ago`` minutes ago (the database is
    created and migrated if it is not there yet; the bot may be running on it)."""
    conn = await connect(db_path)
    slot = datetime.now(UTC) - timedelta(minutes=minutes_ago)
    await conn.executemany(
        "INSERT INTO users (user_id, chat_id, created_at, timezone, daily_time, next_push_at)"
        " VALUES (?, ?, ?, 'UTC', ?, ?)",
        [(u, u, to_db(slot), f"{slot:%H:%M}", to_db(slot.replace(second=0))) for u in users],
    )
    await conn.commit()
    await conn.close()


def daily_cards(telegram: FakeTelegram) -> Counter[int]:
    """Daily cards Telegram accepted, per chat."""
    return Counter(
        int(c.params["chat_id"])
        for c in telegram.calls_of("sendMessage")
        if c.params["text"].startswith(DAILY_TITLE)
    )


def daily_requests(telegram: FakeTelegram) -> Counter[int]:
    """Every daily-card request, answered or refused, per chat."""
    return Counter(
        int(c.params["chat_id"])
        for c in telegram.calls_of("sendMessage", ok_only=False)
        if c.params["text"].startswith(DAILY_TITLE)
    )


def push_statuses(db_path: Path) -> Counter[str]:
    with sqlite3.connect(db_path) as db:
        return Counter(row[0] for row in db.execute("SELECT status FROM pushes"))
