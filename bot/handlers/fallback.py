"""Whatever nothing else handled: a short hint instead of silence."""

from aiogram import F, Router
from aiogram.types import CallbackQuery, Message

from bot.handlers.filters import PRIVATE
from bot.handlers.middlewares import CallbackReply
from bot.ui import texts


async def on_unknown_command(message: Message) -> None:
    await message.answer(texts.UNKNOWN_COMMAND)


async def on_anything(message: Message) -> None:
    await message.answer(texts.FALLBACK)


async def on_unknown_button(query: CallbackQuery, reply: CallbackReply) -> None:
    reply.text, reply.alert = texts.BAD_BUTTON, True


def router() -> Router:
    r = Router(name="fallback")
    r.message.filter(PRIVATE)
    r.message.register(on_unknown_command, F.text.startswith("/"))
    r.message.register(on_anything)
    r.callback_query.register(on_unknown_button)
    return r
