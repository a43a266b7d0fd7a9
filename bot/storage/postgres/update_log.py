"""The webhook update log on PostgreSQL: one statement decides a claim, so two replicas
receiving the same update at once cannot both start it."""

from datetime import datetime

import asyncpg

from bot.quiz.ports import UpdateClaim
from bot.storage.postgres.repo import seconds


class PgUpdateLog:
    def __init__(self, pool: asyncpg.Pool) -> None:
        self._pool = pool

    async def claim(self, update_id: int, now: datetime, stale_before: datetime) -> UpdateClaim:
        claimed = await self._pool.fetchval(
            "INSERT INTO processed_updates (update_id, state, claimed_at)"
            " VALUES ($1, 'handling', $2)"
            " ON CONFLICT (update_id) DO UPDATE SET claimed_at = excluded.claimed_at"
            " WHERE processed_updates.state = 'handling'"
            "   AND processed_updates.claimed_at < $3"
            " RETURNING update_id",
            update_id,
            seconds(now),
            seconds(stale_before),
        )
        if claimed is not None:
            return UpdateClaim.NEW
        state = await self._pool.fetchval(
            "SELECT state FROM processed_updates WHERE update_id = $1", update_id
        )
        return UpdateClaim.DONE if state == "done" else UpdateClaim.BUSY

    async def finish(self, update_id: int) -> None:
        await self._pool.execute(
            "UPDATE processed_updates SET state = 'done' WHERE update_id = $1", update_id
        )

    async def release(self, update_id: int) -> None:
        await self._pool.execute(
            "DELETE FROM processed_updates WHERE update_id = $1 AND state = 'handling'",
            update_id,
        )

    async def prune(self, before: datetime) -> int:
        rows = await self._pool.fetch(
            "DELETE FROM processed_updates WHERE state = 'done' AND claimed_at < $1"
            " RETURNING update_id",
            seconds(before),
        )
        return len(rows)
