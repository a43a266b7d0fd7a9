"""Today's study session: due reviews first, then new questions up to the daily limit, and an
honest «done for today» (with early review only when the user asks for it)."""

import random
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime

from bot.quiz.due import available_at, by_day, day_bounds, is_due
from bot.quiz.models import CardDue, RatingKind, StudySnapshot

MAX_NEW_PER_DAY = 100


@dataclass(frozen=True, slots=True)
class SessionProgress:
    """Where a card stands in today's session (shown in its header)."""

    kind: str  # a RatingKind: new, a due review, or a review ahead of time
    reviews_left: int  # due reviews after this card
    new_left: int  # new questions still to come today after this card
    new_today: int  # new questions taken today, this one included
    new_limit: int

    @property
    def remaining(self) -> int:
        return self.reviews_left + self.new_left


@dataclass(frozen=True, slots=True)
class DayDone:
    """Nothing is due and no new question is left for today."""

    next_due: datetime | None  # the next review (None: nothing scheduled in the filter)
    limit_reached: bool  # new questions remain, but today's limit is used up
    new_today: int
    new_limit: int
    next_by_day: bool = False  # the next review is due for a whole day (from its start)


@dataclass(frozen=True, slots=True)
class Plan:
    question_id: str | None
    progress: SessionProgress | None = None
    done: DayDone | None = None


def _first(ids: Sequence[str], last: str | None, avoid: set[str]) -> str | None:
    """The first id that is neither the card just shown nor one passed over today; failing
    that, one passed over; the card just shown only when it is the only one."""
    for pool in ([i for i in ids if i != last and i not in avoid], [i for i in ids if i != last]):
        if pool:
            return pool[0]
    return ids[0] if ids else None


def plan(
    snapshot: StudySnapshot,
    candidates: Sequence[str],
    now: datetime,
    default_zone: str,
    rng: random.Random,
    *,
    early: bool = False,
) -> Plan:
    """Choose the next card of today's session, or say the day is done.

    ``candidates``: the questions the user's filter allows (in bank order). Due reviews come
    first, most overdue first; then new questions (chosen at random) while today's count of new
    questions is below the user's limit. With ``early`` and nothing else to do, the card due
    soonest is reviewed ahead of time; otherwise a card is never served before it is due.
    """
    allowed = set(candidates) - snapshot.suspended
    zone = snapshot.timezone or default_zone
    start, end = day_bounds(now, zone)
    skipped_today = {q for q, at in snapshot.skipped if at >= start}
    new_today = sum(1 for at in snapshot.new_rated_at if at >= start)
    limit = snapshot.new_per_day
    last = snapshot.last_question_id

    # Hot (every «next», over every card of the user and every question of the filter):
    # one pass over the cards, set operations for the rest.
    due: list[str] = []
    ahead: list[CardDue] = []
    for card in snapshot.cards:
        if card.question_id in allowed:
            if is_due(card.due, card.last_review, now, end):
                due.append(card.question_id)
            else:
                ahead.append(card)
    unseen = allowed.difference([c.question_id for c in snapshot.cards])
    new = [q for q in candidates if q in unseen]
    new_quota = max(0, limit - new_today)

    def progress(kind: str, chosen: str) -> SessionProgress:
        # Ids are unique in ``due`` and in ``new``: the others are all but the chosen one.
        taken = kind == RatingKind.NEW
        reviews_left = len(due) - (chosen in due)
        new_left = min(new_quota - taken, len(new) - (chosen in new))
        return SessionProgress(kind, reviews_left, max(0, new_left), new_today + taken, limit)

    chosen = _first(due, last, skipped_today)
    if chosen is not None:
        return Plan(chosen, progress(RatingKind.REVIEW, chosen))
    if new and new_quota:
        fresh = [q for q in new if q != last and q not in skipped_today]
        pool = fresh or [q for q in new if q != last] or new
        chosen = rng.choice(pool)
        return Plan(chosen, progress(RatingKind.NEW, chosen))
    if early and ahead:
        chosen = _first([c.question_id for c in ahead], last, set())
        assert chosen is not None
        return Plan(chosen, progress(RatingKind.EARLY, chosen))
    soonest = min(ahead, key=lambda c: available_at(c.due, c.last_review, zone), default=None)
    done = DayDone(
        next_due=None if soonest is None else available_at(soonest.due, soonest.last_review, zone),
        limit_reached=bool(new) and not new_quota,
        new_today=new_today,
        new_limit=limit,
        next_by_day=soonest is not None and by_day(soonest.due, soonest.last_review),
    )
    return Plan(None, done=done)


def reviews_waiting(progress: SessionProgress | None) -> int:
    """Due reviews waiting today besides the card at hand (the daily push announces them)."""
    return 0 if progress is None else progress.reviews_left
