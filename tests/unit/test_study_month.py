"""A scripted month of use with a frozen clock: a user who answers every due card every day
never sees a card before it is due (unless they ask to review ahead of time), and each day
brings exactly the reviews due plus the new questions allowed."""

import random
import sqlite3
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest

from bot.quiz.due import day_bounds
from bot.quiz.grades import Grade
from bot.quiz.scheduling import SpacedRepetition
from bot.quiz.service import QuizService
from bot.storage.repo import Repository
from bot.storage.timefmt import from_db, to_db
from tests.factories import FakeClock, bank, question

USER = 5
LIMIT = 10
# «С трудом» on a review still schedules days ahead; on a new question (like «Не знал») it
# is a learning step of minutes, so new questions get «Знал»/«Легко» here.
REVIEW_GRADES = (Grade.GOOD, Grade.EASY, Grade.GOOD, Grade.HARD, Grade.GOOD)
NEW_GRADES = (Grade.GOOD, Grade.EASY, Grade.GOOD)


def _due_count(db_path: Path, day_end: datetime) -> int:
    """Cards due today: every card here is scheduled by days, so due for its whole day."""
    with sqlite3.connect(db_path) as db:
        row = db.execute(
            "SELECT COUNT(*) FROM cards WHERE user_id = ? AND due < ?", (USER, to_db(day_end))
        ).fetchone()
    return int(row[0])


def _card_due(db_path: Path, question_id: str) -> datetime | None:
    with sqlite3.connect(db_path) as db:
        row = db.execute(
            "SELECT due FROM cards WHERE user_id = ? AND question_id = ?", (USER, question_id)
        ).fetchone()
    return None if row is None else from_db(row[0])


# The month is domain logic; it reads the SQLite file to count what was due each day.
@pytest.mark.parametrize("engine", ["sqlite"], indirect=True)
async def test_a_month_of_daily_study_is_honest(repo: Repository, tmp_path: Path) -> None:
    clock = FakeClock(datetime(2026, 3, 2, 5, 0, tzinfo=UTC))  # 08:00 in Moscow
    questions = [question(f"q{n:02d}") for n in range(60)]
    quiz = QuizService(
        bank=bank(*questions), store=repo, srs=SpacedRepetition(), clock=clock,
        rng=random.Random(11), default_zone="Europe/Moscow",
    )  # fmt: skip
    await repo.load_user(USER, USER, "Аня", clock(), "Europe/Moscow")
    db_path = tmp_path / "test.db"
    seen: set[str] = set()
    reviews_total = 0
    answered = 0

    for day in range(30):
        day_start = clock()
        day_end = day_bounds(clock(), "Europe/Moscow")[1]
        due_at_start = _due_count(db_path, day_end)
        new_expected = min(LIMIT, len(questions) - len(seen))
        shown_today = 0
        while True:
            step = await quiz.next_step(USER)
            if step.card is None:
                assert step.done is not None, f"day {day}: no card and no «done»"
                break
            assert step.card.question is not None and step.card.progress is not None
            qid = step.card.question.id
            due = _card_due(db_path, qid)
            assert due is None or due < day_end, f"day {day}: {qid} served before its due date"
            if shown_today == 0:
                assert step.card.progress.remaining + 1 == due_at_start + new_expected
            assert (due is None) == (step.card.progress.kind == "new")
            grades = NEW_GRADES if due is None else REVIEW_GRADES
            view = await quiz.rate(USER, step.card.shown_id, grades[answered % len(grades)])
            assert view.rating is not None and view.rating.kind == step.card.progress.kind
            answered += 1
            reviews_total += due is not None
            seen.add(qid)
            shown_today += 1
            clock.advance(minutes=1)
        assert shown_today == due_at_start + new_expected, f"day {day}"
        # the day is over: nothing is served again until something falls due
        assert (await quiz.next_step(USER)).card is None
        clock.now = day_start + timedelta(days=1)

    assert len(seen) == 60 and reviews_total > 60
    # Only an explicit early review serves a card that is not due yet.
    step = await quiz.next_step(USER)
    if step.card is None:
        early = await quiz.next_step(USER, early=True)
        assert early.card is not None and early.card.progress is not None
        assert early.card.progress.kind == "early"
        assert early.card.question is not None
        due = _card_due(db_path, early.card.question.id)
        assert due is not None and due >= day_bounds(clock(), "Europe/Moscow")[1]
