"""Spaced repetition with FSRS: one card per (user, question), reviewed on each rating."""

import hashlib
from datetime import datetime, timedelta

from fsrs import Card, Rating, Scheduler, State

from bot.quiz.due import is_due
from bot.quiz.grades import Grade
from bot.quiz.models import CardState, RatingKind, Review

# One short learning step: «Не знал» comes back in 10 minutes (15 for «С трудом»), while «Знал»
# on a first sight graduates at once (2 days, 8 for «Легко») instead of FSRS's default second
# step of 10 minutes, which would re-ask a question the user just said they know.
LEARNING_STEPS = (timedelta(minutes=10),)
# fsrs's fuzz ranges (fsrs.scheduler.FUZZ_RANGES): (start, end, factor) in days.
_FUZZ_RANGES = ((2.5, 7.0, 0.15), (7.0, 20.0, 0.1), (20.0, float("inf"), 0.05))


def kind_of(card: CardState | None, now: datetime, day_end: datetime | None = None) -> str:
    """A rating's kind: first sight, a due review, or a review ahead of time (``day_end``:
    the end of the user's local day, when a card scheduled by days is due all day)."""
    if card is None:
        return RatingKind.NEW
    due = is_due(card.due, card.last_review, now, day_end or now)
    return RatingKind.REVIEW if due else RatingKind.EARLY


class SpacedRepetition:
    """Thin wrapper so the rest of the code never touches fsrs types."""

    def __init__(self, *, fuzzing: bool = True) -> None:
        """``fuzzing`` spreads intervals a little (as Anki does) so cards rated together do
        not all come back on the same day; tests turn it off for exact dates.

        fsrs draws its fuzz from the global random generator, so a preview could differ from
        the rating it previews. Here the fuzz is fsrs's range, at a point fixed by the question,
        the card's state and the grade (``_unit``): the interval shown on a button is the one
        applied.
        """
        self._fuzzing = fuzzing
        self._scheduler = Scheduler(learning_steps=LEARNING_STEPS, enable_fuzzing=False)

    def review(
        self,
        card: CardState | None,
        grade: Grade,
        now: datetime,
        key: str = "",
        day_end: datetime | None = None,
    ) -> Review:
        """Apply ``grade`` at ``now`` to a card (a new one when ``card`` is None).

        A card not yet due is reviewed as FSRS reviews it at that moment (its elapsed days
        are what they are), and the Review says it was early. ``key`` (the question id) varies
        the fuzz between cards rated alike.
        """
        parsed = Card.from_json(card.state) if card else None
        fsrs_card = self._reviewed(card, parsed, grade, now, key)
        return Review(
            state=fsrs_card.to_json(), due=fsrs_card.due, kind=kind_of(card, now, day_end)
        )

    def preview(
        self, card: CardState | None, now: datetime, key: str = ""
    ) -> dict[Grade, timedelta]:
        """The interval each grade would give the card if rated at ``now`` — exactly what
        ``review`` applies (the card's JSON is parsed once for the four grades)."""
        parsed = Card.from_json(card.state) if card else None
        return {g: self._reviewed(card, parsed, g, now, key).due - now for g in Grade}

    def _reviewed(
        self, card: CardState | None, parsed: Card | None, grade: Grade, now: datetime, key: str
    ) -> Card:
        # fsrs reviews a copy: ``parsed`` is left as it was for the next grade.
        before = parsed if parsed is not None else _new_card(now)
        fsrs_card, _ = self._scheduler.review_card(before, Rating(int(grade)), review_datetime=now)
        if self._fuzzing and fsrs_card.state == State.Review:
            seed = f"{key}|{card.state if card else ''}|{int(grade)}"
            fsrs_card.due = now + self._fuzzed(fsrs_card.due - now, _unit(seed))
        return fsrs_card

    def _fuzzed(self, interval: timedelta, unit: float) -> timedelta:
        """``interval`` moved within fsrs's fuzz range, to the point ``unit`` (in [0, 1))."""
        days = interval.days
        if days < 2.5:
            return interval
        delta = 1.0 + sum(
            f * max(min(float(days), end) - start, 0.0) for start, end, f in _FUZZ_RANGES
        )
        maximum = self._scheduler.maximum_interval
        low, high = max(2, round(days - delta)), min(round(days + delta), maximum)
        low = min(low, high)
        return timedelta(days=min(round(unit * (high - low + 1) + low), maximum))


def _new_card(now: datetime) -> Card:
    """A card never rated, created at ``now``. Without an id, fsrs's ``Card()`` takes the
    clock's milliseconds and then sleeps 1 ms so the next one differs: on the event loop (four
    previews per reveal of a new question) that stopped every user's updates. The bot never
    looks the id up; it is the same clock reading, taken from ``now``."""
    return Card(card_id=int(now.timestamp() * 1000), due=now)


def _unit(seed: str) -> float:
    """A number in [0, 1) fixed by ``seed``: a hash of it, ~10× cheaper than seeding a
    ``random.Random`` with a string (done four times a reveal, for the buttons' intervals)."""
    digest = hashlib.blake2b(seed.encode(), digest_size=8).digest()
    return int.from_bytes(digest, "big") / 2**64
