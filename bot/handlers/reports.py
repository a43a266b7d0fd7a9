"""«⚠️ Ошибка в ответе»: the button under an answer, then the user's message is the report,
passed on to the admins."""

import html
import logging

from aiogram import Bot, F, Router
from aiogram.exceptions import TelegramAPIError
from aiogram.types import CallbackQuery, Message
from aiogram.utils.callback_answer import CallbackAnswer

from bot.handlers.cards import refused
from bot.quiz.models import UserProfile
from bot.quiz.ports import ReportOutcome
from bot.quiz.reports import REPORTS_PER_DAY, ReportService
from bot.quiz.service import QuizService
from bot.ui import texts
from bot.ui.callbacks import ReportAnswer

log = logging.getLogger(__name__)


async def on_report_button(
    query: CallbackQuery,
    callback_data: ReportAnswer,
    bot: Bot,
    user: UserProfile,
    quiz: QuizService,
    reports: ReportService,
    callback_answer: CallbackAnswer,
) -> None:
    view = await quiz.open_card(user.user_id, callback_data.shown)
    if refused(view, callback_answer):
        return
    assert view.question is not None
    await reports.start(user, view.question.id)
    await bot.send_message(
        user.chat_id, texts.REPORT_ASK.format(question=html.escape(view.question.question))
    )


async def has_report_draft(message: Message, user: UserProfile, reports: ReportService) -> bool:
    return reports.has_draft(user)


async def on_report_text(
    message: Message,
    bot: Bot,
    user: UserProfile,
    quiz: QuizService,
    reports: ReportService,
    admin_ids: frozenset[int],
) -> None:
    assert message.text is not None
    outcome, report = await reports.submit(user, message.text)
    if outcome is ReportOutcome.TOO_MANY:
        await message.answer(texts.REPORT_TOO_MANY.format(count=REPORTS_PER_DAY))
        return
    if report is None:
        await message.answer(texts.FALLBACK)
        return
    await message.answer(texts.REPORT_THANKS)
    question = quiz.bank.get(report.question_id)
    notice = texts.REPORT_TO_ADMINS.format(
        report_id=report.report_id,
        question=html.escape(question.question if question else "—"),
        question_id=html.escape(report.question_id),
        user_id=report.user_id,
        text=html.escape(report.text),
    )
    for admin_id in sorted(admin_ids):
        try:
            await bot.send_message(admin_id, notice)
        except TelegramAPIError as exc:
            log.warning("could not notify admin %s of report %s: %s", admin_id, report, exc)


def router() -> Router:
    r = Router(name="reports")
    r.callback_query.register(on_report_button, ReportAnswer.filter())
    r.message.register(on_report_text, F.text, ~F.text.startswith("/"), has_report_draft)
    return r
