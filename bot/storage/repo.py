"""The SQLite repository of users and cards: every query of the quiz loop, one transaction
per use case (``BEGIN IMMEDIATE`` takes the write lock before the first read, so what a use
case reads cannot change under it, also with another process on the same file)."""

import asyncio
import sqlite3
from collections.abc import AsyncIterator, Callable, Collection
from contextlib import asynccontextmanager
from datetime import datetime, timedelta
from typing import TypeVar

import aiosqlite

from bot.quiz.models import (
    CardDue,
    CardState,
    RatingKind,
    SavedRating,
    ShownCard,
    StudySnapshot,
    UserProfile,
)
from bot.quiz.ports import (
    ChooseQuestion,
    ClaimedSender,
    ClaimRequest,
    DecideRating,
    NextTaken,
    OpenedCard,
    PrefetchedCard,
    PrefetchedNext,
    StoreBusy,
    UndoOutcome,
    UpdateClaim,
)
from bot.storage.db import run_on_thread
from bot.storage.timefmt import from_db, to_db
from bot.storage.update_log import claim_update

T = TypeVar("T")
Row = sqlite3.Row

_USER_COLUMNS = (
    "user_id, chat_id, first_name, COALESCE(timezone, ?) AS zone, topics, levels, daily_time,"
    " next_push_at, last_question_id, report_question_id, report_started_at, new_per_day"
)
# The snapshot's recent events: two days cover the local "today" of any timezone.
_RECENT = timedelta(days=2)
_SHOWN_COLUMNS = "shown_id, user_id, question_id, origin, answer"
_RATING_COLUMNS = "rating, rated_at, due, kind, answer"
# A shown card with its rating if any and its question's card state, in one read:
# s.* [0:5], r.* [5:10], c.fsrs_state, c.due, c.last_review, c.last_rating [10:14].
_OPENED_SQL = (
    "SELECT s.shown_id, s.user_id, s.question_id, s.origin, s.answer,"
    " r.rating, r.rated_at, r.due, r.kind, r.answer,"
    " c.fsrs_state, c.due, c.last_review, c.last_rating"
    " FROM shown_cards s LEFT JOIN ratings r ON r.shown_id = s.shown_id"
    " LEFT JOIN cards c ON c.user_id = s.user_id AND c.question_id = s.question_id"
    " WHERE s.shown_id = ?"
)


def _open(db: sqlite3.Connection, shown_id: int) -> OpenedCard | None:
    """Shown card ``shown_id`` with its rating, or its card's state (``_OPENED_SQL``)."""
    row = db.execute(_OPENED_SQL, (shown_id,)).fetchone()
    if row is None:
        return None
    shown = ShownCard(row[0], row[1], row[2], row[3], row[4])
    if row[5] is not None:
        rating = SavedRating(row[5], from_db(row[6]), from_db(row[7]), row[8], row[9])
        return OpenedCard(shown, rating=rating)
    if row[10] is None:
        return OpenedCard(shown)
    state = CardState(str(row[10]), from_db(row[11]), from_db(row[12]))
    return OpenedCard(shown, state=state, last_rating=row[13])


def _split(value: str) -> tuple[str, ...]:
    return tuple(v for v in value.split(",") if v)


def _profile(row: Row) -> UserProfile:
    return UserProfile(
        user_id=row["user_id"],
        chat_id=row["chat_id"],
        timezone=row["zone"],
        topics=_split(row["topics"]),
        levels=_split(row["levels"]),
        daily_time=row["daily_time"] if row["next_push_at"] is not None else None,
        next_push_at=from_db(row["next_push_at"]) if row["next_push_at"] else None,
        last_question_id=row["last_question_id"],
        report_question_id=row["report_question_id"],
        report_started_at=from_db(row["report_started_at"]) if row["report_started_at"] else None,
        new_per_day=row["new_per_day"],
    )


def _is_busy(exc: sqlite3.OperationalError) -> bool:
    return "locked" in str(exc) or "busy" in str(exc)


def _shown(row: Row) -> ShownCard:
    return ShownCard(
        row["shown_id"], row["user_id"], row["question_id"], row["origin"], row["answer"]
    )


def _rating(row: Row) -> SavedRating:
    return SavedRating(row[0], from_db(row[1]), from_db(row[2]), row[3], row[4])


def _user_row(db: sqlite3.Connection, user_id: int, default_zone: str) -> Row | None:
    row: Row | None = db.execute(
        f"SELECT {_USER_COLUMNS} FROM users WHERE user_id = ?", (default_zone, user_id)
    ).fetchone()
    return row


def _register(
    db: sqlite3.Connection, user_id: int, chat_id: int, first_name: str, now: datetime
) -> None:
    db.execute(
        "INSERT INTO users (user_id, chat_id, first_name, created_at)"
        " VALUES (?, ?, ?, ?)"
        " ON CONFLICT(user_id) DO UPDATE SET chat_id = excluded.chat_id,"
        " first_name = excluded.first_name",
        (user_id, chat_id, first_name, to_db(now)),
    )


def _immediate(db: sqlite3.Connection, work: Callable[[sqlite3.Connection], T]) -> T:
    """``work`` inside ``BEGIN IMMEDIATE`` … ``COMMIT`` (``ROLLBACK`` on error), on the
    database thread; StoreBusy, with nothing written, when the write lock stays taken."""
    try:
        db.execute("BEGIN IMMEDIATE")
    except sqlite3.OperationalError as exc:
        if _is_busy(exc):
            raise StoreBusy(str(exc)) from exc
        raise
    try:
        result = work(db)
        db.execute("COMMIT")
    except BaseException as exc:
        if db.in_transaction:
            db.execute("ROLLBACK")
        if isinstance(exc, sqlite3.OperationalError) and _is_busy(exc):
            raise StoreBusy(str(exc)) from exc
        raise
    return result


class Repository:
    """One aiosqlite connection; writes are serialized so transactions never interleave."""

    def __init__(self, conn: aiosqlite.Connection) -> None:
        self._conn = conn
        self._write_lock = asyncio.Lock()

    @property
    def connection(self) -> aiosqlite.Connection:
        return self._conn

    async def run(self, work: Callable[[sqlite3.Connection], T]) -> T:
        """``work`` (reads only, in autocommit) in one hop to the database thread."""
        return await run_on_thread(self._conn, work)

    async def run_transaction(self, work: Callable[[sqlite3.Connection], T]) -> T:
        """The whole of ``work`` as one ``BEGIN IMMEDIATE`` transaction in one hop to the
        database thread (no await between its statements), one at a time like
        ``transaction()``."""
        async with self._write_lock:
            return await run_on_thread(self._conn, lambda db: _immediate(db, work))

    @asynccontextmanager
    async def transaction(self) -> AsyncIterator[aiosqlite.Connection]:
        """``BEGIN IMMEDIATE`` … ``COMMIT`` (or ``ROLLBACK`` on error), one at a time.

        Raises StoreBusy, with nothing written, when another process keeps the write lock
        past the busy timeout.
        """
        async with self._write_lock:
            try:
                await self._conn.execute("BEGIN IMMEDIATE")
            except sqlite3.OperationalError as exc:
                if _is_busy(exc):
                    raise StoreBusy(str(exc)) from exc
                raise
            try:
                yield self._conn
                await self._conn.execute("COMMIT")
            except BaseException as exc:
                if self._conn.in_transaction:
                    await self._conn.execute("ROLLBACK")
                if isinstance(exc, sqlite3.OperationalError) and _is_busy(exc):
                    raise StoreBusy(str(exc)) from exc
                raise

    # -- users ---------------------------------------------------------------------------

    async def get_user(self, user_id: int, default_zone: str) -> UserProfile | None:
        row = await self.run(lambda db: _user_row(db, user_id, default_zone))
        return None if row is None else _profile(row)

    async def load_user(
        self, user_id: int, chat_id: int, first_name: str, now: datetime, default_zone: str
    ) -> UserProfile:
        row = await self.run(lambda db: _user_row(db, user_id, default_zone))
        if row is not None and row["chat_id"] == chat_id and row["first_name"] == first_name:
            return _profile(row)  # the common case: one read, no write lock

        def register(db: sqlite3.Connection) -> Row | None:
            _register(db, user_id, chat_id, first_name, now)
            return _user_row(db, user_id, default_zone)

        row = await self.run_transaction(register)
        assert row is not None
        return _profile(row)

    async def claim_and_load_user(
        self,
        claim: ClaimRequest,
        user_id: int,
        chat_id: int,
        first_name: str,
        default_zone: str,
        card: int | None = None,
        next_after: int | None = None,
    ) -> ClaimedSender:
        # ``next_after`` is not read ahead: «next» is one hop here, its read inside.
        def work(db: sqlite3.Connection) -> ClaimedSender:
            outcome = claim_update(db, claim)
            if outcome is not UpdateClaim.NEW:
                return ClaimedSender(outcome)
            row = _user_row(db, user_id, default_zone)
            if row is None or row["chat_id"] != chat_id or row["first_name"] != first_name:
                _register(db, user_id, chat_id, first_name, claim.now)
                row = _user_row(db, user_id, default_zone)
            assert row is not None
            prefetched = None if card is None else PrefetchedCard(card, _open(db, card))
            return ClaimedSender(outcome, _profile(row), prefetched)

        # The claim writes: one write transaction, one hop, the reads inside it.
        return await self.run_transaction(work)

    async def set_filter(
        self, user_id: int, topics: Collection[str], levels: Collection[str]
    ) -> None:
        async with self.transaction() as tx:
            await tx.execute(
                "UPDATE users SET topics = ?, levels = ? WHERE user_id = ?",
                (",".join(sorted(topics)), ",".join(sorted(levels)), user_id),
            )

    async def set_new_limit(self, user_id: int, new_per_day: int) -> None:
        async with self.transaction() as tx:
            await tx.execute(
                "UPDATE users SET new_per_day = ? WHERE user_id = ?", (new_per_day, user_id)
            )

    # -- cards ---------------------------------------------------------------------------

    async def record_next(
        self,
        user_id: int,
        origin: str,
        now: datetime,
        choose: ChooseQuestion,
        after: int | None = None,
        prefetched: PrefetchedNext | None = None,
    ) -> ShownCard | None:
        # Claim, read, choose and insert in one hop: ``choose`` runs on the database thread,
        # on what it reads under the write lock (``claim_and_load_user`` reads no ``next``).
        def work(db: sqlite3.Connection) -> ShownCard | None:
            if after is not None and not self._claim_next(db, user_id, after):
                raise NextTaken(after)  # rolled back: nothing written
            question_id = choose(self._snapshot(db, user_id, now))
            if question_id is None:
                return None
            return self._insert_shown(db, user_id, question_id, origin, now)

        return await self.run_transaction(work)

    @staticmethod
    def _snapshot(db: sqlite3.Connection, user_id: int, now: datetime) -> StudySnapshot:
        user = db.execute(
            "SELECT topics, levels, last_question_id, timezone, new_per_day FROM users"
            " WHERE user_id = ?",
            (user_id,),
        ).fetchone()
        if user is None:
            raise LookupError(f"user {user_id} is not registered")
        recent = to_db(now - _RECENT)
        rows = db.execute(
            "SELECT question_id, due, last_review FROM cards WHERE user_id = ?"
            " ORDER BY due, question_id",
            (user_id,),
        ).fetchall()
        # Hot (every «next», a row per card the user has): a list built in one go is ~25 %
        # cheaper than a generator of the same rows.
        cards = tuple([CardDue(qid, from_db(due), from_db(last)) for qid, due, last in rows])
        new_rated = tuple(
            from_db(row[0])
            for row in db.execute(
                "SELECT rated_at FROM ratings WHERE user_id = ? AND kind = ? AND rated_at >= ?",
                (user_id, RatingKind.NEW, recent),
            )
        )
        skipped = tuple(
            (row[0], from_db(row[1]))
            for row in db.execute(
                "SELECT s.question_id, s.shown_at FROM shown_cards s"
                " WHERE s.user_id = ? AND s.shown_at >= ? AND s.next_taken = 1"
                " AND NOT EXISTS (SELECT 1 FROM ratings r WHERE r.shown_id = s.shown_id)",
                (user_id, recent),
            )
        )
        suspended = frozenset(
            row[0]
            for row in db.execute("SELECT question_id FROM suspended WHERE user_id = ?", (user_id,))
        )
        return StudySnapshot(
            topics=_split(user[0]),
            levels=_split(user[1]),
            cards=cards,
            last_question_id=user[2],
            timezone=user[3],
            new_per_day=int(user[4]),
            new_rated_at=new_rated,
            skipped=skipped,
            suspended=suspended,
        )

    async def record_shown(
        self, user_id: int, question_id: str, origin: str, now: datetime
    ) -> ShownCard:
        return await self.run_transaction(
            lambda db: self._insert_shown(db, user_id, question_id, origin, now)
        )

    @staticmethod
    def _insert_shown(
        db: sqlite3.Connection, user_id: int, question_id: str, origin: str, now: datetime
    ) -> ShownCard:
        cursor = db.execute(
            "INSERT INTO shown_cards (user_id, question_id, origin, shown_at) VALUES (?, ?, ?, ?)",
            (user_id, question_id, origin, to_db(now)),
        )
        db.execute(
            "UPDATE users SET last_question_id = ? WHERE user_id = ?", (question_id, user_id)
        )
        assert cursor.lastrowid is not None
        return ShownCard(cursor.lastrowid, user_id, question_id, origin)

    async def get_shown(self, shown_id: int) -> ShownCard | None:
        row = await self.run(
            lambda db: db.execute(
                f"SELECT {_SHOWN_COLUMNS} FROM shown_cards WHERE shown_id = ?", (shown_id,)
            ).fetchone()
        )
        return None if row is None else _shown(row)

    async def open_shown(self, shown_id: int) -> OpenedCard | None:
        return await self.run(lambda db: _open(db, shown_id))

    @staticmethod
    def _claim_next(db: sqlite3.Connection, user_id: int, shown_id: int) -> bool:
        cursor = db.execute(
            "UPDATE shown_cards SET next_taken = 1"
            " WHERE shown_id = ? AND user_id = ? AND next_taken = 0",
            (shown_id, user_id),
        )
        return cursor.rowcount == 1

    async def release_next(self, user_id: int, shown_id: int) -> None:
        await self.run_transaction(
            lambda db: db.execute(
                "UPDATE shown_cards SET next_taken = 0 WHERE shown_id = ? AND user_id = ?",
                (shown_id, user_id),
            )
        )

    async def rating_of_shown(self, shown_id: int) -> SavedRating | None:
        row = await self.run(
            lambda db: db.execute(
                f"SELECT {_RATING_COLUMNS} FROM ratings WHERE shown_id = ?", (shown_id,)
            ).fetchone()
        )
        return None if row is None else _rating(row)

    async def card_state(self, user_id: int, question_id: str) -> CardState | None:
        row = await self.run(
            lambda db: db.execute(
                "SELECT fsrs_state, due, last_review FROM cards"
                " WHERE user_id = ? AND question_id = ?",
                (user_id, question_id),
            ).fetchone()
        )
        return None if row is None else CardState(str(row[0]), from_db(row[1]), from_db(row[2]))

    async def rate(
        self,
        user_id: int,
        shown_id: int,
        rating: int,
        now: datetime,
        decide: DecideRating,
        prefetched: PrefetchedCard | None = None,
    ) -> tuple[SavedRating, bool] | None:
        # The whole use case in one hop: ``decide`` and FSRS run on the database thread, on
        # what it reads under the write lock (a ``prefetched`` read would save no hop).
        return await self.run_transaction(lambda db: self._rate(db, shown_id, rating, now, decide))

    @staticmethod
    def _rate(
        db: sqlite3.Connection, shown_id: int, rating: int, now: datetime, decide: DecideRating
    ) -> tuple[SavedRating, bool] | None:
        # The card, its rating if any and its question's state in one read.
        row = db.execute(_OPENED_SQL, (shown_id,)).fetchone()
        shown = None if row is None else ShownCard(row[0], row[1], row[2], row[3], row[4])
        schedule = decide(shown)
        if schedule is None or shown is None:
            return None
        if row[5] is not None:  # rated already: report what was saved
            return SavedRating(row[5], from_db(row[6]), from_db(row[7]), row[8], row[9]), False
        card = None if row[10] is None else (row[10], row[11], row[12], row[13])
        answer = shown.answer
        before = (
            None if card is None else CardState(str(card[0]), from_db(card[1]), from_db(card[2]))
        )
        review = schedule(before)
        prev = (None, None, None, None) if card is None else card
        rated_at, due = to_db(now), to_db(review.due)
        db.execute(
            "INSERT INTO ratings (shown_id, user_id, question_id, rating, rated_at, due,"
            " fsrs_state, kind, answer, prev_state, prev_due, prev_last_review,"
            " prev_last_rating) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
            (
                shown.shown_id,
                shown.user_id,
                shown.question_id,
                rating,
                rated_at,
                due,
                review.state,
                review.kind,
                answer,
                *prev,
            ),
        )
        db.execute(
            "INSERT INTO cards (user_id, question_id, due, last_review, last_rating, reviews,"
            " fsrs_state) VALUES (?, ?, ?, ?, ?, 1, ?)"
            " ON CONFLICT(user_id, question_id) DO UPDATE SET due = excluded.due,"
            " last_review = excluded.last_review, last_rating = excluded.last_rating,"
            " reviews = cards.reviews + 1, fsrs_state = excluded.fsrs_state",
            (shown.user_id, shown.question_id, due, rated_at, rating, review.state),
        )
        return SavedRating(rating, from_db(rated_at), from_db(due), review.kind, answer), True

    async def undo_rating(self, user_id: int, shown_id: int) -> UndoOutcome:
        async with self.transaction() as tx:
            async with tx.execute(
                "SELECT rating_id, question_id, kind, prev_state, prev_due, prev_last_review,"
                " prev_last_rating FROM ratings WHERE shown_id = ? AND user_id = ?",
                (shown_id, user_id),
            ) as cursor:
                row = await cursor.fetchone()
            if row is None:
                return UndoOutcome.NOT_RATED
            async with tx.execute(
                "SELECT 1 FROM ratings WHERE user_id = ? AND rating_id > ? LIMIT 1",
                (user_id, row["rating_id"]),
            ) as cursor:
                if await cursor.fetchone() is not None:
                    return UndoOutcome.TOO_LATE
            if row["prev_state"] is None and row["kind"] != RatingKind.NEW:
                return UndoOutcome.NO_STATE
            if row["prev_state"] is None:
                await tx.execute(
                    "DELETE FROM cards WHERE user_id = ? AND question_id = ?",
                    (user_id, row["question_id"]),
                )
            else:
                await tx.execute(
                    "UPDATE cards SET fsrs_state = ?, due = ?, last_review = ?, last_rating = ?,"
                    " reviews = reviews - 1 WHERE user_id = ? AND question_id = ?",
                    (
                        row["prev_state"],
                        row["prev_due"],
                        row["prev_last_review"],
                        row["prev_last_rating"],
                        user_id,
                        row["question_id"],
                    ),
                )
            await tx.execute("DELETE FROM ratings WHERE rating_id = ?", (row["rating_id"],))
            return UndoOutcome.UNDONE

    async def save_answer(
        self, user_id: int, text: str, since: datetime, max_chars: int
    ) -> ShownCard | None:
        async with self.transaction() as tx:
            async with tx.execute(
                f"SELECT {_SHOWN_COLUMNS}, shown_at, next_taken FROM shown_cards"
                " WHERE user_id = ? ORDER BY shown_id DESC LIMIT 1",
                (user_id,),
            ) as cursor:
                row = await cursor.fetchone()
            if row is None or row["next_taken"] or from_db(row["shown_at"]) < since:
                return None
            async with tx.execute(  # rated, or suspended with «Больше не показывать»
                "SELECT EXISTS (SELECT 1 FROM ratings WHERE shown_id = ?)"
                " OR EXISTS (SELECT 1 FROM suspended WHERE user_id = ? AND question_id = ?)",
                (row["shown_id"], user_id, row["question_id"]),
            ) as cursor:
                closed = await cursor.fetchone()
            if closed is not None and closed[0]:
                return None
            answer = text if row["answer"] is None else f"{row['answer']}\n{text}"
            if len(answer) > max_chars:
                answer = answer[: max_chars - 1] + "…"
            await tx.execute(
                "UPDATE shown_cards SET answer = ? WHERE shown_id = ?", (answer, row["shown_id"])
            )
        shown = _shown(row)
        return ShownCard(shown.shown_id, shown.user_id, shown.question_id, shown.origin, answer)

    async def suspend(self, user_id: int, question_id: str, now: datetime) -> None:
        async with self.transaction() as tx:
            await tx.execute(
                "INSERT INTO suspended (user_id, question_id, suspended_at) VALUES (?, ?, ?)"
                " ON CONFLICT (user_id, question_id) DO NOTHING",
                (user_id, question_id, to_db(now)),
            )

    async def restore(self, user_id: int, question_ids: Collection[str] | None) -> int:
        if question_ids is not None and not question_ids:
            return 0
        async with self.transaction() as tx:
            if question_ids is None:
                cursor = await tx.execute("DELETE FROM suspended WHERE user_id = ?", (user_id,))
            else:
                marks = ",".join("?" * len(question_ids))
                cursor = await tx.execute(
                    f"DELETE FROM suspended WHERE user_id = ? AND question_id IN ({marks})",
                    (user_id, *question_ids),
                )
            return cursor.rowcount

    async def suspended(self, user_id: int) -> list[str]:
        async with self._conn.execute(
            "SELECT question_id FROM suspended WHERE user_id = ?"
            " ORDER BY suspended_at DESC, question_id",
            (user_id,),
        ) as cursor:
            return [row[0] async for row in cursor]
