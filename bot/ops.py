"""Operator commands: ``migrate``, ``migrate-data`` and ``webhook set|info|delete``."""

import asyncio
import logging
from pathlib import Path
from typing import Any

import aiosqlite
from aiogram import Dispatcher

from bot.config import Settings
from bot.handlers import get_routers
from bot.serve import StartupError, make_bot, open_storage
from bot.storage import db as sqlite_db
from bot.storage.postgres import db as pg_db
from bot.storage.timefmt import from_db

log = logging.getLogger("bot")

# Tables in the order their foreign keys allow, with the columns both engines share.
TABLES: tuple[tuple[str, tuple[str, ...]], ...] = (
    ("users", ("user_id", "chat_id", "first_name", "created_at", "timezone", "topics", "levels",
               "last_question_id", "daily_time", "next_push_at", "blocked_at",
               "report_question_id", "report_started_at")),
    ("shown_cards", ("shown_id", "user_id", "question_id", "origin", "shown_at", "next_taken")),
    ("cards", ("user_id", "question_id", "due", "last_review", "last_rating", "reviews",
               "fsrs_state")),
    ("ratings", ("rating_id", "shown_id", "user_id", "question_id", "rating", "rated_at", "due",
                 "fsrs_state")),
    ("pushes", ("user_id", "local_date", "slot_at", "status", "attempts", "shown_id",
                "updated_at")),
    ("imported_questions", ("seq", "id", "entry", "added_by", "added_at")),
    ("pending_imports", ("import_id", "admin_id", "entries", "created_at", "status")),
    ("reports", ("report_id", "user_id", "question_id", "text", "created_at", "resolved_at",
                 "resolved_by")),
)  # fmt: skip
_TIMES = frozenset(
    {"created_at", "next_push_at", "blocked_at", "report_started_at", "shown_at", "due",
     "last_review", "rated_at", "slot_at", "updated_at", "added_at", "resolved_at"}
)  # fmt: skip
_IDENTITIES = {
    "shown_cards": "shown_id",
    "ratings": "rating_id",
    "imported_questions": "seq",
    "pending_imports": "import_id",
    "reports": "report_id",
}


async def migrate(settings: Settings) -> str:
    """Bring the configured database's schema up to date (both engines)."""
    storage = await open_storage(settings, migrate=True)
    await storage.close()
    if settings.database_url:
        return f"PostgreSQL: схема обновлена до версии {pg_db.latest_version()}"
    return f"SQLite {settings.db_path}: схема обновлена до версии {len(sqlite_db.migrations())}"


def _convert(column: str, value: Any) -> Any:
    if value is None:
        return None
    if column in _TIMES:
        return from_db(str(value))
    if column == "next_taken":
        return bool(value)
    return value


async def migrate_data(source: str, target: str) -> str:
    """Copy an SQLite database into an empty PostgreSQL one, with row counts checked."""
    if not source.startswith("sqlite:///"):
        raise StartupError("--from ожидает sqlite:///путь/к/bot.db")
    if not target.startswith(("postgresql://", "postgres://")):
        raise StartupError("--to ожидает postgresql://пользователь:пароль@хост:порт/база")
    path = Path(source.removeprefix("sqlite:///"))
    if not await asyncio.to_thread(path.is_file):
        raise StartupError(f"Файла базы {path} нет.")
    sqlite = await sqlite_db.connect(path)  # brings an older file up to today's schema first
    pool = await pg_db.create_pool(target, max_size=2)
    try:
        await pg_db.migrate(pool)
        async with pool.acquire() as conn:
            for table, _ in TABLES:
                if await conn.fetchval(f"SELECT EXISTS (SELECT 1 FROM {table})"):
                    raise StartupError(
                        f"В PostgreSQL таблица {table} не пуста: переносить можно только в"
                        " пустую базу."
                    )
            counts = []
            async with conn.transaction():
                for table, columns in TABLES:
                    counts.append(await _copy(sqlite, conn, table, columns))
                for table, column in _IDENTITIES.items():
                    await conn.execute(
                        f"SELECT setval(pg_get_serial_sequence('{table}', '{column}'),"
                        f" GREATEST((SELECT MAX({column}) FROM {table}), 1))"
                    )
    finally:
        await sqlite.close()
        await pool.close()
    return "перенесено: " + ", ".join(f"{table} {n}" for table, n in counts)


async def _copy(
    sqlite: aiosqlite.Connection, conn: Any, table: str, columns: tuple[str, ...]
) -> tuple[str, int]:
    names = ", ".join(columns)
    async with sqlite.execute(f"SELECT {names} FROM {table}") as cursor:
        rows = [
            tuple(_convert(c, v) for c, v in zip(columns, row, strict=True)) async for row in cursor
        ]
    if rows:
        await conn.copy_records_to_table(table, records=rows, columns=list(columns))
    copied = await conn.fetchval(f"SELECT COUNT(*) FROM {table}")
    if copied != len(rows):
        raise StartupError(f"{table}: в SQLite {len(rows)} строк, в PostgreSQL {copied}")
    return table, len(rows)


async def webhook(settings: Settings, action: str) -> str:
    """Register, show or delete the webhook: an explicit step, never done by replicas."""
    bot = make_bot(settings)
    try:
        if action == "set":
            if not settings.webhook_url or settings.webhook_secret is None:
                raise StartupError(
                    "Для `webhook set` нужны WEBHOOK_URL (публичный адрес) и WEBHOOK_SECRET."
                )
            url = settings.webhook_url.rstrip("/") + settings.webhook_path
            routes = Dispatcher()
            routes.include_routers(*get_routers(settings.admin_ids))
            allowed = routes.resolve_used_update_types()
            await bot.set_webhook(
                url=url,
                secret_token=settings.webhook_secret.get_secret_value(),
                allowed_updates=allowed,
                drop_pending_updates=False,
            )
            return f"webhook установлен: {url} (обновления: {', '.join(allowed)})"
        if action == "delete":
            await bot.delete_webhook(drop_pending_updates=False)
            return "webhook удалён (ожидающие обновления сохранены)"
        info = await bot.get_webhook_info()
        return (
            f"url: {info.url or '—'}\nожидают доставки: {info.pending_update_count}\n"
            f"последняя ошибка: {info.last_error_message or '—'}"
        )
    finally:
        await bot.session.close()
