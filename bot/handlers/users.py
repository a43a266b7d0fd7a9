"""Registering the user behind an update."""

from datetime import UTC, datetime

from aiogram.types import CallbackQuery, Message

from bot.storage.repo import Repository


async def register(event: Message | CallbackQuery, repo: Repository) -> int:
    """Make sure the sender has a row; return their id."""
    user = event.from_user
    assert user is not None
    if isinstance(event, Message):
        chat_id = event.chat.id
    else:
        assert event.message is not None
        chat_id = event.message.chat.id
    await repo.ensure_user(user.id, chat_id, user.first_name, datetime.now(UTC))
    return user.id
