"""The quiz loop's domain over a real SQLite file, without Telegram."""

import asyncio
import random
from dataclasses import replace
from datetime import datetime, timedelta

import pytest

from bot.quiz.grades import Grade
from bot.quiz.models import ShownCard, StudySnapshot
from bot.quiz.ports import ChooseQuestion, PrefetchedNext
from bot.quiz.scheduling import SpacedRepetition
from bot.quiz.service import CardStatus, QuizService
from bot.storage.engine import QuizStore
from tests.engines import Inspector
from tests.factories import FakeClock, bank, question

USER = 42


@pytest.fixture
def clock() -> FakeClock:
    return FakeClock()


@pytest.fixture
async def quiz(repo: QuizStore, clock: FakeClock) -> QuizService:
    await repo.load_user(USER, USER, "Аня", clock(), "Europe/Moscow")
    return QuizService(
        bank=bank(question("a"), question("b"), question("c", topics=("nlp",))),
        store=repo,
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


async def test_easy_schedules_later_than_forgot(quiz: QuizService, repo: QuizStore) -> None:
    await repo.load_user(USER + 1, USER + 1, "Боря", FakeClock()(), "Europe/Moscow")
    easy_card = await quiz.next_card(USER)
    forgot_card = await quiz.next_card(USER + 1)
    assert easy_card is not None and forgot_card is not None

    easy = await quiz.rate(USER, easy_card.shown_id, Grade.EASY)
    forgot = await quiz.rate(USER + 1, forgot_card.shown_id, Grade.FORGOT)

    assert easy.rating is not None and forgot.rating is not None
    assert easy.rating.due > forgot.rating.due


async def test_second_rating_of_the_same_card_records_once(
    quiz: QuizService, repo: QuizStore, db: Inspector
) -> None:
    card = await quiz.next_card(USER)
    assert card is not None

    first = await quiz.rate(USER, card.shown_id, Grade.HARD)
    again = await quiz.rate(USER, card.shown_id, Grade.EASY)

    assert first.newly_rated and not again.newly_rated
    assert again.rating is not None and again.rating.rating == Grade.HARD
    assert await db.rows("SELECT COUNT(*), MAX(rating) FROM ratings") == [(1, 2)]
    assert await db.rows("SELECT reviews FROM cards") == [(1,)]


async def test_someone_elses_or_unknown_card_is_refused(quiz: QuizService, repo: QuizStore) -> None:
    card = await quiz.next_card(USER)
    assert card is not None

    assert (await quiz.rate(USER + 5, card.shown_id, Grade.GOOD)).status is CardStatus.NOT_YOURS
    assert (await quiz.rate(USER, 99999, Grade.GOOD)).status is CardStatus.UNKNOWN
    assert await repo.rating_of_shown(card.shown_id) is None


async def test_card_whose_question_left_the_bank_is_stale(
    repo: QuizStore, clock: FakeClock
) -> None:
    await repo.load_user(USER, USER, "Аня", clock(), "Europe/Moscow")
    old = QuizService(
        bank=bank(question("gone")), store=repo, srs=SpacedRepetition(), clock=clock,
        rng=random.Random(1),
    )  # fmt: skip
    card = await old.next_card(USER)
    assert card is not None
    new = QuizService(
        bank=bank(question("kept")), store=repo, srs=SpacedRepetition(), clock=clock,
        rng=random.Random(1),
    )  # fmt: skip

    view = await new.rate(USER, card.shown_id, Grade.GOOD)

    assert view.status is CardStatus.REMOVED
    assert await repo.rating_of_shown(card.shown_id) is None


async def test_topic_filter_restricts_the_questions(quiz: QuizService, repo: QuizStore) -> None:
    await repo.set_filter(USER, ["nlp"], [])
    for _ in range(3):
        card = await quiz.next_card(USER)
        assert card is not None and card.question is not None
        assert card.question.id == "c"


async def test_filter_with_no_questions_gives_none(quiz: QuizService, repo: QuizStore) -> None:
    await repo.set_filter(USER, ["cv"], [])
    assert await quiz.next_card(USER) is None


async def test_a_store_that_reads_and_chooses_again_reports_the_last_choice(
    repo: QuizStore, clock: FakeClock
) -> None:
    """A compare-and-swap store may run ``choose`` again after a lost race: what /quiz says
    comes from the last run — here «no question for the filter», not the first run's «done
    for today»."""

    class Overtaken:
        def __getattr__(self, name: str) -> object:
            return getattr(repo, name)

        async def record_next(
            self,
            user_id: int,
            origin: str,
            now: datetime,
            choose: ChooseQuestion,
            after: int | None = None,
            prefetched: PrefetchedNext | None = None,
        ) -> ShownCard | None:
            done = StudySnapshot(topics=(), levels=(), cards=(), last_question_id=None)
            assert choose(replace(done, new_per_day=0)) is None  # no new question today
            return await repo.record_next(user_id, origin, now, choose, after, prefetched)

    await repo.load_user(USER, USER, "Аня", clock(), "Europe/Moscow")
    await repo.set_filter(USER, ["cv"], [])
    quiz = QuizService(
        bank=bank(question("a")), store=Overtaken(), srs=SpacedRepetition(), clock=clock,
        rng=random.Random(7),
    )  # fmt: skip

    step = await quiz.next_step(USER)

    assert step.card is None and step.done is None


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


async def test_daily_push_and_quiz_at_once_never_pick_the_same_question(
    repo: QuizStore,
) -> None:
    clock = FakeClock()
    await repo.load_user(USER, USER, "Аня", clock(), "Europe/Moscow")
    quiz = QuizService(
        bank=bank(question("a"), question("b")), store=repo, srs=SpacedRepetition(),
        clock=clock, rng=random.Random(5),
    )  # fmt: skip

    for _ in range(10):
        daily, asked = await asyncio.gather(
            quiz.next_card(USER, origin="daily"), quiz.next_card(USER, origin="quiz")
        )
        assert daily is not None and asked is not None
        assert daily.question != asked.question
