"""The webhook update log on SQLite."""

import sqlite3
from collections.abc import Collection
from datetime import datetime
from typing import TYPE_CHECKING

from bot.quiz.ports import ClaimRequest, UpdateClaim
from bot.storage.timefmt import to_db

if TYPE_CHECKING:  # the repository imports ``claim_update`` from here
    from bot.storage.repo import Repository


def claim_update(db: sqlite3.Connection, claim: ClaimRequest) -> UpdateClaim:
    """The claim's statements, inside the caller's write transaction."""
    row = db.execute(
        "SELECT state, claimed_at FROM processed_updates WHERE update_id = ?",
        (claim.update_id,),
    ).fetchone()
    if row is not None and row[0] == "done":
        return UpdateClaim.DONE
    if row is not None and row[1] >= to_db(claim.stale_before):
        return UpdateClaim.BUSY
    db.execute(
        "INSERT INTO processed_updates (update_id, state, claimed_at)"
        " VALUES (?, 'handling', ?)"
        " ON CONFLICT(update_id) DO UPDATE SET claimed_at = excluded.claimed_at",
        (claim.update_id, to_db(claim.now)),
    )
    return UpdateClaim.NEW


class UpdateLogRepository:
    def __init__(self, repo: "Repository") -> None:
        self._repo = repo

    async def claim(self, update_id: int, now: datetime, stale_before: datetime) -> UpdateClaim:
        request = ClaimRequest(update_id, now, stale_before)
        return await self._repo.run_transaction(lambda db: claim_update(db, request))

    async def finish(self, update_ids: Collection[int]) -> None:
        ids = [(update_id,) for update_id in update_ids]
        await self._repo.run_transaction(
            lambda db: db.executemany(
                "UPDATE processed_updates SET state = 'done' WHERE update_id = ?", ids
            )
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
                "DELETE FROM processed_updates WHERE claimed_at < ?", (to_db(before),)
            )
            return cursor.rowcount
