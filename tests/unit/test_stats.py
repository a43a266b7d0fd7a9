"""/stats numbers for a scripted history: counts, topics, due, local days and the streak."""

import asyncio
import random
from datetime import UTC, date, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest

from bot.quiz.grades import Grade
from bot.quiz.scheduling import SpacedRepetition
from bot.quiz.service import QuizService
from bot.quiz.stats import Progress, StatsService
from bot.storage.engine import QuizStore, Storage
from tests.factories import FakeClock, bank, question

USER = 5
MOSCOW = ZoneInfo("Europe/Moscow")
QUESTIONS = bank(
    question("dl1", topics=("deep_learning",)),
    question("dl2", topics=("deep_learning",)),
    question("dl3", topics=("deep_learning",)),
    question("nlp1", topics=("nlp", "deep_learning")),
    question("ml1", topics=("classic_ml",)),
)


class Script:
    """Plays a user's history: which question to rate how, at what moment."""

    def __init__(self, storage: Storage, clock: FakeClock) -> None:
        repo = storage.quiz
        self.clock = clock
        self.quiz = QuizService(
            bank=QUESTIONS,
            store=repo,
            srs=SpacedRepetition(fuzzing=False),
            clock=clock,
            rng=random.Random(1),
        )
        self.stats = StatsService(bank=QUESTIONS, repo=storage.stats, clock=clock)
        self.repo = repo

    async def progress(self, zone: str) -> Progress:
        user = await self.repo.load_user(USER, USER, "Аня", self.clock(), zone)
        return await self.stats.progress(user)

    async def rate(self, qid: str, grade: Grade, at: datetime) -> None:
        self.clock.now = at
        card = await self.quiz.card_for(USER, qid, "quiz")
        view = await self.quiz.rate(USER, card.shown_id, grade)
        assert view.newly_rated


@pytest.fixture
async def script(storage: Storage) -> Script:
    repo = storage.quiz
    clock = FakeClock()
    await repo.load_user(USER, USER, "Аня", clock(), "Europe/Moscow")
    return Script(storage, clock)


def msk(day: int, hour: int, minute: int = 0) -> datetime:
    """A Moscow wall-clock time in November 2026, as a UTC instant."""
    return datetime(2026, 11, day, hour, minute, tzinfo=MOSCOW).astimezone(UTC)


async def test_new_user_has_an_empty_progress(script: Script) -> None:
    progress = await script.progress("Europe/Moscow")
    assert progress.ratings.total == 0 and progress.seen == 0 and progress.streak == 0


async def test_counts_known_share_and_weakest_topic_first(script: Script) -> None:
    await script.rate("dl1", Grade.GOOD, msk(16, 10))  # Monday
    await script.rate("dl2", Grade.FORGOT, msk(18, 10))
    await script.rate("nlp1", Grade.HARD, msk(20, 10))
    await script.rate("ml1", Grade.EASY, msk(22, 0, 30))  # Sunday, 00:30 Moscow
    await script.rate("dl2", Grade.GOOD, msk(22, 23, 50))  # Sunday, 23:50 Moscow
    script.clock.now = msk(22, 23, 55)

    progress = await script.progress("Europe/Moscow")

    assert (progress.seen, progress.bank_size) == (4, 5)
    assert (progress.ratings.today, progress.ratings.week, progress.ratings.total) == (2, 5, 5)
    assert (progress.known, round(progress.known_share, 2)) == (3, 0.75)
    assert [(t.topic, t.known, t.seen, t.total) for t in progress.topics] == [
        ("nlp", 0, 1, 1), ("deep_learning", 2, 3, 4), ("classic_ml", 1, 1, 1),
    ]  # fmt: skip


async def test_day_boundary_is_the_users_local_midnight(script: Script) -> None:
    await script.rate("dl1", Grade.GOOD, msk(22, 23, 50))
    await script.rate("dl2", Grade.GOOD, msk(23, 0, 10))  # 21:10 UTC on the 22nd
    script.clock.now = msk(23, 8)

    progress = await script.progress("Europe/Moscow")
    today_utc = await script.progress("UTC")

    assert progress.ratings.today == 1
    assert today_utc.ratings.today == 0  # in UTC both ratings were on the 22nd


async def test_due_now_and_in_the_next_week(script: Script) -> None:
    await script.rate("dl1", Grade.FORGOT, msk(20, 10))  # back in minutes
    await script.rate("dl2", Grade.GOOD, msk(20, 10))  # back in a few days
    await script.rate("dl3", Grade.EASY, msk(20, 10))
    script.clock.now = msk(20, 12)

    progress = await script.progress("Europe/Moscow")

    assert (progress.due_now, progress.due_week) == (1, 1)  # «Легко» is further than a week


async def test_streak_counts_consecutive_practice_days(script: Script) -> None:
    for day in (19, 20, 21):
        await script.rate(f"dl{day - 18}", Grade.EASY, msk(day, 9))
    script.clock.now = msk(22, 8)  # today not practised yet: the day is not over

    progress = await script.progress("Europe/Moscow")

    assert progress.streak == 3 and not progress.practiced_today


async def test_day_with_nothing_due_does_not_break_the_streak(script: Script) -> None:
    await script.rate("dl1", Grade.EASY, msk(18, 9))  # due again in days, not tomorrow
    await script.rate("dl2", Grade.EASY, msk(18, 9, 5))
    # the 19th: nothing due, nothing done
    await script.rate("dl3", Grade.EASY, msk(20, 9))
    script.clock.now = msk(20, 10)

    progress = await script.progress("Europe/Moscow")

    assert progress.streak == 2 and progress.practiced_today


async def test_day_with_a_card_left_waiting_breaks_the_streak(script: Script) -> None:
    await script.rate("dl1", Grade.EASY, msk(17, 9))
    await script.rate("dl2", Grade.FORGOT, msk(18, 9))  # due again minutes later, left waiting
    # the 19th: skipped while dl2 was due
    await script.rate("dl3", Grade.EASY, msk(20, 9))
    script.clock.now = msk(20, 10)

    progress = await script.progress("Europe/Moscow")

    assert progress.streak == 1


async def test_hardest_questions_most_forgotten_first(script: Script) -> None:
    for when in (10, 11, 12):
        await script.rate("dl2", Grade.FORGOT, msk(20, when))
    await script.rate("nlp1", Grade.FORGOT, msk(20, 13))
    await script.rate("dl1", Grade.EASY, msk(20, 14))

    rows = await script.stats.hardest(USER)

    assert [(q.id, misses) for q, misses in rows] == [("dl2", 3), ("nlp1", 1)]


async def test_reset_erases_progress(script: Script) -> None:
    await script.rate("dl1", Grade.GOOD, msk(20, 10))
    await script.stats.reset(USER)

    progress = await script.progress("Europe/Moscow")

    assert progress.ratings.total == 0 and progress.seen == 0
    assert await script.stats.hardest(USER) == []


def test_calendar_grid_has_monday_rows_and_marks_the_future() -> None:
    from bot.ui.chart import calendar_grid

    today = date(2026, 11, 22)  # a Sunday
    grid, first = calendar_grid(today, {today: 3, today - timedelta(days=6): 1}, weeks=4)
    assert first.weekday() == 0 and len(grid) == 7 and len(grid[0]) == 4
    assert grid[6][3] == 3 and grid[0][3] == 1


def test_chart_is_a_png_of_sensible_size() -> None:
    from bot.quiz.stats import TopicProgress
    from bot.ui.chart import render_png

    today = date(2026, 11, 22)
    png = render_png(
        today,
        {today - timedelta(days=i): i % 5 for i in range(120)},
        [TopicProgress("nlp", 1, 3, 5), TopicProgress("cv", 0, 0, 4)],
    )

    assert png.startswith(b"\x89PNG\r\n\x1a\n")
    width, height = int.from_bytes(png[16:20], "big"), int.from_bytes(png[20:24], "big")
    assert 600 <= width <= 1600 and 400 <= height <= 1200
    assert 5_000 < len(png) < 1_000_000


async def test_charts_drawn_in_several_threads_at_once_are_each_whole() -> None:
    from bot.quiz.stats import TopicProgress
    from bot.ui.chart import render_png

    today = date(2026, 11, 22)

    def draw(shift: int) -> bytes:
        counts = {today - timedelta(days=i): (i + shift) % 4 for i in range(90)}
        return render_png(today, counts, [TopicProgress("nlp", shift % 3, 3, 5)])

    pngs = await asyncio.gather(*(asyncio.to_thread(draw, n) for n in range(6)))

    for n, png in enumerate(pngs):
        assert png == draw(n)  # the same picture as drawn alone: nothing leaked between threads


async def test_questions_the_user_cannot_be_shown_never_break_the_streak(
    script: Script, repo: QuizStore
) -> None:
    await script.rate("dl1", Grade.EASY, msk(18, 9))
    await script.rate("ml1", Grade.FORGOT, msk(18, 9, 5))  # due minutes later…
    await repo.set_filter(USER, ["deep_learning"], [])  # …but now outside the user's filter
    # the 19th: nothing the user could be asked was due
    await script.rate("dl2", Grade.EASY, msk(20, 9))
    script.clock.now = msk(20, 10)

    progress = await script.progress("Europe/Moscow")

    assert progress.streak == 2


async def test_past_days_use_their_own_utc_offset_across_dst(script: Script) -> None:
    berlin = ZoneInfo("Europe/Berlin")
    # 23:30 on 27 March 2027 in Berlin is winter time (UTC+1): 22:30 UTC. Counted with
    # today's summer offset (UTC+2, from the 28th) it would land on the 28th.
    script.clock.now = datetime(2027, 3, 27, 23, 30, tzinfo=berlin).astimezone(UTC)
    card = await script.quiz.card_for(USER, "dl1", "quiz")
    await script.quiz.rate(USER, card.shown_id, Grade.GOOD)
    script.clock.now = datetime(2027, 3, 29, 12, 0, tzinfo=berlin).astimezone(UTC)

    today, counts, _weeks = await script.stats.calendar(
        await script.repo.load_user(USER, USER, "Аня", script.clock(), "Europe/Berlin"), weeks=2
    )

    assert today == date(2027, 3, 29) and counts == {date(2027, 3, 27): 1}


async def test_a_suspended_question_left_waiting_never_breaks_the_streak(
    script: Script, repo: QuizStore
) -> None:
    await script.rate("dl1", Grade.EASY, msk(18, 9))
    await script.rate("ml1", Grade.FORGOT, msk(18, 9, 5))  # due minutes later…
    await repo.suspend(USER, "ml1", msk(18, 9, 6))  # …but set aside: /quiz will not show it
    # the 19th: nothing the user could be asked was due
    await script.rate("dl2", Grade.EASY, msk(20, 9))
    script.clock.now = msk(20, 10)

    progress = await script.progress("Europe/Moscow")

    assert progress.streak == 2
