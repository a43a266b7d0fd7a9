"""The sender, on both engines: each queued push delivered once; a 429 pauses everyone and
never fails a push; what provably did not arrive is retried until the grace window ends; the
ambiguous case is recorded and never resent; the sender survives its own errors."""

import asyncio
import random
from collections import Counter
from datetime import UTC, datetime, time, timedelta
from typing import Any

import pytest
from aiogram import Bot
from aiogram.exceptions import (
    TelegramBadRequest,
    TelegramForbiddenError,
    TelegramNetworkError,
    TelegramRetryAfter,
    TelegramServerError,
)
from aiogram.methods import SendMessage
from aiohttp import ServerDisconnectedError

from bot.push.pacing import SendGate
from bot.push.planner import PushPlanner
from bot.push.sender import PushSender
from bot.quiz.admin import AdminService
from bot.quiz.ports import PushQueue, StoreBusy
from bot.quiz.scheduling import SpacedRepetition
from bot.quiz.service import QuizService
from bot.quiz.subscriptions import Subscriptions
from bot.storage.engine import Storage
from tests.engines import Inspector
from tests.factories import FakeClock, bank, question
from tests.handlers.recording_session import RecordingSession

GRACE = timedelta(hours=3)
METHOD = SendMessage(chat_id=1, text="x")
USERS = (1, 2, 3, 4, 5)


class VirtualTime:
    """Monotonic time for the gate that moves the wall clock along: pauses take no real time."""

    def __init__(self, clock: FakeClock) -> None:
        self.clock = clock
        self.now = 0.0

    def __call__(self) -> float:
        return self.now

    async def sleep(self, seconds: float) -> None:
        seconds = max(seconds, 0.0)
        self.now += seconds
        self.clock.advance(seconds=seconds)
        await asyncio.sleep(0)


class TimedSession(RecordingSession):
    """Records when (virtual time) each sendMessage was made."""

    def __init__(self, vt: VirtualTime) -> None:
        super().__init__()
        self.vt = vt
        self.at: list[tuple[float, int]] = []

    async def make_request(self, bot: Bot, method: Any, timeout: int | None = None) -> Any:
        if isinstance(method, SendMessage):
            self.at.append((self.vt(), int(method.chat_id)))
        return await super().make_request(bot, method, timeout)


@pytest.fixture
def clock() -> FakeClock:
    return FakeClock(datetime(2026, 3, 1, 5, 0, tzinfo=UTC))


@pytest.fixture
def vt(clock: FakeClock) -> VirtualTime:
    return VirtualTime(clock)


@pytest.fixture
def session(vt: VirtualTime) -> TimedSession:
    return TimedSession(vt)


@pytest.fixture
async def queue(storage: Storage, clock: FakeClock) -> PushQueue:
    """Five subscribers at 08:30 Moscow, all due and queued at 09:00."""
    subs = Subscriptions(store=storage.subscriptions, clock=clock)
    for user in USERS:
        profile = await storage.quiz.load_user(user, user, "u", clock(), "Europe/Moscow")
        await subs.subscribe(profile, time(8, 30))
    clock.advance(hours=1)
    await PushPlanner(storage.pushes, "Europe/Moscow", GRACE).tick(clock())
    return storage.pushes


def make_sender(
    storage: Storage, store: PushQueue, session: RecordingSession, clock: FakeClock,
    vt: VirtualTime, rate: float = 1000,
) -> PushSender:  # fmt: skip
    quiz = QuizService(
        bank=bank(question("a"), question("b")), store=storage.quiz, srs=SpacedRepetition(),
        clock=clock, rng=random.Random(1),
    )  # fmt: skip
    return PushSender(
        bot=Bot("42:TEST-token-for-sender-tests", session=session), store=store, quiz=quiz,
        rate=rate, grace=GRACE, clock=clock,
        gate=SendGate(rate, monotonic=vt, sleep=vt.sleep),
    )  # fmt: skip


async def statuses(db: Inspector) -> dict[int, str]:
    return {int(u): str(s) for u, s in await db.rows("SELECT user_id, status FROM pushes")}


async def drain(
    sender: PushSender, db: Inspector, clock: FakeClock | None = None, *,
    until_settled: bool = True,
) -> None:  # fmt: skip
    """Run the sender until no push is queued or sending any more (or 5 s), then stop it.

    With ``clock``, the wall clock moves a second every 10 ms, so retries come due.
    """
    task = asyncio.create_task(sender.run())
    sender.wake()
    for _ in range(500):
        await asyncio.sleep(0.01)
        if clock is not None:
            clock.advance(seconds=1)
        sender.wake()
        if until_settled and not {"queued", "sending"} & set((await statuses(db)).values()):
            break
    await sender.stop()
    task.cancel()
    await asyncio.gather(task, return_exceptions=True)


def network_error(cause: BaseException) -> TelegramNetworkError:
    error = TelegramNetworkError(METHOD, f"{type(cause).__name__}: {cause}")
    error.__cause__ = cause
    return error


def sent_to(session: RecordingSession) -> Counter[int]:
    return Counter(int(m.chat_id) for m in session.sent(SendMessage))


async def test_each_queued_push_is_sent_once(
    storage: Storage, queue: PushQueue, session: TimedSession, clock: FakeClock,
    vt: VirtualTime, db: Inspector,
) -> None:  # fmt: skip
    sender = make_sender(storage, queue, session, clock, vt)

    await drain(sender, db)
    await drain(make_sender(storage, queue, session, clock, vt), db)

    assert sent_to(session) == Counter(USERS)
    assert all(m.text.startswith("<b>🗓 Вопрос дня</b>") for m in session.sent(SendMessage))
    assert set((await statuses(db)).values()) == {"sent"}


async def test_blocked_and_vanished_users_are_unsubscribed(
    storage: Storage, queue: PushQueue, session: TimedSession, clock: FakeClock,
    vt: VirtualTime, db: Inspector,
) -> None:  # fmt: skip
    session.fail_next(SendMessage, TelegramForbiddenError(METHOD, "Forbidden: bot was blocked"))
    session.fail_next(SendMessage, TelegramBadRequest(METHOD, "Bad Request: chat not found"))

    await drain(make_sender(storage, queue, session, clock, vt), db)

    result = await statuses(db)
    assert sorted(result.values()) == ["blocked", "blocked", "sent", "sent", "sent"]
    subscribed = {
        int(u) for (u,) in await db.rows("SELECT user_id FROM users WHERE daily_time IS NOT NULL")
    }
    assert subscribed == {u for u, s in result.items() if s == "sent"}
    assert sum(sent_to(session).values()) == 5  # one request each


async def test_push_left_sending_by_a_crash_is_never_resent(
    storage: Storage, queue: PushQueue, session: TimedSession, clock: FakeClock,
    vt: VirtualTime, db: Inspector,
) -> None:  # fmt: skip
    await db.execute("UPDATE pushes SET status = 'sending' WHERE user_id = 2")

    assert await queue.abandon_in_flight(clock()) == 1
    await drain(make_sender(storage, queue, session, clock, vt), db)

    assert set(sent_to(session)) == set(USERS) - {2}
    assert (await statuses(db))[2] == "unknown"


async def test_push_older_than_grace_when_its_turn_comes_is_expired(
    storage: Storage, queue: PushQueue, session: TimedSession, clock: FakeClock,
    vt: VirtualTime, db: Inspector,
) -> None:  # fmt: skip
    clock.advance(hours=4)

    await drain(make_sender(storage, queue, session, clock, vt), db)

    assert session.sent(SendMessage) == []
    assert set((await statuses(db)).values()) == {"expired"}


async def test_a_429_pauses_every_push_for_retry_after_and_fails_none(
    storage: Storage, queue: PushQueue, session: TimedSession, clock: FakeClock,
    vt: VirtualTime, db: Inspector,
) -> None:  # fmt: skip
    session.fail_next(SendMessage, TelegramRetryAfter(METHOD, "Too Many Requests", 30))

    await drain(make_sender(storage, queue, session, clock, vt, rate=5), db, clock)

    assert sent_to(session) == Counter({u: 1 for u in USERS}) + Counter([session.at[0][1]])
    assert set((await statuses(db)).values()) == {"sent"}
    throttled_at = session.at[0][0]
    after = [at for at, _ in session.at[1:]]
    assert min(after) >= throttled_at + 30  # nobody was sent anything during the pause


async def test_a_flood_wait_longer_than_a_minute_loses_nothing(
    storage: Storage, queue: PushQueue, session: TimedSession, clock: FakeClock,
    vt: VirtualTime, db: Inspector,
) -> None:  # fmt: skip
    for _ in range(8):  # every send answered 429 retry_after 61 for several minutes
        session.fail_next(SendMessage, TelegramRetryAfter(METHOD, "Too Many Requests", 61))

    await drain(make_sender(storage, queue, session, clock, vt, rate=25), db, clock)

    assert set((await statuses(db)).values()) == {"sent"}
    delivered = [chat for (_, chat), m in zip(session.at, session.requests, strict=False)]
    assert set(delivered) == set(USERS)


async def test_a_blocked_user_costs_one_request_after_a_429(
    storage: Storage, queue: PushQueue, clock: FakeClock, vt: VirtualTime, db: Inspector
) -> None:
    class BlockedAfterAFlood(TimedSession):
        """Chat 3 blocked the bot; its first request meets a flood wait (a 429 says nothing
        about the user), so only the second one learns it."""

        async def make_request(self, bot: Bot, method: Any, timeout: int | None = None) -> Any:
            if isinstance(method, SendMessage) and int(method.chat_id) == 3:
                if sent_to(self)[3] == 0:
                    self.fail_next(SendMessage, TelegramRetryAfter(METHOD, "Too Many", 5))
                else:
                    self.fail_next(
                        SendMessage, TelegramForbiddenError(METHOD, "Forbidden: bot was blocked")
                    )
            return await super().make_request(bot, method, timeout)

    session = BlockedAfterAFlood(vt)
    await drain(make_sender(storage, queue, session, clock, vt, rate=5), db, clock)

    assert sent_to(session)[3] == 2
    assert await statuses(db) == {1: "sent", 2: "sent", 3: "blocked", 4: "sent", 5: "sent"}


async def test_an_unreachable_bot_api_is_retried_until_it_answers(
    storage: Storage, queue: PushQueue, session: TimedSession, clock: FakeClock,
    vt: VirtualTime, db: Inspector,
) -> None:  # fmt: skip
    for _ in range(6):
        session.fail_next(SendMessage, network_error(ConnectionRefusedError(111, "refused")))

    await drain(make_sender(storage, queue, session, clock, vt), db, clock)

    assert set((await statuses(db)).values()) == {"sent"}
    assert sum(sent_to(session).values()) == 5 + 6
    assert sender_gate_paused_for_the_outage(session)


def sender_gate_paused_for_the_outage(session: TimedSession) -> bool:
    """The deliveries came at least a second (the first backoff) after the first refusal."""
    first_refusal = session.at[0][0]
    return all(at >= first_refusal + 1 for at, _ in session.at[6:])


async def test_a_connection_broken_mid_call_is_unknown_and_never_resent(
    storage: Storage, queue: PushQueue, session: TimedSession, clock: FakeClock,
    vt: VirtualTime, db: Inspector,
) -> None:  # fmt: skip
    session.fail_next(SendMessage, network_error(ServerDisconnectedError()))

    await drain(make_sender(storage, queue, session, clock, vt), db)

    broken = session.at[0][1]
    assert sent_to(session)[broken] == 1
    assert (await statuses(db))[broken] == "unknown"
    (reason,) = (await db.rows(f"SELECT reason FROM pushes WHERE user_id = {broken}"))[0]
    assert "connection broke" in reason


async def test_server_errors_are_retried_and_the_push_arrives_once(
    storage: Storage, queue: PushQueue, session: TimedSession, clock: FakeClock,
    vt: VirtualTime, db: Inspector,
) -> None:  # fmt: skip
    for _ in range(3):
        session.fail_next(SendMessage, TelegramServerError(METHOD, "Bad Gateway"))

    sender = make_sender(storage, queue, session, clock, vt)
    task = asyncio.create_task(sender.run())
    for _ in range(40):  # the retries are due 4, 8, 16 s later: move the wall clock there
        sender.wake()
        await asyncio.sleep(0.02)
        clock.advance(seconds=2)
    await sender.stop()
    task.cancel()

    assert set((await statuses(db)).values()) == {"sent"}
    assert sum(sent_to(session).values()) == 5 + 3


async def test_a_push_failing_until_the_grace_window_ends_expires(
    storage: Storage, queue: PushQueue, session: TimedSession, clock: FakeClock,
    vt: VirtualTime, db: Inspector,
) -> None:  # fmt: skip
    session.fail_next(SendMessage, TelegramServerError(METHOD, "Bad Gateway"))
    sender = make_sender(storage, queue, session, clock, vt)
    await drain(sender, db, until_settled=False)
    failed = session.at[0][1]
    assert (await statuses(db))[failed] == "queued"  # waiting for its retry, not given up

    clock.advance(hours=3)
    await drain(make_sender(storage, queue, session, clock, vt), db)

    assert (await statuses(db))[failed] == "expired"
    assert sent_to(session)[failed] == 1


async def test_a_stop_during_a_flood_wait_leaves_every_push_queued_for_the_next_run(
    storage: Storage, queue: PushQueue, clock: FakeClock, db: Inspector
) -> None:
    session = RecordingSession()
    session.fail_next(SendMessage, TelegramRetryAfter(METHOD, "Too Many Requests", 30))
    real = PushSender(
        bot=Bot("42:TEST-token-for-sender-tests", session=session), store=queue,
        quiz=QuizService(
            bank=bank(question("a")), store=storage.quiz, srs=SpacedRepetition(),
            clock=clock, rng=random.Random(1),
        ),
        rate=1, grace=GRACE, clock=clock,
    )  # fmt: skip  # real time: the 30 s pause is still running when we stop
    task = asyncio.create_task(real.run())
    real.wake()
    for _ in range(200):
        await asyncio.sleep(0.01)
        if session.sent(SendMessage) and "sending" not in (await statuses(db)).values():
            break
    await real.stop()
    task.cancel()
    await asyncio.gather(task, return_exceptions=True)

    assert len(session.sent(SendMessage)) == 1
    assert set((await statuses(db)).values()) == {"queued"}
    assert await queue.abandon_in_flight(clock()) == 0  # nothing to lose at the next start


async def test_daily_off_cancels_a_push_the_sender_already_fetched(
    storage: Storage, queue: PushQueue, session: TimedSession, clock: FakeClock,
    vt: VirtualTime, db: Inspector,
) -> None:  # fmt: skip
    subs = Subscriptions(store=storage.subscriptions, clock=clock)
    cancelled: list[int] = []

    class OffRightAfterTheFetch:
        """The user sends /daily off just after the sender read the batch they are in."""

        async def queued(self, now: datetime, limit: int) -> Any:
            batch = await queue.queued(now, limit)
            if batch and not cancelled:
                user = await storage.quiz.get_user(batch[-1].user_id, "Europe/Moscow")
                assert user is not None and await subs.unsubscribe(user)
                cancelled.append(user.user_id)
            return batch

        def __getattr__(self, name: str) -> Any:
            return getattr(queue, name)

    sender = make_sender(storage, OffRightAfterTheFetch(), session, clock, vt)  # type: ignore[arg-type]
    await drain(sender, db)

    assert cancelled[0] not in sent_to(session)
    assert (await statuses(db))[cancelled[0]] == "cancelled"
    assert sum(sent_to(session).values()) == 4


class FlakyQueue:
    """The real queue, whose ``queued`` fails the first ``failures`` times (a backup holding
    the database lock past the busy timeout)."""

    def __init__(self, inner: PushQueue, failures: int) -> None:
        self._inner = inner
        self.failures = failures

    async def queued(self, now: datetime, limit: int) -> Any:
        if self.failures:
            self.failures -= 1
            raise StoreBusy("database is locked")
        return await self._inner.queued(now, limit)

    def __getattr__(self, name: str) -> Any:
        return getattr(self._inner, name)


async def test_a_database_error_does_not_kill_the_sender(
    storage: Storage, queue: PushQueue, session: TimedSession, clock: FakeClock,
    vt: VirtualTime, db: Inspector, caplog: pytest.LogCaptureFixture,
) -> None:  # fmt: skip
    flaky = FlakyQueue(queue, failures=2)
    sender = make_sender(storage, flaky, session, clock, vt)  # type: ignore[arg-type]
    admin = AdminService(store=storage.admin, pushes=queue, clock=clock)
    task = asyncio.create_task(sender.run())
    sender.wake()
    await asyncio.sleep(0.05)
    assert sender.state().state == "failing"
    await sender.beat()
    health = await admin.push_health()
    assert not health.alive and health.backlog.queued == 5

    for _ in range(400):  # backoff 1 s, then 2 s, real time
        await asyncio.sleep(0.01)
        sender.wake()
        if set((await statuses(db)).values()) == {"sent"}:
            break
    await sender.beat()
    await sender.stop()
    task.cancel()

    assert set((await statuses(db)).values()) == {"sent"}
    assert "push sender failed" in caplog.text
    health = await admin.push_health()
    assert health.alive and health.backlog.queued == 0 and health.lag is None
