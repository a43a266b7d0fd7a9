"""The sender: each queued push delivered once; blocked users unsubscribed; crashes not resent."""

import asyncio
import random
import sqlite3
from collections.abc import AsyncIterator
from datetime import UTC, datetime, time, timedelta
from pathlib import Path

import pytest
from aiogram import Bot
from aiogram.exceptions import TelegramBadRequest, TelegramForbiddenError
from aiogram.methods import SendMessage

from bot.push.planner import PushPlanner
from bot.push.sender import PushSender
from bot.quiz.scheduling import SpacedRepetition
from bot.quiz.service import QuizService
from bot.quiz.subscriptions import Subscriptions
from bot.storage.engine import Storage
from bot.storage.pushes import PushStore
from bot.storage.repo import Repository
from tests.engines import Inspector, open_engine
from tests.factories import FakeClock, bank, question
from tests.handlers.recording_session import RecordingSession

GRACE = timedelta(hours=3)
Setup = tuple[PushStore, PushSender, RecordingSession]


@pytest.fixture
async def engine_storage(tmp_path: Path) -> AsyncIterator[tuple[Storage, Inspector]]:
    """SQLite only until the push queue has its PostgreSQL tests."""
    async for pair in open_engine("sqlite", tmp_path / "test.db"):
        yield pair


@pytest.fixture
def clock() -> FakeClock:
    return FakeClock(datetime(2026, 3, 1, 5, 0, tzinfo=UTC))


@pytest.fixture
async def setup(repo: Repository, clock: FakeClock) -> Setup:
    store = PushStore(repo)
    subs = Subscriptions(store=store, clock=clock)
    for user in (1, 2, 3):
        profile = await repo.load_user(user, user, "u", clock(), "Europe/Moscow")
        await subs.subscribe(profile, time(8, 30))
    clock.advance(hours=1)  # 09:00 Moscow: everyone is due
    await PushPlanner(store, "Europe/Moscow", GRACE).tick(clock())
    session = RecordingSession()
    quiz = QuizService(
        bank=bank(question("a"), question("b")), store=repo, srs=SpacedRepetition(),
        clock=clock, rng=random.Random(1),
    )  # fmt: skip
    sender = PushSender(
        bot=Bot("42:TEST-token-for-sender-tests", session=session), store=store, quiz=quiz,
        rate=1000, grace=GRACE, clock=clock,
    )  # fmt: skip
    return store, sender, session


def _statuses(tmp_path: Path) -> dict[int, str]:
    with sqlite3.connect(tmp_path / "test.db") as db:
        return dict(db.execute("SELECT user_id, status FROM pushes").fetchall())


async def _drain(sender: PushSender) -> None:
    task = asyncio.create_task(sender.run())
    sender.wake()
    await asyncio.sleep(0.2)
    await sender.stop()
    task.cancel()


async def test_each_queued_push_is_sent_once(setup: Setup, tmp_path: Path) -> None:
    _, sender, session = setup

    await _drain(sender)
    await _drain(sender)

    sent = session.sent(SendMessage)
    assert sorted(int(m.chat_id) for m in sent) == [1, 2, 3]
    assert all(m.text.startswith("<b>🗓 Вопрос дня</b>") for m in sent)
    assert _statuses(tmp_path) == {1: "sent", 2: "sent", 3: "sent"}


async def test_blocked_and_vanished_users_are_unsubscribed(setup: Setup, tmp_path: Path) -> None:
    store, sender, session = setup
    method = SendMessage(chat_id=1, text="x")
    session.fail_next(SendMessage, TelegramForbiddenError(method, "Forbidden: bot was blocked"))
    session.fail_next(SendMessage, TelegramBadRequest(method, "Bad Request: chat not found"))

    await _drain(sender)

    statuses = _statuses(tmp_path)
    assert sorted(statuses.values()) == ["blocked", "blocked", "sent"]
    for user, status in statuses.items():
        subscribed = await store.subscription(user) is not None
        assert subscribed == (status == "sent")


async def test_push_left_sending_by_a_crash_is_never_resent(
    setup: Setup, repo: Repository, tmp_path: Path,
    clock: FakeClock,
) -> None:  # fmt: skip
    store, sender, session = setup
    await repo.connection.execute("UPDATE pushes SET status = 'sending' WHERE user_id = 2")

    assert await store.abandon_in_flight(clock()) == 1
    await _drain(sender)

    assert sorted(int(m.chat_id) for m in session.sent(SendMessage)) == [1, 3]
    assert _statuses(tmp_path)[2] == "unknown"


async def test_push_older_than_grace_when_its_turn_comes_is_expired(
    setup: Setup, clock: FakeClock, tmp_path: Path
) -> None:
    _, sender, session = setup
    clock.advance(hours=4)

    await _drain(sender)

    assert session.sent(SendMessage) == []
    assert set(_statuses(tmp_path).values()) == {"expired"}
