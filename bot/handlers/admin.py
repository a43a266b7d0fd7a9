"""/admin: totals, the last day's push log and open error reports, for ADMIN_IDS only
(others get the hint), and marking a report fixed."""

from collections.abc import Callable
from datetime import datetime

from aiogram import F, Router
from aiogram.filters import Command
from aiogram.types import CallbackQuery, Message
from aiogram.utils.callback_answer import CallbackAnswer

from bot.handlers.filters import on_loop
from bot.quiz.admin import AdminService
from bot.quiz.reports import ReportService
from bot.quiz.service import QuizService
from bot.ui import keyboards, render_admin, texts
from bot.ui.callbacks import ResolveReport

Clock = Callable[[], datetime]


async def on_admin(
    message: Message, admin: AdminService, reports: ReportService, quiz: QuizService, clock: Clock
) -> None:
    open_reports = await reports.open_reports()
    summary = render_admin.overview(await admin.overview(), await admin.push_health(), clock())
    questions = {
        r.question_id: q.question
        for r in open_reports
        if (q := quiz.bank.get(r.question_id)) is not None
    }
    await message.answer(
        summary + "\n\n" + render_admin.reports(open_reports, questions),
        reply_markup=(
            keyboards.resolve_reports([r.report_id for r in open_reports]) if open_reports else None
        ),
    )


async def on_resolve(
    query: CallbackQuery,
    callback_data: ResolveReport,
    reports: ReportService,
    callback_answer: CallbackAnswer,
) -> None:
    done = await reports.resolve(callback_data.report, query.from_user.id)
    callback_answer.text = texts.REPORT_RESOLVED if done else texts.REPORT_ALREADY_RESOLVED


def router(admin_ids: frozenset[int]) -> Router:
    r = Router(name="admin")
    r.message.filter(on_loop(F.from_user.id.in_(admin_ids)))
    r.callback_query.filter(on_loop(F.from_user.id.in_(admin_ids)))
    r.message.register(on_admin, Command("admin", ignore_case=True))
    r.callback_query.register(on_resolve, ResolveReport.filter())
    return r
