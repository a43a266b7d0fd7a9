"""The database: created with its directory, migrated forward, never dropped."""

import sqlite3
from pathlib import Path

import aiosqlite

from bot.storage.db import connect, migrate, migrations


async def test_new_database_gets_every_migration(tmp_path: Path) -> None:
    conn = await connect(tmp_path / "nested" / "dir" / "bot.db")
    async with conn.execute("PRAGMA user_version") as cursor:
        row = await cursor.fetchone()
    async with conn.execute("PRAGMA journal_mode") as cursor:
        mode = await cursor.fetchone()
    await conn.close()
    assert row is not None and row[0] == len(migrations())
    assert mode is not None and mode[0] == "wal"


async def test_each_migration_step_upgrades_an_older_database_keeping_its_data(
    tmp_path: Path,
) -> None:
    """Stairway: build the DB at every version in turn, with data, and upgrade it."""
    path = tmp_path / "bot.db"
    for version, _ in migrations():
        conn = await aiosqlite.connect(path, isolation_level=None)
        assert await migrate(conn, upto=version) == version
        await conn.execute(
            "INSERT OR IGNORE INTO users (user_id, chat_id, created_at) VALUES (?, ?, ?)",
            (version, version, "2026-01-01 00:00:00"),
        )
        await conn.close()
    with sqlite3.connect(path) as db:
        users = db.execute("SELECT user_id FROM users ORDER BY user_id").fetchall()
    assert users == [(v,) for v, _ in migrations()]


async def test_reopening_is_a_no_op(tmp_path: Path) -> None:
    path = tmp_path / "bot.db"
    conn = await connect(path)
    await conn.execute(
        "INSERT INTO users (user_id, chat_id, created_at) VALUES (1, 1, '2026-01-01 00:00:00')"
    )
    await conn.close()
    conn = await connect(path)
    async with conn.execute("SELECT COUNT(*) FROM users") as cursor:
        row = await cursor.fetchone()
    await conn.close()
    assert row is not None and row[0] == 1
