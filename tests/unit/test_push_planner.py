"""Who is due: local time reached, not pushed that day, within the grace window."""

import sqlite3
from collections.abc import AsyncIterator
from datetime import UTC, datetime, time, timedelta
from pathlib import Path

import pytest

from bot.push.planner import PushPlanner
from bot.quiz.models import UserProfile
from bot.quiz.subscriptions import Subscriptions
from bot.storage.engine import Storage
from bot.storage.pushes import PushStore
from bot.storage.repo import Repository
from tests.engines import Inspector, open_engine
from tests.factories import FakeClock

GRACE = timedelta(hours=3)


@pytest.fixture
async def engine_storage(tmp_path: Path) -> AsyncIterator[tuple[Storage, Inspector]]:
    """SQLite only until the push queue has its PostgreSQL tests."""
    async for pair in open_engine("sqlite", tmp_path / "test.db"):
        yield pair


@pytest.fixture
def clock() -> FakeClock:
    return FakeClock(datetime(2026, 3, 1, 5, 0, tzinfo=UTC))  # 08:00 in Moscow


@pytest.fixture
def store(repo: Repository) -> PushStore:
    return PushStore(repo)


@pytest.fixture
def subs(repo: Repository, store: PushStore, clock: FakeClock) -> Subscriptions:
    return Subscriptions(store=store, clock=clock)


@pytest.fixture
def planner(store: PushStore) -> PushPlanner:
    return PushPlanner(store, "Europe/Moscow", GRACE)


async def _user(repo: Repository, user_id: int, clock: FakeClock) -> UserProfile:
    return await repo.load_user(user_id, user_id, "u", clock(), "Europe/Moscow")


def _pushes(tmp_path: Path) -> list[tuple[int, str, str]]:
    with sqlite3.connect(tmp_path / "test.db") as db:
        return db.execute(
            "SELECT user_id, local_date, status FROM pushes ORDER BY user_id, local_date"
        ).fetchall()


async def test_nobody_is_due_before_their_local_time(
    repo: Repository, subs: Subscriptions, planner: PushPlanner, clock: FakeClock
) -> None:
    await subs.subscribe(await _user(repo, 1, clock), time(9, 0))
    clock.advance(minutes=59)
    assert (await planner.tick(clock())).queued == 0


async def test_due_subscriber_is_queued_once_per_local_day(
    repo: Repository, subs: Subscriptions, planner: PushPlanner, clock: FakeClock, tmp_path: Path
) -> None:
    await subs.subscribe(await _user(repo, 1, clock), time(9, 0))
    clock.advance(hours=1)

    assert (await planner.tick(clock())).queued == 1
    assert (await planner.tick(clock())).queued == 0
    clock.advance(minutes=30)
    assert (await planner.tick(clock())).queued == 0
    clock.advance(days=1)
    assert (await planner.tick(clock())).queued == 1
    assert _pushes(tmp_path) == [(1, "2026-03-01", "queued"), (1, "2026-03-02", "queued")]


async def test_each_user_at_their_own_local_time(
    repo: Repository, subs: Subscriptions, planner: PushPlanner, clock: FakeClock
) -> None:
    moscow, almaty = await _user(repo, 1, clock), await _user(repo, 2, clock)
    await subs.set_timezone(almaty, "Asia/Almaty")  # UTC+5
    almaty = await _user(repo, 2, clock)
    await subs.subscribe(moscow, time(9, 0))  # 06:00 UTC
    await subs.subscribe(almaty, time(9, 0))  # 04:00 UTC, already passed → tomorrow

    clock.advance(hours=1)  # 06:00 UTC
    assert (await planner.tick(clock())).queued == 1
    clock.now = datetime(2026, 3, 2, 4, 0, tzinfo=UTC)
    assert (await planner.tick(clock())).queued == 1


async def test_slot_missed_within_grace_is_caught_up_once(
    repo: Repository, subs: Subscriptions, planner: PushPlanner, clock: FakeClock, tmp_path: Path
) -> None:
    await subs.subscribe(await _user(repo, 1, clock), time(9, 0))
    clock.advance(hours=3, minutes=30)  # the bot was down from 08:00 to 11:30 local

    result = await planner.tick(clock())

    assert (result.queued, result.expired) == (1, 0)
    assert (await planner.tick(clock())).queued == 0


async def test_slot_older_than_grace_is_skipped_and_recorded(
    repo: Repository, subs: Subscriptions, planner: PushPlanner, clock: FakeClock, tmp_path: Path
) -> None:
    await subs.subscribe(await _user(repo, 1, clock), time(9, 0))
    clock.advance(hours=5)  # 13:00 local, 4 hours late

    result = await planner.tick(clock())

    assert (result.queued, result.expired) == (0, 1)
    assert _pushes(tmp_path) == [(1, "2026-03-01", "expired")]


async def test_days_missed_while_down_are_not_all_sent(
    repo: Repository, subs: Subscriptions, planner: PushPlanner, clock: FakeClock, tmp_path: Path
) -> None:
    await subs.subscribe(await _user(repo, 1, clock), time(9, 0))
    clock.advance(days=3, hours=1)  # back at 09:00 three days later

    result = await planner.tick(clock())

    assert (result.queued, result.expired) == (1, 3)
    assert [status for _, _, status in _pushes(tmp_path)] == [
        "expired", "expired", "expired", "queued",
    ]  # fmt: skip


async def test_moving_the_time_later_the_same_day_does_not_push_twice(
    repo: Repository, subs: Subscriptions, planner: PushPlanner, clock: FakeClock
) -> None:
    user = await _user(repo, 1, clock)
    await subs.subscribe(user, time(9, 0))
    clock.advance(hours=1)
    assert (await planner.tick(clock())).queued == 1

    await subs.subscribe(user, time(11, 0))
    clock.advance(hours=2)

    assert (await planner.tick(clock())).queued == 0


async def test_one_push_a_day_across_dst(
    repo: Repository, subs: Subscriptions, planner: PushPlanner, clock: FakeClock, tmp_path: Path
) -> None:
    user = await _user(repo, 1, clock)
    await subs.set_timezone(user, "Europe/Berlin")
    user = await _user(repo, 1, clock)
    clock.now = datetime(2026, 3, 27, 12, 0, tzinfo=UTC)
    await subs.subscribe(user, time(9, 0))

    queued_at = []
    while clock.now < datetime(2026, 3, 31, 12, 0, tzinfo=UTC):
        clock.advance(minutes=1)
        if (await planner.tick(clock())).queued:
            queued_at.append(clock.now)

    assert [(t.day, t.hour, t.minute) for t in queued_at] == [
        (28, 8, 0), (29, 7, 0), (30, 7, 0), (31, 7, 0),
    ]  # fmt: skip
