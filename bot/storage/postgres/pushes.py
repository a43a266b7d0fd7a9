"""SQL of the daily question on PostgreSQL: subscriptions, the due list, the push log and the
sender's heartbeat (implements ``PushQueue`` and ``SubscriptionStore``)."""

from collections.abc import Sequence
from datetime import datetime

import asyncpg

from bot.quiz.ports import (
    Claim,
    PushBacklog,
    PushStatus,
    QueuedPush,
    SenderBeat,
    Subscriber,
)
from bot.storage.postgres.repo import seconds


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

    async def unsubscribe(self, user_id: int, now: datetime) -> None:
        async with self._pool.acquire() as conn, conn.transaction():
            await conn.execute(
                "UPDATE users SET daily_time = NULL, next_push_at = NULL WHERE user_id = $1",
                user_id,
            )
            await conn.execute(
                "UPDATE pushes SET status = 'cancelled', updated_at = $2, reason = 'daily off'"
                " WHERE user_id = $1 AND status = 'queued'",
                user_id,
                seconds(now),
            )

    async def set_timezone(
        self, user_id: int, timezone: str, next_push_at: datetime | None
    ) -> None:
        await self._pool.execute(
            # The version: «next»'s snapshot reads the timezone (where «today» starts).
            "UPDATE users SET timezone = $2, version = version + 1,"
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

    async def claim(self, claims: Sequence[Claim], now: datetime) -> int:
        logged = 0
        async with self._pool.acquire() as conn, conn.transaction():
            for claim in claims:
                moved = await conn.fetchval(
                    "UPDATE users SET next_push_at = $2 WHERE user_id = $1 AND next_push_at = $3"
                    " RETURNING user_id",
                    claim.user_id,
                    seconds(claim.next_push_at),
                    seconds(claim.expected_push_at),
                )
                if moved is None:
                    continue  # changed meanwhile (re-subscribed, unsubscribed)
                inserted = await conn.fetchval(
                    "INSERT INTO pushes (user_id, local_date, slot_at, status, updated_at, reason)"
                    " VALUES ($1, $2, $3, $4, $5, $6) ON CONFLICT DO NOTHING RETURNING user_id",
                    claim.user_id,
                    claim.local_date,
                    seconds(claim.slot_at),
                    claim.status.value,
                    seconds(now),
                    claim.reason,
                )
                logged += inserted is not None
        return logged

    async def queued(self, now: datetime, limit: int) -> list[QueuedPush]:
        rows = await self._pool.fetch(
            "SELECT p.user_id, u.chat_id, p.local_date, p.slot_at, p.attempts FROM pushes p"
            " JOIN users u ON u.user_id = p.user_id"
            " WHERE p.status = 'queued' AND (p.retry_at IS NULL OR p.retry_at <= $1)"
            " ORDER BY p.slot_at LIMIT $2",
            seconds(now),
            limit,
        )
        return [QueuedPush(r[0], r[1], r[2], r[3], r[4]) for r in rows]

    async def next_retry_at(self) -> datetime | None:
        value: datetime | None = await self._pool.fetchval(
            "SELECT MIN(retry_at) FROM pushes WHERE status = 'queued' AND retry_at IS NOT NULL"
        )
        return value

    async def start_sending(self, push: QueuedPush, now: datetime) -> bool:
        taken = await self._pool.fetchval(
            "UPDATE pushes SET status = 'sending', updated_at = $3, attempts = attempts + 1"
            " WHERE user_id = $1 AND local_date = $2 AND status = 'queued' RETURNING user_id",
            push.user_id,
            push.local_date,
            seconds(now),
        )
        return taken is not None

    async def requeue(
        self, push: QueuedPush, retry_at: datetime, now: datetime, reason: str
    ) -> None:
        await self._pool.execute(
            "UPDATE pushes SET status = 'queued', retry_at = $3, updated_at = $4, reason = $5"
            " WHERE user_id = $1 AND local_date = $2 AND status = 'sending'",
            push.user_id,
            push.local_date,
            seconds(retry_at),
            seconds(now),
            reason,
        )

    async def finish(
        self,
        push: QueuedPush,
        status: PushStatus,
        now: datetime,
        *,
        shown_id: int | None = None,
        reason: str | None = None,
    ) -> None:
        await self._pool.execute(
            "UPDATE pushes SET status = $3, updated_at = $4, retry_at = NULL,"
            " shown_id = COALESCE($5, shown_id), reason = $6"
            " WHERE user_id = $1 AND local_date = $2",
            push.user_id,
            push.local_date,
            status.value,
            seconds(now),
            shown_id,
            reason,
        )

    async def abandon_in_flight(self, now: datetime) -> int:
        rows = await self._pool.fetch(
            "UPDATE pushes SET status = 'unknown', updated_at = $1,"
            " reason = 'the sender stopped while the request was on the wire'"
            " WHERE status = 'sending' RETURNING user_id",
            seconds(now),
        )
        return len(rows)

    async def backlog(self, now: datetime) -> PushBacklog:
        row = await self._pool.fetchrow(
            "SELECT COUNT(*), MIN(slot_at) FROM pushes WHERE status IN ('queued', 'sending')"
        )
        assert row is not None
        return PushBacklog(int(row[0]), row[1])

    async def beat(self, beat: SenderBeat) -> None:
        await self._pool.execute(
            "INSERT INTO push_sender (id, beat_at, state, rate, detail) VALUES (1, $1, $2, $3, $4)"
            " ON CONFLICT (id) DO UPDATE SET beat_at = excluded.beat_at, state = excluded.state,"
            " rate = excluded.rate, detail = excluded.detail",
            seconds(beat.at),
            beat.state,
            beat.rate,
            beat.detail,
        )

    async def last_beat(self) -> SenderBeat | None:
        row = await self._pool.fetchrow(
            "SELECT beat_at, state, rate, detail FROM push_sender WHERE id = 1"
        )
        return None if row is None else SenderBeat(row[0], row[1], row[2], row[3])
