"""Who is due: local time reached, not pushed that day, within the grace window."""

from datetime import UTC, datetime, time, timedelta

import pytest

from bot.push.planner import PushPlanner
from bot.quiz.models import UserProfile
from bot.quiz.ports import PushQueue
from bot.quiz.subscriptions import Subscriptions
from bot.storage.engine import QuizStore, Storage
from tests.engines import Inspector
from tests.factories import FakeClock

GRACE = timedelta(hours=3)
Repository = QuizStore


@pytest.fixture
def clock() -> FakeClock:
    return FakeClock(datetime(2026, 3, 1, 5, 0, tzinfo=UTC))  # 08:00 in Moscow


@pytest.fixture
def store(storage: Storage) -> PushQueue:
    return storage.pushes


@pytest.fixture
def subs(storage: Storage, clock: FakeClock) -> Subscriptions:
    return Subscriptions(store=storage.subscriptions, clock=clock)


@pytest.fixture
def planner(store: PushQueue) -> PushPlanner:
    return PushPlanner(store, "Europe/Moscow", GRACE)


async def _user(repo: Repository, user_id: int, clock: FakeClock) -> UserProfile:
    return await repo.load_user(user_id, user_id, "u", clock(), "Europe/Moscow")


async def _pushes(db: Inspector) -> list[tuple[int, str, str]]:
    return [
        (int(u), str(d), str(s))
        for u, d, s in await db.rows(
            "SELECT user_id, local_date, status FROM pushes ORDER BY user_id, local_date"
        )
    ]


async def test_nobody_is_due_before_their_local_time(
    repo: Repository, subs: Subscriptions, planner: PushPlanner, clock: FakeClock
) -> None:
    await subs.subscribe(await _user(repo, 1, clock), time(9, 0))
    clock.advance(minutes=59)
    assert (await planner.tick(clock())).queued == 0


async def test_due_subscriber_is_queued_once_per_local_day(
    repo: Repository, subs: Subscriptions, planner: PushPlanner, clock: FakeClock, db: Inspector
) -> None:
    await subs.subscribe(await _user(repo, 1, clock), time(9, 0))
    clock.advance(hours=1)

    assert (await planner.tick(clock())).queued == 1
    assert (await planner.tick(clock())).queued == 0
    clock.advance(minutes=30)
    assert (await planner.tick(clock())).queued == 0
    clock.advance(days=1)
    assert (await planner.tick(clock())).queued == 1
    assert await _pushes(db) == [(1, "2026-03-01", "queued"), (1, "2026-03-02", "queued")]


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
    repo: Repository, subs: Subscriptions, planner: PushPlanner, clock: FakeClock, db: Inspector
) -> None:
    await subs.subscribe(await _user(repo, 1, clock), time(9, 0))
    clock.advance(hours=3, minutes=30)  # the bot was down from 08:00 to 11:30 local

    result = await planner.tick(clock())

    assert (result.queued, result.expired) == (1, 0)
    assert (await planner.tick(clock())).queued == 0


async def test_slot_older_than_grace_is_skipped_and_recorded(
    repo: Repository, subs: Subscriptions, planner: PushPlanner, clock: FakeClock, db: Inspector
) -> None:
    await subs.subscribe(await _user(repo, 1, clock), time(9, 0))
    clock.advance(hours=5)  # 13:00 local, 4 hours late

    result = await planner.tick(clock())

    assert (result.queued, result.expired) == (0, 1)
    assert await _pushes(db) == [(1, "2026-03-01", "expired")]


async def test_days_missed_while_down_are_not_all_sent(
    repo: Repository, subs: Subscriptions, planner: PushPlanner, clock: FakeClock, db: Inspector
) -> None:
    await subs.subscribe(await _user(repo, 1, clock), time(9, 0))
    clock.advance(days=3, hours=1)  # back at 09:00 three days later

    result = await planner.tick(clock())

    assert (result.queued, result.expired) == (1, 3)
    assert [status for _, _, status in await _pushes(db)] == [
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


@pytest.mark.parametrize("engine", ["sqlite"], indirect=True)  # planning, not storage: 5,760 ticks
async def test_one_push_a_day_across_dst(
    repo: Repository, subs: Subscriptions, planner: PushPlanner, clock: FakeClock, db: Inspector
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


async def test_a_row_that_cannot_be_planned_is_logged_failed_and_blocks_no_one(
    repo: Repository, subs: Subscriptions, planner: PushPlanner, clock: FakeClock, db: Inspector
) -> None:
    for user_id in (1, 2, 3):
        await subs.subscribe(await _user(repo, user_id, clock), time(9, 0))
    # User 1's row went bad (a zone tzdata dropped); it sorts first among the due ones.
    await db.execute("UPDATE users SET timezone = 'Mars/Olympus' WHERE user_id = 1")
    await db.execute("UPDATE users SET daily_time = '9 утра' WHERE user_id = 2")
    clock.advance(hours=1)

    result = await planner.tick(clock())

    assert (result.queued, result.failed) == (1, 2)
    assert [(u, s) for u, _, s in await _pushes(db)] == [
        (1, "failed"),
        (2, "failed"),
        (3, "queued"),
    ]
    reasons = [
        r
        for (r,) in await db.rows(
            "SELECT reason FROM pushes WHERE status = 'failed' ORDER BY user_id"
        )
    ]
    assert "Mars/Olympus" in reasons[0] and "9 утра" in reasons[1]
    # Tried again a day later, not on every tick.
    assert (await planner.tick(clock())) == type(result)()


async def test_daily_off_cancels_the_push_already_queued_today(
    repo: Repository, subs: Subscriptions, planner: PushPlanner, store: PushQueue,
    clock: FakeClock, db: Inspector,
) -> None:  # fmt: skip
    await subs.subscribe(await _user(repo, 1, clock), time(9, 0))
    clock.advance(hours=1)
    await planner.tick(clock())

    assert await subs.unsubscribe(await _user(repo, 1, clock))

    assert await _pushes(db) == [(1, "2026-03-01", "cancelled")]
    assert await store.queued(clock(), 10) == []
