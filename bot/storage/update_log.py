"""The webhook update log on SQLite."""

from datetime import datetime

from bot.quiz.ports import UpdateClaim
from bot.storage.repo import Repository
from bot.storage.timefmt import to_db


class UpdateLogRepository:
    def __init__(self, repo: Repository) -> None:
        self._repo = repo

    async def claim(self, update_id: int, now: datetime, stale_before: datetime) -> UpdateClaim:
        async with self._repo.transaction() as tx:
            async with tx.execute(
                "SELECT state, claimed_at FROM processed_updates WHERE update_id = ?",
                (update_id,),
            ) as cursor:
                row = await cursor.fetchone()
            if row is not None and row[0] == "done":
                return UpdateClaim.DONE
            if row is not None and row[1] >= to_db(stale_before):
                return UpdateClaim.BUSY
            await tx.execute(
                "INSERT INTO processed_updates (update_id, state, claimed_at)"
                " VALUES (?, 'handling', ?)"
                " ON CONFLICT(update_id) DO UPDATE SET claimed_at = excluded.claimed_at",
                (update_id, to_db(now)),
            )
        return UpdateClaim.NEW

    async def finish(self, update_id: int) -> None:
        async with self._repo.transaction() as tx:
            await tx.execute(
                "UPDATE processed_updates SET state = 'done' WHERE update_id = ?", (update_id,)
            )

    async def release(self, update_id: int) -> None:
        async with self._repo.transaction() as tx:
            await tx.execute(
                "DELETE FROM processed_updates WHERE update_id = ? AND state = 'handling'",
                (update_id,),
            )

    async def prune(self, before: datetime) -> int:
        async with self._repo.transaction() as tx:
            cursor = await tx.execute(
                "DELETE FROM processed_updates WHERE state = 'done' AND claimed_at < ?",
                (to_db(before),),
            )
            return cursor.rowcount
