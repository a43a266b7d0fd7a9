"""Spaced repetition with FSRS: one card per (user, question), reviewed on each rating."""

from dataclasses import dataclass
from datetime import datetime, timedelta

from fsrs import Card, Rating, Scheduler

from bot.quiz.grades import Grade


@dataclass(frozen=True, slots=True)
class Review:
    """A card after a rating: its serialized FSRS state and when it is due again."""

    state: str
    due: datetime


# One short learning step: «Не знал» comes back in 10 minutes (15 for «С трудом»), while «Знал»
# on a first sight graduates at once (2 days, 8 for «Легко») instead of FSRS's default second
# step of 10 minutes, which would re-ask a question the user just said they know.
LEARNING_STEPS = (timedelta(minutes=10),)


class SpacedRepetition:
    """Thin wrapper so the rest of the code never touches fsrs types."""

    def __init__(self, *, fuzzing: bool = True) -> None:
        """``fuzzing`` spreads intervals a little (as Anki does) so cards rated together do
        not all come back on the same day; tests turn it off for exact dates."""
        self._scheduler = Scheduler(learning_steps=LEARNING_STEPS, enable_fuzzing=fuzzing)

    def review(self, state: str | None, grade: Grade, now: datetime) -> Review:
        """Apply ``grade`` at ``now`` to a card (a new one when ``state`` is None)."""
        card = Card.from_json(state) if state else Card(due=now)
        card, _ = self._scheduler.review_card(card, Rating(int(grade)), review_datetime=now)
        return Review(state=card.to_json(), due=card.due)
