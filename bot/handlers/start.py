"""/start and /help."""

import html

from aiogram import Router
from aiogram.filters import Command, CommandStart
from aiogram.types import Message

from bot.handlers.filters import PRIVATE
from bot.handlers.users import register
from bot.quiz.service import QuizService
from bot.storage.repo import Repository
from bot.ui import keyboards, texts
from bot.ui.plural import plural


async def on_start(message: Message, repo: Repository, quiz: QuizService) -> None:
    await register(message, repo)
    name = html.escape(message.from_user.first_name if message.from_user else "")
    count = plural(len(quiz.bank), "вопрос", "вопроса", "вопросов")
    await message.answer(
        texts.WELCOME.format(name=name or "друг", count=count), reply_markup=keyboards.daily_offer()
    )


async def on_help(message: Message) -> None:
    await message.answer(texts.HELP)


def router() -> Router:
    r = Router(name="start")
    r.message.filter(PRIVATE)
    r.message.register(on_start, CommandStart())
    r.message.register(on_help, Command("help"))
    return r
