"""What to ask next: due reviews first, then new questions, then the least recently seen."""

import random
from collections.abc import Collection, Sequence

from bot.quiz.models import Question


def allowed(question: Question, topics: Collection[str], levels: Collection[str]) -> bool:
    """Does the question pass the user's topic and level filter (empty = everything)?"""
    if topics and not set(question.topics) & set(topics):
        return False
    return not levels or bool(set(question.levels) & set(levels))


def choose_next(
    *,
    candidates: Sequence[str],
    due: Sequence[str],
    seen_oldest_first: Sequence[str],
    last: str | None,
    rng: random.Random,
) -> str | None:
    """Pick the next question id.

    ``candidates``: every question the user's filter allows. ``due``: their cards due now,
    most overdue first. ``seen_oldest_first``: all their cards, least recently reviewed first.
    The question just shown never comes twice in a row unless it is the only one.
    """
    allowed_ids = set(candidates)
    for question_id in due:
        if question_id in allowed_ids and question_id != last:
            return question_id
    seen = set(seen_oldest_first)
    new = [q for q in candidates if q not in seen and q != last]
    if new:
        return rng.choice(new)
    for question_id in seen_oldest_first:
        if question_id in allowed_ids and question_id != last:
            return question_id
    return last if last in allowed_ids else None
