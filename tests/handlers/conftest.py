"""Handler tests: real dispatcher, real services and SQLite, a recording bot session."""

from __future__ import annotations

import itertools
import random
from collections.abc import AsyncIterator
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

import pytest
from aiogram import Bot, Dispatcher
from aiogram.client.default import DefaultBotProperties
from aiogram.enums import ParseMode
from aiogram.methods import SendMessage
from aiogram.types import CallbackQuery, Chat, Message, Update, User

from bot.app import build_dispatcher, build_services
from bot.quiz.bank import Bank
from bot.quiz.scheduling import SpacedRepetition
from bot.ratelimit import RateLimiter
from bot.storage.engine import QuizStore, Storage
from tests.engines import ENGINES, Inspector, open_engine
from tests.factories import FakeClock, bank, question
from tests.handlers.recording_session import RecordingSession

TOKEN = "42:TEST-token-for-handler-tests"
ADMIN = 4242


@dataclass
class Harness:
    dp: Dispatcher
    bot: Bot
    session: RecordingSession
    storage: Storage
    db: Inspector
    clock: FakeClock
    _ids: itertools.count[int]

    @property
    def repo(self) -> QuizStore:
        return self.storage.quiz

    async def send(self, user_id: int, text: str, chat_type: str = "private") -> None:
        entities = []
        if text.startswith("/"):
            entities = [{"type": "bot_command", "offset": 0, "length": len(text.split()[0])}]
        await self.deliver(user_id, chat_type, text=text, entities=entities)

    async def deliver(self, user_id: int, chat_type: str = "private", **fields: Any) -> None:
        """A message from ``user_id`` with the given fields (a document, a forward…)."""
        message = Message.model_validate(
            {
                "message_id": next(self._ids),
                "date": datetime.now(UTC),
                "chat": {"id": user_id if chat_type == "private" else -100, "type": chat_type},
                "from": {"id": user_id, "is_bot": False, "first_name": "Аня"},
                **fields,
            }
        )
        await self.dp.feed_update(self.bot, Update(update_id=next(self._ids), message=message))

    async def press(self, user_id: int, data: str, message_id: int = 1) -> None:
        query = CallbackQuery(
            id=str(next(self._ids)),
            from_user=User(id=user_id, is_bot=False, first_name="Аня"),
            chat_instance="ci",
            data=data,
            message=Message(
                message_id=message_id,
                date=datetime.now(UTC),
                chat=Chat(id=user_id, type="private"),
                text="card",
            ),
        )
        await self.dp.feed_update(self.bot, Update(update_id=next(self._ids), callback_query=query))

    def last_sent(self) -> SendMessage:
        return self.session.sent(SendMessage)[-1]

    def buttons(self, method: Any) -> list[tuple[str, str]]:
        markup = method.reply_markup
        return [(b.text, b.callback_data) for row in markup.inline_keyboard for b in row]


def default_bank() -> Bank:
    return bank(
        question("a", answer="Ответ с <тегом> & амперсандом."),
        question("b", topics=("nlp",), levels=("junior",)),
        question("c", topics=("cv",)),
    )


@pytest.fixture
def quiz_bank() -> Bank:
    return default_bank()


@pytest.fixture
def isolate_users() -> bool:
    """Per-user event isolation; tests of truly concurrent taps turn it off."""
    return True


@pytest.fixture(params=ENGINES)
def engine(request: pytest.FixtureRequest) -> str:
    """The storage engine of the test (a test may narrow it: parametrize it indirectly)."""
    return str(request.param)


@pytest.fixture
def rate_limiter() -> RateLimiter | None:
    """No flood control unless a test brings its own."""
    return None


@pytest.fixture
async def harness(
    engine: str,
    tmp_path: Path,
    quiz_bank: Bank,
    isolate_users: bool,
    rate_limiter: RateLimiter | None,
) -> AsyncIterator[Harness]:
    async for storage, db in open_engine(engine, tmp_path / "bot.db"):
        clock = FakeClock()
        services = build_services(
            bank=quiz_bank, storage=storage, zone=ZoneInfo("Europe/Moscow"), clock=clock,
            rng=random.Random(3), srs=SpacedRepetition(fuzzing=False),
        )  # fmt: skip
        session = RecordingSession()
        bot = Bot(TOKEN, session=session, default=DefaultBotProperties(parse_mode=ParseMode.HTML))
        dp = build_dispatcher(
            services,
            admin_ids=frozenset({ADMIN}),
            isolate_users=isolate_users,
            run_push=False,
            rate_limiter=rate_limiter,
        )
        yield Harness(dp, bot, session, storage, db, clock, itertools.count(1))
