"""PostgreSQL rates a card in two round trips without a transaction: a read, then one
compare-and-swap write. These tests put a competing write between the two — ``decide`` runs
between them, so it performs one through a storage of its own — and check that the rating is
then re-read and applied on top of it, as if the two had come one after the other."""

import asyncio
import json
from collections.abc import Awaitable, Callable
from concurrent.futures import ThreadPoolExecutor
from datetime import UTC, datetime, timedelta

import asyncpg
import pytest

from bot.quiz.models import CardState, RatingKind, Review, ShownCard
from bot.quiz.ports import ScheduleReview
from bot.storage.engine import Storage, open_postgres
from tests.engines import Inspector

pytestmark = pytest.mark.parametrize("engine", ["postgres"], indirect=True)

USER = 1
NOW = datetime(2026, 3, 1, 5, 0, tzinfo=UTC)


def count(before: CardState | None) -> Review:
    """A schedule whose state counts the ratings it was computed on top of: a rating applied
    to a stale state shows as a count too low."""
    n = 0 if before is None else int(json.loads(before.state)["n"])
    kind = RatingKind.NEW if before is None else RatingKind.REVIEW
    return Review(json.dumps({"n": n + 1}), NOW + timedelta(days=n + 1), kind)


def plain(shown: ShownCard | None) -> ScheduleReview | None:
    return None if shown is None else count


class Meanwhile:
    """A ``decide`` whose n-th call first runs ``acts[n]`` to completion on a storage of its
    own (in a thread with its own event loop: the test's loop is blocked in the callback).
    ``seen``: what each call was shown."""

    def __init__(self, db: Inspector, *acts: Callable[[Storage], Awaitable[object]]) -> None:
        self._url = db.pg_url
        self._acts = acts
        self.seen: list[ShownCard | None] = []

    async def _run(self, act: Callable[[Storage], Awaitable[object]]) -> None:
        other = await open_postgres(self._url, migrate=False, pool_size=1)
        try:
            await act(other)
        finally:
            await other.close()

    def __call__(self, shown: ShownCard | None) -> ScheduleReview | None:
        if len(self.seen) < len(self._acts):
            with ThreadPoolExecutor(1) as thread:
                thread.submit(asyncio.run, self._run(self._acts[len(self.seen)])).result()
        self.seen.append(shown)
        return plain(shown)


def rate(shown: ShownCard, grade: int = 3) -> Callable[[Storage], Awaitable[object]]:
    return lambda s: s.quiz.rate(USER, shown.shown_id, grade, NOW, plain)


async def card(db: Inspector) -> tuple[int, int]:
    """The card's review count and the count in its state."""
    ((reviews, state),) = await db.rows("SELECT reviews, fsrs_state FROM cards")
    return int(reviews), int(json.loads(str(state))["n"])


async def shown_cards(storage: Storage, n: int) -> list[ShownCard]:
    """``n`` cards of one question shown to the user."""
    await storage.quiz.load_user(USER, USER, "Аня", NOW, "Europe/Moscow")
    return [await storage.quiz.record_shown(USER, "q", "quiz", NOW) for _ in range(n)]


async def test_a_first_rating_overtaken_by_another_is_applied_on_top_of_it(
    storage: Storage, db: Inspector
) -> None:
    first, second = await shown_cards(storage, 2)
    decide = Meanwhile(db, rate(first))

    outcome = await storage.quiz.rate(USER, second.shown_id, 1, NOW, decide)

    assert outcome is not None and outcome[1] and outcome[0].kind == RatingKind.REVIEW
    assert len(decide.seen) == 2  # read and decided again
    assert await card(db) == (2, 2)
    assert await db.rows("SELECT shown_id, prev_state FROM ratings ORDER BY rating_id") == [
        (first.shown_id, None),
        (second.shown_id, '{"n": 1}'),
    ]


async def test_a_rating_overtaken_by_another_is_applied_on_top_of_it(
    storage: Storage, db: Inspector
) -> None:
    earlier, first, second = await shown_cards(storage, 3)
    await storage.quiz.rate(USER, earlier.shown_id, 3, NOW, plain)

    await storage.quiz.rate(USER, second.shown_id, 1, NOW, Meanwhile(db, rate(first)))

    assert await card(db) == (3, 3)
    assert (
        await db.value(f"SELECT prev_state FROM ratings WHERE shown_id = {second.shown_id}")
        == '{"n": 2}'
    )


async def test_a_rating_overtaken_by_an_undo_is_applied_to_the_restored_card(
    storage: Storage, db: Inspector
) -> None:
    earlier, undone, rated = await shown_cards(storage, 3)
    for shown in (earlier, undone):
        await storage.quiz.rate(USER, shown.shown_id, 3, NOW, plain)

    async def undo(other: Storage) -> None:
        await other.quiz.undo_rating(USER, undone.shown_id)

    await storage.quiz.rate(USER, rated.shown_id, 3, NOW, Meanwhile(db, undo))

    assert await card(db) == (2, 2)  # computed from the card as the undo left it
    assert await db.rows("SELECT shown_id, prev_state FROM ratings ORDER BY rating_id") == [
        (earlier.shown_id, None),
        (rated.shown_id, '{"n": 1}'),
    ]


async def test_a_rating_overtaken_by_a_reset_finds_no_card_and_writes_nothing(
    storage: Storage, db: Inspector
) -> None:
    (shown,) = await shown_cards(storage, 1)

    async def reset(other: Storage) -> None:
        await other.stats.erase_progress(USER)

    decide = Meanwhile(db, reset)
    assert await storage.quiz.rate(USER, shown.shown_id, 3, NOW, decide) is None

    assert decide.seen == [shown, None]
    for table in ("ratings", "cards", "shown_cards"):
        assert await db.value(f"SELECT COUNT(*) FROM {table}") == 0, table


@pytest.mark.parametrize("rated_before", [False, True])
async def test_a_double_rating_of_one_card_keeps_and_reports_the_first(
    storage: Storage, db: Inspector, rated_before: bool
) -> None:
    earlier, shown = await shown_cards(storage, 2)
    if rated_before:
        await storage.quiz.rate(USER, earlier.shown_id, 3, NOW, plain)

    outcome = await storage.quiz.rate(USER, shown.shown_id, 1, NOW, Meanwhile(db, rate(shown, 4)))

    assert outcome is not None
    saved, recorded = outcome
    assert (saved.rating, recorded) == (4, False)
    assert await db.rows(f"SELECT rating FROM ratings WHERE shown_id = {shown.shown_id}") == [(4,)]
    assert await card(db) == ((2, 2) if rated_before else (1, 1))


async def test_an_answer_typed_before_the_rating_is_written_is_kept_with_it(
    storage: Storage, db: Inspector
) -> None:
    (shown,) = await shown_cards(storage, 1)

    async def answer(other: Storage) -> None:
        await other.quiz.save_answer(USER, "p-value", NOW - timedelta(hours=1), 1000)

    outcome = await storage.quiz.rate(USER, shown.shown_id, 3, NOW, Meanwhile(db, answer))

    assert outcome is not None and outcome[0].answer == "p-value"
    assert await db.value("SELECT answer FROM ratings") == "p-value"


async def test_after_losing_every_race_a_rating_is_applied_under_the_users_lock(
    storage: Storage, db: Inspector
) -> None:
    *others, last = await shown_cards(storage, 6)
    decide = Meanwhile(db, *map(rate, others))

    outcome = await storage.quiz.rate(USER, last.shown_id, 3, NOW, decide)

    assert outcome is not None and outcome[1]
    assert len(decide.seen) == 6  # 5 lost races, then locked
    assert await card(db) == (6, 6)


async def test_concurrent_ratings_of_one_question_each_apply_on_top_of_the_previous(
    storage: Storage, db: Inspector
) -> None:
    shown = await shown_cards(storage, 8)

    outcomes = await asyncio.gather(
        *(storage.quiz.rate(USER, s.shown_id, 3, NOW, plain) for s in shown)
    )

    assert all(o is not None and o[1] for o in outcomes)
    assert await card(db) == (8, 8)
    states = await db.rows("SELECT prev_state FROM ratings ORDER BY rating_id")
    assert [None if s is None else json.loads(s)["n"] for (s,) in states] == [None, *range(1, 8)]


async def test_a_rating_arriving_during_a_reset_waits_for_it_then_finds_its_card_gone(
    storage: Storage, db: Inspector
) -> None:
    """The write takes the user's row before the card's: a reset (holding the user's row,
    then deleting) and a rating never wait for each other both ways."""
    earlier, shown = await shown_cards(storage, 2)
    await storage.quiz.rate(USER, earlier.shown_id, 3, NOW, plain)
    blocker = await asyncpg.connect(db.pg_url)
    try:
        async with blocker.transaction():  # the reset takes the user's row, then waits here
            await blocker.execute("SELECT 1 FROM ratings FOR UPDATE")
            reset = asyncio.ensure_future(storage.stats.erase_progress(USER))
            await db.waiting("DELETE FROM ratings")
            rating = asyncio.ensure_future(storage.quiz.rate(USER, shown.shown_id, 3, NOW, plain))
            await db.waiting("WITH owner AS")
        await asyncio.wait_for(reset, 5)
        assert await asyncio.wait_for(rating, 5) is None
    finally:
        await blocker.close()

    for table in ("ratings", "cards", "shown_cards"):
        assert await db.value(f"SELECT COUNT(*) FROM {table}") == 0, table
