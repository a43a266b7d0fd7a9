"""The quiz loop's domain over a real SQLite file, without Telegram."""

import random
import sqlite3
from datetime import timedelta
from pathlib import Path

import pytest

from bot.quiz.grades import Grade
from bot.quiz.scheduling import SpacedRepetition
from bot.quiz.service import CardStatus, QuizService
from bot.storage.repo import Repository
from tests.factories import FakeClock, bank, question

USER = 42


@pytest.fixture
def clock() -> FakeClock:
    return FakeClock()


@pytest.fixture
async def quiz(repo: Repository, clock: FakeClock) -> QuizService:
    await repo.ensure_user(USER, USER, "Аня", clock())
    return QuizService(
        bank=bank(question("a"), question("b"), question("c", topics=("nlp",))),
        repo=repo,
        srs=SpacedRepetition(),
        clock=clock,
        rng=random.Random(7),
    )


async def test_every_question_is_shown_before_any_repeats(quiz: QuizService) -> None:
    shown = []
    for _ in range(3):
        card = await quiz.next_card(USER)
        assert card is not None and card.question is not None
        shown.append(card.question.id)
        await quiz.rate(USER, card.shown_id, Grade.GOOD)
    assert sorted(shown) == ["a", "b", "c"]


async def test_forgotten_question_returns_first_once_due(
    quiz: QuizService, clock: FakeClock
) -> None:
    first = await quiz.next_card(USER)
    assert first is not None and first.question is not None
    await quiz.rate(USER, first.shown_id, Grade.FORGOT)
    second = await quiz.next_card(USER)
    assert second is not None and second.question is not None
    assert second.question.id != first.question.id
    await quiz.rate(USER, second.shown_id, Grade.EASY)

    clock.advance(minutes=15)
    third = await quiz.next_card(USER)

    assert third is not None and third.question is not None
    assert third.question.id == first.question.id


async def test_rating_moves_the_card_into_the_future(quiz: QuizService, clock: FakeClock) -> None:
    card = await quiz.next_card(USER)
    assert card is not None

    good = await quiz.rate(USER, card.shown_id, Grade.GOOD)

    assert good.rating is not None and good.newly_rated
    assert good.rating.due > clock()
    assert good.rating.rated_at == clock()


async def test_easy_schedules_later_than_forgot(quiz: QuizService, repo: Repository) -> None:
    await repo.ensure_user(USER + 1, USER + 1, "Боря", FakeClock()())
    easy_card = await quiz.next_card(USER)
    forgot_card = await quiz.next_card(USER + 1)
    assert easy_card is not None and forgot_card is not None

    easy = await quiz.rate(USER, easy_card.shown_id, Grade.EASY)
    forgot = await quiz.rate(USER + 1, forgot_card.shown_id, Grade.FORGOT)

    assert easy.rating is not None and forgot.rating is not None
    assert easy.rating.due > forgot.rating.due


async def test_second_rating_of_the_same_card_records_once(
    quiz: QuizService, repo: Repository, tmp_path: Path
) -> None:
    card = await quiz.next_card(USER)
    assert card is not None

    first = await quiz.rate(USER, card.shown_id, Grade.HARD)
    again = await quiz.rate(USER, card.shown_id, Grade.EASY)

    assert first.newly_rated and not again.newly_rated
    assert again.rating is not None and again.rating.rating == Grade.HARD
    with sqlite3.connect(tmp_path / "test.db") as db:
        assert db.execute("SELECT COUNT(*), MAX(rating) FROM ratings").fetchone() == (1, 2)
        assert db.execute("SELECT reviews FROM cards").fetchone() == (1,)


async def test_someone_elses_or_unknown_card_is_refused(
    quiz: QuizService, repo: Repository
) -> None:
    card = await quiz.next_card(USER)
    assert card is not None

    assert (await quiz.rate(USER + 5, card.shown_id, Grade.GOOD)).status is CardStatus.NOT_YOURS
    assert (await quiz.rate(USER, 99999, Grade.GOOD)).status is CardStatus.UNKNOWN
    assert await repo.rating_of_shown(card.shown_id) is None


async def test_card_whose_question_left_the_bank_is_stale(
    repo: Repository, clock: FakeClock
) -> None:
    await repo.ensure_user(USER, USER, "Аня", clock())
    old = QuizService(
        bank=bank(question("gone")), repo=repo, srs=SpacedRepetition(), clock=clock,
        rng=random.Random(1),
    )  # fmt: skip
    card = await old.next_card(USER)
    assert card is not None
    new = QuizService(
        bank=bank(question("kept")), repo=repo, srs=SpacedRepetition(), clock=clock,
        rng=random.Random(1),
    )  # fmt: skip

    view = await new.rate(USER, card.shown_id, Grade.GOOD)

    assert view.status is CardStatus.REMOVED
    assert await repo.rating_of_shown(card.shown_id) is None


async def test_topic_filter_restricts_the_questions(quiz: QuizService, repo: Repository) -> None:
    await repo.set_filter(USER, ["nlp"], [])
    for _ in range(3):
        card = await quiz.next_card(USER)
        assert card is not None and card.question is not None
        assert card.question.id == "c"


async def test_filter_with_no_questions_gives_none(quiz: QuizService, repo: Repository) -> None:
    await repo.set_filter(USER, ["cv"], [])
    assert await quiz.next_card(USER) is None


@pytest.mark.parametrize(
    ("grade", "low", "high"),
    [
        (Grade.FORGOT, timedelta(minutes=5), timedelta(minutes=20)),
        (Grade.HARD, timedelta(minutes=10), timedelta(minutes=30)),
        (Grade.GOOD, timedelta(days=1), timedelta(days=4)),
        (Grade.EASY, timedelta(days=5), timedelta(days=12)),
    ],
)
async def test_first_rating_intervals_suit_a_practice_session(
    quiz: QuizService, clock: FakeClock, grade: Grade, low: timedelta, high: timedelta
) -> None:
    card = await quiz.next_card(USER)
    assert card is not None

    view = await quiz.rate(USER, card.shown_id, grade)

    assert view.rating is not None
    assert low <= view.rating.due - clock() <= high
