"""Error handlers, by exception type: harmless Telegram refusals end the update quietly;
anything else is logged with context and the user is told something went wrong."""

import logging

from aiogram import Bot, F, Router
from aiogram.exceptions import TelegramAPIError, TelegramBadRequest
from aiogram.filters import ExceptionTypeFilter
from aiogram.types import ErrorEvent

from bot.quiz.ports import StoreBusy
from bot.ui import texts

log = logging.getLogger(__name__)


async def on_not_modified(event: ErrorEvent) -> bool:
    """A repeated tap: the message already shows what the handler wanted to show."""
    log.debug("update %s: message not modified", event.update.update_id)
    return True


async def on_error(event: ErrorEvent, bot: Bot) -> bool:
    if isinstance(event.exception, StoreBusy):
        log.warning("update %s: database busy: %s", event.update.update_id, event.exception)
    else:
        log.error(
            "update %s failed: %r",
            event.update.update_id,
            event.exception,
            exc_info=event.exception,
        )
    message = event.update.message
    if message is not None and not isinstance(event.exception, TelegramAPIError):
        text = texts.BUSY if isinstance(event.exception, StoreBusy) else texts.ERROR
        try:
            await bot.send_message(message.chat.id, text)
        except TelegramAPIError:
            log.warning("could not tell chat %s about the error", message.chat.id)
    return True


def router() -> Router:
    r = Router(name="errors")
    r.errors.register(
        on_not_modified,
        ExceptionTypeFilter(TelegramBadRequest),
        F.exception.message.contains("message is not modified"),
    )
    r.errors.register(on_error)
    return r
