"""Data-access interfaces the domain services depend on; storage engines implement them.

Every method that changes something is one use case run as one transaction in the database,
so its guarantees hold without any in-process lock: for two tasks, two processes or two
replicas alike.
"""

from collections.abc import Callable, Collection
from dataclasses import dataclass
from datetime import date, datetime, tzinfo
from enum import Enum
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


class StoreBusy(Exception):
    """The store could not get its write lock in time (another process holds it): nothing
    was written, and the same call may simply be tried again."""


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

    async def get_user(self, user_id: int, default_zone: str) -> UserProfile | None: ...

    async def set_filter(
        self, user_id: int, topics: Collection[str], levels: Collection[str]
    ) -> None: ...

    async def set_new_limit(self, user_id: int, new_per_day: int) -> None: ...


class CardStore(Protocol):
    async def record_next(
        self, user_id: int, origin: str, now: datetime, choose: ChooseQuestion
    ) -> ShownCard | None:
        """Choose the user's next question and record it as shown, atomically per user."""

    async def record_shown(
        self, user_id: int, question_id: str, origin: str, now: datetime
    ) -> ShownCard: ...

    async def get_shown(self, shown_id: int) -> ShownCard | None: ...

    async def rating_of_shown(self, shown_id: int) -> SavedRating | None: ...

    async def card_state(self, user_id: int, question_id: str) -> CardState | None:
        """The card as it stands (None: never rated), e.g. to preview each rating's interval."""

    async def rate(
        self, shown: ShownCard, rating: int, now: datetime, schedule: ScheduleReview
    ) -> tuple[SavedRating, bool]:
        """Apply a rating to the card's current state, once per shown card.

        Stores with the rating its kind, the answer typed on the shown card, and the card as
        it was before (so ``undo_rating`` can restore it exactly). Returns the rating stored
        for this shown card and whether this call stored it.
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

    async def take_next(self, user_id: int, shown_id: int) -> bool:
        """Claim «next» under this card; False if it was claimed already or is not theirs."""

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


class SubscriptionStore(Protocol):
    async def subscribe(self, user_id: int, daily_time: str, next_push_at: datetime) -> None: ...

    async def unsubscribe(self, user_id: int) -> None: ...

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

    async def add_imported(
        self, entries: list[dict[str, Any]], admin_id: int, now: datetime
    ) -> list[str]:
        """Store the entries whose ids are new; return the ids stored."""


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


class UpdateClaim(Enum):
    NEW = "new"  # handle it
    DONE = "done"  # handled before: acknowledge, do nothing
    BUSY = "busy"  # another replica is handling it right now


class UpdateLog(Protocol):
    """Which webhook updates were handled, so a redelivered one takes effect once."""

    async def claim(self, update_id: int, now: datetime, stale_before: datetime) -> UpdateClaim:
        """Start handling ``update_id`` unless it was handled, or is being handled by a
        replica that claimed it after ``stale_before`` (an older claim is taken over)."""

    async def finish(self, update_id: int) -> None: ...

    async def release(self, update_id: int) -> None:
        """Handling failed: let a redelivery try again."""

    async def prune(self, before: datetime) -> int: ...
