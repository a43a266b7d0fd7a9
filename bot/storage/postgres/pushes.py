"""SQL of the daily question on PostgreSQL: subscriptions, the due list, and the push log."""

from collections.abc import Sequence
from datetime import datetime

import asyncpg

from bot.storage.postgres.repo import seconds
from bot.storage.pushes import Claim, QueuedPush, Subscriber


def _subscriber(row: asyncpg.Record) -> Subscriber:
    return Subscriber(row[0], row[1], row[2], row[3], row[4])


class PgPushStore:
    def __init__(self, pool: asyncpg.Pool) -> None:
        self._pool = pool

    async def subscribe(self, user_id: int, daily_time: str, next_push_at: datetime) -> None:
        await self._pool.execute(
            "UPDATE users SET daily_time = $2, next_push_at = $3, blocked_at = NULL"
            " WHERE user_id = $1",
            user_id,
            daily_time,
            seconds(next_push_at),
        )

    async def unsubscribe(self, user_id: int) -> None:
        await self._pool.execute(
            "UPDATE users SET daily_time = NULL, next_push_at = NULL WHERE user_id = $1", user_id
        )

    async def set_timezone(
        self, user_id: int, timezone: str, next_push_at: datetime | None
    ) -> None:
        await self._pool.execute(
            "UPDATE users SET timezone = $2,"
            " next_push_at = CASE WHEN daily_time IS NULL THEN NULL ELSE $3::timestamptz END"
            " WHERE user_id = $1",
            user_id,
            timezone,
            seconds(next_push_at) if next_push_at else None,
        )

    async def mark_blocked(self, user_id: int, now: datetime) -> None:
        await self._pool.execute(
            "UPDATE users SET daily_time = NULL, next_push_at = NULL, blocked_at = $2"
            " WHERE user_id = $1",
            user_id,
            seconds(now),
        )

    async def subscription(self, user_id: int) -> Subscriber | None:
        row = await self._pool.fetchrow(
            "SELECT user_id, chat_id, daily_time, timezone, next_push_at FROM users"
            " WHERE user_id = $1 AND daily_time IS NOT NULL AND next_push_at IS NOT NULL",
            user_id,
        )
        return None if row is None else _subscriber(row)

    async def due_subscribers(self, now: datetime, limit: int) -> list[Subscriber]:
        rows = await self._pool.fetch(
            "SELECT user_id, chat_id, daily_time, timezone, next_push_at FROM users"
            " WHERE next_push_at IS NOT NULL AND next_push_at <= $1 AND daily_time IS NOT NULL"
            " ORDER BY next_push_at LIMIT $2",
            seconds(now),
            limit,
        )
        return [_subscriber(r) for r in rows]

    async def claim(
        self, claims: Sequence[tuple[Subscriber, Claim]], now: datetime, status: str = "queued"
    ) -> int:
        logged = 0
        async with self._pool.acquire() as conn, conn.transaction():
            for subscriber, claim in claims:
                moved = await conn.fetchval(
                    "UPDATE users SET next_push_at = $2 WHERE user_id = $1 AND next_push_at = $3"
                    " RETURNING user_id",
                    claim.user_id,
                    seconds(claim.next_push_at),
                    seconds(subscriber.next_push_at),
                )
                if moved is None:
                    continue  # changed meanwhile (re-subscribed, unsubscribed)
                inserted = await conn.fetchval(
                    "INSERT INTO pushes (user_id, local_date, slot_at, status, updated_at)"
                    " VALUES ($1, $2, $3, $4, $5) ON CONFLICT DO NOTHING RETURNING user_id",
                    claim.user_id,
                    claim.local_date,
                    seconds(claim.slot_at),
                    status,
                    seconds(now),
                )
                logged += inserted is not None
        return logged

    async def queued(self, limit: int) -> list[QueuedPush]:
        rows = await self._pool.fetch(
            "SELECT p.user_id, u.chat_id, p.local_date, p.slot_at FROM pushes p"
            " JOIN users u ON u.user_id = p.user_id"
            " WHERE p.status = 'queued' ORDER BY p.slot_at LIMIT $1",
            limit,
        )
        return [QueuedPush(r[0], r[1], r[2], r[3]) for r in rows]

    async def set_status(
        self,
        push: QueuedPush,
        status: str,
        now: datetime,
        *,
        shown_id: int | None = None,
        attempts: int | None = None,
    ) -> None:
        await self._pool.execute(
            "UPDATE pushes SET status = $3, updated_at = $4,"
            " shown_id = COALESCE($5, shown_id), attempts = COALESCE($6, attempts)"
            " WHERE user_id = $1 AND local_date = $2",
            push.user_id,
            push.local_date,
            status,
            seconds(now),
            shown_id,
            attempts,
        )

    async def abandon_in_flight(self, now: datetime) -> int:
        rows = await self._pool.fetch(
            "UPDATE pushes SET status = 'unknown', updated_at = $1 WHERE status = 'sending'"
            " RETURNING user_id",
            seconds(now),
        )
        return len(rows)
