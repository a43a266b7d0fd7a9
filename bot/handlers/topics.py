"""/topics: toggle buttons restricting /quiz and the daily question to topics and levels."""

from aiogram import Bot, Router
from aiogram.filters import Command
from aiogram.types import CallbackQuery, Message

from bot.handlers.filters import PRIVATE
from bot.handlers.middlewares import CallbackReply
from bot.handlers.telegram_ops import edit_or_send
from bot.handlers.users import register
from bot.quiz.service import QuizService
from bot.quiz.taxonomy import LEVELS, TOPICS
from bot.storage.repo import Repository
from bot.ui import keyboards, texts
from bot.ui.callbacks import FilterDone, ResetFilter, ToggleLevel, ToggleTopic


def _screen(quiz: QuizService, topics: tuple[str, ...], levels: tuple[str, ...]) -> str:
    count = len(quiz.candidates(topics, levels))
    return texts.TOPICS_HEADER.format(count=count, total=len(quiz.bank))


async def on_topics(message: Message, repo: Repository, quiz: QuizService) -> None:
    user_id = await register(message, repo)
    user = await repo.get_user(user_id)
    assert user is not None
    await message.answer(
        _screen(quiz, user.topics, user.levels),
        reply_markup=keyboards.topic_filter(user.topics, user.levels),
    )


def _toggled(items: tuple[str, ...], item: str) -> tuple[str, ...]:
    return tuple(i for i in items if i != item) if item in items else (*items, item)


async def _change(
    query: CallbackQuery,
    bot: Bot,
    repo: Repository,
    quiz: QuizService,
    *,
    topic: str | None = None,
    level: str | None = None,
    reset: bool = False,
) -> None:
    assert query.message is not None
    user_id = await register(query, repo)
    user = await repo.get_user(user_id)
    assert user is not None
    topics, levels = user.topics, user.levels
    if reset:
        topics, levels = (), ()
    if topic is not None:
        topics = _toggled(topics, topic)
    if level is not None:
        levels = _toggled(levels, level)
    await repo.set_filter(user_id, topics, levels)
    await edit_or_send(
        bot,
        query.message.chat.id,
        query.message.message_id,
        _screen(quiz, topics, levels),
        keyboards.topic_filter(topics, levels),
    )


async def on_toggle_topic(
    query: CallbackQuery,
    callback_data: ToggleTopic,
    bot: Bot,
    repo: Repository,
    quiz: QuizService,
    reply: CallbackReply,
) -> None:
    if callback_data.topic not in TOPICS:
        reply.text, reply.alert = texts.BAD_BUTTON, True
        return
    await _change(query, bot, repo, quiz, topic=callback_data.topic)


async def on_toggle_level(
    query: CallbackQuery,
    callback_data: ToggleLevel,
    bot: Bot,
    repo: Repository,
    quiz: QuizService,
    reply: CallbackReply,
) -> None:
    if callback_data.level not in LEVELS:
        reply.text, reply.alert = texts.BAD_BUTTON, True
        return
    await _change(query, bot, repo, quiz, level=callback_data.level)


async def on_reset(query: CallbackQuery, bot: Bot, repo: Repository, quiz: QuizService) -> None:
    await _change(query, bot, repo, quiz, reset=True)


async def on_done(
    query: CallbackQuery, bot: Bot, repo: Repository, quiz: QuizService, reply: CallbackReply
) -> None:
    assert query.message is not None
    user = await repo.get_user(query.from_user.id)
    topics, levels = (user.topics, user.levels) if user else ((), ())
    reply.text = texts.TOPICS_SAVED.format(count=len(quiz.candidates(topics, levels)))
    await edit_or_send(
        bot, query.message.chat.id, query.message.message_id, _screen(quiz, topics, levels)
    )


def router() -> Router:
    r = Router(name="topics")
    r.message.filter(PRIVATE)
    r.message.register(on_topics, Command("topics"))
    r.callback_query.register(on_toggle_topic, ToggleTopic.filter())
    r.callback_query.register(on_toggle_level, ToggleLevel.filter())
    r.callback_query.register(on_reset, ResetFilter.filter())
    r.callback_query.register(on_done, FilterDone.filter())
    return r
