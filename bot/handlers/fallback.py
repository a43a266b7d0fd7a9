"""Whatever nothing else handled: a short hint instead of silence."""

from aiogram import F, Router
from aiogram.types import CallbackQuery, Message
from aiogram.utils.callback_answer import CallbackAnswer

from bot.ui import texts


async def on_unknown_command(message: Message) -> None:
    await message.answer(texts.UNKNOWN_COMMAND)


async def on_anything(message: Message) -> None:
    await message.answer(texts.FALLBACK)


async def on_unknown_button(query: CallbackQuery, callback_answer: CallbackAnswer) -> None:
    callback_answer.text, callback_answer.show_alert = texts.BAD_BUTTON, True


def router() -> Router:
    r = Router(name="fallback")
    r.message.register(on_unknown_command, F.text.startswith("/"))
    r.message.register(on_anything)
    r.callback_query.register(on_unknown_button)
    return r
