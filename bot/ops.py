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

# Tables in the order their foreign keys allow. Their columns are read from both schemas,
# so a migration that adds a column is copied without anyone remembering to list it here.
TABLES: tuple[str, ...] = (
    "users", "shown_cards", "cards", "ratings", "suspended", "pushes",
    "imported_questions", "pending_imports", "reports",
)  # fmt: skip
# Kept only for a while and rebuilt by the running bot: not worth carrying over.
NOT_COPIED = frozenset({"processed_updates", "push_sender", "sqlite_sequence"})
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


def _convert(pg_type: str, value: Any) -> Any:
    """An SQLite value as the PostgreSQL column of ``pg_type`` takes it."""
    if value is None:
        return None
    if pg_type == "timestamp with time zone":
        return from_db(str(value))
    if pg_type == "boolean":
        return bool(value)
    return value


async def _sqlite_tables(sqlite: aiosqlite.Connection) -> dict[str, list[str]]:
    async with sqlite.execute("SELECT name FROM sqlite_master WHERE type = 'table'") as cursor:
        names = [row[0] for row in await cursor.fetchall()]
    tables = {}
    for name in names:
        if name in NOT_COPIED or name.startswith("sqlite_"):
            continue  # SQLite's own tables (sqlite_sequence, ANALYZE's sqlite_stat1, …)
        async with sqlite.execute(f"PRAGMA table_info({name})") as cursor:
            tables[name] = [row[1] for row in await cursor.fetchall()]
    return tables


async def _pg_columns(conn: Any, table: str) -> dict[str, str]:
    rows = await conn.fetch(
        "SELECT column_name, data_type FROM information_schema.columns"
        " WHERE table_schema = current_schema() AND table_name = $1",
        table,
    )
    return {row[0]: row[1] for row in rows}


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
        tables = await _sqlite_tables(sqlite)
        unknown = sorted(set(tables) - set(TABLES))
        if unknown:
            raise StartupError(f"Не знаю, как переносить таблицы SQLite: {', '.join(unknown)}.")
        async with pool.acquire() as conn:
            plan = []
            for table in TABLES:
                if await conn.fetchval(f"SELECT EXISTS (SELECT 1 FROM {table})"):
                    raise StartupError(
                        f"В PostgreSQL таблица {table} не пуста: переносить можно только в"
                        " пустую базу."
                    )
                target_columns = await _pg_columns(conn, table)
                missing = [c for c in tables.get(table, []) if c not in target_columns]
                if missing:
                    raise StartupError(
                        f"В PostgreSQL у таблицы {table} нет столбцов {', '.join(missing)}:"
                        " схемы разошлись, перенос остановлен."
                    )
                columns = {c: target_columns[c] for c in tables.get(table, [])}
                plan.append((table, columns))
            counts = []
            async with conn.transaction():
                for table, columns in plan:
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
    sqlite: aiosqlite.Connection, conn: Any, table: str, columns: dict[str, str]
) -> tuple[str, int]:
    if not columns:
        return table, 0
    names = ", ".join(columns)
    types = list(columns.values())
    async with sqlite.execute(f"SELECT {names} FROM {table}") as cursor:
        rows = [
            tuple(_convert(t, v) for t, v in zip(types, row, strict=True)) async for row in cursor
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
