"""/daily, /timezone, the daily offer button, and users blocking the bot."""

import html
from datetime import datetime

from aiogram import Bot, F, Router
from aiogram.enums import ChatType
from aiogram.filters import KICKED, ChatMemberUpdatedFilter, Command, CommandObject
from aiogram.types import CallbackQuery, ChatMemberUpdated, Message

from bot.handlers.filters import PRIVATE
from bot.handlers.middlewares import CallbackReply
from bot.handlers.users import register
from bot.push.clock import parse_daily_time, parse_timezone, zone_of
from bot.push.subscriptions import DailyState, Subscriptions
from bot.storage.repo import Repository
from bot.ui import texts
from bot.ui.callbacks import DailyOn
from bot.ui.render import human_date

_OFF_WORDS = {"off", "stop", "выкл", "выключить", "стоп", "нет", "отписаться"}


def _next(state: DailyState) -> str:
    assert state.next_push_at is not None
    return human_date(state.next_push_at, zone_of(state.zone))


async def on_daily(
    message: Message, command: CommandObject, repo: Repository, subscriptions: Subscriptions
) -> None:
    user_id = await register(message, repo)
    argument = (command.args or "").strip()
    if not argument:
        state = await subscriptions.state(user_id)
        if state.daily_time is None:
            await message.answer(texts.DAILY_STATUS_OFF.format(zone=state.zone))
        else:
            await message.answer(
                texts.DAILY_STATUS_ON.format(
                    time=state.daily_time, zone=state.zone, next=_next(state)
                )
            )
        return
    if argument.lower() in _OFF_WORDS:
        done = await subscriptions.unsubscribe(user_id)
        await message.answer(texts.DAILY_UNSUBSCRIBED if done else texts.DAILY_ALREADY_OFF)
        return
    at = parse_daily_time(argument)
    if at is None:
        await message.answer(texts.DAILY_BAD_TIME.format(value=_quote(argument)))
        return
    state = await subscriptions.subscribe(user_id, at)
    await message.answer(_subscribed(state))


def _subscribed(state: DailyState) -> str:
    return texts.DAILY_SUBSCRIBED.format(time=state.daily_time, zone=state.zone, next=_next(state))


def _quote(value: str) -> str:
    return html.escape(value[:40])


async def on_daily_button(
    query: CallbackQuery,
    callback_data: DailyOn,
    bot: Bot,
    repo: Repository,
    subscriptions: Subscriptions,
    reply: CallbackReply,
) -> None:
    at = parse_daily_time(callback_data.at.replace("-", ":"))
    if at is None or query.message is None:
        reply.text, reply.alert = texts.BAD_BUTTON, True
        return
    user_id = await register(query, repo)
    state = await subscriptions.subscribe(user_id, at)
    reply.text = f"{texts.DAILY_TITLE}: {state.daily_time}"
    await bot.send_message(query.message.chat.id, _subscribed(state))


async def on_timezone(
    message: Message, command: CommandObject, repo: Repository, subscriptions: Subscriptions
) -> None:
    user_id = await register(message, repo)
    argument = (command.args or "").strip()
    if not argument:
        zone = await subscriptions.zone_name(user_id)
        local = datetime.now(zone_of(zone))
        await message.answer(texts.TIMEZONE_STATUS.format(zone=zone, local=f"{local:%H:%M}"))
        return
    zone_name = parse_timezone(argument)
    if zone_name is None:
        await message.answer(texts.TIMEZONE_BAD.format(value=_quote(argument)))
        return
    state = await subscriptions.set_timezone(user_id, zone_name)
    now = datetime.now(zone_of(zone_name))
    text = texts.TIMEZONE_SET.format(zone=zone_name, local=f"{now:%H:%M}")
    if state.daily_time is not None:
        text += "\n" + texts.TIMEZONE_SET_DAILY.format(time=state.daily_time, next=_next(state))
    await message.answer(text)


async def on_blocked(event: ChatMemberUpdated, subscriptions: Subscriptions) -> None:
    await subscriptions.blocked(event.from_user.id)


def router() -> Router:
    r = Router(name="daily")
    r.message.filter(PRIVATE)
    r.message.register(on_daily, Command("daily"))
    r.message.register(on_timezone, Command("timezone"))
    r.callback_query.register(on_daily_button, DailyOn.filter())
    r.my_chat_member.register(
        on_blocked, ChatMemberUpdatedFilter(KICKED), F.chat.type == ChatType.PRIVATE
    )
    return r
