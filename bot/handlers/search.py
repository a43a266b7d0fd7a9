"""/find: questions and answers containing the given words, as buttons that open the card."""

import html

from aiogram import Router
from aiogram.filters import Command, CommandObject
from aiogram.types import Message

from bot.quiz.search import QuestionSearch
from bot.ui import keyboards, texts

MAX_QUERY = 100


async def on_find(message: Message, command: CommandObject, search: QuestionSearch) -> None:
    query = " ".join((command.args or "").split())[:MAX_QUERY]
    if not query:
        await message.answer(texts.FIND_USAGE)
        return
    found = search.find(query)
    if not found:
        await message.answer(texts.FIND_NONE.format(query=html.escape(query)))
        return
    await message.answer(
        texts.FIND_RESULTS.format(query=html.escape(query), count=len(found)),
        reply_markup=keyboards.drill(found),
    )


def router() -> Router:
    r = Router(name="search")
    r.message.register(on_find, Command("find", ignore_case=True))
    return r
