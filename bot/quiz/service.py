"""The quiz loop's use cases: next card, open a card, rate it."""

import random
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime
from enum import Enum

from bot.quiz.bank import Bank
from bot.quiz.grades import Grade
from bot.quiz.models import Question
from bot.quiz.scheduling import SpacedRepetition
from bot.quiz.selection import allowed, choose_next
from bot.storage.repo import RatingRow, Repository, ShownRow

Clock = Callable[[], datetime]


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
    rating: RatingRow | None = None
    newly_rated: bool = False


class QuizService:
    def __init__(
        self,
        *,
        bank: Bank,
        repo: Repository,
        srs: SpacedRepetition,
        clock: Clock,
        rng: random.Random,
    ) -> None:
        self._bank = bank
        self._repo = repo
        self._srs = srs
        self._clock = clock
        self._rng = rng

    @property
    def bank(self) -> Bank:
        return self._bank

    def candidates(self, topics: tuple[str, ...], levels: tuple[str, ...]) -> list[str]:
        return [q.id for q in self._bank.questions if allowed(q, topics, levels)]

    async def next_card(self, user_id: int, origin: str = "quiz") -> CardView | None:
        """Choose and record the next card; None when the user's filter leaves no question."""
        user = await self._repo.get_user(user_id)
        if user is None:
            raise LookupError(f"user {user_id} is not registered")
        candidates = self.candidates(user.topics, user.levels)
        if not candidates:
            return None
        now = self._clock()
        question_id = choose_next(
            candidates=candidates,
            due=await self._repo.due_question_ids(user_id, now),
            seen_oldest_first=await self._repo.seen_question_ids(user_id),
            last=user.last_question_id,
            rng=self._rng,
        )
        if question_id is None:
            return None
        shown_id = await self._repo.record_shown(user_id, question_id, origin, now)
        return CardView(CardStatus.OK, shown_id, self._bank.get(question_id))

    async def card_for(self, user_id: int, question_id: str, origin: str) -> CardView:
        """A card of a chosen question (e.g. drilling a hard one), recorded like any other."""
        question = self._bank.get(question_id)
        if question is None:
            return CardView(CardStatus.REMOVED, 0)
        shown_id = await self._repo.record_shown(user_id, question_id, origin, self._clock())
        return CardView(CardStatus.OK, shown_id, question)

    async def _shown(self, user_id: int, shown_id: int) -> tuple[CardView, ShownRow | None]:
        shown = await self._repo.get_shown(shown_id)
        if shown is None:
            return CardView(CardStatus.UNKNOWN, shown_id), None
        if shown.user_id != user_id:
            return CardView(CardStatus.NOT_YOURS, shown_id), None
        question = self._bank.get(shown.question_id)
        if question is None:
            return CardView(CardStatus.REMOVED, shown_id), None
        rating = await self._repo.rating_of_shown(shown_id)
        return CardView(CardStatus.OK, shown_id, question, rating), shown

    async def open_card(self, user_id: int, shown_id: int) -> CardView:
        """The card behind a button press, checked to be the presser's and still in the bank."""
        view, _ = await self._shown(user_id, shown_id)
        return view

    async def rate(self, user_id: int, shown_id: int, grade: Grade) -> CardView:
        """Record ``grade`` for this card once; a repeat returns the rating already saved."""
        view, shown = await self._shown(user_id, shown_id)
        if shown is None or view.rating is not None:
            return view
        now = self._clock()
        state = await self._repo.card_state(user_id, shown.question_id)
        review = self._srs.review(state, grade, now)
        recorded = await self._repo.record_rating(
            shown=shown, rating=int(grade), now=now, due=review.due, fsrs_state=review.state
        )
        rating: RatingRow | None
        if recorded:
            rating = RatingRow(int(grade), now.replace(microsecond=0), review.due)
        else:  # a concurrent tap won: report what it saved
            rating = await self._repo.rating_of_shown(shown_id)
        return CardView(CardStatus.OK, shown_id, view.question, rating, newly_rated=recorded)

    async def take_next(self, user_id: int, shown_id: int) -> bool:
        """«Next» under a rated card works once per card."""
        return await self._repo.take_next(user_id, shown_id)
