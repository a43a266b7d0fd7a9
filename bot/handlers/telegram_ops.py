"""Bot API calls whose harmless Telegram errors must never crash a handler."""

import logging

from aiogram import Bot
from aiogram.exceptions import TelegramBadRequest
from aiogram.types import InlineKeyboardMarkup

log = logging.getLogger(__name__)

_GONE = ("message to edit not found", "message can't be edited", "message_id_invalid")


async def edit_or_send(
    bot: Bot,
    chat_id: int,
    message_id: int,
    text: str,
    markup: InlineKeyboardMarkup | None = None,
) -> bool:
    """Edit a message in place; False if it already shows exactly this.

    When the message can no longer be edited (deleted, too old), the text is sent anew.
    """
    try:
        await bot.edit_message_text(
            text=text, chat_id=chat_id, message_id=message_id, reply_markup=markup
        )
    except TelegramBadRequest as exc:
        if "message is not modified" in exc.message:
            return False
        if any(reason in exc.message.lower() for reason in _GONE):
            log.info("cannot edit message %s: %s; sending anew", message_id, exc.message)
            await bot.send_message(chat_id, text, reply_markup=markup)
            return True
        raise
    return True


async def drop_keyboard(bot: Bot, chat_id: int, message_id: int) -> bool:
    """Remove a message's buttons; False when they were gone already (a repeated tap)."""
    try:
        await bot.edit_message_reply_markup(chat_id=chat_id, message_id=message_id)
    except TelegramBadRequest as exc:
        if "message is not modified" in exc.message:
            return False
        log.info("cannot drop keyboard of %s: %s", message_id, exc.message)
    return True
