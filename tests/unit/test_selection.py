"""Today's session: due first (most overdue first), then new up to the daily limit, then an
honest «done» — a card is never served before it is due unless early review was asked for."""

import random
from datetime import UTC, datetime, timedelta

from bot.quiz.models import CardDue, RatingKind, StudySnapshot
from bot.quiz.selection import allowed
from bot.quiz.session import Plan, plan
from tests.factories import question

NOW = datetime(2026, 3, 1, 9, 0, tzinfo=UTC)  # 12:00 in Moscow


def _card(qid: str, hours: float) -> CardDue:
    """A card due ``hours`` from now (negative: overdue)."""
    return CardDue(qid, NOW + timedelta(hours=hours))


def _plan(candidates: str = "abc", *, early: bool = False, seed: int = 1, **fields: object) -> Plan:
    values: dict[str, object] = {"topics": (), "levels": (), "cards": (), "last_question_id": None}
    values.update(fields)
    snapshot = StudySnapshot(**values)  # type: ignore[arg-type]
    return plan(snapshot, list(candidates), NOW, "Europe/Moscow", random.Random(seed), early=early)


def test_most_overdue_due_card_comes_first() -> None:
    chosen = _plan(cards=(_card("c", -5), _card("a", -1)))
    assert chosen.question_id == "c"
    assert chosen.progress is not None and chosen.progress.kind == RatingKind.REVIEW


def test_due_card_just_shown_is_not_repeated() -> None:
    assert _plan(cards=(_card("c", -5), _card("a", -1)), last_question_id="c").question_id == "a"


def test_new_question_when_nothing_is_due() -> None:
    chosen = _plan(cards=(_card("a", 30), _card("b", 50)))
    assert chosen.question_id == "c"
    assert chosen.progress is not None and chosen.progress.kind == RatingKind.NEW


def test_nothing_due_and_nothing_new_is_done_with_the_next_due_time() -> None:
    chosen = _plan(cards=(_card("b", 2), _card("a", 30), _card("c", 50)))
    assert chosen.question_id is None
    assert chosen.done is not None
    assert chosen.done.next_due == NOW + timedelta(hours=2)
    assert not chosen.done.limit_reached


def test_early_review_takes_the_card_due_soonest_only_when_asked() -> None:
    chosen = _plan(cards=(_card("b", 2), _card("a", 30), _card("c", 50)), early=True)
    assert chosen.question_id == "b"
    assert chosen.progress is not None and chosen.progress.kind == RatingKind.EARLY


def test_early_review_still_serves_due_cards_first() -> None:
    assert _plan(cards=(_card("b", 2), _card("a", -1)), early=True).question_id == "a"


def test_daily_limit_of_new_questions_counts_todays_first_ratings() -> None:
    today = (NOW - timedelta(hours=1),) * 2
    yesterday = (NOW - timedelta(hours=20),) * 5  # before Moscow midnight
    chosen = _plan("abcdef", new_per_day=2, new_rated_at=today + yesterday)
    assert chosen.question_id is None
    assert chosen.done is not None and chosen.done.limit_reached
    assert (chosen.done.new_today, chosen.done.new_limit) == (2, 2)
    assert _plan("abcdef", new_per_day=3, new_rated_at=today).question_id is not None


def test_progress_counts_what_is_left_today() -> None:
    chosen = _plan(
        "abcdefgh",
        cards=(_card("a", -3), _card("b", -2), _card("c", -1), _card("d", 40)),
        new_per_day=10,
        new_rated_at=(NOW - timedelta(hours=1),) * 8,
    )
    progress = chosen.progress
    assert chosen.question_id == "a" and progress is not None
    # two more reviews, then 2 of the 4 unseen questions (limit 10, 8 taken today)
    assert (progress.reviews_left, progress.new_left, progress.remaining) == (2, 2, 4)
    assert (progress.new_today, progress.new_limit) == (8, 10)


def test_suspended_questions_are_never_served() -> None:
    chosen = _plan("ab", cards=(_card("a", -1),), suspended=frozenset({"a", "b"}))
    assert chosen.question_id is None


def test_a_card_skipped_today_waits_behind_the_others() -> None:
    skipped = (("c", NOW - timedelta(minutes=5)),)
    chosen = _plan(cards=(_card("c", -5), _card("a", -1)), skipped=skipped)
    assert chosen.question_id == "a"


def test_the_only_question_may_repeat() -> None:
    assert _plan("a", cards=(_card("a", -1),), last_question_id="a").question_id == "a"


def test_no_candidates_gives_nothing() -> None:
    chosen = _plan("")
    assert chosen.question_id is None


def test_new_questions_are_drawn_at_random_not_in_bank_order() -> None:
    picks = {_plan("abcdefgh", seed=seed).question_id for seed in range(20)}
    assert len(picks) > 3


def test_filter_by_topic_and_level() -> None:
    q = question("q", topics=("nlp", "deep_learning"), levels=("middle",))
    assert allowed(q, (), ())
    assert allowed(q, ("nlp",), ())
    assert not allowed(q, ("cv",), ())
    assert allowed(q, ("cv", "nlp"), ("junior", "middle"))
    assert not allowed(q, (), ("senior",))
