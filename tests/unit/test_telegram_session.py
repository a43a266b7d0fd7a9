"""The session pins exactly the response types aiogram builds when parsing answers."""

import gc

from aiogram.methods import AnswerCallbackQuery, EditMessageText, Response, SendMessage

from bot.telegram_session import PinnedResponseSession


async def test_pinned_types_are_the_ones_aiogram_asks_for() -> None:
    session = PinnedResponseSession()
    gc.collect()

    for method in (SendMessage, EditMessageText, AnswerCallbackQuery):
        wanted = Response[method.__returning__]  # type: ignore[name-defined]
        assert any(pinned is wanted for pinned in session._response_types), method
    await session.close()
