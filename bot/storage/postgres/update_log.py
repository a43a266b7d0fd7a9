"""The webhook update log on PostgreSQL: one statement decides a claim, so two replicas
receiving the same update at once cannot both start it."""

from collections.abc import Collection
from datetime import datetime

import asyncpg

from bot.quiz.ports import UpdateClaim
from bot.storage.postgres.repo import CLAIM_COLUMNS, CLAIM_CTE, claim_outcome, seconds


class PgUpdateLog:
    def __init__(self, pool: asyncpg.Pool) -> None:
        self._pool = pool

    async def claim(self, update_id: int, now: datetime, stale_before: datetime) -> UpdateClaim:
        row = await self._pool.fetchrow(
            f"{CLAIM_CTE} SELECT {CLAIM_COLUMNS}", update_id, seconds(now), seconds(stale_before)
        )
        assert row is not None
        return claim_outcome(row)

    async def finish(self, update_ids: Collection[int]) -> None:
        await self._pool.execute(
            "UPDATE processed_updates SET state = 'done' WHERE update_id = ANY($1::bigint[])",
            list(update_ids),
        )

    async def release(self, update_id: int) -> None:
        await self._pool.execute(
            "DELETE FROM processed_updates WHERE update_id = $1 AND state = 'handling'",
            update_id,
        )

    async def prune(self, before: datetime) -> int:
        rows = await self._pool.fetch(
            "DELETE FROM processed_updates WHERE claimed_at < $1 RETURNING update_id",
            seconds(before),
        )
        return len(rows)
