"""Data-access interfaces the domain services depend on; storage engines implement them.

Every method that changes something is one use case applied atomically in the database (one
transaction, or a read and one compare-and-swap statement), so its guarantees hold without
any in-process lock: for two tasks, two processes or two replicas alike.
"""

from collections.abc import Callable, Collection, Sequence
from dataclasses import dataclass
from datetime import date, datetime, tzinfo
from enum import Enum, StrEnum
from typing import Any, Protocol

from bot.quiz.models import (
    CardState,
    Report,
    Review,
    SavedRating,
    ShownCard,
    StudySnapshot,
    UserProfile,
)

# Picks a question id from what the user has studied, or None when there is nothing to ask.
ChooseQuestion = Callable[[StudySnapshot], str | None]
# Applies a rating to a card (None for a card never rated); the Review says its kind too.
ScheduleReview = Callable[[CardState | None], Review]
# Given the shown card as the rating's transaction reads it (None: no such card), how to
# schedule it, or None to refuse the rating (not the presser's card, its question removed).
DecideRating = Callable[[ShownCard | None], ScheduleReview | None]


@dataclass(frozen=True, slots=True)
class OpenedCard:
    """A shown card with what a button press on it needs, read at once: its rating if it
    has one, else its question's card state (None: never rated)."""

    shown: ShownCard
    rating: SavedRating | None = None
    state: CardState | None = None
    # The card's last grade, with ``state`` (None: never rated): a rating's compare-and-swap
    # checks all of what it read.
    last_rating: int | None = None


@dataclass(frozen=True, slots=True)
class PrefetchedCard:
    """Shown card ``shown_id`` (None: no such card), read in the round trip that loaded the
    presser's profile, for the handler of a press on it: the first read a reveal or a rating
    would make. Read after the user's previous update was done, like the profile, so it is
    as fresh as the handler's own read; a rating still writes only if the card is unchanged.
    """

    shown_id: int
    opened: OpenedCard | None


class NextTaken(Exception):
    """«Next» under this card was asked for already, or the card is not the presser's:
    nothing was recorded."""


class StoreBusy(Exception):
    """The store could not get its write lock in time (another process holds it): nothing
    was written, and the same call may simply be tried again."""


class UpdateClaim(Enum):
    NEW = "new"  # handle it
    DONE = "done"  # handled before: acknowledge, do nothing
    BUSY = "busy"  # another replica is handling it right now


@dataclass(frozen=True, slots=True)
class ClaimRequest:
    """Start handling webhook update ``update_id`` at ``now`` unless it was handled, or is
    being handled by a replica that claimed it after ``stale_before``."""

    update_id: int
    now: datetime
    stale_before: datetime


@dataclass(slots=True)
class PendingClaim:
    """A webhook update on its way through the dispatcher, still to be claimed in the update
    log. The first read of its handling claims it (for a private chat's message or button,
    together with the sender's profile: no round trip of its own) and records ``outcome``
    here for the webhook handler; None: nothing claimed it (dropped before any work)."""

    request: ClaimRequest
    outcome: UpdateClaim | None = None


@dataclass(frozen=True, slots=True)
class PrefetchedNext:
    """«Next» under shown card ``after``, read in the round trip that loaded the presser's
    profile: whether it is ``free`` (the card is theirs and «next» under it not taken yet),
    the study snapshot it chooses from, and the store's ``version`` of what that snapshot
    was read from — the first read of ``CardStore.record_next``, whose write still applies
    only if that version is unchanged."""

    after: int
    free: bool
    snapshot: StudySnapshot
    version: int


@dataclass(frozen=True, slots=True)
class ClaimedSender:
    """What claiming a webhook update with its sender's profile found: the claim's outcome;
    unless it is NEW, nothing else was read. ``card`` and ``next``: what was asked for with
    it, where the store reads it ahead (None otherwise)."""

    outcome: UpdateClaim
    profile: UserProfile | None = None
    card: PrefetchedCard | None = None
    next: PrefetchedNext | None = None


@dataclass(frozen=True, slots=True)
class CardSummary:
    question_id: str
    last_rating: int
    due: datetime
    suspended: bool = False
    last_review: datetime | None = None


@dataclass(frozen=True, slots=True)
class RatingCounts:
    today: int
    week: int
    total: int


@dataclass(frozen=True, slots=True)
class Overview:
    users: int
    subscribers: int
    ratings_24h: int
    pushes_24h: dict[str, int]


class UndoOutcome(Enum):
    UNDONE = "undone"
    NOT_RATED = "not_rated"  # nothing to take back (or not the user's card)
    TOO_LATE = "too_late"  # another card was rated after it
    NO_STATE = "no_state"  # rated before undo existed: the previous state was not kept


class UserStore(Protocol):
    async def load_user(
        self, user_id: int, chat_id: int, first_name: str, now: datetime, default_zone: str
    ) -> UserProfile:
        """The user's profile, registering them (or their new chat) first if needed."""

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
        """Claim a webhook update (as ``UpdateLog.claim``) and, when it is new to handle,
        load its sender's profile as ``load_user`` does (at ``claim.now``) and shown card
        ``card`` as ``CardStore.open_shown`` does: one read in the common case instead of
        three. With ``next_after``, a store whose «next» is a read and a compare-and-swap
        write may read «next» under that card ahead too (``ClaimedSender.next``)."""

    async def get_user(self, user_id: int, default_zone: str) -> UserProfile | None: ...

    async def set_filter(
        self, user_id: int, topics: Collection[str], levels: Collection[str]
    ) -> None: ...

    async def set_new_limit(self, user_id: int, new_per_day: int) -> None: ...


class CardStore(Protocol):
    async def record_next(
        self,
        user_id: int,
        origin: str,
        now: datetime,
        choose: ChooseQuestion,
        after: int | None = None,
        prefetched: PrefetchedNext | None = None,
    ) -> ShownCard | None:
        """Choose the user's next question and record it as shown, atomically per user: in
        one transaction, or (PostgreSQL) a read and a compare-and-swap write that applies
        only if nothing the read saw has changed, else all again (``choose`` may then run more
        than once; the last choice is the one recorded). ``prefetched``: that read, made
        ahead with the claim, for a store that takes it.

        With ``after``, also claim «next» under that shown card (a claimed card counts as
        passed over, also when ``choose`` finds nothing to ask); NextTaken, with nothing
        written, when it was claimed already or is not the user's.
        """

    async def record_shown(
        self, user_id: int, question_id: str, origin: str, now: datetime
    ) -> ShownCard: ...

    async def get_shown(self, shown_id: int) -> ShownCard | None: ...

    async def open_shown(self, shown_id: int) -> OpenedCard | None:
        """The card with its rating or its state in one read (None: no such card)."""

    async def rating_of_shown(self, shown_id: int) -> SavedRating | None: ...

    async def card_state(self, user_id: int, question_id: str) -> CardState | None:
        """The card as it stands (None: never rated), e.g. to preview each rating's interval."""

    async def rate(
        self,
        user_id: int,
        shown_id: int,
        rating: int,
        now: datetime,
        decide: DecideRating,
        prefetched: PrefetchedCard | None = None,
    ) -> tuple[SavedRating, bool] | None:
        """``user_id`` rates a shown card: read it, let ``decide`` check it, and apply the
        rating to the card's current state, once per shown card — atomically: in one
        transaction, or (PostgreSQL) a read and a compare-and-swap write that applies only if
        the card is still as read, else all again (``decide`` may then run more than once).
        A compare-and-swap store may take ``prefetched`` (this card, read already) as its
        first read; a transactional one reads under its lock all the same.

        Stores with the rating its kind, the answer typed on the shown card, and the card as
        it was before (so ``undo_rating`` can restore it exactly). Returns the rating stored
        for this shown card and whether this call stored it; None, with nothing written,
        when ``decide`` refused.
        """

    async def undo_rating(self, user_id: int, shown_id: int) -> UndoOutcome:
        """Take back the rating of this shown card, if it is the user's latest rating: the
        card returns to its state before it (or is forgotten if it was the first)."""

    async def save_answer(
        self, user_id: int, text: str, since: datetime, max_chars: int
    ) -> ShownCard | None:
        """Append ``text`` to the answer of the user's open card: their latest card, shown
        after ``since``, neither rated nor passed over. None when no card is open."""

    async def suspend(self, user_id: int, question_id: str, now: datetime) -> None:
        """«Больше не показывать»: the question is left out of /quiz until restored."""

    async def restore(self, user_id: int, question_ids: Collection[str] | None) -> int:
        """Bring suspended questions back (None: all of them); how many came back."""

    async def suspended(self, user_id: int) -> list[str]:
        """The user's suspended questions, most recently suspended first."""

    async def release_next(self, user_id: int, shown_id: int) -> None:
        """Give the claim back (the next card could not be sent)."""


class StatsStore(Protocol):
    async def cards(self, user_id: int) -> list[CardSummary]: ...

    async def rating_counts(
        self, user_id: int, today_start: datetime, week_start: datetime
    ) -> RatingCounts: ...

    async def practice_days(self, user_id: int, since: datetime, zone: tzinfo) -> dict[date, int]:
        """Ratings per local day in ``zone`` (each day with its own UTC offset)."""

    async def had_overdue_card(
        self, user_id: int, start: datetime, end: datetime, question_ids: Collection[str]
    ) -> bool:
        """Was one of ``question_ids`` due and left waiting between ``start`` and ``end``?"""

    async def hardest(self, user_id: int, limit: int) -> list[tuple[str, int]]: ...

    async def review_outcomes(self, user_id: int, since: datetime) -> tuple[int, int]:
        """Ratings of due reviews (kind 'review') since ``since``: (all, «Знал»/«Легко»)."""

    async def erase_progress(self, user_id: int) -> None: ...


class PushStatus(StrEnum):
    """A daily push's state in the push log (one row per user and local day)."""

    QUEUED = "queued"  # waiting for its turn (again, after a 429, a 5xx or a refused connection)
    SENDING = "sending"  # the request is on the wire: from here on it may have been delivered
    SENT = "sent"
    BLOCKED = "blocked"  # 403 / chat not found: the user was unsubscribed
    FAILED = "failed"  # refused for good (a 4xx that never succeeds, or a bad subscriber row)
    EXPIRED = "expired"  # the grace window ended before it could be sent
    SKIPPED = "skipped"  # nothing to ask the user that day
    UNKNOWN = "unknown"  # the connection broke mid-call: maybe delivered, never resent
    CANCELLED = "cancelled"  # the user turned the daily question off before it was sent


@dataclass(frozen=True, slots=True)
class Subscriber:
    user_id: int
    chat_id: int
    daily_time: str
    timezone: str | None
    next_push_at: datetime


@dataclass(frozen=True, slots=True)
class Claim:
    """A due subscriber's slot to log, and the next slot to move them to.

    ``expected_push_at`` is the slot the planner read: the claim is applied only if the user
    still has it (they may have re-subscribed or unsubscribed meanwhile).
    """

    user_id: int
    local_date: str
    slot_at: datetime
    next_push_at: datetime
    expected_push_at: datetime
    status: PushStatus = PushStatus.QUEUED
    reason: str | None = None


@dataclass(frozen=True, slots=True)
class QueuedPush:
    user_id: int
    chat_id: int
    local_date: str
    slot_at: datetime
    attempts: int = 0


@dataclass(frozen=True, slots=True)
class PushBacklog:
    """Pushes waiting to be sent: how many, and the slot of the oldest (how far behind)."""

    queued: int
    oldest_slot: datetime | None


@dataclass(frozen=True, slots=True)
class SenderBeat:
    """What the replica sending the daily question last said about itself."""

    at: datetime
    state: str  # "running", "paused" (Telegram asked to wait) or "failing"
    rate: float  # messages per second it is sending at now
    detail: str | None = None  # the last error, or until when it pauses


class PushQueue(Protocol):
    """The daily question's queue: who is due, the push log, and the sender's heartbeat.

    A push moves queued → sending → a final status; only a push whose request is on the wire
    is ever ``sending``, so a crash leaves nothing else in doubt.
    """

    async def due_subscribers(self, now: datetime, limit: int) -> list[Subscriber]: ...

    async def claim(self, claims: Sequence[Claim], now: datetime) -> int:
        """Log each claim's push and move its user to their next slot, in one transaction;
        a day already logged is not logged again. How many rows were logged."""

    async def queued(self, now: datetime, limit: int) -> list[QueuedPush]:
        """Queued pushes whose retry time (if any) has come, oldest slot first."""

    async def next_retry_at(self) -> datetime | None:
        """When the earliest queued push that waits for a retry may go."""

    async def start_sending(self, push: QueuedPush, now: datetime) -> bool:
        """queued → sending, only if it is still queued (not cancelled or taken meanwhile)."""

    async def requeue(
        self, push: QueuedPush, retry_at: datetime, now: datetime, reason: str
    ) -> None:
        """sending → queued: Telegram provably did not deliver it; try again at ``retry_at``."""

    async def finish(
        self,
        push: QueuedPush,
        status: PushStatus,
        now: datetime,
        *,
        shown_id: int | None = None,
        reason: str | None = None,
    ) -> None: ...

    async def mark_blocked(self, user_id: int, now: datetime) -> None: ...

    async def abandon_in_flight(self, now: datetime) -> int:
        """Pushes left ``sending`` by a crash may have been delivered: make them ``unknown``."""

    async def backlog(self, now: datetime) -> PushBacklog: ...

    async def beat(self, beat: SenderBeat) -> None: ...

    async def last_beat(self) -> SenderBeat | None: ...


class SubscriptionStore(Protocol):
    async def subscribe(self, user_id: int, daily_time: str, next_push_at: datetime) -> None: ...

    async def unsubscribe(self, user_id: int, now: datetime) -> None:
        """No more daily question; a push already queued for the user is cancelled."""

    async def set_timezone(
        self, user_id: int, timezone: str, next_push_at: datetime | None
    ) -> None: ...

    async def mark_blocked(self, user_id: int, now: datetime) -> None: ...


class AdminStore(Protocol):
    async def overview(self, since: datetime) -> Overview: ...


class ImportStore(Protocol):
    """Questions imported from Telegram, and imports waiting for an admin's decision."""

    async def bank_version(self) -> int:
        """Grows whenever a question is imported (every replica polls it)."""

    async def imported_entries(self) -> list[dict[str, Any]]: ...

    async def save_pending(
        self, admin_id: int, entries: list[dict[str, Any]], now: datetime
    ) -> int: ...

    async def take_pending(self, import_id: int, status: str) -> list[dict[str, Any]] | None:
        """Close a pending import as ``status``; its entries, or None if it was not pending."""

    async def add_pending(
        self,
        import_id: int,
        admin_id: int,
        now: datetime,
        keep: Callable[[list[dict[str, Any]]], list[dict[str, Any]]],
    ) -> list[str] | None:
        """In one transaction: close a pending import as added and store the entries ``keep``
        lets through whose ids are new; the ids stored, or None if it was not pending. (A
        crash leaves it pending, never «added» with nothing stored.)"""


class ReportOutcome(Enum):
    SAVED = "saved"
    NO_DRAFT = "no_draft"  # nothing was pressed, or it expired
    TOO_MANY = "too_many"


class ReportStore(Protocol):
    async def start_report(self, user_id: int, question_id: str, now: datetime) -> None: ...

    async def submit_report(
        self,
        user_id: int,
        text: str,
        now: datetime,
        *,
        started_after: datetime,
        since: datetime,
        limit: int,
    ) -> tuple[ReportOutcome, Report | None]:
        """Save the user's report on the question of their draft (one started after
        ``started_after``), unless they filed ``limit`` reports since ``since``."""

    async def open_reports(self, limit: int) -> list[Report]: ...

    async def resolve_report(self, report_id: int, admin_id: int, now: datetime) -> bool: ...


class UpdateLog(Protocol):
    """Which webhook updates were handled, so a redelivered one takes effect once."""

    async def claim(self, update_id: int, now: datetime, stale_before: datetime) -> UpdateClaim:
        """Start handling ``update_id`` unless it was handled, or is being handled by a
        replica that claimed it after ``stale_before`` (an older claim is taken over)."""

    async def finish(self, update_ids: Collection[int]) -> None:
        """Mark these claimed updates handled (in one statement)."""

    async def release(self, update_id: int) -> None:
        """Handling failed: let a redelivery try again."""

    async def prune(self, before: datetime) -> int:
        """Forget the updates claimed before ``before``: handled ones, and claims a replica
        left behind (it died after answering Telegram, before marking them done)."""
