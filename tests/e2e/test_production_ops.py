"""Operator commands and production settings: migrate, migrate-data, bad configuration."""

import socket
import subprocess
import sys
from pathlib import Path

import pytest

from bot.ops import migrate_data
from bot.quiz.grades import Grade
from bot.storage.engine import open_postgres, open_sqlite
from tests.conftest import ROOT
from tests.engines import PG_URL, PgSchema, require_postgres

TOKEN = "123456789:TEST-token-for-the-fake-server-only"


def _run_bot(tmp_path: Path, *args: str, **env: str) -> subprocess.CompletedProcess[str]:
    base = {"BOT_TOKEN": TOKEN, "DB_PATH": str(tmp_path / "bot.db"),
            "CONTENT_DIR": str(ROOT / "content"), "PATH": "/usr/bin:/bin"}  # fmt: skip
    return subprocess.run(
        [sys.executable, "-m", "bot", *args], cwd=tmp_path, env={**base, **env},
        capture_output=True, text=True, timeout=60, check=False,
    )  # fmt: skip


async def test_sqlite_history_moves_to_postgres_with_every_rating(tmp_path: Path) -> None:
    await require_postgres()
    source = await open_sqlite(tmp_path / "old.db")
    user = await source.quiz.load_user(1, 1, "Аня", _now(), "Europe/Moscow")
    shown = await source.quiz.record_shown(user.user_id, "q1", "quiz", _now())
    await source.quiz.rate(user.user_id, shown.shown_id, int(Grade.GOOD), _now(), lambda _: _review)
    await source.close()
    schema = PgSchema()
    await schema.create()
    try:
        said = await migrate_data(f"sqlite:///{tmp_path / 'old.db'}", schema.url)
        target = await open_postgres(schema.url)
        saved = await target.quiz.rating_of_shown(shown.shown_id)
        later = await target.quiz.record_shown(user.user_id, "q2", "quiz", _now())
        await target.close()
    finally:
        await schema.drop()

    assert "users 1" in said and "ratings 1" in said and "shown_cards 1" in said
    assert saved is not None and saved.rating == Grade.GOOD
    assert later.shown_id > shown.shown_id  # the identity continues after the copied ids


async def test_migrate_data_carries_every_column_of_every_table(tmp_path: Path) -> None:
    """Study-session data too: the kind of each rating and the state undo needs, typed
    answers, suspended questions, the new-card limit, reports, the push log."""
    import sqlite3
    from datetime import datetime, timedelta

    import asyncpg

    from bot.ops import TABLES
    from bot.storage.timefmt import to_db

    await require_postgres()
    source = await open_sqlite(tmp_path / "old.db")
    user = await source.quiz.load_user(1, 1, "Аня", _now(), "Europe/Moscow")
    await source.quiz.set_new_limit(1, 15)
    first = await source.quiz.record_shown(1, "q1", "quiz", _now())
    assert await source.quiz.save_answer(1, "мой ответ", _now() - timedelta(hours=1), 1000)
    await source.quiz.rate(1, first.shown_id, int(Grade.GOOD), _now(), lambda _: _review)
    again = await source.quiz.record_shown(1, "q1", "quiz", _now() + timedelta(days=1))
    later = _now() + timedelta(days=1)
    await source.quiz.rate(1, again.shown_id, int(Grade.EASY), later, lambda _: _review)
    await source.quiz.suspend(1, "q2", _now())
    await source.reports.start_report(1, "q1", _now())
    await source.reports.submit_report(
        1, "Опечатка в формуле", _now(), started_after=_now() - timedelta(minutes=5),
        since=_now() - timedelta(days=1), limit=5,
    )  # fmt: skip
    await source.close()
    with sqlite3.connect(tmp_path / "old.db") as db:
        db.execute(
            "INSERT INTO pushes (user_id, local_date, slot_at, status, updated_at, reason)"
            " VALUES (1, '2026-11-20', '2026-11-20 07:00:00', 'failed', '2026-11-20 07:00:05',"
            " 'Bad Request: message is too long')"
        )
        before = {
            table: sorted(tuple(r) for r in db.execute(f"SELECT * FROM {table}").fetchall())
            for table in TABLES
        }
        columns = {
            t: [r[1] for r in db.execute(f"PRAGMA table_info({t})").fetchall()] for t in TABLES
        }
    schema = PgSchema()
    await schema.create()
    try:
        await migrate_data(f"sqlite:///{tmp_path / 'old.db'}", schema.url)
        conn = await asyncpg.connect(schema.url)
        after = {}
        for table in TABLES:
            rows = await conn.fetch(f"SELECT {', '.join(columns[table])} FROM {table}")
            after[table] = sorted(
                tuple(
                    to_db(v) if isinstance(v, datetime) else int(v) if isinstance(v, bool) else v
                    for v in row
                )
                for row in rows
            )
        await conn.close()
    finally:
        await schema.drop()

    assert after == before
    assert user.user_id == 1 and before["suspended"] and before["reports"]
    assert {r[columns["ratings"].index("kind")] for r in before["ratings"]} == {"new", "early"}


async def test_migrations_twice_at_once_apply_each_step_once() -> None:
    import asyncio

    from bot.storage.postgres import db as pg_db

    await require_postgres()
    schema = PgSchema()
    await schema.create()
    try:
        pools = [await pg_db.create_pool(schema.url, max_size=1) for _ in range(2)]
        versions = await asyncio.gather(*(pg_db.migrate(p) for p in pools))
        async with pools[0].acquire() as conn:
            applied = await conn.fetch("SELECT version FROM schema_version ORDER BY version")
        for pool in pools:
            await pool.close()
    finally:
        await schema.drop()
    assert versions == [pg_db.latest_version()] * 2
    assert [r[0] for r in applied] == list(range(1, pg_db.latest_version() + 1))


@pytest.mark.parametrize(
    ("env", "expected"),
    [
        ({"DATABASE_URL": "mysql://root@127.0.0.1/test"}, "DATABASE_URL"),
        ({"DATABASE_URL": "postgresql://postgres@127.0.0.1:1/test"}, "недоступен"),
        ({"BOT_MODE": "webhook"}, "WEBHOOK_SECRET"),
        ({"WEBHOOK_SECRET": "no spaces allowed"}, "WEBHOOK_SECRET"),
    ],
)
def test_bad_production_settings_stop_start_up_with_one_paragraph(
    tmp_path: Path, env: dict[str, str], expected: str
) -> None:
    done = _run_bot(tmp_path, **env)

    assert done.returncode == 2
    assert expected in done.stderr and "Traceback" not in done.stderr


async def test_unknown_postgres_database_is_a_clear_error(tmp_path: Path) -> None:
    await require_postgres()
    url = PG_URL.rsplit("/", 1)[0] + "/no_such_database_here"

    done = _run_bot(tmp_path, DATABASE_URL=url)

    assert done.returncode == 2 and "нет такой базы" in done.stderr
    assert "Traceback" not in done.stderr


async def test_webhook_port_in_use_is_a_clear_error(tmp_path: Path) -> None:
    await require_postgres()
    schema = PgSchema()
    await schema.create()
    try:
        env = {"DATABASE_URL": schema.url, "BOT_MODE": "webhook", "WEBHOOK_SECRET": "s3cret",
               "WEB_HOST": "127.0.0.1", "TELEGRAM_API_URL": "http://127.0.0.1:9"}  # fmt: skip
        assert _run_bot(tmp_path, "migrate", **env).returncode == 0
        with socket.socket() as taken:
            taken.bind(("127.0.0.1", 0))
            taken.listen()
            done = _run_bot(tmp_path, **env, WEB_PORT=str(taken.getsockname()[1]))
    finally:
        await schema.drop()

    assert done.returncode == 2 and "порт уже занят" in done.stderr, done.stderr
    assert "Traceback" not in done.stderr


async def test_webhook_replica_refuses_a_schema_that_was_not_migrated(tmp_path: Path) -> None:
    await require_postgres()
    schema = PgSchema()
    await schema.create()
    try:
        done = _run_bot(tmp_path, DATABASE_URL=schema.url, BOT_MODE="webhook",
                        WEBHOOK_SECRET="s3cret")  # fmt: skip
    finally:
        await schema.drop()

    assert done.returncode == 2 and "python -m bot migrate" in done.stderr


def _now():  # type: ignore[no-untyped-def]
    from datetime import UTC, datetime

    return datetime(2026, 11, 20, 10, 0, tzinfo=UTC)


def _review(state: str | None):  # type: ignore[no-untyped-def]
    from bot.quiz.scheduling import SpacedRepetition

    return SpacedRepetition(fuzzing=False).review(state, Grade.GOOD, _now())
