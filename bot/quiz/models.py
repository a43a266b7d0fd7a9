"""Domain value objects shared by the bank, the importer and the bot."""

from dataclasses import dataclass
from datetime import datetime
from typing import NamedTuple


@dataclass(frozen=True, slots=True)
class Question:
    """One reviewed question of the bank."""

    id: str
    question: str
    answer: str
    topics: tuple[str, ...]
    levels: tuple[str, ...]
    tags: tuple[str, ...]
    source: str


@dataclass(frozen=True, slots=True)
class UserProfile:
    """The user behind an update, as every handler receives it.

    ``timezone`` is the zone in effect: the user's own, or the bot's default.
    """

    user_id: int
    chat_id: int
    timezone: str
    topics: tuple[str, ...] = ()
    levels: tuple[str, ...] = ()
    daily_time: str | None = None
    next_push_at: datetime | None = None
    last_question_id: str | None = None
    report_question_id: str | None = None  # «Ошибка в ответе» pressed: the next text is it
    report_started_at: datetime | None = None
    new_per_day: int = 10  # new questions a day (due reviews are never limited)


@dataclass(frozen=True, slots=True)
class ShownCard:
    """A card that was sent: its id keys the reveal and rating buttons."""

    shown_id: int
    user_id: int
    question_id: str
    origin: str
    answer: str | None = None  # what the user typed while the card was open


class RatingKind:
    """How a card stood when it was rated (stored with the rating)."""

    NEW = "new"  # first sight
    REVIEW = "review"  # due
    EARLY = "early"  # before its due time («Повторить заранее», a drill)


@dataclass(frozen=True, slots=True)
class SavedRating:
    """A rating as stored: the grade, when it was given and when the card is due again."""

    rating: int
    rated_at: datetime
    due: datetime
    kind: str = RatingKind.REVIEW
    answer: str | None = None


@dataclass(frozen=True, slots=True)
class CardState:
    """A card's FSRS state (serialized) and when it is due."""

    state: str
    due: datetime
    last_review: datetime | None = None


@dataclass(frozen=True, slots=True)
class Review:
    """A card after a rating: its serialized FSRS state, when it is due again, and how the
    card stood when rated (a ``RatingKind``)."""

    state: str
    due: datetime
    kind: str = RatingKind.REVIEW


class CardDue(NamedTuple):
    """A card's schedule, as choosing the next card reads it (a snapshot holds one per card
    of the user, so it is a tuple: ~3× cheaper to build than a frozen dataclass)."""

    question_id: str
    due: datetime
    last_review: datetime | None = None


@dataclass(frozen=True, slots=True)
class StudySnapshot:
    """What choosing the next card needs, read atomically with its recording (the same
    transaction, or a compare-and-swap write on the version read with it).

    Instants come from the last two days at most (``new_rated_at``, ``skipped``): enough for
    the domain to tell what happened since the user's local midnight in any timezone.
    """

    topics: tuple[str, ...]  # the user's filter
    levels: tuple[str, ...]
    cards: tuple[CardDue, ...]  # every card of the user, soonest due first
    last_question_id: str | None
    timezone: str | None = None  # the user's own zone (None: the bot's default)
    new_per_day: int = 10
    new_rated_at: tuple[datetime, ...] = ()  # first ratings of questions (kind 'new')
    skipped: tuple[tuple[str, datetime], ...] = ()  # cards passed over unrated, shown at
    suspended: frozenset[str] = frozenset()


@dataclass(frozen=True, slots=True)
class Report:
    """What a user said is wrong with an answer."""

    report_id: int
    user_id: int
    question_id: str
    text: str
    created_at: datetime
