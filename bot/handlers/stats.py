"""/stats with its chart and hardest questions, and /reset with a confirmation."""

import asyncio
import time

from aiogram import Bot, Router
from aiogram.filters import Command
from aiogram.types import BufferedInputFile, CallbackQuery, Message

from bot.handlers.filters import PRIVATE
from bot.handlers.middlewares import CallbackReply
from bot.handlers.quiz import REFUSALS, send_card
from bot.handlers.telegram_ops import drop_keyboard, edit_or_send
from bot.handlers.users import register
from bot.push.clock import zone_of
from bot.push.subscriptions import Subscriptions
from bot.quiz.service import CardStatus, QuizService
from bot.quiz.stats import StatsService
from bot.storage.repo import Repository
from bot.ui import keyboards, render_stats, texts
from bot.ui.callbacks import Drill, ResetCancel, ResetConfirm, StatsChart, StatsHardest
from bot.ui.chart import render_png

RESET_CONFIRM_SECONDS = 300
CHART_WEEKS = 26


async def on_stats(
    message: Message, repo: Repository, stats: StatsService, subscriptions: Subscriptions
) -> None:
    user_id = await register(message, repo)
    zone = zone_of(await subscriptions.zone_name(user_id))
    progress = await stats.progress(user_id, zone)
    daily = await subscriptions.state(user_id)
    markup = keyboards.stats_actions() if progress.ratings.total else None
    await message.answer(render_stats.progress(progress, daily), reply_markup=markup)


async def on_chart(
    query: CallbackQuery, bot: Bot, stats: StatsService, subscriptions: Subscriptions
) -> None:
    assert query.message is not None
    user_id = query.from_user.id
    zone = zone_of(await subscriptions.zone_name(user_id))
    today, counts = await stats.calendar(user_id, zone, CHART_WEEKS)
    progress = await stats.progress(user_id, zone)
    png = await asyncio.to_thread(render_png, today, counts, progress.topics, CHART_WEEKS)
    await bot.send_photo(
        query.message.chat.id,
        BufferedInputFile(png, filename="progress.png"),
        caption=texts.CHART_CAPTION,
    )


async def on_hardest(query: CallbackQuery, bot: Bot, stats: StatsService) -> None:
    assert query.message is not None
    rows = await stats.hardest(query.from_user.id)
    await bot.send_message(
        query.message.chat.id,
        render_stats.hardest(rows),
        reply_markup=keyboards.drill([q for q, _ in rows]) if rows else None,
    )


async def on_drill(
    query: CallbackQuery,
    callback_data: Drill,
    bot: Bot,
    quiz: QuizService,
    reply: CallbackReply,
) -> None:
    assert query.message is not None
    card = await quiz.card_for(query.from_user.id, callback_data.question, origin="drill")
    if card.status is not CardStatus.OK:
        reply.text, reply.alert = REFUSALS[card.status], True
        return
    await send_card(bot, query.message.chat.id, card)


async def on_reset(message: Message) -> None:
    await message.answer(texts.RESET_ASK, reply_markup=keyboards.reset_confirm(int(time.time())))


async def on_reset_confirm(
    query: CallbackQuery,
    callback_data: ResetConfirm,
    bot: Bot,
    stats: StatsService,
    reply: CallbackReply,
) -> None:
    assert query.message is not None
    chat_id, message_id = query.message.chat.id, query.message.message_id
    if not 0 <= time.time() - callback_data.asked_at <= RESET_CONFIRM_SECONDS:
        reply.text, reply.alert = texts.RESET_EXPIRED, True
        await drop_keyboard(bot, chat_id, message_id)
        return
    if not await drop_keyboard(bot, chat_id, message_id):
        return  # the confirmation was used already
    await stats.reset(query.from_user.id)
    reply.text = texts.RESET_DONE
    await edit_or_send(bot, chat_id, message_id, texts.RESET_DONE)


async def on_reset_cancel(query: CallbackQuery, bot: Bot, reply: CallbackReply) -> None:
    assert query.message is not None
    reply.text = texts.RESET_CANCELLED
    await edit_or_send(bot, query.message.chat.id, query.message.message_id, texts.RESET_CANCELLED)


def router() -> Router:
    r = Router(name="stats")
    r.message.filter(PRIVATE)
    r.message.register(on_stats, Command("stats"))
    r.message.register(on_reset, Command("reset"))
    r.callback_query.register(on_chart, StatsChart.filter())
    r.callback_query.register(on_hardest, StatsHardest.filter())
    r.callback_query.register(on_drill, Drill.filter())
    r.callback_query.register(on_reset_confirm, ResetConfirm.filter())
    r.callback_query.register(on_reset_cancel, ResetCancel.filter())
    return r
