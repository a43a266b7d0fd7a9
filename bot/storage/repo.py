"""The repository: every query the bot runs, behind named async methods."""

import asyncio
from collections.abc import AsyncIterator, Iterable
from contextlib import asynccontextmanager
from dataclasses import dataclass
from datetime import datetime

import aiosqlite

from bot.storage.timefmt import from_db, to_db


@dataclass(frozen=True, slots=True)
class UserRow:
    user_id: int
    chat_id: int
    topics: tuple[str, ...]
    levels: tuple[str, ...]
    last_question_id: str | None
    timezone: str | None


@dataclass(frozen=True, slots=True)
class ShownRow:
    shown_id: int
    user_id: int
    question_id: str
    origin: str


@dataclass(frozen=True, slots=True)
class RatingRow:
    rating: int
    rated_at: datetime
    due: datetime


def _split(value: str) -> tuple[str, ...]:
    return tuple(v for v in value.split(",") if v)


class Repository:
    """One aiosqlite connection; writes are serialized so transactions never interleave."""

    def __init__(self, conn: aiosqlite.Connection) -> None:
        self._conn = conn
        self._write_lock = asyncio.Lock()

    @property
    def connection(self) -> aiosqlite.Connection:
        return self._conn

    @asynccontextmanager
    async def transaction(self) -> AsyncIterator[aiosqlite.Connection]:
        """``BEGIN IMMEDIATE`` … ``COMMIT`` (or ``ROLLBACK`` on error), one at a time."""
        async with self._write_lock:
            await self._conn.execute("BEGIN IMMEDIATE")
            try:
                yield self._conn
            except BaseException:
                await self._conn.execute("ROLLBACK")
                raise
            await self._conn.execute("COMMIT")

    async def ensure_user(self, user_id: int, chat_id: int, first_name: str, now: datetime) -> None:
        async with self.transaction() as tx:
            await tx.execute(
                "INSERT INTO users (user_id, chat_id, first_name, created_at)"
                " VALUES (?, ?, ?, ?)"
                " ON CONFLICT(user_id) DO UPDATE SET chat_id = excluded.chat_id,"
                " first_name = excluded.first_name"
                " WHERE chat_id != excluded.chat_id OR first_name != excluded.first_name",
                (user_id, chat_id, first_name, to_db(now)),
            )

    async def get_user(self, user_id: int) -> UserRow | None:
        async with self._conn.execute(
            "SELECT user_id, chat_id, topics, levels, last_question_id, timezone"
            " FROM users WHERE user_id = ?",
            (user_id,),
        ) as cursor:
            row = await cursor.fetchone()
        if row is None:
            return None
        return UserRow(
            user_id=row["user_id"],
            chat_id=row["chat_id"],
            topics=_split(row["topics"]),
            levels=_split(row["levels"]),
            last_question_id=row["last_question_id"],
            timezone=row["timezone"],
        )

    async def set_filter(self, user_id: int, topics: Iterable[str], levels: Iterable[str]) -> None:
        async with self.transaction() as tx:
            await tx.execute(
                "UPDATE users SET topics = ?, levels = ? WHERE user_id = ?",
                (",".join(sorted(topics)), ",".join(sorted(levels)), user_id),
            )

    async def due_question_ids(self, user_id: int, now: datetime) -> list[str]:
        """Cards due at ``now``, most overdue first."""
        async with self._conn.execute(
            "SELECT question_id FROM cards WHERE user_id = ? AND due <= ? ORDER BY due",
            (user_id, to_db(now)),
        ) as cursor:
            return [row[0] async for row in cursor]

    async def seen_question_ids(self, user_id: int) -> list[str]:
        """Every card of the user, least recently reviewed first."""
        async with self._conn.execute(
            "SELECT question_id FROM cards WHERE user_id = ? ORDER BY last_review, question_id",
            (user_id,),
        ) as cursor:
            return [row[0] async for row in cursor]

    async def record_shown(self, user_id: int, question_id: str, origin: str, now: datetime) -> int:
        """Remember that a card was sent; its id keys the reveal and rating buttons."""
        async with self.transaction() as tx:
            cursor = await tx.execute(
                "INSERT INTO shown_cards (user_id, question_id, origin, shown_at)"
                " VALUES (?, ?, ?, ?)",
                (user_id, question_id, origin, to_db(now)),
            )
            await tx.execute(
                "UPDATE users SET last_question_id = ? WHERE user_id = ?", (question_id, user_id)
            )
            assert cursor.lastrowid is not None
            return cursor.lastrowid

    async def get_shown(self, shown_id: int) -> ShownRow | None:
        async with self._conn.execute(
            "SELECT shown_id, user_id, question_id, origin FROM shown_cards WHERE shown_id = ?",
            (shown_id,),
        ) as cursor:
            row = await cursor.fetchone()
        if row is None:
            return None
        return ShownRow(row["shown_id"], row["user_id"], row["question_id"], row["origin"])

    async def take_next(self, user_id: int, shown_id: int) -> bool:
        """Mark «next» under this card as used; False if it was used already or is not theirs."""
        async with self.transaction() as tx:
            cursor = await tx.execute(
                "UPDATE shown_cards SET next_taken = 1"
                " WHERE shown_id = ? AND user_id = ? AND next_taken = 0",
                (shown_id, user_id),
            )
            return cursor.rowcount == 1

    async def rating_of_shown(self, shown_id: int) -> RatingRow | None:
        async with self._conn.execute(
            "SELECT rating, rated_at, due FROM ratings WHERE shown_id = ?", (shown_id,)
        ) as cursor:
            row = await cursor.fetchone()
        if row is None:
            return None
        return RatingRow(row["rating"], from_db(row["rated_at"]), from_db(row["due"]))

    async def card_state(self, user_id: int, question_id: str) -> str | None:
        async with self._conn.execute(
            "SELECT fsrs_state FROM cards WHERE user_id = ? AND question_id = ?",
            (user_id, question_id),
        ) as cursor:
            row = await cursor.fetchone()
        return None if row is None else str(row[0])

    async def record_rating(
        self,
        *,
        shown: ShownRow,
        rating: int,
        now: datetime,
        due: datetime,
        fsrs_state: str,
    ) -> bool:
        """Log the rating and move the card, atomically; False if this card was rated already."""
        async with self.transaction() as tx:
            cursor = await tx.execute(
                "INSERT INTO ratings (shown_id, user_id, question_id, rating, rated_at, due,"
                " fsrs_state) VALUES (?, ?, ?, ?, ?, ?, ?) ON CONFLICT(shown_id) DO NOTHING",
                (
                    shown.shown_id,
                    shown.user_id,
                    shown.question_id,
                    rating,
                    to_db(now),
                    to_db(due),
                    fsrs_state,
                ),
            )
            if cursor.rowcount == 0:
                return False
            await tx.execute(
                "INSERT INTO cards (user_id, question_id, due, last_review, last_rating, reviews,"
                " fsrs_state) VALUES (?, ?, ?, ?, ?, 1, ?)"
                " ON CONFLICT(user_id, question_id) DO UPDATE SET due = excluded.due,"
                " last_review = excluded.last_review, last_rating = excluded.last_rating,"
                " reviews = reviews + 1, fsrs_state = excluded.fsrs_state",
                (shown.user_id, shown.question_id, to_db(due), to_db(now), rating, fsrs_state),
            )
            return True
