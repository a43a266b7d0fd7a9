"""The one errors handler: log with context, tell the user something went wrong."""

import logging

from aiogram import Bot, Router
from aiogram.exceptions import TelegramAPIError
from aiogram.types import ErrorEvent

from bot.ui import texts

log = logging.getLogger(__name__)


async def on_error(event: ErrorEvent, bot: Bot) -> bool:
    log.error(
        "update %s failed: %r", event.update.update_id, event.exception, exc_info=event.exception
    )
    message = event.update.message
    if message is not None and not isinstance(event.exception, TelegramAPIError):
        try:
            await bot.send_message(message.chat.id, texts.ERROR)
        except TelegramAPIError:
            log.warning("could not tell chat %s about the error", message.chat.id)
    return True


def router() -> Router:
    r = Router(name="errors")
    r.errors.register(on_error)
    return r
