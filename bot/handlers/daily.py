"""/daily, /timezone, the daily offer button, and users blocking the bot."""

from collections.abc import Callable
from datetime import datetime

from aiogram import Bot, F, Router
from aiogram.enums import ChatType
from aiogram.filters import KICKED, ChatMemberUpdatedFilter, Command, CommandObject
from aiogram.types import CallbackQuery, ChatMemberUpdated, Message
from aiogram.utils.callback_answer import CallbackAnswer

from bot.quiz.clock import parse_daily_time, parse_timezone, zone_of
from bot.quiz.models import UserProfile
from bot.quiz.subscriptions import DailyState, Subscriptions, daily_state
from bot.ui import texts
from bot.ui.callbacks import DailyOn
from bot.ui.render import human_date, user_input

_OFF_WORDS = {"off", "stop", "выкл", "выключить", "стоп", "нет", "отписаться"}
Clock = Callable[[], datetime]


def _next(state: DailyState) -> str:
    assert state.next_push_at is not None
    return human_date(state.next_push_at, zone_of(state.zone))


async def on_daily(
    message: Message, command: CommandObject, user: UserProfile, subscriptions: Subscriptions
) -> None:
    argument = (command.args or "").strip()
    if not argument:
        state = daily_state(user)
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
        done = await subscriptions.unsubscribe(user)
        await message.answer(texts.DAILY_UNSUBSCRIBED if done else texts.DAILY_ALREADY_OFF)
        return
    at = parse_daily_time(argument)
    if at is None:
        await message.answer(texts.DAILY_BAD_TIME.format(value=user_input(argument)))
        return
    state = await subscriptions.subscribe(user, at)
    await message.answer(_subscribed(state))


def _subscribed(state: DailyState) -> str:
    return texts.DAILY_SUBSCRIBED.format(time=state.daily_time, zone=state.zone, next=_next(state))


async def on_daily_button(
    query: CallbackQuery,
    callback_data: DailyOn,
    bot: Bot,
    user: UserProfile,
    subscriptions: Subscriptions,
    callback_answer: CallbackAnswer,
) -> None:
    at = parse_daily_time(callback_data.at.replace("-", ":"))
    if at is None or query.message is None:
        callback_answer.text, callback_answer.show_alert = texts.BAD_BUTTON, True
        return
    if user.daily_time is not None:  # an old offer must not move the subscriber's own time
        state = daily_state(user)
        callback_answer.text = texts.DAILY_ALREADY_ON_SHORT.format(time=state.daily_time)
        await bot.send_message(
            query.message.chat.id,
            texts.DAILY_ALREADY_ON.format(
                time=state.daily_time, zone=state.zone, next=_next(state)
            ),
        )
        return
    state = await subscriptions.subscribe(user, at)
    callback_answer.text = f"{texts.DAILY_TITLE}: {state.daily_time}"
    await bot.send_message(query.message.chat.id, _subscribed(state))


async def on_timezone(
    message: Message,
    command: CommandObject,
    user: UserProfile,
    subscriptions: Subscriptions,
    clock: Clock,
) -> None:
    argument = (command.args or "").strip()
    if not argument:
        local = clock().astimezone(zone_of(user.timezone))
        await message.answer(
            texts.TIMEZONE_STATUS.format(zone=user.timezone, local=f"{local:%H:%M}")
        )
        return
    zone_name = parse_timezone(argument)
    if zone_name is None:
        await message.answer(texts.TIMEZONE_BAD.format(value=user_input(argument)))
        return
    state = await subscriptions.set_timezone(user, zone_name)
    now = clock().astimezone(zone_of(zone_name))
    text = texts.TIMEZONE_SET.format(zone=zone_name, local=f"{now:%H:%M}")
    if state.daily_time is not None:
        text += "\n" + texts.TIMEZONE_SET_DAILY.format(time=state.daily_time, next=_next(state))
    await message.answer(text)


async def on_blocked(event: ChatMemberUpdated, subscriptions: Subscriptions) -> None:
    await subscriptions.blocked(event.from_user.id)


def router() -> Router:
    r = Router(name="daily")
    r.message.register(on_daily, Command("daily", ignore_case=True))
    r.message.register(on_timezone, Command("timezone", ignore_case=True))
    r.callback_query.register(on_daily_button, DailyOn.filter())
    r.my_chat_member.register(
        on_blocked, ChatMemberUpdatedFilter(KICKED), F.chat.type == ChatType.PRIVATE
    )
    return r
