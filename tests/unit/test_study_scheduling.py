"""The interval shown on a rating button is the one applied; early reviews; the chart's
calendar follows the user's history; old ratings get their kind when migrated."""

import json
import random
import sqlite3
from datetime import UTC, date, datetime, timedelta
from pathlib import Path

import aiosqlite

from bot.quiz.grades import Grade
from bot.quiz.models import CardState
from bot.quiz.scheduling import SpacedRepetition
from bot.quiz.stats import chart_weeks
from bot.storage.db import migrate

NOW = datetime(2026, 3, 1, 5, 0, tzinfo=UTC)


def test_the_previewed_interval_is_the_one_applied_with_fuzzing_on() -> None:
    srs = SpacedRepetition(fuzzing=True)
    rng = random.Random(5)
    card: CardState | None = None
    now = NOW
    for _ in range(40):
        preview = srs.preview(card, now, "q")
        grade = rng.choice([Grade.HARD, Grade.GOOD, Grade.EASY])
        later = now + timedelta(seconds=40)  # the user reads the answer, then rates
        review = srs.review(card, grade, later, "q")
        assert (review.due - later).days == preview[grade].days
        card = CardState(review.state, review.due)
        now = review.due + timedelta(hours=rng.choice([0, 5, 30]))


def test_early_review_is_scheduled_from_the_time_actually_elapsed() -> None:
    srs = SpacedRepetition(fuzzing=False)
    first = srs.review(None, Grade.GOOD, NOW)
    card = CardState(first.state, first.due)
    early = srs.review(card, Grade.GOOD, NOW + timedelta(hours=6))
    on_time = srs.review(card, Grade.GOOD, first.due)
    assert (first.kind, early.kind, on_time.kind) == ("new", "early", "review")
    assert early.due - (NOW + timedelta(hours=6)) < on_time.due - first.due


def test_chart_calendar_covers_the_users_history_only() -> None:
    today = date(2026, 3, 4)  # a Wednesday
    assert chart_weeks(today, {}, 26) == 4
    assert chart_weeks(today, {today: 3}, 26) == 4
    assert chart_weeks(today, {today - timedelta(weeks=9): 1}, 26) == 10
    assert chart_weeks(today, {today - timedelta(weeks=60): 1}, 26) == 26


async def test_migration_marks_old_ratings_new_review_or_early(tmp_path: Path) -> None:
    path = tmp_path / "bot.db"
    conn = await aiosqlite.connect(path, isolation_level=None)
    await migrate(conn, upto=6)
    await conn.executescript(
        "INSERT INTO users (user_id, chat_id, created_at) VALUES (1, 1, '2026-01-01 00:00:00');"
        "INSERT INTO shown_cards (shown_id, user_id, question_id, origin, shown_at) VALUES"
        " (1, 1, 'a', 'quiz', '2026-01-01 00:00:00'), (2, 1, 'a', 'quiz', '2026-01-02 00:00:00'),"
        " (3, 1, 'a', 'quiz', '2026-01-09 00:00:00');"
        "INSERT INTO ratings (shown_id, user_id, question_id, rating, rated_at, due, fsrs_state)"
        " VALUES (1, 1, 'a', 3, '2026-01-01 00:00:00', '2026-01-03 00:00:00', '{}'),"
        " (2, 1, 'a', 3, '2026-01-02 00:00:00', '2026-01-08 00:00:00', '{}'),"
        " (3, 1, 'a', 3, '2026-01-09 00:00:00', '2026-01-20 00:00:00', '{}');"
    )
    await migrate(conn)
    await conn.close()
    with sqlite3.connect(path) as db:
        kinds = db.execute("SELECT kind FROM ratings ORDER BY rating_id").fetchall()
    assert kinds == [("new",), ("early",), ("review",)]


def test_fuzzing_spreads_cards_rated_alike_within_fsrs_range() -> None:
    # Cards learned together and rated alike must not all come back on one day.
    exact, fuzzed = SpacedRepetition(fuzzing=False), SpacedRepetition(fuzzing=True)

    def second_interval(srs: SpacedRepetition, key: str) -> int:
        first = srs.review(None, Grade.GOOD, NOW, key)
        card = CardState(first.state, first.due)
        return (srs.review(card, Grade.GOOD, first.due, key).due - first.due).days

    base = second_interval(exact, "q")
    days = [second_interval(fuzzed, f"q{i}") for i in range(60)]

    # fsrs's range for an interval of 7-20 days: ± 1 + 0.15 * 4.5 + 0.1 * (days - 7),
    # and its draw may round one day past the top.
    delta = 1 + 0.15 * 4.5 + 0.1 * (base - 7)
    assert 7 < base < 20 and len(set(days)) >= 3
    assert all(round(base - delta) <= d <= round(base + delta) + 1 for d in days)


def test_a_new_card_rated_twice_at_one_moment_comes_out_the_same() -> None:
    # The card is fully determined by the rating and its moment: nothing is read from a clock
    # (fsrs's own new card takes its id from one, and sleeps a millisecond to move it on).
    srs = SpacedRepetition(fuzzing=True)

    first = srs.review(None, Grade.GOOD, NOW, "q")
    second = srs.review(None, Grade.GOOD, NOW, "q")
    previews = [srs.preview(None, NOW, "q") for _ in range(2)]

    assert first == second
    assert previews[0] == previews[1]
    assert json.loads(first.state)["card_id"] == int(NOW.timestamp() * 1000)
