"""/stats with its chart and hardest questions, and /reset with a confirmation."""

import asyncio
from collections.abc import Callable
from datetime import datetime

from aiogram import Bot, Router
from aiogram.filters import Command
from aiogram.types import BufferedInputFile, CallbackQuery, Message
from aiogram.utils.callback_answer import CallbackAnswer

from bot.handlers.cards import refused, send_card
from bot.handlers.telegram_ops import drop_keyboard, edit_or_send
from bot.quiz.models import UserProfile
from bot.quiz.service import QuizService
from bot.quiz.stats import StatsService
from bot.quiz.subscriptions import daily_state
from bot.ui import keyboards, render_stats, texts
from bot.ui.callbacks import Drill, ResetCancel, ResetConfirm, StatsChart, StatsHardest
from bot.ui.chart import render_png

RESET_CONFIRM_SECONDS = 300
CHART_WEEKS = 26
Clock = Callable[[], datetime]


async def on_stats(message: Message, user: UserProfile, stats: StatsService) -> None:
    progress = await stats.progress(user)
    markup = keyboards.stats_actions(progress.due_now) if progress.ratings.total else None
    await message.answer(render_stats.progress(progress, daily_state(user)), reply_markup=markup)


async def on_chart(query: CallbackQuery, bot: Bot, user: UserProfile, stats: StatsService) -> None:
    assert query.message is not None
    today, counts, weeks = await stats.calendar(user, CHART_WEEKS)
    progress = await stats.progress(user)
    png = await asyncio.to_thread(render_png, today, counts, progress.topics, weeks)
    await bot.send_photo(
        query.message.chat.id,
        BufferedInputFile(png, filename="progress.png"),
        caption=texts.CHART_CAPTION,
    )


async def on_hardest(
    query: CallbackQuery, bot: Bot, user: UserProfile, stats: StatsService
) -> None:
    assert query.message is not None
    rows = await stats.hardest(user.user_id)
    await bot.send_message(
        query.message.chat.id,
        render_stats.hardest(rows),
        reply_markup=keyboards.drill([q for q, _ in rows]) if rows else None,
    )


async def on_drill(
    query: CallbackQuery,
    callback_data: Drill,
    bot: Bot,
    user: UserProfile,
    quiz: QuizService,
    callback_answer: CallbackAnswer,
) -> None:
    assert query.message is not None
    card = await quiz.card_for(user.user_id, callback_data.question, origin="drill")
    if refused(card, callback_answer):
        return
    await send_card(bot, query.message.chat.id, card)


async def on_reset(message: Message, clock: Clock) -> None:
    asked_at = int(clock().timestamp())
    await message.answer(texts.RESET_ASK, reply_markup=keyboards.reset_confirm(asked_at))


async def on_reset_confirm(
    query: CallbackQuery,
    callback_data: ResetConfirm,
    bot: Bot,
    user: UserProfile,
    stats: StatsService,
    clock: Clock,
    callback_answer: CallbackAnswer,
) -> None:
    assert query.message is not None
    chat_id, message_id = query.message.chat.id, query.message.message_id
    if not 0 <= clock().timestamp() - callback_data.asked_at <= RESET_CONFIRM_SECONDS:
        callback_answer.text, callback_answer.show_alert = texts.RESET_EXPIRED, True
        await drop_keyboard(bot, chat_id, message_id)
        return
    # A second tap on a used confirmation ends here ("not modified"): erased once.
    await drop_keyboard(bot, chat_id, message_id)
    await stats.reset(user.user_id)
    callback_answer.text = texts.RESET_DONE
    await edit_or_send(bot, chat_id, message_id, texts.RESET_DONE)


async def on_reset_cancel(query: CallbackQuery, bot: Bot, callback_answer: CallbackAnswer) -> None:
    assert query.message is not None
    callback_answer.text = texts.RESET_CANCELLED
    await edit_or_send(bot, query.message.chat.id, query.message.message_id, texts.RESET_CANCELLED)


def router() -> Router:
    r = Router(name="stats")
    r.message.register(on_stats, Command("stats", ignore_case=True))
    r.message.register(on_reset, Command("reset", ignore_case=True))
    r.callback_query.register(on_chart, StatsChart.filter())
    r.callback_query.register(on_hardest, StatsHardest.filter())
    r.callback_query.register(on_drill, Drill.filter())
    r.callback_query.register(on_reset_confirm, ResetConfirm.filter())
    r.callback_query.register(on_reset_cancel, ResetCancel.filter())
    return r
