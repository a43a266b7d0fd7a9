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
from bot.storage.db import connect
from bot.storage.repo import Repository
from tests.factories import FakeClock, bank, question
from tests.handlers.recording_session import RecordingSession

TOKEN = "42:TEST-token-for-handler-tests"
ADMIN = 4242


@dataclass
class Harness:
    dp: Dispatcher
    bot: Bot
    session: RecordingSession
    repo: Repository
    clock: FakeClock
    _ids: itertools.count[int]

    async def send(self, user_id: int, text: str, chat_type: str = "private") -> None:
        entities = []
        if text.startswith("/"):
            entities = [{"type": "bot_command", "offset": 0, "length": len(text.split()[0])}]
        message = Message.model_validate(
            {
                "message_id": next(self._ids),
                "date": datetime.now(UTC),
                "chat": {"id": user_id if chat_type == "private" else -100, "type": chat_type},
                "from": {"id": user_id, "is_bot": False, "first_name": "Аня"},
                "text": text,
                "entities": entities,
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
async def harness(tmp_path: Path, quiz_bank: Bank) -> AsyncIterator[Harness]:
    conn = await connect(tmp_path / "bot.db")
    repo = Repository(conn)
    clock = FakeClock()
    services = build_services(
        bank=quiz_bank, repo=repo, zone=ZoneInfo("Europe/Moscow"), clock=clock,
        rng=random.Random(3),
    )  # fmt: skip
    session = RecordingSession()
    bot = Bot(TOKEN, session=session, default=DefaultBotProperties(parse_mode=ParseMode.HTML))
    dp = build_dispatcher(services, admin_ids=frozenset({ADMIN}))
    yield Harness(dp, bot, session, repo, clock, itertools.count(1))
    await conn.close()
