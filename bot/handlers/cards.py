"""Sending a question card (or the «done for today» screen) and refusing a button that
cannot act: shared by the quiz, /topics, /stats and study routers (not a router: handlers
never import each other)."""

from collections.abc import Callable
from datetime import datetime

from aiogram import Bot
from aiogram.utils.callback_answer import CallbackAnswer

from bot.quiz.clock import zone_of
from bot.quiz.models import UserProfile
from bot.quiz.service import CardStatus, CardView, NextStep, QuizService
from bot.ui import keyboards, render, texts

REFUSALS = {
    CardStatus.UNKNOWN: texts.CARD_UNKNOWN,
    CardStatus.NOT_YOURS: texts.CARD_NOT_YOURS,
    CardStatus.REMOVED: texts.CARD_REMOVED,
}
Clock = Callable[[], datetime]


async def send_card(bot: Bot, chat_id: int, card: CardView) -> None:
    assert card.question is not None
    await bot.send_message(
        chat_id,
        render.question_card(card.question, progress=card.progress),
        reply_markup=keyboards.reveal(card.shown_id),
    )


async def send_next(
    bot: Bot, user: UserProfile, quiz: QuizService, clock: Clock, *, early: bool = False
) -> None:
    """Choose, record and send the user's next card; or say the day is done, or that the
    filter leaves no question."""
    await send_step(bot, user, await quiz.next_step(user.user_id, early=early), clock)


async def send_step(bot: Bot, user: UserProfile, step: NextStep, clock: Clock) -> None:
    """Send what ``next_step`` chose: the card, the «done for today» screen, or that the
    filter leaves no question."""
    if step.card is not None and step.card.question is not None:
        await send_card(bot, user.chat_id, step.card)
    elif step.done is not None:
        done = step.done
        await bot.send_message(
            user.chat_id,
            render.day_done(
                done, clock(), zone_of(user.timezone), filtered=bool(user.topics or user.levels)
            ),
            reply_markup=keyboards.day_done(done.next_due is not None),
        )
    else:
        await bot.send_message(user.chat_id, texts.NO_QUESTIONS_FOR_FILTER)


def refused(view: CardView, callback_answer: CallbackAnswer) -> bool:
    """Tell the presser why this card's button does nothing; False when it may act."""
    if view.status is CardStatus.OK:
        return False
    callback_answer.text, callback_answer.show_alert = REFUSALS[view.status], True
    return True
