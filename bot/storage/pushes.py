"""SQL of the daily question: subscriptions, the due list, and the push log."""

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime

from bot.storage.repo import Repository
from bot.storage.timefmt import from_db, to_db


@dataclass(frozen=True, slots=True)
class Subscriber:
    user_id: int
    chat_id: int
    daily_time: str
    timezone: str | None
    next_push_at: datetime


@dataclass(frozen=True, slots=True)
class QueuedPush:
    user_id: int
    chat_id: int
    local_date: str
    slot_at: datetime


@dataclass(frozen=True, slots=True)
class Claim:
    """A due subscriber's slot, and the next one to set after claiming it."""

    user_id: int
    local_date: str
    slot_at: datetime
    next_push_at: datetime


class PushStore:
    def __init__(self, repo: Repository) -> None:
        self._repo = repo
        self._conn = repo.connection

    async def subscribe(self, user_id: int, daily_time: str, next_push_at: datetime) -> None:
        async with self._repo.transaction() as tx:
            await tx.execute(
                "UPDATE users SET daily_time = ?, next_push_at = ?, blocked_at = NULL"
                " WHERE user_id = ?",
                (daily_time, to_db(next_push_at), user_id),
            )

    async def unsubscribe(self, user_id: int) -> None:
        async with self._repo.transaction() as tx:
            await tx.execute(
                "UPDATE users SET daily_time = NULL, next_push_at = NULL WHERE user_id = ?",
                (user_id,),
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
            "SELECT user_id, chat_id, daily_time, timezone, next_push_at FROM users"
            " WHERE user_id = ? AND daily_time IS NOT NULL AND next_push_at IS NOT NULL",
            (user_id,),
        ) as cursor:
            row = await cursor.fetchone()
        if row is None:
            return None
        return Subscriber(row[0], row[1], row[2], row[3], from_db(row[4]))

    async def due_subscribers(self, now: datetime, limit: int) -> list[Subscriber]:
        async with self._conn.execute(
            "SELECT user_id, chat_id, daily_time, timezone, next_push_at FROM users"
            " WHERE next_push_at IS NOT NULL AND next_push_at <= ? AND daily_time IS NOT NULL"
            " ORDER BY next_push_at LIMIT ?",
            (to_db(now), limit),
        ) as cursor:
            rows = await cursor.fetchall()
        return [Subscriber(r[0], r[1], r[2], r[3], from_db(r[4])) for r in rows]

    async def claim(
        self, claims: Sequence[tuple[Subscriber, Claim]], now: datetime, status: str = "queued"
    ) -> int:
        """Log one push per (user, local day) with ``status`` ('queued' to send it, 'expired'
        for a slot missed beyond the grace window) and move each user to their next slot.

        Atomic: a crash leaves either both done or neither. A day already in the log is not
        logged again. Returns how many rows were logged.
        """
        logged = 0
        async with self._repo.transaction() as tx:
            for subscriber, claim in claims:
                moved = await tx.execute(
                    "UPDATE users SET next_push_at = ? WHERE user_id = ? AND next_push_at = ?",
                    (to_db(claim.next_push_at), claim.user_id, to_db(subscriber.next_push_at)),
                )
                if moved.rowcount == 0:
                    continue  # changed meanwhile (re-subscribed, unsubscribed)
                inserted = await tx.execute(
                    "INSERT INTO pushes (user_id, local_date, slot_at, status, updated_at)"
                    " VALUES (?, ?, ?, ?, ?) ON CONFLICT DO NOTHING",
                    (claim.user_id, claim.local_date, to_db(claim.slot_at), status, to_db(now)),
                )
                logged += inserted.rowcount
        return logged

    async def queued(self, limit: int) -> list[QueuedPush]:
        async with self._conn.execute(
            "SELECT p.user_id, u.chat_id, p.local_date, p.slot_at FROM pushes p"
            " JOIN users u ON u.user_id = p.user_id"
            " WHERE p.status = 'queued' ORDER BY p.slot_at LIMIT ?",
            (limit,),
        ) as cursor:
            rows = await cursor.fetchall()
        return [QueuedPush(r[0], r[1], r[2], from_db(r[3])) for r in rows]

    async def set_status(
        self,
        push: QueuedPush,
        status: str,
        now: datetime,
        *,
        shown_id: int | None = None,
        attempts: int | None = None,
    ) -> None:
        async with self._repo.transaction() as tx:
            await tx.execute(
                "UPDATE pushes SET status = ?, updated_at = ?,"
                " shown_id = COALESCE(?, shown_id), attempts = COALESCE(?, attempts)"
                " WHERE user_id = ? AND local_date = ?",
                (status, to_db(now), shown_id, attempts, push.user_id, push.local_date),
            )

    async def abandon_in_flight(self, now: datetime) -> int:
        """Pushes left 'sending' by a crash may have been delivered: never resend them."""
        async with self._repo.transaction() as tx:
            cursor = await tx.execute(
                "UPDATE pushes SET status = 'unknown', updated_at = ? WHERE status = 'sending'",
                (to_db(now),),
            )
            return cursor.rowcount
