"""SQL of the bank's growth from Telegram: imported questions and pending imports."""

import json
from collections.abc import Callable
from datetime import datetime
from typing import Any

import aiosqlite

from bot.storage.repo import Repository
from bot.storage.timefmt import to_db


class ImportRepository:
    def __init__(self, repo: Repository) -> None:
        self._repo = repo
        self._conn = repo.connection

    async def bank_version(self) -> int:
        async with self._conn.execute("SELECT COALESCE(MAX(seq), 0) FROM imported_questions") as c:
            row = await c.fetchone()
        return int(row[0]) if row else 0

    async def imported_entries(self) -> list[dict[str, Any]]:
        async with self._conn.execute("SELECT entry FROM imported_questions ORDER BY seq") as c:
            return [json.loads(row[0]) async for row in c]

    async def save_pending(
        self, admin_id: int, entries: list[dict[str, Any]], now: datetime
    ) -> int:
        async with self._repo.transaction() as tx:
            cursor = await tx.execute(
                "INSERT INTO pending_imports (admin_id, entries, created_at) VALUES (?, ?, ?)",
                (admin_id, json.dumps(entries, ensure_ascii=False), to_db(now)),
            )
            assert cursor.lastrowid is not None
            return cursor.lastrowid

    async def take_pending(self, import_id: int, status: str) -> list[dict[str, Any]] | None:
        async with self._repo.transaction() as tx:
            return await _close_pending(tx, import_id, status)

    async def add_pending(
        self,
        import_id: int,
        admin_id: int,
        now: datetime,
        keep: Callable[[list[dict[str, Any]]], list[dict[str, Any]]],
    ) -> list[str] | None:
        added: list[str] = []
        async with self._repo.transaction() as tx:
            entries = await _close_pending(tx, import_id, "added")
            if entries is None:
                return None
            for entry in keep(entries):
                cursor = await tx.execute(
                    "INSERT INTO imported_questions (id, entry, added_by, added_at)"
                    " VALUES (?, ?, ?, ?) ON CONFLICT(id) DO NOTHING",
                    (entry["id"], json.dumps(entry, ensure_ascii=False), admin_id, to_db(now)),
                )
                if cursor.rowcount:
                    added.append(str(entry["id"]))
        return added


async def _close_pending(
    tx: aiosqlite.Connection, import_id: int, status: str
) -> list[dict[str, Any]] | None:
    """Inside ``tx``: mark a pending import ``status``; its entries, or None if not pending."""
    async with tx.execute(
        "SELECT entries FROM pending_imports WHERE import_id = ? AND status = 'pending'",
        (import_id,),
    ) as cursor:
        row = await cursor.fetchone()
    if row is None:
        return None
    await tx.execute(
        "UPDATE pending_imports SET status = ? WHERE import_id = ?", (status, import_id)
    )
    entries: list[dict[str, Any]] = json.loads(row[0])
    return entries
