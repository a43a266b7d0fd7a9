"""The quiz loop's use cases: next card, open a card, rate it, take a rating back, answer
before revealing, skip and suspend."""

import random
from collections.abc import Callable
from dataclasses import dataclass, field, replace
from datetime import datetime, timedelta
from enum import Enum

from bot.quiz.bank import BankView
from bot.quiz.due import day_bounds
from bot.quiz.grades import Grade
from bot.quiz.models import Question, SavedRating, ShownCard, StudySnapshot
from bot.quiz.ports import (
    CardStore,
    PrefetchedCard,
    PrefetchedNext,
    ScheduleReview,
    UndoOutcome,
)
from bot.quiz.scheduling import SpacedRepetition
from bot.quiz.session import MAX_NEW_PER_DAY, DayDone, Plan, SessionProgress, plan

Clock = Callable[[], datetime]
# How long a card stays open for a typed answer, and how much of it is kept.
ANSWER_WINDOW = timedelta(hours=24)
MAX_ANSWER_CHARS = 1000


class CardStatus(Enum):
    OK = "ok"
    UNKNOWN = "unknown"  # no such card was ever sent (forged or from another database)
    NOT_YOURS = "not_yours"  # the card was sent to someone else
    REMOVED = "removed"  # its question is no longer in the bank


@dataclass(frozen=True, slots=True)
class CardView:
    """A card as the user may act on it: its question and its rating if it has one."""

    status: CardStatus
    shown_id: int
    question: Question | None = None
    rating: SavedRating | None = None
    newly_rated: bool = False
    origin: str = "quiz"
    progress: SessionProgress | None = None  # its place in today's session (queue cards)
    answer: str | None = None  # what the user typed while it was open
    intervals: dict[Grade, timedelta] = field(default_factory=dict)  # each grade's interval

    @property
    def daily(self) -> bool:
        return self.origin == "daily"


@dataclass(frozen=True, slots=True)
class NextStep:
    """What /quiz gives: a card, or the day is done, or the filter leaves no question."""

    card: CardView | None = None
    done: DayDone | None = None


class QuizService:
    def __init__(
        self,
        *,
        bank: BankView,
        store: CardStore,
        srs: SpacedRepetition,
        clock: Clock,
        rng: random.Random,
        default_zone: str = "Europe/Moscow",
    ) -> None:
        self._bank = bank
        self._store = store
        self._srs = srs
        self._clock = clock
        self._rng = rng
        self._default_zone = default_zone

    @property
    def bank(self) -> BankView:
        return self._bank

    def candidates(self, topics: tuple[str, ...], levels: tuple[str, ...]) -> tuple[str, ...]:
        return self._bank.allowed_ids(topics, levels)

    async def next_step(
        self,
        user_id: int,
        origin: str = "quiz",
        *,
        early: bool = False,
        after: int | None = None,
        prefetched: PrefetchedNext | None = None,
    ) -> NextStep:
        """Choose and record the next card of today's session, or say why there is none.

        The filter is read, the question chosen and the card recorded atomically per user
        (``CardStore.record_next``), so a daily push and a /quiz arriving together never pick
        the same question for one user. ``after``: the card whose «next» (or «skip») button
        asked for it, claimed with it, once per card: NextTaken, with nothing recorded, on a
        second press. ``prefetched``: the store's read of «next» under ``after``, made ahead.
        """
        now = self._clock()
        plans: list[Plan] = []

        def choose(snapshot: StudySnapshot) -> str | None:
            plans.clear()  # a store may read and choose again: the last choice counts
            candidates = self.candidates(snapshot.topics, snapshot.levels)
            if not candidates:
                return None
            chosen = plan(snapshot, candidates, now, self._default_zone, self._rng, early=early)
            plans.append(chosen)
            return chosen.question_id

        shown = await self._store.record_next(user_id, origin, now, choose, after, prefetched)
        if shown is None:
            return NextStep(done=plans[-1].done if plans else None)
        card = CardView(
            CardStatus.OK,
            shown.shown_id,
            self._bank.get(shown.question_id),
            origin=origin,
            progress=plans[-1].progress,
        )
        return NextStep(card=card)

    async def next_card(self, user_id: int, origin: str = "quiz") -> CardView | None:
        """The next card of today's session; None when nothing is due or left for today."""
        return (await self.next_step(user_id, origin)).card

    async def card_for(self, user_id: int, question_id: str, origin: str) -> CardView:
        """A card of a chosen question (e.g. drilling a hard one), recorded like any other."""
        question = self._bank.get(question_id)
        if question is None:
            return CardView(CardStatus.REMOVED, 0)
        shown = await self._store.record_shown(user_id, question_id, origin, self._clock())
        return CardView(CardStatus.OK, shown.shown_id, question, origin=origin)

    async def _shown(self, user_id: int, shown_id: int) -> tuple[CardView, ShownCard | None]:
        return self._check(user_id, shown_id, await self._store.get_shown(shown_id))

    def _check(
        self, user_id: int, shown_id: int, shown: ShownCard | None
    ) -> tuple[CardView, ShownCard | None]:
        if shown is None:
            return CardView(CardStatus.UNKNOWN, shown_id), None
        if shown.user_id != user_id:
            return CardView(CardStatus.NOT_YOURS, shown_id), None
        question = self._bank.get(shown.question_id)
        if question is None:
            return CardView(CardStatus.REMOVED, shown_id), None
        view = CardView(CardStatus.OK, shown_id, question, origin=shown.origin, answer=shown.answer)
        return view, shown

    async def open_card(
        self, user_id: int, shown_id: int, prefetched: PrefetchedCard | None = None
    ) -> CardView:
        """The card behind a button press, checked to be the presser's and still in the bank,
        with its rating, or (not rated yet) the interval each grade would give it now.
        ``prefetched``: the card, read already (with the presser's profile)."""
        if prefetched is not None and prefetched.shown_id == shown_id:
            opened = prefetched.opened
        else:
            opened = await self._store.open_shown(shown_id)  # one read for the whole press
        view, shown = self._check(user_id, shown_id, opened.shown if opened else None)
        if shown is None or opened is None:
            return view
        if opened.rating is not None:
            return replace(view, rating=opened.rating)
        intervals = self._srs.preview(opened.state, self._clock(), shown.question_id)
        return replace(view, intervals=intervals)

    async def rate(
        self,
        user_id: int,
        shown_id: int,
        grade: Grade,
        zone: str | None = None,
        prefetched: PrefetchedCard | None = None,
    ) -> CardView:
        """Record ``grade`` for this card once; a repeat returns the rating already saved.

        ``zone``: the user's timezone (a card scheduled by days is due all its local day).
        ``prefetched``: the card, read already (the store may take it as its first read).

        The card's FSRS state is read and written atomically (see ``CardStore.rate``), so two
        ratings of one question arriving at once are applied one after the other, never over
        each other.
        """
        now = self._clock()
        day_end = day_bounds(now, zone or self._default_zone)[1]
        checked: list[CardView] = []

        def decide(shown: ShownCard | None) -> ScheduleReview | None:
            # Runs on the store's read of the card (again if the card changed before the
            # write): the card is checked as it is rated; the last run is the one applied.
            view, ok = self._check(user_id, shown_id, shown)
            checked.append(view)
            if ok is None:
                return None
            return lambda state: self._srs.review(state, grade, now, ok.question_id, day_end)

        outcome = await self._store.rate(user_id, shown_id, int(grade), now, decide, prefetched)
        view = checked[-1]
        if outcome is None:
            return view
        rating, recorded = outcome
        return replace(view, rating=rating, newly_rated=recorded)

    async def undo(self, user_id: int, shown_id: int) -> tuple[UndoOutcome, CardView]:
        """Take the card's rating back (while no later card is rated): its FSRS state is what
        it was, and the card can be rated again."""
        view, shown = await self._shown(user_id, shown_id)
        if shown is None:
            return UndoOutcome.NOT_RATED, view
        outcome = await self._store.undo_rating(user_id, shown_id)
        return outcome, await self.open_card(user_id, shown_id)

    async def save_answer(self, user_id: int, text: str) -> Question | None:
        """Keep typed text as the answer to the user's open card: the last one sent, not yet
        rated, passed over or suspended. Returns that card's question (the confirmation names
        it, so text meant as something else is not silently taken), or None when none is open."""
        since = self._clock() - ANSWER_WINDOW
        shown = await self._store.save_answer(user_id, text.strip(), since, MAX_ANSWER_CHARS)
        return None if shown is None else self._bank.get(shown.question_id)

    async def suspend(self, user_id: int, shown_id: int) -> CardView:
        """«Больше не показывать» on a card: its question leaves /quiz until restored."""
        view, shown = await self._shown(user_id, shown_id)
        if shown is not None:
            await self._store.suspend(user_id, shown.question_id, self._clock())
        return view

    async def suspended(self, user_id: int) -> list[Question]:
        ids = await self._store.suspended(user_id)
        return [q for q in (self._bank.get(i) for i in ids) if q is not None]

    async def restore(self, user_id: int, question_id: str | None) -> int:
        """Bring one suspended question back (None: all of them); how many came back."""
        return await self._store.restore(user_id, None if question_id is None else [question_id])

    async def release_next(self, user_id: int, shown_id: int) -> None:
        """The next card could not be sent: the «next» button works again."""
        await self._store.release_next(user_id, shown_id)


def valid_new_limit(value: int) -> bool:
    return 0 <= value <= MAX_NEW_PER_DAY
