"""Imported questions and pending imports on PostgreSQL."""

import json
from collections.abc import Callable
from datetime import datetime
from typing import Any

import asyncpg

from bot.storage.postgres.db import Connection
from bot.storage.postgres.repo import seconds


class PgImportRepository:
    def __init__(self, pool: asyncpg.Pool) -> None:
        self._pool = pool

    async def bank_version(self) -> int:
        # The row count, not MAX(seq): two imports may commit out of their seq order, and a
        # replica that saw the later one first would never notice the earlier one. Rows are
        # never deleted, so every commit raises the count.
        return int(await self._pool.fetchval("SELECT COUNT(*) FROM imported_questions"))

    async def imported_entries(self) -> list[dict[str, Any]]:
        rows = await self._pool.fetch("SELECT entry FROM imported_questions ORDER BY seq")
        return [json.loads(r[0]) for r in rows]

    async def save_pending(
        self, admin_id: int, entries: list[dict[str, Any]], now: datetime
    ) -> int:
        return int(
            await self._pool.fetchval(
                "INSERT INTO pending_imports (admin_id, entries, created_at) VALUES ($1, $2, $3)"
                " RETURNING import_id",
                admin_id,
                json.dumps(entries, ensure_ascii=False),
                seconds(now),
            )
        )

    async def take_pending(self, import_id: int, status: str) -> list[dict[str, Any]] | None:
        return await _close_pending(self._pool, import_id, status)

    async def add_pending(
        self,
        import_id: int,
        admin_id: int,
        now: datetime,
        keep: Callable[[list[dict[str, Any]]], list[dict[str, Any]]],
    ) -> list[str] | None:
        added: list[str] = []
        async with self._pool.acquire() as conn, conn.transaction():
            entries = await _close_pending(conn, import_id, "added")
            if entries is None:
                return None
            for entry in keep(entries):
                stored = await conn.fetchval(
                    "INSERT INTO imported_questions (id, entry, added_by, added_at)"
                    " VALUES ($1, $2, $3, $4) ON CONFLICT (id) DO NOTHING RETURNING id",
                    entry["id"],
                    json.dumps(entry, ensure_ascii=False),
                    admin_id,
                    seconds(now),
                )
                if stored is not None:
                    added.append(str(stored))
        return added


async def _close_pending(
    db: asyncpg.Pool | Connection, import_id: int, status: str
) -> list[dict[str, Any]] | None:
    """Mark a pending import ``status``; its entries, or None if it was not pending."""
    entries = await db.fetchval(
        "UPDATE pending_imports SET status = $2 WHERE import_id = $1 AND status = 'pending'"
        " RETURNING entries",
        import_id,
        status,
    )
    if entries is None:
        return None
    loaded: list[dict[str, Any]] = json.loads(entries)
    return loaded
