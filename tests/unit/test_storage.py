"""The database: created with its directory, migrated forward, never dropped."""

import sqlite3
from pathlib import Path

import aiosqlite

from bot.storage.admin_repo import PUSHES_SINCE_SQL
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


async def test_card_ids_migration_keeps_every_rating_and_never_reuses_an_id(
    tmp_path: Path,
) -> None:
    """A database from before migration 005, with a rated card, upgraded in place."""
    path = tmp_path / "bot.db"
    conn = await aiosqlite.connect(path, isolation_level=None)
    await migrate(conn, upto=4)
    await conn.executescript(
        "INSERT INTO users (user_id, chat_id, created_at) VALUES (1, 1, '2026-01-01 00:00:00');"
        "INSERT INTO shown_cards (shown_id, user_id, question_id, origin, shown_at)"
        " VALUES (7, 1, 'q', 'quiz', '2026-01-01 00:00:00');"
        "INSERT INTO ratings (shown_id, user_id, question_id, rating, rated_at, due, fsrs_state)"
        " VALUES (7, 1, 'q', 3, '2026-01-01 00:00:00', '2026-01-03 00:00:00', '{}');"
    )
    await conn.close()

    conn = await connect(path)
    await conn.execute("DELETE FROM shown_cards WHERE shown_id = 7")  # as /reset does
    cursor = await conn.execute(
        "INSERT INTO shown_cards (user_id, question_id, origin, shown_at)"
        " VALUES (1, 'q', 'quiz', '2026-01-02 00:00:00')"
    )
    new_id = cursor.lastrowid
    await conn.close()

    assert new_id == 8
    with sqlite3.connect(path) as db:
        assert db.execute("SELECT COUNT(*) FROM ratings").fetchone() == (0,)  # cascaded


async def test_migration_keeps_ratings_of_existing_cards(tmp_path: Path) -> None:
    path = tmp_path / "bot.db"
    conn = await aiosqlite.connect(path, isolation_level=None)
    await migrate(conn, upto=4)
    await conn.executescript(
        "INSERT INTO users (user_id, chat_id, created_at) VALUES (1, 1, '2026-01-01 00:00:00');"
        "INSERT INTO shown_cards (shown_id, user_id, question_id, origin, shown_at)"
        " VALUES (7, 1, 'q', 'quiz', '2026-01-01 00:00:00');"
        "INSERT INTO ratings (shown_id, user_id, question_id, rating, rated_at, due, fsrs_state)"
        " VALUES (7, 1, 'q', 3, '2026-01-01 00:00:00', '2026-01-03 00:00:00', '{}');"
    )
    await conn.close()

    await (await connect(path)).close()

    with sqlite3.connect(path) as db:
        assert db.execute("SELECT shown_id, rating FROM ratings").fetchall() == [(7, 3)]
        assert db.execute("PRAGMA foreign_keys").fetchone() == (0,)  # per connection; sanity


async def test_admin_totals_read_index_ranges_not_whole_tables(tmp_path: Path) -> None:
    await (await connect(tmp_path / "bot.db")).close()
    with sqlite3.connect(tmp_path / "bot.db") as db:
        plans = [
            " ".join(row[3] for row in db.execute(f"EXPLAIN QUERY PLAN {sql}", ("x",)))
            for sql in (
                "SELECT COUNT(*) FROM ratings WHERE rated_at >= ?",
                PUSHES_SINCE_SQL,
            )
        ]
    assert "USING COVERING INDEX ratings_time" in plans[0], plans
    # A day of pushes (a row per subscriber) is counted from the index alone.
    assert "USING COVERING INDEX pushes_slot_status" in plans[1], plans


async def test_a_database_made_by_the_previous_release_upgrades_keeping_everything(
    tmp_path: Path,
) -> None:
    from datetime import UTC, datetime

    from bot.quiz.grades import Grade
    from bot.quiz.scheduling import SpacedRepetition
    from bot.storage.engine import open_sqlite
    from tests.conftest import FIXTURES

    path = tmp_path / "old.db"
    with sqlite3.connect(path) as db:
        db.executescript((FIXTURES / "sqlite_v4.sql").read_text(encoding="utf-8"))
        ratings_before = db.execute("SELECT * FROM ratings ORDER BY rating_id").fetchall()
        pushes_before = db.execute("SELECT * FROM pushes ORDER BY user_id").fetchall()

    storage = await open_sqlite(path)
    almaty = await storage.quiz.get_user(103, "Europe/Moscow")
    nlp = await storage.quiz.get_user(102, "Europe/Moscow")
    now = datetime(2026, 11, 22, 9, 0, tzinfo=UTC)
    shown = await storage.quiz.record_shown(101, "new-question", "quiz", now)
    outcome = await storage.quiz.rate(
        101,
        shown.shown_id,
        3,
        now,
        lambda _: lambda state: SpacedRepetition(fuzzing=False).review(state, Grade.GOOD, now),
    )
    assert outcome is not None
    saved, fresh = outcome
    await storage.close()

    with sqlite3.connect(path) as db:
        kept = db.execute(
            "SELECT rating_id, shown_id, user_id, question_id, rating, rated_at, due, fsrs_state"
            " FROM ratings WHERE rating_id <= 12 ORDER BY rating_id"
        )
        assert kept.fetchall() == ratings_before
        pushes_after = db.execute(
            "SELECT user_id, local_date, slot_at, status, attempts, shown_id, updated_at"
            " FROM pushes ORDER BY user_id"
        )
        assert pushes_after.fetchall() == pushes_before
        assert len(ratings_before) == 12 and len(pushes_before) == 2
    assert almaty is not None and almaty.timezone == "Asia/Almaty" and almaty.daily_time == "08:00"
    assert nlp is not None and nlp.topics == ("nlp",)
    assert fresh and saved.rating == 3 and shown.shown_id == 13
