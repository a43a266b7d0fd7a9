"""SQL behind /admin on PostgreSQL."""

from datetime import datetime

import asyncpg

from bot.quiz.ports import Overview
from bot.storage.postgres.repo import seconds


class PgAdminRepository:
    def __init__(self, pool: asyncpg.Pool) -> None:
        self._pool = pool

    async def overview(self, since: datetime) -> Overview:
        row = await self._pool.fetchrow(
            "SELECT (SELECT COUNT(*) FROM users),"
            " (SELECT COUNT(*) FROM users WHERE daily_time IS NOT NULL),"
            " (SELECT COUNT(*) FROM ratings WHERE rated_at >= $1)",
            seconds(since),
        )
        assert row is not None
        pushes = await self._pool.fetch(
            "SELECT status, COUNT(*) FROM pushes WHERE slot_at >= $1 GROUP BY status",
            seconds(since),
        )
        return Overview(int(row[0]), int(row[1]), int(row[2]), {r[0]: int(r[1]) for r in pushes})
