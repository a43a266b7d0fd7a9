"""/quiz, the reveal button, the rating buttons and «next question»."""

from aiogram import Bot, Router
from aiogram.filters import Command
from aiogram.types import CallbackQuery, Message

from bot.handlers.filters import PRIVATE
from bot.handlers.middlewares import CallbackReply
from bot.handlers.telegram_ops import edit_or_send
from bot.handlers.users import register
from bot.push.clock import zone_of
from bot.push.subscriptions import Subscriptions
from bot.quiz.grades import Grade
from bot.quiz.service import CardStatus, CardView, QuizService
from bot.storage.repo import Repository
from bot.ui import keyboards, render, texts
from bot.ui.callbacks import NextCard, Rate, Reveal

REFUSALS = {
    CardStatus.UNKNOWN: texts.CARD_UNKNOWN,
    CardStatus.NOT_YOURS: texts.CARD_NOT_YOURS,
    CardStatus.REMOVED: texts.CARD_REMOVED,
}


async def send_next_card(bot: Bot, chat_id: int, user_id: int, quiz: QuizService) -> None:
    """Choose, record and send the user's next question card."""
    card = await quiz.next_card(user_id)
    if card is None or card.question is None:
        await bot.send_message(chat_id, texts.NO_QUESTIONS_FOR_FILTER)
        return
    await send_card(bot, chat_id, card)


async def send_card(bot: Bot, chat_id: int, card: CardView) -> None:
    assert card.question is not None
    await bot.send_message(
        chat_id, render.question_card(card.question), reply_markup=keyboards.reveal(card.shown_id)
    )


async def on_quiz(message: Message, bot: Bot, repo: Repository, quiz: QuizService) -> None:
    user_id = await register(message, repo)
    await send_next_card(bot, message.chat.id, user_id, quiz)


def _refused(view: CardView, reply: CallbackReply) -> bool:
    if view.status is CardStatus.OK:
        return False
    reply.text, reply.alert = REFUSALS[view.status], True
    return True


async def _show_rated(
    bot: Bot, query: CallbackQuery, view: CardView, subscriptions: Subscriptions
) -> None:
    assert view.question is not None and view.rating is not None and query.message is not None
    last_part = render.answer_parts(view.question)[-1]
    zone = zone_of(await subscriptions.zone_name(query.from_user.id))
    await edit_or_send(
        bot,
        query.message.chat.id,
        query.message.message_id,
        render.with_rating(last_part, view.rating, zone),
        keyboards.next_card(view.shown_id),
    )


async def on_reveal(
    query: CallbackQuery,
    callback_data: Reveal,
    bot: Bot,
    quiz: QuizService,
    reply: CallbackReply,
    subscriptions: Subscriptions,
) -> None:
    assert query.message is not None
    view = await quiz.open_card(query.from_user.id, callback_data.shown)
    if _refused(view, reply):
        return
    assert view.question is not None
    if view.rating is not None:
        await _show_rated(bot, query, view, subscriptions)
        return
    chat_id, message_id = query.message.chat.id, query.message.message_id
    parts = render.answer_parts(view.question)
    if len(parts) == 1:
        await edit_or_send(
            bot, chat_id, message_id, render.with_prompt(parts[0]), keyboards.grades(view.shown_id)
        )
        return
    if not await edit_or_send(bot, chat_id, message_id, parts[0]):
        return  # a second tap on a card already revealed: its parts were sent before
    for part in parts[1:-1]:
        await bot.send_message(chat_id, part)
    await bot.send_message(
        chat_id, render.with_prompt(parts[-1]), reply_markup=keyboards.grades(view.shown_id)
    )


async def on_rate(
    query: CallbackQuery,
    callback_data: Rate,
    bot: Bot,
    quiz: QuizService,
    reply: CallbackReply,
    subscriptions: Subscriptions,
) -> None:
    if callback_data.grade not in set(Grade):
        reply.text, reply.alert = texts.BAD_BUTTON, True
        return
    view = await quiz.rate(query.from_user.id, callback_data.shown, Grade(callback_data.grade))
    if _refused(view, reply):
        return
    assert view.rating is not None
    label = texts.GRADE_LABELS[Grade(view.rating.rating)]
    reply.text = (texts.SAVED if view.newly_rated else texts.ALREADY_RATED).format(grade=label)
    await _show_rated(bot, query, view, subscriptions)


async def on_next(
    query: CallbackQuery,
    callback_data: NextCard,
    bot: Bot,
    quiz: QuizService,
    reply: CallbackReply,
) -> None:
    assert query.message is not None
    if not await quiz.take_next(query.from_user.id, callback_data.after):
        reply.text = texts.NEXT_ALREADY_SENT
        return  # pressed already (or not their card): one new card is enough
    await send_next_card(bot, query.message.chat.id, query.from_user.id, quiz)


def router() -> Router:
    r = Router(name="quiz")
    r.message.filter(PRIVATE)
    r.message.register(on_quiz, Command("quiz"))
    r.callback_query.register(on_reveal, Reveal.filter())
    r.callback_query.register(on_rate, Rate.filter())
    r.callback_query.register(on_next, NextCard.filter())
    return r
