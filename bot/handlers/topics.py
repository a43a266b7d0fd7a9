"""/topics: toggle buttons restricting /quiz and the daily question to topics and levels."""

from collections.abc import Callable
from datetime import datetime

from aiogram import Bot, Router
from aiogram.filters import Command
from aiogram.types import CallbackQuery, InlineKeyboardMarkup, Message
from aiogram.utils.callback_answer import CallbackAnswer

from bot.handlers.cards import send_next
from bot.handlers.telegram_ops import edit_or_send
from bot.quiz.models import UserProfile
from bot.quiz.profiles import ProfileService
from bot.quiz.service import QuizService
from bot.quiz.taxonomy import LEVELS, TOPICS
from bot.ui import keyboards, texts
from bot.ui.callbacks import FilterDone, ResetFilter, ToggleLevel, ToggleTopic

Clock = Callable[[], datetime]


def _screen(quiz: QuizService, topics: tuple[str, ...], levels: tuple[str, ...]) -> str:
    count = len(quiz.candidates(topics, levels))
    text = texts.TOPICS_HEADER.format(count=count, total=len(quiz.bank))
    return text if count else f"{text}\n\n{texts.TOPICS_EMPTY}"


def _keyboard(
    quiz: QuizService, topics: tuple[str, ...], levels: tuple[str, ...]
) -> InlineKeyboardMarkup:
    """Toggles, each level with the number of its questions in the chosen topics."""
    counts = {level: len(quiz.candidates(topics, (level,))) for level in LEVELS}
    return keyboards.topic_filter(topics, levels, counts)


async def on_topics(message: Message, user: UserProfile, quiz: QuizService) -> None:
    await message.answer(
        _screen(quiz, user.topics, user.levels),
        reply_markup=_keyboard(quiz, user.topics, user.levels),
    )


def _toggled(items: tuple[str, ...], item: str) -> tuple[str, ...]:
    return tuple(i for i in items if i != item) if item in items else (*items, item)


async def _change(
    query: CallbackQuery,
    bot: Bot,
    user: UserProfile,
    profiles: ProfileService,
    quiz: QuizService,
    *,
    topic: str | None = None,
    level: str | None = None,
    reset: bool = False,
) -> None:
    assert query.message is not None
    topics, levels = ((), ()) if reset else (user.topics, user.levels)
    if topic is not None:
        topics = _toggled(topics, topic)
    if level is not None:
        levels = _toggled(levels, level)
    user = await profiles.set_filter(user, topics, levels)
    await edit_or_send(
        bot,
        query.message.chat.id,
        query.message.message_id,
        _screen(quiz, user.topics, user.levels),
        _keyboard(quiz, user.topics, user.levels),
    )


async def on_toggle_topic(
    query: CallbackQuery,
    callback_data: ToggleTopic,
    bot: Bot,
    user: UserProfile,
    profiles: ProfileService,
    quiz: QuizService,
    callback_answer: CallbackAnswer,
) -> None:
    if callback_data.topic not in TOPICS:
        callback_answer.text, callback_answer.show_alert = texts.BAD_BUTTON, True
        return
    await _change(query, bot, user, profiles, quiz, topic=callback_data.topic)


async def on_toggle_level(
    query: CallbackQuery,
    callback_data: ToggleLevel,
    bot: Bot,
    user: UserProfile,
    profiles: ProfileService,
    quiz: QuizService,
    callback_answer: CallbackAnswer,
) -> None:
    if callback_data.level not in LEVELS:
        callback_answer.text, callback_answer.show_alert = texts.BAD_BUTTON, True
        return
    await _change(query, bot, user, profiles, quiz, level=callback_data.level)


async def on_reset(
    query: CallbackQuery, bot: Bot, user: UserProfile, profiles: ProfileService, quiz: QuizService
) -> None:
    await _change(query, bot, user, profiles, quiz, reset=True)


async def on_done(
    query: CallbackQuery,
    bot: Bot,
    user: UserProfile,
    quiz: QuizService,
    clock: Clock,
    callback_answer: CallbackAnswer,
) -> None:
    """Close the filter and send the first card of the new selection (an empty one is not
    accepted: the user is told to change it)."""
    assert query.message is not None
    count = len(quiz.candidates(user.topics, user.levels))
    if not count:
        callback_answer.text, callback_answer.show_alert = texts.TOPICS_EMPTY_ALERT, True
        return
    callback_answer.text = texts.TOPICS_SAVED.format(count=count)
    # A second tap on a closed filter ends here ("not modified"): one card is enough.
    await edit_or_send(
        bot,
        query.message.chat.id,
        query.message.message_id,
        _screen(quiz, user.topics, user.levels),
    )
    await send_next(bot, user, quiz, clock)


def router() -> Router:
    r = Router(name="topics")
    r.message.register(on_topics, Command("topics", ignore_case=True))
    r.callback_query.register(on_toggle_topic, ToggleTopic.filter())
    r.callback_query.register(on_toggle_level, ToggleLevel.filter())
    r.callback_query.register(on_reset, ResetFilter.filter())
    r.callback_query.register(on_done, FilterDone.filter())
    return r
