"""The study settings and habits around the card loop: /limit (new questions a day),
/suspended (bring hidden questions back) and answers typed before revealing."""

import html

from aiogram import Bot, F, Router
from aiogram.filters import Command, CommandObject
from aiogram.types import CallbackQuery, Message
from aiogram.utils.callback_answer import CallbackAnswer

from bot.quiz.models import UserProfile
from bot.quiz.profiles import ProfileService
from bot.quiz.service import QuizService, valid_new_limit
from bot.quiz.session import MAX_NEW_PER_DAY
from bot.ui import keyboards, render, texts
from bot.ui.callbacks import Restore, RestoreAll


async def on_limit(
    message: Message, command: CommandObject, user: UserProfile, profiles: ProfileService
) -> None:
    argument = (command.args or "").strip()
    if not argument:
        await message.answer(texts.LIMIT_STATUS.format(limit=user.new_per_day, max=MAX_NEW_PER_DAY))
        return
    if not argument.isdecimal() or not valid_new_limit(int(argument)):
        await message.answer(
            texts.LIMIT_BAD.format(value=html.escape(argument[:40]), max=MAX_NEW_PER_DAY)
        )
        return
    user = await profiles.set_new_limit(user, int(argument))
    await message.answer(texts.LIMIT_SET.format(limit=user.new_per_day))


async def _send_suspended(bot: Bot, user: UserProfile, quiz: QuizService) -> None:
    questions = await quiz.suspended(user.user_id)
    if not questions:
        await bot.send_message(user.chat_id, texts.SUSPENDED_NONE)
        return
    await bot.send_message(
        user.chat_id, texts.SUSPENDED_TITLE, reply_markup=keyboards.suspended(questions)
    )


async def on_suspended(message: Message, bot: Bot, user: UserProfile, quiz: QuizService) -> None:
    await _send_suspended(bot, user, quiz)


async def on_restore(
    query: CallbackQuery,
    callback_data: Restore,
    user: UserProfile,
    quiz: QuizService,
    callback_answer: CallbackAnswer,
) -> None:
    restored = await quiz.restore(user.user_id, callback_data.question)
    callback_answer.text = texts.RESTORED if restored else texts.RESTORED_NONE


async def on_restore_all(
    query: CallbackQuery, user: UserProfile, quiz: QuizService, callback_answer: CallbackAnswer
) -> None:
    await quiz.restore(user.user_id, None)
    callback_answer.text = texts.RESTORED_ALL


async def on_text(message: Message, user: UserProfile, quiz: QuizService) -> None:
    """Text while a card is open is the user's answer to it; otherwise a short hint."""
    assert message.text is not None
    question = await quiz.save_answer(user.user_id, message.text)
    if question is None:
        await message.answer(texts.FALLBACK)
        return
    await message.answer(texts.ANSWER_SAVED.format(question=render.quoted(question.question)))


def router() -> Router:
    r = Router(name="study")
    r.message.register(on_limit, Command("limit", ignore_case=True))
    r.message.register(on_suspended, Command("suspended", ignore_case=True))
    r.callback_query.register(on_restore, Restore.filter())
    r.callback_query.register(on_restore_all, RestoreAll.filter())
    r.message.register(on_text, F.text, ~F.text.startswith("/"))
    return r
