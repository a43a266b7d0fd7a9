"""The PostgreSQL repository of users and cards: the same use cases as the SQLite one, each
one transaction; a user's writes are serialized by locking their row (``FOR UPDATE``), so two
replicas handling two taps of one user at the same millisecond apply them one after the other.
A rating and «next» are the exceptions: a read and one compare-and-swap write (see ``rate``
and ``record_next``).

``users.version`` (PostgreSQL migration 007): every writer of what «next»'s study snapshot
reads — the user's filter, daily limit, timezone and last question, their cards, ratings,
shown cards and «next» claims, suspended questions — increments it in the same transaction,
taking the user's row before it touches the rest; «next» writes only if it is still the
version it read with the snapshot."""

import logging
import re
from collections.abc import Collection, Sequence
from datetime import UTC, datetime, timedelta
from typing import Any

import asyncpg

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
    UndoOutcome,
    UpdateClaim,
)
from bot.storage.postgres.db import Connection

log = logging.getLogger(__name__)


def _user_columns(zone: str) -> str:
    """A profile's columns, with the parameter ``zone`` standing for a user who set none."""
    return (
        f"user_id, chat_id, first_name, COALESCE(timezone, {zone}) AS zone, topics, levels,"
        " daily_time, next_push_at, last_question_id, report_question_id, report_started_at,"
        " new_per_day"
    )


_USER_COLUMNS = _user_columns("$2")
# Claims webhook update $1 at $2 unless it is done, or claimed by a live replica (claimed at
# or after $3); says whether it did and, read in the same snapshot, the update's prior state.
CLAIM_CTE = (
    "WITH claimed AS (INSERT INTO processed_updates (update_id, state, claimed_at)"
    " VALUES ($1, 'handling', $2)"
    " ON CONFLICT (update_id) DO UPDATE SET claimed_at = excluded.claimed_at"
    " WHERE processed_updates.state = 'handling' AND processed_updates.claimed_at < $3"
    " RETURNING update_id)"
)
CLAIM_COLUMNS = (
    "EXISTS (SELECT 1 FROM claimed) AS claimed,"
    " (SELECT state FROM processed_updates WHERE update_id = $1) AS prior"
)
# Increments user $1's version, taking their row before the rest of the statement touches
# anything (a statement reading ``bump`` waits for it): a writer of what «next» reads.
_BUMP_CTE = (
    "WITH bump AS (UPDATE users SET version = version + 1 WHERE user_id = $1 RETURNING user_id)"
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
    " WHERE s.shown_id = $1"
)
_CLAIM_AND_USER_SQL = (
    f"{CLAIM_CTE} SELECT {CLAIM_COLUMNS}, u.* FROM (SELECT 1) AS one"
    f" LEFT JOIN (SELECT {_user_columns('$5')} FROM users WHERE user_id = $4) AS u ON TRUE"
)
# The same, and shown card $6 as ``_OPENED_SQL`` reads it, in the last ``_OPENED_WIDTH``
# columns (all NULL: no such card), named apart from the profile's (read by name).
_OPENED_WIDTH = 14
_CLAIM_USER_AND_CARD_SQL = (
    f"{CLAIM_CTE} SELECT {CLAIM_COLUMNS}, u.*,"
    " s.shown_id AS c0, s.user_id AS c1, s.question_id AS c2, s.origin AS c3, s.answer AS c4,"
    " r.rating AS c5, r.rated_at AS c6, r.due AS c7, r.kind AS c8, r.answer AS c9,"
    " c.fsrs_state AS c10, c.due AS c11, c.last_review AS c12, c.last_rating AS c13"
    " FROM (SELECT 1) AS one"
    f" LEFT JOIN (SELECT {_user_columns('$5')} FROM users WHERE user_id = $4) AS u ON TRUE"
    " LEFT JOIN shown_cards s ON s.shown_id = $6"
    " LEFT JOIN ratings r ON r.shown_id = s.shown_id"
    " LEFT JOIN cards c ON c.user_id = s.user_id AND c.question_id = s.question_id"
)

# A rating's write, one statement: $1-$9 the rating, $10-$13 the card as it was read (all
# NULL for a card never rated). It increments the user's version (which locks their row), then
# locks the shown card if its answer is still the one read (its condition reads ``owner``: the
# user's row comes first); then it writes the card if it is still as read (a first rating: if
# there is still none), and the rating only if the card was written. RETURNING 1 if written,
# no row if something changed (the version was incremented all the same: harmless, a «next»
# in flight merely reads again).
_RATE_GUARD = (
    "WITH owner AS (UPDATE users SET version = version + 1 WHERE user_id = $2 RETURNING user_id),"
    " shown AS (SELECT shown_id FROM shown_cards WHERE shown_id = $1"
    "  AND user_id = (SELECT user_id FROM owner) AND answer IS NOT DISTINCT FROM $9"
    "  FOR KEY SHARE),"
)
_RATE_LOG = (
    " INSERT INTO ratings (shown_id, user_id, question_id, rating, rated_at, due, fsrs_state,"
    " kind, answer, prev_state, prev_due, prev_last_review, prev_last_rating)"
    " SELECT $1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13 FROM card RETURNING 1"
)
_FIRST_CARD = (
    " card AS (INSERT INTO cards (user_id, question_id, due, last_review, last_rating,"
    " reviews, fsrs_state) SELECT $2, $3, $6, $5, $4, 1, $7 FROM shown"
    " ON CONFLICT (user_id, question_id) DO NOTHING RETURNING 1)"
)
_NEXT_CARD = (
    " card AS (UPDATE cards SET due = $6, last_review = $5, last_rating = $4,"
    " reviews = reviews + 1, fsrs_state = $7"
    " WHERE user_id = $2 AND question_id = $3 AND EXISTS (SELECT FROM shown)"
    " AND fsrs_state = $10 AND due = $11 AND last_review = $12 AND last_rating = $13"
    " RETURNING 1)"
)
_RATE_FIRST_SQL = _RATE_GUARD + _FIRST_CARD + _RATE_LOG
_RATE_NEXT_SQL = _RATE_GUARD + _NEXT_CARD + _RATE_LOG
# Lost races before a rating or «next» falls back to the user's row lock.
_CAS_ATTEMPTS = 5

# «Next»'s read, one plain statement (so one snapshot): user $1's filter and settings with
# their version; whether «next» under shown card $2 is free (the card is theirs and not
# claimed; $2 NULL: nothing to claim); the study snapshot as migration 006's function reads it
# after its claim — card $2 counts as passed over already, as it will once claimed. $3 is the
# kind of a first rating, $4 where recent events start. No row: the user is not registered.
_NEXT_READ_SQL = (
    "SELECT u.topics, u.levels, u.last_question_id, u.timezone, u.new_per_day, u.version,"
    " ($2::bigint IS NULL OR EXISTS (SELECT FROM shown_cards f WHERE f.shown_id = $2"
    "  AND f.user_id = $1 AND NOT f.next_taken)) AS free,"
    " c.card_ids, c.dues, c.reviewed,"
    " (SELECT array_agg(r.rated_at) FROM ratings r"
    "  WHERE r.user_id = $1 AND r.kind = $3 AND r.rated_at >= $4) AS new_rated_at,"
    " k.skipped_ids, k.skipped_at,"
    " (SELECT array_agg(p.question_id) FROM suspended p WHERE p.user_id = $1) AS suspended_ids"
    " FROM users u,"
    " LATERAL (SELECT array_agg(question_id ORDER BY due, question_id) AS card_ids,"
    "  array_agg(due ORDER BY due, question_id) AS dues,"
    "  array_agg(last_review ORDER BY due, question_id) AS reviewed"
    "  FROM cards WHERE user_id = $1) c,"
    " LATERAL (SELECT array_agg(s.question_id) AS skipped_ids, array_agg(s.shown_at) AS skipped_at"
    "  FROM shown_cards s WHERE s.user_id = $1 AND s.shown_at >= $4"
    "  AND (s.next_taken OR s.shown_id = $2)"
    "  AND NOT EXISTS (SELECT FROM ratings r WHERE r.shown_id = s.shown_id)) k"
    " WHERE u.user_id = $1"
)
# The claim and the profile as ``_CLAIM_AND_USER_SQL``, with «next»'s read under shown card
# $6 ($7 the kind of a first rating, $8 where recent events start) in the same statement: its
# own columns only — the snapshot's filter, last question and daily limit are the profile's,
# read from the same row.
_NEXT_READ_COLUMNS = (
    "version", "free", "timezone", "card_ids", "dues", "reviewed", "new_rated_at",
    "skipped_ids", "skipped_at", "suspended_ids",
)  # fmt: skip
_NEXT_READ_RENUMBERED = re.sub(
    r"\$\d+", lambda m: {"$1": "$4", "$2": "$6", "$3": "$7", "$4": "$8"}[m.group()], _NEXT_READ_SQL
)
_CLAIM_USER_AND_NEXT_SQL = (
    f"{CLAIM_CTE} SELECT {CLAIM_COLUMNS}, u.*,"
    f" {', '.join(f'n.{column}' for column in _NEXT_READ_COLUMNS)} FROM (SELECT 1) AS one"
    f" LEFT JOIN (SELECT {_user_columns('$5')} FROM users WHERE user_id = $4) AS u ON TRUE"
    f" LEFT JOIN ({_NEXT_READ_RENUMBERED}) AS n ON TRUE"
)
# «Next»'s write (migration 007): the new shown card's id (0: nothing to ask, only the claim
# was written), or NULL, with nothing written, if the version changed.
_NEXT_WRITE_SQL = "SELECT record_next_card($1, $2, $3, $4, $5, $6)"


class _CardChanged(Exception):
    """A rating's guarded write found the card changed since it was read."""


def seconds(moment: datetime) -> datetime:
    """Instants are kept to the second, as on SQLite, so both engines answer alike."""
    return moment.astimezone(UTC).replace(microsecond=0)


def _split(value: str) -> tuple[str, ...]:
    return tuple(v for v in value.split(",") if v)


def _profile(row: asyncpg.Record) -> UserProfile:
    return UserProfile(
        user_id=row["user_id"],
        chat_id=row["chat_id"],
        timezone=row["zone"],
        topics=_split(row["topics"]),
        levels=_split(row["levels"]),
        daily_time=row["daily_time"] if row["next_push_at"] is not None else None,
        next_push_at=row["next_push_at"],
        last_question_id=row["last_question_id"],
        report_question_id=row["report_question_id"],
        report_started_at=row["report_started_at"],
        new_per_day=row["new_per_day"],
    )


def claim_outcome(row: asyncpg.Record) -> UpdateClaim:
    """What a row with ``CLAIM_COLUMNS`` says: claimed now, handled before, or being handled
    (also when another replica inserted the claim after this statement's snapshot)."""
    if row["claimed"]:
        return UpdateClaim.NEW
    return UpdateClaim.DONE if row["prior"] == "done" else UpdateClaim.BUSY


def _shown(row: asyncpg.Record) -> ShownCard:
    return ShownCard(
        row["shown_id"], row["user_id"], row["question_id"], row["origin"], row["answer"]
    )


def _rating(row: asyncpg.Record) -> SavedRating:
    return SavedRating(row[0], row[1], row[2], row[3], row[4])


def _opened(row: Sequence[Any]) -> OpenedCard | None:
    """``_OPENED_SQL``'s columns as an OpenedCard (None: all NULL, no such card)."""
    if row[0] is None:
        return None
    shown = ShownCard(row[0], row[1], row[2], row[3], row[4])
    if row[5] is not None:
        return OpenedCard(shown, rating=SavedRating(row[5], row[6], row[7], row[8], row[9]))
    if row[10] is None:
        return OpenedCard(shown)
    state = CardState(str(row[10]), row[11], row[12])
    return OpenedCard(shown, state=state, last_rating=row[13])


async def _open(conn: Connection | asyncpg.Pool, shown_id: int) -> OpenedCard | None:
    row = await conn.fetchrow(_OPENED_SQL, shown_id)
    return None if row is None else _opened(tuple(row))


def _study_snapshot(row: asyncpg.Record) -> StudySnapshot:
    """The study snapshot in a row of «next»'s read or of ``lock_study_snapshot``."""
    card_ids, dues, reviewed, rated, skipped_ids, skipped_at, suspended = (
        row[column] or ()
        for column in (
            "card_ids", "dues", "reviewed", "new_rated_at", "skipped_ids", "skipped_at",
            "suspended_ids",
        )
    )  # fmt: skip
    return StudySnapshot(
        topics=_split(row["topics"]),
        levels=_split(row["levels"]),
        cards=tuple(map(CardDue, card_ids, dues, reviewed)),
        last_question_id=row["last_question_id"],
        timezone=row["timezone"],
        new_per_day=int(row["new_per_day"]),
        new_rated_at=tuple(rated),
        skipped=tuple(zip(skipped_ids, skipped_at, strict=True)),
        suspended=frozenset(suspended),
    )


class PgRepository:
    def __init__(self, pool: asyncpg.Pool) -> None:
        self._pool = pool

    @property
    def pool(self) -> asyncpg.Pool:
        return self._pool

    # -- users ---------------------------------------------------------------------------

    async def get_user(self, user_id: int, default_zone: str) -> UserProfile | None:
        row = await self._pool.fetchrow(
            f"SELECT {_USER_COLUMNS} FROM users WHERE user_id = $1", user_id, default_zone
        )
        return None if row is None else _profile(row)

    async def load_user(
        self, user_id: int, chat_id: int, first_name: str, now: datetime, default_zone: str
    ) -> UserProfile:
        row = await self._pool.fetchrow(
            f"SELECT {_USER_COLUMNS} FROM users WHERE user_id = $1", user_id, default_zone
        )
        if row is not None and row["chat_id"] == chat_id and row["first_name"] == first_name:
            return _profile(row)
        return await self._register(user_id, chat_id, first_name, now, default_zone)

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
        arguments = (
            claim.update_id,
            seconds(claim.now),
            seconds(claim.stale_before),
            user_id,
            default_zone,
        )
        if card is not None:
            row = await self._pool.fetchrow(_CLAIM_USER_AND_CARD_SQL, *arguments, card)
        elif next_after is not None:
            row = await self._pool.fetchrow(
                _CLAIM_USER_AND_NEXT_SQL,
                *arguments,
                next_after,
                RatingKind.NEW,
                seconds(claim.now - _RECENT),
            )
        else:
            row = await self._pool.fetchrow(_CLAIM_AND_USER_SQL, *arguments)
        assert row is not None
        outcome = claim_outcome(row)
        if outcome is not UpdateClaim.NEW:
            return ClaimedSender(outcome)
        if row["chat_id"] != chat_id or row["first_name"] != first_name:
            # A new user or a changed name: registered, and nothing read ahead (the second
            # round trip is rare; the handler reads for itself).
            profile = await self._register(user_id, chat_id, first_name, claim.now, default_zone)
            return ClaimedSender(outcome, profile)
        # The common case: one round trip for the claim, the profile and what was asked for.
        ahead_card = ahead_next = None
        if card is not None:
            ahead_card = PrefetchedCard(card, _opened(tuple(row)[-_OPENED_WIDTH:]))
        elif next_after is not None:
            ahead_next = PrefetchedNext(
                next_after, bool(row["free"]), _study_snapshot(row), int(row["version"])
            )
        return ClaimedSender(outcome, _profile(row), ahead_card, ahead_next)

    async def _register(
        self, user_id: int, chat_id: int, first_name: str, now: datetime, default_zone: str
    ) -> UserProfile:
        row = await self._pool.fetchrow(
            "INSERT INTO users (user_id, chat_id, first_name, created_at)"
            " VALUES ($1, $3, $4, $5)"
            " ON CONFLICT (user_id) DO UPDATE SET chat_id = excluded.chat_id,"
            " first_name = excluded.first_name"
            f" RETURNING {_USER_COLUMNS}",
            user_id,
            default_zone,
            chat_id,
            first_name,
            seconds(now),
        )
        assert row is not None
        return _profile(row)

    async def set_filter(
        self, user_id: int, topics: Collection[str], levels: Collection[str]
    ) -> None:
        await self._pool.execute(
            "UPDATE users SET topics = $2, levels = $3, version = version + 1 WHERE user_id = $1",
            user_id,
            ",".join(sorted(topics)),
            ",".join(sorted(levels)),
        )

    async def set_new_limit(self, user_id: int, new_per_day: int) -> None:
        await self._pool.execute(
            "UPDATE users SET new_per_day = $2, version = version + 1 WHERE user_id = $1",
            user_id,
            new_per_day,
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
        """Two round trips on one connection, no transaction: the read (``_NEXT_READ_SQL``:
        the study snapshot, the user's version and whether «next» under ``after`` is free;
        none when it comes ``prefetched``, made with the update's claim), ``choose``, then one
        write (``_NEXT_WRITE_SQL``: the claim, the last question and the
        shown card) that applies only if the user's version is still the one read. If it is
        not, read and choose again (``choose`` may run more than once); after
        ``_CAS_ATTEMPTS`` lost races, once more under the user's row lock, where nothing can
        change in between. «Next» under a card claimed already, or not the user's: NextTaken,
        nothing written. Nothing to ask: None, and only the claim is written (as SQLite does,
        and as the locked transaction did: the card was passed over).

        Why that is as safe as the old locked transaction (READ COMMITTED): the read is one
        statement, so the version it returns is the version of exactly the data it returns;
        every writer of that data increments the version in the same transaction, after (or
        while) taking the user's row, before anything it writes is visible. The write's
        UPDATE of the user's row waits for a writer holding it, then compares with the version
        that writer committed; a writer that comes later waits for the write's lock. So a
        write applies only if no writer committed between the read and it: read, choice and
        write are one step, serial with every other writer of that user — the snapshot is
        never older than the last holder of the user's row.

        - next/next under the same card: both read the card free; the first write increments
          the version and claims it; the second no longer matches, reads again, finds the card
          claimed: NextTaken, nothing written. /quiz twice at once: the second reads again and
          sees the first's card recorded (its question the last one, not asked twice in a row).
        - next/rate: the rating's compare-and-swap statement increments the version, so a
          «next» that read before it chooses again on top of it (the card's new due date,
          today's new questions); a rating after the write is unaffected (it reads nothing
          «next» writes).
        - next/undo, next/reset: both hold the user's row FOR UPDATE from their start and
          increment the version before they commit; a «next» that read before reads again —
          after /reset its card is gone (NextTaken) or there is nothing left to pass over. A
          «next» written first simply comes before them, as under the lock (/reset then
          erases its card with the rest).
        - next/suspend (and restore, filter, daily limit, timezone, release of a claim): each
          increments the version in its own statement, so a question suspended meanwhile is
          not shown and a new filter or limit applies.
        - A claim cannot fail once the version matched (claims increment it); if it did (some
          writer not incrementing), the write raises and undoes itself, and the locked path
          decides.
        """
        ahead = prefetched if prefetched is not None and prefetched.after == after else None
        async with self._pool.acquire() as conn:
            for _ in range(_CAS_ATTEMPTS):
                if ahead is None:
                    snapshot, version = await self._read_next(conn, user_id, now, after)
                elif not ahead.free:
                    raise NextTaken(after)  # nothing written
                else:
                    snapshot, version = ahead.snapshot, ahead.version
                    ahead = None  # a lost race reads again
                question_id = choose(snapshot)
                if question_id is None and after is None:
                    return None
                try:
                    shown_id = await conn.fetchval(
                        _NEXT_WRITE_SQL,
                        user_id,
                        version,
                        after,
                        question_id,
                        origin,
                        seconds(now),
                    )
                except asyncpg.RaiseError:
                    log.exception(
                        "«next» of user %s: claim refused at an unchanged version", user_id
                    )
                    break
                if shown_id is not None:
                    if question_id is None:
                        return None
                    return ShownCard(int(shown_id), user_id, question_id, origin)
            async with conn.transaction():
                snapshot = await self._locked_snapshot(conn, user_id, now, claim=after)
                question_id = choose(snapshot)
                if question_id is None:
                    if after is not None:  # the claim stays: a write like any other
                        await conn.execute(
                            "UPDATE users SET version = version + 1 WHERE user_id = $1", user_id
                        )
                    return None
                return await self._insert_shown(conn, user_id, question_id, origin, now)

    @staticmethod
    async def _read_next(
        conn: Connection, user_id: int, now: datetime, claim: int | None
    ) -> tuple[StudySnapshot, int]:
        """«Next»'s read, no lock: the snapshot (``claim`` counted as passed over) and the
        user's version; NextTaken if «next» under ``claim`` is taken or not the user's."""
        row = await conn.fetchrow(
            _NEXT_READ_SQL, user_id, claim, RatingKind.NEW, seconds(now - _RECENT)
        )
        if row is None:
            raise LookupError(f"user {user_id} is not registered")
        if not row["free"]:
            raise NextTaken(claim)  # nothing written
        return _study_snapshot(row), int(row["version"])

    @staticmethod
    async def _locked_snapshot(
        conn: Connection, user_id: int, now: datetime, *, claim: int | None = None
    ) -> StudySnapshot:
        """The study snapshot, read under the user's lock; with ``claim``, «next» under that
        shown card is claimed first (NextTaken if it cannot be), so the snapshot sees it.
        All of it in one round trip: the function (PostgreSQL migration 006) reads after the
        lock with a fresh snapshot, as a statement sent after the lock would."""
        user = await conn.fetchrow(
            "SELECT * FROM lock_study_snapshot($1, $2, $3, $4)",
            user_id,
            claim,
            RatingKind.NEW,
            seconds(now - _RECENT),
        )
        if user is None:
            raise LookupError(f"user {user_id} is not registered")
        if not user["taken"]:
            raise NextTaken(claim)  # the transaction rolls back: nothing written
        return _study_snapshot(user)

    async def record_shown(
        self, user_id: int, question_id: str, origin: str, now: datetime
    ) -> ShownCard:
        async with self._pool.acquire() as conn, conn.transaction():
            return await self._insert_shown(conn, user_id, question_id, origin, now)

    @staticmethod
    async def _insert_shown(
        conn: Connection, user_id: int, question_id: str, origin: str, now: datetime
    ) -> ShownCard:
        shown_id = await conn.fetchval(
            "WITH last AS (UPDATE users SET last_question_id = $2, version = version + 1"
            " WHERE user_id = $1)"
            " INSERT INTO shown_cards (user_id, question_id, origin, shown_at)"
            " VALUES ($1, $2, $3, $4) RETURNING shown_id",
            user_id,
            question_id,
            origin,
            seconds(now),
        )
        return ShownCard(int(shown_id), user_id, question_id, origin)

    async def get_shown(self, shown_id: int) -> ShownCard | None:
        row = await self._pool.fetchrow(
            f"SELECT {_SHOWN_COLUMNS} FROM shown_cards WHERE shown_id = $1", shown_id
        )
        return None if row is None else _shown(row)

    async def open_shown(self, shown_id: int) -> OpenedCard | None:
        return await _open(self._pool, shown_id)

    async def release_next(self, user_id: int, shown_id: int) -> None:
        await self._pool.execute(
            f"{_BUMP_CTE} UPDATE shown_cards SET next_taken = FALSE"
            " WHERE shown_id = $2 AND user_id = (SELECT user_id FROM bump)",
            user_id,
            shown_id,
        )

    async def rating_of_shown(self, shown_id: int) -> SavedRating | None:
        row = await self._pool.fetchrow(
            f"SELECT {_RATING_COLUMNS} FROM ratings WHERE shown_id = $1", shown_id
        )
        return None if row is None else _rating(row)

    async def card_state(self, user_id: int, question_id: str) -> CardState | None:
        row = await self._pool.fetchrow(
            "SELECT fsrs_state, due, last_review FROM cards"
            " WHERE user_id = $1 AND question_id = $2",
            user_id,
            question_id,
        )
        return None if row is None else CardState(str(row[0]), row[1], row[2])

    async def rate(
        self,
        user_id: int,
        shown_id: int,
        rating: int,
        now: datetime,
        decide: DecideRating,
        prefetched: PrefetchedCard | None = None,
    ) -> tuple[SavedRating, bool] | None:
        """Two round trips on one connection, no transaction: the read (``_OPENED_SQL``; none
        when the card comes ``prefetched`` with the profile), then one compare-and-swap
        statement (``_RATE_*_SQL``) that writes only if what was read is still true. If it is
        not (a rating, undo, /reset or typed answer came in between), read and decide again;
        after ``_CAS_ATTEMPTS`` lost races, once more under the locks, where nothing can
        change in between. (A prefetched read is no different: whenever it was made, the
        write checks it.)

        Why that is as safe as the old locked transaction (READ COMMITTED):

        - rate/rate: the card is written before the rating, only if it still holds the state
          that was read (all of it: what the new state is computed from and what undo
          restores), or, for a first rating, only if there is still no card. A second writer
          waits for the first's row, re-checks it (EvalPlanQual), finds it changed and writes
          nothing; re-read, a double tap reports the saved rating. Hence the insert of the
          rating never meets the UNIQUE (shown_id); if it did, the error would undo the whole
          statement (never a card without its rating) and the read would find that rating.
        - rate/undo, rate/reset: the write first increments the user's version, an UPDATE of
          their row, which conflicts with the FOR UPDATE both take: each runs wholly before or
          after the write, as under the old lock. Undo changes or deletes the card, so the
          guard fails unless it restored the very state that was read (then the rating is
          right as computed). /reset
          deletes the shown card: the write's KEY SHARE on it finds no row, nothing is written
          and the re-read gives «no such card»; a rating written first is erased with the rest.
          No rating row can point at a deleted user or shown card: both rows are locked before
          it is inserted. Locks are taken user, shown card, card, as undo and /reset take
          theirs, so a rating cannot deadlock with them.
        - rate/next: the version increment is what makes a «next» in flight read and choose
          again (``record_next``); «next» changes nothing a rating reads (its claim sets a
          shown card's ``next_taken``, which the KEY SHARE a rating takes does not wait for).
        """
        read = prefetched if prefetched is not None and prefetched.shown_id == shown_id else None
        async with self._pool.acquire() as conn:
            for _ in range(_CAS_ATTEMPTS):
                opened = read.opened if read is not None else await _open(conn, shown_id)
                read = None  # a lost race reads again
                try:
                    return await self._rate_once(conn, opened, rating, now, decide)
                except _CardChanged:
                    pass
            async with conn.transaction():
                # Undo, /reset and ratings wait for the user's row; an answer being typed,
                # for the shown card's. The user's first, as everywhere.
                await conn.execute("SELECT 1 FROM users WHERE user_id = $1 FOR UPDATE", user_id)
                await conn.execute(
                    "SELECT 1 FROM shown_cards WHERE shown_id = $1 FOR SHARE", shown_id
                )
                opened = await _open(conn, shown_id)
                return await self._rate_once(conn, opened, rating, now, decide)

    @staticmethod
    async def _rate_once(
        conn: Connection,
        opened: OpenedCard | None,
        rating: int,
        now: datetime,
        decide: DecideRating,
    ) -> tuple[SavedRating, bool] | None:
        """The guarded write of what ``opened`` read; ``_CardChanged`` if the guard found the
        card changed."""
        shown = None if opened is None else opened.shown
        # ``decide`` refuses any card that is not the presser's.
        schedule = decide(shown)
        if schedule is None or opened is None or shown is None:
            return None
        if opened.rating is not None:  # rated already: report what was saved
            return opened.rating, False
        before = opened.state
        answer = shown.answer
        review = schedule(before)
        prev = (
            (None, None, None, None)
            if before is None
            else (before.state, before.due, before.last_review, opened.last_rating)
        )
        rated_at, due = seconds(now), seconds(review.due)
        try:
            written = await conn.fetchval(
                _RATE_FIRST_SQL if before is None else _RATE_NEXT_SQL,
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
            )
        except asyncpg.UniqueViolationError:  # rated meanwhile: nothing was written
            written = None
        if written is None:
            raise _CardChanged(shown.shown_id)
        return SavedRating(rating, rated_at, due, review.kind, answer), True

    async def undo_rating(self, user_id: int, shown_id: int) -> UndoOutcome:
        async with self._pool.acquire() as conn, conn.transaction():
            await conn.execute("SELECT 1 FROM users WHERE user_id = $1 FOR UPDATE", user_id)
            row = await conn.fetchrow(
                "SELECT rating_id, question_id, kind, prev_state, prev_due, prev_last_review,"
                " prev_last_rating FROM ratings WHERE shown_id = $1 AND user_id = $2",
                shown_id,
                user_id,
            )
            if row is None:
                return UndoOutcome.NOT_RATED
            later = await conn.fetchval(
                "SELECT 1 FROM ratings WHERE user_id = $1 AND rating_id > $2 LIMIT 1",
                user_id,
                row["rating_id"],
            )
            if later is not None:
                return UndoOutcome.TOO_LATE
            if row["prev_state"] is None and row["kind"] != RatingKind.NEW:
                return UndoOutcome.NO_STATE
            if row["prev_state"] is None:
                await conn.execute(
                    "DELETE FROM cards WHERE user_id = $1 AND question_id = $2",
                    user_id,
                    row["question_id"],
                )
            else:
                await conn.execute(
                    "UPDATE cards SET fsrs_state = $3, due = $4, last_review = $5,"
                    " last_rating = $6, reviews = reviews - 1"
                    " WHERE user_id = $1 AND question_id = $2",
                    user_id,
                    row["question_id"],
                    row["prev_state"],
                    row["prev_due"],
                    row["prev_last_review"],
                    row["prev_last_rating"],
                )
            await conn.execute(
                f"{_BUMP_CTE} DELETE FROM ratings WHERE rating_id = $2", user_id, row["rating_id"]
            )
            return UndoOutcome.UNDONE

    async def save_answer(
        self, user_id: int, text: str, since: datetime, max_chars: int
    ) -> ShownCard | None:
        async with self._pool.acquire() as conn, conn.transaction():
            row = await conn.fetchrow(
                f"SELECT {_SHOWN_COLUMNS}, shown_at, next_taken FROM shown_cards"
                " WHERE user_id = $1 ORDER BY shown_id DESC LIMIT 1 FOR UPDATE",
                user_id,
            )
            if row is None or row["next_taken"] or row["shown_at"] < seconds(since):
                return None
            closed = await conn.fetchval(  # rated, or suspended with «Больше не показывать»
                "SELECT EXISTS (SELECT 1 FROM ratings WHERE shown_id = $1)"
                " OR EXISTS (SELECT 1 FROM suspended WHERE user_id = $2 AND question_id = $3)",
                row["shown_id"],
                user_id,
                row["question_id"],
            )
            if closed:
                return None
            answer = text if row["answer"] is None else f"{row['answer']}\n{text}"
            if len(answer) > max_chars:
                answer = answer[: max_chars - 1] + "…"
            await conn.execute(
                "UPDATE shown_cards SET answer = $2 WHERE shown_id = $1", row["shown_id"], answer
            )
        shown = _shown(row)
        return ShownCard(shown.shown_id, shown.user_id, shown.question_id, shown.origin, answer)

    async def suspend(self, user_id: int, question_id: str, now: datetime) -> None:
        await self._pool.execute(
            f"{_BUMP_CTE} INSERT INTO suspended (user_id, question_id, suspended_at)"
            " SELECT user_id, $2, $3 FROM bump ON CONFLICT (user_id, question_id) DO NOTHING",
            user_id,
            question_id,
            seconds(now),
        )

    async def restore(self, user_id: int, question_ids: Collection[str] | None) -> int:
        if question_ids is not None and not question_ids:
            return 0
        if question_ids is None:
            rows = await self._pool.fetch(
                f"{_BUMP_CTE} DELETE FROM suspended WHERE user_id = (SELECT user_id FROM bump)"
                " RETURNING question_id",
                user_id,
            )
        else:
            rows = await self._pool.fetch(
                f"{_BUMP_CTE} DELETE FROM suspended WHERE user_id = (SELECT user_id FROM bump)"
                " AND question_id = ANY($2::text[]) RETURNING question_id",
                user_id,
                list(question_ids),
            )
        return len(rows)

    async def suspended(self, user_id: int) -> list[str]:
        rows = await self._pool.fetch(
            "SELECT question_id FROM suspended WHERE user_id = $1"
            " ORDER BY suspended_at DESC, question_id",
            user_id,
        )
        return [r[0] for r in rows]
