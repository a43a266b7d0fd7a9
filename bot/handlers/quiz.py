"""/quiz and the card's buttons: reveal, rate, take a rating back, next, skip, «Больше не
показывать», review ahead of time and «start reviewing»."""

import asyncio
from collections.abc import Callable
from datetime import datetime
from typing import Final

from aiogram import Bot, Router
from aiogram.filters import Command
from aiogram.types import CallbackQuery, Message
from aiogram.utils.callback_answer import CallbackAnswer

from bot.handlers.cards import refused, send_next, send_step
from bot.handlers.telegram_ops import answer_now, drop_keyboard, edit_or_send
from bot.quiz.clock import zone_of
from bot.quiz.grades import Grade
from bot.quiz.models import RatingKind, UserProfile
from bot.quiz.ports import NextTaken, PrefetchedCard, PrefetchedNext, StoreBusy, UndoOutcome
from bot.quiz.service import CardView, QuizService
from bot.ui import keyboards, render, texts
from bot.ui.callbacks import (
    NextCard,
    NextEarly,
    Rate,
    Reveal,
    ReviewEarly,
    Skip,
    StartReview,
    Suspend,
    Undo,
)

Clock = Callable[[], datetime]
_UNDO_REFUSALS = {
    UndoOutcome.TOO_LATE: texts.UNDO_TOO_LATE,
    UndoOutcome.NO_STATE: texts.UNDO_NO_STATE,
    UndoOutcome.NOT_RATED: texts.UNDO_NOT_RATED,
}

# A save slower than this (another process holding the database) is answered «Сохраняю…»
# first, well within Telegram's 15 s for a callback answer; the card shows the result later.
SLOW_SAVE_SECONDS: Final = 1.5


async def on_quiz(
    message: Message, bot: Bot, user: UserProfile, quiz: QuizService, clock: Clock
) -> None:
    await send_next(bot, user, quiz, clock)


def _last_part(view: CardView, answer: str | None) -> str:
    assert view.question is not None
    return render.answer_parts(view.question, daily=view.daily, user_answer=answer)[-1]


async def _show_rated(bot: Bot, query: CallbackQuery, view: CardView, user: UserProfile) -> None:
    assert view.rating is not None and query.message is not None
    await edit_or_send(
        bot,
        query.message.chat.id,
        query.message.message_id,
        render.with_rating(
            _last_part(view, view.rating.answer), view.rating, zone_of(user.timezone)
        ),
        keyboards.next_card(view.shown_id, early=view.rating.kind == RatingKind.EARLY),
    )


async def on_reveal(
    query: CallbackQuery,
    callback_data: Reveal,
    bot: Bot,
    user: UserProfile,
    quiz: QuizService,
    callback_answer: CallbackAnswer,
    prefetched: PrefetchedCard | None = None,
) -> None:
    assert query.message is not None
    view = await quiz.open_card(user.user_id, callback_data.shown, prefetched)
    if refused(view, callback_answer):
        return
    assert view.question is not None
    if view.rating is not None:
        await _show_rated(bot, query, view, user)
        return
    chat_id, message_id = query.message.chat.id, query.message.message_id
    parts = render.answer_parts(view.question, daily=view.daily, user_answer=view.answer)
    buttons = keyboards.grades(view.shown_id, view.intervals)
    if len(parts) == 1:
        await edit_or_send(bot, chat_id, message_id, render.with_prompt(parts[0]), buttons)
        return
    # A second tap on a card already revealed ends here ("not modified"): its parts were sent.
    await edit_or_send(bot, chat_id, message_id, parts[0])
    for part in parts[1:-1]:
        await bot.send_message(chat_id, part)
    await bot.send_message(chat_id, render.with_prompt(parts[-1]), reply_markup=buttons)


async def on_rate(
    query: CallbackQuery,
    callback_data: Rate,
    bot: Bot,
    user: UserProfile,
    quiz: QuizService,
    callback_answer: CallbackAnswer,
    prefetched: PrefetchedCard | None = None,
) -> None:
    if callback_data.grade not in set(Grade):
        callback_answer.text, callback_answer.show_alert = texts.BAD_BUTTON, True
        return
    assert query.message is not None
    grade = Grade(callback_data.grade)
    saving = asyncio.ensure_future(
        quiz.rate(user.user_id, callback_data.shown, grade, user.timezone, prefetched)
    )
    done, _ = await asyncio.wait({saving}, timeout=SLOW_SAVE_SECONDS)
    if not done:
        await answer_now(query, callback_answer, texts.SAVING)
    try:
        view = await saving
    except StoreBusy:
        # Nothing was written: the card keeps its grade buttons for another tap.
        if callback_answer.disabled:
            await bot.send_message(query.message.chat.id, texts.RATING_NOT_SAVED)
        else:
            callback_answer.text, callback_answer.show_alert = texts.RATING_NOT_SAVED, True
        return
    if refused(view, callback_answer):
        return
    assert view.rating is not None
    name = texts.GRADE_NAMES[Grade(view.rating.rating)]
    callback_answer.text = (texts.SAVED if view.newly_rated else texts.ALREADY_RATED).format(
        grade=name
    )
    await _show_rated(bot, query, view, user)


async def on_undo(
    query: CallbackQuery,
    callback_data: Undo,
    bot: Bot,
    user: UserProfile,
    quiz: QuizService,
    callback_answer: CallbackAnswer,
) -> None:
    assert query.message is not None
    outcome, view = await quiz.undo(user.user_id, callback_data.shown)
    if refused(view, callback_answer):
        return
    if outcome is not UndoOutcome.UNDONE:
        callback_answer.text, callback_answer.show_alert = _UNDO_REFUSALS[outcome], True
        return
    callback_answer.text = texts.UNDONE
    await edit_or_send(
        bot,
        query.message.chat.id,
        query.message.message_id,
        render.with_prompt(_last_part(view, view.answer)),
        keyboards.grades(view.shown_id, view.intervals),
    )


async def _next_once(
    query: CallbackQuery,
    after: int,
    bot: Bot,
    user: UserProfile,
    quiz: QuizService,
    clock: Clock,
    callback_answer: CallbackAnswer,
    prefetched: PrefetchedNext | None,
    *,
    early: bool = False,
) -> bool:
    """Send the next card once per card under which it was asked for (the claim and the
    new card are recorded atomically)."""
    try:
        step = await quiz.next_step(user.user_id, early=early, after=after, prefetched=prefetched)
    except NextTaken:
        callback_answer.text = texts.NEXT_ALREADY_SENT
        return False  # pressed already (or not their card): one new card is enough
    try:
        await send_step(bot, user, step, clock)
    except BaseException:
        # Nothing was sent: the button must work again, not claim «already sent».
        await quiz.release_next(user.user_id, after)
        raise
    return True


async def on_next(
    query: CallbackQuery,
    callback_data: NextCard | NextEarly,
    bot: Bot,
    user: UserProfile,
    quiz: QuizService,
    clock: Clock,
    callback_answer: CallbackAnswer,
    prefetched_next: PrefetchedNext | None = None,
) -> None:
    early = isinstance(callback_data, NextEarly)
    after = callback_data.after
    await _next_once(
        query, after, bot, user, quiz, clock, callback_answer, prefetched_next, early=early
    )


async def on_skip(
    query: CallbackQuery,
    callback_data: Skip,
    bot: Bot,
    user: UserProfile,
    quiz: QuizService,
    clock: Clock,
    callback_answer: CallbackAnswer,
    prefetched_next: PrefetchedNext | None = None,
) -> None:
    """Pass over a card without rating it: it stays as it was and comes back later."""
    assert query.message is not None
    shown = callback_data.shown
    if await _next_once(query, shown, bot, user, quiz, clock, callback_answer, prefetched_next):
        callback_answer.text = texts.SKIPPED
        await drop_keyboard(bot, query.message.chat.id, query.message.message_id)


async def on_suspend(
    query: CallbackQuery,
    callback_data: Suspend,
    bot: Bot,
    user: UserProfile,
    quiz: QuizService,
    callback_answer: CallbackAnswer,
) -> None:
    assert query.message is not None
    view = await quiz.suspend(user.user_id, callback_data.shown)
    if refused(view, callback_answer):
        return
    assert view.question is not None
    callback_answer.text = texts.SUSPENDED_TOAST
    card = render.question_card(view.question, daily=view.daily)
    text = card.removesuffix(texts.ASK_YOURSELF) + texts.SUSPENDED_DONE
    await edit_or_send(
        bot,
        query.message.chat.id,
        query.message.message_id,
        text,
        keyboards.after_suspend(view.shown_id),
    )


async def on_review_early(
    query: CallbackQuery, bot: Bot, user: UserProfile, quiz: QuizService, clock: Clock
) -> None:
    """«Повторить заранее» under «На сегодня всё»: one early card, then the offer's button goes
    (further early cards come from «next» under that card, which works once per card)."""
    await send_next(bot, user, quiz, clock, early=True)
    if query.message is not None:
        await drop_keyboard(bot, query.message.chat.id, query.message.message_id)


async def on_start_review(
    query: CallbackQuery, bot: Bot, user: UserProfile, quiz: QuizService, clock: Clock
) -> None:
    await send_next(bot, user, quiz, clock)


def router() -> Router:
    r = Router(name="quiz")
    r.message.register(on_quiz, Command("quiz", ignore_case=True))
    r.callback_query.register(on_reveal, Reveal.filter())
    r.callback_query.register(on_rate, Rate.filter())
    r.callback_query.register(on_undo, Undo.filter())
    r.callback_query.register(on_next, NextCard.filter())
    r.callback_query.register(on_next, NextEarly.filter())
    r.callback_query.register(on_skip, Skip.filter())
    r.callback_query.register(on_suspend, Suspend.filter())
    r.callback_query.register(on_review_early, ReviewEarly.filter())
    r.callback_query.register(on_start_review, StartReview.filter())
    return r
