"""SQL of the daily question on SQLite: subscriptions, the due list, the push log and the
sender's heartbeat (implements ``PushQueue`` and ``SubscriptionStore``)."""

from collections.abc import Sequence
from datetime import datetime

from bot.quiz.ports import (
    Claim,
    PushBacklog,
    PushStatus,
    QueuedPush,
    SenderBeat,
    Subscriber,
)
from bot.storage.repo import Repository
from bot.storage.timefmt import from_db, to_db

_SUBSCRIBER = "SELECT user_id, chat_id, daily_time, timezone, next_push_at FROM users"


class PushStore:
    def __init__(self, repo: Repository) -> None:
        self._repo = repo
        self._conn = repo.connection

    # ---- subscriptions -------------------------------------------------------------------
    async def subscribe(self, user_id: int, daily_time: str, next_push_at: datetime) -> None:
        async with self._repo.transaction() as tx:
            await tx.execute(
                "UPDATE users SET daily_time = ?, next_push_at = ?, blocked_at = NULL"
                " WHERE user_id = ?",
                (daily_time, to_db(next_push_at), user_id),
            )

    async def unsubscribe(self, user_id: int, now: datetime) -> None:
        async with self._repo.transaction() as tx:
            await tx.execute(
                "UPDATE users SET daily_time = NULL, next_push_at = NULL WHERE user_id = ?",
                (user_id,),
            )
            await tx.execute(
                "UPDATE pushes SET status = ?, updated_at = ?, reason = 'daily off'"
                " WHERE user_id = ? AND status = ?",
                (PushStatus.CANCELLED.value, to_db(now), user_id, PushStatus.QUEUED.value),
            )

    async def set_timezone(
        self, user_id: int, timezone: str, next_push_at: datetime | None
    ) -> None:
        async with self._repo.transaction() as tx:
            await tx.execute(
                "UPDATE users SET timezone = ?,"
                " next_push_at = CASE WHEN daily_time IS NULL THEN NULL ELSE ? END"
                " WHERE user_id = ?",
                (timezone, to_db(next_push_at) if next_push_at else None, user_id),
            )

    async def mark_blocked(self, user_id: int, now: datetime) -> None:
        """The user blocked the bot or is gone: no more pushes until they subscribe again."""
        async with self._repo.transaction() as tx:
            await tx.execute(
                "UPDATE users SET daily_time = NULL, next_push_at = NULL, blocked_at = ?"
                " WHERE user_id = ?",
                (to_db(now), user_id),
            )

    async def subscription(self, user_id: int) -> Subscriber | None:
        async with self._conn.execute(
            f"{_SUBSCRIBER} WHERE user_id = ? AND daily_time IS NOT NULL"
            " AND next_push_at IS NOT NULL",
            (user_id,),
        ) as cursor:
            row = await cursor.fetchone()
        if row is None:
            return None
        return Subscriber(row[0], row[1], row[2], row[3], from_db(row[4]))

    # ---- planning ------------------------------------------------------------------------
    async def due_subscribers(self, now: datetime, limit: int) -> list[Subscriber]:
        async with self._conn.execute(
            f"{_SUBSCRIBER} WHERE next_push_at IS NOT NULL AND next_push_at <= ?"
            " AND daily_time IS NOT NULL ORDER BY next_push_at LIMIT ?",
            (to_db(now), limit),
        ) as cursor:
            rows = await cursor.fetchall()
        return [Subscriber(r[0], r[1], r[2], r[3], from_db(r[4])) for r in rows]

    async def claim(self, claims: Sequence[Claim], now: datetime) -> int:
        logged = 0
        async with self._repo.transaction() as tx:
            for claim in claims:
                moved = await tx.execute(
                    "UPDATE users SET next_push_at = ? WHERE user_id = ? AND next_push_at = ?",
                    (to_db(claim.next_push_at), claim.user_id, to_db(claim.expected_push_at)),
                )
                if moved.rowcount == 0:
                    continue  # changed meanwhile (re-subscribed, unsubscribed)
                inserted = await tx.execute(
                    "INSERT INTO pushes (user_id, local_date, slot_at, status, updated_at, reason)"
                    " VALUES (?, ?, ?, ?, ?, ?) ON CONFLICT DO NOTHING",
                    (
                        claim.user_id,
                        claim.local_date,
                        to_db(claim.slot_at),
                        claim.status.value,
                        to_db(now),
                        claim.reason,
                    ),
                )
                logged += inserted.rowcount
        return logged

    # ---- sending -------------------------------------------------------------------------
    async def queued(self, now: datetime, limit: int) -> list[QueuedPush]:
        async with self._conn.execute(
            "SELECT p.user_id, u.chat_id, p.local_date, p.slot_at, p.attempts FROM pushes p"
            " JOIN users u ON u.user_id = p.user_id"
            " WHERE p.status = 'queued' AND (p.retry_at IS NULL OR p.retry_at <= ?)"
            " ORDER BY p.slot_at LIMIT ?",
            (to_db(now), limit),
        ) as cursor:
            rows = await cursor.fetchall()
        return [QueuedPush(r[0], r[1], r[2], from_db(r[3]), r[4]) for r in rows]

    async def next_retry_at(self) -> datetime | None:
        async with self._conn.execute(
            "SELECT MIN(retry_at) FROM pushes WHERE status = 'queued' AND retry_at IS NOT NULL"
        ) as cursor:
            row = await cursor.fetchone()
        return from_db(row[0]) if row and row[0] else None

    async def start_sending(self, push: QueuedPush, now: datetime) -> bool:
        async with self._repo.transaction() as tx:
            cursor = await tx.execute(
                "UPDATE pushes SET status = 'sending', updated_at = ?, attempts = attempts + 1"
                " WHERE user_id = ? AND local_date = ? AND status = 'queued'",
                (to_db(now), push.user_id, push.local_date),
            )
            return cursor.rowcount == 1

    async def requeue(
        self, push: QueuedPush, retry_at: datetime, now: datetime, reason: str
    ) -> None:
        async with self._repo.transaction() as tx:
            await tx.execute(
                "UPDATE pushes SET status = 'queued', retry_at = ?, updated_at = ?, reason = ?"
                " WHERE user_id = ? AND local_date = ? AND status = 'sending'",
                (to_db(retry_at), to_db(now), reason, push.user_id, push.local_date),
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
        async with self._repo.transaction() as tx:
            await tx.execute(
                "UPDATE pushes SET status = ?, updated_at = ?, retry_at = NULL,"
                " shown_id = COALESCE(?, shown_id), reason = ?"
                " WHERE user_id = ? AND local_date = ?",
                (status.value, to_db(now), shown_id, reason, push.user_id, push.local_date),
            )

    async def abandon_in_flight(self, now: datetime) -> int:
        async with self._repo.transaction() as tx:
            cursor = await tx.execute(
                "UPDATE pushes SET status = 'unknown', updated_at = ?,"
                " reason = 'the sender stopped while the request was on the wire'"
                " WHERE status = 'sending'",
                (to_db(now),),
            )
            return cursor.rowcount

    # ---- health --------------------------------------------------------------------------
    async def backlog(self, now: datetime) -> PushBacklog:
        async with self._conn.execute(
            "SELECT COUNT(*), MIN(slot_at) FROM pushes WHERE status IN ('queued', 'sending')"
        ) as cursor:
            row = await cursor.fetchone()
        assert row is not None
        return PushBacklog(int(row[0]), from_db(row[1]) if row[1] else None)

    async def beat(self, beat: SenderBeat) -> None:
        async with self._repo.transaction() as tx:
            await tx.execute(
                "INSERT INTO push_sender (id, beat_at, state, rate, detail)"
                " VALUES (1, ?, ?, ?, ?) ON CONFLICT (id) DO UPDATE SET"
                " beat_at = excluded.beat_at, state = excluded.state, rate = excluded.rate,"
                " detail = excluded.detail",
                (to_db(beat.at), beat.state, beat.rate, beat.detail),
            )

    async def last_beat(self) -> SenderBeat | None:
        async with self._conn.execute(
            "SELECT beat_at, state, rate, detail FROM push_sender WHERE id = 1"
        ) as cursor:
            row = await cursor.fetchone()
        return None if row is None else SenderBeat(from_db(row[0]), row[1], row[2], row[3])
