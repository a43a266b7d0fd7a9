"""Editing a message in place, with the one fallback a user needs when it is gone."""

import logging

from aiogram import Bot
from aiogram.exceptions import TelegramBadRequest
from aiogram.types import CallbackQuery, InlineKeyboardMarkup
from aiogram.utils.callback_answer import CallbackAnswer

from bot.handlers.telegram_errors import is_message_gone

log = logging.getLogger(__name__)


async def edit_or_send(
    bot: Bot,
    chat_id: int,
    message_id: int,
    text: str,
    markup: InlineKeyboardMarkup | None = None,
) -> None:
    """Edit a message in place; when it can no longer be edited (deleted, too old), send the
    text anew. "Not modified" (a repeated tap) propagates to the errors router, which ends the
    update quietly: the rest of the handler is for a first tap only."""
    try:
        await bot.edit_message_text(
            text=text, chat_id=chat_id, message_id=message_id, reply_markup=markup
        )
    except Exception as exc:
        if not is_message_gone(exc):
            raise
        log.info("cannot edit message %s (%s); sending anew", message_id, exc)
        await bot.send_message(chat_id, text, reply_markup=markup)


async def drop_keyboard(bot: Bot, chat_id: int, message_id: int) -> None:
    """Remove a message's buttons; a repeated tap raises "not modified" (see above)."""
    try:
        await bot.edit_message_reply_markup(chat_id=chat_id, message_id=message_id)
    except Exception as exc:
        if not is_message_gone(exc):
            raise
        log.info("cannot drop the keyboard of %s: %s", message_id, exc)


async def answer_now(query: CallbackQuery, callback_answer: CallbackAnswer, text: str) -> None:
    """Answer the callback before the handler ends (Telegram waits at most 15 s for it); the
    answering middleware then sends nothing more."""
    callback_answer.disable()
    try:
        await query.answer(text)
    except TelegramBadRequest as exc:
        log.debug("callback %s not answered: %s", query.id, exc.message)
