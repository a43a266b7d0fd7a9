"""/start and /help."""

import html

from aiogram import Router
from aiogram.filters import Command, CommandStart
from aiogram.types import Message

from bot.quiz.models import UserProfile
from bot.quiz.service import QuizService
from bot.ui import keyboards, texts
from bot.ui.plural import plural


async def on_start(message: Message, user: UserProfile, quiz: QuizService) -> None:
    """The welcome; the daily question is offered to those without it, while a subscriber
    sees their own time and how to change it (the offer would move it)."""
    name = html.escape(message.from_user.first_name if message.from_user else "")
    count = plural(len(quiz.bank), "вопрос", "вопроса", "вопросов")
    text = texts.WELCOME.format(name=name or "друг", count=count)
    if user.daily_time is not None:
        daily = texts.START_DAILY_ON.format(time=user.daily_time, zone=html.escape(user.timezone))
        await message.answer(f"{text}\n\n{daily}")
        return
    await message.answer(text, reply_markup=keyboards.daily_offer())


async def on_help(message: Message) -> None:
    await message.answer(texts.HELP)


def router() -> Router:
    r = Router(name="start")
    r.message.register(on_start, CommandStart(ignore_case=True))
    r.message.register(on_help, Command("help", ignore_case=True))
    return r
