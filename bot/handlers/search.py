"""/find: questions and answers containing the given words, as buttons that open the card."""

import html

from aiogram import Router
from aiogram.filters import Command, CommandObject
from aiogram.types import Message

from bot.quiz.search import QuestionSearch
from bot.ui import keyboards, texts

MAX_QUERY = 100
MAX_SHOWN = 8  # buttons under one answer


async def on_find(message: Message, command: CommandObject, search: QuestionSearch) -> None:
    query = " ".join((command.args or "").split())[:MAX_QUERY]
    if not query:
        await message.answer(texts.FIND_USAGE)
        return
    if not search.searchable(query):
        await message.answer(texts.FIND_TOO_SHORT.format(query=html.escape(query)))
        return
    found = search.find(query)
    if not found:
        await message.answer(texts.FIND_NONE.format(query=html.escape(query)))
        return
    shown = found[:MAX_SHOWN]
    template = texts.FIND_RESULTS if len(found) == len(shown) else texts.FIND_RESULTS_FIRST
    await message.answer(
        template.format(query=html.escape(query), count=len(found), shown=len(shown)),
        reply_markup=keyboards.drill(shown),
    )


def router() -> Router:
    r = Router(name="search")
    r.message.register(on_find, Command("find", ignore_case=True))
    return r
