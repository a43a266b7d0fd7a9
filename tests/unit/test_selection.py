"""What comes next: due first (most overdue first), then new, then least recently seen."""

import random

from bot.quiz.selection import allowed, choose_next
from tests.factories import question


def _next(**kwargs: object) -> str | None:
    defaults: dict[str, object] = {
        "candidates": ["a", "b", "c"],
        "due": [],
        "seen_oldest_first": [],
        "last": None,
        "rng": random.Random(1),
    }
    defaults.update(kwargs)
    return choose_next(**defaults)  # type: ignore[arg-type]


def test_most_overdue_due_card_comes_first() -> None:
    assert _next(due=["c", "a"], seen_oldest_first=["a", "c"]) == "c"


def test_due_card_just_shown_is_not_repeated() -> None:
    assert _next(due=["c", "a"], seen_oldest_first=["a", "c"], last="c") == "a"


def test_new_question_when_nothing_is_due() -> None:
    assert _next(seen_oldest_first=["a", "b"]) == "c"


def test_least_recently_seen_when_everything_is_seen_and_nothing_due() -> None:
    assert _next(seen_oldest_first=["b", "c", "a"]) == "b"
    assert _next(seen_oldest_first=["b", "c", "a"], last="b") == "c"


def test_due_card_outside_the_filter_is_skipped() -> None:
    assert _next(candidates=["a", "b"], due=["z", "b"], seen_oldest_first=["z", "b"]) == "b"


def test_the_only_question_may_repeat() -> None:
    assert _next(candidates=["a"], seen_oldest_first=["a"], last="a") == "a"


def test_no_candidates_gives_nothing() -> None:
    assert _next(candidates=[]) is None


def test_new_questions_are_drawn_at_random_not_in_bank_order() -> None:
    picks = {_next(candidates=list("abcdefgh"), rng=random.Random(seed)) for seed in range(20)}
    assert len(picks) > 3


def test_filter_by_topic_and_level() -> None:
    q = question("q", topics=("nlp", "deep_learning"), levels=("middle",))
    assert allowed(q, (), ())
    assert allowed(q, ("nlp",), ())
    assert not allowed(q, ("cv",), ())
    assert allowed(q, ("cv", "nlp"), ("junior", "middle"))
    assert not allowed(q, (), ("senior",))
